//! What rows decode into: [`RowType`] (any `FromRow` type, [`First`] for the
//! first column, [`Record`] for dynamic values), planned once per result and
//! decoded by index from the driver's [`Row`]s through [`RowRef`].

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use pgcast_core::bridge::Raw;
use pgcast_core::row::{Column, ColumnPlan, Columns, FromRow, FromRowOwned, RawRow};
use pgcast_core::{Adapters, Error, ErrorKind, Format, LoadOwned, Value, ValueLoader};
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
    #[inline]
    fn raw(&self, index: usize) -> pgcast_core::Result<Option<&[u8]>> {
        match self.0.try_get::<usize, Raw<'_>>(index) {
            Ok(raw) => Ok(raw.0),
            Err(_) => Err(Error::new(
                ErrorKind::MissingColumn,
                format!(
                    "the row has {} values; there is none at index {index}",
                    self.0.len()
                ),
            )),
        }
    }
}

/// The description of a driver result as pgcast [`Column`]s (tokio-postgres
/// receives every value in binary format).
pub fn describe(columns: &[tokio_postgres::Column]) -> Vec<Column> {
    columns
        .iter()
        .map(|c| Column::new(c.name(), c.type_().clone(), Format::Binary))
        .collect()
}

/// What a query decodes its rows into: planned once per result description
/// (the plan is cached per prepared statement), then decoded row by row with
/// indexed access only.
///
/// Implemented for every owned [`FromRow`] type (derived structs, tuples,
/// scalars), for [`First<T>`] (the first column as any `Load` type) and for
/// [`Record`] (dynamic [`Value`]s).
pub trait RowType: Sized + Send + 'static {
    /// What planning resolved.
    type Plan: Clone + Send + Sync + Unpin + 'static;

    /// Plans a result with these columns, under `scope`.
    fn plan(columns: &[Column], scope: &Adapters) -> pgcast_core::Result<Self::Plan>;

    /// Decodes one row with a plan made for its result.
    fn decode<R: RawRow + ?Sized>(plan: &Self::Plan, row: &R) -> pgcast_core::Result<Self>;
}

/// The plan of a [`FromRow`] type, kept as `Any`: a row type's plan type
/// depends on the row lifetime in the trait, so it is recovered per row by a
/// type-id comparison.
#[derive(Clone)]
pub struct AnyPlan(Arc<dyn Any + Send + Sync>);

impl fmt::Debug for AnyPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AnyPlan")
    }
}

impl<T: FromRowOwned + Send + 'static> RowType for T {
    type Plan = AnyPlan;

    fn plan(columns: &[Column], scope: &Adapters) -> pgcast_core::Result<AnyPlan> {
        let plan = <T as FromRow<'_>>::plan(&Columns::new(columns, scope))?;
        Ok(AnyPlan(Arc::new(plan)))
    }

    #[inline]
    fn decode<R: RawRow + ?Sized>(plan: &AnyPlan, row: &R) -> pgcast_core::Result<T> {
        decode_from_row(&*plan.0, row)
    }
}

#[inline]
fn decode_from_row<'r, T: FromRow<'r>, R: RawRow + ?Sized>(
    plan: &(dyn Any + Send + Sync),
    row: &'r R,
) -> pgcast_core::Result<T> {
    match plan.downcast_ref::<T::Plan>() {
        Some(plan) => T::from_row(plan, row),
        None => Err(
            Error::new(ErrorKind::WrongType, "a row plan made for another row type")
                .with_rust_type::<T>(),
        ),
    }
}

/// The first column of a row, as any [`Load`](pgcast_core::Load) type
/// (what `query_scalar_as` returns); other columns are ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct First<T>(pub T);

impl<T: LoadOwned + Send + 'static> RowType for First<T> {
    type Plan = ColumnPlan;

    fn plan(columns: &[Column], scope: &Adapters) -> pgcast_core::Result<ColumnPlan> {
        Columns::new(columns, scope).column_at::<T>(0, T::check)
    }

    #[inline]
    fn decode<R: RawRow + ?Sized>(plan: &ColumnPlan, row: &R) -> pgcast_core::Result<Self> {
        plan.load(row).map(First)
    }
}

/// One row of dynamic [`Value`]s with its columns: for schema-less work.
///
/// Each column's loader is chosen once per result from the connection's
/// scope (a loader registered there for a custom type wins).
///
/// ```
/// use pgcast_core::row::Column;
/// use pgcast_core::{Adapters, Format, Type, Value};
/// use pgcast_tokio_postgres::{Record, RowType};
///
/// let columns = [Column::new("id", Type::INT4, Format::Binary), Column::new("n", Type::TEXT, Format::Binary)];
/// let plan = Record::plan(&columns, &Adapters::global()).unwrap();
/// let row: [Option<&[u8]>; 2] = [Some(&[0, 0, 0, 7]), None];
/// let record = Record::decode(&plan, &row[..]).unwrap();
/// assert_eq!(record.get("id"), Some(&Value::Int4(7)));
/// assert_eq!(record.get("n"), Some(&Value::Null));
/// assert_eq!(record.get("x"), None);
/// assert_eq!(record.columns()[1].name, "n");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    columns: Arc<[Column]>,
    values: Vec<Value>,
}

impl Record {
    /// The columns, shared by every record of the result.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The value of the first column named `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let index = self.columns.iter().position(|c| c.name == name)?;
        self.values.get(index)
    }

    /// The value at `index`.
    pub fn get_at(&self, index: usize) -> Option<&Value> {
        self.values.get(index)
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values, without the columns.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}

/// The plan of a [`Record`]: the columns and one loader per column.
#[derive(Clone, Debug)]
pub struct RecordPlan {
    columns: Arc<[Column]>,
    loaders: Arc<[ValueLoader]>,
    policy: pgcast_core::Policy,
}

impl RowType for Record {
    type Plan = RecordPlan;

    fn plan(columns: &[Column], scope: &Adapters) -> pgcast_core::Result<RecordPlan> {
        Ok(RecordPlan {
            columns: columns.into(),
            loaders: columns.iter().map(|c| scope.value_loader(&c.ty)).collect(),
            policy: *scope.policy(),
        })
    }

    fn decode<R: RawRow + ?Sized>(plan: &RecordPlan, row: &R) -> pgcast_core::Result<Record> {
        let mut values = Vec::with_capacity(plan.columns.len());
        for (index, (column, loader)) in plan.columns.iter().zip(plan.loaders.iter()).enumerate() {
            let ctx = pgcast_core::Ctx {
                ty: &column.ty,
                format: column.format,
                policy: &plan.policy,
            };
            let value = loader
                .load(&ctx, row.raw(index)?)
                .map_err(|e| e.with_column(index, &column.name).with_pg_type(&column.ty))?;
            values.push(value);
        }
        Ok(Record {
            columns: plan.columns.clone(),
            values,
        })
    }
}

/// A [`RowType`] plan with its row type, ready to decode driver rows.
pub struct Decoder<T: RowType> {
    plan: T::Plan,
    _row: PhantomData<fn() -> T>,
}

impl<T: RowType> Clone for Decoder<T> {
    fn clone(&self) -> Self {
        Decoder {
            plan: self.plan.clone(),
            _row: PhantomData,
        }
    }
}

impl<T: RowType> fmt::Debug for Decoder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Decoder")
    }
}

impl<T: RowType> Decoder<T> {
    /// Plans `T` against these columns.
    pub fn new(columns: &[Column], scope: &Adapters) -> pgcast_core::Result<Decoder<T>> {
        T::plan(columns, scope).map(Decoder::from_plan)
    }

    /// A decoder from a plan made earlier.
    pub fn from_plan(plan: T::Plan) -> Decoder<T> {
        Decoder {
            plan,
            _row: PhantomData,
        }
    }

    /// The plan.
    pub fn plan(&self) -> &T::Plan {
        &self.plan
    }

    /// Decodes a driver row.
    #[inline]
    pub fn decode(&self, row: &Row) -> pgcast_core::Result<T> {
        T::decode(&self.plan, &RowRef(row))
    }

    /// Decodes any raw row.
    #[inline]
    pub fn decode_raw<R: RawRow + ?Sized>(&self, row: &R) -> pgcast_core::Result<T> {
        T::decode(&self.plan, row)
    }
}
