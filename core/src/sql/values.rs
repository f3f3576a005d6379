//! [`Values`]: multi-row `VALUES` lists, paged under the parameter limit.

use super::{Bound, Composable, Composed, Dumped, bind};
use crate::row::ToRow;
use crate::{Adapters, Error, ErrorKind, Policy, Result};

/// The most parameters one statement can carry: the protocol counts them in
/// 16 bits.
pub const MAX_PARAMS: usize = 65_535;

/// Pages of a multi-row `VALUES` list, `(…), (…)`, from an iterator of rows
/// (psycopg2's `execute_values`): each page holds at most
/// [`page_size`](Self::page_size) rows (100 by default) and at most
/// [`max_params`](Self::max_params) parameters ([`MAX_PARAMS`] by default;
/// lower it by what the rest of the statement binds). Each row is a sequence
/// of composables: bound values, literals, `DEFAULT`.
///
/// A row that alone exceeds the parameter limit is an [`ErrorKind::Format`]
/// error.
///
/// ```
/// use pgcast_core::sql::{bind, Composable, Sql, Values};
///
/// let rows = (1..=5_i32).map(|i| [bind(i), bind(format!("n{i}"))]);
/// let pages: Vec<_> = Values::new(rows).page_size(2).collect::<Result<_, _>>().unwrap();
/// assert_eq!(pages.len(), 3);
/// let q = Sql::new("INSERT INTO t (id, name) VALUES ") + pages[0].clone();
/// assert_eq!(q.render().unwrap().text(), "INSERT INTO t (id, name) VALUES ($1, $2), ($3, $4)");
/// assert_eq!(pages[2].render().unwrap().text(), "($1, $2)");
/// ```
#[derive(Debug)]
pub struct Values<I> {
    rows: I,
    pending: Option<Composed<'static>>,
    page_size: usize,
    max_params: usize,
}

impl<I> Values<I>
where
    I: Iterator,
    I::Item: IntoIterator,
    <I::Item as IntoIterator>::Item: Composable + 'static,
{
    /// Pages of `rows`.
    pub fn new(rows: impl IntoIterator<IntoIter = I>) -> Values<I> {
        Values {
            rows: rows.into_iter(),
            pending: None,
            page_size: 100,
            max_params: MAX_PARAMS,
        }
    }

    /// At most `rows` rows per page (at least one).
    pub fn page_size(mut self, rows: usize) -> Values<I> {
        self.page_size = rows.max(1);
        self
    }

    /// At most `params` parameters per page.
    pub fn max_params(mut self, params: usize) -> Values<I> {
        self.max_params = params;
        self
    }

    fn next_row(&mut self) -> Option<Composed<'static>> {
        if let Some(row) = self.pending.take() {
            return Some(row);
        }
        let cells = self.rows.next()?;
        let mut row = Composed::new();
        row.push_sql("(");
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                row.push_sql(", ");
            }
            row.push(cell);
        }
        row.push_sql(")");
        Some(row)
    }
}

/// The rows of [`Values::from_rows`]: each a row's values, dumped.
pub type DumpedRows = std::vec::IntoIter<Vec<Bound<'static>>>;

impl Values<DumpedRows> {
    /// Pages of [`ToRow`] rows: every field bound, no `bind` per field.
    /// The values are dumped now, under the global scope's policy (errors
    /// name the row and the column); values of built-in types are bound as
    /// their type, derived composites and enums in text, untyped, for the
    /// server to read as the column's type. Pair it with the column list,
    /// `Identifier::list(R::columns().iter().copied())`.
    ///
    /// For large batches [`Insert`](super::Insert) (`UNNEST`) sends one
    /// statement whatever the number of rows.
    ///
    /// ```
    /// use pgcast_core::row::ToRow;
    /// use pgcast_core::sql::{Composable, Values};
    /// use pgcast_core::{Dump, Result};
    ///
    /// struct P(i32, &'static str);
    /// impl ToRow for P {
    ///     fn columns() -> &'static [&'static str] { &["n", "s"] }
    ///     fn visit_values(&self, v: &mut dyn FnMut(&(dyn Dump + Sync)) -> Result<()>) -> Result<()> {
    ///         v(&self.0)?;
    ///         v(&self.1)
    ///     }
    /// }
    ///
    /// let mut pages = Values::from_rows([P(1, "a"), P(2, "b"), P(3, "c")]).unwrap().page_size(2);
    /// assert_eq!(pages.next().unwrap().unwrap().render().unwrap().text(), "($1, $2), ($3, $4)");
    /// assert_eq!(pages.next().unwrap().unwrap().render().unwrap().text(), "($1, $2)");
    /// assert!(pages.next().is_none());
    /// ```
    pub fn from_rows<R: ToRow>(rows: impl IntoIterator<Item = R>) -> Result<Values<DumpedRows>> {
        Values::from_rows_with(rows, Adapters::global().policy())
    }

    /// [`from_rows`](Self::from_rows) under `policy`.
    pub fn from_rows_with<R: ToRow>(
        rows: impl IntoIterator<Item = R>,
        policy: &Policy,
    ) -> Result<Values<DumpedRows>> {
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                Dumped::row(&row, policy)
                    .map(|values| values.into_iter().map(bind).collect())
                    .map_err(|e| e.in_context(&format!("row {i}")))
            })
            .collect::<Result<Vec<Vec<Bound<'static>>>>>()?;
        Ok(Values::new(rows))
    }
}

impl<I> Iterator for Values<I>
where
    I: Iterator,
    I::Item: IntoIterator,
    <I::Item as IntoIterator>::Item: Composable + 'static,
{
    type Item = Result<Composed<'static>>;

    fn next(&mut self) -> Option<Result<Composed<'static>>> {
        let mut page = Composed::new();
        let mut rows = 0;
        let mut params = 0;
        while rows < self.page_size {
            let Some(row) = self.next_row() else { break };
            let n = row.param_count_upper_bound();
            if params + n > self.max_params {
                if rows == 0 {
                    return Some(Err(Error::new(
                        ErrorKind::Format,
                        format!(
                            "one VALUES row has {n} parameters, over the limit of {}",
                            self.max_params
                        ),
                    )));
                }
                self.pending = Some(row);
                break;
            }
            if rows > 0 {
                page.push_sql(", ");
            }
            page.push(row);
            rows += 1;
            params += n;
        }
        (rows > 0).then_some(Ok(page))
    }
}
