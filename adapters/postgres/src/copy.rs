//! [`CopyOutRows`]: binary `COPY … TO STDOUT` data read into row types.

use std::fmt;
use std::io::Read;

use pgcast_tokio_postgres::{BinaryCopyDecoder, Decoder};

use crate::{Error, ErrorKind, Result, RowType};

/// Rows of a binary `COPY … TO STDOUT` decoded into `T` as data is read,
/// 64 KiB at a time at most.
pub struct CopyOutRows<'a, T: RowType> {
    reader: postgres::CopyOutReader<'a>,
    decoder: Decoder<T>,
    columns: usize,
    parser: BinaryCopyDecoder,
    query: String,
    rows: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<'a, T: RowType> CopyOutRows<'a, T> {
    pub(crate) fn new(
        reader: postgres::CopyOutReader<'a>,
        decoder: Decoder<T>,
        columns: usize,
        parser: BinaryCopyDecoder,
        query: String,
    ) -> CopyOutRows<'a, T> {
        CopyOutRows {
            reader,
            decoder,
            columns,
            parser,
            query,
            rows: 0,
            buf: vec![0; 64 * 1024],
            done: false,
        }
    }

    fn fail(&mut self, e: Error) -> Option<Result<T>> {
        self.done = true;
        Some(Err(e.with_row(self.rows).with_query(&self.query)))
    }
}

impl<T: RowType> Iterator for CopyOutRows<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        loop {
            if self.done {
                return None;
            }
            match self.parser.next_row() {
                Err(e) => return self.fail(Error::message(ErrorKind::Copy, e.to_string())),
                Ok(Some(row)) => {
                    if row.len() != self.columns {
                        let msg = format!(
                            "a COPY row of {} fields for {} columns",
                            row.len(),
                            self.columns
                        );
                        return self.fail(Error::message(ErrorKind::Copy, msg));
                    }
                    let item = self.decoder.decode_raw(&row);
                    let at = self.rows;
                    self.rows += 1;
                    return Some(
                        item.map_err(|e| Error::from(e).with_row(at).with_query(&self.query)),
                    );
                }
                Ok(None) => {}
            }
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    if self.parser.is_finished() && !self.parser.has_partial() {
                        self.done = true;
                        return None;
                    }
                    return self.fail(Error::message(
                        ErrorKind::Copy,
                        "the COPY data ended before its trailer",
                    ));
                }
                Ok(n) => {
                    let chunk = self.buf.get(..n).unwrap_or_default();
                    self.parser.push(chunk);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let err = match e.into_inner() {
                        Some(inner) => match inner.downcast::<postgres::Error>() {
                            Ok(pg) => Error::from(*pg),
                            Err(other) => Error::message(ErrorKind::Driver, other.to_string()),
                        },
                        None => Error::message(ErrorKind::Driver, "COPY read failed"),
                    };
                    return self.fail(err);
                }
            }
        }
    }
}

impl<T: RowType> fmt::Debug for CopyOutRows<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CopyOutRows")
            .field("query", &self.query)
            .field("rows", &self.rows)
            .finish()
    }
}
