//! What sqlx hands over, as the core takes it, and back: a [`PgRow`] as a
//! [`RawRow`], sqlx's column types as pgcast [`Type`]s, its errors as
//! [`Error`]s, pgcast parameters as sqlx arguments.

use bytes::BytesMut;
use pgcast_core::exec::{Arg, Error, ServerReport};
use pgcast_core::row::{Column, RawRow};
use pgcast_core::sql::with_buffer;
use pgcast_core::{Adapters, Ctx, ErrorKind as PgErrorKind, Format, Kind, Oid, Type};
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid as SqlxOid;
use sqlx::postgres::{
    PgArgumentBuffer, PgArguments, PgColumn, PgDatabaseError, PgRow, PgTypeInfo, Postgres,
};
use sqlx::{Arguments, Column as _, Row, ValueRef};

/// A sqlx [`PgRow`] as a pgcast [`RawRow`]: each value's bytes as sqlx
/// received them, by index, with no name lookup and no copy.
///
/// ```no_run
/// # async fn f(conn: &mut sqlx::PgConnection) -> Result<(), Box<dyn std::error::Error>> {
/// use pgcast_core::row::RawRow;
/// use pgcast_sqlx::RowRef;
///
/// let row = sqlx::query("SELECT 1::int4").fetch_one(conn).await?;
/// assert_eq!(RowRef(&row).raw(0)?, Some(&[0, 0, 0, 1][..]));
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RowRef<'a>(pub &'a PgRow);

impl RawRow for RowRef<'_> {
    fn width(&self) -> Option<usize> {
        Some(self.0.len())
    }

    #[inline]
    fn raw(&self, index: usize) -> pgcast_core::Result<Option<&[u8]>> {
        match self.0.try_get_raw(index) {
            Ok(value) if value.is_null() => Ok(None),
            Ok(value) => value
                .as_bytes()
                .map(Some)
                .map_err(|e| pgcast_core::Error::new(PgErrorKind::Malformed, e.to_string())),
            Err(_) => Err(missing(index, self.0.len())),
        }
    }
}

#[cold]
fn missing(index: usize, len: usize) -> pgcast_core::Error {
    pgcast_core::Error::new(
        PgErrorKind::MissingColumn,
        format!("the row has {len} values; there is none at index {index}"),
    )
}

/// The OID of a sqlx type (0 for a type sqlx knows by name only, which the
/// server never reports).
pub fn oid(ty: &PgTypeInfo) -> Oid {
    ty.oid().map_or(0, |o| o.0)
}

/// sqlx's type for a pgcast [`Type`]: by its OID.
pub fn type_info(ty: &Type) -> PgTypeInfo {
    PgTypeInfo::with_oid(SqlxOid(ty.oid()))
}

/// The description of a sqlx result as pgcast [`Column`]s (sqlx receives
/// every value of a prepared statement in binary format), each type
/// resolved by OID in `scope`; `Err` with the OIDs the scope does not know.
pub fn columns(columns: &[PgColumn], scope: &Adapters) -> Result<Vec<Column>, Vec<Oid>> {
    let mut out = Vec::with_capacity(columns.len());
    let mut unknown = Vec::new();
    for c in columns {
        let oid = oid(c.type_info());
        match scope.type_by_oid(oid) {
            Some(ty) => out.push(Column::new(c.name(), ty, Format::Binary)),
            None => unknown.push(oid),
        }
    }
    if unknown.is_empty() {
        Ok(out)
    } else {
        Err(unknown)
    }
}

/// The columns of a row sent in one round trip (every type built in, or
/// known to the scope; others keep their OID under the name `unknown`).
pub(crate) fn row_columns(row: &PgRow, scope: &Adapters) -> Vec<Column> {
    row.columns()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let oid = oid(c.type_info());
            let ty = scope.type_by_oid(oid).unwrap_or_else(|| {
                Type::new("unknown".into(), oid, Kind::Simple, "pg_catalog".into())
            });
            // The simple protocol (behind a transaction pooler) sends text.
            let format = match row.try_get_raw(i).map(|v| v.format()) {
                Ok(sqlx::postgres::PgValueFormat::Text) => Format::Text,
                _ => Format::Binary,
            };
            Column::new(c.name(), ty, format)
        })
        .collect()
}

/// A sqlx error as pgcast's, with the server's report when there is one.
pub fn error(e: sqlx::Error) -> Error {
    let report = e
        .as_database_error()
        .and_then(|db| db.try_downcast_ref::<PgDatabaseError>())
        .map(|db| ServerReport {
            severity: format!("{:?}", db.severity()).to_uppercase(),
            code: db.code().to_owned(),
            message: db.message().to_owned(),
            detail: db.detail().map(str::to_owned),
            hint: db.hint().map(str::to_owned),
            where_: db.r#where().map(str::to_owned),
        });
    Error::driver(e, report)
}

/// One parameter as sqlx writes it: pgcast's bytes, in binary, as `ty`
/// (the OID goes out in the `Parse` message through
/// [`Encode::produces`](sqlx::Encode::produces)).
pub(crate) struct Bytes<'a>(pub(crate) Option<&'a [u8]>, pub(crate) PgTypeInfo);

impl sqlx::Type<Postgres> for Bytes<'_> {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(SqlxOid(0))
    }

    fn compatible(_: &PgTypeInfo) -> bool {
        true
    }
}

impl sqlx::Encode<'_, Postgres> for Bytes<'_> {
    fn encode_by_ref(
        &self,
        buf: &mut PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, BoxDynError> {
        match self.0 {
            Some(bytes) => {
                buf.extend_from_slice(bytes);
                Ok(sqlx::encode::IsNull::No)
            }
            None => Ok(sqlx::encode::IsNull::Yes),
        }
    }

    fn produces(&self) -> Option<PgTypeInfo> {
        Some(self.1.clone())
    }

    fn size_hint(&self) -> usize {
        self.0.as_ref().map_or(0, |b| b.len())
    }
}

/// The arguments of a request as sqlx takes them, each written in binary as
/// `types` says (the statement's parameter types, or the ones pgcast chose).
///
/// A plain string goes out untyped in pgcast (the server infers enum, date,
/// `jsonb` …), but sqlx binds every value in binary: such a value, once the
/// statement says what the server inferred, is read as text by that type's
/// loader and written again in binary ([`transcode`]).
pub(crate) fn arguments<'a>(
    args: impl ExactSizeIterator<Item = Arg<'a>>,
    types: &[Type],
    scope: &Adapters,
) -> Result<PgArguments, Error> {
    let mut out = PgArguments::default();
    out.reserve(args.len(), 0);
    // Each value is written into the thread's spare buffer, which sqlx
    // copies from at once.
    with_buffer(|buf| add_all(&mut out, args, types, scope, buf))?;
    Ok(out)
}

/// Adds each of `args` to `out`, written through `scratch`.
fn add_all<'a>(
    out: &mut PgArguments,
    args: impl Iterator<Item = Arg<'a>>,
    types: &[Type],
    scope: &Adapters,
    scratch: &mut BytesMut,
) -> Result<(), Error> {
    for (arg, ty) in args.zip(types) {
        scratch.clear();
        let bytes = match write(&arg, ty, scope, scratch)? {
            pgcast_core::IsNull::Yes => None,
            pgcast_core::IsNull::No => Some(&scratch[..]),
        };
        out.add(Bytes(bytes, type_info(ty)))
            .map_err(|e| Error::driver(e, None))?;
    }
    Ok(())
}

/// `arg` as sqlx sends it, in binary as `ty`, into `out` (empty).
fn write(
    arg: &Arg<'_>,
    ty: &Type,
    scope: &Adapters,
    out: &mut BytesMut,
) -> pgcast_core::Result<pgcast_core::IsNull> {
    if arg.format() == Format::Binary {
        return arg.write(ty, out);
    }
    if arg.write(&Type::TEXT, out)? == pgcast_core::IsNull::Yes {
        return Ok(pgcast_core::IsNull::Yes);
    }
    let binary = transcode(out, ty, scope)?;
    out.clear();
    out.extend_from_slice(&binary);
    Ok(pgcast_core::IsNull::No)
}

/// The text form of a value of `ty` in binary: what a string bound where
/// the statement wants `ty` becomes over a driver that binds only binary.
/// Types whose binary form is their text (text-like, enums, `citext`) and
/// those with a versioned text form (`jsonb`, `ltree`) are written
/// directly; others are read by the scope's loader for `ty` and written
/// by the value's dumper.
///
/// ```
/// use pgcast_core::{Adapters, Type};
///
/// let scope = Adapters::global();
/// let date = pgcast_sqlx::transcode(b"2024-02-29", &Type::DATE, &scope).unwrap();
/// assert_eq!(&date[..], &8825_i32.to_be_bytes());
/// let json = pgcast_sqlx::transcode(b"{}", &Type::JSONB, &scope).unwrap();
/// assert_eq!(&json[..], b"\x01{}");
/// assert!(pgcast_sqlx::transcode(b"not a date", &Type::DATE, &scope).is_err());
/// ```
pub fn transcode(text: &[u8], ty: &Type, scope: &Adapters) -> pgcast_core::Result<BytesMut> {
    let mut out = BytesMut::with_capacity(text.len() + 1);
    let base = base_type(ty);
    let verbatim = matches!(base.kind(), Kind::Enum(_))
        || [
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
            Type::JSON,
            Type::XML,
        ]
        .contains(base)
        || base.name() == "citext";
    if verbatim {
        out.extend_from_slice(text);
        return Ok(out);
    }
    if *base == Type::JSONB || matches!(base.name(), "ltree" | "lquery" | "ltxtquery") {
        out.extend_from_slice(&[1]);
        out.extend_from_slice(text);
        return Ok(out);
    }
    let policy = *scope.policy();
    let value = scope
        .value_loader(base)
        .load(&Ctx::text(base).with_policy(&policy), Some(text))?;
    let ctx = Ctx::binary(base).with_policy(&policy);
    match pgcast_core::Dump::dump(&value, &ctx, &mut out) {
        Ok(_) => Ok(out),
        Err(e) => Err(pgcast_core::Error::new(
            e.kind(),
            format!(
                "a string cannot be sent as {} over sqlx, which binds values in binary only \
                 ({}): bind a value of a Rust type for it, or cast the parameter (`{{v}}::text`)",
                ty.name(),
                e.message()
            ),
        )),
    }
}

/// A domain's base type (through nested domains); any other type itself.
fn base_type(ty: &Type) -> &Type {
    match ty.kind() {
        Kind::Domain(base) => base_type(base),
        _ => ty,
    }
}
