//! [`FromRow`]: a Rust type built from one row, through a plan made once per
//! result; its impls for tuples and single scalars.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};
use uuid::Uuid;

use super::{ColumnPlan, ColumnRead, Columns, RawRow};
use crate::bridge::Pg;
use crate::types::{
    Array, Inet, Infinite, Interval, Json, Lquery, Ltree, MacAddr, MacAddr8, Money, Multirange,
    Numeric, Range, RawJson, RawJsonBuf, TimeTz,
};
use crate::{Error, ErrorKind, Load, Result, Value};

/// A Rust type built from one row of a result.
///
/// Decoding is split in two, so that a result is resolved once and decoded
/// many times:
///
/// - [`plan`](FromRow::plan) runs once per result description: it maps
///   field names (or positions) to column indices and runs each field type's
///   [`Load::check`] with the policy in force. Every mismatch is found here,
///   before any row is read, with an error naming the column.
/// - [`from_row`](FromRow::from_row) runs per row with the plan: indexed
///   access and static [`Load`] calls only.
///
/// Usually derived (`#[derive(FromRow)]` in the `pgcast` crate: named structs
/// map by column name, tuple structs by position). Tuples `(A, B, …)` of up
/// to 16 [`Load`] types map by position, and so do single values of
/// [`Scalar`] types, which read a one-column result.
///
/// The lifetime `'r` is the row's: a field of type `&'r str` borrows from it.
///
/// ```
/// use pgcast_core::row::{Column, Columns, FromRow};
/// use pgcast_core::{Format, Policy, Type};
///
/// let desc = [Column::new("a", Type::TEXT, Format::Text), Column::new("b", Type::INT4, Format::Text)];
/// let plan = <(&str, Option<i32>)>::plan(&Columns::with_policy(&desc, &Policy::DEFAULT)).unwrap();
/// let rows: [[Option<&[u8]>; 2]; 2] = [[Some(b"x"), Some(b"1")], [Some(b"y"), None]];
/// let values: Vec<(&str, Option<i32>)> = rows
///     .iter()
///     .map(|row| FromRow::from_row(&plan, &row[..]))
///     .collect::<Result<_, _>>()
///     .unwrap();
/// assert_eq!(values, [("x", Some(1)), ("y", None)]);
///
/// // planning finds mismatches before any row is read
/// let err = <(&str, bool)>::plan(&Columns::with_policy(&desc, &Policy::DEFAULT)).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "type mismatch: no conversion between these types \
///      (column \"b\" (index 1), PostgreSQL type int4, Rust type bool)"
/// );
/// ```
pub trait FromRow<'r>: Sized {
    /// What planning resolved: column indices with their types, formats and
    /// policy. Owned, so a driver adapter can cache it per statement.
    type Plan: Send + Sync + 'static;

    /// Resolves the row type against a result's columns.
    fn plan(columns: &Columns<'_>) -> Result<Self::Plan>;

    /// Builds a value from one row with a plan made for its result.
    fn from_row<R: RawRow + ?Sized>(plan: &Self::Plan, row: &'r R) -> Result<Self>;

    /// For the children of a `many` field that are parents themselves (a
    /// row type with `#[pg(key)]` fields, [`Grouped`](super::Grouped)):
    /// folds `next` into `self` if it is a row of the same group and gives
    /// back `None`; else gives `next` back. The default folds nothing.
    ///
    /// This is how grouping nests: a parent's `many` field folds each
    /// incoming child into the last one it holds, so grandchildren gather
    /// under their child when the rows are ordered by each level's key.
    fn fold_row(&mut self, next: Self) -> Option<Self> {
        Some(next)
    }

    /// Lists the columns `plan` reads, each with whether a NULL there is a
    /// value of the row type: what a flattened `Option<Self>` field (or a
    /// `many` field) tests to tell a missing row (every column NULL) from a
    /// broken one. Called once per result, at planning.
    ///
    /// Derived types, tuples and scalars list their columns; the default is
    /// an error saying that the type cannot be read as optional.
    ///
    /// ```
    /// use pgcast_core::row::{Column, Columns, FromRow};
    /// use pgcast_core::{Format, Policy, Type};
    ///
    /// let desc = [Column::new("a", Type::INT4, Format::Text), Column::new("b", Type::TEXT, Format::Text)];
    /// let plan = <(i32, Option<String>)>::plan(&Columns::with_policy(&desc, &Policy::DEFAULT)).unwrap();
    /// let mut read = Vec::new();
    /// <(i32, Option<String>)>::columns_read(&plan, &mut read).unwrap();
    /// assert_eq!(read.iter().map(|c| (c.index, c.nullable)).collect::<Vec<_>>(), [(0, false), (1, true)]);
    /// ```
    fn columns_read(plan: &Self::Plan, out: &mut Vec<ColumnRead>) -> Result<()> {
        let _ = (plan, out);
        Err(Error::new(
            ErrorKind::WrongType,
            "the row type does not list the columns it reads (`FromRow::columns_read`), \
             so it cannot be read as optional (`Option<T>` with `flatten`, or `many`)",
        )
        .with_rust_type::<Self>())
    }
}

/// A row type that borrows nothing from the row (`String` fields, not
/// `&str`), for APIs that drop the rows once decoded.
pub trait FromRowOwned: for<'r> FromRow<'r> {}

impl<T> FromRowOwned for T where T: for<'r> FromRow<'r> {}

/// A [`Load`] type that is a whole row by itself: it reads a result of
/// exactly one column, so `SELECT count(*)` loads into `i64`.
///
/// Single values are row types through this marker rather than through an
/// impl per type in a macro: the blanket impl `FromRow for T where T: Scalar`
/// cannot clash with derived impls (a derived type is not `Scalar`), and a
/// codec of your own becomes a row type with one line:
///
/// ```
/// use pgcast_core::row::{Column, Columns, FromRow, Scalar};
/// use pgcast_core::{Ctx, Error, Format, Load, Policy, Result, Type};
///
/// struct Celsius(i32);
///
/// impl Load<'_> for Celsius {
///     fn check(ctx: &Ctx<'_>) -> Result<()> {
///         <i32 as Load>::check(ctx)
///     }
///     fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Self> {
///         i32::load(ctx, raw).map(Celsius)
///     }
/// }
///
/// impl Scalar for Celsius {}
///
/// let desc = [Column::new("t", Type::INT4, Format::Text)];
/// let plan = Celsius::plan(&Columns::with_policy(&desc, &Policy::DEFAULT)).unwrap();
/// let row: [Option<&[u8]>; 1] = [Some(b"21")];
/// assert_eq!(Celsius::from_row(&plan, &row[..]).unwrap().0, 21);
/// ```
///
/// `Option<T>` of a scalar is a scalar, so a nullable aggregate loads into
/// `Option<i64>`.
pub trait Scalar {}

impl<'r, T: Scalar + Load<'r>> FromRow<'r> for T {
    type Plan = ColumnPlan;

    fn plan(columns: &Columns<'_>) -> Result<ColumnPlan> {
        columns.expect_len::<T>(1)?;
        columns.column_at::<T>(0, T::check)
    }

    #[inline]
    fn from_row<R: RawRow + ?Sized>(plan: &ColumnPlan, row: &'r R) -> Result<T> {
        plan.load(row)
    }

    fn columns_read(plan: &ColumnPlan, out: &mut Vec<ColumnRead>) -> Result<()> {
        out.push(ColumnRead::of::<T>(plan));
        Ok(())
    }
}

macro_rules! scalars {
    ($($t:ty),* $(,)?) => {$(
        impl Scalar for $t {}
    )*};
}

scalars!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u32,
    f32,
    f64,
    Numeric,
    Money,
    char,
    String,
    Box<str>,
    &str,
    &[u8],
    Box<[u8]>,
    serde_json::Value,
    RawJson<'_>,
    RawJsonBuf,
    Uuid,
    Inet,
    IpAddr,
    Ipv4Addr,
    Ipv6Addr,
    MacAddr,
    MacAddr8,
    Date,
    Time,
    TimeTz,
    PrimitiveDateTime,
    OffsetDateTime,
    Interval,
    Duration,
    Ltree,
    Lquery,
    BTreeMap<String, Option<String>>,
    Value,
);

#[cfg(feature = "rust_decimal")]
impl Scalar for rust_decimal::Decimal {}
impl<S> Scalar for HashMap<String, Option<String>, S> {}
impl<T> Scalar for Infinite<T> {}
impl<T> Scalar for Range<T> {}
impl<T> Scalar for Multirange<T> {}

impl<const N: usize> Scalar for [u8; N] {}
impl<T> Scalar for Vec<T> {}
impl<T> Scalar for Array<T> {}
impl<T> Scalar for Json<T> {}
impl<T> Scalar for Pg<T> {}
impl<T: Scalar> Scalar for Option<T> {}

macro_rules! tuple_rows {
    ($($len:literal => ($($t:ident $i:tt),+);)+) => {$(
        impl<'r, $($t: Load<'r>),+> FromRow<'r> for ($($t,)+) {
            type Plan = [ColumnPlan; $len];

            fn plan(columns: &Columns<'_>) -> Result<Self::Plan> {
                columns.expect_len::<Self>($len)?;
                Ok([$(columns.column_at::<$t>($i, $t::check)?),+])
            }

            #[inline]
            fn from_row<R: RawRow + ?Sized>(plan: &Self::Plan, row: &'r R) -> Result<Self> {
                Ok(($(plan[$i].load::<$t, R>(row)?,)+))
            }

            fn columns_read(plan: &Self::Plan, out: &mut Vec<ColumnRead>) -> Result<()> {
                $(out.push(ColumnRead::of::<$t>(&plan[$i]));)+
                Ok(())
            }
        }
    )+};
}

tuple_rows! {
    1 => (A 0);
    2 => (A 0, B 1);
    3 => (A 0, B 1, C 2);
    4 => (A 0, B 1, C 2, D 3);
    5 => (A 0, B 1, C 2, D 3, E 4);
    6 => (A 0, B 1, C 2, D 3, E 4, F 5);
    7 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    8 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    9 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    10 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    11 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    12 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
    13 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
    14 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
    15 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
    16 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::Column;
    use crate::{ErrorKind, Format, Policy, Type};

    fn columns(desc: &[Column]) -> Columns<'_> {
        Columns::with_policy(desc, &Policy::DEFAULT)
    }

    #[test]
    fn scalars_take_exactly_one_column() {
        let desc = [
            Column::new("a", Type::INT8, Format::Binary),
            Column::new("b", Type::INT8, Format::Binary),
        ];
        let err = i64::plan(&columns(&desc)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        assert_eq!(
            err.to_string(),
            "type mismatch: the row type takes 1 columns by position; the result has 2 \
             (Rust type i64)"
        );
        let plan = Option::<i64>::plan(&columns(&desc[..1])).unwrap();
        assert_eq!(
            Option::<i64>::from_row(&plan, &[None::<&[u8]>][..]).unwrap(),
            None
        );
        let err = i64::from_row(&plan, &[None::<&[u8]>][..]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedNull);
        assert_eq!(err.column().map(|c| c.name.as_str()), Some("a"));
    }

    #[test]
    fn borrowed_scalars_and_tuples() {
        let desc = [
            Column::new("t", Type::TEXT, Format::Binary),
            Column::new("b", Type::BYTEA, Format::Binary),
        ];
        let plan = <(&str, &[u8])>::plan(&columns(&desc)).unwrap();
        let row = [Some(b"hi".to_vec()), Some(vec![0, 1])];
        let (t, b) = <(&str, &[u8])>::from_row(&plan, &row[..]).unwrap();
        assert_eq!((t, b), ("hi", &[0_u8, 1][..]));
        let plan = <&str>::plan(&columns(&desc[..1])).unwrap();
        assert_eq!(<&str>::from_row(&plan, &row[..]).unwrap(), "hi");
    }

    #[test]
    fn sixteen_columns() {
        let desc: Vec<Column> = (0..16)
            .map(|i| Column::new(format!("c{i}"), Type::INT2, Format::Text))
            .collect();
        type Wide = (
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i16,
            i64,
        );
        let plan = Wide::plan(&columns(&desc)).unwrap();
        let values: Vec<Option<Vec<u8>>> =
            (0..16).map(|i| Some(i.to_string().into_bytes())).collect();
        let row = Wide::from_row(&plan, &values[..]).unwrap();
        assert_eq!((row.0, row.15), (0, 15));
        let err = <(i16, i16)>::plan(&columns(&desc)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        let short = <(i16, i16)>::from_row(&[plan[0].clone(), plan[1].clone()], &values[..1]);
        assert_eq!(short.unwrap_err().kind(), ErrorKind::MissingColumn);
    }
}
