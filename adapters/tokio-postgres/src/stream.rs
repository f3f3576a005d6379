//! [`RowStream`]: a driver row stream decoded into a row type as rows
//! arrive, so decoding overlaps the wire.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use pgcast_core::exec::{Error, Explain, Result, RowType, Rows};
use std::future::Future;

use crate::cancel::{Canceller, Rest};
use crate::rows::{Described, RowRef, error};

/// Rows of a query decoded into `T` one at a time, as they come off the
/// wire: memory stays flat however large the result.
///
/// The plan is made once per result description (cached per statement by a
/// [`PgClient`](crate::PgClient)'s session).
///
/// Dropping the stream before its end cancels the statement on the server
/// (inside a tokio runtime), so a dropped stream over millions of rows
/// stops the server's work instead of having the driver read and discard
/// them; the next statement pgcast runs on the connection (every verb of
/// [`ClientExt`](crate::ClientExt), [`CopyExt`](crate::CopyExt) and
/// `register_types`) waits until the cancel has settled and never sees its
/// error. A statement sent straight through the driver at once after the
/// drop does not wait, and a late cancel request could reach it. Inside a transaction the cancel aborts
/// the transaction, as any error does.
///
/// A timeout ([`Session::set_timeout`](pgcast_core::exec::Session::set_timeout),
/// [`ClientExt::with_timeout`](crate::ClientExt::with_timeout)) is a
/// deadline for the whole statement, counted from the call to
/// [`fetch_stream`](crate::ClientExt::fetch_stream) to the last row, time
/// spent by the reader between rows included: past it the statement is
/// canceled and the stream yields an error of kind
/// [`Timeout`](crate::ErrorKind::Timeout), then ends.
pub struct RowStream<T: RowType> {
    /// The driver's stream; `None` once ended or handed to a cancel.
    inner: Option<Rest>,
    rows: Rows<T>,
    /// Whether the verb reading it reports the statement itself (to fetch
    /// a plan first); otherwise the end of the rows reports it.
    held: bool,
    /// How to cancel the statement if the stream is dropped before its end.
    cancel: Option<Canceller>,
    /// The deadline of the statement, and the timeout it came from.
    deadline: Option<(Pin<Box<tokio::time::Sleep>>, Duration)>,
    rows_affected: Option<u64>,
    /// Rows read, for the deadline's checks.
    seen: u32,
}

/// Every how many rows a stream with a deadline reads the clock.
const DEADLINE_EVERY: u32 = 256;

impl<T: RowType> RowStream<T> {
    pub(crate) fn new(
        inner: tokio_postgres::RowStream,
        rows: Rows<T>,
        cancel: Option<Canceller>,
    ) -> RowStream<T> {
        RowStream {
            inner: Some(Box::pin(inner)),
            rows,
            held: false,
            cancel,
            deadline: None,
            rows_affected: None,
            seen: 0,
        }
    }

    /// The stream, failing with a timeout error at `deadline`.
    pub(crate) fn with_deadline(
        mut self,
        deadline: tokio::time::Instant,
        timeout: Duration,
    ) -> RowStream<T> {
        self.deadline = Some((Box::pin(tokio::time::sleep_until(deadline)), timeout));
        self
    }

    /// Cancels the statement if rows are still to come and the stream can
    /// (the stream ends).
    pub(crate) fn cancel_rest(&mut self) {
        if let (Some(rest), Some(cancel)) = (self.inner.take(), self.cancel.take()) {
            cancel.cancel(Some(rest));
        }
    }

    /// The stream, its statement reported by [`finish`](Self::finish)
    /// rather than at the end of its rows.
    pub(crate) fn held(mut self) -> RowStream<T> {
        self.held = true;
        self
    }

    /// The number of rows the command affected, once the stream is done.
    pub fn rows_affected(&self) -> Option<u64> {
        match &self.inner {
            Some(inner) => inner.rows_affected(),
            None => self.rows_affected,
        }
    }

    /// The statement is over (its rows read, or those wanted): reports it,
    /// or returns the plan to fetch first for a slow report.
    pub(crate) fn finish(&mut self) -> Option<Explain> {
        let affected = self.rows_affected();
        self.rows.finish(affected)
    }

    /// The query text, for error reports.
    pub fn query(&self) -> &str {
        self.rows.query()
    }
}

impl<T: RowType> RowStream<T> {
    /// The next driver row, counted for the statement's report but not
    /// decoded (what a lending verb hands on), with the same deadline and
    /// end-of-rows handling as the stream.
    pub(crate) fn poll_raw(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<tokio_postgres::Row>>> {
        match self.poll_row(cx) {
            Poll::Ready(Some(Ok(row))) => Poll::Ready(Some(
                self.rows
                    .decode(&RowRef(&row), || Described(row.columns()))
                    .map(|_| row),
            )),
            other => other,
        }
    }

    /// The next driver row.
    fn poll_row(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<tokio_postgres::Row>>> {
        let this = self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match inner.as_mut().poll_next(cx) {
            Poll::Pending => {
                let Some((deadline, timeout)) = this.deadline.as_mut() else {
                    return Poll::Pending;
                };
                if deadline.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                let timeout = *timeout;
                this.deadline = None;
                this.cancel_rest();
                let e = Error::timeout(timeout, Ok(())).with_query(this.rows.query());
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                this.rows_affected = inner.rows_affected();
                this.inner = None;
                // Reported now rather than when the stream is dropped.
                if !this.held {
                    drop(this.rows.finish(this.rows_affected));
                }
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => {
                this.inner = None;
                Poll::Ready(Some(Err(this.rows.driver_error(error(e)))))
            }
            Poll::Ready(Some(Ok(row))) => {
                // Rows may keep coming without a pause: the deadline is
                // looked at every so many rows too.
                this.seen = this.seen.wrapping_add(1);
                if this.seen.is_multiple_of(DEADLINE_EVERY)
                    && let Some((deadline, timeout)) = &this.deadline
                    && tokio::time::Instant::now() >= deadline.deadline()
                {
                    let timeout = *timeout;
                    this.deadline = None;
                    this.cancel_rest();
                    let e = Error::timeout(timeout, Ok(())).with_query(this.rows.query());
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(row)))
            }
        }
    }
}

impl<T: RowType> Stream for RowStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = &mut *self;
        match this.poll_row(cx) {
            Poll::Ready(Some(Ok(row))) => Poll::Ready(Some(
                this.rows.decode(&RowRef(&row), || Described(row.columns())),
            )),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: RowType> Drop for RowStream<T> {
    fn drop(&mut self) {
        self.cancel_rest();
    }
}

impl<T: RowType> fmt::Debug for RowStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowStream")
            .field("rows", &self.rows)
            .finish()
    }
}
