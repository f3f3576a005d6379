//! The row-source trait drivers implement: raw bytes per column index.

use crate::{Error, ErrorKind, Result};

/// One row of a result as raw wire bytes, by column index: the contract
/// between a driver and the row types. The bytes are in the format the
/// result's [`Column`](super::Column) says.
///
/// A tokio-postgres `Row` gives its bytes through
/// [`Raw`](crate::bridge::Raw) (`row.try_get::<_, Raw>(index)`), a `FromSql`
/// that accepts every type. Slices of optional byte strings are rows too,
/// which is handy for tests and for drivers that buffer values.
///
/// ```
/// use pgcast_core::row::RawRow;
///
/// let row: [Option<&[u8]>; 2] = [Some(b"1"), None];
/// assert_eq!(row[..].raw(0).unwrap(), Some(&b"1"[..]));
/// assert_eq!(row[..].raw(1).unwrap(), None);
/// assert!(row[..].raw(2).is_err());
/// ```
pub trait RawRow {
    /// The value at `index`, `None` for NULL; an error if the row has no
    /// such column.
    fn raw(&self, index: usize) -> Result<Option<&[u8]>>;

    /// The number of values, when the row knows it without a lookup.
    fn width(&self) -> Option<usize> {
        None
    }

    /// The bytes of the row's values (what was received for them), for
    /// statement reports; read only when someone watches the statement.
    fn byte_len(&self) -> u64 {
        let bytes = |value: Option<&[u8]>| value.map_or(0, |v| v.len() as u64);
        if let Some(width) = self.width() {
            return (0..width).map(|i| self.raw(i).map_or(0, bytes)).sum();
        }
        // Rows that do not know their width: until the first missing index.
        let mut total = 0;
        let mut index = 0;
        while let Ok(value) = self.raw(index) {
            total += bytes(value);
            index += 1;
        }
        total
    }
}

#[cold]
fn out_of_bounds(index: usize, len: usize) -> Error {
    Error::new(
        ErrorKind::MissingColumn,
        format!("the row has {len} values; there is none at index {index}"),
    )
}

impl RawRow for [Option<&[u8]>] {
    fn width(&self) -> Option<usize> {
        Some(self.len())
    }

    #[inline]
    fn raw(&self, index: usize) -> Result<Option<&[u8]>> {
        match self.get(index) {
            Some(value) => Ok(*value),
            None => Err(out_of_bounds(index, self.len())),
        }
    }
}

impl RawRow for [Option<Vec<u8>>] {
    fn width(&self) -> Option<usize> {
        Some(self.len())
    }

    #[inline]
    fn raw(&self, index: usize) -> Result<Option<&[u8]>> {
        match self.get(index) {
            Some(value) => Ok(value.as_deref()),
            None => Err(out_of_bounds(index, self.len())),
        }
    }
}

impl<T: RawRow + ?Sized> RawRow for &T {
    fn width(&self) -> Option<usize> {
        (**self).width()
    }

    #[inline]
    fn raw(&self, index: usize) -> Result<Option<&[u8]>> {
        (**self).raw(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_values() {
        let row = [Some(b"ab".to_vec()), None];
        assert_eq!(row[..].raw(0).unwrap(), Some(&b"ab"[..]));
        assert_eq!(row[..].raw(1).unwrap(), None);
        assert_eq!(
            row[..].raw(5).unwrap_err().to_string(),
            "missing column: the row has 2 values; there is none at index 5"
        );
    }
}
