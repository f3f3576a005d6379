//! [`Identifier`]: names of tables, columns, schemas, always double-quoted.

use std::borrow::Cow;
use std::fmt;

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
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Identifier(Parts);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Parts {
    One(Cow<'static, str>),
    Many(Vec<Cow<'static, str>>),
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
        let mut parts: Vec<_> = parts.into_iter().map(Into::into).collect();
        if parts.len() == 1
            && let Some(one) = parts.pop()
        {
            return Identifier(Parts::One(one));
        }
        Identifier(Parts::Many(parts))
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
            Parts::One(one) => vec![one],
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
    pub fn list<I>(names: I) -> super::Composed
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

fn nul(part: &str) -> Error {
    Error::new(
        ErrorKind::Identifier,
        format!("identifier {part:?} contains a NUL character"),
    )
}

fn check_part_len(part: &str) -> Result<()> {
    if part.is_empty() {
        return Err(Error::new(ErrorKind::Identifier, "empty identifier"));
    }
    if part.len() > MAX_IDENTIFIER_BYTES {
        let preview: String = part.chars().take(20).collect();
        return Err(Error::new(
            ErrorKind::Identifier,
            format!(
                "identifier {preview:?}… is {} bytes; PostgreSQL would truncate it to {MAX_IDENTIFIER_BYTES}",
                part.len()
            ),
        ));
    }
    Ok(())
}

/// Writes one part double-quoted, `"` doubled: straight into the output.
#[inline]
pub(crate) fn write_part(part: &str, out: &mut String) -> Result<()> {
    check_part_len(part)?;
    out.push('"');
    let mut start = 0;
    for (i, b) in part.bytes().enumerate() {
        match b {
            b'"' => {
                out.push_str(&part[start..=i]);
                out.push('"');
                start = i + 1;
            }
            0 => return Err(nul(part)),
            _ => {}
        }
    }
    out.push_str(&part[start..]);
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
