//! [`RowStream`]: a driver row stream decoded into a row type as rows
//! arrive, so decoding overlaps the wire.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;
use pgcast_core::Adapters;

use crate::rows::{Decoder, RowType, describe};
use crate::{Error, Result};

/// Rows of a query decoded into `T` one at a time, as they come off the
/// wire: memory stays flat however large the result.
///
/// The plan is made before the first row for a prepared statement (cached
/// per statement), or from the first row's description for an unprepared
/// query. Dropping the stream midway is fine: the driver discards the rest
/// of the result and the connection stays usable.
pub struct RowStream<T: RowType> {
    inner: Pin<Box<tokio_postgres::RowStream>>,
    decoder: Option<Decoder<T>>,
    scope: Adapters,
    query: Arc<str>,
    rows: u64,
}

impl<T: RowType> RowStream<T> {
    pub(crate) fn new(
        inner: tokio_postgres::RowStream,
        decoder: Option<Decoder<T>>,
        scope: Adapters,
        query: &str,
    ) -> RowStream<T> {
        RowStream {
            inner: Box::pin(inner),
            decoder,
            scope,
            query: query.into(),
            rows: 0,
        }
    }

    /// The number of rows the command affected, once the stream is done.
    pub fn rows_affected(&self) -> Option<u64> {
        self.inner.rows_affected()
    }

    /// The query text, for error reports.
    pub fn query(&self) -> &str {
        &self.query
    }

    fn decode(&mut self, row: &tokio_postgres::Row) -> Result<T> {
        let decoder = match &self.decoder {
            Some(d) => d,
            None => self.decoder.insert(
                Decoder::new(&describe(row.columns()), &self.scope)
                    .map_err(|e| Error::from(e).with_query(&self.query))?,
            ),
        };
        decoder
            .decode(row)
            .map_err(|e| Error::from(e).with_row(self.rows).with_query(&self.query))
    }
}

impl<T: RowType> Stream for RowStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = &mut *self;
        match this.inner.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Err(e))) => {
                Poll::Ready(Some(Err(Error::from(e).with_query(&this.query))))
            }
            Poll::Ready(Some(Ok(row))) => {
                let item = this.decode(&row);
                this.rows += 1;
                Poll::Ready(Some(item))
            }
        }
    }
}

impl<T: RowType> fmt::Debug for RowStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowStream")
            .field("query", &self.query)
            .field("rows", &self.rows)
            .finish()
    }
}
