//! Dumping: Rust values → PostgreSQL wire bytes.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use bytes::BytesMut;
use postgres_types::Type;

use crate::{Ctx, Policy, Result};

/// Whether a dumped value is SQL NULL (and wrote nothing) or a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IsNull {
    /// The value is NULL; nothing was written.
    Yes,
    /// The value was written.
    No,
}

impl From<IsNull> for postgres_types::IsNull {
    fn from(v: IsNull) -> Self {
        match v {
            IsNull::Yes => postgres_types::IsNull::Yes,
            IsNull::No => postgres_types::IsNull::No,
        }
    }
}

/// A Rust value that can be encoded as PostgreSQL wire bytes.
///
/// `pg_type` says which type the value is sent as when the statement does not
/// fix it (typed parameters, literal casts); `dump` writes the bytes for the
/// type and format in `ctx`, which may be another compatible type (an `i64`
/// into an `int4` parameter is range-checked). NULL is written as nothing and
/// reported with [`IsNull::Yes`].
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::{Ctx, Dump, Format, Policy};
/// use postgres_types::Type;
///
/// let mut out = BytesMut::new();
/// 7_i64.dump(&Ctx::new(&Type::INT2, Format::Binary), &mut out).unwrap();
/// assert_eq!(&out[..], &[0, 7]);
/// assert_eq!(7_i64.pg_type(&Policy::DEFAULT), Type::INT8);
///
/// out.clear();
/// assert!(70_000_i64.dump(&Ctx::binary(&Type::INT2), &mut out).is_err());
/// ```
pub trait Dump {
    /// The PostgreSQL type this value is sent as by default.
    fn pg_type(&self, policy: &Policy) -> Type;

    /// Writes the value as `ctx.ty` in `ctx.format`.
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull>;
}

/// A type whose PostgreSQL type is known without a value: needed for typed
/// NULLs (`Option<T>`) and empty arrays (`Vec<T>`).
///
/// ```
/// use pgcast_core::{Policy, StaticType};
/// use postgres_types::Type;
///
/// assert_eq!(<Vec<Option<i32>>>::static_type(&Policy::DEFAULT), Type::INT4_ARRAY);
/// ```
pub trait StaticType {
    /// The PostgreSQL type values of this Rust type are sent as.
    fn static_type(policy: &Policy) -> Type;
}

impl<T: Dump + StaticType> Dump for Option<T> {
    fn pg_type(&self, policy: &Policy) -> Type {
        T::static_type(policy)
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        match self {
            Some(v) => v.dump(ctx, out),
            None => Ok(IsNull::Yes),
        }
    }
}

impl<T: StaticType> StaticType for Option<T> {
    fn static_type(policy: &Policy) -> Type {
        T::static_type(policy)
    }
}

macro_rules! forward_dump {
    ($($ptr:ty),*) => {$(
        impl<T: Dump + ?Sized> Dump for $ptr {
            fn pg_type(&self, policy: &Policy) -> Type {
                (**self).pg_type(policy)
            }

            #[inline]
            fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
                (**self).dump(ctx, out)
            }
        }

        impl<T: StaticType + ?Sized> StaticType for $ptr {
            fn static_type(policy: &Policy) -> Type {
                T::static_type(policy)
            }
        }
    )*};
}

forward_dump!(&T, &mut T, Box<T>, Arc<T>, Rc<T>);

impl<T: Dump + ToOwned + ?Sized> Dump for Cow<'_, T> {
    fn pg_type(&self, policy: &Policy) -> Type {
        (**self).pg_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        (**self).dump(ctx, out)
    }
}

impl<T: StaticType + ToOwned + ?Sized> StaticType for Cow<'_, T> {
    fn static_type(policy: &Policy) -> Type {
        T::static_type(policy)
    }
}
