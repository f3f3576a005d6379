//! One error type over the driver's errors and pgcast's, with the context
//! needed to act on it: the SQLSTATE, the query, the column and types.

use std::fmt;

use tokio_postgres::error::{DbError, SqlState};

/// What went wrong, in a form a program can match on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server reported an error: [`Error::code`] is its SQLSTATE and
    /// [`Error::db_error`] its full report.
    Server,
    /// The driver failed: connection closed, I/O, protocol.
    Driver,
    /// A value could not be adapted (see [`Error::pgcast`] for which column,
    /// which types and why), or the query could not be composed.
    Adapt(pgcast_core::ErrorKind),
    /// A query meant to return one row returned none.
    NoRows,
    /// A query meant to return at most one row returned more.
    TooManyRows,
    /// A `COPY` stream was not valid binary `COPY` data.
    Copy,
}

enum Source {
    Driver(tokio_postgres::Error),
    Pgcast(pgcast_core::Error),
    Message(String),
}

struct Inner {
    kind: ErrorKind,
    source: Source,
    query: Option<String>,
    row: Option<u64>,
}

/// The error of the adapter: a server error (with its SQLSTATE), a driver
/// error, or a pgcast error (with its column and types), plus the query that
/// failed and, for `COPY` in, the row.
///
/// ```
/// use pgcast_tokio_postgres::{Error, ErrorKind};
///
/// let err = Error::from(pgcast_core::Error::new(pgcast_core::ErrorKind::Format, "bad"))
///     .with_query("SELECT 1");
/// assert_eq!(err.kind(), ErrorKind::Adapt(pgcast_core::ErrorKind::Format));
/// assert_eq!(err.query(), Some("SELECT 1"));
/// assert_eq!(err.code(), None);
/// assert_eq!(err.to_string(), "bad format string: bad (query: SELECT 1)");
/// ```
pub struct Error(Box<Inner>);

/// The result type of the adapter.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(kind: ErrorKind, source: Source) -> Error {
        Error(Box::new(Inner {
            kind,
            source,
            query: None,
            row: None,
        }))
    }

    /// An error of `kind` with a message.
    pub fn message(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, Source::Message(message.into()))
    }

    /// Sets the query that failed, unless one is already known.
    pub fn with_query(mut self, query: &str) -> Error {
        if self.0.query.is_none() {
            self.0.query = Some(query.to_owned());
        }
        self
    }

    /// Sets the row (from 0) of a `COPY` or a result, unless one is already
    /// known.
    pub fn with_row(mut self, row: u64) -> Error {
        if self.0.row.is_none() {
            self.0.row = Some(row);
        }
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The SQLSTATE of a server error (`SqlState::UNIQUE_VIOLATION` …).
    pub fn code(&self) -> Option<&SqlState> {
        self.driver().and_then(tokio_postgres::Error::code)
    }

    /// The server's full report: message, detail, hint, where, constraint …
    pub fn db_error(&self) -> Option<&DbError> {
        self.driver().and_then(tokio_postgres::Error::as_db_error)
    }

    /// The driver's error, if the driver failed or the server reported one.
    pub fn driver(&self) -> Option<&tokio_postgres::Error> {
        match &self.0.source {
            Source::Driver(e) => Some(e),
            _ => None,
        }
    }

    /// pgcast's error, with its column, PostgreSQL type and Rust type, if a
    /// value could not be adapted (also when the driver reports it, as a
    /// parameter that could not be written).
    pub fn pgcast(&self) -> Option<&pgcast_core::Error> {
        match &self.0.source {
            Source::Pgcast(e) => Some(e),
            Source::Driver(e) => pgcast_cause(e),
            Source::Message(_) => None,
        }
    }

    /// The query that failed, if known.
    pub fn query(&self) -> Option<&str> {
        self.0.query.as_deref()
    }

    /// The row (from 0) a `COPY` in or a result failed at, if known.
    pub fn row(&self) -> Option<u64> {
        self.0.row
    }
}

fn pgcast_cause(e: &tokio_postgres::Error) -> Option<&pgcast_core::Error> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(p) = s.downcast_ref::<pgcast_core::Error>() {
            return Some(p);
        }
        source = s.source();
    }
    None
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Error {
        let kind = if e.as_db_error().is_some() {
            ErrorKind::Server
        } else if let Some(p) = pgcast_cause(&e) {
            ErrorKind::Adapt(p.kind())
        } else {
            ErrorKind::Driver
        };
        Error::new(kind, Source::Driver(e))
    }
}

impl From<pgcast_core::Error> for Error {
    fn from(e: pgcast_core::Error) -> Error {
        Error::new(ErrorKind::Adapt(e.kind()), Source::Pgcast(e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.source {
            Source::Driver(e) => match e.as_db_error() {
                Some(db) => {
                    write!(
                        f,
                        "{}: {} (SQLSTATE {})",
                        db.severity(),
                        db.message(),
                        db.code().code()
                    )?;
                    if let Some(detail) = db.detail() {
                        write!(f, "; detail: {detail}")?;
                    }
                    if let Some(hint) = db.hint() {
                        write!(f, "; hint: {hint}")?;
                    }
                    if let Some(where_) = db.where_() {
                        write!(f, "; where: {where_}")?;
                    }
                }
                None => match pgcast_cause(e) {
                    Some(p) => write!(f, "{e}: {p}")?,
                    None => write!(f, "{e}")?,
                },
            },
            Source::Pgcast(e) => write!(f, "{e}")?,
            Source::Message(m) => f.write_str(m)?,
        }
        match (&self.0.row, &self.0.query) {
            (Some(row), Some(q)) => write!(f, " (row {row}; query: {q})"),
            (Some(row), None) => write!(f, " (row {row})"),
            (None, Some(q)) => write!(f, " (query: {q})"),
            (None, None) => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind);
        match &self.0.source {
            Source::Driver(e) => d.field("driver", e),
            Source::Pgcast(e) => d.field("pgcast", e),
            Source::Message(m) => d.field("message", m),
        };
        d.field("query", &self.0.query)
            .field("row", &self.0.row)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.source {
            Source::Driver(e) => Some(e),
            Source::Pgcast(e) => Some(e),
            Source::Message(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_and_kinds() {
        let err = Error::message(ErrorKind::NoRows, "no rows")
            .with_query("SELECT 1")
            .with_row(3);
        assert_eq!(err.kind(), ErrorKind::NoRows);
        assert_eq!(err.row(), Some(3));
        assert!(err.pgcast().is_none() && err.driver().is_none());
        assert_eq!(err.to_string(), "no rows (row 3; query: SELECT 1)");
        let inner = pgcast_core::Error::new(pgcast_core::ErrorKind::Nul, "nul").with_column(2, "c");
        let err = Error::from(inner);
        assert_eq!(
            err.pgcast().and_then(|e| e.column()).map(|c| c.index),
            Some(2)
        );
    }

    #[test]
    fn error_is_send_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }
}
