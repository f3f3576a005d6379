//! `COPY`: the binary format written from [`ToRow`] values
//! ([`BinaryCopyEncoder`]) and read into row types ([`BinaryCopyDecoder`]),
//! both driver-free, and the methods that run them on a connection.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use futures_util::{SinkExt, Stream, StreamExt, pin_mut};
use pgcast_core::row::{RawRow, ToRow};
use pgcast_core::sql::{Composable, Composed, Identifier, Sql};
use pgcast_core::{Ctx, Error as PgError, ErrorKind as PgErrorKind, Format, Policy, Type};
use tokio_postgres::GenericClient;

use crate::client::prepare;
use crate::rows::{Decoder, RowType};
use crate::{ClientExt, Connection, Error, ErrorKind, Result};

/// The signature that opens binary `COPY` data.
const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// How much encoded data is sent to the server at a time.
const CHUNK: usize = 64 * 1024;

/// Writes binary `COPY` data: the header, then each row as a 16-bit field
/// count and its fields (4-byte length, bytes) as [`ToRow::dump_row`]
/// writes them, then the trailer.
///
/// ```
/// use pgcast_core::row::ToRow;
/// use pgcast_core::{Dump, Policy, Result, Type};
/// use pgcast_tokio_postgres::{BinaryCopyDecoder, BinaryCopyEncoder};
///
/// struct P { x: i32, name: Option<String> }
/// impl ToRow for P {
///     fn columns() -> &'static [&'static str] { &["x", "name"] }
///     fn visit_values(&self, v: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>) -> Result<()> {
///         v(&self.x)?;
///         v(&self.name)
///     }
/// }
///
/// let types = [Type::INT4, Type::TEXT];
/// let mut enc = BinaryCopyEncoder::new(&types, &Policy::DEFAULT);
/// enc.write_row(&P { x: 7, name: None }).unwrap();
/// let data = enc.finish();
///
/// let mut dec = BinaryCopyDecoder::new();
/// dec.push(&data);
/// let row = dec.next_row().unwrap().unwrap();
/// assert_eq!(row.len(), 2);
/// assert_eq!(pgcast_core::row::RawRow::raw(&row, 0).unwrap(), Some(&[0, 0, 0, 7][..]));
/// assert_eq!(pgcast_core::row::RawRow::raw(&row, 1).unwrap(), None);
/// assert!(dec.next_row().unwrap().is_none());
/// assert!(dec.is_finished());
/// ```
pub struct BinaryCopyEncoder<'a> {
    ctxs: Vec<Ctx<'a>>,
    buf: BytesMut,
    rows: u64,
}

impl<'a> BinaryCopyEncoder<'a> {
    /// An encoder for rows of these column types, dumped under `policy`;
    /// the header is written.
    pub fn new(types: &'a [Type], policy: &'a Policy) -> BinaryCopyEncoder<'a> {
        let mut buf = BytesMut::with_capacity(CHUNK);
        buf.put_slice(SIGNATURE);
        buf.put_i32(0);
        buf.put_i32(0);
        BinaryCopyEncoder {
            ctxs: types
                .iter()
                .map(|ty| Ctx {
                    ty,
                    format: Format::Binary,
                    policy,
                })
                .collect(),
            buf,
            rows: 0,
        }
    }

    /// Writes one row; on error nothing of it stays in the buffer.
    pub fn write_row<R: ToRow + ?Sized>(&mut self, row: &R) -> pgcast_core::Result<()> {
        let count = i16::try_from(self.ctxs.len())
            .map_err(|_| PgError::new(PgErrorKind::OutOfRange, "more than 32767 columns"))?;
        let start = self.buf.len();
        self.buf.put_i16(count);
        match row.dump_row(&self.ctxs, &mut self.buf) {
            Ok(()) => {
                self.rows += 1;
                Ok(())
            }
            Err(e) => {
                self.buf.truncate(start);
                Err(e)
            }
        }
    }

    /// The rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The bytes waiting to be sent.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Takes the bytes written so far.
    pub fn take(&mut self) -> Bytes {
        self.buf.split().freeze()
    }

    /// Writes the trailer and takes what is left.
    pub fn finish(mut self) -> Bytes {
        self.buf.put_i16(-1);
        self.buf.freeze()
    }
}

impl fmt::Debug for BinaryCopyEncoder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BinaryCopyEncoder")
            .field("columns", &self.ctxs.len())
            .field("rows", &self.rows)
            .field("buffered", &self.buf.len())
            .finish()
    }
}

/// Reads binary `COPY` data pushed in chunks of any size, a row at a time.
#[derive(Debug, Default)]
pub struct BinaryCopyDecoder {
    buf: BytesMut,
    consumed: usize,
    header: bool,
    finished: bool,
    fields: Vec<Option<(usize, usize)>>,
}

/// One row of binary `COPY` data: its fields' bytes by index.
#[derive(Clone, Copy, Debug)]
pub struct CopyRow<'a> {
    data: &'a [u8],
    fields: &'a [Option<(usize, usize)>],
}

impl CopyRow<'_> {
    /// The number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the row has no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl RawRow for CopyRow<'_> {
    #[inline]
    fn raw(&self, index: usize) -> pgcast_core::Result<Option<&[u8]>> {
        match self.fields.get(index) {
            Some(Some((a, b))) => Ok(self.data.get(*a..*b)),
            Some(None) => Ok(None),
            None => Err(PgError::new(
                PgErrorKind::MissingColumn,
                format!(
                    "the COPY row has {} fields; there is none at index {index}",
                    self.fields.len()
                ),
            )),
        }
    }
}

fn malformed(message: impl Into<String>) -> PgError {
    PgError::new(
        PgErrorKind::Malformed,
        format!("binary COPY data: {}", message.into()),
    )
}

fn be_i16(b: &[u8], at: usize) -> Option<i16> {
    Some(i16::from_be_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn be_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

impl BinaryCopyDecoder {
    /// A decoder expecting the header.
    pub fn new() -> BinaryCopyDecoder {
        BinaryCopyDecoder::default()
    }

    /// Adds a chunk of data.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.consumed > 0 {
            self.buf.advance(self.consumed);
            self.consumed = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// Whether the trailer was read.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Whether data is buffered that is not a whole row yet.
    pub fn has_partial(&self) -> bool {
        self.buf.len() > self.consumed
    }

    /// The next whole row, `None` if more data is needed (or the trailer
    /// was read); an error for malformed data.
    pub fn next_row(&mut self) -> pgcast_core::Result<Option<CopyRow<'_>>> {
        if self.consumed > 0 {
            self.buf.advance(self.consumed);
            self.consumed = 0;
        }
        if self.finished {
            return if self.buf.is_empty() {
                Ok(None)
            } else {
                Err(malformed("data after the trailer"))
            };
        }
        if !self.header && !self.read_header()? {
            return Ok(None);
        }
        let data = &self.buf[..];
        let Some(count) = be_i16(data, 0) else {
            return Ok(None);
        };
        if count == -1 {
            self.finished = true;
            self.consumed = 2;
            return Ok(None);
        }
        let count =
            usize::try_from(count).map_err(|_| malformed(format!("field count {count}")))?;
        self.fields.clear();
        let mut at = 2usize;
        for _ in 0..count {
            let Some(len) = be_i32(data, at) else {
                return Ok(None);
            };
            at += 4;
            if len == -1 {
                self.fields.push(None);
                continue;
            }
            let len = usize::try_from(len).map_err(|_| malformed(format!("field length {len}")))?;
            let end = at
                .checked_add(len)
                .ok_or_else(|| malformed("field length overflows"))?;
            if end > data.len() {
                return Ok(None);
            }
            self.fields.push(Some((at, end)));
            at = end;
        }
        self.consumed = at;
        Ok(Some(CopyRow {
            data: &self.buf[..at],
            fields: &self.fields,
        }))
    }

    fn read_header(&mut self) -> pgcast_core::Result<bool> {
        let data = &self.buf[..];
        if data.len() < SIGNATURE.len() {
            return if SIGNATURE.starts_with(data) {
                Ok(false)
            } else {
                Err(malformed("no PGCOPY signature"))
            };
        }
        if !data.starts_with(SIGNATURE) {
            return Err(malformed("no PGCOPY signature"));
        }
        let (Some(flags), Some(ext)) = (be_i32(data, 11), be_i32(data, 15)) else {
            return Ok(false);
        };
        if flags & (1 << 16) != 0 {
            return Err(malformed("rows with OIDs are not supported"));
        }
        let ext =
            usize::try_from(ext).map_err(|_| malformed("negative header extension length"))?;
        let end = 19usize
            .checked_add(ext)
            .ok_or_else(|| malformed("header too long"))?;
        if data.len() < end {
            return Ok(false);
        }
        self.buf.advance(end);
        self.header = true;
        Ok(true)
    }
}

/// Rows of a binary `COPY … TO STDOUT` decoded into `T` as data arrives.
pub struct CopyOutRows<T: RowType> {
    inner: Pin<Box<tokio_postgres::CopyOutStream>>,
    decoder: Decoder<T>,
    columns: usize,
    parser: BinaryCopyDecoder,
    query: Arc<str>,
    rows: u64,
    done: bool,
}

impl<T: RowType> CopyOutRows<T> {
    fn fail(&mut self, e: impl Into<Error>) -> Poll<Option<Result<T>>> {
        self.done = true;
        Poll::Ready(Some(Err(e
            .into()
            .with_row(self.rows)
            .with_query(&self.query))))
    }
}

impl<T: RowType> Stream for CopyOutRows<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match this.parser.next_row() {
                Err(e) => return this.fail(copy_error(e)),
                Ok(Some(row)) => {
                    if row.len() != this.columns {
                        let msg = format!(
                            "a COPY row of {} fields for {} columns",
                            row.len(),
                            this.columns
                        );
                        return this.fail(Error::message(ErrorKind::Copy, msg));
                    }
                    let item = this.decoder.decode_raw(&row);
                    let at = this.rows;
                    this.rows += 1;
                    return Poll::Ready(Some(
                        item.map_err(|e| Error::from(e).with_row(at).with_query(&this.query)),
                    ));
                }
                Ok(None) => {}
            }
            match this.inner.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.parser.push(&chunk),
                Poll::Ready(Some(Err(e))) => return this.fail(e),
                Poll::Ready(None) => {
                    if this.parser.is_finished() && !this.parser.has_partial() {
                        this.done = true;
                        return Poll::Ready(None);
                    }
                    return this.fail(Error::message(
                        ErrorKind::Copy,
                        "the COPY data ended before its trailer",
                    ));
                }
            }
        }
    }
}

fn copy_error(e: PgError) -> Error {
    Error::message(ErrorKind::Copy, e.to_string())
}

impl<T: RowType> fmt::Debug for CopyOutRows<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CopyOutRows")
            .field("query", &self.query)
            .field("rows", &self.rows)
            .finish()
    }
}

/// `COPY table (columns) FROM STDIN (FORMAT binary)` and the `SELECT` that
/// describes the columns' types.
pub fn copy_in_statements<R: ToRow>(table: &impl Composable) -> (Composed, Composed) {
    let columns = || Sql::join(", ", R::columns().iter().map(|c| Identifier::new(*c)));
    let copy = Sql::new("COPY ")
        + table.clone()
        + Sql::new(" (")
        + columns()
        + Sql::new(") FROM STDIN (FORMAT binary)");
    let describe =
        Sql::new("SELECT ") + columns() + Sql::new(" FROM ") + table.clone() + Sql::new(" LIMIT 0");
    (copy, describe)
}

/// `COPY (query) TO STDOUT (FORMAT binary)`.
pub fn copy_out_statement(select: &str) -> String {
    format!("COPY ({select}) TO STDOUT (FORMAT binary)")
}

/// Binary `COPY` data read into `T` from a complete buffer (for drivers
/// that hand over the data at once, and for tests).
pub fn decode_copy<T: RowType>(data: &[u8], decoder: &Decoder<T>) -> pgcast_core::Result<Vec<T>> {
    let mut parser = BinaryCopyDecoder::new();
    parser.push(data);
    let mut rows = Vec::new();
    while let Some(row) = parser.next_row()? {
        rows.push(decoder.decode_raw(&row)?);
    }
    if !parser.is_finished() {
        return Err(malformed("the data ended before its trailer"));
    }
    Ok(rows)
}

impl<C: Connection + ?Sized> CopyExt for C {}

/// `COPY` on every [`Connection`]; part of [`ClientExt`]'s family.
pub trait CopyExt: ClientExt {
    /// Binary `COPY` of `rows` into `table` (an [`Identifier`], possibly
    /// schema-qualified), its columns named by [`ToRow::columns`], their
    /// types read from the table (one described `SELECT … LIMIT 0`, cached
    /// by a session). The number of rows copied.
    ///
    /// A row that cannot be written aborts the `COPY` (nothing of it is
    /// kept) with an error naming the row; a row the server rejects does the
    /// same, with the server's error.
    fn copy_in_rows<R, I>(
        &self,
        table: &impl Composable,
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
        table: &impl Composable,
        rows: S,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        R: ToRow + Send,
        S: Stream<Item = R> + Send,
    {
        let session = self.session();
        let scope = session.scope();
        let (copy, describe_q) = copy_in_statements::<R>(table);
        let texts = copy.render_with(&scope).and_then(|c| {
            Ok((
                c.text().to_owned(),
                describe_q.render_with(&scope)?.text().to_owned(),
            ))
        });
        async move {
            let (copy_text, describe_text) = texts?;
            let client = self.generic_client();
            let described = prepare(client, &session, &describe_text).await?;
            let types: Vec<Type> = described
                .columns()
                .iter()
                .map(|c| c.type_().clone())
                .collect();
            let statement = prepare(client, &session, &copy_text).await?;
            let sink = client
                .client()
                .copy_in::<_, Bytes>(&statement)
                .await
                .map_err(|e| Error::from(e).with_query(&copy_text))?;
            pin_mut!(sink);
            pin_mut!(rows);
            let policy = *scope.policy();
            let mut encoder = BinaryCopyEncoder::new(&types, &policy);
            while let Some(row) = rows.next().await {
                let at = encoder.rows();
                encoder
                    .write_row(&row)
                    .map_err(|e| Error::from(e).with_row(at).with_query(&copy_text))?;
                if encoder.buffered() >= CHUNK {
                    sink.send(encoder.take())
                        .await
                        .map_err(|e| Error::from(e).with_query(&copy_text))?;
                }
            }
            sink.send(encoder.finish())
                .await
                .map_err(|e| Error::from(e).with_query(&copy_text))?;
            sink.as_mut()
                .finish()
                .await
                .map_err(|e| Error::from(e).with_query(&copy_text))
        }
    }

    /// Binary `COPY (query) TO STDOUT` decoded into `T` as data arrives. The
    /// query's values are inlined as literals (`COPY` takes no parameters);
    /// its columns are described first (a prepared statement, cached by a
    /// session) to plan `T`.
    fn copy_out_as<T: RowType>(
        &self,
        query: &impl Composable,
    ) -> impl Future<Output = Result<CopyOutRows<T>>> + Send {
        let session = self.session();
        let scope = session.scope();
        let select = query.render_inline_with(&scope);
        async move {
            let select = select?;
            let client = self.generic_client();
            let described = prepare(client, &session, &select).await?;
            let decoder = session
                .decoder_for::<T>(&select, &described)
                .map_err(|e| Error::from(e).with_query(&select))?;
            let text = copy_out_statement(&select);
            let stream = client
                .client()
                .copy_out(&text)
                .await
                .map_err(|e| Error::from(e).with_query(&text))?;
            Ok(CopyOutRows {
                inner: Box::pin(stream),
                decoder,
                columns: described.columns().len(),
                parser: BinaryCopyDecoder::new(),
                query: text.into(),
                rows: 0,
                done: false,
            })
        }
    }

    /// Runs a `COPY … FROM STDIN` statement (text, CSV or binary, as it
    /// says) with `data` as its input; values in the statement are inlined.
    /// The number of rows copied.
    fn copy_in_raw<S, B>(
        &self,
        statement: &impl Composable,
        data: S,
    ) -> impl Future<Output = Result<u64>> + Send
    where
        S: Stream<Item = B> + Send,
        B: Into<Bytes> + Send,
    {
        let text = statement.render_inline_with(&self.session().scope());
        async move {
            let text = text?;
            let sink = self
                .generic_client()
                .client()
                .copy_in::<_, Bytes>(&text)
                .await
                .map_err(|e| Error::from(e).with_query(&text))?;
            pin_mut!(sink);
            pin_mut!(data);
            while let Some(chunk) = data.next().await {
                let chunk: Bytes = chunk.into();
                sink.feed(chunk)
                    .await
                    .map_err(|e| Error::from(e).with_query(&text))?;
            }
            sink.as_mut()
                .finish()
                .await
                .map_err(|e| Error::from(e).with_query(&text))
        }
    }

    /// Runs a `COPY … TO STDOUT` statement; its data as a stream of byte
    /// chunks (the server sends one row per chunk in text and CSV).
    fn copy_out_raw(
        &self,
        statement: &impl Composable,
    ) -> impl Future<Output = Result<CopyOutBytes>> + Send {
        let text = statement.render_inline_with(&self.session().scope());
        async move {
            let text = text?;
            let stream = self
                .generic_client()
                .client()
                .copy_out(&text)
                .await
                .map_err(|e| Error::from(e).with_query(&text))?;
            Ok(CopyOutBytes {
                inner: Box::pin(stream),
                query: text.into(),
            })
        }
    }
}

/// The data of a `COPY … TO STDOUT`, chunk by chunk.
pub struct CopyOutBytes {
    inner: Pin<Box<tokio_postgres::CopyOutStream>>,
    query: Arc<str>,
}

impl Stream for CopyOutBytes {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        let this = &mut *self;
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Err(e))) => {
                Poll::Ready(Some(Err(Error::from(e).with_query(&this.query))))
            }
            Poll::Ready(Some(Ok(b))) => Poll::Ready(Some(Ok(b))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl fmt::Debug for CopyOutBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CopyOutBytes")
            .field("query", &self.query)
            .finish()
    }
}
