//! sqlx's own `Type` / `Encode` / `Decode` impls through pgcast: what a
//! sqlx user already has (`#[derive(sqlx::Type)]` enums, `sqlx::types::Json`,
//! chrono, bigdecimal, …) bound and loaded without writing pgcast impls.
//!
//! - **Binding**: [`SqlxValue`] is a pgcast [`Dump`] that encodes through
//!   sqlx's `Encode`, as the type sqlx's `Type` gives: built-in types by OID;
//!   types sqlx knows by name only (`PgTypeInfo::with_name("mood")`,
//!   `array_of("mood")`) are resolved through the session's scope, fetched
//!   from the catalogue on first use, as pgcast's own derived enums are.
//! - **Loading**: [`SqlxExt`]'s verbs (`fetch_all_sqlx`, `fetch_one_sqlx`,
//!   `fetch_optional_sqlx`, `fetch_scalar_sqlx`) run a composed query as
//!   every other verb does and decode each row with sqlx's `FromRow` (a
//!   tuple of sqlx types, a `#[derive(sqlx::FromRow)]` struct) or a column
//!   with sqlx's `Decode`, from the `PgRow` sqlx received.
//!
//! Why loading is a verb and not a field type (`SqlxValue<T>` inside a
//! `#[derive(pgcast::FromRow)]` struct): pgcast hands a loader a value's
//! bytes, while sqlx's `Decode` takes a `PgValueRef`, which sqlx-postgres
//! 0.8 makes only from its own rows (`Row::try_get_raw`): it has no public
//! constructor, and neither has `PgValue`, `PgRow` or `PgRecordDecoder`
//! (which decodes from a `PgValueRef` itself). Building one from bytes would
//! take `unsafe` or sqlx's private API. So a row with sqlx-decoded fields
//! is read through the verbs, where the `PgRow` is at hand; for single
//! values inside pgcast rows, cast in SQL to a type pgcast loads (an enum
//! as `text` or a derived `PgEnum`, `json` as `serde_json::Value` or
//! `#[pg(json)]`).

use std::future::Future;
use std::ops::ControlFlow;

use bytes::BytesMut;
use pgcast_core::exec::{Exec, Record, expect_one};
use pgcast_core::sql::Composable;
use pgcast_core::{Ctx, Dump, ErrorKind, Format, IsNull, Kind, Policy, StaticType, Type};
use sqlx::postgres::{PgArgumentBuffer, PgRow, PgTypeInfo, Postgres};
use sqlx::{Row, TypeInfo as _};

use crate::Result;
use crate::client::{Conn, Overlay, sessions};
use crate::run::{Statement, drive_raw};
use crate::wire::error;

/// A value of a type with sqlx `Type` + `Encode` impls, bound as a pgcast
/// parameter (`bind(SqlxValue(v))`, or `{v}` in `sql!` with `v` a
/// `SqlxValue`): encoded by sqlx, in binary, as the type sqlx names.
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::{Ctx, Dump, Policy, Type};
/// use pgcast_sqlx::SqlxValue;
///
/// let v = SqlxValue(sqlx::types::Json(vec![1, 2]));
/// assert_eq!(v.pg_type(&Policy::DEFAULT), Type::JSONB);
/// let mut out = BytesMut::new();
/// v.dump(&Ctx::binary(&Type::JSONB), &mut out).unwrap();
/// assert_eq!(&out[..], b"\x01[1,2]");
/// // sqlx writes binary only
/// assert!(v.dump(&Ctx::text(&Type::JSONB), &mut out).is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SqlxValue<T>(pub T);

/// pgcast's type for a sqlx type: a built-in by its OID; one known by name
/// only as a named type the session resolves (`schema.name`, `public` when
/// unqualified; an array `x[]` as its catalogue name `_x`); an OID pgcast
/// does not know as that OID.
pub fn pg_type_of(ty: &PgTypeInfo) -> Type {
    if let Some(oid) = ty.oid() {
        return Type::from_oid(oid.0).unwrap_or_else(|| {
            Type::new(ty.name().to_owned(), oid.0, Kind::Simple, String::new())
        });
    }
    let name = ty.name();
    let (name, array) = match name.strip_suffix("[]") {
        Some(elem) => (elem, true),
        None => (name, false),
    };
    let (schema, name) = match name.rsplit_once('.') {
        Some((schema, name)) => (schema, name),
        None => ("public", name),
    };
    let name = if array {
        format!("_{name}")
    } else {
        name.to_owned()
    };
    // Named, without an OID: the session resolves it by name (the kind
    // only marks it as such; the catalogue says what it is).
    Type::new(name, 0, Kind::Enum(Vec::new()), schema.to_owned())
}

fn binary_only<T>(ctx: &Ctx<'_>) -> pgcast_core::Result<()> {
    match ctx.format {
        Format::Binary => Ok(()),
        Format::Text => Err(pgcast_core::Error::new(
            ErrorKind::WrongType,
            "sqlx's Encode writes binary format only, and this value is wanted as text (a \
             literal, or text COPY): bind it as a parameter, or use a pgcast type",
        )
        .with_pg_type(ctx.ty)
        .with_rust_type::<T>()),
    }
}

/// A domain's base type (through nested domains); any other type itself.
fn base(ty: &Type) -> &Type {
    match ty.kind() {
        Kind::Domain(b) => base(b),
        _ => ty,
    }
}

impl<T> Dump for SqlxValue<T>
where
    T: for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>,
{
    fn pg_type(&self, _: &Policy) -> Type {
        pg_type_of(&self.0.produces().unwrap_or_else(T::type_info))
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> pgcast_core::Result<IsNull> {
        binary_only::<T>(ctx)?;
        let sqlx_type = self.0.produces().unwrap_or_else(T::type_info);
        let target = base(ctx.ty);
        // A type sqlx names by OID must be the one the statement takes (or
        // one sqlx calls compatible): sqlx's bytes are for its own type.
        if let Some(oid) = sqlx_type.oid()
            && oid.0 != target.oid()
            && target.oid() != 0
            && !T::compatible(&PgTypeInfo::with_oid(sqlx::postgres::types::Oid(
                target.oid(),
            )))
        {
            return Err(pgcast_core::Error::wrong_type::<T>(ctx.ty));
        }
        let mut buf = PgArgumentBuffer::default();
        let null = self.0.encode_by_ref(&mut buf).map_err(|e| {
            pgcast_core::Error::custom(e)
                .with_pg_type(ctx.ty)
                .with_rust_type::<T>()
        })?;
        if null.is_null() {
            return Ok(IsNull::Yes);
        }
        let start = out.len();
        out.extend_from_slice(&buf);
        // sqlx leaves the element type of an array of a type it knows by
        // name as 0, to fill in once its connection resolved the name;
        // the session resolved it here.
        if let Kind::Array(elem) = target.kind()
            && out.len() >= start + 12
            && out[start + 8..start + 12] == [0, 0, 0, 0]
        {
            out[start + 8..start + 12].copy_from_slice(&base(elem).oid().to_be_bytes());
        }
        Ok(IsNull::No)
    }
}

impl<T> StaticType for SqlxValue<T>
where
    T: for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>,
{
    fn static_type(_: &Policy) -> Type {
        pg_type_of(&T::type_info())
    }
}

/// One column decoded by sqlx (what `fetch_scalar_sqlx` reads).
struct Scalar<T>(T);

impl<'r, T> sqlx::FromRow<'r, PgRow> for Scalar<T>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    fn from_row(row: &'r PgRow) -> std::result::Result<Self, sqlx::Error> {
        row.try_get(0).map(Scalar)
    }
}

/// Runs `query` as a command (no column asked for as text: sqlx decodes
/// what the server sends) and hands each `PgRow` to `on_row`.
async fn each_row<C, F>(
    conn: &mut C,
    query: impl Composable + Send + Sync,
    on_row: F,
) -> Result<u64>
where
    C: Conn + ?Sized,
    F: FnMut(&PgRow) -> ControlFlow<()> + Send,
{
    let overlay = Overlay::of(&*conn);
    let mut held = conn.hold().await?;
    let (session, base) = sessions(&mut held, &overlay).await?;
    let mut exec = Exec::<Statement, Record>::command(&session, query)?;
    let n = drive_raw(&mut held, &base, &mut exec, on_row).await?;
    exec.done();
    Ok(n)
}

/// Rows decoded by sqlx's `FromRow`, with the query for errors.
async fn rows_sqlx<C, R>(
    conn: &mut C,
    query: impl Composable + Send + Sync,
    most: Option<usize>,
) -> Result<Vec<R>>
where
    C: Conn + ?Sized,
    R: for<'r> sqlx::FromRow<'r, PgRow> + Send,
{
    let mut out = Vec::new();
    let mut failed = None;
    each_row(conn, query, |row| match R::from_row(row) {
        Ok(v) => {
            out.push(v);
            if most.is_some_and(|m| out.len() >= m) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
        Err(e) => {
            failed = Some(e);
            ControlFlow::Break(())
        }
    })
    .await?;
    match failed {
        Some(e) => Err(error(e)),
        None => Ok(out),
    }
}

/// Loading through sqlx's own `Decode` and `FromRow`, for every [`Conn`]:
/// a composed query (bound values, named placeholders, identifiers) runs as
/// with [`ClientExt`](crate::ClientExt) (the session's strategy, unseen
/// types fetched first), and each row sqlx received is decoded by sqlx.
/// Use it for types with sqlx impls and no pgcast ones; pgcast's own
/// verbs decode faster (a plan per statement).
///
/// ```no_run
/// # async fn f(conn: &mut sqlx::PgConnection) -> pgcast_sqlx::Result<()> {
/// use pgcast::sql;
/// use pgcast_sqlx::SqlxExt;
///
/// #[derive(sqlx::Type, Debug, PartialEq)]
/// #[sqlx(type_name = "mood", rename_all = "lowercase")]
/// enum Mood { Happy, Sad }
///
/// let name = "ann";
/// let mood: Mood = conn.fetch_scalar_sqlx(&sql!("SELECT mood FROM people WHERE name = {name}")).await?;
/// let rows: Vec<(String, sqlx::types::Json<serde_json::Value>)> =
///     conn.fetch_all_sqlx(&sql!("SELECT name, prefs FROM people")).await?;
/// # Ok(()) }
/// ```
pub trait SqlxExt: Conn {
    /// Every row, decoded by sqlx's `FromRow` (a tuple of sqlx types, a
    /// `#[derive(sqlx::FromRow)]` struct).
    fn fetch_all_sqlx<R>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Vec<R>>> + Send
    where
        R: for<'r> sqlx::FromRow<'r, PgRow> + Send,
    {
        rows_sqlx(self, query, None)
    }

    /// Exactly one row, decoded by sqlx's `FromRow`; an error of kind
    /// [`NoRows`](crate::ErrorKind::NoRows) or
    /// [`TooManyRows`](crate::ErrorKind::TooManyRows) otherwise.
    fn fetch_one_sqlx<R>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<R>> + Send
    where
        R: for<'r> sqlx::FromRow<'r, PgRow> + Send,
    {
        async move {
            let text = query_text(&query);
            let row = one_sqlx(self, query, false).await?;
            pgcast_core::exec::exactly_one(row, &text)
        }
    }

    /// At most one row, decoded by sqlx's `FromRow`.
    fn fetch_optional_sqlx<R>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<Option<R>>> + Send
    where
        R: for<'r> sqlx::FromRow<'r, PgRow> + Send,
    {
        one_sqlx(self, query, true)
    }

    /// The first column of exactly one row, decoded by sqlx's `Decode`.
    fn fetch_scalar_sqlx<T>(
        &mut self,
        query: impl Composable + Send + Sync,
    ) -> impl Future<Output = Result<T>> + Send
    where
        T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send,
    {
        async move {
            self.fetch_one_sqlx::<Scalar<T>>(query)
                .await
                .map(|Scalar(v)| v)
        }
    }
}

impl<C: Conn + ?Sized> SqlxExt for C {}

/// The query's text, for errors (empty if it does not render).
fn query_text(query: impl Composable) -> String {
    query
        .render()
        .map(|r| r.text().to_owned())
        .unwrap_or_default()
}

async fn one_sqlx<C, R>(
    conn: &mut C,
    query: impl Composable + Send + Sync,
    at_most: bool,
) -> Result<Option<R>>
where
    C: Conn + ?Sized,
    R: for<'r> sqlx::FromRow<'r, PgRow> + Send,
{
    let mut rows: Vec<R> = rows_sqlx(conn, &query, Some(2)).await?;
    let more = rows.len() > 1;
    rows.truncate(1);
    expect_one(rows.pop(), more, at_most, &query_text(query))
}
