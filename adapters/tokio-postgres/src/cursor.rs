//! [`Cursor`]: a server-side cursor (`DECLARE … CURSOR`) read in batches,
//! psycopg2's named cursors with `fetchmany`.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::{StreamExt, pin_mut};
use pgcast_core::Adapters;
use pgcast_core::sql::{Composable, Composed, Identifier, Sql};
use tokio_postgres::GenericClient;

use crate::rows::{Decoder, RowType, describe};
use crate::{Connection, Error, Params, Request, Result};

static NEXT_CURSOR: AtomicU64 = AtomicU64::new(0);

/// The SQL of a new cursor: `DECLARE name NO SCROLL CURSOR [WITH HOLD] FOR
/// query`, and the name (unique in the process).
pub fn declare(query: &impl Composable, hold: bool) -> (String, Composed) {
    let n = NEXT_CURSOR.fetch_add(1, Ordering::Relaxed);
    let name = format!("pgcast_cursor_{n}");
    let declare = Sql::new("DECLARE ")
        + Identifier::new(name.clone())
        + if hold {
            Sql::new(" NO SCROLL CURSOR WITH HOLD FOR ")
        } else {
            Sql::new(" NO SCROLL CURSOR FOR ")
        }
        + query.clone();
    (name, declare)
}

/// `FETCH FORWARD n FROM "name"` (`n` is a number, the name one of ours).
pub fn fetch_sql(name: &str, n: Option<u32>) -> String {
    match n {
        Some(n) => format!("FETCH FORWARD {n} FROM \"{name}\""),
        None => format!("FETCH FORWARD ALL FROM \"{name}\""),
    }
}

/// `CLOSE "name"`.
pub fn close_sql(name: &str) -> String {
    format!("CLOSE \"{name}\"")
}

/// A server-side cursor over a query's result: rows stay on the server
/// until fetched, [`fetchmany`](Self::fetchmany) at a time, so results
/// larger than memory can be read in batches.
///
/// Opened with [`ClientExt::cursor`](crate::ClientExt::cursor) inside a
/// transaction (a cursor lives until the transaction ends), or with
/// [`cursor_with_hold`](crate::ClientExt::cursor_with_hold) outside one.
/// Each fetch is one unprepared round trip; the rows' plan is made once.
pub struct Cursor<'c, C: Connection + ?Sized, T: RowType> {
    conn: &'c C,
    name: String,
    decoder: Option<Decoder<T>>,
    scope: Adapters,
    done: bool,
}

impl<'c, C: Connection + ?Sized, T: RowType> Cursor<'c, C, T> {
    /// The `DECLARE` request of a cursor over `query`, and the cursor's name.
    pub(crate) fn request(
        query: &impl Composable,
        params: Params,
        hold: bool,
        scope: &Adapters,
    ) -> Result<(String, Request)> {
        let (name, declare) = declare(query, hold);
        Ok((name, Request::new(&declare, params, scope)?))
    }

    pub(crate) async fn open(
        conn: &'c C,
        name: String,
        request: Request,
        scope: Adapters,
    ) -> Result<Cursor<'c, C, T>> {
        let client = conn.generic_client();
        let text = request.text();
        let result = match request.typed_args() {
            Some(args) => {
                let args: Vec<_> = args
                    .iter()
                    .map(|(a, ty)| (a as &(dyn postgres_types::ToSql + Sync), ty.clone()))
                    .collect();
                client.execute_typed(text, &args).await
            }
            None => client.execute_raw(text, request.args()).await,
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

    async fn fetch(&mut self, n: Option<u32>) -> Result<Vec<T>> {
        if self.done {
            return Ok(Vec::new());
        }
        let text = fetch_sql(&self.name, n);
        let stream = self
            .conn
            .generic_client()
            .query_typed_raw(
                &text,
                std::iter::empty::<(&(dyn postgres_types::ToSql + Sync), _)>(),
            )
            .await
            .map_err(|e| Error::from(e).with_query(&text))?;
        pin_mut!(stream);
        let mut rows = Vec::with_capacity(n.map_or(0, |n| n.min(10_000) as usize));
        while let Some(row) = stream.next().await {
            let row = row.map_err(|e| Error::from(e).with_query(&text))?;
            let decoder = match &self.decoder {
                Some(d) => d,
                None => self.decoder.insert(
                    Decoder::new(&describe(row.columns()), &self.scope)
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
    pub async fn fetchmany(&mut self, n: u32) -> Result<Vec<T>> {
        self.fetch(Some(n)).await
    }

    /// The next row, if any.
    pub async fn fetchone(&mut self) -> Result<Option<T>> {
        Ok(self.fetch(Some(1)).await?.pop())
    }

    /// Every remaining row.
    pub async fn fetchall(&mut self) -> Result<Vec<T>> {
        self.fetch(None).await
    }

    /// Closes the cursor on the server (a cursor not closed lives until its
    /// transaction ends; one `WITH HOLD`, until the session ends).
    pub async fn close(self) -> Result<()> {
        let text = close_sql(&self.name);
        self.conn
            .generic_client()
            .batch_execute(&text)
            .await
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
