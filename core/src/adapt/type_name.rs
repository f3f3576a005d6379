//! Type names as SQL writes them, read with PostgreSQL's rules: the one
//! parser behind every name pgcast takes as text (the registry's
//! `register_loader_by_name` and `type_by_name`; the derives'
//! `#[pg(name = "…")]` apply the same rules at compile time).

use crate::{Error, ErrorKind, Result};

/// A PostgreSQL type's name as the catalogue spells it: the schema if the
/// name was qualified, and the type's own name.
///
/// [`parse`](TypeName::parse) reads a name as SQL writes it:
///
/// - an unquoted part folds to lower case (`Mood` is `mood`) and holds only
///   letters, digits, `_` and `$`, not starting with a digit or `$`;
/// - a `"quoted"` part keeps its case and any character, `""` standing for
///   one `"`;
/// - `schema.name` has two parts, a bare `name` one; none may be empty or
///   over 63 bytes (PostgreSQL would truncate it).
///
/// ```
/// use pgcast_core::adapt::TypeName;
///
/// let name = TypeName::parse("App.Mood").unwrap();
/// assert_eq!((name.schema(), name.name()), (Some("app"), "mood"));
/// let name = TypeName::parse("\"My Schema\".\"My \"\"Type\"\"\"").unwrap();
/// assert_eq!((name.schema(), name.name()), (Some("My Schema"), "My \"Type\""));
/// assert!(TypeName::parse("a.b.c").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeName {
    schema: Option<String>,
    name: String,
}

impl TypeName {
    /// A name from its parts as the catalogue spells them, not parsed.
    ///
    /// ```
    /// use pgcast_core::adapt::TypeName;
    ///
    /// let name = TypeName::new(Some("My Schema"), "mood");
    /// assert_eq!(name, TypeName::parse("\"My Schema\".mood").unwrap());
    /// ```
    pub fn new(schema: Option<&str>, name: &str) -> TypeName {
        TypeName {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
        }
    }

    /// Parses a name as SQL writes it: `mood`, `app.Mood` (folded to
    /// `app.mood`), `"Other Schema"."My Type"`. An invalid name is an
    /// [`Identifier`](ErrorKind::Identifier) error saying why.
    pub fn parse(text: &str) -> Result<TypeName> {
        match parse_type_name(text) {
            Ok((schema, name)) => Ok(TypeName { schema, name }),
            Err(message) => Err(Error::new(ErrorKind::Identifier, message)),
        }
    }

    /// The schema, if the name was qualified.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// The type's own name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

// The derives check `#[pg(name = "…")]` with a copy of this function (the
// macro crate cannot call this one at compile time):
// `macros/src/derive/internals/type_name.rs`, which must stay the same;
// `tests/type_names.rs` runs both over one table of names.

/// `(schema, name)` of a type name in SQL syntax, or why it is not one.
pub(crate) fn parse_type_name(text: &str) -> std::result::Result<(Option<String>, String), String> {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let (part, after) = if let Some(quoted) = rest.strip_prefix('"') {
            let mut part = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                match chars.next() {
                    Some((i, '"')) if quoted[i + 1..].starts_with('"') => {
                        part.push('"');
                        chars.next();
                    }
                    Some((i, '"')) => break i + 1,
                    Some((_, c)) => part.push(c),
                    None => return Err(format!("unclosed quote in {text:?}")),
                }
            };
            if part.is_empty() {
                return Err(format!("empty quoted name part in {text:?}"));
            }
            (part, &quoted[end..])
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let part = &rest[..end];
            if part.is_empty() {
                return Err(format!("empty name part in {text:?}"));
            }
            let plain = part.chars().enumerate().all(|(i, c)| {
                c == '_'
                    || c.is_ascii_alphabetic()
                    || !c.is_ascii()
                    || (i > 0 && (c.is_ascii_digit() || c == '$'))
            });
            if !plain {
                return Err(format!(
                    "{part:?} in {text:?} needs double quotes: unquoted, a name holds only letters, digits, `_` and `$`, and does not start with a digit or `$`; quoted, it keeps every character and its case"
                ));
            }
            // PostgreSQL folds unquoted identifiers' ASCII letters only.
            (part.to_ascii_lowercase(), &rest[end..])
        };
        if part.len() > 63 {
            return Err(format!(
                "{part:?} is over 63 bytes; PostgreSQL would truncate it"
            ));
        }
        parts.push(part);
        match after.strip_prefix('.') {
            Some(next) => rest = next,
            None if after.is_empty() => break,
            None => return Err(format!("unexpected {after:?} in {text:?}")),
        }
    }
    let mut parts = parts.into_iter();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(name), None, _) => Ok((None, name)),
        (Some(schema), Some(name), None) => Ok((Some(schema), name)),
        _ => Err(format!(
            "{text:?} has more than two parts; a type name is `type` or `schema.type`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::TypeName;

    fn parts(text: &str) -> Option<(Option<String>, String)> {
        TypeName::parse(text)
            .ok()
            .map(|n| (n.schema().map(str::to_owned), n.name().to_owned()))
    }

    #[test]
    fn folds_unquoted_keeps_quoted() {
        assert_eq!(parts("mood"), Some((None, "mood".into())));
        assert_eq!(parts("Mood"), Some((None, "mood".into())));
        assert_eq!(parts("\"Mood\""), Some((None, "Mood".into())));
        assert_eq!(
            parts("App.\"My.Type\""),
            Some((Some("app".into()), "My.Type".into()))
        );
        assert_eq!(parts("_x$1"), Some((None, "_x$1".into())));
        assert_eq!(parts("Émile"), Some((None, "Émile".into())));
    }

    #[test]
    fn rejects_what_sql_rejects() {
        for bad in [
            "", "a.b.c", "app.", ".mood", "\"", "\"\"", "1mood", "$x", "my type", "a-b", "\"a\"b",
            "a..b",
        ] {
            assert!(TypeName::parse(bad).is_err(), "{bad:?} parsed");
        }
        assert!(TypeName::parse(&"x".repeat(64)).is_err());
        assert!(TypeName::parse(&"x".repeat(63)).is_ok());
        let err = TypeName::parse("a.b.c").unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Identifier);
    }
}
