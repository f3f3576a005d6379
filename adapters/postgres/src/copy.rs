//! [`CopyOutRows`]: binary `COPY … TO STDOUT` data read into row types.

use std::fmt;
use std::io::Read;

use pgcast_core::exec::{CopyOutState, RowType};

use crate::{Error, ErrorKind, Result};

/// Rows of a binary `COPY … TO STDOUT` decoded into `T` as data is read,
/// 64 KiB at a time at most.
pub struct CopyOutRows<'a, T: RowType> {
    reader: postgres::CopyOutReader<'a>,
    state: CopyOutState<T>,
    buf: Vec<u8>,
}

impl<'a, T: RowType> CopyOutRows<'a, T> {
    pub(crate) fn new(
        reader: postgres::CopyOutReader<'a>,
        state: CopyOutState<T>,
    ) -> CopyOutRows<'a, T> {
        CopyOutRows {
            reader,
            state,
            buf: vec![0; 64 * 1024],
        }
    }
}

impl<T: RowType> Iterator for CopyOutRows<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        loop {
            if let Some(row) = self.state.next_row() {
                return Some(row);
            }
            if self.state.is_done() {
                return None;
            }
            match self.reader.read(&mut self.buf) {
                Ok(0) => return self.state.end(),
                Ok(n) => {
                    let chunk = self.buf.get(..n).unwrap_or_default();
                    self.state.push(chunk);
                }
                Err(e) => {
                    let e = Error::message(ErrorKind::Driver, format!("COPY read failed: {e}"));
                    return Some(Err(self.state.fail(e)));
                }
            }
        }
    }
}

impl<T: RowType> fmt::Debug for CopyOutRows<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CopyOutRows")
            .field("state", &self.state)
            .finish()
    }
}
