//! [`Cursor`]: a server-side cursor (`DECLARE … CURSOR`) read in batches,
//! psycopg2's named cursors.

use std::fmt;

use futures_util::StreamExt;
use pgcast_core::exec::{CursorFetch, CursorState, Exec, Record, RowType};
use pgcast_core::sql::Composable;
use sqlx::Executor;

use crate::client::{Conn, Held, Overlay, sessions};
use crate::run::{Statement, command, describe};
use crate::wire::{RowRef, error, row_columns};
use crate::{Result, Session};

/// A server-side cursor over a query's result: rows stay on the server
/// until fetched, [`fetch_many`](CursorFetch::fetch_many) at a time.
///
/// Opened with [`ClientExt::cursor`](crate::ClientExt::cursor) inside a
/// transaction, or [`cursor_with_hold`](crate::ClientExt::cursor_with_hold)
/// outside one. The query is described when the cursor opens, so its
/// rows' plan is made once; the cursor holds its connection.
pub struct Cursor<'c, T: RowType> {
    conn: Held<'c>,
    session: Session,
    state: CursorState<Statement, T>,
}

impl<'c, T: RowType> Cursor<'c, T> {
    pub(crate) async fn open<C: Conn + ?Sized>(
        conn: &'c mut C,
        query: impl Composable + Send + Sync,
        hold: bool,
    ) -> Result<Cursor<'c, T>> {
        let overlay = Overlay::of(&*conn);
        let mut held = conn.hold().await?;
        let (session, base) = sessions(&mut held, &overlay).await?;
        let mut exec = Exec::<Statement, T>::describe(&session, query)?;
        let columns = describe(&mut held, &base, &mut exec).await?;
        let (state, declare) = CursorState::open(&exec, &columns, hold)?;
        let mut declare = Exec::<Statement, Record>::request_command(exec.session(), declare);
        command(&mut held, &base, &mut declare).await?;
        Ok(Cursor {
            conn: held,
            session,
            state,
        })
    }

    /// The cursor's name on the server.
    pub fn name(&self) -> &str {
        self.state.name()
    }

    /// Whether the last fetch reached the end.
    pub fn is_done(&self) -> bool {
        self.state.is_done()
    }

    /// Closes the cursor on the server (a cursor not closed lives until its
    /// transaction ends; one `WITH HOLD`, until the session ends).
    pub async fn close(mut self) -> Result<()> {
        let text = CursorState::<Statement, T>::close_text(self.state.name());
        self.conn
            .execute(sqlx::raw_sql(&text))
            .await
            .map(drop)
            .map_err(|e| error(e).with_query(&text))
    }
}

impl<T: RowType> fmt::Debug for Cursor<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("name", &self.state.name())
            .field("done", &self.state.is_done())
            .finish()
    }
}

impl<T: RowType> CursorFetch<T> for Cursor<'_, T> {
    async fn fetch(&mut self, n: Option<u32>) -> Result<Vec<T>> {
        if self.state.is_done() {
            return Ok(Vec::new());
        }
        let text = CursorState::<Statement, T>::fetch_text(self.state.name(), n);
        let scope = self.session.scope();
        let mut rows = self.state.rows();
        let mut out = Vec::with_capacity(n.map_or(0, |n| n.min(10_000) as usize));
        {
            let mut stream = self.conn.fetch(sqlx::query(&text));
            while let Some(row) = stream.next().await {
                let row = row.map_err(|e| error(e).with_query(&text))?;
                out.push(rows.decode(&RowRef(&row), || row_columns(&row, &scope))?);
            }
        }
        self.state.batch_done(n, out.len());
        Ok(out)
    }
}
