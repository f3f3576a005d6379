//! [`Cursor`]: a server-side cursor (`DECLARE … CURSOR`) read in batches,
//! psycopg2's named cursors.

use std::fmt;

use futures_util::{StreamExt, pin_mut};
use pgcast_core::exec::{CursorFetch, CursorState, Exec, Record, RowType, Trace};
use tokio_postgres::{GenericClient, Statement};

use crate::client::run;
use crate::rows::{Described, RowRef, error};
use crate::{Conn, Result};

/// A server-side cursor over a query's result: rows stay on the server
/// until fetched, [`fetch_many`](CursorFetch::fetch_many) at a time, so results
/// larger than memory can be read in batches.
///
/// Opened with [`ClientExt::cursor`](crate::ClientExt::cursor) inside a
/// transaction (a cursor lives until the transaction ends), or with
/// [`cursor_with_hold`](crate::ClientExt::cursor_with_hold) outside one.
/// The query is described when the cursor opens, so its rows' plan is made
/// once; each batch runs one `FETCH` statement prepared for its size.
pub struct Cursor<'c, C: Conn + ?Sized, T: RowType> {
    conn: &'c C,
    state: CursorState<Statement, T>,
}

impl<'c, C: Conn + ?Sized, T: RowType> Cursor<'c, C, T> {
    /// Declares a cursor over the described query.
    pub(crate) async fn open(
        conn: &'c C,
        described: (Exec<Statement, T>, Vec<pgcast_core::row::Column>),
        hold: bool,
    ) -> Result<Cursor<'c, C, T>> {
        let (exec, cols) = described;
        let (state, declare) = CursorState::open(&exec, &cols, hold)?;
        let mut command = Exec::<Statement, Record>::request_command(exec.session(), declare);
        let (_, stream) = run(conn.generic_client(), &mut command).await?;
        pin_mut!(stream);
        while let Some(row) = stream.next().await {
            if let Err(e) = row {
                return Err(command.fail(error(e)));
            }
        }
        drop(command.finish(stream.rows_affected()));
        Ok(Cursor { conn, state })
    }

    /// The cursor's name on the server.
    pub fn name(&self) -> &str {
        self.state.name()
    }

    /// Whether the last fetch reached the end.
    pub fn is_done(&self) -> bool {
        self.state.is_done()
    }

    async fn fetch_batch(&mut self, n: Option<u32>, text: &str) -> Result<Vec<T>> {
        let client = self.conn.generic_client();
        let statement = match self.state.statement(n) {
            Some(st) => st,
            None => {
                let st = client
                    .prepare(text)
                    .await
                    .map_err(|e| error(e).with_query(text))?;
                self.state.set_statement(n, st.clone());
                st
            }
        };
        let stream = client
            .query_raw(&statement, std::iter::empty::<i32>())
            .await
            .map_err(|e| error(e).with_query(text))?;
        pin_mut!(stream);
        let mut rows = self.state.rows();
        let mut out = Vec::with_capacity(n.map_or(0, |n| n.min(10_000) as usize));
        while let Some(row) = stream.next().await {
            let row = row.map_err(|e| error(e).with_query(text))?;
            out.push(rows.decode(&RowRef(&row), || Described(row.columns()))?);
        }
        self.state.batch_done(n, out.len());
        Ok(out)
    }

    /// Closes the cursor on the server (a cursor not closed lives until its
    /// transaction ends; one `WITH HOLD`, until the session ends).
    pub async fn close(self) -> Result<()> {
        let text = CursorState::<Statement, T>::close_text(self.state.name());
        self.conn
            .generic_client()
            .batch_execute(&text)
            .await
            .map_err(|e| error(e).with_query(&text))
    }
}

impl<C: Conn + ?Sized, T: RowType> fmt::Debug for Cursor<'_, C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("name", &self.state.name())
            .field("done", &self.state.is_done())
            .finish()
    }
}

impl<C: Conn + ?Sized, T: RowType> CursorFetch<T> for Cursor<'_, C, T> {
    async fn fetch(&mut self, n: Option<u32>) -> Result<Vec<T>> {
        if self.state.is_done() {
            return Ok(Vec::new());
        }
        let text = CursorState::<Statement, T>::fetch_text(self.state.name(), n);
        let trace = Trace::fetch(&text);
        let fetched = trace.instrument(self.fetch_batch(n, &text)).await;
        trace.record(
            &fetched,
            fetched.as_ref().ok().map(|rows| rows.len() as u64),
        );
        fetched
    }
}
