//! What tokio-postgres hands over, as the core takes it: a driver [`Row`]
//! as a [`RawRow`], its columns as [`Column`]s, its errors as [`Error`]s.

use pgcast_core::bridge::Raw;
use pgcast_core::exec::{Error, ServerReport, SimpleRows};
use pgcast_core::row::{Column, Description, RawRow};
use pgcast_core::{ErrorKind as PgErrorKind, Format, Type};
use tokio_postgres::Row;

/// A driver [`Row`] as a pgcast [`RawRow`]: each value's bytes through
/// [`Raw`], with no name lookup and no copy.
///
/// ```no_run
/// # async fn f(client: &tokio_postgres::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use pgcast_core::row::RawRow;
/// use pgcast_tokio_postgres::RowRef;
///
/// let row = client.query_one("SELECT 1::int4", &[]).await?;
/// assert_eq!(RowRef(&row).raw(0)?, Some(&[0, 0, 0, 1][..]));
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RowRef<'a>(pub &'a Row);

impl RawRow for RowRef<'_> {
    fn width(&self) -> Option<usize> {
        Some(self.0.len())
    }

    #[inline]
    fn raw(&self, index: usize) -> pgcast_core::Result<Option<&[u8]>> {
        match self.0.try_get::<usize, Raw<'_>>(index) {
            Ok(raw) => Ok(raw.0),
            Err(_) => Err(pgcast_core::Error::new(
                PgErrorKind::MissingColumn,
                format!(
                    "the row has {} values; there is none at index {index}",
                    self.0.len()
                ),
            )),
        }
    }
}

/// The description of a driver result as pgcast [`Column`]s (rust-postgres
/// drivers receive every value in binary format).
pub fn columns(columns: &[tokio_postgres::Column]) -> Vec<Column> {
    Described(columns).to_columns()
}

/// A tokio-postgres result description read in place: a row plan made
/// for it before is found without copying it into [`Column`]s.
#[derive(Clone, Copy, Debug)]
pub struct Described<'a>(pub &'a [tokio_postgres::Column]);

impl Description for Described<'_> {
    fn count(&self) -> usize {
        self.0.len()
    }

    fn column(&self, i: usize) -> Option<(&str, &Type, Format)> {
        self.0.get(i).map(|c| (c.name(), c.type_(), Format::Binary))
    }
}

/// A driver error as pgcast's, with the server's report when there is one.
pub fn error(e: tokio_postgres::Error) -> Error {
    let report = e.as_db_error().map(|db| ServerReport {
        severity: db.severity().to_owned(),
        code: db.code().code().to_owned(),
        message: db.message().to_owned(),
        detail: db.detail().map(str::to_owned),
        hint: db.hint().map(str::to_owned),
        where_: db.where_().map(str::to_owned),
    });
    let closed = e.is_closed();
    let e = Error::driver(e, report);
    if closed { e.connection_lost() } else { e }
}

/// What a simple-protocol query returned, as the core takes it.
pub fn simple_rows(messages: Vec<tokio_postgres::SimpleQueryMessage>) -> SimpleRows {
    let mut out = SimpleRows::default();
    for message in messages {
        match message {
            tokio_postgres::SimpleQueryMessage::RowDescription(columns) => {
                out.columns = columns.iter().map(|c| c.name().to_owned()).collect();
            }
            tokio_postgres::SimpleQueryMessage::Row(row) => {
                out.rows.push(
                    (0..row.len())
                        .map(|i| row.get(i).map(str::to_owned))
                        .collect(),
                );
            }
            _ => {}
        }
    }
    out
}
