//! [`LentRows`]: rows lent to a callback, decoded into row types that borrow
//! from the driver's buffer.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use crate::Adapters;
use crate::row::{Column, Columns, FromRow, RawRow};

use super::rows::decode_from_row;

/// The row type of a query whose rows are lent ([`LentRows`]) rather than
/// decoded by the session: it reads nothing, so any result fits, and the
/// statement's report still counts its rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lent;

impl super::RowType for Lent {
    type Plan = ();

    fn plan(_: &[Column], _: &Adapters) -> crate::Result<()> {
        Ok(())
    }

    #[inline]
    fn decode<R: RawRow + ?Sized>(_: &(), _: &R) -> crate::Result<Lent> {
        Ok(Lent)
    }
}

/// Rows lent to a callback one at a time, decoded into row types that
/// borrow from them (`&str`, `&[u8]`, [`RawJson`](crate::types::RawJson),
/// derived structs with lifetimes): nothing is copied out of the driver's
/// buffer. Each row type is planned once per result, on its first row.
///
/// What the adapters' `for_each` verbs hand their callback.
///
/// ```
/// use pgcast_core::exec::LentRows;
/// use pgcast_core::row::Column;
/// use pgcast_core::{Adapters, Format, Type};
///
/// let columns = [Column::new("name", Type::TEXT, Format::Binary), Column::new("n", Type::INT4, Format::Binary)];
/// let lent = LentRows::new(columns.to_vec(), Adapters::global());
/// let raw: [Option<&[u8]>; 2] = [Some(b"ann"), Some(&[0, 0, 0, 7])];
/// let row = lent.row(&raw[..]);
/// let (name, n): (&str, i32) = row.decode().unwrap();
/// assert_eq!((name, n), ("ann", 7));
/// assert_eq!(row.columns()[0].name, "name");
/// ```
pub struct LentRows {
    columns: Arc<[Column]>,
    scope: Adapters,
    /// Plans made so far.
    plans: RefCell<Vec<(PlanKey, KeptPlan)>>,
}

/// A row type's name and its plan's type.
type PlanKey = (&'static str, TypeId);

/// A plan of some row type.
type KeptPlan = Box<dyn Any + Send + Sync>;

impl LentRows {
    /// Rows with these columns, decoded in `scope`.
    pub fn new(columns: impl Into<Arc<[Column]>>, scope: Adapters) -> LentRows {
        LentRows {
            columns: columns.into(),
            scope,
            plans: RefCell::new(Vec::new()),
        }
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// One row, lent.
    pub fn row<'r, R: RawRow + ?Sized>(&'r self, row: &'r R) -> LentRow<'r, R> {
        LentRow { row, rows: self }
    }

    /// `row` as `T`, with `T`'s plan made on its first row and kept.
    fn decode<'r, T: FromRow<'r>, R: RawRow + ?Sized>(&self, row: &'r R) -> crate::Result<T> {
        // Row types that differ only in lifetimes share a plan; the name
        // keeps two row types with the same plan type apart. Per row: an
        // integer compare, then (the same `&'static str`) a pointer compare,
        // and no reference count touched.
        let key = (std::any::type_name::<T>(), TypeId::of::<T::Plan>());
        {
            let plans = self.plans.borrow();
            let found = plans.iter().find(|((name, id), _)| {
                *id == key.1 && (std::ptr::eq(*name, key.0) || *name == key.0)
            });
            if let Some((_, plan)) = found {
                return decode_from_row(&**plan, row);
            }
        }
        let plan = T::plan(&Columns::new(&self.columns, &self.scope))?;
        let value = T::from_row(&plan, row);
        self.plans.borrow_mut().push((key, Box::new(plan)));
        value
    }
}

impl fmt::Debug for LentRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LentRows")
            .field("columns", &self.columns)
            .finish()
    }
}

/// One row lent by [`LentRows`]: decode it into any [`FromRow`] type,
/// borrowing from the row for `'r`.
pub struct LentRow<'r, R: ?Sized> {
    row: &'r R,
    rows: &'r LentRows,
}

impl<'r, R: RawRow + ?Sized> LentRow<'r, R> {
    /// The row as `T`, which may borrow from it.
    pub fn decode<T: FromRow<'r>>(&self) -> crate::Result<T> {
        self.rows.decode(self.row)
    }

    /// The columns.
    pub fn columns(&self) -> &'r [Column] {
        &self.rows.columns
    }

    /// The raw value of column `index`; `None` for NULL.
    pub fn raw(&self, index: usize) -> crate::Result<Option<&'r [u8]>> {
        self.row.raw(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, Type};

    #[derive(Debug, PartialEq)]
    struct Named<'r> {
        name: &'r str,
    }

    impl<'r> FromRow<'r> for Named<'r> {
        type Plan = crate::row::ColumnPlan;

        fn plan(columns: &Columns<'_>) -> crate::Result<Self::Plan> {
            columns.column::<&str>("name", <&str as crate::Load>::check)
        }

        fn from_row<R: RawRow + ?Sized>(plan: &Self::Plan, row: &'r R) -> crate::Result<Self> {
            Ok(Named {
                name: plan.load(row)?,
            })
        }
    }

    #[test]
    fn each_row_type_is_planned_once_and_borrows_from_the_row() {
        let columns = [
            Column::new("name", Type::TEXT, Format::Binary),
            Column::new("n", Type::INT4, Format::Binary),
        ];
        let lent = LentRows::new(columns.to_vec(), Adapters::global());
        let rows: [[Option<&[u8]>; 2]; 2] =
            [[Some(b"ann"), Some(&[0, 0, 0, 1])], [Some(b"bob"), None]];
        let mut seen = Vec::new();
        for raw in &rows {
            let row = lent.row(&raw[..]);
            let named: Named<'_> = row.decode().unwrap();
            let (name, n): (&str, Option<i32>) = row.decode().unwrap();
            assert_eq!(named.name, name);
            seen.push((name.to_owned(), n));
        }
        assert_eq!(seen, [("ann".into(), Some(1)), ("bob".into(), None)]);
        assert_eq!(lent.plans.borrow().len(), 2, "one plan per row type");
        // A row type that does not fit is the same error a fetch gives.
        let row = lent.row(&rows[1][..]);
        let err = row.decode::<(&str, i32)>().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::UnexpectedNull, "{err}");
        assert!(row.decode::<(i32, i32)>().is_err());
    }
}
