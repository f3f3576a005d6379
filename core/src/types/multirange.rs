//! Multirange types (PostgreSQL 14+: `int4multirange`, `int8multirange`,
//! `nummultirange`, `datemultirange`, `tsmultirange`, `tstzmultirange` and
//! user-defined ones) as [`Multirange<T>`].
//!
//! Wire forms, as `multirange_send` / `multirange_out` write them:
//!
//! - binary: an `i32` count, then for each range an `i32` length and the
//!   range's binary form;
//! - text: `{` ranges separated by `,` `}` (`{[1,3),[5,7)}`, `{}`); loading
//!   also takes white space around ranges and commas, and `empty` ranges.
//!
//! The server sorts and merges the ranges of a multirange and drops empty
//! ones; pgcast sends them as written.

use bytes::{BufMut, BytesMut};
use postgres_types::{Kind, Type};

use super::range::{Range, is_space, load_range, multirange_type_of, range_text_end};
use crate::{Ctx, Dump, Error, Format, IsNull, Load, LoadOwned, Policy, Result, StaticType};

/// A PostgreSQL multirange: a list of [`Range`]s.
///
/// The type sent is found from the element's [`StaticType`] like
/// [`Range`]'s (`i32` → `int4multirange`, …).
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::types::{Multirange, Range};
/// use pgcast_core::{Ctx, Dump, Load};
/// use postgres_types::Type;
///
/// let m = Multirange(vec![Range::from(1..3), Range::from(5..7)]);
/// let mut out = BytesMut::new();
/// m.dump(&Ctx::text(&Type::INT4MULTI_RANGE), &mut out).unwrap();
/// assert_eq!(&out[..], b"{[1,3),[5,7)}");
///
/// let back: Multirange<i32> =
///     Load::load(&Ctx::text(&Type::INT4MULTI_RANGE), b"{[1,3), [5,7)}").unwrap();
/// assert_eq!(back, m);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Multirange<T>(pub Vec<Range<T>>);

impl<T> Multirange<T> {
    /// A multirange of these ranges.
    pub fn new(ranges: Vec<Range<T>>) -> Multirange<T> {
        Multirange(ranges)
    }

    /// The ranges.
    pub fn ranges(&self) -> &[Range<T>] {
        &self.0
    }

    /// The ranges, owned.
    pub fn into_ranges(self) -> Vec<Range<T>> {
        self.0
    }
}

impl<T> From<Vec<Range<T>>> for Multirange<T> {
    fn from(ranges: Vec<Range<T>>) -> Self {
        Multirange(ranges)
    }
}

impl<T> FromIterator<Range<T>> for Multirange<T> {
    fn from_iter<I: IntoIterator<Item = Range<T>>>(iter: I) -> Self {
        Multirange(iter.into_iter().collect())
    }
}

impl<T> IntoIterator for Multirange<T> {
    type Item = Range<T>;
    type IntoIter = std::vec::IntoIter<Range<T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The element type of a multirange type. postgres-types describes a
/// multirange by its element (`Kind::Multirange(int4)`); a description by
/// its range type (`Kind::Multirange(int4range)`) is taken too.
#[inline]
fn multirange_subtype(ty: &Type) -> Option<&Type> {
    match ty.kind() {
        Kind::Multirange(inner) => match inner.kind() {
            Kind::Range(sub) => Some(sub),
            _ => Some(inner),
        },
        _ => None,
    }
}

impl<T: StaticType> StaticType for Multirange<T> {
    fn static_type(policy: &Policy) -> Type {
        multirange_type_of(&T::static_type(policy))
    }
}

impl<T: LoadOwned> Load<'_> for Multirange<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match multirange_subtype(ctx.ty) {
            Some(sub) => T::check(&ctx.with_type(sub)),
            None => Err(Error::wrong_type::<Self>(ctx.ty)),
        }
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Multirange<T>> {
        let Some(sub) = multirange_subtype(ctx.ty) else {
            return Err(Error::wrong_type::<Self>(ctx.ty));
        };
        let malformed = |msg: &'static str| Error::malformed(ctx.ty, msg).with_rust_type::<Self>();
        match ctx.format {
            Format::Binary => {
                let (count, mut rest) = raw
                    .split_first_chunk::<4>()
                    .ok_or_else(|| malformed("a truncated multirange"))?;
                let count = usize::try_from(i32::from_be_bytes(*count))
                    .map_err(|_| malformed("a negative range count"))?;
                // Each range takes at least 5 bytes: never trust the count
                // for the allocation.
                let mut ranges = Vec::with_capacity(count.min(rest.len() / 5));
                for _ in 0..count {
                    let (len, after) = rest
                        .split_first_chunk::<4>()
                        .ok_or_else(|| malformed("a truncated multirange"))?;
                    let len = usize::try_from(i32::from_be_bytes(*len))
                        .map_err(|_| malformed("a NULL range in a multirange"))?;
                    if after.len() < len {
                        return Err(malformed("a truncated multirange"));
                    }
                    let (range, after) = after.split_at(len);
                    ranges.push(load_range(ctx, sub, range)?);
                    rest = after;
                }
                if !rest.is_empty() {
                    return Err(malformed("trailing bytes after a multirange"));
                }
                Ok(Multirange(ranges))
            }
            Format::Text => {
                let skip = |mut i: usize| {
                    while raw.get(i).copied().is_some_and(is_space) {
                        i += 1;
                    }
                    i
                };
                let mut i = skip(0);
                if raw.get(i) != Some(&b'{') {
                    return Err(malformed("a multirange must start with \"{\""));
                }
                i = skip(i + 1);
                let mut ranges = Vec::new();
                if raw.get(i) == Some(&b'}') {
                    i += 1;
                } else {
                    loop {
                        let end = range_text_end(raw, i).map_err(malformed)?;
                        ranges.push(load_range(ctx, sub, &raw[i..end])?);
                        i = skip(end);
                        match raw.get(i) {
                            Some(b',') => i = skip(i + 1),
                            Some(b'}') => {
                                i += 1;
                                break;
                            }
                            _ => return Err(malformed("expected \",\" or \"}\" after a range")),
                        }
                    }
                }
                if skip(i) != raw.len() {
                    return Err(malformed("junk after a multirange"));
                }
                Ok(Multirange(ranges))
            }
        }
    }
}

impl<T: Dump + StaticType> Dump for Multirange<T> {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        let Some(sub) = multirange_subtype(ctx.ty) else {
            return Err(Error::wrong_type::<Self>(ctx.ty));
        };
        match ctx.format {
            Format::Binary => {
                let count = i32::try_from(self.0.len())
                    .map_err(|_| Error::out_of_range::<Self>(ctx.ty, "too many ranges"))?;
                out.put_i32(count);
                for range in &self.0 {
                    let at = out.len();
                    out.put_i32(0);
                    super::range::dump_range(range, ctx, sub, out)?;
                    let len = i32::try_from(out.len() - at - 4)
                        .map_err(|_| Error::out_of_range::<Self>(ctx.ty, "a range over 2 GiB"))?;
                    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
                }
            }
            Format::Text => {
                out.put_u8(b'{');
                for (n, range) in self.0.iter().enumerate() {
                    if n > 0 {
                        out.put_u8(b',');
                    }
                    super::range::dump_range(range, ctx, sub, out)?;
                }
                out.put_u8(b'}');
            }
        }
        Ok(IsNull::No)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Bound;
    use proptest::prelude::*;

    fn load(fmt: Format, raw: &[u8]) -> Result<Multirange<i32>> {
        Multirange::load(&Ctx::new(&Type::INT4MULTI_RANGE, fmt), raw)
    }

    #[test]
    fn text_forms() {
        let m = |v: Vec<Range<i32>>| Multirange(v);
        for (s, want) in [
            ("{}", m(vec![])),
            ("  { }  ", m(vec![])),
            ("{[1,3)}", m(vec![Range::from(1..3)])),
            (
                "{[1,3), (5,7]}",
                m(vec![
                    Range::from(1..3),
                    Range::new(Bound::Exclusive(5), Bound::Inclusive(7)),
                ]),
            ),
            ("{ empty ,(,)}", m(vec![Range::empty(), Range::unbounded()])),
            ("{[\"1\",\"3\")}", m(vec![Range::from(1..3)])),
        ] {
            assert_eq!(load(Format::Text, s.as_bytes()).unwrap(), want, "{s}");
        }
        for bad in [
            "",
            "{",
            "[1,2)",
            "{[1,2)",
            "{[1,2),}",
            "{[1,2)}x",
            "{,}",
            "{[1,2) [3,4)}",
            "{x}",
            "{[\"1,2)}",
        ] {
            assert!(load(Format::Text, bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn binary_form() {
        let m = Multirange(vec![Range::from(1..3), Range::empty()]);
        let ctx = Ctx::binary(&Type::INT4MULTI_RANGE);
        let mut out = BytesMut::new();
        m.dump(&ctx, &mut out).unwrap();
        assert_eq!(
            &out[..],
            &[
                0, 0, 0, 2, 0, 0, 0, 17, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0,
                0, 1, 1
            ]
        );
        assert_eq!(Multirange::<i32>::load(&ctx, &out).unwrap(), m);
        for bad in [
            &[][..],
            &[0, 0, 0],
            &[0xff, 0xff, 0xff, 0xff],
            &[0, 0, 0, 1],
            &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff],
            &[0, 0, 0, 1, 0, 0, 0, 2, 1],
            &[0, 0, 0, 1, 0, 0, 0, 1, 1, 9],
            &[0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1, 1],
        ] {
            assert!(load(Format::Binary, bad).is_err(), "{bad:?}");
        }
        assert!(Multirange::<i32>::load(&Ctx::binary(&Type::INT4_RANGE), &[0, 0, 0, 0]).is_err());
        assert!(Multirange::<i32>::check(&ctx).is_ok());
        assert_eq!(
            Multirange::<i64>::static_type(&Policy::DEFAULT),
            Type::INT8MULTI_RANGE
        );
    }

    #[test]
    fn described_by_range_type() {
        let ty = Type::new(
            "mr".into(),
            0,
            Kind::Multirange(Type::INT4_RANGE),
            "public".into(),
        );
        let back: Multirange<i32> = Load::load(&Ctx::text(&ty), b"{[1,2)}").unwrap();
        assert_eq!(back, Multirange(vec![Range::from(1..2)]));
    }

    proptest! {
        #[test]
        fn round_trip(ranges in prop::collection::vec(super::super::range::tests::arb_range(), 0..5)) {
            let m = Multirange(ranges);
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&Type::INT8MULTI_RANGE, fmt);
                let mut out = BytesMut::new();
                m.dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(Multirange::<i64>::load(&ctx, &out).unwrap(), m.clone());
            }
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..32)) {
            for fmt in [Format::Binary, Format::Text] {
                let _ = load(fmt, &raw);
            }
        }

        #[test]
        fn text_garbage_never_panics(s in "[{}\\[\\]()\",\\\\1 e]{0,16}") {
            let _ = load(Format::Text, s.as_bytes());
        }
    }
}
