//! Interoperation with `postgres-types`, both ways.
//!
//! - [`Raw`]: a `FromSql` that accepts every type and hands over the bytes —
//!   the contract a rust-postgres driver and pgcast meet on.
//! - [`Param`]: any [`Dump`] value as a `ToSql` parameter, in the format of
//!   your choice (tokio-postgres honours `encode_format`).
//! - [`Loaded`]: any [`Load`] type as a `FromSql`, for `row.get`.
//! - [`Pg`]: any existing `ToSql` / `FromSql` type (rust_decimal, pgvector,
//!   chrono, postgis …) used where pgcast wants [`Dump`] / [`Load`].

use std::error::Error as StdError;
use std::fmt;

use bytes::BytesMut;
use postgres_types::{FromSql, ToSql, Type};

use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

type BoxError = Box<dyn StdError + Sync + Send>;

/// A column's raw bytes, of any type; `None` for NULL.
///
/// ```
/// use pgcast_core::bridge::Raw;
/// use postgres_types::{FromSql, Type};
///
/// let raw = Raw::from_sql_nullable(&Type::INT4, Some(&[0, 0, 0, 7])).unwrap();
/// assert_eq!(raw.0, Some(&[0, 0, 0, 7][..]));
/// assert!(<Raw as FromSql>::accepts(&Type::POINT));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Raw<'a>(pub Option<&'a [u8]>);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Raw(Some(raw)))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Raw(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A [`Dump`] value as a `ToSql` parameter, sent in `format` under `policy`.
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::bridge::Param;
/// use pgcast_core::Format;
/// use postgres_types::{ToSql, Type};
///
/// let mut out = BytesMut::new();
/// Param::new(&42_i64, Format::Text).to_sql_checked(&Type::INT4, &mut out).unwrap();
/// assert_eq!(&out[..], b"42");
/// ```
pub struct Param<'a> {
    value: &'a (dyn Dump + Sync),
    format: Format,
    policy: &'a Policy,
}

impl<'a> Param<'a> {
    /// `value` in `format` with the default policy.
    pub fn new(value: &'a (dyn Dump + Sync), format: Format) -> Param<'a> {
        Param {
            value,
            format,
            policy: &Policy::DEFAULT,
        }
    }

    /// `value` in binary format.
    pub fn binary(value: &'a (dyn Dump + Sync)) -> Param<'a> {
        Param::new(value, Format::Binary)
    }

    /// `value` in text format.
    pub fn text(value: &'a (dyn Dump + Sync)) -> Param<'a> {
        Param::new(value, Format::Text)
    }

    /// The same parameter under another policy.
    pub fn with_policy(self, policy: &'a Policy) -> Param<'a> {
        Param { policy, ..self }
    }

    /// The type the value is sent as when the statement does not fix it.
    pub fn pg_type(&self) -> Type {
        self.value.pg_type(self.policy)
    }
}

impl fmt::Debug for Param<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Param")
            .field("type", &self.pg_type().name())
            .field("format", &self.format)
            .finish()
    }
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<postgres_types::IsNull, BoxError> {
        // A domain parameter is written as its base type.
        let ctx = Ctx {
            ty: crate::types::domain_base(ty),
            format: self.format,
            policy: self.policy,
            scope: None,
        };
        Ok(self.value.dump(&ctx, out)?.into())
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<postgres_types::IsNull, BoxError> {
        self.to_sql(ty, out)
    }

    fn encode_format(&self, _: &Type) -> postgres_types::Format {
        self.format.into()
    }
}

/// A [`Load`] type as a `FromSql`, for drivers' `row.get` (binary results).
///
/// ```
/// use pgcast_core::bridge::Loaded;
/// use postgres_types::{FromSql, Type};
///
/// let v = Loaded::<i64>::from_sql(&Type::INT2, &[0, 9]).unwrap();
/// assert_eq!(v.0, 9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Loaded<T>(pub T);

impl<'a, T: Load<'a>> FromSql<'a> for Loaded<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let ty = crate::types::domain_base(ty);
        Ok(Loaded(T::load(&Ctx::binary(ty), raw)?))
    }

    fn from_sql_null(ty: &Type) -> Result<Self, BoxError> {
        let ty = crate::types::domain_base(ty);
        Ok(Loaded(T::load_null(&Ctx::binary(ty))?))
    }

    fn accepts(ty: &Type) -> bool {
        T::check(&Ctx::binary(crate::types::domain_base(ty))).is_ok()
    }
}

/// An existing `postgres-types` type (`ToSql` / `FromSql`) used as a pgcast
/// [`Dump`] / [`Load`] type. Binary format only: that is all postgres-types
/// speaks. Dumped values are sent as `unknown`, so the server infers the
/// parameter's type from the statement.
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::bridge::Pg;
/// use pgcast_core::{Ctx, Dump, Load};
/// use postgres_types::Type;
///
/// let mut out = BytesMut::new();
/// Pg(1.5_f64).dump(&Ctx::binary(&Type::FLOAT8), &mut out).unwrap();
/// let back = Pg::<f64>::load(&Ctx::binary(&Type::FLOAT8), &out).unwrap();
/// assert_eq!(back.0, 1.5);
/// assert!(Pg(1.5_f64).dump(&Ctx::text(&Type::FLOAT8), &mut out).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pg<T>(pub T);

fn binary_only<T: ?Sized>(ctx: &Ctx<'_>) -> Result<()> {
    match ctx.format {
        Format::Binary => Ok(()),
        Format::Text => Err(Error::new(
            ErrorKind::WrongType,
            "postgres-types ToSql/FromSql speak binary format only, and this value is in text \
             format (a simple query, text COPY, or a column read as text); load a pgcast type \
             for it, or register a text loader for the type",
        )
        .with_pg_type(ctx.ty)
        .with_rust_type::<T>()),
    }
}

impl<'a, T: FromSql<'a>> Load<'a> for Pg<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        binary_only::<T>(ctx)?;
        if T::accepts(ctx.ty) {
            Ok(())
        } else {
            Err(Error::wrong_type::<T>(ctx.ty))
        }
    }

    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Self> {
        Self::check(ctx)?;
        T::from_sql(ctx.ty, raw).map(Pg).map_err(|e| {
            Error::malformed(ctx.ty, e.to_string())
                .with_rust_type::<T>()
                .with_source(e)
        })
    }

    fn load_null(ctx: &Ctx<'_>) -> Result<Self> {
        binary_only::<T>(ctx)?;
        T::from_sql_null(ctx.ty)
            .map(Pg)
            .map_err(|_| Error::unexpected_null::<T>(ctx.ty))
    }
}

impl<T: ToSql> Dump for Pg<T> {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::UNKNOWN
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        binary_only::<T>(ctx)?;
        if !T::accepts(ctx.ty) {
            return Err(Error::wrong_type::<T>(ctx.ty));
        }
        match self.0.to_sql(ctx.ty, out) {
            Ok(postgres_types::IsNull::Yes) => Ok(IsNull::Yes),
            Ok(postgres_types::IsNull::No) => Ok(IsNull::No),
            Err(e) => Err(Error::custom(e).with_pg_type(ctx.ty).with_rust_type::<T>()),
        }
    }
}

impl<T: ToSql> StaticType for Pg<T> {
    fn static_type(_: &Policy) -> Type {
        Type::UNKNOWN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_say_what_to_do() {
        let err = <Pg<i32> as Load>::check(&Ctx::text(&Type::INT4)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        assert!(
            err.message()
                .ends_with("load a pgcast type for it, or register a text loader for the type"),
            "{err}"
        );
        assert!(<Pg<i32> as Load>::check(&Ctx::binary(&Type::INT4)).is_ok());
    }
}
