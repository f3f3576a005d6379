//! `COPY` on a connection, through sqlx's `copy_in_raw` / `copy_out_raw`:
//! binary in from [`ToRow`] values and out into row types (the format
//! itself is the core's), text or CSV in and out as bytes
//! ([`CopyExt::copy_in_bytes`], [`CopyExt::copy_out_bytes`]).

use std::future::Future;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use pgcast_core::Type;
use pgcast_core::exec::{
    BinaryCopyEncoder, COPY_CHUNK, CopyOutState, Exec, Record, RowType, copy_in_statements,
    copy_out_statement,
};
use pgcast_core::row::ToRow;
use pgcast_core::sql::{Composable, Sql};
use sqlx_core::ext::async_stream::TryAsyncStream;

use crate::client::{ClientExt, Conn, Overlay, sessions};
use crate::run::{Statement, describe};
use crate::session::session_of;
use crate::wire::error;
use crate::{Error, Result};

impl<C: Conn + ?Sized> CopyExt for C {}

/// `COPY` on every [`Conn`]; part of [`ClientExt`]'s family.
pub trait CopyExt: ClientExt {
    /// Binary `COPY` of `rows` into `table` (an `Identifier`, possibly
    /// schema-qualified), its columns named by [`ToRow::columns`], their
    /// types read from the table (one described `SELECT … LIMIT 0`). The
    /// number of rows copied. A row that cannot be written aborts the
    /// `COPY` with an error naming the row.
    fn copy_in_rows<R, I>(
        &mut self,
        table: impl Composable + Send + Sync,
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
        &mut self,
        table: impl Composable + Send + Sync,
        rows: S,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        R: ToRow + Send,
        S: Stream<Item = R> + Send,
    {
        async move {
            let overlay = Overlay::of(&*self);
            let mut held = self.hold().await?;
            let (session, base) = sessions(&mut held, &overlay).await?;
            let scope = session.scope();
            let (copy, describe_q) = copy_in_statements::<R>(&table);
            let copy_text = copy.render_with(&scope)?.text().to_owned();
            let mut exec = Exec::<Statement, Record>::columns(&session, &describe_q)?;
            let columns = describe(&mut held, &base, &mut exec).await?;
            let types: Vec<Type> = columns.into_iter().map(|c| c.ty).collect();
            let mut sink = held
                .copy_in_raw(&copy_text)
                .await
                .map_err(|e| error(e).with_query(&copy_text))?;
            let mut encoder = BinaryCopyEncoder::in_scope(&types, &scope);
            let rows = std::pin::pin!(rows);
            let mut rows = rows;
            while let Some(row) = rows.next().await {
                let at = encoder.rows();
                if let Err(e) = encoder.write_row(&row) {
                    let e = Error::from(e).with_row(at).with_query(&copy_text);
                    // the server's answer to the abort is the error we expect
                    let _ = sink.abort(e.to_string()).await;
                    return Err(e);
                }
                if encoder.buffered() >= COPY_CHUNK {
                    sink.send(encoder.take())
                        .await
                        .map_err(|e| error(e).with_query(&copy_text))?;
                }
            }
            sink.send(encoder.finish())
                .await
                .map_err(|e| error(e).with_query(&copy_text))?;
            sink.finish()
                .await
                .map_err(|e| error(e).with_query(&copy_text))
        }
    }

    /// Binary `COPY (query) TO STDOUT` decoded into `T` as data arrives. The
    /// query's values are inlined as literals (`COPY` takes no parameters);
    /// its columns are described first to plan `T`.
    fn copy_out_as<'c, T: RowType>(
        &'c mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<BoxStream<'c, Result<T>>>> + Send {
        async move {
            let overlay = Overlay::of(&*self);
            let mut held = self.hold().await?;
            let (session, base) = sessions(&mut held, &overlay).await?;
            let select = query.render_inline_with(&session.scope())?;
            let mut exec = Exec::<Statement, T>::columns(
                &session,
                Sql::from_runtime_unchecked(select.clone()),
            )?;
            let columns = describe(&mut held, &base, &mut exec).await?;
            let decoder = exec.decoder(&columns)?;
            let text = copy_out_statement(&select);
            let mut state = CopyOutState::new(decoder, columns.len(), &text);
            Ok(TryAsyncStream::new(move |y| async move {
                let mut chunks = match held.copy_out_raw(&text).await {
                    Ok(chunks) => chunks,
                    Err(e) => {
                        y.r#yield(Err(error(e).with_query(&text))).await;
                        return Ok(());
                    }
                };
                loop {
                    if let Some(row) = state.next_row() {
                        y.r#yield(row).await;
                        continue;
                    }
                    if state.is_done() {
                        break;
                    }
                    match chunks.next().await {
                        Some(Ok(chunk)) => state.push(&chunk),
                        Some(Err(e)) => {
                            let e = state.fail(error(e));
                            y.r#yield(Err(e)).await;
                            break;
                        }
                        None => {
                            if let Some(last) = state.end() {
                                y.r#yield(last).await;
                            }
                            break;
                        }
                    }
                }
                Ok(())
            })
            .map(|item| item.unwrap_or_else(|e| Err(error(e))))
            .boxed())
        }
    }

    /// Runs a `COPY … FROM STDIN` statement (text, CSV or binary, as it
    /// says) with `data` as its input; values in the statement are inlined.
    /// The number of rows copied.
    ///
    /// The other adapters call this `copy_in_raw`; here that name belongs to
    /// sqlx's own inherent method on `PgConnection` (and `PgPool`), which
    /// method calls would find first.
    fn copy_in_bytes<S, B>(
        &mut self,
        statement: &(impl Composable + Sync),
        data: S,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        S: Stream<Item = B> + Send,
        B: Into<Bytes> + Send,
    {
        async move {
            let mut held = self.hold().await?;
            let session = session_of(&mut held).await?;
            let text = statement.render_inline_with(&session.scope())?;
            let mut sink = held
                .copy_in_raw(&text)
                .await
                .map_err(|e| error(e).with_query(&text))?;
            let data = std::pin::pin!(data);
            let mut data = data;
            while let Some(chunk) = data.next().await {
                let chunk: Bytes = chunk.into();
                sink.send(chunk)
                    .await
                    .map_err(|e| error(e).with_query(&text))?;
            }
            sink.finish().await.map_err(|e| error(e).with_query(&text))
        }
    }

    /// Runs a `COPY … TO STDOUT` statement; its data as a stream of byte
    /// chunks (the server sends one row per chunk in text and CSV).
    ///
    /// `copy_out_raw` in the other adapters; see
    /// [`copy_in_bytes`](Self::copy_in_bytes) for why not here.
    fn copy_out_bytes<'c>(
        &'c mut self,
        statement: &(impl Composable + Sync),
    ) -> impl Future<Output = Result<BoxStream<'c, Result<Bytes>>>> + Send {
        async move {
            let mut held = self.hold().await?;
            let session = session_of(&mut held).await?;
            let text = statement.render_inline_with(&session.scope())?;
            Ok(TryAsyncStream::new(move |y| async move {
                match held.copy_out_raw(&text).await {
                    Ok(mut chunks) => {
                        while let Some(chunk) = chunks.next().await {
                            let failed = chunk.is_err();
                            y.r#yield(chunk.map_err(|e| error(e).with_query(&text)))
                                .await;
                            if failed {
                                break;
                            }
                        }
                    }
                    Err(e) => y.r#yield(Err(error(e).with_query(&text))).await,
                }
                Ok(())
            })
            .map(|item| item.unwrap_or_else(|e| Err(error(e))))
            .boxed())
        }
    }
}
