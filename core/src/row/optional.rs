//! Optional row types: a flattened `Option<T>` (the other side of a LEFT
//! JOIN) and the child of a `many` field, told apart from a broken row by
//! the NULLs in `T`'s columns.

use std::fmt::Write as _;

use super::{ColumnPlan, Columns, FromRow, RawRow};
use crate::{Error, ErrorKind, Load, Result};

/// One column a row type's plan reads, as [`FromRow::columns_read`] lists
/// it: where it is, its name (for errors), and whether NULL is a value of
/// the field that reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnRead {
    /// The column's position in the row.
    pub index: usize,
    /// The column's name.
    pub name: String,
    /// Whether the field reading it takes NULL (an `Option`, `json(nullable)`,
    /// a `with` loader); a NULL in a column that is not nullable makes the
    /// row broken unless every column of the row type is NULL.
    pub nullable: bool,
}

impl ColumnRead {
    /// The column of `plan`, read as `T`: nullable if `T` loads SQL NULL.
    pub fn of<'r, T: Load<'r>>(plan: &ColumnPlan) -> ColumnRead {
        ColumnRead::new(plan, T::load_null(&plan.ctx()).is_ok())
    }

    /// The column of `plan`, nullable or not as the caller knows.
    pub fn new(plan: &ColumnPlan, nullable: bool) -> ColumnRead {
        ColumnRead {
            index: plan.index(),
            name: plan.name().to_owned(),
            nullable,
        }
    }
}

/// The plan of a row type read as optional: `T`'s plan, and the columns to
/// test for NULL before decoding it.
///
/// A row whose every column of `T` is NULL (a LEFT JOIN without a match)
/// reads as `None`; a row where some are NULL, one of them a column `T`
/// cannot take NULL in, is an [`UnexpectedNull`](ErrorKind::UnexpectedNull)
/// error naming every such column; any other row decodes `T`. The derive
/// uses it for `#[pg(flatten)]` fields of type `Option<T>` and for
/// `#[pg(many)]` fields.
///
/// ```
/// use pgcast_core::row::{Column, Columns, OptionalPlan};
/// use pgcast_core::{Format, Policy, Type};
///
/// // a LEFT JOIN's right side: a book (id, note) or none
/// let desc = [
///     Column::new("book_id", Type::INT8, Format::Text),
///     Column::new("book_note", Type::TEXT, Format::Text),
/// ];
/// type Book = (i64, Option<String>);
/// let book = OptionalPlan::new::<Book>(&Columns::with_policy(&desc, &Policy::DEFAULT)).unwrap();
///
/// let matched: [Option<&[u8]>; 2] = [Some(b"7"), None];
/// assert_eq!(book.load::<Book, _>(&matched[..]).unwrap(), Some((7, None)));
///
/// let unmatched: [Option<&[u8]>; 2] = [None, None];
/// assert_eq!(book.load::<Book, _>(&unmatched[..]).unwrap(), None);
///
/// let broken: [Option<&[u8]>; 2] = [None, Some(b"x")];
/// let err = book.load::<Book, _>(&broken[..]).unwrap_err();
/// assert!(err.to_string().starts_with(
///     "unexpected NULL: NULL in \"book_id\" (index 0), which the row type cannot take, \
///      while other columns of it are not NULL; either all of its columns are NULL (no row) \
///      or none it needs (column \"book_id\" (index 0), Rust type ("
/// ));
/// ```
#[derive(Clone, Debug)]
pub struct OptionalPlan<P> {
    inner: P,
    /// Every column `T` reads (a row is absent when all are NULL).
    columns: Box<[usize]>,
    /// The columns `T` cannot take NULL in, by name.
    required: Box<[ColumnRead]>,
}

impl<P> OptionalPlan<P> {
    /// Plans `T` against `columns` and lists its columns. An error if `T`
    /// does not list them or reads none (nothing would tell an absent row
    /// from a present one).
    pub fn new<'r, T: FromRow<'r, Plan = P>>(columns: &Columns<'_>) -> Result<OptionalPlan<P>> {
        let inner = T::plan(columns)?;
        let mut read = Vec::new();
        T::columns_read(&inner, &mut read)?;
        if read.is_empty() {
            return Err(Error::new(
                ErrorKind::WrongType,
                "the row type reads no columns, so nothing tells an absent row from a present one",
            )
            .with_rust_type::<T>());
        }
        let mut all: Vec<usize> = read.iter().map(|c| c.index).collect();
        all.sort_unstable();
        all.dedup();
        let required = read.into_iter().filter(|c| !c.nullable).collect();
        Ok(OptionalPlan {
            inner,
            columns: all.into(),
            required,
        })
    }

    /// `T`'s own plan.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// Lists the columns, every one nullable: the optional row type takes
    /// NULL in all of them. For an enclosing optional row type.
    pub fn columns_read(&self, out: &mut Vec<ColumnRead>) {
        // The names are only needed for required columns, and none is.
        out.extend(self.columns.iter().map(|&index| ColumnRead {
            index,
            name: String::new(),
            nullable: true,
        }));
    }

    /// `None` if every column of `T` is NULL in `row`, else `T` decoded;
    /// an error if a column `T` needs is NULL while others are not.
    #[inline]
    pub fn load<'r, T, R>(&self, row: &'r R) -> Result<Option<T>>
    where
        T: FromRow<'r, Plan = P>,
        R: RawRow + ?Sized,
    {
        let mut nulls = 0;
        for &index in self.columns.iter() {
            if row.raw(index)?.is_none() {
                nulls += 1;
            }
        }
        if nulls == self.columns.len() {
            return Ok(None);
        }
        if nulls > 0 {
            self.check_required::<T, R>(row)?;
        }
        T::from_row(&self.inner, row).map(Some)
    }

    /// [`load`](Self::load) as a `Vec` of no or one value: the rows of a
    /// `many` field, before grouping.
    #[inline]
    pub fn load_many<'r, T, R>(&self, row: &'r R) -> Result<Vec<T>>
    where
        T: FromRow<'r, Plan = P>,
        R: RawRow + ?Sized,
    {
        Ok(self.load(row)?.into_iter().collect())
    }

    #[cold]
    fn check_required<'r, T: FromRow<'r>, R: RawRow + ?Sized>(&self, row: &R) -> Result<()> {
        let mut missing = Vec::new();
        for column in self.required.iter() {
            if row.raw(column.index)?.is_none() {
                missing.push(column);
            }
        }
        let Some(first) = missing.first() else {
            return Ok(());
        };
        let mut names = String::new();
        for (i, column) in missing.iter().enumerate() {
            if i > 0 {
                names.push_str(", ");
            }
            let _ = write!(names, "\"{}\" (index {})", column.name, column.index);
        }
        Err(Error::new(
            ErrorKind::UnexpectedNull,
            format!(
                "NULL in {names}, which the row type cannot take, while other columns of it \
                 are not NULL; either all of its columns are NULL (no row) or none it needs"
            ),
        )
        .with_column(first.index, &first.name)
        .with_rust_type::<T>())
    }
}
