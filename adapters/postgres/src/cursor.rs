//! [`Cursor`]: a server-side cursor read in batches, blocking.

use std::fmt;

use pgcast_core::exec::{CursorState, Exec, Record, RowType, Trace};
use pgcast_core::row::Column;
use pgcast_tokio_postgres::{Described, RowRef, error};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{GenericClient, Statement};

use crate::client::with_rows;
use crate::{Conn, Result};

/// A server-side cursor (`DECLARE … CURSOR`) over a query's result: rows
/// stay on the server until [`fetch_many`](Self::fetch_many) asks for them.
/// Opened with [`ClientExt::cursor`](crate::ClientExt::cursor) in a
/// transaction or [`cursor_with_hold`](crate::ClientExt::cursor_with_hold)
/// outside one. The query is described when the cursor opens; each batch
/// runs one `FETCH` statement prepared for its size.
pub struct Cursor<'c, C: Conn + ?Sized, T: RowType> {
    conn: &'c mut C,
    state: CursorState<Statement, T>,
}

impl<'c, C: Conn + ?Sized, T: RowType> Cursor<'c, C, T> {
    pub(crate) fn open(
        conn: &'c mut C,
        described: (Exec<Statement, T>, Vec<Column>),
        hold: bool,
    ) -> Result<Cursor<'c, C, T>> {
        let (exec, cols) = described;
        let (state, declare) = CursorState::open(&exec, &cols, hold)?;
        let command = Exec::<Statement, Record>::request_command(exec.session(), declare);
        with_rows(conn.generic_client(), command, |mut iter, _| {
            while iter.next().map_err(error)?.is_some() {}
            Ok(())
        })?;
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

    fn fetch(&mut self, n: Option<u32>) -> Result<Vec<T>> {
        if self.state.is_done() {
            return Ok(Vec::new());
        }
        let text = CursorState::<Statement, T>::fetch_text(self.state.name(), n);
        let trace = Trace::fetch(&text);
        let fetched = trace.in_scope(|| self.fetch_batch(n, &text));
        trace.record(
            &fetched,
            fetched.as_ref().ok().map(|rows| rows.len() as u64),
        );
        fetched
    }

    fn fetch_batch(&mut self, n: Option<u32>, text: &str) -> Result<Vec<T>> {
        let client = self.conn.generic_client();
        let statement = fetch_statement(client, &mut self.state, n, text)?;
        let mut iter = client
            .query_raw(&statement, std::iter::empty::<i32>())
            .map_err(|e| error(e).with_query(text))?;
        let mut rows = self.state.rows();
        let mut out = Vec::with_capacity(n.map_or(0, |n| n.min(10_000) as usize));
        while let Some(row) = iter.next().map_err(|e| error(e).with_query(text))? {
            out.push(rows.decode(&RowRef(&row), || Described(row.columns()))?);
        }
        self.state.batch_done(n, out.len());
        Ok(out)
    }

    /// The next `n` rows (fewer at the end; none once done).
    pub fn fetch_many(&mut self, n: u32) -> Result<Vec<T>> {
        self.fetch(Some(n))
    }

    /// The next row, if any.
    pub fn fetch_next(&mut self) -> Result<Option<T>> {
        Ok(self.fetch(Some(1))?.pop())
    }

    /// Every remaining row.
    pub fn fetch_rest(&mut self) -> Result<Vec<T>> {
        self.fetch(None)
    }

    /// Closes the cursor on the server.
    pub fn close(self) -> Result<()> {
        let text = CursorState::<Statement, T>::close_text(self.state.name());
        self.conn
            .generic_client()
            .batch_execute(&text)
            .map_err(|e| error(e).with_query(&text))
    }
}

/// The `FETCH` statement of batches of `n`: prepared once per cursor.
fn fetch_statement<C: GenericClient, T: RowType>(
    client: &mut C,
    state: &mut CursorState<Statement, T>,
    n: Option<u32>,
    text: &str,
) -> Result<Statement> {
    if let Some(st) = state.statement(n) {
        return Ok(st);
    }
    let st = client
        .prepare(text)
        .map_err(|e| error(e).with_query(text))?;
    state.set_statement(n, st.clone());
    Ok(st)
}

impl<C: Conn + ?Sized, T: RowType> fmt::Debug for Cursor<'_, C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("name", &self.state.name())
            .field("done", &self.state.is_done())
            .finish()
    }
}
