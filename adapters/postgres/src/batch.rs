//! [`BatchExt`]: one statement over many parameter sets (psycopg's
//! `executemany`), for the blocking client.

use pgcast_core::row::ToRow;
use pgcast_core::sql::{Composable, Composed, Dumped};

use crate::{ClientExt, Conn, Result};

/// Batches of one composed statement over many parameter sets, for every
/// blocking [`Conn`].
///
/// The blocking client waits for each statement before sending the next,
/// so the statements run one after the other (the async adapter pipelines
/// them). The text is the same for every set, so a
/// [`PgClient`](crate::PgClient) prepares it once and keeps it.
///
/// Outside a transaction each statement commits on its own and a failure
/// leaves the earlier ones done; run the batch in a transaction for all or
/// nothing. The error of a failed set carries its index
/// ([`Error::row`](crate::Error::row)). For inserts and updates of many
/// rows, one `UNNEST` statement ([`Insert`](pgcast_core::sql::Insert)) is
/// much faster.
///
/// ```no_run
/// # fn f(client: postgres::Client) -> pgcast_postgres::Result<()> {
/// use pgcast::{ToRow, sql};
/// use pgcast::sql::Placeholder;
/// use pgcast_postgres::{BatchExt, PgClient};
///
/// #[derive(ToRow)]
/// struct Move { id: i64, dx: i32 }
///
/// let mut client = PgClient::new(client);
/// let moves = [Move { id: 1, dx: 5 }, Move { id: 2, dx: -3 }];
/// let q = sql!("UPDATE pieces SET x = x + {dx} WHERE id = {id}",
///     dx = Placeholder::named("dx"), id = Placeholder::named("id"));
/// let updated = client.exec_rows(&q, &moves)?;
/// # Ok(()) }
/// ```
pub trait BatchExt: Conn {
    /// Runs every query (each with its values bound: `q.clone().with(…)`),
    /// in order; the rows they affected, summed. Stops at the first error.
    fn exec_batch<I>(&mut self, queries: I) -> Result<u64>
    where
        I: IntoIterator,
        I::Item: Composable,
    {
        let mut total = 0;
        for (i, query) in queries.into_iter().enumerate() {
            total += self.exec(&query).map_err(|e| e.with_row(i as u64))?;
        }
        Ok(total)
    }

    /// Runs `query` once per row of `rows`, its named placeholders filled
    /// with the row's columns of the same names (a column the query does not
    /// use is an error, as with [`Composed::with`]). Values are dumped under
    /// this connection's policy.
    fn exec_rows<R, I>(&mut self, query: &Composed, rows: I) -> Result<u64>
    where
        R: ToRow,
        I: IntoIterator<Item = R>,
    {
        let policy = *self.session().scope().policy();
        let mut total = 0;
        for (i, row) in rows.into_iter().enumerate() {
            let run = |conn: &mut Self| {
                let mut q = query.clone();
                for (name, value) in R::columns().iter().zip(Dumped::row(&row, &policy)?) {
                    q = q.with(name, value);
                }
                conn.exec(&q)
            };
            total += run(self).map_err(|e| e.with_row(i as u64))?;
        }
        Ok(total)
    }
}

impl<C: Conn + ?Sized> BatchExt for C {}
