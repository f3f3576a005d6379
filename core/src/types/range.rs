//! Range types (`int4range`, `int8range`, `numrange`, `daterange`,
//! `tsrange`, `tstzrange` and user-defined ones) as [`Range<T>`], generic over
//! the element type.
//!
//! Wire forms, as PostgreSQL's `range_send` / `range_out` write them:
//!
//! - binary: one flags byte (empty 0x01, lower inclusive 0x02, upper
//!   inclusive 0x04, lower infinite 0x08, upper infinite 0x10), then for each
//!   finite bound an `i32` length and the element's binary bytes;
//! - text: `empty`, or `[` / `(`, the lower bound, `,`, the upper bound,
//!   `]` / `)`. An infinite bound is left out (`(,3]`). A bound is
//!   double-quoted when it is empty or holds a quote, backslash, bracket,
//!   parenthesis, comma or white space, with `"` and `\` doubled inside
//!   (`["2020-01-01 00:00:00+00","2020-02-01 00:00:00+00")`). Loading also
//!   takes every form the server reads: `\`-escapes, quotes in the middle of
//!   a bound, `EMPTY` in any case, white space around the brackets.
//!
//! Ranges travel as written: pgcast does not canonicalise. The server
//! canonicalises discrete ranges on input (`int4range` `[1,5]` reads back as
//! `[1,6)`, `(1,2)` as `empty`) and rejects a lower bound above the upper
//! one, so a value sent to the server may come back in another, equal, form.

use std::borrow::Cow;
use std::ops;

use bytes::{BufMut, BytesMut};
use postgres_types::{Kind, Type};

use crate::{
    Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, LoadOwned, Policy, Result, StaticType,
};

const EMPTY: u8 = 0x01;
const LB_INC: u8 = 0x02;
const UB_INC: u8 = 0x04;
const LB_INF: u8 = 0x08;
const UB_INF: u8 = 0x10;
/// The flags `range_send` can write; the others are server-internal.
const KNOWN_FLAGS: u8 = EMPTY | LB_INC | UB_INC | LB_INF | UB_INF;

/// One end of a [`Range`].
///
/// Converts to and from [`std::ops::Bound`] (`Included` ↔ `Inclusive`,
/// `Excluded` ↔ `Exclusive`).
///
/// ```
/// use pgcast_core::types::Bound;
///
/// let b: Bound<i32> = std::ops::Bound::Included(3).into();
/// assert_eq!(b, Bound::Inclusive(3));
/// assert_eq!(b.value(), Some(&3));
/// assert_eq!(Bound::<i32>::Unbounded.value(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound<T> {
    /// No bound: the range extends to infinity on this side.
    Unbounded,
    /// The range includes this value (`[` or `]`).
    Inclusive(T),
    /// The range stops just short of this value (`(` or `)`).
    Exclusive(T),
}

impl<T> Bound<T> {
    /// The bound's value, `None` when unbounded.
    pub fn value(&self) -> Option<&T> {
        match self {
            Bound::Unbounded => None,
            Bound::Inclusive(v) | Bound::Exclusive(v) => Some(v),
        }
    }

    /// Whether the bound includes its value.
    pub fn is_inclusive(&self) -> bool {
        matches!(self, Bound::Inclusive(_))
    }

    /// Whether there is no bound on this side.
    pub fn is_unbounded(&self) -> bool {
        matches!(self, Bound::Unbounded)
    }

    /// The bound with its value converted by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Bound<U> {
        match self {
            Bound::Unbounded => Bound::Unbounded,
            Bound::Inclusive(v) => Bound::Inclusive(f(v)),
            Bound::Exclusive(v) => Bound::Exclusive(f(v)),
        }
    }

    /// A bound borrowing this one's value.
    pub fn as_ref(&self) -> Bound<&T> {
        match self {
            Bound::Unbounded => Bound::Unbounded,
            Bound::Inclusive(v) => Bound::Inclusive(v),
            Bound::Exclusive(v) => Bound::Exclusive(v),
        }
    }
}

impl<T> From<ops::Bound<T>> for Bound<T> {
    fn from(b: ops::Bound<T>) -> Self {
        match b {
            ops::Bound::Unbounded => Bound::Unbounded,
            ops::Bound::Included(v) => Bound::Inclusive(v),
            ops::Bound::Excluded(v) => Bound::Exclusive(v),
        }
    }
}

impl<T> From<Bound<T>> for ops::Bound<T> {
    fn from(b: Bound<T>) -> Self {
        match b {
            Bound::Unbounded => ops::Bound::Unbounded,
            Bound::Inclusive(v) => ops::Bound::Included(v),
            Bound::Exclusive(v) => ops::Bound::Excluded(v),
        }
    }
}

/// A PostgreSQL range: empty, or a lower and an upper [`Bound`].
///
/// Any element type that loads and dumps works (`Range<i32>`,
/// `Range<i64>`, numerics, dates, timestamps, or a custom subtype); the
/// range type to send is found from the element's [`StaticType`]:
/// `int4` → `int4range`, `int8` → `int8range`, `numeric` → `numrange`,
/// `date` → `daterange`, `timestamp` → `tsrange`, `timestamptz` →
/// `tstzrange`. Other elements have no built-in range type: their ranges
/// are sent with OID 0 (the server infers the type from the statement); use
/// the catalogue ([`typeinfo`](crate::typeinfo)) for a custom range type.
///
/// Ranges travel as written, not canonicalised: the server canonicalises
/// discrete ranges on input (`int4range` `[1,5]` reads back as `[1,6)`,
/// `(1,2)` as `empty`) and rejects a lower bound above the upper one.
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::types::{Bound, Range};
/// use pgcast_core::{Ctx, Dump, Load, Policy};
/// use postgres_types::Type;
///
/// let r = Range::from(1..5);
/// assert_eq!(r.lower(), Some(&Bound::Inclusive(1)));
/// assert_eq!(r.pg_type(&Policy::DEFAULT), Type::INT4_RANGE);
///
/// let mut out = BytesMut::new();
/// r.dump(&Ctx::text(&Type::INT4_RANGE), &mut out).unwrap();
/// assert_eq!(&out[..], b"[1,5)");
///
/// let back: Range<i32> = Load::load(&Ctx::text(&Type::INT4_RANGE), b"(,3]").unwrap();
/// assert_eq!(back, Range::new(Bound::Unbounded, Bound::Inclusive(3)));
/// let empty: Range<i32> = Load::load(&Ctx::text(&Type::INT4_RANGE), b"empty").unwrap();
/// assert!(empty.is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Range<T> {
    bounds: Option<(Bound<T>, Bound<T>)>,
}

impl<T> Range<T> {
    /// The empty range (`empty`).
    pub const fn empty() -> Range<T> {
        Range { bounds: None }
    }

    /// A range between two bounds. It is not checked against the elements'
    /// order; the server rejects a lower bound above the upper one.
    pub const fn new(lower: Bound<T>, upper: Bound<T>) -> Range<T> {
        Range {
            bounds: Some((lower, upper)),
        }
    }

    /// `[lower,upper]`.
    pub const fn inclusive(lower: T, upper: T) -> Range<T> {
        Range::new(Bound::Inclusive(lower), Bound::Inclusive(upper))
    }

    /// `[lower,upper)`, the canonical form of discrete ranges.
    pub const fn closed_open(lower: T, upper: T) -> Range<T> {
        Range::new(Bound::Inclusive(lower), Bound::Exclusive(upper))
    }

    /// `(,)`: every value.
    pub const fn unbounded() -> Range<T> {
        Range::new(Bound::Unbounded, Bound::Unbounded)
    }

    /// Whether this is the empty range.
    pub const fn is_empty(&self) -> bool {
        self.bounds.is_none()
    }

    /// The lower bound; `None` for the empty range.
    pub fn lower(&self) -> Option<&Bound<T>> {
        self.bounds.as_ref().map(|(lower, _)| lower)
    }

    /// The upper bound; `None` for the empty range.
    pub fn upper(&self) -> Option<&Bound<T>> {
        self.bounds.as_ref().map(|(_, upper)| upper)
    }

    /// Both bounds, borrowed; `None` for the empty range.
    pub fn bounds(&self) -> Option<(&Bound<T>, &Bound<T>)> {
        self.bounds.as_ref().map(|(l, u)| (l, u))
    }

    /// Both bounds; `None` for the empty range.
    pub fn into_bounds(self) -> Option<(Bound<T>, Bound<T>)> {
        self.bounds
    }

    /// The range with its bounds' values converted by `f`.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Range<U> {
        Range {
            bounds: self.bounds.map(|(l, u)| (l.map(&mut f), u.map(f))),
        }
    }
}

impl<T> From<ops::Range<T>> for Range<T> {
    /// `a..b` is `[a,b)`.
    fn from(r: ops::Range<T>) -> Self {
        Range::closed_open(r.start, r.end)
    }
}

impl<T> From<ops::RangeInclusive<T>> for Range<T> {
    /// `a..=b` is `[a,b]`.
    fn from(r: ops::RangeInclusive<T>) -> Self {
        let (start, end) = r.into_inner();
        Range::inclusive(start, end)
    }
}

impl<T> From<ops::RangeFrom<T>> for Range<T> {
    /// `a..` is `[a,)`.
    fn from(r: ops::RangeFrom<T>) -> Self {
        Range::new(Bound::Inclusive(r.start), Bound::Unbounded)
    }
}

impl<T> From<ops::RangeTo<T>> for Range<T> {
    /// `..b` is `(,b)`.
    fn from(r: ops::RangeTo<T>) -> Self {
        Range::new(Bound::Unbounded, Bound::Exclusive(r.end))
    }
}

impl<T> From<ops::RangeToInclusive<T>> for Range<T> {
    /// `..=b` is `(,b]`.
    fn from(r: ops::RangeToInclusive<T>) -> Self {
        Range::new(Bound::Unbounded, Bound::Inclusive(r.end))
    }
}

impl<T> From<ops::RangeFull> for Range<T> {
    /// `..` is `(,)`.
    fn from(_: ops::RangeFull) -> Self {
        Range::unbounded()
    }
}

/// The built-in range and multirange types of an element type.
const RANGE_TABLE: [(Type, Type, Type); 6] = [
    (Type::INT4, Type::INT4_RANGE, Type::INT4MULTI_RANGE),
    (Type::INT8, Type::INT8_RANGE, Type::INT8MULTI_RANGE),
    (Type::NUMERIC, Type::NUM_RANGE, Type::NUMMULTI_RANGE),
    (Type::DATE, Type::DATE_RANGE, Type::DATEMULTI_RANGE),
    (Type::TIMESTAMP, Type::TS_RANGE, Type::TSMULTI_RANGE),
    (Type::TIMESTAMPTZ, Type::TSTZ_RANGE, Type::TSTZMULTI_RANGE),
];

/// The range type over `element`: a built-in one, else an unspecified one
/// (OID 0) with the element as its subtype.
pub(crate) fn range_type_of(element: &Type) -> Type {
    match RANGE_TABLE.iter().find(|(e, _, _)| e == element) {
        Some((_, range, _)) => range.clone(),
        None => Type::new(
            "unknown".into(),
            0,
            Kind::Range(element.clone()),
            "pg_catalog".into(),
        ),
    }
}

/// The multirange type over `element`, like [`range_type_of`].
pub(crate) fn multirange_type_of(element: &Type) -> Type {
    match RANGE_TABLE.iter().find(|(e, _, _)| e == element) {
        Some((_, _, multi)) => multi.clone(),
        None => Type::new(
            "unknown".into(),
            0,
            Kind::Multirange(element.clone()),
            "pg_catalog".into(),
        ),
    }
}

/// The element type of a range type.
#[inline]
fn range_subtype(ty: &Type) -> Option<&Type> {
    match ty.kind() {
        Kind::Range(sub) => Some(sub),
        _ => None,
    }
}

impl<T: StaticType> StaticType for Range<T> {
    fn static_type(policy: &Policy) -> Type {
        range_type_of(&T::static_type(policy))
    }
}

impl<T: LoadOwned> Load<'_> for Range<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match range_subtype(ctx.ty) {
            Some(sub) => T::check(&ctx.with_type(sub)),
            None => Err(Error::wrong_type::<Self>(ctx.ty)),
        }
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Range<T>> {
        let Some(sub) = range_subtype(ctx.ty) else {
            return Err(Error::wrong_type::<Self>(ctx.ty));
        };
        load_range(ctx, sub, raw)
    }
}

impl<T: Dump + StaticType> Dump for Range<T> {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        let Some(sub) = range_subtype(ctx.ty) else {
            return Err(Error::wrong_type::<Self>(ctx.ty));
        };
        dump_range(self, ctx, sub, out)?;
        Ok(IsNull::No)
    }
}

/// Decodes one range whose elements are `sub`; errors name `ctx.ty` (the
/// range or multirange type).
pub(crate) fn load_range<T: LoadOwned>(ctx: &Ctx<'_>, sub: &Type, raw: &[u8]) -> Result<Range<T>> {
    let elem = ctx.with_type(sub);
    let bound = |b: RawBound<'_>| -> Result<Bound<T>> {
        Ok(match b {
            RawBound::Unbounded => Bound::Unbounded,
            RawBound::Inclusive(v) => Bound::Inclusive(T::load(&elem, &v)?),
            RawBound::Exclusive(v) => Bound::Exclusive(T::load(&elem, &v)?),
        })
    };
    let parsed = match ctx.format {
        Format::Binary => parse_binary(raw),
        Format::Text => parse_text(raw),
    };
    match parsed.map_err(|msg| Error::malformed(ctx.ty, msg).with_rust_type::<Range<T>>())? {
        None => Ok(Range::empty()),
        Some((lower, upper)) => Ok(Range::new(bound(lower)?, bound(upper)?)),
    }
}

/// Encodes one range whose elements are `sub`.
pub(crate) fn dump_range<T: Dump>(
    range: &Range<T>,
    ctx: &Ctx<'_>,
    sub: &Type,
    out: &mut BytesMut,
) -> Result<()> {
    let elem = ctx.with_type(sub);
    let Some((lower, upper)) = &range.bounds else {
        match ctx.format {
            Format::Binary => out.put_u8(EMPTY),
            Format::Text => out.put_slice(b"empty"),
        }
        return Ok(());
    };
    match ctx.format {
        Format::Binary => {
            let mut flags = 0;
            match lower {
                Bound::Unbounded => flags |= LB_INF,
                Bound::Inclusive(_) => flags |= LB_INC,
                Bound::Exclusive(_) => {}
            }
            match upper {
                Bound::Unbounded => flags |= UB_INF,
                Bound::Inclusive(_) => flags |= UB_INC,
                Bound::Exclusive(_) => {}
            }
            out.put_u8(flags);
            for b in [lower, upper] {
                if let Some(v) = b.value() {
                    dump_binary_bound(v, &elem, ctx.ty, out)?;
                }
            }
        }
        Format::Text => {
            out.put_u8(if lower.is_inclusive() { b'[' } else { b'(' });
            if let Some(v) = lower.value() {
                dump_text_bound(v, &elem, ctx.ty, out)?;
            }
            out.put_u8(b',');
            if let Some(v) = upper.value() {
                dump_text_bound(v, &elem, ctx.ty, out)?;
            }
            out.put_u8(if upper.is_inclusive() { b']' } else { b')' });
        }
    }
    Ok(())
}

fn null_bound(ty: &Type) -> Error {
    Error::new(
        ErrorKind::UnexpectedNull,
        "a range bound cannot be NULL; use Bound::Unbounded",
    )
    .with_pg_type(ty)
}

/// Writes an `i32` length, then the element's binary bytes.
pub(crate) fn dump_binary_bound<T: Dump + ?Sized>(
    v: &T,
    elem: &Ctx<'_>,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<()> {
    let at = out.len();
    out.put_i32(0);
    if v.dump(elem, out)? == IsNull::Yes {
        return Err(null_bound(ty));
    }
    let len = i32::try_from(out.len() - at - 4)
        .map_err(|_| Error::out_of_range::<T>(ty, "a range bound over 2 GiB"))?;
    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

/// Writes the element's text, quoted the way `range_out` quotes it.
fn dump_text_bound<T: Dump + ?Sized>(
    v: &T,
    elem: &Ctx<'_>,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<()> {
    let at = out.len();
    if v.dump(elem, out)? == IsNull::Yes {
        return Err(null_bound(ty));
    }
    let text = &out[at..];
    if !text.is_empty() && !text.iter().any(|&b| needs_quote(b)) {
        return Ok(());
    }
    let text = text.to_vec();
    out.truncate(at);
    out.put_u8(b'"');
    for b in text {
        if b == b'"' || b == b'\\' {
            out.put_u8(b);
        }
        out.put_u8(b);
    }
    out.put_u8(b'"');
    Ok(())
}

#[inline]
fn needs_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\\' | b'(' | b')' | b'[' | b']' | b',') || is_space(b)
}

/// C's `isspace` in the C locale, which the server's parsers use.
#[inline]
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A bound as found on the wire, before the element is decoded.
enum RawBound<'r> {
    Unbounded,
    Inclusive(Cow<'r, [u8]>),
    Exclusive(Cow<'r, [u8]>),
}

type RawRange<'r> = Option<(RawBound<'r>, RawBound<'r>)>;

/// Reads an `i32`-length-prefixed chunk; `None` length is an error here.
fn take_chunk<'r>(raw: &mut &'r [u8], what: &'static str) -> Result<&'r [u8], &'static str> {
    let (len, rest) = raw.split_first_chunk::<4>().ok_or(what)?;
    let len = usize::try_from(i32::from_be_bytes(*len)).map_err(|_| what)?;
    if rest.len() < len {
        return Err(what);
    }
    let (chunk, rest) = rest.split_at(len);
    *raw = rest;
    Ok(chunk)
}

fn parse_binary(raw: &[u8]) -> Result<RawRange<'_>, &'static str> {
    let (&flags, mut rest) = raw.split_first().ok_or("an empty binary range")?;
    if flags & !KNOWN_FLAGS != 0 {
        return Err("unknown range flags");
    }
    if flags & EMPTY != 0 {
        if flags != EMPTY || !rest.is_empty() {
            return Err("an empty range with bounds");
        }
        return Ok(None);
    }
    let mut bound = |inf: u8, inc: u8| -> Result<RawBound<'_>, &'static str> {
        if flags & inf != 0 {
            return Ok(RawBound::Unbounded);
        }
        let v = Cow::Borrowed(take_chunk(&mut rest, "a truncated or NULL range bound")?);
        Ok(if flags & inc != 0 {
            RawBound::Inclusive(v)
        } else {
            RawBound::Exclusive(v)
        })
    };
    let lower = bound(LB_INF, LB_INC)?;
    let upper = bound(UB_INF, UB_INC)?;
    if !rest.is_empty() {
        return Err("trailing bytes after a binary range");
    }
    Ok(Some((lower, upper)))
}

fn skip_space(raw: &[u8], mut i: usize) -> usize {
    while raw.get(i).copied().is_some_and(is_space) {
        i += 1;
    }
    i
}

/// Whether `raw[i..]` starts with `empty` in any case.
fn is_empty_word(raw: &[u8], i: usize) -> bool {
    raw.get(i..i + 5)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"empty"))
}

/// Parses `range_in`'s input: `empty`, or `[a,b)` and the like.
fn parse_text(raw: &[u8]) -> Result<RawRange<'_>, &'static str> {
    let mut i = skip_space(raw, 0);
    if is_empty_word(raw, i) {
        i = skip_space(raw, i + 5);
        return if i == raw.len() {
            Ok(None)
        } else {
            Err("junk after \"empty\"")
        };
    }
    let lower_inc = match raw.get(i) {
        Some(b'[') => true,
        Some(b'(') => false,
        _ => return Err("a range must start with \"[\", \"(\" or \"empty\""),
    };
    let (lower, next) = parse_text_bound(raw, i + 1)?;
    if raw.get(next) != Some(&b',') {
        return Err("a range needs a comma between its bounds");
    }
    let (upper, next) = parse_text_bound(raw, next + 1)?;
    let upper_inc = match raw.get(next) {
        Some(b']') => true,
        Some(b')') => false,
        _ => return Err("a range must end with \"]\" or \")\""),
    };
    if skip_space(raw, next + 1) != raw.len() {
        return Err("junk after the range");
    }
    Ok(Some((wrap(lower, lower_inc), wrap(upper, upper_inc))))
}

fn wrap(v: Option<Cow<'_, [u8]>>, inclusive: bool) -> RawBound<'_> {
    match v {
        None => RawBound::Unbounded,
        Some(v) if inclusive => RawBound::Inclusive(v),
        Some(v) => RawBound::Exclusive(v),
    }
}

/// A bound's text (`None` when infinite) and the index of its delimiter.
type TextBound<'r> = (Option<Cow<'r, [u8]>>, usize);

/// One bound starting at `raw[i]`: `None` when it is missing (infinite),
/// and the index of the delimiter that ends it.
fn parse_text_bound(raw: &[u8], start: usize) -> Result<TextBound<'_>, &'static str> {
    match raw.get(start) {
        None => return Err("a range ends inside a bound"),
        Some(b',' | b')' | b']') => return Ok((None, start)),
        Some(_) => {}
    }
    // Fast path: no quotes or escapes, the bytes are the value.
    let mut i = start;
    loop {
        match raw.get(i) {
            None => return Err("a range ends inside a bound"),
            Some(b',' | b')' | b']') => return Ok((Some(Cow::Borrowed(&raw[start..i])), i)),
            Some(b'"' | b'\\') => break,
            Some(_) => i += 1,
        }
    }
    let mut value = raw[start..i].to_vec();
    let mut quoted = false;
    loop {
        let Some(&b) = raw.get(i) else {
            return Err("a range ends inside a bound");
        };
        match b {
            b',' | b')' | b']' if !quoted => return Ok((Some(Cow::Owned(value)), i)),
            b'\\' => {
                let &escaped = raw.get(i + 1).ok_or("a range ends after a backslash")?;
                value.push(escaped);
                i += 2;
            }
            b'"' if quoted && raw.get(i + 1) == Some(&b'"') => {
                value.push(b'"');
                i += 2;
            }
            b'"' => {
                quoted = !quoted;
                i += 1;
            }
            _ => {
                value.push(b);
                i += 1;
            }
        }
    }
}

/// The end (exclusive) of the range text starting at `raw[start]` (a `[`,
/// `(` or `empty`), honouring quotes and escapes.
pub(crate) fn range_text_end(raw: &[u8], start: usize) -> Result<usize, &'static str> {
    if is_empty_word(raw, start) {
        return Ok(start + 5);
    }
    if !matches!(raw.get(start), Some(b'[' | b'(')) {
        return Err("a range must start with \"[\", \"(\" or \"empty\"");
    }
    let mut i = start + 1;
    let mut quoted = false;
    loop {
        match raw.get(i) {
            None => return Err("a multirange ends inside a range"),
            Some(b'\\') => i += 2,
            Some(b'"') => {
                quoted = !quoted;
                i += 1;
            }
            Some(b']' | b')') if !quoted => return Ok(i + 1),
            Some(_) => i += 1,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text<T: Dump + StaticType>(r: &Range<T>, ty: &Type) -> String {
        let mut out = BytesMut::new();
        r.dump(&Ctx::text(ty), &mut out).unwrap();
        String::from_utf8(out.to_vec()).unwrap()
    }

    fn load_text<T: LoadOwned>(ty: &Type, s: &str) -> Result<Range<T>> {
        Range::load(&Ctx::text(ty), s.as_bytes())
    }

    #[test]
    fn text_forms() {
        let ty = Type::INT4_RANGE;
        assert_eq!(text(&Range::from(1..5), &ty), "[1,5)");
        assert_eq!(text(&Range::<i32>::empty(), &ty), "empty");
        assert_eq!(text(&Range::from(..=3), &ty), "(,3]");
        assert_eq!(text(&Range::<i32>::unbounded(), &ty), "(,)");
        assert_eq!(text(&Range::from(-2..), &ty), "[-2,)");
        for (s, r) in [
            ("[1,5)", Range::from(1..5)),
            ("  [ 1 , 5 ]  ", Range::inclusive(1, 5)),
            ("(,)", Range::unbounded()),
            ("EMPTY", Range::empty()),
            (" eMpTy ", Range::empty()),
            (
                "(\"1\",\"2\"]",
                Range::new(Bound::Exclusive(1), Bound::Inclusive(2)),
            ),
            ("[\\1,2\"\"]", Range::inclusive(1, 2)),
            ("[1\"2\",3)", Range::closed_open(12, 3)),
        ] {
            // int4's text parser does not take the spaces: they stay in the bound
            if s.contains(" 1 ") {
                assert!(load_text::<i32>(&ty, s).is_err());
                continue;
            }
            assert_eq!(load_text::<i32>(&ty, s).unwrap(), r, "{s}");
        }
    }

    #[test]
    fn quoting_of_text_bounds() {
        let ty = Type::new(
            "textrange".into(),
            0,
            Kind::Range(Type::TEXT),
            "public".into(),
        );
        let r = Range::closed_open(String::new(), "a \"b\\c,(]".to_owned());
        let s = text(&r, &ty);
        assert_eq!(s, r#"["","a ""b\\c,(]")"#);
        assert_eq!(load_text::<String>(&ty, &s).unwrap(), r);
        // the server's other escape style
        assert_eq!(
            load_text::<String>(&ty, r#"[\"x,"y\"z")"#).unwrap(),
            Range::closed_open("\"x".to_owned(), "y\"z".to_owned())
        );
        // an empty quoted bound is a value, not infinity
        assert_eq!(
            load_text::<String>(&ty, r#"("",)"#).unwrap(),
            Range::new(Bound::Exclusive(String::new()), Bound::Unbounded)
        );
    }

    #[test]
    fn binary_form() {
        let ctx = Ctx::binary(&Type::INT4_RANGE);
        let mut out = BytesMut::new();
        Range::from(1..5).dump(&ctx, &mut out).unwrap();
        assert_eq!(
            &out[..],
            &[0x02, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 5]
        );
        assert_eq!(Range::<i32>::load(&ctx, &out).unwrap(), Range::from(1..5));
        assert_eq!(Range::<i32>::load(&ctx, &[0x01]).unwrap(), Range::empty());
        assert_eq!(
            Range::<i32>::load(&ctx, &[0x18]).unwrap(),
            Range::unbounded()
        );
        // widening through the element: int4range into Range<i64>
        assert_eq!(Range::<i64>::load(&ctx, &out).unwrap(), Range::from(1..5));
    }

    #[test]
    fn malformed_input() {
        let ctx = Ctx::binary(&Type::INT4_RANGE);
        for bad in [
            &[][..],
            &[0x01, 0],
            &[0x03],
            &[0x20],
            &[0x80],
            &[0x02, 0, 0, 0, 4, 0, 0, 0],
            &[0x12, 0, 0, 0, 4, 0, 0, 0, 1, 9],
            &[0x12, 0xff, 0xff, 0xff, 0xff],
            &[0x12, 0, 0, 0, 2, 0, 1],
        ] {
            assert!(Range::<i32>::load(&ctx, bad).is_err(), "{bad:?}");
        }
        for bad in [
            "", "[", "[1", "[1,", "[1,2", "[1,2)x", "(1;2)", "emptyx", "{1,2}", "[1,2\\",
            "[\"1,2)", "[a,b)",
        ] {
            assert!(load_text::<i32>(&Type::INT4_RANGE, bad).is_err(), "{bad:?}");
        }
        let err = Range::<i32>::load(&Ctx::binary(&Type::INT4), &[1]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        assert!(Range::<i32>::check(&Ctx::binary(&Type::INT8_RANGE)).is_ok());
        assert!(Range::<String>::check(&Ctx::binary(&Type::INT8_RANGE)).is_err());
        let mut out = BytesMut::new();
        assert!(
            Range::from(1..2)
                .dump(&Ctx::binary(&Type::INT4), &mut out)
                .is_err()
        );
        // narrowing is range-checked through the element
        assert!(
            Range::from(1..i64::MAX)
                .dump(&Ctx::binary(&Type::INT4_RANGE), &mut out)
                .is_err()
        );
    }

    #[test]
    fn static_types() {
        let p = Policy::DEFAULT;
        assert_eq!(Range::<i32>::static_type(&p), Type::INT4_RANGE);
        assert_eq!(Range::<i64>::static_type(&p), Type::INT8_RANGE);
        let other = Range::<String>::static_type(&p);
        assert_eq!(other.oid(), 0);
        assert_eq!(other.kind(), &Kind::Range(Type::TEXT));
        assert_eq!(multirange_type_of(&Type::DATE), Type::DATEMULTI_RANGE);
    }

    fn arb_bound() -> impl Strategy<Value = Bound<i64>> {
        prop_oneof![
            Just(Bound::Unbounded),
            any::<i64>().prop_map(Bound::Inclusive),
            any::<i64>().prop_map(Bound::Exclusive),
        ]
    }

    pub(crate) fn arb_range() -> impl Strategy<Value = Range<i64>> {
        prop_oneof![
            1 => Just(Range::empty()),
            6 => (arb_bound(), arb_bound()).prop_map(|(l, u)| Range::new(l, u)),
        ]
    }

    fn arb_text_bound() -> impl Strategy<Value = Bound<String>> {
        prop_oneof![
            Just(Bound::Unbounded),
            "[a-z\"\\\\ ,()\\[\\]é]{0,6}".prop_map(Bound::Inclusive),
            "[a-z\"\\\\ ,()\\[\\]é]{0,6}".prop_map(Bound::Exclusive),
        ]
    }

    proptest! {
        #[test]
        fn round_trip(r in arb_range()) {
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&Type::INT8_RANGE, fmt);
                let mut out = BytesMut::new();
                r.dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(Range::<i64>::load(&ctx, &out).unwrap(), r);
            }
        }

        #[test]
        fn text_bounds_round_trip(l in arb_text_bound(), u in arb_text_bound(), empty in any::<bool>()) {
            let ty = Type::new("textrange".into(), 0, Kind::Range(Type::TEXT), "public".into());
            let r = if empty { Range::empty() } else { Range::new(l, u) };
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&ty, fmt);
                let mut out = BytesMut::new();
                r.dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(Range::<String>::load(&ctx, &out).unwrap(), r.clone());
            }
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..24)) {
            for fmt in [Format::Binary, Format::Text] {
                let _ = Range::<i32>::load(&Ctx::new(&Type::INT4_RANGE, fmt), &raw);
            }
        }

        #[test]
        fn text_garbage_never_panics(s in "[\\[\\]()\",\\\\a1 e]{0,12}") {
            let _ = load_text::<i32>(&Type::INT4_RANGE, &s);
            let _ = range_text_end(s.as_bytes(), 0);
        }
    }
}
