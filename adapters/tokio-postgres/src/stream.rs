//! [`RowStream`]: a driver row stream decoded into a row type as rows
//! arrive, so decoding overlaps the wire.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use pgcast_core::exec::{Explain, Result, RowType, Rows};

use crate::rows::{RowRef, columns, error};

/// Rows of a query decoded into `T` one at a time, as they come off the
/// wire: memory stays flat however large the result.
///
/// The plan is made once per result description (cached per statement by a
/// [`PgClient`](crate::PgClient)'s session). Dropping the stream midway is
/// fine: the driver discards the rest of the result and the connection
/// stays usable.
pub struct RowStream<T: RowType> {
    inner: Pin<Box<tokio_postgres::RowStream>>,
    rows: Rows<T>,
    /// Whether the verb reading it reports the statement itself (to fetch
    /// a plan first); otherwise the end of the rows reports it.
    held: bool,
}

impl<T: RowType> RowStream<T> {
    pub(crate) fn new(inner: tokio_postgres::RowStream, rows: Rows<T>) -> RowStream<T> {
        RowStream {
            inner: Box::pin(inner),
            rows,
            held: false,
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
        self.inner.rows_affected()
    }

    /// The statement is over (its rows read, or those wanted): reports it,
    /// or returns the plan to fetch first for a slow report.
    pub(crate) fn finish(&mut self) -> Option<Explain> {
        self.rows.finish(self.inner.rows_affected())
    }

    /// The query text, for error reports.
    pub fn query(&self) -> &str {
        self.rows.query()
    }
}

impl<T: RowType> Stream for RowStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = &mut *self;
        match this.inner.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                // Reported now rather than when the stream is dropped.
                if !this.held {
                    drop(this.rows.finish(this.inner.rows_affected()));
                }
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(this.rows.driver_error(error(e))))),
            Poll::Ready(Some(Ok(row))) => Poll::Ready(Some(
                this.rows.decode(&RowRef(&row), || columns(row.columns())),
            )),
        }
    }
}

impl<T: RowType> fmt::Debug for RowStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowStream")
            .field("rows", &self.rows)
            .finish()
    }
}
