//! What rows decode into: [`RowType`] (any `FromRow` type, [`First`] for
//! the first column, [`Record`] for dynamic values), planned once per result
//! description, then decoded by index from any driver's [`RawRow`]s.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};

use super::observe::{Explain, Observed};
use crate::row::{Column, ColumnPlan, Columns, Description, FromRow, FromRowOwned, RawRow};
use crate::{Adapters, Error, ErrorKind, Format, LoadOwned, Value, ValueLoader};

/// What a query decodes its rows into: planned once per result description
/// (the plan is cached per statement by a session), then decoded row by
/// row with indexed access only.
///
/// Implemented for every owned [`FromRow`] type (derived structs, tuples,
/// scalars), for [`First<T>`] (the first column as any `Load` type) and for
/// [`Record`] (dynamic [`Value`]s). Sealed: other row types come through
/// `FromRow`.
pub trait RowType: Sized + Send + 'static + sealed::Sealed {
    /// What planning resolved.
    type Plan: Clone + Send + Sync + Unpin + 'static;

    /// Plans a result with these columns, under `scope`.
    fn plan(columns: &[Column], scope: &Adapters) -> crate::Result<Self::Plan>;

    /// Decodes one row with a plan made for its result.
    fn decode<R: RawRow + ?Sized>(plan: &Self::Plan, row: &R) -> crate::Result<Self>;

    /// The columns this row type wants as the server's text because it has
    /// no loader for their types (only [`Record`] asks: typed fields say
    /// what to load instead).
    #[doc(hidden)]
    fn text_columns(_columns: &[Column], _scope: &Adapters) -> Vec<usize> {
        Vec::new()
    }
}

mod sealed {
    pub trait Sealed {}
    impl<T: crate::row::FromRowOwned + Send + 'static> Sealed for T {}
    impl<T> Sealed for super::First<T> {}
    impl Sealed for super::Record {}
    impl Sealed for super::super::lend::Lent {}
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

    fn plan(columns: &[Column], scope: &Adapters) -> crate::Result<AnyPlan> {
        let plan = <T as FromRow<'_>>::plan(&Columns::new(columns, scope))?;
        Ok(AnyPlan(Arc::new(plan)))
    }

    #[inline]
    fn decode<R: RawRow + ?Sized>(plan: &AnyPlan, row: &R) -> crate::Result<T> {
        decode_from_row(&*plan.0, row)
    }
}

#[inline]
pub(super) fn decode_from_row<'r, T: FromRow<'r>, R: RawRow + ?Sized>(
    plan: &(dyn Any + Send + Sync),
    row: &'r R,
) -> crate::Result<T> {
    match plan.downcast_ref::<T::Plan>() {
        Some(plan) => T::from_row(plan, row),
        None => Err(
            Error::new(ErrorKind::WrongType, "a row plan made for another row type")
                .with_rust_type::<T>(),
        ),
    }
}

/// The first column of a row, as any [`Load`](crate::Load) type (what the
/// scalar verbs return); other columns are ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct First<T>(pub T);

impl<T: LoadOwned + Send + 'static> RowType for First<T> {
    type Plan = ColumnPlan;

    fn plan(columns: &[Column], scope: &Adapters) -> crate::Result<ColumnPlan> {
        Columns::new(columns, scope).column_at::<T>(0, T::check)
    }

    #[inline]
    fn decode<R: RawRow + ?Sized>(plan: &ColumnPlan, row: &R) -> crate::Result<Self> {
        plan.load(row).map(First)
    }
}

/// One row of dynamic [`Value`]s with its columns: for schema-less work.
///
/// Each column's loader is chosen once per result from the connection's
/// scope (a loader registered there for a custom type wins). A column of a
/// type with no loader at all comes out as the server's text for it, as
/// [`Value::Other`] in text format: the session asks the server for that
/// column's text (`::text`) when it plans the query.
///
/// ```
/// use pgcast_core::exec::{Record, RowType};
/// use pgcast_core::row::Column;
/// use pgcast_core::{Adapters, Format, Type, Value};
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
    policy: crate::Policy,
    /// The scope, when it registers loaders (they apply to nested values).
    scope: Option<Adapters>,
}

impl RowType for Record {
    type Plan = RecordPlan;

    fn plan(columns: &[Column], scope: &Adapters) -> crate::Result<RecordPlan> {
        Ok(RecordPlan {
            columns: columns.into(),
            loaders: columns.iter().map(|c| scope.value_loader(&c.ty)).collect(),
            policy: *scope.policy(),
            scope: scope.has_loaders().then(|| scope.clone()),
        })
    }

    fn decode<R: RawRow + ?Sized>(plan: &RecordPlan, row: &R) -> crate::Result<Record> {
        let mut values = Vec::with_capacity(plan.columns.len());
        for (index, (column, loader)) in plan.columns.iter().zip(plan.loaders.iter()).enumerate() {
            let ctx = crate::Ctx {
                ty: &column.ty,
                format: column.format,
                policy: &plan.policy,
                scope: plan.scope.as_ref(),
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

    fn text_columns(columns: &[Column], scope: &Adapters) -> Vec<usize> {
        columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.format == Format::Binary && !scope.has_value_loader(&c.ty))
            .map(|(i, _)| i)
            .collect()
    }
}

/// A [`RowType`] plan with its row type, ready to decode raw rows.
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
    pub fn new(columns: &[Column], scope: &Adapters) -> crate::Result<Decoder<T>> {
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

    /// Decodes a raw row.
    #[inline]
    pub fn decode<R: RawRow + ?Sized>(&self, row: &R) -> crate::Result<T> {
        T::decode(&self.plan, row)
    }
}

/// Makes the decoder of a result from its columns, once the first row shows
/// them.
pub(crate) type Planner<T> = Box<dyn FnOnce(&dyn Description) -> crate::Result<Decoder<T>> + Send>;

enum Plan<T: RowType> {
    Ready(Decoder<T>),
    /// Planned from the first row's columns (a result sent in one round
    /// trip, whose description comes with its rows).
    Later(Option<Planner<T>>),
}

/// The rows of one result as they arrive: the decoder, the query (for
/// errors) and the count of rows seen, so that an error names its row.
///
/// A statement watched by a logger or a span is reported when its rows end
/// ([`finish`](Self::finish)) or, at the latest, when they are dropped.
pub struct Rows<T: RowType> {
    plan: Plan<T>,
    query: Arc<str>,
    seen: u64,
    affected: Option<u64>,
    observed: Mutex<Option<Box<Observed>>>,
    /// Bytes of the values decoded, counted while someone watches.
    bytes: Option<u64>,
}

impl<T: RowType> Rows<T> {
    /// Rows of `query` decoded with `decoder`.
    pub fn new(decoder: Decoder<T>, query: &str) -> Rows<T> {
        Rows::shared(decoder, query.into())
    }

    /// Rows of `query` (shared, not copied) decoded with `decoder`.
    pub(crate) fn shared(decoder: Decoder<T>, query: Arc<str>) -> Rows<T> {
        Rows {
            plan: Plan::Ready(decoder),
            query,
            seen: 0,
            affected: None,
            observed: Mutex::new(None),
            bytes: None,
        }
    }

    pub(crate) fn later(planner: Planner<T>, query: Arc<str>) -> Rows<T> {
        Rows {
            plan: Plan::Later(Some(planner)),
            query,
            seen: 0,
            affected: None,
            observed: Mutex::new(None),
            bytes: None,
        }
    }

    /// These rows, reporting the statement `observed` when they end.
    pub(crate) fn observed(mut self, observed: Option<Box<Observed>>) -> Rows<T> {
        self.bytes = observed.as_ref().map(|_| 0);
        *self
            .observed
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = observed;
        self
    }

    fn take_observed(&mut self) -> Option<Box<Observed>> {
        let bytes = self.bytes.unwrap_or(0);
        let mut observed = self
            .observed
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(o) = observed.as_mut() {
            o.set_bytes(bytes);
        }
        observed
    }

    /// The rows ended (or no more are wanted); `affected`: the count the
    /// driver gives, if any (else the rows decoded). Reports the statement,
    /// or returns the plan to fetch first for a slow report (see
    /// [`Explain`]; dropping it reports without the plan). Reports once:
    /// later calls do nothing.
    pub fn finish(&mut self, affected: Option<u64>) -> Option<Explain> {
        let rows = affected.or(self.affected).unwrap_or(self.seen);
        self.take_observed().and_then(|o| o.finish(rows, true))
    }

    /// The rows ended and the driver says the statement affected
    /// `affected` rows: the count [`finish`](Self::finish) reports later.
    pub fn set_affected(&mut self, affected: Option<u64>) {
        self.affected = affected;
    }

    fn fail(&self, e: super::Error) -> super::Error {
        let mut observed = self.observed.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(o) = observed.as_mut() {
            o.failed(&e);
        }
        e
    }

    /// Decodes the next row; an error names the row and the query.
    /// `columns` describes the row: asked for only if the result was not
    /// planned yet (at the first row of a result sent in one round trip),
    /// and copied only if no plan was made for it before.
    #[inline]
    pub fn decode<R: RawRow + ?Sized, D: Description>(
        &mut self,
        row: &R,
        columns: impl FnOnce() -> D,
    ) -> super::Result<T> {
        let n = self.seen;
        self.seen += 1;
        if let Some(bytes) = &mut self.bytes {
            *bytes += row.byte_len();
        }
        if let Plan::Later(planner) = &mut self.plan {
            let made = match planner.take() {
                Some(plan) => plan(&columns()),
                None => Err(Error::new(
                    ErrorKind::WrongType,
                    "the result could not be planned",
                )),
            };
            match made {
                Ok(decoder) => self.plan = Plan::Ready(decoder),
                Err(e) => return Err(self.fail(super::Error::from(e).with_query(&self.query))),
            }
        }
        let Plan::Ready(decoder) = &self.plan else {
            return Err(super::Error::message(
                super::ErrorKind::Adapt(ErrorKind::WrongType),
                "the result could not be planned",
            ));
        };
        match decoder.decode(row) {
            Ok(row) => Ok(row),
            Err(e) => Err(self.fail(super::Error::from(e).with_row(n).with_query(&self.query))),
        }
    }

    /// The query, for error reports.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The rows decoded so far.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// An error of the driver while rows were read, with the query.
    pub fn driver_error(&self, e: impl Into<super::Error>) -> super::Error {
        self.fail(e.into().with_query(&self.query))
    }
}

impl<T: RowType> Drop for Rows<T> {
    fn drop(&mut self) {
        drop(self.finish(None));
    }
}

impl<T: RowType> fmt::Debug for Rows<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rows")
            .field("query", &self.query)
            .field("seen", &self.seen)
            .finish()
    }
}

/// The rows of an iterator checked for "exactly one" or "at most one"
/// ([`expect_one`]), reading at most two.
pub fn one_of<T>(
    mut rows: impl Iterator<Item = super::Result<T>>,
    at_most: bool,
    query: &str,
) -> super::Result<Option<T>> {
    let first = rows.next().transpose()?;
    let more = first.is_some() && rows.next().transpose()?.is_some();
    expect_one(first, more, at_most, query)
}

/// Exactly one row, as [`expect_one`] checks it.
pub fn exactly_one<T>(row: Option<T>, query: &str) -> super::Result<T> {
    row.ok_or_else(|| {
        super::Error::message(super::ErrorKind::NoRows, "the query returned no rows")
            .with_query(query)
    })
}

/// Checks "exactly one" or "at most one" row: `first` is the first row
/// (if any), `more` whether another followed.
///
/// ```
/// use pgcast_core::exec::{ErrorKind, expect_one};
///
/// assert_eq!(expect_one(Some(1), false, false, "q").unwrap(), Some(1));
/// assert_eq!(expect_one::<i32>(None, false, true, "q").unwrap(), None);
/// assert_eq!(expect_one::<i32>(None, false, false, "q").unwrap_err().kind(), ErrorKind::NoRows);
/// assert_eq!(expect_one(Some(1), true, true, "q").unwrap_err().kind(), ErrorKind::TooManyRows);
/// ```
pub fn expect_one<T>(
    first: Option<T>,
    more: bool,
    at_most: bool,
    query: &str,
) -> super::Result<Option<T>> {
    match (first, more) {
        (Some(_), true) => Err(super::Error::message(
            super::ErrorKind::TooManyRows,
            "the query returned more than one row",
        )
        .with_query(query)),
        (None, _) if !at_most => Err(super::Error::message(
            super::ErrorKind::NoRows,
            "the query returned no rows",
        )
        .with_query(query)),
        (first, _) => Ok(first),
    }
}
