//! Support for the code `sql!` generates; not a public API.

use std::borrow::Cow;

use super::stored::Stored;
use super::{BindRef, Bound, Composable, Composed, Identifier, Literal, SqlValue, bind};

// `{x}` holes choose what to do by the type of the value, with the
// compiler's method lookup (autoref dispatch): `sql!` calls
// `(&&Kind::of(&x)).__pgcast_kind()`, which finds, in this order,
//
// 1. `RefTag` for a reference `&'b U` to a bindable value: bound for `'b`,
//    nothing copied; `ScalarTag` for a small `Copy` scalar: copied;
// 2. `ComposableTag` for a composable (`Sql`, `Identifier`, `Bound`, …):
//    appended as it is;
// 3. `OwnedTag` for anything else, found one dereference later: a captured
//    variable is borrowed for the query's life, a value given as an
//    argument is moved into the query.

/// The type of a hole's value, for choosing how to append it.
pub struct Kind<T: ?Sized>(std::marker::PhantomData<fn() -> *const T>);

impl<T: ?Sized> Kind<T> {
    /// The kind of `value`'s type.
    #[inline]
    pub fn of(_: &T) -> Kind<T> {
        Kind(std::marker::PhantomData)
    }
}

/// Found first: a reference to a bindable value.
pub trait RefKind {
    /// The tag.
    #[inline]
    fn __pgcast_kind(&self) -> RefTag {
        RefTag
    }
}

impl<U: BindRef + ?Sized> RefKind for &Kind<&U> {}

/// Found first too: a small `Copy` scalar, bound by value whether given or
/// captured, so a query of scalars borrows nothing.
pub trait ScalarKind {
    /// The tag.
    #[inline]
    fn __pgcast_kind(&self) -> ScalarTag {
        ScalarTag
    }
}

/// The scalars `sql!` copies instead of borrowing.
pub trait Scalar: SqlValue + Copy {}

macro_rules! scalars {
    ($($t:ty),*) => {$(
        impl Scalar for $t {}
    )*};
}

scalars!(bool, i16, i32, i64, f32, f64);

impl<T: Scalar> ScalarKind for &Kind<T> {}

/// Appends a scalar, copied.
pub struct ScalarTag;

impl ScalarTag {
    /// An argument's value.
    #[inline]
    pub fn push_arg<T: Scalar>(self, value: T, name: Option<&'static str>, q: &mut Composed<'_>) {
        push_scalar(value, name, q);
    }

    /// A captured variable's value.
    #[inline]
    pub fn push_captured<T: Scalar>(
        self,
        value: &T,
        name: Option<&'static str>,
        q: &mut Composed<'_>,
    ) {
        push_scalar(*value, name, q);
    }

    /// A captured variable's value, as a literal.
    #[inline]
    pub fn push_captured_literal<T: Scalar>(self, value: &T, q: &mut Composed<'_>) {
        q.push_literal(Stored::new(*value));
    }
}

/// Found second: a composable.
pub trait ComposableKind {
    /// The tag.
    #[inline]
    fn __pgcast_kind(&self) -> ComposableTag {
        ComposableTag
    }
}

impl<C: Composable> ComposableKind for &Kind<C> {}

/// Found last: anything else, bound by value or by reference.
pub trait OwnedKind {
    /// The tag.
    #[inline]
    fn __pgcast_kind(&self) -> OwnedTag {
        OwnedTag
    }
}

impl<T> OwnedKind for Kind<T> {}

/// Appends a reference as a value bound for the reference's life.
pub struct RefTag;

impl RefTag {
    /// An argument's value.
    #[inline]
    pub fn push_arg<'b, U: BindRef + ?Sized>(
        self,
        value: &'b U,
        name: Option<&'static str>,
        q: &mut Composed<'b>,
    ) {
        push_ref(value, name, q);
    }

    /// A captured variable's value (a reference itself).
    #[inline]
    pub fn push_captured<'b, U: BindRef + ?Sized>(
        self,
        value: &&'b U,
        name: Option<&'static str>,
        q: &mut Composed<'b>,
    ) {
        push_ref(*value, name, q);
    }

    /// A captured variable's value (a reference itself), as a literal.
    #[inline]
    pub fn push_captured_literal<'b, U: BindRef + ?Sized>(
        self,
        value: &&'b U,
        q: &mut Composed<'b>,
    ) {
        q.push_literal((*value).bound().0);
    }
}

/// Appends a composable.
pub struct ComposableTag;

impl ComposableTag {
    /// An argument's value, moved in.
    #[inline]
    pub fn push_arg<'q, C: Composable + 'q>(
        self,
        value: C,
        _name: Option<&'static str>,
        q: &mut Composed<'q>,
    ) {
        value.append_to(q);
    }

    /// A captured variable's value, copied in.
    #[inline]
    pub fn push_captured<'q, C: Composable + 'q>(
        self,
        value: &C,
        _name: Option<&'static str>,
        q: &mut Composed<'q>,
    ) {
        value.append_ref_to(q);
    }

    /// A captured `Literal`, copied in.
    #[inline]
    pub fn push_captured_literal<C: LiteralPiece>(self, value: &C, q: &mut Composed<'_>) {
        value.push_literal_piece(q);
    }
}

/// Appends a value: moved in when given as an argument, borrowed when
/// captured.
pub struct OwnedTag;

impl OwnedTag {
    /// An argument's value, moved in.
    #[inline]
    pub fn push_arg<T: BindHole>(self, value: T, name: Option<&'static str>, q: &mut Composed<'_>) {
        push_bound(value.into_bound(), name, q);
    }

    /// A captured variable's value, borrowed for the query's life.
    #[inline]
    pub fn push_captured<'b, T: CapturedHole>(
        self,
        value: &'b T,
        name: Option<&'static str>,
        q: &mut Composed<'b>,
    ) {
        push_bound(value.borrow_bound(), name, q);
    }

    /// A captured variable's value as a literal, borrowed for the query's
    /// life.
    #[inline]
    pub fn push_captured_literal<'b, T: CapturedLiteral>(self, value: &'b T, q: &mut Composed<'b>) {
        value.push_captured_literal(q);
    }
}

#[inline]
fn push_bound<'q>(bound: Bound<'q>, name: Option<&'static str>, q: &mut Composed<'q>) {
    q.push_bound(named(bound, name));
}

#[inline(always)]
fn named<'q>(bound: Bound<'q>, name: Option<&'static str>) -> Bound<'q> {
    match name {
        Some(name) => bound.named(name),
        None => bound,
    }
}

// The two below take the value itself, a scalar or a reference (in
// registers), and make its `Bound` where the query keeps it: a `Bound`
// made here and passed on would travel through memory, and copying it
// right after it was stored stalls (see `Composed::push_bound_with`).
// Not inlined, so that the caller does not make it on its stack again.

/// Appends a scalar, bound by value.
#[inline(never)]
fn push_scalar<T: Scalar>(value: T, name: Option<&'static str>, q: &mut Composed<'_>) {
    q.push_bound_with(move || named(bind(value), name));
}

/// Appends a reference, bound for its life.
#[inline(never)]
fn push_ref<'b, U: BindRef + ?Sized>(
    value: &'b U,
    name: Option<&'static str>,
    q: &mut Composed<'b>,
) {
    q.push_bound_with(move || named(value.bound(), name));
}

/// `{x}` given an owned value: bound as a parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a `{{x}}` hole of `sql!`",
    label = "not a value to bind nor a composable",
    note = "a `{{x}}` hole takes a value with a `Dump` impl (bound as `$n`), a reference to one (`&str`, `&[u8]`, `&T`), or a composable (`Sql`, `Identifier`, `Literal`, `Placeholder`, `Bound`, `Composed`)"
)]
pub trait BindHole {
    /// The value, bound.
    fn into_bound(self) -> Bound<'static>;
}

impl<T: SqlValue> BindHole for T {
    #[inline]
    fn into_bound(self) -> Bound<'static> {
        bind(self)
    }
}

/// `{x}` capturing a variable: bound by reference.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a `{{x}}` hole of `sql!`",
    label = "not a value to bind nor a composable",
    note = "a `{{x}}` hole takes a value with a `Dump` impl that is `Clone` (bound as `$n`, borrowed for the query's life), a reference to one (`&str`, `&[u8]`, `&T`), or a composable (`Sql`, `Identifier`, `Literal`, `Placeholder`, `Bound`, `Composed`)"
)]
pub trait CapturedHole {
    /// The value, bound by reference.
    fn borrow_bound(&self) -> Bound<'_>;
}

impl<T: BindRef> CapturedHole for T {
    #[inline]
    fn borrow_bound(&self) -> Bound<'_> {
        self.bound()
    }
}

/// `{x:l}`: a value written as a literal.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a `{{x:l}}` hole of `sql!`",
    label = "not a value with a text dumper",
    note = "a `{{x:l}}` hole takes a value with a `Dump` impl or a `Literal`; a value given as an argument is moved into the query"
)]
pub trait LiteralHole {
    /// Appends `self` to the query.
    fn push_literal(self, q: &mut Composed<'_>);
}

impl<T: SqlValue> LiteralHole for T {
    #[inline]
    fn push_literal(self, q: &mut Composed<'_>) {
        q.push_literal(Stored::new(self));
    }
}

impl LiteralHole for Literal {
    #[inline]
    fn push_literal(self, q: &mut Composed<'_>) {
        q.push_literal(self.0);
    }
}

/// `{x:l}` capturing a variable that is neither a reference, a scalar nor
/// a `Literal`: written from a borrow, for the query's life.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a `{{x:l}}` hole of `sql!`",
    label = "not a value with a text dumper",
    note = "a `{{x:l}}` hole takes a value with a `Dump` impl (a captured variable is borrowed for the query's life), a reference to one (`&str`, `&[u8]`, `&T`), or a `Literal`"
)]
pub trait CapturedLiteral {
    /// Appends `self`, borrowed, as a literal.
    fn push_captured_literal<'b>(&'b self, q: &mut Composed<'b>);
}

impl<T: BindRef> CapturedLiteral for T {
    #[inline]
    fn push_captured_literal<'b>(&'b self, q: &mut Composed<'b>) {
        q.push_literal(self.bound().0);
    }
}

/// The composables a `{x:l}` hole takes: a [`Literal`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a `{{x:l}}` hole of `sql!`",
    label = "a composable other than a `Literal`",
    note = "a `{{x:l}}` hole takes a value with a `Dump` impl, a reference to one, or a `Literal`; write other pieces in a `{{x}}` or `{{x:q}}` hole"
)]
pub trait LiteralPiece {
    /// Appends a copy of `self`.
    fn push_literal_piece(&self, q: &mut Composed<'_>);
}

impl LiteralPiece for Literal {
    #[inline]
    fn push_literal_piece(&self, q: &mut Composed<'_>) {
        q.push_literal(self.0.clone());
    }
}

/// `{x:i}`: a name, quoted as an identifier; taken by reference.
pub trait IdentHole {
    /// Appends `self` to the query.
    fn push_ident(&self, q: &mut Composed<'_>);
}

impl IdentHole for str {
    #[inline(always)]
    fn push_ident(&self, q: &mut Composed<'_>) {
        q.push_ident_str(self);
    }
}

impl IdentHole for String {
    #[inline(always)]
    fn push_ident(&self, q: &mut Composed<'_>) {
        self.as_str().push_ident(q);
    }
}

impl IdentHole for Cow<'_, str> {
    #[inline]
    fn push_ident(&self, q: &mut Composed<'_>) {
        (**self).push_ident(q);
    }
}

impl IdentHole for Identifier {
    #[inline]
    fn push_ident(&self, q: &mut Composed<'_>) {
        q.push_identifier(self);
    }
}

impl<T: IdentHole + ?Sized> IdentHole for &T {
    #[inline(always)]
    fn push_ident(&self, q: &mut Composed<'_>) {
        (**self).push_ident(q);
    }
}

/// `{x:q}`: a nested composable; taken by reference (the macro calls it
/// with method syntax, so references to composables auto-deref).
pub trait QueryHole {
    /// Appends `self` to the query.
    fn push_query<'q>(&self, q: &mut Composed<'q>)
    where
        Self: 'q;
}

impl<C: Composable> QueryHole for C {
    #[inline]
    fn push_query<'q>(&self, q: &mut Composed<'q>)
    where
        Self: 'q,
    {
        self.append_ref_to(q);
    }
}

/// An empty query sized for `pieces` pieces, `bound` of them bound values,
/// and `text` bytes of trusted text and quoted identifiers (what `sql!`
/// computes from its format string).
#[inline]
pub fn with_capacity<'q>(pieces: usize, text: usize, bound: usize) -> Composed<'q> {
    Composed::with_room(pieces, text, bound)
}
