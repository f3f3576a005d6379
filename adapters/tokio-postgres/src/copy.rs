//! `COPY` on a connection: binary in from [`ToRow`] values and out into
//! row types (the format itself is the core's), text or CSV in and out as
//! bytes.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{SinkExt, Stream, StreamExt, pin_mut};
use pgcast_core::Type;
use pgcast_core::exec::{
    BinaryCopyEncoder, COPY_CHUNK, CopyOutState, Exec, Record, RowType, Trace, copy_in_statements,
    copy_out_statement,
};
use pgcast_core::row::ToRow;
use pgcast_core::sql::{Composable, Sql};
use tokio_postgres::{GenericClient, Statement};

use crate::client::describe;
use crate::rows::error;
use crate::{ClientExt, Conn, Result};

/// Rows of a binary `COPY … TO STDOUT` decoded into `T` as data arrives.
pub struct CopyOutRows<T: RowType> {
    inner: Pin<Box<tokio_postgres::CopyOutStream>>,
    state: CopyOutState<T>,
}

impl<T: RowType> Stream for CopyOutRows<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = &mut *self;
        loop {
            if let Some(row) = this.state.next_row() {
                return Poll::Ready(Some(row));
            }
            if this.state.is_done() {
                return Poll::Ready(None);
            }
            match this.inner.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.state.push(&chunk),
                Poll::Ready(Some(Err(e))) => {
                    return Poll::Ready(Some(Err(this.state.fail(error(e)))));
                }
                Poll::Ready(None) => return Poll::Ready(this.state.end()),
            }
        }
    }
}

impl<T: RowType> fmt::Debug for CopyOutRows<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CopyOutRows")
            .field("state", &self.state)
            .finish()
    }
}

impl<C: Conn + ?Sized> CopyExt for C {}

/// Binary `COPY` of `rows` with the statement `copy_text` and the column
/// `types`.
async fn copy_rows<C, R, S>(
    conn: &C,
    copy_text: &str,
    types: &[Type],
    scope: &pgcast_core::Adapters,
    rows: S,
) -> Result<u64>
where
    C: Conn + ?Sized,
    R: ToRow + Send,
    S: Stream<Item = R> + Send,
{
    let sink = conn
        .generic_client()
        .client()
        .copy_in::<_, Bytes>(copy_text)
        .await
        .map_err(|e| error(e).with_query(copy_text))?;
    pin_mut!(sink);
    pin_mut!(rows);
    let mut encoder = BinaryCopyEncoder::in_scope(types, scope);
    while let Some(row) = rows.next().await {
        let at = encoder.rows();
        encoder
            .write_row(&row)
            .map_err(|e| crate::Error::from(e).with_row(at).with_query(copy_text))?;
        if encoder.buffered() >= COPY_CHUNK {
            sink.send(encoder.take())
                .await
                .map_err(|e| error(e).with_query(copy_text))?;
        }
    }
    sink.send(encoder.finish())
        .await
        .map_err(|e| error(e).with_query(copy_text))?;
    sink.as_mut()
        .finish()
        .await
        .map_err(|e| error(e).with_query(copy_text))
}

/// A `COPY … FROM STDIN` fed `data`.
async fn copy_bytes<C, S, B>(conn: &C, text: &str, data: S) -> Result<u64>
where
    C: Conn + ?Sized,
    S: Stream<Item = B> + Send,
    B: Into<Bytes> + Send,
{
    let sink = conn
        .generic_client()
        .client()
        .copy_in::<_, Bytes>(text)
        .await
        .map_err(|e| error(e).with_query(text))?;
    pin_mut!(sink);
    pin_mut!(data);
    while let Some(chunk) = data.next().await {
        let chunk: Bytes = chunk.into();
        sink.feed(chunk)
            .await
            .map_err(|e| error(e).with_query(text))?;
    }
    sink.as_mut()
        .finish()
        .await
        .map_err(|e| error(e).with_query(text))
}

/// Behind a transaction pooler, the driver's `COPY` (a named statement,
/// prepared then run) must stay on one server connection: it runs inside a
/// transaction, begun here unless the connection is one already. Whether
/// one was begun.
async fn pooled_begin<C: Conn + ?Sized>(conn: &C) -> Result<bool> {
    if !conn.session().is_pooler() || conn.in_transaction() {
        return Ok(false);
    }
    conn.generic_client()
        .batch_execute("BEGIN")
        .await
        .map_err(|e| error(e).with_query("BEGIN"))?;
    Ok(true)
}

/// Ends what [`pooled_begin`] began: commits when the `COPY` succeeded.
async fn pooled_end<C: Conn + ?Sized>(conn: &C, began: bool, ok: bool) -> Result<()> {
    if !began {
        return Ok(());
    }
    let end = if ok { "COMMIT" } else { "ROLLBACK" };
    conn.generic_client()
        .batch_execute(end)
        .await
        .map_err(|e| error(e).with_query(end))
}

/// Behind a transaction pooler, a streamed `COPY … TO STDOUT` outlives the
/// call: it needs a transaction of the caller's.
fn pooled_stream<C: Conn + ?Sized>(conn: &C, text: &str) -> Result<()> {
    if conn.session().is_pooler() && !conn.in_transaction() {
        return Err(crate::Error::message(
            crate::ErrorKind::Driver,
            "behind a transaction pooler, COPY … TO STDOUT streams on one server connection only \
             inside a transaction: open one (pg_transaction) and copy out there",
        )
        .with_query(text));
    }
    Ok(())
}

/// `COPY` on every [`Conn`]; part of [`ClientExt`]'s family.
pub trait CopyExt: ClientExt {
    /// Binary `COPY` of `rows` into `table` (an [`Identifier`](pgcast_core::sql::Identifier), possibly
    /// schema-qualified), its columns named by [`ToRow::columns`], their
    /// types read from the table (one described `SELECT … LIMIT 0`, cached
    /// by a session). The number of rows copied.
    ///
    /// A row that cannot be written aborts the `COPY` (nothing of it is
    /// kept) with an error naming the row; a row the server rejects does the
    /// same, with the server's error.
    fn copy_in_rows<R, I>(
        &self,
        table: impl Composable,
        rows: I,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        R: ToRow + Send,
        I: IntoIterator<Item = R>,
        I::IntoIter: Send,
    {
        self.copy_in_stream(table, futures_util::stream::iter(rows))
    }

    /// [`copy_in_rows`](Self::copy_in_rows) from a stream of rows.
    fn copy_in_stream<R, S>(
        &self,
        table: impl Composable,
        rows: S,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        R: ToRow + Send,
        S: Stream<Item = R> + Send,
    {
        let session = self.session();
        let scope = session.scope();
        let (copy, describe_q) = copy_in_statements::<R>(&table);
        let copy_text = copy.render_with(&scope).map(|c| c.text().to_owned());
        let described = Exec::<Statement, Record>::columns(&session, &describe_q);
        async move {
            // After a statement canceled on this client: wait until it settled.
            crate::cancel::settled(self.generic_client().client()).await;
            let copy_text = copy_text?;
            let trace = Trace::copy(&copy_text);
            let copied = trace
                .instrument(async {
                    let (_, columns) = describe(self, described?).await?;
                    let types: Vec<Type> = columns.into_iter().map(|c| c.ty).collect();
                    let began = pooled_begin(self).await?;
                    let copied = copy_rows(self, &copy_text, &types, &scope, rows).await;
                    pooled_end(self, began, copied.is_ok()).await?;
                    copied
                })
                .await;
            trace.record(&copied, copied.as_ref().ok().copied());
            copied
        }
    }

    /// Binary `COPY (query) TO STDOUT` decoded into `T` as data arrives. The
    /// query's values are inlined as literals (`COPY` takes no parameters);
    /// its columns are described first to plan `T`.
    fn copy_out_as<T: RowType>(
        &self,
        query: impl Composable,
    ) -> impl Future<Output = Result<CopyOutRows<T>>> + Send {
        let session = self.session();
        let select = query.render_inline_with(&session.scope());
        async move {
            // After a statement canceled on this client: wait until it settled.
            crate::cancel::settled(self.generic_client().client()).await;
            let select = select?;
            let exec = Exec::<Statement, T>::columns(
                &session,
                Sql::from_runtime_unchecked(select.clone()),
            )?;
            let (exec, columns) = describe(self, exec).await?;
            let decoder = exec.decoder(&columns)?;
            let text = copy_out_statement(&select);
            pooled_stream(self, &text)?;
            let opened = self.generic_client().client().copy_out(text.as_str());
            let stream = Trace::copy(&text)
                .instrument(opened)
                .await
                .map_err(|e| error(e).with_query(&text))?;
            Ok(CopyOutRows {
                inner: Box::pin(stream),
                state: CopyOutState::new(decoder, columns.len(), &text),
            })
        }
    }

    /// Runs a `COPY … FROM STDIN` statement (text, CSV or binary, as it
    /// says) with `data` as its input; values in the statement are inlined.
    /// The number of rows copied.
    fn copy_in_raw<S, B>(
        &self,
        statement: impl Composable,
        data: S,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        S: Stream<Item = B> + Send,
        B: Into<Bytes> + Send,
    {
        let text = statement.render_inline_with(&self.session().scope());
        async move {
            // After a statement canceled on this client: wait until it settled.
            crate::cancel::settled(self.generic_client().client()).await;
            let text = text?;
            let trace = Trace::copy(&text);
            let copied = trace
                .instrument(async {
                    let began = pooled_begin(self).await?;
                    let copied = copy_bytes(self, &text, data).await;
                    pooled_end(self, began, copied.is_ok()).await?;
                    copied
                })
                .await;
            trace.record(&copied, copied.as_ref().ok().copied());
            copied
        }
    }

    /// Runs a `COPY … TO STDOUT` statement; its data as a stream of byte
    /// chunks (the server sends one row per chunk in text and CSV).
    fn copy_out_raw(
        &self,
        statement: impl Composable,
    ) -> impl Future<Output = Result<BoxStream<'static, Result<Bytes>>>> + Send {
        let text = statement.render_inline_with(&self.session().scope());
        async move {
            // After a statement canceled on this client: wait until it settled.
            crate::cancel::settled(self.generic_client().client()).await;
            let text = text?;
            pooled_stream(self, &text)?;
            let opened = self.generic_client().client().copy_out(text.as_str());
            let stream = Trace::copy(&text)
                .instrument(opened)
                .await
                .map_err(|e| error(e).with_query(&text))?;
            Ok(stream
                .map(move |chunk| chunk.map_err(|e| error(e).with_query(&text)))
                .boxed())
        }
    }
}
