//! [`Error`]: one error over whatever the driver reports and pgcast's own,
//! with the context needed to act on it: the SQLSTATE, the query, the row,
//! the column and the types.

use std::error::Error as StdError;
use std::fmt;

/// What went wrong, in a form a program can match on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server reported an error: [`Error::code`] is its SQLSTATE.
    Server,
    /// The driver failed: connection closed, I/O, protocol.
    Driver,
    /// A value could not be adapted (see [`Error::pgcast`] for which column,
    /// which types and why), or the query could not be composed.
    Adapt(crate::ErrorKind),
    /// A query meant to return one row returned none.
    NoRows,
    /// A query meant to return at most one row returned more.
    TooManyRows,
    /// A `COPY` stream was not valid binary `COPY` data.
    Copy,
    /// The statement ran past its timeout (see
    /// [`Session::set_timeout`](super::Session::set_timeout)): pgcast asked
    /// the server to cancel it and gave up waiting. The connection stays
    /// usable, unless a transaction was open on it: the server aborted it.
    Timeout,
    /// The connection is gone: closed by the server (`pg_terminate_backend`,
    /// a restart, a crash), by the network or by the driver. Open a new one
    /// (a pool does); nothing of an open transaction was committed.
    ConnectionLost,
}

/// What a server reported, as the driver hands it over: enough to print and
/// to match on, whatever the driver.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerReport {
    /// `ERROR`, `FATAL`, …
    pub severity: String,
    /// The SQLSTATE (`23505`, …).
    pub code: String,
    /// The primary message.
    pub message: String,
    /// The detail, if any.
    pub detail: Option<String>,
    /// The hint, if any.
    pub hint: Option<String>,
    /// Where in the server's work it happened, if said.
    pub where_: Option<String>,
}

enum Source {
    Driver(Box<dyn StdError + Send + Sync>),
    Pgcast(crate::Error),
    Message(String),
}

struct Inner {
    kind: ErrorKind,
    source: Source,
    report: Option<ServerReport>,
    query: Option<String>,
    row: Option<u64>,
}

/// The error of running a query, whatever the driver: a server error (with
/// its SQLSTATE), a driver error, or a pgcast error (with its column and
/// types), plus the query that failed and, where known, the row.
///
/// ```
/// use pgcast_core::exec::{Error, ErrorKind};
///
/// let err = Error::from(pgcast_core::Error::new(pgcast_core::ErrorKind::Format, "bad"))
///     .with_query("SELECT 1");
/// assert_eq!(err.kind(), ErrorKind::Adapt(pgcast_core::ErrorKind::Format));
/// assert_eq!(err.query(), Some("SELECT 1"));
/// assert_eq!(err.code(), None);
/// assert_eq!(err.to_string(), "bad format string: bad (query: SELECT 1)");
/// ```
pub struct Error(Box<Inner>);

/// The result type of running queries.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(kind: ErrorKind, source: Source) -> Error {
        Error(Box::new(Inner {
            kind,
            source,
            report: None,
            query: None,
            row: None,
        }))
    }

    /// An error of `kind` with a message.
    pub fn message(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, Source::Message(message.into()))
    }

    /// A driver's error: a server error when `report` is given, else a
    /// driver failure, or an adaptation error when a pgcast error is among
    /// its causes (a parameter that could not be written).
    pub fn driver(
        source: impl Into<Box<dyn StdError + Send + Sync>>,
        report: Option<ServerReport>,
    ) -> Error {
        let source = source.into();
        let kind = if report.is_some() {
            ErrorKind::Server
        } else if lost_connection(&*source) {
            ErrorKind::ConnectionLost
        } else if let Some(p) = pgcast_cause(&*source) {
            ErrorKind::Adapt(p.kind())
        } else {
            ErrorKind::Driver
        };
        let mut e = Error::new(kind, Source::Driver(source));
        e.0.report = report;
        e
    }

    /// The statement ran past `after` and was given up on: an error of kind
    /// [`Timeout`](ErrorKind::Timeout). `cancel` is what asking the server
    /// to cancel it gave (an error: the server may still be running it).
    ///
    /// ```
    /// use std::time::Duration;
    /// use pgcast_core::exec::{Error, ErrorKind};
    ///
    /// let err = Error::timeout(Duration::from_millis(200), Ok(())).with_query("SELECT pg_sleep(10)");
    /// assert!(err.is_timeout());
    /// assert_eq!(err.kind(), ErrorKind::Timeout);
    /// assert_eq!(
    ///     err.to_string(),
    ///     "timed out after 200ms; the statement was canceled on the server (query: SELECT pg_sleep(10))"
    /// );
    /// ```
    pub fn timeout(after: std::time::Duration, cancel: Result<(), Error>) -> Error {
        let message = match cancel {
            Ok(()) => {
                format!("timed out after {after:?}; the statement was canceled on the server")
            }
            Err(e) => format!(
                "timed out after {after:?}; canceling the statement on the server failed: {e}"
            ),
        };
        Error::message(ErrorKind::Timeout, message)
    }

    /// Sets the query that failed, unless one is already known.
    pub fn with_query(mut self, query: &str) -> Error {
        if self.0.query.is_none() {
            self.0.query = Some(query.to_owned());
        }
        self
    }

    /// Sets the hint of a server report, unless the server gave one.
    pub(crate) fn with_hint(mut self, hint: &str) -> Error {
        if let Some(report) = &mut self.0.report
            && report.hint.is_none()
        {
            report.hint = Some(hint.to_owned());
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

    /// The SQLSTATE of a server error (`"23505"` …).
    pub fn code(&self) -> Option<&str> {
        self.0.report.as_ref().map(|r| r.code.as_str())
    }

    /// The server's report: message, detail, hint, where.
    pub fn report(&self) -> Option<&ServerReport> {
        self.0.report.as_ref()
    }

    /// The driver's own error, as its type (`tokio_postgres::Error`,
    /// `sqlx::Error`, …), if the driver failed or the server reported one.
    pub fn driver_error<E: StdError + 'static>(&self) -> Option<&E> {
        match &self.0.source {
            Source::Driver(e) => e.downcast_ref::<E>(),
            _ => None,
        }
    }

    /// pgcast's error, with its column, PostgreSQL type and Rust type, if a
    /// value could not be adapted (also when the driver reports it, as a
    /// parameter that could not be written).
    pub fn pgcast(&self) -> Option<&crate::Error> {
        match &self.0.source {
            Source::Pgcast(e) => Some(e),
            Source::Driver(e) => pgcast_cause(&**e),
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

    /// Whether the server said a prepared statement can no longer be used
    /// (`0A000` "cached plan must not change result type", `26000` no such
    /// statement): preparing it again may succeed.
    pub fn is_stale_statement(&self) -> bool {
        matches!(self.code(), Some("0A000" | "26000"))
    }

    /// Whether the statement ran past its timeout and was canceled (kind
    /// [`Timeout`](ErrorKind::Timeout)).
    pub fn is_timeout(&self) -> bool {
        self.0.kind == ErrorKind::Timeout
    }

    /// Whether the server canceled the statement (SQLSTATE `57014`: a
    /// cancel request, or the server's own `statement_timeout`).
    pub fn is_canceled(&self) -> bool {
        self.code() == Some("57014")
    }

    /// Whether the connection is gone: the driver found it closed (kind
    /// [`ConnectionLost`](ErrorKind::ConnectionLost)), or the server said it
    /// is ending it — a `FATAL` or `PANIC` report, SQLSTATE class `08`
    /// (connection exception) or `57P01`–`57P03` (terminated by an
    /// administrator, a crash, a shutdown). The connection cannot run
    /// another query; a new one can.
    ///
    /// ```
    /// use pgcast_core::exec::{Error, ServerReport};
    ///
    /// let report = ServerReport {
    ///     severity: "FATAL".into(),
    ///     code: "57P01".into(),
    ///     message: "terminating connection due to administrator command".into(),
    ///     ..ServerReport::default()
    /// };
    /// assert!(Error::driver(std::io::Error::other("db error"), Some(report)).is_connection_lost());
    /// let closed = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
    /// assert!(Error::driver(closed, None).is_connection_lost());
    /// ```
    pub fn is_connection_lost(&self) -> bool {
        if self.0.kind == ErrorKind::ConnectionLost {
            return true;
        }
        match &self.0.report {
            Some(r) => {
                matches!(r.severity.as_str(), "FATAL" | "PANIC")
                    || r.code.starts_with("08")
                    || matches!(r.code.as_str(), "57P01" | "57P02" | "57P03")
            }
            None => false,
        }
    }

    /// This error, of kind [`ConnectionLost`](ErrorKind::ConnectionLost)
    /// unless the server reported it: for a driver that says its connection
    /// is closed in its own way.
    pub fn connection_lost(mut self) -> Error {
        if self.0.report.is_none() {
            self.0.kind = ErrorKind::ConnectionLost;
        }
        self
    }
}

/// Whether an I/O error among `e`'s causes says the connection broke.
fn lost_connection(e: &(dyn StdError + 'static)) -> bool {
    use std::io::ErrorKind as Io;
    let mut source = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                Io::ConnectionReset
                    | Io::ConnectionAborted
                    | Io::BrokenPipe
                    | Io::UnexpectedEof
                    | Io::NotConnected
                    | Io::ConnectionRefused
            );
        }
        source = s.source();
    }
    false
}

fn pgcast_cause<'a>(e: &'a (dyn StdError + 'static)) -> Option<&'a crate::Error> {
    let mut source = Some(e);
    while let Some(s) = source {
        if let Some(p) = s.downcast_ref::<crate::Error>() {
            return Some(p);
        }
        source = s.source();
    }
    None
}

impl From<crate::Error> for Error {
    fn from(e: crate::Error) -> Error {
        Error::new(ErrorKind::Adapt(e.kind()), Source::Pgcast(e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.0.report, &self.0.source) {
            (Some(r), _) => {
                write!(f, "{}: {} (SQLSTATE {})", r.severity, r.message, r.code)?;
                if let Some(detail) = &r.detail {
                    write!(f, "; detail: {detail}")?;
                }
                if let Some(hint) = &r.hint {
                    write!(f, "; hint: {hint}")?;
                }
                if let Some(where_) = &r.where_ {
                    write!(f, "; where: {where_}")?;
                }
            }
            (None, Source::Driver(e)) => match pgcast_cause(&**e) {
                Some(p) if !std::ptr::addr_eq(p, &**e) => write!(f, "{e}: {p}")?,
                _ => write!(f, "{e}")?,
            },
            (None, Source::Pgcast(e)) => write!(f, "{e}")?,
            (None, Source::Message(m)) => f.write_str(m)?,
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
        if let Some(r) = &self.0.report {
            d.field("report", r);
        }
        d.field("query", &self.0.query)
            .field("row", &self.0.row)
            .finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.0.source {
            Source::Driver(e) => Some(&**e),
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
        assert!(err.pgcast().is_none() && err.driver_error::<std::io::Error>().is_none());
        assert_eq!(err.to_string(), "no rows (row 3; query: SELECT 1)");
        let inner = crate::Error::new(crate::ErrorKind::Nul, "nul").with_column(2, "c");
        let err = Error::from(inner);
        assert_eq!(
            err.pgcast().and_then(|e| e.column()).map(|c| c.index),
            Some(2)
        );
    }

    #[test]
    fn server_reports() {
        let report = ServerReport {
            severity: "ERROR".into(),
            code: "0A000".into(),
            message: "cached plan must not change result type".into(),
            ..ServerReport::default()
        };
        let err = Error::driver(std::io::Error::other("db error"), Some(report));
        assert_eq!(err.kind(), ErrorKind::Server);
        assert!(err.is_stale_statement());
        assert!(err.driver_error::<std::io::Error>().is_some());
        assert_eq!(
            err.to_string(),
            "ERROR: cached plan must not change result type (SQLSTATE 0A000)"
        );
        let err = Error::driver(crate::Error::new(crate::ErrorKind::Nul, "nul"), None);
        assert_eq!(err.kind(), ErrorKind::Adapt(crate::ErrorKind::Nul));
    }

    #[test]
    fn error_is_send_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }
}
