//! `COPY`, driver-free: the binary format written from [`ToRow`] values
//! ([`BinaryCopyEncoder`]) and read into row types ([`BinaryCopyDecoder`]),
//! and the statements that run them.

use std::fmt;

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::row::{RawRow, ToRow};
use crate::sql::{Composable, Composed, Identifier, Sql};
use crate::{Adapters, Ctx, Error as PgError, ErrorKind as PgErrorKind, Format, Policy, Type};

use super::rows::{Decoder, RowType};

/// The signature that opens binary `COPY` data.
const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// How much encoded data a driver should send to the server at a time.
pub const COPY_CHUNK: usize = 64 * 1024;

/// Writes binary `COPY` data: the header, then each row as a 16-bit field
/// count and its fields (4-byte length, bytes) as [`ToRow::dump_row`]
/// writes them, then the trailer.
///
/// ```
/// use pgcast_core::exec::{BinaryCopyDecoder, BinaryCopyEncoder};
/// use pgcast_core::row::ToRow;
/// use pgcast_core::{Dump, Policy, Result, Type};
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
        BinaryCopyEncoder::with_scope(types, policy, None)
    }

    /// An encoder for rows of these column types, dumped under the policy
    /// of `scope`, whose registered dumpers write the fields of derived
    /// `ToRow` rows of the types they are registered for.
    pub fn in_scope(types: &'a [Type], scope: &'a Adapters) -> BinaryCopyEncoder<'a> {
        let dumpers = scope.has_dumpers().then_some(scope);
        BinaryCopyEncoder::with_scope(types, scope.policy(), dumpers)
    }

    fn with_scope(
        types: &'a [Type],
        policy: &'a Policy,
        scope: Option<&'a Adapters>,
    ) -> BinaryCopyEncoder<'a> {
        let mut buf = BytesMut::with_capacity(COPY_CHUNK);
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
                    scope,
                })
                .collect(),
            buf,
            rows: 0,
        }
    }

    /// Writes one row; on error nothing of it stays in the buffer.
    pub fn write_row<R: ToRow + ?Sized>(&mut self, row: &R) -> crate::Result<()> {
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
    fn width(&self) -> Option<usize> {
        Some(self.fields.len())
    }

    #[inline]
    fn raw(&self, index: usize) -> crate::Result<Option<&[u8]>> {
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
    pub fn next_row(&mut self) -> crate::Result<Option<CopyRow<'_>>> {
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

    fn read_header(&mut self) -> crate::Result<bool> {
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

/// `COPY table (columns) FROM STDIN (FORMAT binary)` and the `SELECT` that
/// describes the columns' types.
pub fn copy_in_statements<'a, R: ToRow>(
    table: &(impl Composable + 'a),
) -> (Composed<'a>, Composed<'a>) {
    let columns = || Sql::join(", ", R::columns().iter().map(|c| Identifier::new(*c)));
    let copy = Composed::from(Sql::new("COPY "))
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
pub fn decode_copy<T: RowType>(data: &[u8], decoder: &Decoder<T>) -> crate::Result<Vec<T>> {
    let mut parser = BinaryCopyDecoder::new();
    parser.push(data);
    let mut rows = Vec::new();
    while let Some(row) = parser.next_row()? {
        rows.push(decoder.decode(&row)?);
    }
    if !parser.is_finished() {
        return Err(malformed("the data ended before its trailer"));
    }
    Ok(rows)
}

/// The error of malformed `COPY` data, for a driver's stream.
pub fn copy_error(e: PgError) -> super::Error {
    super::Error::message(super::ErrorKind::Copy, e.to_string())
}

/// Rows of a binary `COPY … TO STDOUT` decoded into `T` as chunks arrive,
/// driver-free: the driver [`push`](Self::push)es each chunk and takes
/// rows with [`next_row`](Self::next_row) until it needs another chunk.
pub struct CopyOutState<T: RowType> {
    decoder: Decoder<T>,
    columns: usize,
    parser: BinaryCopyDecoder,
    query: String,
    rows: u64,
    done: bool,
}

impl<T: RowType> CopyOutState<T> {
    /// Rows of `columns` columns decoded with `decoder`.
    pub fn new(decoder: Decoder<T>, columns: usize, query: &str) -> CopyOutState<T> {
        CopyOutState {
            decoder,
            columns,
            parser: BinaryCopyDecoder::new(),
            query: query.to_owned(),
            rows: 0,
            done: false,
        }
    }

    /// Whether the stream ended (cleanly or with an error).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Adds a chunk of data.
    pub fn push(&mut self, chunk: &[u8]) {
        self.parser.push(chunk);
    }

    /// The next row, or `None` when another chunk is needed.
    pub fn next_row(&mut self) -> Option<super::Result<T>> {
        if self.done {
            return None;
        }
        match self.parser.next_row() {
            Err(e) => Some(Err(self.fail(copy_error(e)))),
            Ok(None) => None,
            Ok(Some(row)) if row.len() != self.columns => {
                let msg = format!(
                    "a COPY row of {} fields for {} columns",
                    row.len(),
                    self.columns
                );
                Some(Err(
                    self.fail(super::Error::message(super::ErrorKind::Copy, msg))
                ))
            }
            Ok(Some(row)) => {
                let item = self.decoder.decode(&row);
                let at = self.rows;
                self.rows += 1;
                Some(item.map_err(|e| super::Error::from(e).with_row(at).with_query(&self.query)))
            }
        }
    }

    /// The data ended: `None` if it ended at its trailer, else the error.
    pub fn end(&mut self) -> Option<super::Result<T>> {
        if self.done {
            return None;
        }
        if self.parser.is_finished() && !self.parser.has_partial() {
            self.done = true;
            return None;
        }
        Some(Err(self.fail(super::Error::message(
            super::ErrorKind::Copy,
            "the COPY data ended before its trailer",
        ))))
    }

    /// Ends the stream with `e`, naming the row and the query.
    pub fn fail(&mut self, e: impl Into<super::Error>) -> super::Error {
        self.done = true;
        e.into().with_row(self.rows).with_query(&self.query)
    }
}

impl<T: RowType> fmt::Debug for CopyOutState<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CopyOutState")
            .field("query", &self.query)
            .field("rows", &self.rows)
            .finish()
    }
}
