//! [`Placeholder`] and [`Bound`]: parameters rendered as `$n`.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::stored::{SharedValue, Stored};
use super::{QueryValue, SqlValue};

/// A parameter whose value is supplied at execution, rendered as `$n`.
///
/// Each positional placeholder is a new `$n`; a named placeholder used twice
/// is one `$n`. [`Rendered::supply`](super::Rendered::supply) fills them in.
///
/// ```
/// use pgcast_core::sql::{bind, Composable, Placeholder, Sql};
///
/// let since = Placeholder::named("since");
/// let q = Sql::new("a > ") + since.clone() + Sql::new(" AND b = ") + bind(1_i32)
///     + Sql::new(" AND c > ") + since + Sql::new(" LIMIT ") + Placeholder::positional();
/// assert_eq!(q.render().unwrap().text(), "a > $1 AND b = $2 AND c > $1 LIMIT $3");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Placeholder(pub(crate) Kind);

#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Positional,
    Named(Cow<'static, str>),
}

impl Placeholder {
    /// An anonymous placeholder: the next `$n`, its value given by position
    /// among the positional placeholders of the query (0, 1, …).
    pub const fn positional() -> Placeholder {
        Placeholder(Kind::Positional)
    }

    /// A named placeholder: every use of the name is the same `$n`.
    pub fn named(name: impl Into<Cow<'static, str>>) -> Placeholder {
        Placeholder(Kind::Named(name.into()))
    }

    /// The name, for a named placeholder.
    pub fn name(&self) -> Option<&str> {
        match &self.0 {
            Kind::Positional => None,
            Kind::Named(name) => Some(name),
        }
    }
}

impl fmt::Debug for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Positional => f.write_str("Placeholder(positional)"),
            Kind::Named(name) => write!(f, "Placeholder({name:?})"),
        }
    }
}

/// A parameter that carries its value: rendered as `$n`, the value goes in
/// the parameter list. Made by [`bind`] (an owned value) or [`bind_ref`] (a
/// value borrowed for `'a`, the life of the query).
///
/// Two bound values are equal when they are the same value, or have the same
/// Rust type and dump to the same PostgreSQL type and the same binary bytes
/// under the default policy (so `bind(1_i64) == bind(1_i64)` but
/// `bind(1_i64) != bind(1_i32)`); a value that fails to dump equals only itself.
/// A string or bytes equals the same string or bytes, owned or borrowed.
/// The same rule applies to [`Literal`](super::Literal).
///
/// ```
/// use pgcast_core::sql::{bind, bind_ref};
///
/// assert_eq!(bind(1_i64), bind(1_i64));
/// assert_ne!(bind(1_i64), bind(1_i32));
/// let name = String::from("x");
/// assert_eq!(bind_ref(&name), bind("x"));
/// assert_eq!(format!("{:?}", bind("x")), r#"Bound("x")"#);
/// ```
#[derive(Clone)]
pub struct Bound<'a>(pub(crate) Stored<'a>, pub(crate) Option<Cow<'static, str>>);

/// Binds `value` as a parameter: it renders as `$n` and travels in the
/// parameter list, never in the query text. The query owns the value; to
/// lend it instead, see [`bind_ref`].
///
/// ```
/// use pgcast_core::sql::{bind, Composable, Sql};
///
/// let r = (Sql::new("SELECT ") + bind("'; DROP TABLE users; --")).render().unwrap();
/// assert_eq!(r.text(), "SELECT $1");
/// ```
pub fn bind(value: impl SqlValue) -> Bound<'static> {
    Bound(Stored::new(value), None)
}

/// Binds a value borrowed for the life of the query: nothing is copied while
/// the query is built and rendered (what `sql!` does with the variables it
/// captures). Takes `&str`, `&[u8]` and a reference to any `Clone` value
/// with a [`Dump`](crate::Dump); a query that outlives the borrow
/// ([`Composed::into_owned`](super::Composed::into_owned)) copies it once.
///
/// ```
/// use pgcast_core::sql::{bind_ref, Composed, Sql};
///
/// fn by_email(email: &str) -> Composed<'_> {
///     Composed::from(Sql::new("SELECT id FROM users WHERE email = ")) + bind_ref(email)
/// }
/// let email = String::from("ann@example.com");
/// let r = by_email(&email).render().unwrap();
/// assert_eq!(r.text(), "SELECT id FROM users WHERE email = $1");
/// ```
pub fn bind_ref<'a, T: BindRef + ?Sized>(value: &'a T) -> Bound<'a> {
    value.bound()
}

/// What [`bind_ref`] takes: `str`, `[u8]`, and every `Clone` value with a
/// [`Dump`](crate::Dump) (see [`SqlValue`]). Implemented for all of them;
/// there is nothing to implement by hand.
pub trait BindRef {
    /// [`bind_ref`] of this.
    fn bound(&self) -> Bound<'_>;
}

impl<T: SharedValue> BindRef for T {
    #[inline]
    fn bound(&self) -> Bound<'_> {
        Bound(Stored::borrowed(self), None)
    }
}

impl BindRef for str {
    #[inline]
    fn bound(&self) -> Bound<'_> {
        Bound(Stored::Str(self), None)
    }
}

impl BindRef for [u8] {
    #[inline]
    fn bound(&self) -> Bound<'_> {
        Bound(Stored::Bytes(self), None)
    }
}

impl<'a> Bound<'a> {
    /// The value.
    #[inline]
    pub fn value(&self) -> &(dyn QueryValue + 'a) {
        self.0.get()
    }

    /// The value behind an `Arc`, for keeping it beyond the query (a
    /// borrowed value is copied).
    pub fn shared(&self) -> Arc<dyn SqlValue> {
        self.0.shared()
    }

    /// The same value, owned: a borrowed value is copied once.
    pub fn into_owned(self) -> Bound<'static> {
        Bound(self.0.into_owned(), self.1)
    }

    /// The same value under a name: the placeholder it filled
    /// ([`Composed::with`](super::Composed::with)) or the variable `sql!`
    /// captured it from. Query logs can show or redact values by name.
    ///
    /// ```
    /// use pgcast_core::sql::bind;
    ///
    /// assert_eq!(bind(1).named("id").name(), Some("id"));
    /// assert_eq!(bind(1).name(), None);
    /// ```
    pub fn named(self, name: impl Into<Cow<'static, str>>) -> Bound<'a> {
        Bound(self.0, Some(name.into()))
    }

    /// The name, if the value has one.
    pub fn name(&self) -> Option<&str> {
        self.1.as_deref()
    }
}

impl<T: SqlValue> From<T> for Bound<'_> {
    /// [`bind`] of `value`.
    fn from(value: T) -> Self {
        Bound(Stored::new(value), None)
    }
}

impl PartialEq for Bound<'_> {
    fn eq(&self, other: &Bound<'_>) -> bool {
        self.0 == other.0
    }
}

impl fmt::Debug for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Bound").field(&self.0).finish()
    }
}
