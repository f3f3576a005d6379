//! Support for the code `sql!` generates; not a public API.

use std::borrow::Cow;

use super::composed::Kind;
use super::{Bound, Composable, Composed, Identifier, Literal, Placeholder, Sql, SqlValue, bind};

/// `{x}`: a value is bound as a parameter; a composable goes in as it is.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a `{{x}}` hole of `sql!`",
    label = "not a value to bind nor a composable",
    note = "a `{{x}}` hole takes a value with a `Dump` impl (bound as `$n`) or a composable (`Sql`, `Identifier`, `Literal`, `Placeholder`, `Bound`, `Composed`); values must be owned (`'static`)"
)]
pub trait BindHole {
    /// Appends `self` to the query.
    fn push_bind(self, q: &mut Composed);

    /// Appends `self`, a value captured from the variable `name` (query
    /// logs show or redact values by name).
    #[inline]
    fn push_bind_named(self, _name: &'static str, q: &mut Composed)
    where
        Self: Sized,
    {
        self.push_bind(q);
    }
}

impl<T: SqlValue> BindHole for T {
    #[inline]
    fn push_bind(self, q: &mut Composed) {
        q.push_kind(Kind::Bound(bind(self)));
    }

    #[inline]
    fn push_bind_named(self, name: &'static str, q: &mut Composed) {
        q.push_kind(Kind::Bound(bind(self).named(name)));
    }
}

macro_rules! as_is {
    ($trait:ident :: $method:ident for $($t:ty),*) => {$(
        impl $trait for $t {
            #[inline]
            fn $method(self, q: &mut Composed) {
                q.push(self);
            }
        }
    )*};
}

as_is!(BindHole::push_bind for Sql, Identifier, Literal, Placeholder, Bound, Composed);

/// `{x:l}`: a value written as a literal.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a `{{x:l}}` hole of `sql!`",
    label = "not a value with a text dumper",
    note = "a `{{x:l}}` hole takes a value with a `Dump` impl or a `Literal`; values must be owned (`'static`)"
)]
pub trait LiteralHole {
    /// Appends `self` to the query.
    fn push_literal(self, q: &mut Composed);
}

impl<T: SqlValue> LiteralHole for T {
    #[inline]
    fn push_literal(self, q: &mut Composed) {
        q.push_kind(Kind::Literal(Literal::new(self)));
    }
}

as_is!(LiteralHole::push_literal for Literal);

/// `{x:i}`: a name, quoted as an identifier; taken by reference.
pub trait IdentHole {
    /// Appends `self` to the query.
    fn push_ident(&self, q: &mut Composed);
}

impl IdentHole for str {
    #[inline]
    fn push_ident(&self, q: &mut Composed) {
        q.push_ident_str(self);
    }
}

impl IdentHole for String {
    #[inline]
    fn push_ident(&self, q: &mut Composed) {
        self.as_str().push_ident(q);
    }
}

impl IdentHole for Cow<'_, str> {
    #[inline]
    fn push_ident(&self, q: &mut Composed) {
        (**self).push_ident(q);
    }
}

impl IdentHole for Identifier {
    #[inline]
    fn push_ident(&self, q: &mut Composed) {
        q.push_identifier(self);
    }
}

impl<T: IdentHole + ?Sized> IdentHole for &T {
    #[inline]
    fn push_ident(&self, q: &mut Composed) {
        (**self).push_ident(q);
    }
}

/// `{x:q}`: a nested composable; taken by reference (the macro calls it
/// with method syntax, so references to composables auto-deref).
pub trait QueryHole {
    /// Appends `self` to the query.
    fn push_query(&self, q: &mut Composed);
}

impl<C: Composable> QueryHole for C {
    #[inline]
    fn push_query(&self, q: &mut Composed) {
        self.append_ref_to(q);
    }
}

/// An empty query sized for `pieces` pieces and `text` bytes of trusted text
/// and quoted identifiers (what `sql!` computes from its format string).
#[inline]
pub fn with_capacity(pieces: usize, text: usize) -> Composed {
    Composed::with_capacities(pieces, text)
}
