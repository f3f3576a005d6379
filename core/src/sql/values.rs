//! [`Values`]: multi-row `VALUES` lists, paged under the parameter limit.

use super::{Composable, Composed};
use crate::{Error, ErrorKind, Result};

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
    pending: Option<Composed>,
    page_size: usize,
    max_params: usize,
}

impl<I> Values<I>
where
    I: Iterator,
    I::Item: IntoIterator,
    <I::Item as IntoIterator>::Item: Composable,
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

    fn next_row(&mut self) -> Option<Composed> {
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

impl<I> Iterator for Values<I>
where
    I: Iterator,
    I::Item: IntoIterator,
    <I::Item as IntoIterator>::Item: Composable,
{
    type Item = Result<Composed>;

    fn next(&mut self) -> Option<Result<Composed>> {
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
