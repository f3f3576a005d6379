//! [`Identifier`]: names of tables, columns, schemas, always double-quoted.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::{Error, ErrorKind, Result};

/// The longest identifier PostgreSQL keeps (`NAMEDATALEN - 1`); longer ones
/// are silently truncated by the server, so they are an error here.
pub(crate) const MAX_IDENTIFIER_BYTES: usize = 63;

/// A possibly schema-qualified name: every part is double-quoted with `"`
/// doubled, and the parts are joined by `.`.
///
/// A NUL character, an empty part, or a part over 63 bytes (which PostgreSQL
/// would truncate) is an [`ErrorKind::Identifier`] error. Constructors never
/// fail or panic: [`Identifier::new`] keeps whatever it is given, and a bad
/// name surfaces as an error when the query is rendered, so nothing invalid
/// ever reaches the query text. [`Identifier::try_new`] checks at once.
///
/// ```
/// use pgcast_core::ErrorKind;
/// use pgcast_core::sql::{Composable, Identifier};
///
/// let users = Identifier::qualified(["public", "users"]);
/// assert_eq!(users.render_inline().unwrap(), r#""public"."users""#);
/// assert_eq!(Identifier::new(r#"say "hi""#).render_inline().unwrap(), r#""say ""hi""""#);
///
/// let bad = Identifier::new("a".repeat(64));
/// assert_eq!(bad.render_inline().unwrap_err().kind(), ErrorKind::Identifier);
/// assert!(Identifier::try_new("").is_err());
/// ```
#[derive(Clone)]
pub struct Identifier(Parts);

/// The parts; two-part names (`schema.table`, `table.column`) need no `Vec`.
#[derive(Clone)]
enum Parts {
    One(Cow<'static, str>),
    Two([Cow<'static, str>; 2]),
    Many(Vec<Cow<'static, str>>),
}

impl PartialEq for Identifier {
    fn eq(&self, other: &Identifier) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for Identifier {}

impl Hash for Identifier {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

impl Identifier {
    /// A one-part name (not split at dots: `"a.b"` is one name with a dot).
    pub fn new(name: impl Into<Cow<'static, str>>) -> Identifier {
        Identifier(Parts::One(name.into()))
    }

    /// A one-part name, checked now.
    ///
    /// ```
    /// use pgcast_core::sql::Identifier;
    ///
    /// assert!(Identifier::try_new("users").is_ok());
    /// let err = Identifier::try_new("a\0b").unwrap_err();
    /// assert_eq!(err.to_string(), "bad identifier: identifier \"a\\0b\" contains a NUL character");
    /// ```
    pub fn try_new(name: impl Into<Cow<'static, str>>) -> Result<Identifier> {
        let id = Identifier::new(name);
        id.check()?;
        Ok(id)
    }

    /// A qualified name from its parts: `["public", "users"]` → `"public"."users"`.
    /// No parts at all is an error at rendering.
    pub fn qualified<I>(parts: I) -> Identifier
    where
        I: IntoIterator,
        I::Item: Into<Cow<'static, str>>,
    {
        let mut parts = parts.into_iter().map(Into::into);
        let Some(first) = parts.next() else {
            return Identifier(Parts::Many(Vec::new()));
        };
        let Some(second) = parts.next() else {
            return Identifier(Parts::One(first));
        };
        let Some(third) = parts.next() else {
            return Identifier(Parts::Two([first, second]));
        };
        let mut many = Vec::with_capacity(parts.size_hint().0 + 3);
        many.extend([first, second, third]);
        many.extend(parts);
        Identifier(Parts::Many(many))
    }

    /// This name with one more part: a column of a table, a table of a schema.
    ///
    /// ```
    /// use pgcast_core::sql::{Composable, Identifier};
    ///
    /// let col = Identifier::new("u").with_part("email");
    /// assert_eq!(col.render_inline().unwrap(), r#""u"."email""#);
    /// ```
    pub fn with_part(self, part: impl Into<Cow<'static, str>>) -> Identifier {
        let mut parts = match self.0 {
            Parts::One(one) => return Identifier(Parts::Two([one, part.into()])),
            Parts::Two([a, b]) => vec![a, b],
            Parts::Many(many) => many,
        };
        parts.push(part.into());
        Identifier(Parts::Many(parts))
    }

    /// A comma-separated column list: `"id", "email"`.
    ///
    /// ```
    /// use pgcast_core::sql::{Composable, Identifier};
    ///
    /// let cols = Identifier::list(["id", "email"]);
    /// assert_eq!(cols.render_inline().unwrap(), r#""id", "email""#);
    /// ```
    pub fn list<I>(names: I) -> super::Composed<'static>
    where
        I: IntoIterator,
        I::Item: Into<Identifier>,
    {
        super::Sql::join(", ", names.into_iter().map(Into::into))
    }

    /// The unquoted parts.
    pub fn parts(&self) -> &[Cow<'static, str>] {
        match &self.0 {
            Parts::One(one) => std::slice::from_ref(one),
            Parts::Two(two) => two,
            Parts::Many(many) => many,
        }
    }

    /// Checks every part: not empty, at most 63 bytes, no NUL.
    pub fn check(&self) -> Result<()> {
        let parts = self.parts();
        if parts.is_empty() {
            return Err(no_parts());
        }
        for part in parts {
            check_part_len(part)?;
            if part.as_bytes().contains(&0) {
                return Err(nul(part));
            }
        }
        Ok(())
    }

    /// Writes the quoted name; the same checks as [`check`](Self::check).
    #[inline]
    pub(crate) fn write(&self, out: &mut String) -> Result<()> {
        let parts = self.parts();
        if parts.is_empty() {
            return Err(no_parts());
        }
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            write_part(part, out)?;
        }
        Ok(())
    }

    /// Bytes the quoted name takes, about (for sizing the output once).
    pub(crate) fn size_hint(&self) -> usize {
        self.parts().iter().map(|p| p.len() + 3).sum()
    }
}

fn no_parts() -> Error {
    Error::new(
        ErrorKind::Identifier,
        "an identifier needs at least one part",
    )
}

#[cold]
fn nul(part: &str) -> Error {
    Error::new(
        ErrorKind::Identifier,
        format!("identifier {part:?} contains a NUL character"),
    )
}

#[inline]
fn check_part_len(part: &str) -> Result<()> {
    if part.is_empty() || part.len() > MAX_IDENTIFIER_BYTES {
        return Err(bad_len(part));
    }
    Ok(())
}

#[cold]
fn bad_len(part: &str) -> Error {
    if part.is_empty() {
        return Error::new(ErrorKind::Identifier, "empty identifier");
    }
    let preview: String = part.chars().take(20).collect();
    Error::new(
        ErrorKind::Identifier,
        format!(
            "identifier {preview:?}… is {} bytes; PostgreSQL would truncate it to {MAX_IDENTIFIER_BYTES}",
            part.len()
        ),
    )
}

/// Writes `name` double-quoted with its `"` doubled: the one quoting of a
/// name the server gave (a column, a type, a schema), which is never empty,
/// long or NUL-bearing, so there is nothing to check.
///
/// ```
/// let mut out = String::new();
/// pgcast_core::sql::write_quoted_name("my \"col\"", &mut out);
/// assert_eq!(out, r#""my ""col""""#);
/// ```
pub fn write_quoted_name(name: &str, out: &mut String) {
    out.reserve(name.len() + 2);
    out.push('"');
    for (i, part) in name.split('"').enumerate() {
        if i > 0 {
            out.push_str("\"\"");
        }
        out.push_str(part);
    }
    out.push('"');
}

/// Writes one part double-quoted, `"` doubled: straight into the output.
#[inline(always)]
pub(crate) fn write_part(part: &str, out: &mut String) -> Result<()> {
    let bytes = part.as_bytes();
    // Most names have neither a quote nor a NUL and are copied whole; one
    // pass without early exit (no branch per byte) finds out.
    let special = bytes
        .iter()
        .fold(false, |seen, &b| seen | (b == b'"') | (b == 0));
    if special || bytes.is_empty() || bytes.len() > MAX_IDENTIFIER_BYTES {
        return write_part_checked(part, out);
    }
    out.reserve(bytes.len() + 2);
    out.push('"');
    out.push_str(part);
    out.push('"');
    Ok(())
}

/// [`write_part`] for a name that is empty, too long, or has a quote or a
/// NUL.
#[cold]
fn write_part_checked(part: &str, out: &mut String) -> Result<()> {
    check_part_len(part)?;
    write_part_escaped(part, out)
}

#[cold]
fn write_part_escaped(part: &str, out: &mut String) -> Result<()> {
    out.push('"');
    let mut start = 0;
    for (i, b) in part.bytes().enumerate() {
        match b {
            b'"' => {
                out.push_str(part.get(start..=i).unwrap_or_default());
                out.push('"');
                start = i + 1;
            }
            0 => return Err(nul(part)),
            _ => {}
        }
    }
    out.push_str(part.get(start..).unwrap_or_default());
    out.push('"');
    Ok(())
}

impl From<&'static str> for Identifier {
    fn from(name: &'static str) -> Identifier {
        Identifier::new(name)
    }
}

impl From<String> for Identifier {
    fn from(name: String) -> Identifier {
        Identifier::new(name)
    }
}

impl fmt::Debug for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = f.debug_tuple("Identifier");
        for part in self.parts() {
            t.field(&&**part);
        }
        t.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_whatever_the_storage() {
        let two = Identifier::qualified(["s", "t"]);
        assert_eq!(two.parts(), ["s", "t"]);
        assert_eq!(two, Identifier::new("s").with_part("t"));
        let three = two.clone().with_part("c");
        assert_eq!(three.parts(), ["s", "t", "c"]);
        assert_eq!(three, Identifier::qualified(["s", "t", "c"]));
        assert_eq!(Identifier::qualified(["x"]), Identifier::new("x"));
        let none = Identifier::qualified(Vec::<String>::new());
        assert!(none.parts().is_empty());
        assert_eq!(none.clone().with_part("x"), Identifier::new("x"));
        let mut set = std::collections::HashSet::new();
        set.insert(Identifier::new("s").with_part("t"));
        assert!(set.contains(&two));
    }

    #[test]
    fn quoting_and_errors() {
        let w = |p: &str| {
            let mut out = String::new();
            write_part(p, &mut out).map(|()| out)
        };
        assert_eq!(w("abc").unwrap(), r#""abc""#);
        assert_eq!(w("a\"b").unwrap(), r#""a""b""#);
        assert_eq!(w("\"").unwrap(), r#""""""#);
        assert_eq!(w("").unwrap_err().kind(), ErrorKind::Identifier);
        assert_eq!(w("a\0").unwrap_err().kind(), ErrorKind::Identifier);
        assert_eq!(w("\"\0").unwrap_err().kind(), ErrorKind::Identifier);
        assert_eq!(
            w(&"é".repeat(32)).unwrap_err().kind(),
            ErrorKind::Identifier
        );
        assert!(w(&"x".repeat(63)).is_ok());
    }
}
