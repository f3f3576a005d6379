//! How [`Bound`](super::Bound) and [`Literal`](super::Literal) hold their
//! value: small `Copy` scalars inline, borrowed values as references for the
//! life of the query, owned values behind an `Arc`.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::Arc;

use bytes::BytesMut;

use super::{QueryValue, SqlValue};
use crate::Ctx;

/// A value a query holds by reference (`sql!`'s captured variables,
/// [`bind_ref`](super::bind_ref)): any owned [`SqlValue`] that is `Clone`,
/// so that a query kept beyond its borrows can copy it once.
pub trait SharedValue: SqlValue {
    /// A copy of the value behind an `Arc`.
    fn to_shared(&self) -> Arc<dyn SqlValue>;

    /// The value as a [`SqlValue`].
    fn as_sql_value(&self) -> &dyn SqlValue;
}

impl<T: SqlValue + Clone> SharedValue for T {
    fn to_shared(&self) -> Arc<dyn SqlValue> {
        Arc::new(self.clone())
    }

    fn as_sql_value(&self) -> &dyn SqlValue {
        self
    }
}

/// A value of a query: inline when it is one of the common scalars (no
/// allocation to make, share or free), borrowed for `'a`, or shared.
#[derive(Clone)]
pub(crate) enum Stored<'a> {
    Bool(bool),
    I16(i16),
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    /// A string: a `&'static str` given by value, or one borrowed.
    Str(&'a str),
    /// Bytes borrowed for the query.
    Bytes(&'a [u8]),
    /// Any other value borrowed for the query.
    Ref(&'a (dyn SharedValue + 'static)),
    Shared(Arc<dyn SqlValue>),
}

/// Moves `value` out when `T` is `U` (both ids are constants: the untaken
/// branches fold away).
#[inline]
fn cast<T: Any, U: Any + Copy>(value: &T) -> Option<U> {
    if TypeId::of::<T>() == TypeId::of::<U>() {
        (value as &dyn Any).downcast_ref::<U>().copied()
    } else {
        None
    }
}

impl<'a> Stored<'a> {
    /// An owned value.
    #[inline]
    pub(crate) fn new<T: SqlValue>(value: T) -> Stored<'a> {
        Stored::inline(&value).unwrap_or_else(|| Stored::Shared(Arc::new(value)))
    }

    /// A borrowed value: the common scalars copied, strings and bytes kept
    /// as slices, anything else by reference.
    #[inline]
    pub(crate) fn borrowed<T: SharedValue>(value: &'a T) -> Stored<'a> {
        if let Some(s) = (value as &dyn Any).downcast_ref::<String>() {
            return Stored::Str(s);
        }
        if let Some(b) = (value as &dyn Any).downcast_ref::<Vec<u8>>() {
            return Stored::Bytes(b);
        }
        Stored::inline(value).unwrap_or(Stored::Ref(value))
    }

    #[inline]
    fn inline<T: Any>(value: &T) -> Option<Stored<'a>> {
        macro_rules! inline {
            ($($t:ty => $variant:ident),*) => {$(
                if let Some(v) = cast::<T, $t>(value) {
                    return Some(Stored::$variant(v));
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
        None
    }

    /// The value, to dump or show.
    #[inline]
    pub(crate) fn get(&self) -> &(dyn QueryValue + 'a) {
        match self {
            Stored::Bool(v) => v,
            Stored::I16(v) => v,
            Stored::I32(v) => v,
            Stored::I64(v) => v,
            Stored::F32(v) => v,
            Stored::F64(v) => v,
            Stored::Str(v) => v,
            Stored::Bytes(v) => v,
            Stored::Ref(v) => (*v).as_sql_value(),
            Stored::Shared(v) => &**v,
        }
    }

    /// The PostgreSQL type of an inline, string or bytes value (what its
    /// own `Dump` says, whatever the policy), without a virtual call.
    #[inline]
    pub(crate) fn builtin_type(&self) -> Option<crate::Type> {
        use crate::Type;
        Some(match self {
            Stored::Bool(_) => Type::BOOL,
            Stored::I16(_) => Type::INT2,
            Stored::I32(_) => Type::INT4,
            Stored::I64(_) => Type::INT8,
            Stored::F32(_) => Type::FLOAT4,
            Stored::F64(_) => Type::FLOAT8,
            Stored::Str(_) => Type::TEXT,
            Stored::Bytes(_) => Type::BYTEA,
            Stored::Ref(_) | Stored::Shared(_) => return None,
        })
    }

    /// The Rust type a dumper is registered for: a string or bytes, borrowed
    /// or not, is looked up as `String` or `Vec<u8>`.
    #[inline]
    pub(crate) fn key(&self) -> TypeId {
        match self {
            Stored::Bool(_) => TypeId::of::<bool>(),
            Stored::I16(_) => TypeId::of::<i16>(),
            Stored::I32(_) => TypeId::of::<i32>(),
            Stored::I64(_) => TypeId::of::<i64>(),
            Stored::F32(_) => TypeId::of::<f32>(),
            Stored::F64(_) => TypeId::of::<f64>(),
            Stored::Str(_) => TypeId::of::<String>(),
            Stored::Bytes(_) => TypeId::of::<Vec<u8>>(),
            Stored::Ref(v) => Any::type_id(SqlValue::as_any((*v).as_sql_value())),
            Stored::Shared(v) => Any::type_id(SqlValue::as_any(&**v)),
        }
    }

    /// Calls `f` with the value as `Any` of the type [`key`](Self::key)
    /// names, for a registered dumper (strings and bytes copied for it).
    pub(crate) fn with_any<R>(&self, f: impl FnOnce(&dyn Any) -> R) -> R {
        match self {
            Stored::Bool(v) => f(v),
            Stored::I16(v) => f(v),
            Stored::I32(v) => f(v),
            Stored::I64(v) => f(v),
            Stored::F32(v) => f(v),
            Stored::F64(v) => f(v),
            Stored::Str(v) => f(&String::from(*v)),
            Stored::Bytes(v) => f(&v.to_vec()),
            Stored::Ref(v) => f(SqlValue::as_any((*v).as_sql_value())),
            Stored::Shared(v) => f(SqlValue::as_any(&**v)),
        }
    }

    /// The same value, owned: borrowed values copied once.
    pub(crate) fn into_owned(self) -> Stored<'static> {
        match self {
            Stored::Bool(v) => Stored::Bool(v),
            Stored::I16(v) => Stored::I16(v),
            Stored::I32(v) => Stored::I32(v),
            Stored::I64(v) => Stored::I64(v),
            Stored::F32(v) => Stored::F32(v),
            Stored::F64(v) => Stored::F64(v),
            Stored::Str(v) => Stored::Shared(Arc::new(String::from(v))),
            Stored::Bytes(v) => Stored::Shared(Arc::new(v.to_vec())),
            Stored::Ref(v) => Stored::Shared(v.to_shared()),
            Stored::Shared(v) => Stored::Shared(v),
        }
    }

    /// The value behind an `Arc` (a new one for inline and borrowed values).
    pub(crate) fn shared(&self) -> Arc<dyn SqlValue> {
        match self.clone().into_owned() {
            Stored::Bool(v) => Arc::new(v),
            Stored::I16(v) => Arc::new(v),
            Stored::I32(v) => Arc::new(v),
            Stored::I64(v) => Arc::new(v),
            Stored::F32(v) => Arc::new(v),
            Stored::F64(v) => Arc::new(v),
            Stored::Str(v) => Arc::new(v),
            Stored::Bytes(v) => Arc::new(v),
            Stored::Ref(v) => v.to_shared(),
            Stored::Shared(v) => v,
        }
    }
}

impl PartialEq for Stored<'_> {
    /// Structural equality of two values: the same allocation, or the same
    /// Rust type, the same PostgreSQL type and the same binary bytes (under
    /// the default policy). Values whose dump fails are equal only to
    /// themselves. Inline scalars compare by their bits, which is what their
    /// binary dumps are; a string or bytes equals the same string or bytes,
    /// borrowed or not.
    fn eq(&self, other: &Stored<'_>) -> bool {
        match (self, other) {
            (Stored::Bool(a), Stored::Bool(b)) => a == b,
            (Stored::I16(a), Stored::I16(b)) => a == b,
            (Stored::I32(a), Stored::I32(b)) => a == b,
            (Stored::I64(a), Stored::I64(b)) => a == b,
            (Stored::F32(a), Stored::F32(b)) => a.to_bits() == b.to_bits(),
            (Stored::F64(a), Stored::F64(b)) => a.to_bits() == b.to_bits(),
            (Stored::Str(a), Stored::Str(b)) => a == b,
            (Stored::Bytes(a), Stored::Bytes(b)) => a == b,
            (Stored::Shared(a), Stored::Shared(b)) if Arc::ptr_eq(a, b) => true,
            _ => self.key() == other.key() && same_value(self.get(), other.get()),
        }
    }
}

impl fmt::Debug for Stored<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

/// The same PostgreSQL type and the same binary bytes.
fn same_value(a: &dyn QueryValue, b: &dyn QueryValue) -> bool {
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
    fn builtin_types_are_the_values_own() {
        let policy = crate::Policy::default();
        let text = String::from("t");
        let bytes = vec![1_u8];
        for v in [
            Stored::new(true),
            Stored::new(1_i16),
            Stored::new(1_i32),
            Stored::new(1_i64),
            Stored::new(1.5_f32),
            Stored::new(1.5_f64),
            Stored::new("s"),
            Stored::borrowed(&text),
            Stored::borrowed(&bytes),
        ] {
            assert_eq!(v.builtin_type(), Some(v.get().pg_type(&policy)), "{v:?}");
        }
        assert_eq!(Stored::new(Some(1_i32)).builtin_type(), None);
    }

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
    fn borrowed_values_are_not_copied_until_kept() {
        let s = String::from("x");
        let v = vec![1_u8];
        let o = Some(5_i32);
        assert!(matches!(Stored::borrowed(&s), Stored::Str("x")));
        assert!(matches!(Stored::borrowed(&v), Stored::Bytes([1])));
        assert!(matches!(Stored::borrowed(&7_i64), Stored::I64(7)));
        assert!(matches!(Stored::borrowed(&o), Stored::Ref(_)));
        assert!(matches!(
            Stored::borrowed(&o).into_owned(),
            Stored::Shared(_)
        ));
        assert!(Stored::borrowed(&s).into_owned() == Stored::new(String::from("x")));
        assert!(Stored::borrowed(&o) == Stored::new(Some(5_i32)));
        assert_eq!(Stored::borrowed(&s).key(), TypeId::of::<String>());
        assert_eq!(Stored::new("x").key(), TypeId::of::<String>());
        assert_eq!(Stored::borrowed(&o).key(), TypeId::of::<Option<i32>>());
    }

    #[test]
    fn equality_as_before() {
        assert!(Stored::new(1_i64) == Stored::new(1_i64));
        assert!(Stored::new(1_i64) != Stored::new(1_i32));
        assert!(Stored::new(0.0_f64) != Stored::new(-0.0_f64));
        assert!(Stored::new(f64::NAN) == Stored::new(f64::NAN));
        assert!(
            Stored::new(1_i32) != Stored::new(Some(1_i32)),
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
