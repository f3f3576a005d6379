//! `infinity` and `-infinity`: the [`Infinite`] wrapper, and the policy
//! mapping shared by every date and timestamp codec.

use bytes::BytesMut;
use postgres_types::Type;

use crate::{Ctx, Error, ErrorKind, InfinityPolicy, IsNull, Result};

/// A date or timestamp that may be PostgreSQL's `infinity` or `-infinity`,
/// loaded and dumped as such whatever the [`InfinityPolicy`].
///
/// Implemented for `time::Date`, `time::PrimitiveDateTime` and
/// `time::OffsetDateTime`. Variants are ordered as PostgreSQL orders the
/// values: `-infinity` before every date, `infinity` after.
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::types::Infinite;
/// use pgcast_core::{Ctx, Dump, Load};
/// use postgres_types::Type;
/// use time::macros::date;
///
/// let ctx = Ctx::text(&Type::DATE);
/// assert_eq!(Infinite::<time::Date>::load(&ctx, b"infinity").unwrap(), Infinite::Infinity);
/// assert_eq!(
///     Infinite::load(&ctx, b"2024-02-29").unwrap(),
///     Infinite::Finite(date!(2024-02-29))
/// );
/// // Without the wrapper, infinity is an error under the default policy.
/// assert!(time::Date::load(&ctx, b"-infinity").is_err());
///
/// let mut out = BytesMut::new();
/// Infinite::<time::Date>::NegInfinity.dump(&Ctx::binary(&Type::DATE), &mut out).unwrap();
/// assert_eq!(&out[..], &i32::MIN.to_be_bytes());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Infinite<T> {
    /// `-infinity`: before every other value.
    NegInfinity,
    /// An ordinary value.
    Finite(T),
    /// `infinity`: after every other value.
    Infinity,
}

impl<T> Infinite<T> {
    /// The finite value, if it is one.
    ///
    /// ```
    /// use pgcast_core::types::Infinite;
    /// assert_eq!(Infinite::Finite(3).finite(), Some(3));
    /// assert_eq!(Infinite::<i32>::Infinity.finite(), None);
    /// ```
    pub fn finite(self) -> Option<T> {
        match self {
            Infinite::Finite(v) => Some(v),
            _ => None,
        }
    }

    /// Whether this is an ordinary value.
    pub fn is_finite(&self) -> bool {
        matches!(self, Infinite::Finite(_))
    }
}

impl<T> From<T> for Infinite<T> {
    fn from(v: T) -> Self {
        Infinite::Finite(v)
    }
}

/// A Rust date or timestamp type whose PostgreSQL counterpart has
/// `±infinity`: the codec proper, without the policy.
pub(crate) trait Endless: Copy + PartialEq + 'static {
    /// What `-infinity` saturates to.
    const LOW: Self;
    /// What `infinity` saturates to.
    const HIGH: Self;
    /// The PostgreSQL type this is sent as.
    const PG_TYPE: Type;
    /// Whether `ctx.ty` fits, with an error that says what would.
    fn accepts(ctx: &Ctx<'_>) -> Result<()>;
    /// Decodes a value, infinities included.
    fn decode(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Infinite<Self>>;
    /// Encodes a value, infinities included.
    fn encode(v: Infinite<Self>, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull>;
}

/// `infinity` → `Some(true)`, `-infinity` → `Some(false)`.
#[inline]
pub(crate) fn text_infinity(raw: &[u8]) -> Option<bool> {
    match raw {
        b"infinity" => Some(true),
        b"-infinity" => Some(false),
        _ => None,
    }
}

/// Loads a plain value: infinities follow the policy.
#[inline]
pub(crate) fn load_plain<T: Endless>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<T> {
    match T::decode(ctx, raw)? {
        Infinite::Finite(v) => Ok(v),
        inf => match ctx.policy.infinity {
            InfinityPolicy::Saturate if inf == Infinite::NegInfinity => Ok(T::LOW),
            InfinityPolicy::Saturate => Ok(T::HIGH),
            InfinityPolicy::Error => Err(Error::new(
                ErrorKind::Infinity,
                format!(
                    "{} has no {rust} value; load Infinite<{rust}>, or set the policy's \
                     infinity to InfinityPolicy::Saturate to map it to {rust}::{}",
                    if inf == Infinite::Infinity {
                        "infinity"
                    } else {
                        "-infinity"
                    },
                    if inf == Infinite::Infinity {
                        "MAX"
                    } else {
                        "MIN"
                    },
                    rust = short_name::<T>(),
                ),
            )
            .with_pg_type(ctx.ty)
            .with_rust_type::<T>()),
        },
    }
}

/// Dumps a plain value: with [`InfinityPolicy::Saturate`] the type's
/// minimum and maximum are written as `-infinity` and `infinity`.
#[inline]
pub(crate) fn dump_plain<T: Endless>(v: T, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    let v = match ctx.policy.infinity {
        InfinityPolicy::Saturate if v == T::LOW => Infinite::NegInfinity,
        InfinityPolicy::Saturate if v == T::HIGH => Infinite::Infinity,
        _ => Infinite::Finite(v),
    };
    T::encode(v, ctx, out)
}

fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// `Load`, `Dump` and `StaticType` for an [`Endless`] type and its
/// [`Infinite`] wrapper.
macro_rules! endless_codec {
    ($t:ty) => {
        impl $crate::Load<'_> for $t {
            fn check(ctx: &$crate::Ctx<'_>) -> $crate::Result<()> {
                <$t as $crate::types::datetime::infinite::Endless>::accepts(ctx)
            }

            #[inline]
            fn load(ctx: &$crate::Ctx<'_>, raw: &[u8]) -> $crate::Result<$t> {
                $crate::types::datetime::infinite::load_plain(ctx, raw)
            }
        }

        impl $crate::Dump for $t {
            fn pg_type(&self, _: &$crate::Policy) -> postgres_types::Type {
                <$t as $crate::types::datetime::infinite::Endless>::PG_TYPE
            }

            #[inline]
            fn dump(
                &self,
                ctx: &$crate::Ctx<'_>,
                out: &mut bytes::BytesMut,
            ) -> $crate::Result<$crate::IsNull> {
                $crate::types::datetime::infinite::dump_plain(*self, ctx, out)
            }
        }

        impl $crate::StaticType for $t {
            fn static_type(_: &$crate::Policy) -> postgres_types::Type {
                <$t as $crate::types::datetime::infinite::Endless>::PG_TYPE
            }
        }

        impl $crate::Load<'_> for $crate::types::Infinite<$t> {
            fn check(ctx: &$crate::Ctx<'_>) -> $crate::Result<()> {
                <$t as $crate::types::datetime::infinite::Endless>::accepts(ctx)
            }

            #[inline]
            fn load(ctx: &$crate::Ctx<'_>, raw: &[u8]) -> $crate::Result<Self> {
                <$t as $crate::types::datetime::infinite::Endless>::decode(ctx, raw)
            }
        }

        impl $crate::Dump for $crate::types::Infinite<$t> {
            fn pg_type(&self, _: &$crate::Policy) -> postgres_types::Type {
                <$t as $crate::types::datetime::infinite::Endless>::PG_TYPE
            }

            #[inline]
            fn dump(
                &self,
                ctx: &$crate::Ctx<'_>,
                out: &mut bytes::BytesMut,
            ) -> $crate::Result<$crate::IsNull> {
                <$t as $crate::types::datetime::infinite::Endless>::encode(*self, ctx, out)
            }
        }

        impl $crate::StaticType for $crate::types::Infinite<$t> {
            fn static_type(_: &$crate::Policy) -> postgres_types::Type {
                <$t as $crate::types::datetime::infinite::Endless>::PG_TYPE
            }
        }
    };
}

pub(crate) use endless_codec;
