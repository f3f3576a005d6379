//! [`Trace`]: the span of one piece of I/O an adapter performs (a type
//! lookup, a prepare, a cursor fetch, a `COPY`), a child of the statement's
//! span. With the `tracing` feature off it is an empty type and every method
//! compiles to nothing, so adapters call it unconditionally.

use std::future::Future;

/// A span around one piece of I/O (feature `tracing`; without it, nothing).
///
/// Spans follow OpenTelemetry's database conventions
/// (`db.system.name = "postgresql"`, `db.query.text`, `db.operation.name`)
/// and nest under the statement span the adapter runs in.
///
/// ```
/// use pgcast_core::exec::Trace;
///
/// let trace = Trace::prepare("SELECT $1");
/// assert_eq!(trace.in_scope(|| 1 + 1), 2);
/// ```
#[derive(Clone, Debug)]
pub struct Trace {
    #[cfg(feature = "tracing")]
    pub(crate) span: tracing::Span,
}

impl Default for Trace {
    fn default() -> Trace {
        Trace::none()
    }
}

impl Trace {
    /// No span.
    #[inline]
    pub fn none() -> Trace {
        Trace {
            #[cfg(feature = "tracing")]
            span: tracing::Span::none(),
        }
    }

    /// Looking a type up in the catalogue (`pgcast.lookup`).
    pub fn lookup(lookup: &super::Lookup) -> Trace {
        #[cfg(feature = "tracing")]
        {
            Trace {
                span: tracing::debug_span!(
                    target: "pgcast",
                    "pgcast.lookup",
                    otel.kind = "client",
                    db.system.name = "postgresql",
                    db.operation.name = "SELECT",
                    db.query.text = lookup.sql,
                    pgcast.type_name = %lookup.param_text(),
                ),
            }
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = lookup;
            Trace::none()
        }
    }

    /// Preparing (describing) a statement (`pgcast.prepare`).
    pub fn prepare(text: &str) -> Trace {
        Trace::io("pgcast.prepare", text)
    }

    /// A `FETCH` from a server-side cursor (`pgcast.fetch`).
    pub fn fetch(text: &str) -> Trace {
        Trace::io("pgcast.fetch", text)
    }

    /// A `COPY` (`pgcast.copy`), in or out.
    pub fn copy(text: &str) -> Trace {
        Trace::io("pgcast.copy", text)
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn io(name: &'static str, text: &str) -> Trace {
        #[cfg(feature = "tracing")]
        {
            // One callsite per span name: `tracing` names are static.
            macro_rules! span {
                ($name:literal) => {
                    tracing::info_span!(
                        target: "pgcast",
                        $name,
                        otel.kind = "client",
                        db.system.name = "postgresql",
                        db.operation.name = super::first_keyword(text).as_deref(),
                        db.query.text = text,
                        db.response.returned_rows = tracing::field::Empty,
                        error.type = tracing::field::Empty,
                        db.response.status_code = tracing::field::Empty,
                    )
                };
            }
            let span = match name {
                "pgcast.prepare" => span!("pgcast.prepare"),
                "pgcast.fetch" => span!("pgcast.fetch"),
                _ => span!("pgcast.copy"),
            };
            Trace { span }
        }
        #[cfg(not(feature = "tracing"))]
        Trace::none()
    }

    /// Runs `f` inside the span.
    #[inline]
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        #[cfg(feature = "tracing")]
        {
            self.span.in_scope(f)
        }
        #[cfg(not(feature = "tracing"))]
        f()
    }

    /// `fut`, entering the span each time it is polled.
    #[inline]
    pub fn instrument<F: Future>(&self, fut: F) -> impl Future<Output = F::Output> {
        #[cfg(feature = "tracing")]
        {
            tracing::Instrument::instrument(fut, self.span.clone())
        }
        #[cfg(not(feature = "tracing"))]
        fut
    }

    /// Records how the I/O ended: the rows it returned, or its error
    /// (`error.type`, `db.response.status_code`).
    #[inline]
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub fn record<T>(&self, result: &super::Result<T>, rows: Option<u64>) {
        #[cfg(feature = "tracing")]
        {
            if self.span.is_disabled() {
                return;
            }
            match result {
                Ok(_) => {
                    if let Some(rows) = rows {
                        self.span.record("db.response.returned_rows", rows);
                    }
                }
                Err(e) => record_error(&self.span, e),
            }
        }
    }
}

/// Records `e` on `span`: `error.type` (the SQLSTATE for a server error,
/// else pgcast's kind) and `db.response.status_code`.
#[cfg(feature = "tracing")]
pub(crate) fn record_error(span: &tracing::Span, e: &super::Error) {
    let kind = super::observe::error_type(e.kind(), e.code());
    span.record("error.type", kind.as_str());
    if let Some(code) = e.code() {
        span.record("db.response.status_code", code);
    }
}
