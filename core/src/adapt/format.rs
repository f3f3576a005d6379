//! Wire formats and the per-value context codecs work in.

use crate::Adapters;
use postgres_types::Type;

use super::Policy;

/// The two wire formats of PostgreSQL.
///
/// Binary is the fast path between drivers and the server; text is what
/// `SELECT x::text` prints, what literals are made of, and what simple-query
/// results and COPY text/CSV carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// The textual form, as `x::text` prints it.
    Text,
    /// The binary form of the type's `send`/`recv` functions.
    #[default]
    Binary,
}

impl Format {
    /// The protocol's format code: 0 for text, 1 for binary.
    pub const fn code(self) -> i16 {
        match self {
            Format::Text => 0,
            Format::Binary => 1,
        }
    }
}

impl From<Format> for postgres_types::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Text => postgres_types::Format::Text,
            Format::Binary => postgres_types::Format::Binary,
        }
    }
}

/// What a codec knows about the one value it handles: the PostgreSQL type,
/// the wire format, and the conversion policy in force.
///
/// A context is made once per column or parameter (resolve once, decode many)
/// and passed by reference to every value's `load` or `dump`.
///
/// Its fields can be read, but a context is built through its constructors
/// only ([`new`](Ctx::new), [`binary`](Ctx::binary), [`text`](Ctx::text)),
/// adjusted with [`with_policy`](Ctx::with_policy),
/// [`with_format`](Ctx::with_format) and [`with_type`](Ctx::with_type):
/// it is `#[non_exhaustive]`, so that what travels with a value can grow
/// without breaking code that makes contexts.
///
/// ```
/// use pgcast_core::{Ctx, Format, Load, Policy};
/// use postgres_types::Type;
///
/// let ctx = Ctx::new(&Type::INT4, Format::Text);
/// assert_eq!(i64::load(&ctx, b"-42").unwrap(), -42);
///
/// // Every combination of type, format and policy:
/// let policy = Policy::DEFAULT;
/// let ctx = Ctx::text(&Type::INT4).with_policy(&policy);
/// assert_eq!((ctx.ty, ctx.format), (&Type::INT4, Format::Text));
/// ```
///
/// Outside pgcast-core, a struct literal does not compile:
///
/// ```compile_fail
/// use pgcast_core::{Ctx, Format, Policy, Type};
///
/// let ctx = Ctx { ty: &Type::INT4, format: Format::Text, policy: &Policy::DEFAULT };
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Ctx<'a> {
    /// The PostgreSQL type of the value.
    pub ty: &'a Type,
    /// The wire format of the bytes.
    pub format: Format,
    /// The conversion policy in force.
    pub policy: &'a Policy,
    /// The scope the value is loaded or dumped in, when its adapters are
    /// needed below the top: a loader registered there applies to the
    /// values inside this one too (array elements, range bounds, a domain's
    /// base), wherever a [`Value`](crate::Value) is made. `None` (the
    /// constructors' default) means the built-in adapters.
    pub scope: Option<&'a Adapters>,
}

impl<'a> Ctx<'a> {
    /// A context with the default policy ([`Policy::DEFAULT`]).
    ///
    /// ```
    /// use pgcast_core::{Ctx, Format, Policy, Type};
    ///
    /// let ctx = Ctx::new(&Type::TEXT, Format::Binary);
    /// assert_eq!((ctx.ty, ctx.format), (&Type::TEXT, Format::Binary));
    /// assert_eq!(*ctx.policy, Policy::DEFAULT);
    /// ```
    pub const fn new(ty: &'a Type, format: Format) -> Ctx<'a> {
        Ctx {
            ty,
            format,
            policy: &Policy::DEFAULT,
            scope: None,
        }
    }

    /// A binary-format context with the default policy.
    ///
    /// ```
    /// use pgcast_core::{Ctx, Format, Load, Type};
    ///
    /// let ctx = Ctx::binary(&Type::INT2);
    /// assert_eq!(ctx.format, Format::Binary);
    /// assert_eq!(i16::load(&ctx, &[0, 7]).unwrap(), 7);
    /// ```
    pub const fn binary(ty: &'a Type) -> Ctx<'a> {
        Ctx::new(ty, Format::Binary)
    }

    /// A text-format context with the default policy.
    ///
    /// ```
    /// use pgcast_core::{Ctx, Format, Load, Type};
    ///
    /// let ctx = Ctx::text(&Type::BOOL);
    /// assert_eq!(ctx.format, Format::Text);
    /// assert!(bool::load(&ctx, b"t").unwrap());
    /// ```
    pub const fn text(ty: &'a Type) -> Ctx<'a> {
        Ctx::new(ty, Format::Text)
    }

    /// The same context with another policy.
    ///
    /// ```
    /// use pgcast_core::{Ctx, Load, NumericPolicy, Policy, Type};
    ///
    /// let policy = Policy {
    ///     numeric: NumericPolicy::Float,
    ///     ..Policy::DEFAULT
    /// };
    /// let ctx = Ctx::text(&Type::NUMERIC).with_policy(&policy);
    /// assert_eq!(ctx.policy.numeric, NumericPolicy::Float);
    /// assert_eq!(f64::load(&ctx, b"0.5").unwrap(), 0.5);
    /// ```
    pub const fn with_policy(self, policy: &'a Policy) -> Ctx<'a> {
        Ctx { policy, ..self }
    }

    /// The same context in another wire format.
    ///
    /// ```
    /// use pgcast_core::{Ctx, Format, Type};
    ///
    /// let ctx = Ctx::binary(&Type::INT8).with_format(Format::Text);
    /// assert_eq!((ctx.ty, ctx.format), (&Type::INT8, Format::Text));
    /// ```
    pub const fn with_format(self, format: Format) -> Ctx<'a> {
        Ctx { format, ..self }
    }

    /// The same context for another type (an array's element, a range's
    /// bound), format and policy kept.
    ///
    /// ```
    /// use pgcast_core::{Ctx, Format, Type};
    ///
    /// let array = Ctx::text(&Type::INT4_ARRAY);
    /// let element = array.with_type(&Type::INT4);
    /// assert_eq!((element.ty, element.format), (&Type::INT4, Format::Text));
    /// ```
    pub const fn with_type<'b>(&self, ty: &'b Type) -> Ctx<'b>
    where
        'a: 'b,
    {
        Ctx {
            ty,
            format: self.format,
            policy: self.policy,
            scope: self.scope,
        }
    }

    /// The same context in a scope: its policy, and its registered
    /// adapters for the values nested inside this one.
    ///
    /// ```
    /// use pgcast_core::{Adapters, Ctx, Type};
    ///
    /// let scope = Adapters::global().scope();
    /// let ctx = Ctx::binary(&Type::INT4_ARRAY).with_scope(&scope);
    /// assert!(ctx.scope.is_some());
    /// assert!(ctx.with_type(&Type::INT4).scope.is_some(), "elements keep it");
    /// ```
    pub fn with_scope(self, scope: &'a Adapters) -> Ctx<'a> {
        Ctx {
            policy: scope.policy(),
            scope: Some(scope),
            ..self
        }
    }
}
