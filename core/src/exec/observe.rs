//! Watching statements run: a query logger called once per finished
//! statement ([`QueryLog`]), slow-query reports with the plan, and (feature
//! `tracing`) one span per statement.
//!
//! One [`Observed`] follows a statement from its [`Exec`](super::Exec) —
//! created before any I/O — into its [`Rows`](super::Rows), and reports when
//! the rows end (or the `Rows` is dropped, or the statement fails): so the
//! span covers the whole statement, rows decoded included, whichever
//! adapter drives it, and a stream dropped midway still reports. Nothing is
//! made for a statement unless the session has a logger or a threshold, or
//! the `tracing` feature is on.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::comment::Tags;
use super::redact::{LogValues, inline, param_literal};
use super::request::Request;
use super::{Error, ErrorKind};
use crate::Adapters;

/// A query logger: called once per finished statement.
pub type Logger = Arc<dyn Fn(&QueryLog<'_>) + Send + Sync>;

/// How a statement went out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Strategy {
    /// Unnamed in one round trip (every type known).
    Direct,
    /// On a statement prepared and kept earlier.
    Prepared,
    /// Described first (prepared), then run.
    Described,
}

impl Strategy {
    /// `direct`, `prepared`, `described`.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Direct => "direct",
            Strategy::Prepared => "prepared",
            Strategy::Described => "described",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a statement ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// It ran; its rows were read (or those wanted: a stream may stop early).
    Ok,
    /// It failed.
    Failed {
        /// What went wrong.
        kind: ErrorKind,
        /// The SQLSTATE, for a server error.
        code: Option<String>,
    },
    /// Abandoned before it ran (a future dropped, an error before sending).
    Incomplete,
}

/// One finished statement, as a [`Logger`] sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct QueryLog<'a> {
    /// The text sent, with `$n` (never values).
    pub text: &'a str,
    /// From the query's start (lookups and describes included) to the end
    /// of its rows.
    pub duration: Duration,
    /// Rows returned (queries) or affected (commands).
    pub rows: u64,
    /// Bytes of the values received (the rows' data, without the protocol's
    /// framing).
    pub bytes: u64,
    /// How it ended.
    pub outcome: &'a Outcome,
    /// How it went out (`None`: it never did).
    pub strategy: Option<Strategy>,
    /// The parameter values as SQL literals, `$1` first, redacted as the
    /// session's [`LogValues`] rule says; `None` unless a rule is set (or
    /// this is a slow-query report, whose values are redacted by default).
    pub values: Option<&'a [String]>,
    /// The statement with its values inlined as literals (redacted as
    /// `values`): text to paste into `psql`.
    pub statement: Option<&'a str>,
    /// Whether the statement ran over the session's slow-query threshold:
    /// a `warn`-level report.
    pub slow: bool,
    /// The plan (`EXPLAIN (FORMAT JSON)`), for a slow report when plans are
    /// asked for and the statement has no side effects.
    pub plan: Option<&'a str>,
}

/// What the server is, for spans (`db.namespace`, `server.address`,
/// `server.port`): drivers do not expose it from a client, so it is given
/// to the session ([`Session::set_server`](super::Session::set_server)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerInfo {
    /// The database name.
    pub namespace: Option<String>,
    /// The host name or address.
    pub address: Option<String>,
    /// The port.
    pub port: Option<u16>,
}

impl ServerInfo {
    /// Database, host and port.
    pub fn new(
        namespace: Option<String>,
        address: Option<String>,
        port: Option<u16>,
    ) -> ServerInfo {
        ServerInfo {
            namespace,
            address,
            port,
        }
    }
}

/// A session's observation settings.
#[derive(Clone, Default)]
pub(crate) struct Observer {
    pub(crate) logger: Option<Logger>,
    pub(crate) values: Option<LogValues>,
    pub(crate) slow: Option<Duration>,
    pub(crate) explain: bool,
    pub(crate) tags: Tags,
    pub(crate) server: ServerInfo,
}

impl Observer {
    /// Whether statements are reported to someone other than `tracing`.
    pub(crate) fn reports(&self) -> bool {
        self.logger.is_some() || (self.slow.is_some() && cfg!(feature = "tracing"))
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observer")
            .field("logger", &self.logger.is_some())
            .field("values", &self.values)
            .field("slow", &self.slow)
            .field("explain", &self.explain)
            .field("tags", &self.tags)
            .field("server", &self.server)
            .finish()
    }
}

/// One statement being watched, from its `Exec` to the end of its rows.
pub(crate) struct Observed {
    start: Instant,
    /// The settings, when someone besides `tracing` wants the report.
    observer: Option<Arc<Observer>>,
    /// The request and the scope to render its values in (with `observer`).
    request: Option<(Request, Adapters)>,
    strategy: Option<Strategy>,
    outcome: Option<Outcome>,
    /// Bytes of the values received.
    bytes: u64,
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl Observed {
    /// Starts watching `request`; `None` when nobody would see it.
    pub(crate) fn start(
        request: &Request,
        observer: Option<Arc<Observer>>,
        scope: impl FnOnce() -> Adapters,
    ) -> Option<Box<Observed>> {
        #[cfg(feature = "tracing")]
        let server = observer.as_ref().map(|o| o.server.clone());
        let observer = observer.filter(|o| o.reports());
        #[cfg(not(feature = "tracing"))]
        observer.as_ref()?;
        let kept = observer.as_ref().map(|_| (request.clone(), scope()));
        #[cfg(feature = "tracing")]
        let span = {
            let span = statement_span();
            describe_span(&span, request.text(), server.as_ref());
            span
        };
        Some(Box::new(Observed {
            start: Instant::now(),
            observer,
            request: kept,
            strategy: None,
            outcome: None,
            bytes: 0,
            #[cfg(feature = "tracing")]
            span,
        }))
    }

    /// The statement's span (feature `tracing`).
    pub(crate) fn trace(&self) -> super::Trace {
        super::Trace {
            #[cfg(feature = "tracing")]
            span: self.span.clone(),
        }
    }

    pub(crate) fn set_bytes(&mut self, bytes: u64) {
        self.bytes = bytes;
    }

    pub(crate) fn set_strategy(&mut self, strategy: Strategy) {
        self.strategy = Some(strategy);
    }

    /// Notes the error the statement failed with (the first one counts).
    pub(crate) fn failed(&mut self, e: &Error) {
        if self.outcome.is_none() {
            self.outcome = Some(Outcome::Failed {
                kind: e.kind(),
                code: e.code().map(str::to_owned),
            });
            #[cfg(feature = "tracing")]
            super::trace::record_error(&self.span, e);
        }
    }

    /// The statement ended with `rows` rows: reports it, or, for a slow
    /// statement whose plan is wanted, returns the `EXPLAIN` to run first.
    pub(crate) fn finish(mut self: Box<Self>, rows: u64, ran: bool) -> Option<Explain> {
        let duration = self.start.elapsed();
        let outcome = self.outcome.get_or_insert(if ran {
            Outcome::Ok
        } else {
            Outcome::Incomplete
        });
        let ok = *outcome == Outcome::Ok;
        #[cfg(feature = "tracing")]
        if !self.span.is_disabled() {
            self.span.record("db.response.returned_rows", rows);
            self.span.record("pgcast.bytes_received", self.bytes);
            if let Some(s) = self.strategy {
                self.span.record("pgcast.strategy", s.as_str());
            }
            if !ok {
                self.span.record("otel.status_code", "ERROR");
            }
        }
        let slow = self.is_slow(duration);
        let explain = slow
            && ok
            && self.observer.as_ref().is_some_and(|o| o.explain)
            && self
                .request
                .as_ref()
                .is_some_and(|(r, _)| super::sniff::is_read_only(r.text()));
        if explain && let Some((request, _)) = &self.request {
            let text = format!("EXPLAIN (FORMAT JSON) {}", request.text());
            let request = request.clone();
            return Some(Explain {
                observed: Some(self),
                request,
                text,
                rows,
                duration,
            });
        }
        self.report(rows, duration, None);
        None
    }

    fn is_slow(&self, duration: Duration) -> bool {
        self.observer
            .as_ref()
            .and_then(|o| o.slow)
            .is_some_and(|t| duration >= t)
    }

    fn report(&self, rows: u64, duration: Duration, plan: Option<&str>) {
        let (Some(observer), Some((request, scope))) = (&self.observer, &self.request) else {
            return;
        };
        let slow = self.is_slow(duration);
        let rule = match (&observer.values, slow) {
            (Some(rule), _) => Some(rule.clone()),
            (None, true) => Some(LogValues::redacted()),
            (None, false) => None,
        };
        let values: Option<Vec<String>> = rule.map(|rule| {
            request
                .rendered()
                .params()
                .iter()
                .map(|p| param_literal(p, &rule, scope))
                .collect()
        });
        let statement = values.as_deref().map(|v| inline(request.text(), v));
        let outcome = self.outcome.clone().unwrap_or(Outcome::Incomplete);
        let log = QueryLog {
            text: request.text(),
            duration,
            rows,
            bytes: self.bytes,
            outcome: &outcome,
            strategy: self.strategy,
            values: values.as_deref(),
            statement: statement.as_deref(),
            slow,
            plan,
        };
        if let Some(logger) = &observer.logger {
            logger(&log);
        }
        #[cfg(feature = "tracing")]
        if slow {
            let _in = self.span.enter();
            tracing::warn!(
                target: "pgcast::slow",
                duration_ms = duration.as_secs_f64() * 1e3,
                db.response.returned_rows = rows,
                db.query.text = request.text(),
                pgcast.statement = statement.as_deref(),
                pgcast.plan = plan,
                "slow query"
            );
        }
    }
}

/// The span of one statement: OpenTelemetry's database attributes, the
/// rest recorded when it ends.
#[cfg(feature = "tracing")]
fn statement_span() -> tracing::Span {
    use tracing::field::Empty;
    tracing::info_span!(
        target: "pgcast",
        "pgcast.query",
        otel.name = Empty,
        otel.kind = "client",
        otel.status_code = Empty,
        db.system.name = "postgresql",
        db.query.text = Empty,
        db.operation.name = Empty,
        db.namespace = Empty,
        server.address = Empty,
        server.port = Empty,
        db.response.returned_rows = Empty,
        db.response.status_code = Empty,
        error.type = Empty,
        pgcast.strategy = Empty,
        pgcast.bytes_received = Empty,
    )
}

/// Fills in the query's own fields of a statement span (only when it is
/// enabled: nothing is computed for a span nobody listens to).
#[cfg(feature = "tracing")]
fn describe_span(span: &tracing::Span, text: &str, server: Option<&ServerInfo>) {
    if span.is_disabled() {
        return;
    }
    let op = super::first_keyword(text);
    span.record("db.query.text", text);
    if let Some(op) = &op {
        span.record("db.operation.name", op.as_str());
    }
    span.record("otel.name", op.as_deref().unwrap_or("postgresql"));
    if let Some(server) = server {
        if let Some(ns) = &server.namespace {
            span.record("db.namespace", ns.as_str());
        }
        if let Some(a) = &server.address {
            span.record("server.address", a.as_str());
        }
        if let Some(p) = server.port {
            span.record("server.port", p);
        }
    }
}

/// `error.type`: the SQLSTATE of a server error, else pgcast's kind.
#[cfg(feature = "tracing")]
pub(crate) fn error_type(kind: ErrorKind, code: Option<&str>) -> String {
    match (kind, code) {
        (_, Some(code)) => code.to_owned(),
        (ErrorKind::Server, None) => "server".to_owned(),
        (ErrorKind::Driver, _) => "driver".to_owned(),
        (ErrorKind::Adapt(k), _) => format!("adapt.{k:?}"),
        (ErrorKind::NoRows, _) => "no_rows".to_owned(),
        (ErrorKind::TooManyRows, _) => "too_many_rows".to_owned(),
        (ErrorKind::Copy, _) => "copy".to_owned(),
        (ErrorKind::Timeout, _) => "timeout".to_owned(),
        (ErrorKind::ConnectionLost, _) => "connection_lost".to_owned(),
    }
}

/// A slow statement's plan to fetch before it is reported: run
/// [`text`](Self::text) with [`request`](Self::request)'s arguments in one
/// round trip, read its one `json` value and hand it to
/// [`done`](Self::done). Dropped without `done`, the report goes out
/// without a plan. Only statements without side effects are explained
/// (`SELECT`, `VALUES`, `TABLE`, `WITH` without data-modifying words), and
/// never with `ANALYZE`: the statement does not run again.
pub struct Explain {
    observed: Option<Box<Observed>>,
    request: Request,
    text: String,
    rows: u64,
    duration: Duration,
}

impl Explain {
    /// `EXPLAIN (FORMAT JSON) …`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The statement's request: its arguments are the `EXPLAIN`'s.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// Reports the statement with its plan (an error leaves it out).
    pub fn done(mut self, plan: super::Result<String>) {
        if let Some(o) = self.observed.take() {
            o.report(self.rows, self.duration, plan.ok().as_deref());
        }
    }
}

impl Drop for Explain {
    fn drop(&mut self) {
        if let Some(o) = self.observed.take() {
            o.report(self.rows, self.duration, None);
        }
    }
}

impl fmt::Debug for Explain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explain").field("text", &self.text).finish()
    }
}
