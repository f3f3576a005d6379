//! [`Composed`] and the [`Composable`] trait every piece implements.

use std::fmt;
use std::ops::{Add, AddAssign};

use super::render::{self, Rendered};
use super::{Bound, Identifier, Literal, Placeholder, Sql};
use crate::{Adapters, Result};

/// One piece of a composed query.
#[derive(Clone, PartialEq)]
pub(crate) enum Piece {
    Sql(Sql),
    Identifier(Identifier),
    Literal(Literal),
    Placeholder(Placeholder),
    Bound(Bound),
}

impl fmt::Debug for Piece {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Piece::Sql(p) => p.fmt(f),
            Piece::Identifier(p) => p.fmt(f),
            Piece::Literal(p) => p.fmt(f),
            Piece::Placeholder(p) => p.fmt(f),
            Piece::Bound(p) => p.fmt(f),
        }
    }
}

/// A sequence of pieces: what `+`, [`Sql::join`], [`Sql::format`] and `sql!`
/// build. Nested sequences are flattened, so `a + (b + c) == (a + b) + c`.
///
/// ```
/// use pgcast_core::sql::{bind, Composable, Composed, Identifier, Sql};
///
/// let mut q = Composed::new();
/// q.push(Sql::new("SELECT * FROM "));
/// q.push(Identifier::new("t"));
/// q += Sql::new(" WHERE x = ") + bind(5_i32);
/// assert_eq!(q.render().unwrap().text(), r#"SELECT * FROM "t" WHERE x = $1"#);
/// assert_eq!(
///     format!("{q:?}"),
///     r#"Composed([Sql("SELECT * FROM "), Identifier("t"), Sql(" WHERE x = "), Bound(5)])"#
/// );
/// ```
#[derive(Clone, PartialEq, Default)]
pub struct Composed {
    pub(crate) pieces: Vec<Piece>,
}

impl Composed {
    /// An empty sequence.
    pub const fn new() -> Composed {
        Composed { pieces: Vec::new() }
    }

    /// An empty sequence with room for `pieces` pieces.
    pub fn with_capacity(pieces: usize) -> Composed {
        Composed {
            pieces: Vec::with_capacity(pieces),
        }
    }

    /// Appends a piece or a whole sequence.
    #[inline]
    pub fn push(&mut self, piece: impl Composable) -> &mut Composed {
        piece.append_to(self);
        self
    }

    /// Appends trusted SQL text (what `sql!` emits between its holes).
    #[inline]
    pub fn push_sql(&mut self, text: &'static str) -> &mut Composed {
        self.pieces.push(Piece::Sql(Sql::new(text)));
        self
    }

    /// The number of pieces.
    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    /// Whether there are no pieces.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The pieces joined with `sep` between each two (psycopg's `Composed.join`).
    ///
    /// ```
    /// use pgcast_core::sql::{Composable, Identifier};
    ///
    /// let q = (Identifier::new("a") + Identifier::new("b")).join(", ");
    /// assert_eq!(q.render_inline().unwrap(), r#""a", "b""#);
    /// ```
    pub fn join(self, sep: impl Into<Sql>) -> Composed {
        let sep = sep.into();
        let mut out = Composed::with_capacity(self.pieces.len().saturating_mul(2));
        for (i, piece) in self.pieces.into_iter().enumerate() {
            if i > 0 {
                out.pieces.push(Piece::Sql(sep.clone()));
            }
            out.pieces.push(piece);
        }
        out
    }

    /// How many `$n` this sequence renders at most (named placeholders used
    /// twice count twice).
    pub fn param_count_upper_bound(&self) -> usize {
        self.pieces
            .iter()
            .filter(|p| matches!(p, Piece::Placeholder(_) | Piece::Bound(_)))
            .count()
    }

    /// Renders the query text with `$1..$n` and the parameter list, with the
    /// global adapters.
    pub fn render(&self) -> Result<Rendered> {
        render::render(&self.pieces, &Adapters::global())
    }

    /// Renders with the dumpers and policy of `scope`.
    pub fn render_with(&self, scope: &Adapters) -> Result<Rendered> {
        render::render(&self.pieces, scope)
    }

    /// Renders with every bound value inlined as a literal, for logging and
    /// text-only protocols; placeholders without a value stay `$n`.
    ///
    /// ```
    /// use pgcast_core::sql::{bind, Composable, Placeholder, Sql};
    ///
    /// let q = Sql::new("SELECT ") + bind("it's") + Sql::new(", ") + Placeholder::named("x");
    /// assert_eq!(q.render_inline().unwrap(), "SELECT 'it''s', $1");
    /// ```
    pub fn render_inline(&self) -> Result<String> {
        render::render_inline(&self.pieces, &Adapters::global())
    }

    /// [`render_inline`](Self::render_inline) with the dumpers and policy of `scope`.
    pub fn render_inline_with(&self, scope: &Adapters) -> Result<String> {
        render::render_inline(&self.pieces, scope)
    }
}

impl fmt::Debug for Composed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Composed").field(&self.pieces).finish()
    }
}

/// Anything that composes into a query: the pieces and [`Composed`] itself.
///
/// Implement [`append_to`](Self::append_to) to make a type of your own
/// composable; the rendering methods come with it.
///
/// ```
/// use pgcast_core::sql::{bind, Composable, Composed, Identifier, Sql};
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct Between(&'static str, i64, i64);
///
/// impl Composable for Between {
///     fn append_to(self, q: &mut Composed) {
///         q.push(Identifier::new(self.0) + Sql::new(" BETWEEN ") + bind(self.1)
///             + Sql::new(" AND ") + bind(self.2));
///     }
/// }
///
/// let q = Sql::new("WHERE ") + Between("age", 18, 65);
/// assert_eq!(q.render().unwrap().text(), r#"WHERE "age" BETWEEN $1 AND $2"#);
/// ```
pub trait Composable: Clone + fmt::Debug + PartialEq + Sized {
    /// Appends this to `target`.
    fn append_to(self, target: &mut Composed);

    /// This as a [`Composed`] sequence.
    fn into_composed(self) -> Composed {
        let mut c = Composed::new();
        self.append_to(&mut c);
        c
    }

    /// [`Composed::render`] of this.
    fn render(&self) -> Result<Rendered> {
        self.clone().into_composed().render()
    }

    /// [`Composed::render_with`] of this.
    fn render_with(&self, scope: &Adapters) -> Result<Rendered> {
        self.clone().into_composed().render_with(scope)
    }

    /// [`Composed::render_inline`] of this.
    fn render_inline(&self) -> Result<String> {
        self.clone().into_composed().render_inline()
    }

    /// [`Composed::render_inline_with`] of this.
    fn render_inline_with(&self, scope: &Adapters) -> Result<String> {
        self.clone().into_composed().render_inline_with(scope)
    }
}

impl Composable for Composed {
    fn append_to(mut self, target: &mut Composed) {
        if target.pieces.is_empty() {
            *target = self;
        } else {
            target.pieces.append(&mut self.pieces);
        }
    }

    fn into_composed(self) -> Composed {
        self
    }
}

macro_rules! piece {
    ($($t:ident),*) => {$(
        impl Composable for $t {
            #[inline]
            fn append_to(self, target: &mut Composed) {
                target.pieces.push(Piece::$t(self));
            }
        }

        impl From<$t> for Composed {
            fn from(piece: $t) -> Composed {
                Composed { pieces: vec![Piece::$t(piece)] }
            }
        }

        impl<R: Composable> Add<R> for $t {
            type Output = Composed;

            fn add(self, rhs: R) -> Composed {
                let mut c = Composed::with_capacity(2);
                c.pieces.push(Piece::$t(self));
                rhs.append_to(&mut c);
                c
            }
        }
    )*};
}

piece!(Sql, Identifier, Literal, Placeholder, Bound);

impl<R: Composable> Add<R> for Composed {
    type Output = Composed;

    fn add(mut self, rhs: R) -> Composed {
        rhs.append_to(&mut self);
        self
    }
}

impl<R: Composable> AddAssign<R> for Composed {
    fn add_assign(&mut self, rhs: R) {
        rhs.append_to(self);
    }
}

impl<C: Composable> FromIterator<C> for Composed {
    fn from_iter<I: IntoIterator<Item = C>>(iter: I) -> Composed {
        let mut c = Composed::new();
        for piece in iter {
            piece.append_to(&mut c);
        }
        c
    }
}

impl<C: Composable> Extend<C> for Composed {
    fn extend<I: IntoIterator<Item = C>>(&mut self, iter: I) {
        for piece in iter {
            piece.append_to(self);
        }
    }
}
