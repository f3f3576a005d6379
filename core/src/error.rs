//! The one error type of pgcast-core, with the context needed to act on it.

use std::borrow::Cow;
use std::fmt;

use postgres_types::Type;

/// What went wrong, in a form a program can match on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A NULL arrived for a Rust type that cannot hold one (use `Option<T>`).
    UnexpectedNull,
    /// The PostgreSQL type and the Rust type do not fit together.
    WrongType,
    /// The value does not fit in the target type (narrowing, overflow).
    OutOfRange,
    /// The bytes are not a valid value of the PostgreSQL type.
    Malformed,
    /// The conversion would lose information and no policy allows it.
    Lossy,
    /// A NUL character in text, which PostgreSQL cannot store.
    Nul,
    /// `infinity` or `-infinity` where no mapping was asked for.
    Infinity,
    /// A bad SQL format string or argument list.
    Format,
    /// An identifier PostgreSQL would reject or silently change.
    Identifier,
    /// A column the row type needs is not in the result.
    MissingColumn,
    /// A column name the row type looks up occurs more than once in the result.
    AmbiguousColumn,
    /// A conversion a user supplied (`try_from`, a custom adapter) failed.
    Custom,
    /// The rows of a one-to-many join are not grouped by the parent's key:
    /// a key came back after another key.
    Ungrouped,
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            ErrorKind::UnexpectedNull => "unexpected NULL",
            ErrorKind::WrongType => "type mismatch",
            ErrorKind::OutOfRange => "value out of range",
            ErrorKind::Malformed => "malformed value",
            ErrorKind::Lossy => "lossy conversion not allowed",
            ErrorKind::Nul => "NUL character in text",
            ErrorKind::Infinity => "infinite value not mapped",
            ErrorKind::Format => "bad format string",
            ErrorKind::Identifier => "bad identifier",
            ErrorKind::MissingColumn => "missing column",
            ErrorKind::AmbiguousColumn => "ambiguous column",
            ErrorKind::Custom => "conversion failed",
            ErrorKind::Ungrouped => "rows not grouped",
        }
    }
}

/// The column a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnRef {
    /// Zero-based position in the row.
    pub index: usize,
    /// The column's name as the server reported it.
    pub name: String,
}

/// An error of pgcast: a kind, a message, and where it happened.
///
/// ```
/// use pgcast_core::{Ctx, ErrorKind, Load};
/// use postgres_types::Type;
///
/// let err = i16::load(&Ctx::binary(&Type::INT4), &70_000_i32.to_be_bytes()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::OutOfRange);
/// assert_eq!(err.to_string(), "value out of range: 70000 does not fit in i16 (PostgreSQL type int4, Rust type i16)");
/// ```
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    pg_type: Option<Type>,
    rust_type: Option<&'static str>,
    column: Option<ColumnRef>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The result type of pgcast-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            pg_type: None,
            rust_type: None,
            column: None,
            source: None,
        }))
    }

    /// Malformed bytes for `ty`.
    pub fn malformed(ty: &Type, message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Malformed, message).with_pg_type(ty)
    }

    /// `ty` cannot be converted to or from the Rust type `T`.
    pub fn wrong_type<T: ?Sized>(ty: &Type) -> Error {
        Error::new(ErrorKind::WrongType, "no conversion between these types")
            .with_pg_type(ty)
            .with_rust_type::<T>()
    }

    /// A NULL arrived for `T`, which cannot hold one.
    pub fn unexpected_null<T: ?Sized>(ty: &Type) -> Error {
        Error::new(
            ErrorKind::UnexpectedNull,
            "NULL for a type that cannot hold it; use Option<T>",
        )
        .with_pg_type(ty)
        .with_rust_type::<T>()
    }

    /// A value of `ty` does not fit in `T`.
    pub fn out_of_range<T: ?Sized>(ty: &Type, message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::OutOfRange, message)
            .with_pg_type(ty)
            .with_rust_type::<T>()
    }

    /// A conversion of a user's own: wraps the source error.
    pub fn custom(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        let source = source.into();
        let mut err = Error::new(ErrorKind::Custom, source.to_string());
        err.0.source = Some(source);
        err
    }

    /// Sets the PostgreSQL type, unless one is already known.
    pub fn with_pg_type(mut self, ty: &Type) -> Error {
        if self.0.pg_type.is_none() {
            self.0.pg_type = Some(ty.clone());
        }
        self
    }

    /// Sets the Rust type by its name, unless one is already known.
    pub fn with_rust_type<T: ?Sized>(mut self) -> Error {
        if self.0.rust_type.is_none() {
            self.0.rust_type = Some(std::any::type_name::<T>());
        }
        self
    }

    /// Sets the column, unless one is already known.
    pub fn with_column(mut self, index: usize, name: &str) -> Error {
        if self.0.column.is_none() {
            self.0.column = Some(ColumnRef {
                index,
                name: name.to_owned(),
            });
        }
        self
    }

    /// Puts `context` (where in a batch: `row 12`) before the message.
    pub(crate) fn in_context(mut self, context: &str) -> Error {
        self.0.message = format!("{context}: {}", self.0.message).into();
        self
    }

    /// Sets the underlying cause.
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        self.0.source = Some(source.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The message, without the context.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The PostgreSQL type involved, if known.
    pub fn pg_type(&self) -> Option<&Type> {
        self.0.pg_type.as_ref()
    }

    /// The Rust type involved, if known (without its module path).
    pub fn rust_type(&self) -> Option<&'static str> {
        self.0.rust_type.map(short_type_name)
    }

    /// The column involved, if known.
    pub fn column(&self) -> Option<&ColumnRef> {
        self.0.column.as_ref()
    }
}

/// `alloc::string::String` → `String`, `core::option::Option<i32>` → `Option<i32>`.
fn short_type_name(full: &'static str) -> &'static str {
    // Only the outermost path is trimmed: enough to read, and free of allocation.
    match full.find('<') {
        Some(generic) => match full[..generic].rfind("::") {
            Some(sep) => &full[sep + 2..],
            None => full,
        },
        None => full.rsplit("::").next().unwrap_or(full),
    }
}

/// `core::option::Option<app::Prefs>` → `Option<Prefs>`: every path inside
/// the name trimmed, for messages.
fn without_paths(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut segment_start = 0;
    for (i, c) in full.char_indices() {
        if matches!(
            c,
            '<' | '>' | ',' | '(' | ')' | '[' | ']' | ';' | '&' | ' ' | '*'
        ) {
            push_last_segment(&full[segment_start..i], &mut out);
            out.push(c);
            segment_start = i + c.len_utf8();
        }
    }
    push_last_segment(&full[segment_start..], &mut out);
    out
}

fn push_last_segment(path: &str, out: &mut String) {
    out.push_str(path.rsplit("::").next().unwrap_or(path));
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        write!(f, "{}: {}", inner.kind.describe(), inner.message)?;
        let mut context = Vec::new();
        if let Some(col) = &inner.column {
            context.push(format!("column \"{}\" (index {})", col.name, col.index));
        }
        if let Some(ty) = &inner.pg_type {
            if matches!(ty.schema(), "pg_catalog" | "public" | "") {
                context.push(format!("PostgreSQL type {}", ty.name()));
            } else {
                context.push(format!("PostgreSQL type {}.{}", ty.schema(), ty.name()));
            }
        }
        if let Some(rust) = inner.rust_type {
            context.push(format!("Rust type {}", without_paths(rust)));
        }
        if !context.is_empty() {
            write!(f, " ({})", context.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        let mut d = f.debug_struct("Error");
        d.field("kind", &inner.kind)
            .field("message", &inner.message);
        if let Some(ty) = &inner.pg_type {
            d.field("pg_type", &ty.name());
        }
        if let Some(rust) = inner.rust_type {
            d.field("rust_type", &without_paths(rust));
        }
        if let Some(col) = &inner.column {
            d.field("column", col);
        }
        if let Some(source) = &inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(short_type_name("alloc::string::String"), "String");
        assert_eq!(short_type_name("core::option::Option<i32>"), "Option<i32>");
        assert_eq!(short_type_name("i64"), "i64");
    }

    #[test]
    fn nested_paths_trimmed() {
        assert_eq!(
            without_paths("core::option::Option<app::Prefs>"),
            "Option<Prefs>"
        );
        assert_eq!(
            without_paths("alloc::vec::Vec<(i32, &alloc::string::String)>"),
            "Vec<(i32, &String)>"
        );
        let err =
            Error::unexpected_null::<Option<std::collections::HashMap<String, i32>>>(&Type::INT4);
        assert!(
            err.to_string()
                .ends_with("Rust type Option<HashMap<String, i32>>)"),
            "{err}"
        );
    }

    #[test]
    fn context_in_message() {
        let err = Error::unexpected_null::<i64>(&Type::INT8).with_column(2, "id");
        assert_eq!(
            err.to_string(),
            "unexpected NULL: NULL for a type that cannot hold it; use Option<T> \
             (column \"id\" (index 2), PostgreSQL type int8, Rust type i64)"
        );
        assert_eq!(err.column().map(|c| c.index), Some(2));
    }
}
