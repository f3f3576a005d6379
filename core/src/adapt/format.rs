//! Wire formats and the per-value context codecs work in.

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
/// ```
/// use pgcast_core::{Ctx, Format, Load};
/// use postgres_types::Type;
///
/// let ctx = Ctx::new(&Type::INT4, Format::Text);
/// assert_eq!(i64::load(&ctx, b"-42").unwrap(), -42);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    /// The PostgreSQL type of the value.
    pub ty: &'a Type,
    /// The wire format of the bytes.
    pub format: Format,
    /// The conversion policy in force.
    pub policy: &'a Policy,
}

impl<'a> Ctx<'a> {
    /// A context with the default policy.
    pub const fn new(ty: &'a Type, format: Format) -> Ctx<'a> {
        Ctx {
            ty,
            format,
            policy: &Policy::DEFAULT,
        }
    }

    /// A binary-format context with the default policy.
    pub const fn binary(ty: &'a Type) -> Ctx<'a> {
        Ctx::new(ty, Format::Binary)
    }

    /// A text-format context with the default policy.
    pub const fn text(ty: &'a Type) -> Ctx<'a> {
        Ctx::new(ty, Format::Text)
    }

    /// The same context with another policy.
    pub const fn with_policy(self, policy: &'a Policy) -> Ctx<'a> {
        Ctx { policy, ..self }
    }

    /// The same context for another type (an array's element, a range's bound).
    pub const fn with_type<'b>(&self, ty: &'b Type) -> Ctx<'b>
    where
        'a: 'b,
    {
        Ctx {
            ty,
            format: self.format,
            policy: self.policy,
        }
    }
}
