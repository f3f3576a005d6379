//! [`BatchExt`]: one statement over many parameter sets (psycopg's
//! `executemany`), pipelined.

use std::future::Future;

use futures_util::{StreamExt, TryStreamExt, stream};
use pgcast_core::row::ToRow;
use pgcast_core::sql::{Composable, Composed, Dumped};

use crate::{ClientExt, Conn, Result};

/// How many statements of a batch are in flight at once: enough to keep
/// the connection busy across a round trip, few enough to bound memory.
pub const PIPELINE_DEPTH: usize = 64;

/// Batches of one composed statement over many parameter sets, for every
/// [`Conn`].
///
/// The statements are pipelined: tokio-postgres writes a query as soon as
/// its future is polled, so with [`PIPELINE_DEPTH`] of them polled together
/// they go out back to back and the server answers them in order, one round
/// trip for the lot instead of one each. The text is the same for every
/// set, so a [`PgClient`](crate::PgClient) prepares it once and keeps it.
///
/// Outside a transaction each statement commits on its own and a failure
/// leaves the earlier ones done; run the batch in a transaction
/// ([`PgClient::pg_transaction`](crate::TransactionExt::pg_transaction)) for all
/// or nothing. The error of a failed set carries its index
/// ([`Error::row`](crate::Error::row)).
///
/// For inserts and updates of many rows, one `UNNEST` statement
/// ([`Insert`](pgcast_core::sql::Insert), [`Update`](pgcast_core::sql::Update))
/// is faster still; a batch suits statements that cannot be written over
/// arrays (a function call per set, a different `WHERE` per set).
///
/// ```no_run
/// # async fn f(client: tokio_postgres::Client) -> pgcast_tokio_postgres::Result<()> {
/// use pgcast::{ToRow, sql};
/// use pgcast::sql::Placeholder;
/// use pgcast_tokio_postgres::{BatchExt, PgClient};
///
/// #[derive(ToRow)]
/// struct Move { id: i64, dx: i32 }
///
/// let client = PgClient::new(client);
/// let moves = [Move { id: 1, dx: 5 }, Move { id: 2, dx: -3 }];
/// // placeholders named after the row's columns
/// let q = sql!("UPDATE pieces SET x = x + {dx} WHERE id = {id}",
///     dx = Placeholder::named("dx"), id = Placeholder::named("id"));
/// let updated = client.exec_rows(&q, &moves).await?;
/// # Ok(()) }
/// ```
pub trait BatchExt: Conn {
    /// Runs every query (each with its values bound: `q.clone().with(…)`),
    /// pipelined, in order; the rows they affected, summed. Stops at the
    /// first error.
    fn exec_batch<I>(&self, queries: I) -> impl Future<Output = Result<u64>> + Send
    where
        I: IntoIterator,
        I::IntoIter: Send,
        I::Item: Composable + Send,
    {
        pipeline(self, queries.into_iter().map(Ok))
    }

    /// Runs `query` once per row of `rows`, its named placeholders filled
    /// with the row's columns of the same names (a column the query does not
    /// use is an error, as with [`Composed::with`]), pipelined as
    /// [`exec_batch`](Self::exec_batch) does. The rows are read as the
    /// batch goes; values are dumped under this connection's policy.
    fn exec_rows<R, I>(&self, query: &Composed, rows: I) -> impl Future<Output = Result<u64>> + Send
    where
        R: ToRow,
        I: IntoIterator<Item = R>,
        I::IntoIter: Send,
    {
        let policy = *self.session().scope().policy();
        let query = query.clone();
        let queries = rows.into_iter().map(move |row| {
            let values = Dumped::row(&row, &policy)?;
            let mut q = query.clone();
            for (name, value) in R::columns().iter().zip(values) {
                q = q.with(name, value);
            }
            Ok(q)
        });
        pipeline(self, queries)
    }
}

/// Runs the queries with [`PIPELINE_DEPTH`] in flight; an item that is an
/// error (a row that failed to dump) stops the batch like a failed query.
async fn pipeline<C, Q>(
    conn: &C,
    queries: impl Iterator<Item = pgcast_core::Result<Q>> + Send,
) -> Result<u64>
where
    C: Conn + ?Sized,
    Q: Composable + Send,
{
    stream::iter(queries.enumerate())
        .map(|(i, query)| async move {
            let run = async {
                let query = query?;
                conn.exec(&query).await
            };
            run.await.map_err(|e: crate::Error| e.with_row(i as u64))
        })
        .buffered(PIPELINE_DEPTH)
        .try_fold(0_u64, |total, n| async move { Ok(total + n) })
        .await
}

impl<C: Conn + ?Sized> BatchExt for C {}
