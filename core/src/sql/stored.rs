//! How [`Bound`](super::Bound) and [`Literal`](super::Literal) hold their
//! value: small `Copy` scalars inline, anything else behind an `Arc`.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::Arc;

use bytes::BytesMut;

use super::SqlValue;
use crate::Ctx;

/// A value of a query: inline when it is one of the common scalars (no
/// allocation to make, share or free), shared otherwise.
#[derive(Clone)]
pub(crate) enum Stored {
    Bool(bool),
    I16(i16),
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    Str(&'static str),
    Shared(Arc<dyn SqlValue>),
}

impl Stored {
    #[inline]
    pub(crate) fn new<T: SqlValue>(value: T) -> Stored {
        macro_rules! inline {
            ($($t:ty => $variant:ident),*) => {$(
                // Both ids are constants: the untaken branches fold away.
                if TypeId::of::<T>() == TypeId::of::<$t>()
                    && let Some(v) = (&value as &dyn Any).downcast_ref::<$t>()
                {
                    return Stored::$variant(*v);
                }
            )*};
        }
        inline!(
            bool => Bool,
            i16 => I16,
            i32 => I32,
            i64 => I64,
            f32 => F32,
            f64 => F64,
            &'static str => Str
        );
        Stored::Shared(Arc::new(value))
    }

    /// The value.
    #[inline]
    pub(crate) fn get(&self) -> &dyn SqlValue {
        match self {
            Stored::Bool(v) => v,
            Stored::I16(v) => v,
            Stored::I32(v) => v,
            Stored::I64(v) => v,
            Stored::F32(v) => v,
            Stored::F64(v) => v,
            Stored::Str(v) => v,
            Stored::Shared(v) => &**v,
        }
    }

    /// The value behind an `Arc` (a new one for inline values).
    pub(crate) fn shared(&self) -> Arc<dyn SqlValue> {
        match self {
            Stored::Bool(v) => Arc::new(*v),
            Stored::I16(v) => Arc::new(*v),
            Stored::I32(v) => Arc::new(*v),
            Stored::I64(v) => Arc::new(*v),
            Stored::F32(v) => Arc::new(*v),
            Stored::F64(v) => Arc::new(*v),
            Stored::Str(v) => Arc::new(*v),
            Stored::Shared(v) => Arc::clone(v),
        }
    }
}

impl PartialEq for Stored {
    /// Structural equality of two values: the same allocation, or the same
    /// Rust type, the same PostgreSQL type and the same binary bytes (under
    /// the default policy). Values whose dump fails are equal only to
    /// themselves. Inline scalars compare by their bits, which is what their
    /// binary dumps are.
    fn eq(&self, other: &Stored) -> bool {
        match (self, other) {
            (Stored::Bool(a), Stored::Bool(b)) => a == b,
            (Stored::I16(a), Stored::I16(b)) => a == b,
            (Stored::I32(a), Stored::I32(b)) => a == b,
            (Stored::I64(a), Stored::I64(b)) => a == b,
            (Stored::F32(a), Stored::F32(b)) => a.to_bits() == b.to_bits(),
            (Stored::F64(a), Stored::F64(b)) => a.to_bits() == b.to_bits(),
            (Stored::Str(a), Stored::Str(b)) => a == b,
            (Stored::Shared(a), Stored::Shared(b)) if Arc::ptr_eq(a, b) => true,
            _ => same_value(self.get(), other.get()),
        }
    }
}

impl fmt::Debug for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

/// The same Rust type, the same PostgreSQL type and the same binary bytes.
fn same_value(a: &dyn SqlValue, b: &dyn SqlValue) -> bool {
    if Any::type_id(a.as_any()) != Any::type_id(b.as_any()) {
        return false;
    }
    let policy = crate::Policy::DEFAULT;
    let (ta, tb) = (a.pg_type(&policy), b.pg_type(&policy));
    if ta != tb {
        return false;
    }
    let (mut ba, mut bb) = (BytesMut::new(), BytesMut::new());
    let ctx = Ctx::binary(&ta);
    match (a.dump(&ctx, &mut ba), b.dump(&ctx, &mut bb)) {
        (Ok(na), Ok(nb)) => na == nb && ba == bb,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_inline_others_shared() {
        assert!(matches!(Stored::new(1_i64), Stored::I64(1)));
        assert!(matches!(Stored::new("x"), Stored::Str("x")));
        assert!(matches!(Stored::new(true), Stored::Bool(true)));
        assert!(matches!(Stored::new(String::from("x")), Stored::Shared(_)));
        assert!(matches!(Stored::new(Some(1_i64)), Stored::Shared(_)));
        assert!(matches!(Stored::new(vec![1_u8]), Stored::Shared(_)));
    }

    #[test]
    fn equality_as_before() {
        assert!(Stored::new(1_i64) == Stored::new(1_i64));
        assert!(Stored::new(1_i64) != Stored::new(1_i32));
        assert!(Stored::new(0.0_f64) != Stored::new(-0.0_f64));
        assert!(Stored::new(f64::NAN) == Stored::new(f64::NAN));
        assert!(
            Stored::new("a") != Stored::new(String::from("a")),
            "different Rust types"
        );
        assert!(Stored::new(String::from("a")) == Stored::new(String::from("a")));
        let shared = Stored::new(vec![1_i32]);
        assert!(shared == shared.clone());
        assert_eq!(format!("{:?}", Stored::new("a")), r#""a""#);
        assert_eq!(format!("{:?}", Stored::new(2_i16)), "2");
        assert_eq!(format!("{:?}", Stored::new(7_i32).shared()), "7");
    }
}
