//! [`Composed`] and the [`Composable`] trait every piece implements.
//!
//! A `Composed` keeps one text buffer, a list of pieces, its bound values
//! and its other values. Trusted text and identifiers are written into the
//! buffer when they are pushed (identifiers already quoted), and so are a
//! bound value's `$n` (numbered in this query) and a literal of a common
//! scalar, which lives only there, like an identifier. A bound value is
//! stored as the [`Param`] it becomes, its type left for the rendering
//! scope: a query of such pieces renders by typing its parameters in place
//! and handing over its buffer and parameter list, nothing copied or
//! allocated. Anything else (a placeholder, a literal of another type, a
//! scope with dumpers of its own) renders piece by piece, each value's
//! written text skipped and written again. Each piece is two words — where
//! its text ends and what it is — so the list is copied and freed without
//! visiting it. The pieces keep the structure for equality,
//! [`Debug`](fmt::Debug) and [`Composed::join`].

use std::fmt;
use std::ops::{Add, AddAssign};

use super::identifier::write_part;
use super::literal::{Builtin, parse_builtin, write_builtin_literal};
use super::render::{self, Param, Rendered};
use super::spare;
use super::stored::Stored;
use super::{Bound, Identifier, Literal, Placeholder, Sql};
use crate::{Adapters, Result};

/// Bytes of text a literal is expected to take, for sizing the output.
const LITERAL_ESTIMATE: usize = 16;
/// Bytes of text a `$n` is expected to take.
const PARAM_ESTIMATE: usize = 4;

/// What a piece that is not in the buffer is (text, identifiers, common
/// literals and bound values are, see [`Slot`]).
#[derive(Clone, PartialEq)]
pub(crate) enum Kind<'a> {
    /// An identifier that failed its checks: an error when rendered.
    BadIdentifier(Box<Identifier>),
    /// A literal's value not written in the buffer (borrowed when `sql!`
    /// captured it).
    Literal(Stored<'a>),
    Placeholder(Placeholder),
    /// A value given for a placeholder: rendered where the placeholder was.
    Bound(Bound<'a>),
    /// A value given for a placeholder the query does not have: an error
    /// when rendered.
    Unfilled(std::sync::Arc<str>),
}

/// One piece of a composed query: where its text ends in the buffer (it
/// starts where the previous piece's ends; non-text pieces are empty there)
/// and what it is.
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct Piece {
    pub(crate) end: usize,
    pub(crate) slot: Slot,
}

/// What a piece is: text in the buffer (trusted, a quoted identifier, a
/// common literal as its type writes it), the bound value at an index of
/// [`Composed::bound`] (its `$n` in the buffer), or the value at an index
/// of [`Composed::values`].
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Slot {
    Sql,
    Identifier,
    Literal(Builtin),
    Param(u32),
    Value(u32),
}

/// One piece as [`Composed::iter`] shows it.
#[derive(Clone, Copy)]
pub(crate) enum PieceRef<'q, 'a> {
    Sql(&'q str),
    /// The quoted text.
    Identifier(&'q str),
    /// A common literal: its type and its text.
    Literal(Builtin, &'q str),
    Bound(&'q Bound<'a>),
    Value(&'q Kind<'a>),
}

impl PartialEq for PieceRef<'_, '_> {
    fn eq(&self, other: &PieceRef<'_, '_>) -> bool {
        match (self.normal(), other.normal()) {
            (PieceRef::Sql(a), PieceRef::Sql(b)) => a == b,
            (PieceRef::Identifier(a), PieceRef::Identifier(b)) => a == b,
            (PieceRef::Literal(a, x), PieceRef::Literal(b, y)) => a == b && x == y,
            (PieceRef::Bound(a), PieceRef::Bound(b)) => a == b,
            (PieceRef::Value(a), PieceRef::Value(b)) => a == b,
            _ => false,
        }
    }
}

impl<'q, 'a> PieceRef<'q, 'a> {
    /// A value given for a placeholder is a bound value like any other.
    fn normal(self) -> PieceRef<'q, 'a> {
        match self {
            PieceRef::Value(Kind::Bound(b)) => PieceRef::Bound(b),
            other => other,
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
#[derive(Clone, Default)]
pub struct Composed<'a> {
    /// Trusted text, quoted identifiers, common literals and each bound
    /// value's `$n`, in order.
    pub(crate) text: String,
    pub(crate) pieces: Vec<Piece>,
    /// The bound values whose `$n` the text holds, in order: the
    /// parameters they become, typed when rendered.
    pub(crate) bound: Vec<Param<'a>>,
    /// The other pieces not in the text, in order.
    pub(crate) values: Vec<Kind<'a>>,
    /// Bytes the deferred pieces are expected to add when rendered.
    pub(crate) extra: usize,
    /// Pieces that render as `$n` (an upper bound of the parameter count).
    pub(crate) params: usize,
    /// Pieces the text does not hold rendered (placeholders, literals of
    /// other types, bad identifiers, values given for missing
    /// placeholders): rendering then goes piece by piece.
    pub(crate) deferred: usize,
    /// Literals the text holds rendered by their own type's rules: right
    /// in any scope that registers no dumper.
    pub(crate) literals: usize,
}

impl<'a> Composed<'a> {
    /// An empty sequence.
    pub const fn new() -> Composed<'a> {
        Composed {
            text: String::new(),
            pieces: Vec::new(),
            bound: Vec::new(),
            values: Vec::new(),
            extra: 0,
            params: 0,
            deferred: 0,
            literals: 0,
        }
    }

    /// Fills every use of the named placeholder `name` with `value`, as if
    /// it had been bound there: the query then needs nothing at execution.
    /// A name the query does not have is an error when it is rendered.
    ///
    /// ```
    /// use pgcast_core::sql::{Composable, Placeholder, Sql};
    ///
    /// let q = Sql::new("SELECT * FROM t WHERE a > ") + Placeholder::named("since")
    ///     + Sql::new(" AND b = ") + Placeholder::positional();
    /// let r = q.clone().with("since", 5_i64).with_positional(0, "x").render().unwrap();
    /// assert_eq!(r.text(), "SELECT * FROM t WHERE a > $1 AND b = $2");
    /// assert!(r.params().iter().all(|p| p.value().is_some()));
    /// assert!(q.with("until", 1).render().is_err(), "no placeholder until");
    /// ```
    pub fn with(mut self, name: &str, value: impl Into<Bound<'a>>) -> Composed<'a> {
        let bound = value.into().named(name.to_owned());
        let mut found = false;
        for value in &mut self.values {
            if let Kind::Placeholder(ph) = value
                && ph.name() == Some(name)
            {
                *value = Kind::Bound(bound.clone());
                found = true;
            }
        }
        if !found {
            self.push_kind(Kind::Unfilled(name.into()));
        }
        self
    }

    /// Fills the `k`-th positional placeholder (from 0) with `value`.
    pub fn with_positional(mut self, k: usize, value: impl Into<Bound<'a>>) -> Composed<'a> {
        let mut seen = 0;
        for slot in &mut self.values {
            if let Kind::Placeholder(ph) = slot
                && ph.name().is_none()
            {
                if seen == k {
                    *slot = Kind::Bound(value.into());
                    return self;
                }
                seen += 1;
            }
        }
        self.push_kind(Kind::Unfilled(format!("#{k}").into()));
        self
    }

    /// An empty sequence with room for `pieces` pieces.
    pub fn with_capacity(pieces: usize) -> Composed<'a> {
        Composed::with_capacities(pieces, 0)
    }

    /// An empty sequence with room for `pieces` pieces and `text` bytes of
    /// trusted text and quoted identifiers.
    pub(crate) fn with_capacities(pieces: usize, text: usize) -> Composed<'a> {
        Composed::with_room(pieces, text, 0)
    }

    /// An empty sequence with room for `pieces` pieces, of which `bound`
    /// are bound values, and `text` bytes.
    #[inline]
    pub(crate) fn with_room(pieces: usize, text: usize, bound: usize) -> Composed<'a> {
        Composed {
            text: spare::text(text),
            pieces: spare::pieces(pieces),
            bound: Vec::with_capacity(bound),
            values: Vec::new(),
            extra: 0,
            params: 0,
            deferred: 0,
            literals: 0,
        }
    }

    /// Appends a piece or a whole sequence.
    #[inline]
    pub fn push(&mut self, piece: impl Composable + 'a) -> &mut Composed<'a> {
        piece.append_to(self);
        self
    }

    /// Appends trusted SQL text (what `sql!` emits between its holes).
    #[inline]
    pub fn push_sql(&mut self, text: &'static str) -> &mut Composed<'a> {
        self.push_sql_str(text);
        self
    }

    #[inline]
    pub(crate) fn push_sql_str(&mut self, text: &str) {
        self.text.push_str(text);
        self.pieces.push(Piece {
            end: self.text.len(),
            slot: Slot::Sql,
        });
    }

    /// Appends a one-part identifier, quoted now; a bad name is kept to be
    /// reported when the query is rendered.
    #[inline(always)]
    pub(crate) fn push_ident_str(&mut self, name: &str) {
        let start = self.text.len();
        if write_part(name, &mut self.text).is_ok() {
            self.pieces.push(Piece {
                end: self.text.len(),
                slot: Slot::Identifier,
            });
        } else {
            self.push_bad_ident(start, Identifier::new(name.to_owned()));
        }
    }

    /// Appends an identifier, quoted now (see [`push_ident_str`](Self::push_ident_str)).
    #[inline]
    pub(crate) fn push_identifier(&mut self, id: &Identifier) {
        let start = self.text.len();
        if id.write(&mut self.text).is_ok() {
            self.pieces.push(Piece {
                end: self.text.len(),
                slot: Slot::Identifier,
            });
        } else {
            self.push_bad_ident(start, id.clone());
        }
    }

    /// Drops what a bad identifier wrote and keeps it, for its error.
    #[cold]
    fn push_bad_ident(&mut self, start: usize, id: Identifier) {
        self.text.truncate(start);
        self.push_kind(Kind::BadIdentifier(Box::new(id)));
    }

    /// Appends a bound value (what `sql!` does for each `{x}`): written
    /// as its `$n` at once, and kept as the parameter it becomes.
    #[inline]
    pub(crate) fn push_bound(&mut self, bound: Bound<'a>) {
        self.push_bound_with(move || bound);
    }

    /// Appends the bound value `make` returns (see
    /// [`push_bound`](Self::push_bound)), made where it is kept, after
    /// room is made for it. `Vec::push` would have it made first, on the
    /// stack, and copied over: the copy's wide loads then wait on the
    /// narrower stores that just made it (store forwarding fails), which
    /// cost `sql!` a tenth of its time.
    #[inline]
    pub(crate) fn push_bound_with(&mut self, make: impl FnOnce() -> Bound<'a>) {
        self.params += 1;
        render::push_dollar(self.params, &mut self.text);
        let slot = Slot::Param(index(self.bound.len()));
        self.bound
            .extend(std::iter::once_with(move || Param::of_bound(make())));
        self.pieces.push(Piece {
            end: self.text.len(),
            slot,
        });
    }

    /// Appends a literal (what `sql!` does for each `{x:l}`): a common
    /// scalar written at once, by its own type's rules, and kept only
    /// there; any other rendered with the scope.
    #[inline]
    pub(crate) fn push_literal(&mut self, value: Stored<'a>) {
        if let Some(builtin) = write_builtin_literal(&value, &mut self.text) {
            self.literals += 1;
            self.pieces.push(Piece {
                end: self.text.len(),
                slot: Slot::Literal(builtin),
            });
        } else {
            self.extra += LITERAL_ESTIMATE;
            self.deferred += 1;
            self.push_slot(Kind::Literal(value));
        }
    }

    /// Appends a piece that is not text.
    #[inline]
    pub(crate) fn push_kind(&mut self, kind: Kind<'a>) {
        match kind {
            Kind::Bound(bound) => self.push_bound(bound),
            Kind::Literal(literal) => self.push_literal(literal),
            Kind::Placeholder(_) => {
                self.extra += PARAM_ESTIMATE;
                self.params += 1;
                self.deferred += 1;
                self.push_slot(kind);
            }
            Kind::BadIdentifier(_) | Kind::Unfilled(_) => {
                self.deferred += 1;
                self.push_slot(kind);
            }
        }
    }

    /// Stores a value not in the text and its piece.
    #[inline]
    fn push_slot(&mut self, kind: Kind<'a>) {
        let slot = Slot::Value(index(self.values.len()));
        self.values.push(kind);
        self.pieces.push(Piece {
            end: self.text.len(),
            slot,
        });
    }

    /// Appends a copy of `other`.
    pub(crate) fn push_composed(&mut self, other: &Composed<'a>) {
        self.push_range(other, 0..other.pieces.len());
    }

    /// Appends a copy of the pieces `range` of `src` (clamped to its
    /// pieces): text copied, values pushed again (so that each `$n` is
    /// numbered in this query).
    pub(crate) fn push_range(&mut self, src: &Composed<'a>, range: std::ops::Range<usize>) {
        let Some(pieces) = src.pieces.get(range.clone()) else {
            return;
        };
        let mut start = match range.start.checked_sub(1) {
            Some(prev) => src.pieces.get(prev).map_or(0, |p| p.end),
            None => 0,
        };
        for p in pieces {
            match p.slot {
                Slot::Param(i) => {
                    if let Some(b) = src.bound.get(i as usize).and_then(Param::bound) {
                        self.push_bound(b.clone());
                    }
                }
                Slot::Value(i) => {
                    if let Some(kind) = src.values.get(i as usize) {
                        self.push_kind(kind.clone());
                    }
                }
                slot => {
                    self.text
                        .push_str(src.text.get(start..p.end).unwrap_or_default());
                    self.pieces.push(Piece {
                        end: self.text.len(),
                        slot,
                    });
                }
            }
            start = p.end;
        }
    }

    /// The pieces.
    pub(crate) fn iter(&self) -> impl Iterator<Item = PieceRef<'_, 'a>> + '_ {
        let mut start = 0;
        self.pieces.iter().map(move |p| {
            let text = self.text.get(start..p.end).unwrap_or_default();
            start = p.end;
            match p.slot {
                Slot::Sql => PieceRef::Sql(text),
                Slot::Identifier => PieceRef::Identifier(text),
                Slot::Literal(builtin) => PieceRef::Literal(builtin, text),
                Slot::Param(i) => match self.bound.get(i as usize).and_then(Param::bound) {
                    Some(b) => PieceRef::Bound(b),
                    None => PieceRef::Sql(""),
                },
                Slot::Value(i) => match self.values.get(i as usize) {
                    Some(kind) => PieceRef::Value(kind),
                    None => PieceRef::Sql(""),
                },
            }
        })
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
    pub fn join(self, sep: impl Into<Sql>) -> Composed<'a> {
        let sep = sep.into();
        let sep = sep.as_str();
        let gaps = self.pieces.len().saturating_sub(1);
        let mut out = Composed::with_capacities(
            self.pieces.len().saturating_mul(2),
            self.text
                .len()
                .saturating_add(gaps.saturating_mul(sep.len())),
        );
        out.extra = self.extra;
        out.params = self.params;
        out.deferred = self.deferred;
        out.literals = self.literals;
        out.bound = self.bound;
        out.values = self.values;
        let mut start = 0;
        for (i, piece) in self.pieces.into_iter().enumerate() {
            if i > 0 {
                out.push_sql_str(sep);
            }
            out.text
                .push_str(self.text.get(start..piece.end).unwrap_or_default());
            start = piece.end;
            out.pieces.push(Piece {
                end: out.text.len(),
                slot: piece.slot,
            });
        }
        out
    }

    /// How many `$n` this sequence renders at most (named placeholders used
    /// twice count twice).
    pub fn param_count_upper_bound(&self) -> usize {
        self.params
    }

    /// Renders the query text with `$1..$n` and the parameter list, with the
    /// global adapters.
    pub fn render(&self) -> Result<Rendered<'a>> {
        render::render(self, &Adapters::global())
    }

    /// Renders with the dumpers and policy of `scope`.
    pub fn render_with(&self, scope: &Adapters) -> Result<Rendered<'a>> {
        render::render(self, scope)
    }

    /// [`render`](Self::render) consuming the query: a query built whole
    /// (by `sql!`, or of text, identifiers, bound values and common
    /// literals) gives its text and values to the result instead of
    /// copying them.
    ///
    /// ```
    /// use pgcast_core::sql::{bind, Sql};
    ///
    /// let q = Sql::new("SELECT * FROM users WHERE name = ") + bind("Ann")
    ///     + Sql::new(" AND age > ") + bind(42_i32);
    /// let r = q.into_rendered().unwrap();
    /// assert_eq!(r.text(), "SELECT * FROM users WHERE name = $1 AND age > $2");
    /// assert_eq!(r.params().len(), 2);
    /// ```
    #[inline]
    pub fn into_rendered(self) -> Result<Rendered<'a>> {
        render::render_owned_global(self)
    }

    /// [`into_rendered`](Self::into_rendered) with the dumpers and policy
    /// of `scope`.
    pub fn into_rendered_with(self, scope: &Adapters) -> Result<Rendered<'a>> {
        render::render_owned(self, scope)
    }

    /// The same query owning its values: values borrowed with
    /// [`bind_ref`](super::bind_ref) or captured by `sql!` are copied once,
    /// so the query can outlive them (be returned, stored, sent elsewhere).
    ///
    /// ```
    /// use pgcast_core::sql::{bind_ref, Composed, Sql};
    ///
    /// fn by_name(name: String) -> Composed<'static> {
    ///     (Composed::from(Sql::new("SELECT * FROM t WHERE name = ")) + bind_ref(&name)).into_owned()
    /// }
    /// assert_eq!(by_name("x".into()).render().unwrap().text(), "SELECT * FROM t WHERE name = $1");
    /// ```
    pub fn into_owned(self) -> Composed<'static> {
        Composed {
            text: self.text,
            pieces: self.pieces,
            bound: self.bound.into_iter().map(Param::into_owned).collect(),
            values: self.values.into_iter().map(Kind::into_owned).collect(),
            extra: self.extra,
            params: self.params,
            deferred: self.deferred,
            literals: self.literals,
        }
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
        render::render_inline(self, &Adapters::global())
    }

    /// [`render_inline`](Self::render_inline) with the dumpers and policy of `scope`.
    pub fn render_inline_with(&self, scope: &Adapters) -> Result<String> {
        render::render_inline(self, scope)
    }
}

impl PartialEq for Composed<'_> {
    fn eq(&self, other: &Composed<'_>) -> bool {
        // The counts follow from the pieces, and the text of the values is
        // their rendering.
        self.pieces.len() == other.pieces.len()
            && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

/// Shows a piece as the value it was made from.
struct DebugPiece<'q, 'a>(PieceRef<'q, 'a>);

impl fmt::Debug for DebugPiece<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            PieceRef::Sql(text) => f.debug_tuple("Sql").field(&text).finish(),
            PieceRef::Identifier(text) => {
                let mut t = f.debug_tuple("Identifier");
                for part in unquote(text) {
                    t.field(&part);
                }
                t.finish()
            }
            PieceRef::Literal(builtin, text) => f
                .debug_tuple("Literal")
                .field(&parse_builtin(builtin, text))
                .finish(),
            PieceRef::Bound(p) => p.fmt(f),
            PieceRef::Value(kind) => match kind {
                Kind::BadIdentifier(p) => p.fmt(f),
                Kind::Literal(p) => f.debug_tuple("Literal").field(p).finish(),
                Kind::Placeholder(p) => p.fmt(f),
                Kind::Bound(p) => p.fmt(f),
                Kind::Unfilled(name) => f.debug_tuple("Unfilled").field(name).finish(),
            },
        }
    }
}

/// The parts of a quoted identifier, `"a"."b""c"` → `a`, `b"c`.
fn unquote(quoted: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut inside = false;
    let mut chars = quoted.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if inside && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' if inside => {
                inside = false;
                parts.push(std::mem::take(&mut cur));
            }
            '"' => inside = true,
            c if inside => cur.push(c),
            _ => {}
        }
    }
    parts
}

impl fmt::Debug for Composed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Composed(")?;
        f.debug_list()
            .entries(self.iter().map(DebugPiece))
            .finish()?;
        f.write_str(")")
    }
}

/// Anything that composes into a query: the pieces and [`Composed`] itself.
///
/// Implement [`append_to`](Self::append_to) to make a type of your own
/// composable; the rendering methods come with it. The `where Self: 'q`
/// bound says a piece that borrows values only goes into a query that does
/// not outlive them.
///
/// ```
/// use pgcast_core::sql::{bind, Composable, Composed, Identifier, Sql};
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct Between(&'static str, i64, i64);
///
/// impl Composable for Between {
///     fn append_to<'q>(self, q: &mut Composed<'q>)
///     where
///         Self: 'q,
///     {
///         q.push(Identifier::new(self.0) + Sql::new(" BETWEEN ") + bind(self.1)
///             + Sql::new(" AND ") + bind(self.2));
///     }
/// }
///
/// let q = Sql::new("WHERE ") + Between("age", 18, 65);
/// assert_eq!(q.render().unwrap().text(), r#"WHERE "age" BETWEEN $1 AND $2"#);
/// ```
pub trait Composable: Clone + fmt::Debug + PartialEq + Sized {
    /// Appends this to `target` (a piece borrowing values appends to a
    /// query that does not outlive them).
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q;

    /// Appends a copy of this to `target` (what `sql!`'s `{x:q}` holes do);
    /// the default clones, then appends.
    #[doc(hidden)]
    fn append_ref_to<'q>(&self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        self.clone().append_to(target);
    }

    /// This as a [`Composed`] sequence.
    fn into_composed<'q>(self) -> Composed<'q>
    where
        Self: 'q,
    {
        let mut c = Composed::new();
        self.append_to(&mut c);
        c
    }

    /// [`Composed::render`] of this.
    fn render(&self) -> Result<Rendered<'_>> {
        self.clone().into_composed().render()
    }

    /// [`Composed::render_with`] of this.
    fn render_with(&self, scope: &Adapters) -> Result<Rendered<'_>> {
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

    /// Renders this, consuming it, into a result that owns every value
    /// (what a driver adapter keeps while the statement runs): a query
    /// built whole gives its text and values instead of copying them.
    #[doc(hidden)]
    fn into_rendered_owned(self, scope: &Adapters) -> Result<Rendered<'static>> {
        render::render_static(self.into_composed(), scope)
    }

    /// The text this renders to in `scope`, when it is known without
    /// rendering (a query built whole); `None` otherwise.
    #[doc(hidden)]
    fn text_as_built(&self, scope: &Adapters) -> Option<&str> {
        let _ = scope;
        None
    }
}

/// A reference renders what it refers to, without copying it first (and
/// appends a copy of it): a driver verb takes a query by value or by
/// reference alike.
impl<T: Composable> Composable for &T {
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        (*self).append_ref_to(target);
    }

    fn append_ref_to<'q>(&self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        (**self).append_ref_to(target);
    }

    fn render(&self) -> Result<Rendered<'_>> {
        (**self).render()
    }

    fn render_with(&self, scope: &Adapters) -> Result<Rendered<'_>> {
        (**self).render_with(scope)
    }

    fn render_inline(&self) -> Result<String> {
        (**self).render_inline()
    }

    fn render_inline_with(&self, scope: &Adapters) -> Result<String> {
        (**self).render_inline_with(scope)
    }

    fn into_rendered_owned(self, scope: &Adapters) -> Result<Rendered<'static>> {
        (*self).render_with(scope).map(Rendered::into_owned)
    }

    fn text_as_built(&self, scope: &Adapters) -> Option<&str> {
        (**self).text_as_built(scope)
    }
}

impl<'a> Composable for Composed<'a> {
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        // Moved whole into an empty target, unless the target was sized for
        // more; appended as it is when no `$n` needs numbering again;
        // otherwise piece by piece.
        if target.pieces.is_empty() && target.pieces.capacity() < self.pieces.len() {
            *target = self;
        } else if target.params > 0 && self.params > 0 {
            target.push_composed(&self);
        } else {
            let offset = target.text.len();
            let (bound, values) = (index(target.bound.len()), index(target.values.len()));
            target.text.push_str(&self.text);
            target.pieces.extend(self.pieces.into_iter().map(|p| Piece {
                end: p.end + offset,
                slot: match p.slot {
                    Slot::Param(i) => Slot::Param(i.saturating_add(bound)),
                    Slot::Value(i) => Slot::Value(i.saturating_add(values)),
                    slot => slot,
                },
            }));
            target.bound.extend(self.bound);
            target.values.extend(self.values);
            target.extra += self.extra;
            target.params += self.params;
            target.deferred += self.deferred;
            target.literals += self.literals;
        }
    }

    fn into_composed<'q>(self) -> Composed<'q>
    where
        Self: 'q,
    {
        self
    }

    fn append_ref_to<'q>(&self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_composed(self);
    }

    fn render(&self) -> Result<Rendered<'_>> {
        Composed::render(self)
    }

    fn render_with(&self, scope: &Adapters) -> Result<Rendered<'_>> {
        Composed::render_with(self, scope)
    }

    fn into_rendered_owned(self, scope: &Adapters) -> Result<Rendered<'static>> {
        render::render_static(self, scope)
    }

    fn text_as_built(&self, scope: &Adapters) -> Option<&str> {
        render::built_whole(self, scope).then_some(self.text.as_str())
    }
}

impl Composable for Sql {
    #[inline]
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_sql_str(self.as_str());
    }

    fn append_ref_to<'q>(&self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_sql_str(self.as_str());
    }

    fn into_composed<'q>(self) -> Composed<'q>
    where
        Self: 'q,
    {
        let mut c = Composed::with_capacities(1, self.as_str().len());
        c.push_sql_str(self.as_str());
        c
    }
}

impl Composable for Identifier {
    #[inline]
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_identifier(&self);
    }

    fn append_ref_to<'q>(&self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_identifier(self);
    }

    fn into_composed<'q>(self) -> Composed<'q>
    where
        Self: 'q,
    {
        let mut c = Composed::with_capacities(1, self.size_hint());
        c.push_identifier(&self);
        c
    }
}

impl Composable for Literal {
    #[inline]
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_literal(self.0);
    }
}

impl Composable for Placeholder {
    #[inline]
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_kind(Kind::Placeholder(self));
    }
}

impl<'a> Composable for Bound<'a> {
    #[inline]
    fn append_to<'q>(self, target: &mut Composed<'q>)
    where
        Self: 'q,
    {
        target.push_kind(Kind::Bound(self));
    }
}

// The pieces that hold no borrowed value start an owned query; one that
// borrows joins with `Composed::from(piece) + value` or `sql!`.
macro_rules! piece {
    ($($t:ident),*) => {$(
        impl<'q> From<$t> for Composed<'q> {
            fn from(piece: $t) -> Composed<'q> {
                piece.into_composed()
            }
        }

        impl<R: Composable + 'static> Add<R> for $t {
            type Output = Composed<'static>;

            fn add(self, rhs: R) -> Composed<'static> {
                let mut c = Composed::with_capacity(2);
                self.append_to(&mut c);
                rhs.append_to(&mut c);
                c
            }
        }
    )*};
}

piece!(Sql, Identifier, Literal, Placeholder);

impl<'a> From<Bound<'a>> for Composed<'a> {
    fn from(piece: Bound<'a>) -> Composed<'a> {
        piece.into_composed()
    }
}

impl<'a, R: Composable + 'a> Add<R> for Bound<'a> {
    type Output = Composed<'a>;

    fn add(self, rhs: R) -> Composed<'a> {
        let mut c = Composed::with_capacity(2);
        self.append_to(&mut c);
        rhs.append_to(&mut c);
        c
    }
}

impl<'a, R: Composable + 'a> Add<R> for Composed<'a> {
    type Output = Composed<'a>;

    fn add(mut self, rhs: R) -> Composed<'a> {
        rhs.append_to(&mut self);
        self
    }
}

impl<'a, R: Composable + 'a> AddAssign<R> for Composed<'a> {
    fn add_assign(&mut self, rhs: R) {
        rhs.append_to(self);
    }
}

impl<'a, C: Composable + 'a> FromIterator<C> for Composed<'a> {
    fn from_iter<I: IntoIterator<Item = C>>(iter: I) -> Composed<'a> {
        let mut c = Composed::new();
        for piece in iter {
            piece.append_to(&mut c);
        }
        c
    }
}

impl<'a, C: Composable + 'a> Extend<C> for Composed<'a> {
    fn extend<I: IntoIterator<Item = C>>(&mut self, iter: I) {
        for piece in iter {
            piece.append_to(self);
        }
    }
}

/// An index into a query's value lists, which cannot reach 2³² entries
/// (that would take hundreds of gigabytes: each entry is dozens of bytes);
/// the conversion saturates rather than wraps.
#[inline]
fn index(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl<'a> Kind<'a> {
    fn into_owned(self) -> Kind<'static> {
        match self {
            Kind::BadIdentifier(id) => Kind::BadIdentifier(id),
            Kind::Literal(l) => Kind::Literal(l.into_owned()),
            Kind::Placeholder(p) => Kind::Placeholder(p),
            Kind::Bound(b) => Kind::Bound(b.into_owned()),
            Kind::Unfilled(name) => Kind::Unfilled(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::bind;

    #[test]
    fn unquotes_for_debug() {
        assert_eq!(unquote(r#""a"."b""c""#), ["a", "b\"c"]);
        assert_eq!(unquote(r#""""""#), ["\""]);
        let q = Identifier::qualified(["s", "t\"x"]) + Identifier::new("");
        assert_eq!(
            format!("{q:?}"),
            r#"Composed([Identifier("s", "t\"x"), Identifier("")])"#
        );
    }

    #[test]
    fn structure_survives_the_buffer() {
        // Same text, different pieces: not equal.
        assert_ne!(
            Sql::new("ab").into_composed(),
            Sql::new("a") + Sql::new("b")
        );
        assert_ne!(
            Sql::new(r#""a""#).into_composed(),
            Identifier::new("a").into_composed()
        );
        // Flattening: a + (b + c) == (a + b) + c.
        let a = || Sql::new("x = ");
        let b = || Identifier::new("c");
        let c = || bind(1_i32);
        assert_eq!(a() + (b() + c()), (a() + b()) + c());
        let joined = (Sql::new("a") + bind(1_i32) + Identifier::new("b")).join(", ");
        assert_eq!(joined.render().unwrap().text(), r#"a, $1, "b""#);
        assert_eq!(joined.param_count_upper_bound(), 1);
    }

    #[test]
    fn a_bad_part_of_a_qualified_name_leaves_no_text_behind() {
        for bad in [
            Identifier::qualified(["s", ""]),
            Identifier::qualified(["", "t"]),
            Identifier::qualified(["s", "t\0"]),
            Identifier::qualified(["a", "b", ""]),
            Identifier::qualified(Vec::<String>::new()),
        ] {
            let q =
                Sql::new("SELECT * FROM ") + bad.clone() + Sql::new(" WHERE x = ") + bind(1_i32);
            assert_eq!(
                q.render().unwrap_err().kind(),
                crate::ErrorKind::Identifier,
                "{bad:?}"
            );
            assert_eq!(q.text, "SELECT * FROM  WHERE x = $1", "{bad:?}");
            assert!(format!("{q:?}").contains("Identifier"), "{q:?}");
        }
        let good = Sql::new("FROM ") + Identifier::qualified(["s", "t\"x"]);
        assert_eq!(good.render().unwrap().text(), r#"FROM "s"."t""x""#);
        let three = Sql::new("FROM ") + Identifier::qualified(["d", "s", "t"]);
        assert_eq!(three.render().unwrap().text(), r#"FROM "d"."s"."t""#);
    }

    /// A dumper of `i32` writing text, to give a scope dumpers of its own.
    struct AsText;

    impl crate::Dumper<i32> for AsText {
        fn pg_type(&self, _: &i32, _: &crate::Policy) -> postgres_types::Type {
            postgres_types::Type::TEXT
        }
        fn dump(
            &self,
            value: &i32,
            _: &crate::Ctx<'_>,
            out: &mut bytes::BytesMut,
        ) -> Result<crate::IsNull> {
            out.extend_from_slice(format!("n{value}").as_bytes());
            Ok(crate::IsNull::No)
        }
    }

    #[test]
    fn rendering_by_value_gives_what_rendering_by_reference_gives() {
        let name = String::from("it's");
        let built = || {
            Sql::new("SELECT ")
                + Literal::new(7_i32)
                + Sql::new(", ")
                + Identifier::new("a")
                + Sql::new(" FROM t WHERE b = ")
                + bind(1_i32)
                + Sql::new(" AND c = ")
                + crate::sql::bind_ref(&name)
        };
        let deferred = || built() + Sql::new(" AND d = ") + Placeholder::named("d");
        let mut scope = Adapters::global().scope();
        scope.register_dumper::<i32>(AsText);
        let failing = || built() + Identifier::new("");
        for scope in [Adapters::global(), scope] {
            // Built whole (moved), with a placeholder and with a literal the
            // scope's dumper writes (both rendered piece by piece).
            for q in [built(), deferred()] {
                let by_ref = q.render_with(&scope).unwrap();
                let by_value = q.into_rendered_with(&scope).unwrap();
                assert_eq!(by_value.text(), by_ref.text());
                assert_eq!(by_value.params(), by_ref.params());
                assert_eq!(
                    by_value.dump_params().map(|d| d.len()).ok(),
                    by_ref.dump_params().map(|d| d.len()).ok()
                );
            }
            assert_eq!(
                failing()
                    .into_rendered_with(&scope)
                    .unwrap_err()
                    .to_string(),
                failing().render_with(&scope).unwrap_err().to_string()
            );
        }
        let r = built().into_rendered().unwrap();
        assert_eq!(r.text(), r#"SELECT 7, "a" FROM t WHERE b = $1 AND c = $2"#);
    }
}
