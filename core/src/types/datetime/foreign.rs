//! Date and time types of other crates (`chrono`, `jiff`), loaded and
//! dumped through the `time` codecs, so that both formats, every range
//! check and the ±infinity [`InfinityPolicy`] behave exactly as they do
//! for `time`: with [`InfinityPolicy::Saturate`] the foreign type's own
//! minimum and maximum stand for `-infinity` and `infinity`.
//!
//! A value the `time` crate cannot hold (beyond ±9999 years) is an
//! [`OutOfRange`](crate::ErrorKind::OutOfRange) error, as for `time`.

use std::fmt::Debug;

use bytes::BytesMut;

use super::infinite::{Endless, Infinite};
use crate::{Ctx, Error, ErrorKind, InfinityPolicy, IsNull, Result};

fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}

fn beyond<T>(ctx: &Ctx<'_>, what: impl Debug) -> Error {
    Error::out_of_range::<T>(
        ctx.ty,
        format!("{what:?} is beyond what this Rust type (or the `time` crate, ±9999 years) holds"),
    )
}

/// Loads `T` through the `time` type `F`, keeping infinity.
pub(crate) fn load_infinite<T, F: Endless + Debug>(
    ctx: &Ctx<'_>,
    raw: &[u8],
    from: impl FnOnce(F) -> Option<T>,
) -> Result<Infinite<T>> {
    Ok(match F::decode(ctx, raw)? {
        Infinite::Finite(v) => Infinite::Finite(from(v).ok_or_else(|| beyond::<T>(ctx, v))?),
        Infinite::Infinity => Infinite::Infinity,
        Infinite::NegInfinity => Infinite::NegInfinity,
    })
}

/// Loads `T` through `F`, infinity as the policy says.
pub(crate) fn load<T, F: Endless + Debug>(
    ctx: &Ctx<'_>,
    raw: &[u8],
    low: impl FnOnce() -> T,
    high: impl FnOnce() -> T,
    from: impl FnOnce(F) -> Option<T>,
) -> Result<T> {
    match load_infinite::<T, F>(ctx, raw, from)? {
        Infinite::Finite(v) => Ok(v),
        inf => match ctx.policy.infinity {
            InfinityPolicy::Saturate if matches!(inf, Infinite::NegInfinity) => Ok(low()),
            InfinityPolicy::Saturate => Ok(high()),
            InfinityPolicy::Error => {
                let (what, bound) = if matches!(inf, Infinite::Infinity) {
                    ("infinity", "MAX")
                } else {
                    ("-infinity", "MIN")
                };
                Err(Error::new(
                    ErrorKind::Infinity,
                    format!(
                        "{what} has no {rust} value; load Infinite<{rust}>, or set the policy's \
                         infinity to InfinityPolicy::Saturate to map it to {rust}::{bound}",
                        rust = short_name::<T>(),
                    ),
                )
                .with_pg_type(ctx.ty)
                .with_rust_type::<T>())
            }
        },
    }
}

/// Dumps `T` through `F`, keeping infinity.
pub(crate) fn dump_infinite<T: Debug, F: Endless>(
    v: Infinite<&T>,
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
    to: impl FnOnce(&T) -> Option<F>,
) -> Result<IsNull> {
    let v = match v {
        Infinite::Finite(v) => Infinite::Finite(to(v).ok_or_else(|| beyond::<T>(ctx, v))?),
        Infinite::Infinity => Infinite::Infinity,
        Infinite::NegInfinity => Infinite::NegInfinity,
    };
    F::encode(v, ctx, out)
}

/// Dumps `T` through `F`; with [`InfinityPolicy::Saturate`] the type's
/// minimum and maximum are written as `-infinity` and `infinity`.
pub(crate) fn dump<T: Debug + PartialEq, F: Endless>(
    v: &T,
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
    low: impl FnOnce() -> T,
    high: impl FnOnce() -> T,
    to: impl FnOnce(&T) -> Option<F>,
) -> Result<IsNull> {
    let v = match ctx.policy.infinity {
        InfinityPolicy::Saturate if *v == low() => Infinite::NegInfinity,
        InfinityPolicy::Saturate if *v == high() => Infinite::Infinity,
        _ => Infinite::Finite(v),
    };
    dump_infinite(v, ctx, out, to)
}

/// `Load`, `Dump` and `StaticType` for a foreign type `$t` and for
/// `Infinite<$t>`, through the `time` type `$via`.
macro_rules! foreign_endless {
    ($t:ty, $via:ty, low: $low:expr, high: $high:expr,
     from: |$f:ident| $from:expr, to: |$v:ident| $to:expr) => {
        impl $crate::Load<'_> for $t {
            fn check(ctx: &$crate::Ctx<'_>) -> $crate::Result<()> {
                <$via as $crate::types::datetime::infinite::Endless>::accepts(ctx)
            }

            fn load(ctx: &$crate::Ctx<'_>, raw: &[u8]) -> $crate::Result<$t> {
                $crate::types::datetime::foreign::load::<$t, $via>(
                    ctx,
                    raw,
                    || $low,
                    || $high,
                    |$f| $from,
                )
            }
        }

        impl $crate::Dump for $t {
            fn pg_type(&self, _: &$crate::Policy) -> postgres_types::Type {
                <$via as $crate::types::datetime::infinite::Endless>::PG_TYPE
            }

            fn dump(
                &self,
                ctx: &$crate::Ctx<'_>,
                out: &mut bytes::BytesMut,
            ) -> $crate::Result<$crate::IsNull> {
                $crate::types::datetime::foreign::dump::<$t, $via>(
                    self,
                    ctx,
                    out,
                    || $low,
                    || $high,
                    |$v| $to,
                )
            }
        }

        impl $crate::StaticType for $t {
            fn static_type(_: &$crate::Policy) -> postgres_types::Type {
                <$via as $crate::types::datetime::infinite::Endless>::PG_TYPE
            }
        }

        impl $crate::Load<'_> for $crate::types::Infinite<$t> {
            fn check(ctx: &$crate::Ctx<'_>) -> $crate::Result<()> {
                <$via as $crate::types::datetime::infinite::Endless>::accepts(ctx)
            }

            fn load(ctx: &$crate::Ctx<'_>, raw: &[u8]) -> $crate::Result<Self> {
                $crate::types::datetime::foreign::load_infinite::<$t, $via>(ctx, raw, |$f| $from)
            }
        }

        impl $crate::Dump for $crate::types::Infinite<$t> {
            fn pg_type(&self, _: &$crate::Policy) -> postgres_types::Type {
                <$via as $crate::types::datetime::infinite::Endless>::PG_TYPE
            }

            fn dump(
                &self,
                ctx: &$crate::Ctx<'_>,
                out: &mut bytes::BytesMut,
            ) -> $crate::Result<$crate::IsNull> {
                let v = match self {
                    $crate::types::Infinite::Finite(v) => $crate::types::Infinite::Finite(v),
                    $crate::types::Infinite::Infinity => $crate::types::Infinite::Infinity,
                    $crate::types::Infinite::NegInfinity => $crate::types::Infinite::NegInfinity,
                };
                $crate::types::datetime::foreign::dump_infinite::<$t, $via>(v, ctx, out, |$v| $to)
            }
        }

        impl $crate::StaticType for $crate::types::Infinite<$t> {
            fn static_type(_: &$crate::Policy) -> postgres_types::Type {
                <$via as $crate::types::datetime::infinite::Endless>::PG_TYPE
            }
        }
    };
}

pub(crate) use foreign_endless;

/// `Load`, `Dump` and `StaticType` for a foreign type `$t` with no
/// infinity, through the `time` type `$via`.
macro_rules! foreign_plain {
    ($t:ty, $via:ty, from: |$f:ident| $from:expr, to: |$v:ident| $to:expr) => {
        impl $crate::Load<'_> for $t {
            fn check(ctx: &$crate::Ctx<'_>) -> $crate::Result<()> {
                <$via as $crate::Load>::check(ctx).map_err(|e| e.with_rust_type::<$t>())
            }

            fn load(ctx: &$crate::Ctx<'_>, raw: &[u8]) -> $crate::Result<$t> {
                let $f =
                    <$via as $crate::Load>::load(ctx, raw).map_err(|e| e.with_rust_type::<$t>())?;
                let shown = format!("{:?}", $f);
                let v: Option<$t> = $from;
                v.ok_or_else(|| {
                    $crate::Error::out_of_range::<$t>(
                        ctx.ty,
                        format!("{shown} does not fit this Rust type"),
                    )
                })
            }
        }

        impl $crate::Dump for $t {
            fn pg_type(&self, policy: &$crate::Policy) -> postgres_types::Type {
                <$via as $crate::StaticType>::static_type(policy)
            }

            fn dump(
                &self,
                ctx: &$crate::Ctx<'_>,
                out: &mut bytes::BytesMut,
            ) -> $crate::Result<$crate::IsNull> {
                let $v = self;
                let via: Option<$via> = $to;
                match via {
                    Some(via) => {
                        $crate::Dump::dump(&via, ctx, out).map_err(|e| e.with_rust_type::<$t>())
                    }
                    None => Err($crate::Error::out_of_range::<$t>(
                        ctx.ty,
                        format!("{self:?} does not fit PostgreSQL's type"),
                    )),
                }
            }
        }

        impl $crate::StaticType for $t {
            fn static_type(policy: &$crate::Policy) -> postgres_types::Type {
                <$via as $crate::StaticType>::static_type(policy)
            }
        }
    };
}

pub(crate) use foreign_plain;
