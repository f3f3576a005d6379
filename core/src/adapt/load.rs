//! Loading: PostgreSQL wire bytes → Rust values.

use crate::{Ctx, Error, Result};

/// A Rust type that can be decoded from PostgreSQL wire bytes.
///
/// `check` runs once per column when a result is planned (type fit and
/// policy); `load` then runs for every value and is the hot path. `load` also
/// validates on its own, so a direct call never panics or reads past the
/// bytes: every failure is an [`Error`].
///
/// The lifetime `'a` lets borrowed types (`&'a str`, `&'a [u8]`) point into
/// the row's buffer without copying.
///
/// ```
/// use pgcast_core::{Ctx, Format, Load};
/// use postgres_types::Type;
///
/// let ctx = Ctx::new(&Type::TEXT, Format::Binary);
/// let s: &str = Load::load(&ctx, b"hello").unwrap();
/// assert_eq!(s, "hello");
/// assert!(<i32 as Load>::check(&ctx).is_err());
/// assert_eq!(Option::<i32>::load_opt(&Ctx::binary(&Type::INT4), None).unwrap(), None);
/// ```
pub trait Load<'a>: Sized {
    /// Whether this type can load values described by `ctx` (type and
    /// policy). Called once per column, before any row.
    fn check(ctx: &Ctx<'_>) -> Result<()>;

    /// Decodes one non-NULL value.
    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Self>;

    /// The value for SQL NULL: an error unless the type can represent it.
    fn load_null(ctx: &Ctx<'_>) -> Result<Self> {
        Err(Error::unexpected_null::<Self>(ctx.ty))
    }

    /// Decodes a value that may be NULL.
    #[inline]
    fn load_opt(ctx: &Ctx<'_>, raw: Option<&'a [u8]>) -> Result<Self> {
        match raw {
            Some(raw) => Self::load(ctx, raw),
            None => Self::load_null(ctx),
        }
    }
}

impl<'a, T: Load<'a>> Load<'a> for Option<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        T::check(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Self> {
        T::load(ctx, raw).map(Some)
    }

    #[inline]
    fn load_null(_: &Ctx<'_>) -> Result<Self> {
        Ok(None)
    }
}

impl<'a, T: Load<'a>> Load<'a> for Box<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        T::check(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Self> {
        T::load(ctx, raw).map(Box::new)
    }

    fn load_null(ctx: &Ctx<'_>) -> Result<Self> {
        T::load_null(ctx).map(Box::new)
    }
}

impl<'a, T: Load<'a>> Load<'a> for std::sync::Arc<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        T::check(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Self> {
        T::load(ctx, raw).map(std::sync::Arc::new)
    }

    fn load_null(ctx: &Ctx<'_>) -> Result<Self> {
        T::load_null(ctx).map(std::sync::Arc::new)
    }
}

impl<'a, T: Load<'a>> Load<'a> for std::rc::Rc<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        T::check(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Self> {
        T::load(ctx, raw).map(std::rc::Rc::new)
    }

    fn load_null(ctx: &Ctx<'_>) -> Result<Self> {
        T::load_null(ctx).map(std::rc::Rc::new)
    }
}

/// A type that can be loaded from values borrowed for any lifetime: the
/// owned types (`String`, `i64`, …), for APIs that drop the row's buffer.
pub trait LoadOwned: for<'a> Load<'a> {}

impl<T> LoadOwned for T where T: for<'a> Load<'a> {}
