//! Full text search: `tsvector` as [`TsVector`] and `tsquery` as [`TsQuery`].
//!
//! A `tsvector` is a sorted list of distinct lexemes, each with the
//! positions (1 to 16383) where it occurs and a weight (A to D) per
//! position: `'cat':3 'fat':2A,4`. A `tsquery` is a tree of lexemes (with
//! weights and prefix matching) under `!`, `&`, `|` and the phrase operators
//! `<->` / `<N>`: `'fat' & ( 'rat' | !'cat':*A )`.
//!
//! Binary `tsvector`: the lexeme count (`int4`), then per lexeme its text
//! and a NUL, the position count (`int2`) and each position as an `int2`
//! whose top two bits are the weight (3 for A … 0 for D). Binary `tsquery`:
//! the item count, then the items in prefix order (an operator, its right
//! operand, its left operand): a lexeme as `1`, a weight mask (A = 8 … D =
//! 1), a prefix flag and its text with a NUL; an operator as `2` and its
//! code (1 `!`, 2 `&`, 3 `|`, 4 phrase with an `int2` distance).
//!
//! Text forms are the server's: lexemes quoted, `'` and `\` doubled. The
//! text of a query keeps the tree except for the grouping of runs of `&`
//! or of `|`, which the server prints without parentheses (`a & (b & c)`
//! reads back as `(a & b) & c`); the binary form keeps it.
//!
//! The server sorts lexemes and positions and removes duplicates when it
//! reads a value; pgcast sends them as they are.
//!
//! ```
//! use pgcast_core::types::{TsQuery, TsVector, Weight};
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let v = TsVector::load(&Ctx::text(&Type::TS_VECTOR), b"'cat':3 'fat':2A,4").unwrap();
//! assert_eq!(v.lexemes()[1].text, "fat");
//! assert_eq!(v.lexemes()[1].positions[0].weight, Weight::A);
//!
//! let q = TsQuery::load(&Ctx::text(&Type::TSQUERY), b"'fat' & !'cat':*").unwrap();
//! assert_eq!(q, TsQuery::lexeme("fat").and(TsQuery::lexeme("cat").prefix().not()));
//! assert_eq!(q.to_string(), "'fat' & !'cat':*");
//! ```

use std::fmt::{self, Write as _};

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// A lexeme weight: A (the highest) to D (the default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weight {
    /// The lowest weight, the default (not printed).
    #[default]
    D,
    /// Weight C.
    C,
    /// Weight B.
    B,
    /// The highest weight.
    A,
}

impl Weight {
    /// The two-bit code of the binary forms: D is 0, A is 3.
    const fn code(self) -> u16 {
        self as u16
    }

    const fn from_code(code: u16) -> Weight {
        match code & 3 {
            3 => Weight::A,
            2 => Weight::B,
            1 => Weight::C,
            _ => Weight::D,
        }
    }

    const fn letter(self) -> char {
        match self {
            Weight::A => 'A',
            Weight::B => 'B',
            Weight::C => 'C',
            Weight::D => 'D',
        }
    }

    fn from_letter(c: u8) -> Option<Weight> {
        match c.to_ascii_uppercase() {
            b'A' => Some(Weight::A),
            b'B' => Some(Weight::B),
            b'C' => Some(Weight::C),
            b'D' => Some(Weight::D),
            _ => None,
        }
    }
}

/// Where a lexeme occurs in a document, and with which weight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// The word position, 1 to 16383.
    pub index: u16,
    /// The weight at this position.
    pub weight: Weight,
}

impl Position {
    /// The largest position a `tsvector` holds.
    pub const MAX: u16 = 16383;

    /// A position with weight D.
    pub const fn new(index: u16) -> Position {
        Position {
            index,
            weight: Weight::D,
        }
    }
}

/// One lexeme of a [`TsVector`] and its positions (none when the vector
/// was made without them, as `'a b'::tsvector` is).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lexeme {
    /// The normalised word.
    pub text: String,
    /// The positions, ascending.
    pub positions: Vec<Position>,
}

/// A `tsvector`: lexemes with positions and weights.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TsVector {
    lexemes: Vec<Lexeme>,
}

impl TsVector {
    /// A vector of these lexemes, sorted by text as the server keeps them
    /// (duplicates merged, positions sorted).
    ///
    /// ```
    /// use pgcast_core::types::{Lexeme, Position, TsVector};
    /// let v = TsVector::new(vec![
    ///     Lexeme { text: "b".into(), positions: vec![Position::new(2)] },
    ///     Lexeme { text: "a".into(), positions: vec![] },
    ///     Lexeme { text: "b".into(), positions: vec![Position::new(1)] },
    /// ]);
    /// assert_eq!(v.to_string(), "'a' 'b':1,2");
    /// ```
    pub fn new(mut lexemes: Vec<Lexeme>) -> TsVector {
        lexemes.sort_by(|a, b| a.text.as_bytes().cmp(b.text.as_bytes()));
        lexemes.dedup_by(|next, kept| {
            let same = next.text == kept.text;
            if same {
                kept.positions.append(&mut next.positions);
            }
            same
        });
        for lexeme in &mut lexemes {
            lexeme.positions.sort();
            lexeme.positions.dedup_by_key(|p| p.index);
        }
        TsVector { lexemes }
    }

    /// The lexemes, in order.
    pub fn lexemes(&self) -> &[Lexeme] {
        &self.lexemes
    }

    /// The lexemes, owned.
    pub fn into_lexemes(self) -> Vec<Lexeme> {
        self.lexemes
    }
}

/// Writes a lexeme quoted, `'` and `\` doubled, as the server prints it.
fn write_quoted(f: &mut impl fmt::Write, text: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in text.chars() {
        if c == '\'' || c == '\\' {
            f.write_char(c)?;
        }
        f.write_char(c)?;
    }
    f.write_char('\'')
}

impl fmt::Display for TsVector {
    /// The server's text form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, lexeme) in self.lexemes.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            write_quoted(f, &lexeme.text)?;
            for (j, p) in lexeme.positions.iter().enumerate() {
                f.write_char(if j == 0 { ':' } else { ',' })?;
                write!(f, "{}", p.index)?;
                if p.weight != Weight::D {
                    f.write_char(p.weight.letter())?;
                }
            }
        }
        Ok(())
    }
}

/// A set of weights a query lexeme matches (none means all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Weights(u8);

impl Weights {
    /// No restriction: every weight matches.
    pub const ANY: Weights = Weights(0);

    /// The set with `w` added.
    pub const fn with(self, w: Weight) -> Weights {
        Weights(self.0 | 1 << w as u8)
    }

    /// Whether `w` is in the set.
    pub const fn contains(self, w: Weight) -> bool {
        self.0 & 1 << w as u8 != 0
    }

    /// The mask of the binary form: A is 8, D is 1.
    pub const fn bits(self) -> u8 {
        self.0
    }
}

/// A `tsquery`: a tree of lexemes and operators (or empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum TsQuery {
    /// The empty query (`''::tsquery`), only at the top.
    #[default]
    Empty,
    /// A lexeme, `'cat':*AB`.
    Lexeme {
        /// The word.
        text: String,
        /// The weights it matches.
        weights: Weights,
        /// Whether it matches as a prefix (`:*`).
        prefix: bool,
    },
    /// `!q`.
    Not(Box<TsQuery>),
    /// `l & r`.
    And(Box<TsQuery>, Box<TsQuery>),
    /// `l | r`.
    Or(Box<TsQuery>, Box<TsQuery>),
    /// `l <N> r`: `r` follows `l` at `N` positions (`<->` is 1).
    Phrase(Box<TsQuery>, Box<TsQuery>, u16),
}

/// How deep a query may nest: deeper input is refused before it could
/// exhaust the stack.
const MAX_DEPTH: usize = 256;

impl TsQuery {
    /// A plain lexeme.
    pub fn lexeme(text: impl Into<String>) -> TsQuery {
        TsQuery::Lexeme {
            text: text.into(),
            weights: Weights::ANY,
            prefix: false,
        }
    }

    /// This lexeme as a prefix (`:*`); other queries unchanged.
    pub fn prefix(mut self) -> TsQuery {
        if let TsQuery::Lexeme { prefix, .. } = &mut self {
            *prefix = true;
        }
        self
    }

    /// This lexeme restricted to a weight more; other queries unchanged.
    pub fn weight(mut self, w: Weight) -> TsQuery {
        if let TsQuery::Lexeme { weights, .. } = &mut self {
            *weights = weights.with(w);
        }
        self
    }

    /// `!self`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> TsQuery {
        TsQuery::Not(Box::new(self))
    }

    /// `self & other`.
    pub fn and(self, other: TsQuery) -> TsQuery {
        TsQuery::And(Box::new(self), Box::new(other))
    }

    /// `self | other`.
    pub fn or(self, other: TsQuery) -> TsQuery {
        TsQuery::Or(Box::new(self), Box::new(other))
    }

    /// `self <distance> other` (`<->` for 1).
    pub fn followed_by(self, other: TsQuery, distance: u16) -> TsQuery {
        TsQuery::Phrase(Box::new(self), Box::new(other), distance)
    }

    /// The number of items of the binary form.
    fn items(&self) -> usize {
        match self {
            TsQuery::Empty => 0,
            TsQuery::Lexeme { .. } => 1,
            TsQuery::Not(q) => 1 + q.items(),
            TsQuery::And(l, r) | TsQuery::Or(l, r) | TsQuery::Phrase(l, r, _) => {
                1 + l.items() + r.items()
            }
        }
    }

    const fn priority(&self) -> u8 {
        match self {
            TsQuery::Or(..) => 1,
            TsQuery::And(..) => 2,
            TsQuery::Phrase(..) => 3,
            TsQuery::Not(_) => 4,
            TsQuery::Empty | TsQuery::Lexeme { .. } => 5,
        }
    }

    /// The server's `infix`: parentheses only where priorities need them,
    /// and around a phrase that is the right operand of a phrase.
    fn write_infix(
        &self,
        f: &mut impl fmt::Write,
        parent: u8,
        right_of_phrase: bool,
    ) -> fmt::Result {
        match self {
            TsQuery::Empty => Ok(()),
            TsQuery::Lexeme {
                text,
                weights,
                prefix,
            } => {
                write_quoted(f, text)?;
                if *prefix || *weights != Weights::ANY {
                    f.write_char(':')?;
                    if *prefix {
                        f.write_char('*')?;
                    }
                    for w in [Weight::A, Weight::B, Weight::C, Weight::D] {
                        if weights.contains(w) {
                            f.write_char(w.letter())?;
                        }
                    }
                }
                Ok(())
            }
            TsQuery::Not(q) => {
                f.write_char('!')?;
                q.write_infix(f, self.priority(), false)
            }
            TsQuery::And(l, r) | TsQuery::Or(l, r) | TsQuery::Phrase(l, r, _) => {
                let priority = self.priority();
                let phrase = matches!(self, TsQuery::Phrase(..));
                let parens = priority < parent || (phrase && right_of_phrase);
                if parens {
                    f.write_str("( ")?;
                }
                l.write_infix(f, priority, false)?;
                match self {
                    TsQuery::And(..) => f.write_str(" & ")?,
                    TsQuery::Or(..) => f.write_str(" | ")?,
                    TsQuery::Phrase(_, _, 1) => f.write_str(" <-> ")?,
                    TsQuery::Phrase(_, _, d) => write!(f, " <{d}> ")?,
                    _ => {}
                }
                r.write_infix(f, priority, phrase)?;
                if parens {
                    f.write_str(" )")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for TsQuery {
    /// The server's text form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_infix(f, 0, false)
    }
}

fn check_ty<T: ?Sized>(ctx: &Ctx<'_>, ty: &Type) -> Result<()> {
    if ctx.ty == ty {
        Ok(())
    } else {
        Err(Error::wrong_type::<T>(ctx.ty))
    }
}

fn malformed<T: ?Sized>(ty: &Type, what: impl Into<String>) -> Error {
    Error::malformed(ty, what.into()).with_rust_type::<T>()
}

/// A reader of the binary forms, every length checked.
struct Reader<'a> {
    ty: &'a Type,
    raw: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take<T: ?Sized, const N: usize>(&mut self) -> Result<[u8; N]> {
        let (head, rest) = self.raw.split_first_chunk::<N>().ok_or_else(|| {
            malformed::<T>(self.ty, format!("binary {} cut short", self.ty.name()))
        })?;
        self.raw = rest;
        Ok(*head)
    }

    fn cstr<T: ?Sized>(&mut self) -> Result<&'a str> {
        let nul = self
            .raw
            .iter()
            .position(|b| *b == 0)
            .ok_or_else(|| malformed::<T>(self.ty, "a lexeme without its NUL"))?;
        let (text, rest) = self.raw.split_at(nul);
        self.raw = &rest[1..];
        std::str::from_utf8(text).map_err(|e| {
            malformed::<T>(
                self.ty,
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            )
        })
    }

    fn count<T: ?Sized>(&mut self, min_size: usize) -> Result<usize> {
        let n = i32::from_be_bytes(self.take::<T, 4>()?);
        match usize::try_from(n) {
            Ok(n) if n.saturating_mul(min_size) <= self.raw.len() => Ok(n),
            _ => Err(malformed::<T>(
                self.ty,
                format!("{n} items in {} bytes", self.raw.len()),
            )),
        }
    }

    fn end<T: ?Sized>(&self) -> Result<()> {
        if self.raw.is_empty() {
            Ok(())
        } else {
            Err(malformed::<T>(
                self.ty,
                format!("{} bytes after a binary {}", self.raw.len(), self.ty.name()),
            ))
        }
    }
}

fn text_of<'r, T: ?Sized>(ty: &Type, raw: &'r [u8]) -> Result<&'r str> {
    std::str::from_utf8(raw)
        .map_err(|e| malformed::<T>(ty, format!("invalid UTF-8 at byte {}", e.valid_up_to())))
}

/// A reader of the text forms.
struct Scanner<'a> {
    ty: &'a Type,
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn error<T: ?Sized>(&self, what: &str) -> Error {
        malformed::<T>(
            self.ty,
            format!(
                "{:?} is not a {}: {what} at byte {}",
                self.text,
                self.ty.name(),
                self.pos
            ),
        )
    }

    fn peek(&mut self) -> Option<u8> {
        while self
            .text
            .as_bytes()
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
        self.text.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// A quoted word (`'it''s'`, a backslash escaping the next character)
    /// or a bare one up to a space or an operator.
    fn word<T: ?Sized>(&mut self, stops: &[u8]) -> Result<String> {
        let mut out = String::new();
        let quoted = self.peek() == Some(b'\'');
        let mut chars = self.text[self.pos + usize::from(quoted)..]
            .char_indices()
            .peekable();
        if quoted {
            let base = self.pos + 1;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, c)) => out.push(c),
                        None => break,
                    },
                    '\'' if chars.peek().is_some_and(|(_, c)| *c == '\'') => {
                        chars.next();
                        out.push('\'');
                    }
                    '\'' => {
                        self.pos = base + i + 1;
                        return Ok(out);
                    }
                    c => out.push(c),
                }
            }
            self.pos = self.text.len();
            return Err(self.error::<T>("an unterminated quote"));
        }
        let base = self.pos;
        while let Some((i, c)) = chars.next() {
            if c.is_whitespace() || (c.is_ascii() && stops.contains(&(c as u8))) {
                self.pos = base + i;
                break;
            }
            if c == '\\' {
                match chars.next() {
                    Some((_, c)) => out.push(c),
                    None => return Err(self.error::<T>("a trailing backslash")),
                }
            } else {
                out.push(c);
            }
            self.pos = self.text.len();
        }
        if out.is_empty() {
            return Err(self.error::<T>("expected a lexeme"));
        }
        Ok(out)
    }

    fn number<T: ?Sized>(&mut self) -> Result<u16> {
        let start = self.pos;
        while self
            .text
            .as_bytes()
            .get(self.pos)
            .is_some_and(u8::is_ascii_digit)
        {
            self.pos += 1;
        }
        self.text[start..self.pos]
            .parse()
            .map_err(|_| self.error::<T>("expected a number"))
    }
}

fn parse_tsvector(ty: &Type, text: &str) -> Result<TsVector> {
    let mut s = Scanner { ty, text, pos: 0 };
    let mut lexemes = Vec::new();
    while s.peek().is_some() {
        let word = s.word::<TsVector>(b":")?;
        let mut positions = Vec::new();
        if s.text.as_bytes().get(s.pos) == Some(&b':') {
            loop {
                s.pos += 1;
                let index = s.number::<TsVector>()?;
                let weight = match s
                    .text
                    .as_bytes()
                    .get(s.pos)
                    .copied()
                    .and_then(Weight::from_letter)
                {
                    Some(w) => {
                        s.pos += 1;
                        w
                    }
                    None => Weight::D,
                };
                positions.push(Position { index, weight });
                if s.text.as_bytes().get(s.pos) != Some(&b',') {
                    break;
                }
            }
        }
        lexemes.push(Lexeme {
            text: word,
            positions,
        });
    }
    Ok(TsVector { lexemes })
}

fn load_tsvector(ctx: &Ctx<'_>, raw: &[u8]) -> Result<TsVector> {
    check_ty::<TsVector>(ctx, &Type::TS_VECTOR)?;
    if ctx.format == Format::Text {
        return parse_tsvector(ctx.ty, text_of::<TsVector>(ctx.ty, raw)?);
    }
    let mut r = Reader { ty: ctx.ty, raw };
    // each lexeme takes at least its NUL and a position count
    let n = r.count::<TsVector>(3)?;
    let mut lexemes = Vec::with_capacity(n);
    for _ in 0..n {
        let text = r.cstr::<TsVector>()?.to_owned();
        let npos = usize::from(u16::from_be_bytes(r.take::<TsVector, 2>()?));
        if npos * 2 > r.raw.len() {
            return Err(malformed::<TsVector>(
                ctx.ty,
                format!("{npos} positions cut short"),
            ));
        }
        let positions = (0..npos)
            .map(|_| {
                let p = u16::from_be_bytes(r.take::<TsVector, 2>()?);
                Ok(Position {
                    index: p & 0x3fff,
                    weight: Weight::from_code(p >> 14),
                })
            })
            .collect::<Result<_>>()?;
        lexemes.push(Lexeme { text, positions });
    }
    r.end::<TsVector>()?;
    Ok(TsVector { lexemes })
}

fn nul_error<T: ?Sized>(ty: &Type) -> Error {
    Error::new(ErrorKind::Nul, "a lexeme cannot hold a NUL byte")
        .with_pg_type(ty)
        .with_rust_type::<T>()
}

fn dump_tsvector(v: &TsVector, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    check_ty::<TsVector>(ctx, &Type::TS_VECTOR)?;
    if v.lexemes.iter().any(|l| l.text.contains('\0')) {
        return Err(nul_error::<TsVector>(ctx.ty));
    }
    let range = |what: String| Error::out_of_range::<TsVector>(ctx.ty, what);
    match ctx.format {
        Format::Text => {
            let _ = write!(crate::types::int::BytesWriter(out), "{v}");
        }
        Format::Binary => {
            let n = i32::try_from(v.lexemes.len()).map_err(|_| range("too many lexemes".into()))?;
            out.put_i32(n);
            for lexeme in &v.lexemes {
                out.put_slice(lexeme.text.as_bytes());
                out.put_u8(0);
                let npos = u16::try_from(lexeme.positions.len()).map_err(|_| {
                    range(format!(
                        "{} positions of one lexeme",
                        lexeme.positions.len()
                    ))
                })?;
                out.put_u16(npos);
                for p in &lexeme.positions {
                    if p.index > Position::MAX {
                        return Err(range(format!(
                            "position {} is over {}",
                            p.index,
                            Position::MAX
                        )));
                    }
                    out.put_u16(p.weight.code() << 14 | p.index);
                }
            }
        }
    }
    Ok(IsNull::No)
}

/// Operator codes of the binary form.
const OP_NOT: u8 = 1;
const OP_AND: u8 = 2;
const OP_OR: u8 = 3;
const OP_PHRASE: u8 = 4;

/// Builds the tree from items in prefix order (operator, right, left).
fn read_query_node(r: &mut Reader<'_>, depth: usize) -> Result<TsQuery> {
    if depth > MAX_DEPTH {
        return Err(malformed::<TsQuery>(
            r.ty,
            format!("nested over {MAX_DEPTH} deep"),
        ));
    }
    match r.take::<TsQuery, 1>()? {
        [1] => {
            let [weights, prefix] = r.take::<TsQuery, 2>()?;
            if weights > 0x0f || prefix > 1 {
                return Err(malformed::<TsQuery>(r.ty, "bad lexeme flags"));
            }
            Ok(TsQuery::Lexeme {
                text: r.cstr::<TsQuery>()?.to_owned(),
                weights: Weights(weights),
                prefix: prefix == 1,
            })
        }
        [2] => match r.take::<TsQuery, 1>()? {
            [OP_NOT] => Ok(TsQuery::Not(Box::new(read_query_node(r, depth + 1)?))),
            [op @ (OP_AND | OP_OR | OP_PHRASE)] => {
                let distance = if op == OP_PHRASE {
                    u16::try_from(i16::from_be_bytes(r.take::<TsQuery, 2>()?))
                        .map_err(|_| malformed::<TsQuery>(r.ty, "a negative phrase distance"))?
                } else {
                    0
                };
                let right = Box::new(read_query_node(r, depth + 1)?);
                let left = Box::new(read_query_node(r, depth + 1)?);
                Ok(match op {
                    OP_AND => TsQuery::And(left, right),
                    OP_OR => TsQuery::Or(left, right),
                    _ => TsQuery::Phrase(left, right, distance),
                })
            }
            [op] => Err(malformed::<TsQuery>(r.ty, format!("unknown operator {op}"))),
        },
        [t] => Err(malformed::<TsQuery>(r.ty, format!("unknown item type {t}"))),
    }
}

fn write_query_node(q: &TsQuery, ty: &Type, out: &mut BytesMut) -> Result<()> {
    match q {
        TsQuery::Empty => {
            return Err(Error::out_of_range::<TsQuery>(
                ty,
                "an empty query inside a query",
            ));
        }
        TsQuery::Lexeme {
            text,
            weights,
            prefix,
        } => {
            if text.contains('\0') {
                return Err(nul_error::<TsQuery>(ty));
            }
            out.put_u8(1);
            out.put_u8(weights.0);
            out.put_u8(u8::from(*prefix));
            out.put_slice(text.as_bytes());
            out.put_u8(0);
        }
        TsQuery::Not(inner) => {
            out.put_slice(&[2, OP_NOT]);
            write_query_node(inner, ty, out)?;
        }
        TsQuery::And(l, r) | TsQuery::Or(l, r) | TsQuery::Phrase(l, r, _) => {
            out.put_u8(2);
            match q {
                TsQuery::And(..) => out.put_u8(OP_AND),
                TsQuery::Or(..) => out.put_u8(OP_OR),
                TsQuery::Phrase(_, _, d) => {
                    out.put_u8(OP_PHRASE);
                    let d = i16::try_from(*d).map_err(|_| {
                        Error::out_of_range::<TsQuery>(ty, format!("phrase distance {d}"))
                    })?;
                    out.put_i16(d);
                }
                _ => {}
            }
            write_query_node(r, ty, out)?;
            write_query_node(l, ty, out)?;
        }
    }
    Ok(())
}

/// Precedence climbing over the server's text form: `|` binds loosest,
/// then `&`, then the phrase operators, then `!`.
struct QueryParser<'a> {
    s: Scanner<'a>,
    depth: usize,
}

impl QueryParser<'_> {
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.s.error::<TsQuery>("nested too deep"));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<TsQuery> {
        self.enter()?;
        let mut q = self.and()?;
        while self.s.eat(b'|') {
            q = q.or(self.and()?);
        }
        self.depth -= 1;
        Ok(q)
    }

    fn and(&mut self) -> Result<TsQuery> {
        let mut q = self.phrase()?;
        while self.s.eat(b'&') {
            q = q.and(self.phrase()?);
        }
        Ok(q)
    }

    fn phrase(&mut self) -> Result<TsQuery> {
        let mut q = self.unary()?;
        while self.s.eat(b'<') {
            let distance = if self.s.text.as_bytes().get(self.s.pos) == Some(&b'-') {
                self.s.pos += 1;
                1
            } else {
                self.s.number::<TsQuery>()?
            };
            if !self.s.eat(b'>') {
                return Err(self.s.error::<TsQuery>("expected '>'"));
            }
            q = q.followed_by(self.unary()?, distance);
        }
        Ok(q)
    }

    fn unary(&mut self) -> Result<TsQuery> {
        if self.s.eat(b'!') {
            self.enter()?;
            let q = self.unary()?.not();
            self.depth -= 1;
            return Ok(q);
        }
        if self.s.eat(b'(') {
            let q = self.or()?;
            if !self.s.eat(b')') {
                return Err(self.s.error::<TsQuery>("expected ')'"));
            }
            return Ok(q);
        }
        if self.s.peek().is_none() {
            return Err(self.s.error::<TsQuery>("expected a lexeme"));
        }
        let text = self.s.word::<TsQuery>(b":&|!()<")?;
        let mut weights = Weights::ANY;
        let mut prefix = false;
        if self.s.text.as_bytes().get(self.s.pos) == Some(&b':') {
            self.s.pos += 1;
            while let Some(&c) = self.s.text.as_bytes().get(self.s.pos) {
                if c == b'*' {
                    prefix = true;
                } else if let Some(w) = Weight::from_letter(c) {
                    weights = weights.with(w);
                } else {
                    break;
                }
                self.s.pos += 1;
            }
        }
        Ok(TsQuery::Lexeme {
            text,
            weights,
            prefix,
        })
    }
}

fn load_tsquery(ctx: &Ctx<'_>, raw: &[u8]) -> Result<TsQuery> {
    check_ty::<TsQuery>(ctx, &Type::TSQUERY)?;
    match ctx.format {
        Format::Text => {
            let text = text_of::<TsQuery>(ctx.ty, raw)?;
            let mut p = QueryParser {
                s: Scanner {
                    ty: ctx.ty,
                    text,
                    pos: 0,
                },
                depth: 0,
            };
            if p.s.peek().is_none() {
                return Ok(TsQuery::Empty);
            }
            let q = p.or()?;
            if p.s.peek().is_some() {
                return Err(p.s.error::<TsQuery>("trailing characters"));
            }
            Ok(q)
        }
        Format::Binary => {
            let mut r = Reader { ty: ctx.ty, raw };
            // an item is at least two bytes
            let n = r.count::<TsQuery>(2)?;
            if n == 0 {
                r.end::<TsQuery>()?;
                return Ok(TsQuery::Empty);
            }
            let q = read_query_node(&mut r, 0)?;
            r.end::<TsQuery>()?;
            if q.items() != n {
                return Err(malformed::<TsQuery>(
                    ctx.ty,
                    format!("{n} items announced, {} read", q.items()),
                ));
            }
            Ok(q)
        }
    }
}

fn dump_tsquery(q: &TsQuery, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    check_ty::<TsQuery>(ctx, &Type::TSQUERY)?;
    match ctx.format {
        Format::Binary => {
            if *q == TsQuery::Empty {
                // tsqueryrecv refuses a query without items
                return Err(Error::out_of_range::<TsQuery>(
                    ctx.ty,
                    "the server reads no empty tsquery in binary; send it in text format \
                     (Param::text) or write the literal ''::tsquery",
                ));
            }
            let n = i32::try_from(q.items())
                .map_err(|_| Error::out_of_range::<TsQuery>(ctx.ty, "too many items"))?;
            out.put_i32(n);
            write_query_node(q, ctx.ty, out)?;
        }
        Format::Text => {
            let mut nul = false;
            check_nul(q, &mut nul);
            if nul {
                return Err(nul_error::<TsQuery>(ctx.ty));
            }
            let _ = write!(crate::types::int::BytesWriter(out), "{q}");
        }
    }
    Ok(IsNull::No)
}

fn check_nul(q: &TsQuery, nul: &mut bool) {
    match q {
        TsQuery::Empty => {}
        TsQuery::Lexeme { text, .. } => *nul |= text.contains('\0'),
        TsQuery::Not(q) => check_nul(q, nul),
        TsQuery::And(l, r) | TsQuery::Or(l, r) | TsQuery::Phrase(l, r, _) => {
            check_nul(l, nul);
            check_nul(r, nul);
        }
    }
}

macro_rules! codec {
    ($t:ty, $ty:ident, $load:ident, $dump:ident) => {
        impl Load<'_> for $t {
            fn check(ctx: &Ctx<'_>) -> Result<()> {
                check_ty::<$t>(ctx, &Type::$ty)
            }

            fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<$t> {
                $load(ctx, raw)
            }
        }

        impl Dump for $t {
            fn pg_type(&self, _: &Policy) -> Type {
                Type::$ty
            }

            fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
                $dump(self, ctx, out)
            }
        }

        impl StaticType for $t {
            fn static_type(_: &Policy) -> Type {
                Type::$ty
            }
        }
    };
}

codec!(TsVector, TS_VECTOR, load_tsvector, dump_tsvector);
codec!(TsQuery, TSQUERY, load_tsquery, dump_tsquery);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn both<T>(ty: &Type, v: &T) -> Vec<T>
    where
        T: Dump + for<'a> Load<'a>,
    {
        [Format::Binary, Format::Text]
            .into_iter()
            .map(|fmt| {
                let ctx = Ctx::new(ty, fmt);
                let mut out = BytesMut::new();
                v.dump(&ctx, &mut out).unwrap();
                T::load(&ctx, &out).unwrap()
            })
            .collect()
    }

    #[test]
    fn server_bytes() {
        // SELECT tsquerysend('!a <2> b'), tsvectorsend('a:1A,2 b''c:3')
        let q = TsQuery::load(
            &Ctx::binary(&Type::TSQUERY),
            b"\x00\x00\x00\x04\x02\x04\x00\x02\x01\x00\x00b\x00\x02\x01\x01\x00\x00a\x00",
        )
        .unwrap();
        assert_eq!(
            q,
            TsQuery::lexeme("a")
                .not()
                .followed_by(TsQuery::lexeme("b"), 2)
        );
        assert_eq!(q.to_string(), "!'a' <2> 'b'");
        let v = TsVector::load(
            &Ctx::binary(&Type::TS_VECTOR),
            b"\x00\x00\x00\x02a\x00\x00\x02\xc0\x01\x00\x02b'c\x00\x00\x01\x00\x03",
        )
        .unwrap();
        assert_eq!(v.to_string(), "'a':1A,2 'b''c':3");
        let mut out = BytesMut::new();
        q.dump(&Ctx::binary(&Type::TSQUERY), &mut out).unwrap();
        assert_eq!(
            &out[..],
            b"\x00\x00\x00\x04\x02\x04\x00\x02\x01\x00\x00b\x00\x02\x01\x01\x00\x00a\x00"
        );
    }

    #[test]
    fn text_forms() {
        let ctx = Ctx::text(&Type::TSQUERY);
        for text in [
            "'a' & 'b' & 'c'",
            "'a' <-> ( 'b' <-> 'c' )",
            "( 'a' | 'b' ) & !( 'c' | 'd' )",
            "'it''s' & 'back\\\\slash':*AB",
            "!!'a'",
            "'a' <3> 'b' | 'c'",
        ] {
            let q = TsQuery::load(&ctx, text.as_bytes()).unwrap();
            assert_eq!(q.to_string(), text);
            assert_eq!(both(&Type::TSQUERY, &q), [q.clone(), q]);
        }
        assert_eq!(TsQuery::load(&ctx, b"").unwrap(), TsQuery::Empty);
        assert_eq!(
            TsQuery::load(&Ctx::binary(&Type::TSQUERY), &[0; 4]).unwrap(),
            TsQuery::Empty
        );
        let mut out = BytesMut::new();
        assert!(
            TsQuery::Empty
                .dump(&Ctx::binary(&Type::TSQUERY), &mut out)
                .is_err()
        );
        assert_eq!(
            TsQuery::load(&ctx, b"fat & rat:B").unwrap(),
            TsQuery::lexeme("fat").and(TsQuery::lexeme("rat").weight(Weight::B))
        );
        for bad in ["'a", "a &", "(a", "a b", "a <x> b", "a)"] {
            assert!(TsQuery::load(&ctx, bad.as_bytes()).is_err(), "{bad}");
        }
        let v = TsVector::load(&Ctx::text(&Type::TS_VECTOR), b"'a' 'b c':1,16383D").unwrap();
        assert_eq!(v.lexemes()[1].positions[1].index, 16383);
        assert_eq!(both(&Type::TS_VECTOR, &v), [v.clone(), v]);
    }

    #[test]
    fn deep_input_is_refused() {
        let mut raw = (100_000i32).to_be_bytes().to_vec();
        for _ in 0..99_999 {
            raw.extend_from_slice(&[2, OP_NOT]);
        }
        raw.extend_from_slice(b"\x01\x00\x00a\x00");
        assert!(TsQuery::load(&Ctx::binary(&Type::TSQUERY), &raw).is_err());
        let text = "!".repeat(5000) + "a";
        assert!(TsQuery::load(&Ctx::text(&Type::TSQUERY), text.as_bytes()).is_err());
        let text = "(".repeat(5000) + "a";
        assert!(TsQuery::load(&Ctx::text(&Type::TSQUERY), text.as_bytes()).is_err());
    }

    proptest! {
        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..48)) {
            for fmt in [Format::Binary, Format::Text] {
                let _ = TsQuery::load(&Ctx::new(&Type::TSQUERY, fmt), &raw);
                let _ = TsVector::load(&Ctx::new(&Type::TS_VECTOR, fmt), &raw);
            }
        }

        #[test]
        fn text_garbage_never_panics(s in "[ab'\\\\:*&|!()<>0-9 -]{0,24}") {
            let _ = TsQuery::load(&Ctx::text(&Type::TSQUERY), s.as_bytes());
            let _ = TsVector::load(&Ctx::text(&Type::TS_VECTOR), s.as_bytes());
        }
    }
}
