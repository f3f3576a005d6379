//! [`Cursor`]: a server-side cursor read in batches, blocking.

use std::fmt;

use pgcast_core::Adapters;
use pgcast_core::sql::Composable;
use pgcast_tokio_postgres::Decoder;
use pgcast_tokio_postgres::driver::{close_sql, declare, fetch_sql};
use postgres::GenericClient;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

use crate::{Connection, Error, Params, Request, Result, RowType};

/// A server-side cursor (`DECLARE … CURSOR`) over a query's result: rows
/// stay on the server until [`fetchmany`](Self::fetchmany) asks for them.
/// Opened with [`ClientExt::cursor`](crate::ClientExt::cursor) in a
/// transaction or [`cursor_with_hold`](crate::ClientExt::cursor_with_hold)
/// outside one.
pub struct Cursor<'c, C: Connection + ?Sized, T: RowType> {
    conn: &'c mut C,
    name: String,
    decoder: Option<Decoder<T>>,
    scope: Adapters,
    done: bool,
}

impl<'c, C: Connection + ?Sized, T: RowType> Cursor<'c, C, T> {
    pub(crate) fn open(
        conn: &'c mut C,
        query: &impl Composable,
        params: Params,
        hold: bool,
    ) -> Result<Cursor<'c, C, T>> {
        let scope = conn.session().scope();
        let (name, declare) = declare(query, hold);
        let request = Request::new(&declare, params, &scope)?;
        let client = conn.generic_client();
        let text = request.text();
        let args = request.args();
        let result = match request.typed_args() {
            Some(typed) => {
                let typed: Vec<_> = typed
                    .iter()
                    .map(|(a, ty)| (a as &(dyn ToSql + Sync), ty.clone()))
                    .collect();
                client.execute_typed(text, &typed)
            }
            None => {
                let refs: Vec<&(dyn ToSql + Sync)> =
                    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
                client.execute(text, &refs)
            }
        };
        result.map_err(|e| Error::from(e).with_query(text))?;
        Ok(Cursor {
            conn,
            name,
            decoder: None,
            scope,
            done: false,
        })
    }

    /// The cursor's name on the server.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the last fetch reached the end.
    pub fn is_done(&self) -> bool {
        self.done
    }

    fn fetch(&mut self, n: Option<u32>) -> Result<Vec<T>> {
        if self.done {
            return Ok(Vec::new());
        }
        let text = fetch_sql(&self.name, n);
        let mut iter = self
            .conn
            .generic_client()
            .query_typed_raw(&text, std::iter::empty::<(&(dyn ToSql + Sync), _)>())
            .map_err(|e| Error::from(e).with_query(&text))?;
        let mut rows = Vec::with_capacity(n.map_or(0, |n| n.min(10_000) as usize));
        while let Some(row) = iter.next().map_err(|e| Error::from(e).with_query(&text))? {
            let decoder = match &self.decoder {
                Some(d) => d,
                None => self.decoder.insert(
                    Decoder::new(&pgcast_tokio_postgres::describe(row.columns()), &self.scope)
                        .map_err(|e| Error::from(e).with_query(&text))?,
                ),
            };
            rows.push(
                decoder
                    .decode(&row)
                    .map_err(|e| Error::from(e).with_query(&text))?,
            );
        }
        if n.is_none_or(|n| rows.len() < n as usize) {
            self.done = true;
        }
        Ok(rows)
    }

    /// The next `n` rows (fewer at the end; none once done).
    pub fn fetchmany(&mut self, n: u32) -> Result<Vec<T>> {
        self.fetch(Some(n))
    }

    /// The next row, if any.
    pub fn fetchone(&mut self) -> Result<Option<T>> {
        Ok(self.fetch(Some(1))?.pop())
    }

    /// Every remaining row.
    pub fn fetchall(&mut self) -> Result<Vec<T>> {
        self.fetch(None)
    }

    /// Closes the cursor on the server.
    pub fn close(self) -> Result<()> {
        let text = close_sql(&self.name);
        self.conn
            .generic_client()
            .batch_execute(&text)
            .map_err(|e| Error::from(e).with_query(&text))
    }
}

impl<C: Connection + ?Sized, T: RowType> fmt::Debug for Cursor<'_, C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor")
            .field("name", &self.name)
            .field("done", &self.done)
            .finish()
    }
}
