//! The `hstore` extension type as `HashMap<String, Option<String>>` and
//! `BTreeMap<String, Option<String>>`.
//!
//! `hstore` has a different OID in every database, so it is recognised by
//! its name (`ty.name() == "hstore"`, in any schema), never by an OID.
//!
//! Wire forms, as `hstore_send` / `hstore_out` write them:
//!
//! - binary: an `i32` pair count, then per pair the key (`i32` length and
//!   bytes) and the value (`i32` length and bytes, or `-1` for NULL);
//! - text: `"key"=>"value"` pairs separated by `, `, a NULL value as bare
//!   `NULL`, `"` and `\` escaped with a backslash. Loading takes every form
//!   `hstore_in` reads: unquoted words, backslash escapes anywhere, free
//!   white space around `=>` and commas, `NULL` in any case.
//!
//! Dumping writes pairs in the order the server keeps them (shorter keys
//! first, then bytewise), so the text form is the one the server prints.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use bytes::{BufMut, BytesMut};
use postgres_types::{Kind, Type};

use super::range::is_space;
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// Whether `ty` is the `hstore` extension type.
#[inline]
fn is_hstore(ty: &Type) -> bool {
    ty.name() == "hstore"
}

/// The type hstore values are sent as without a statement to say: `hstore`
/// with OID 0 and no schema (the extension may live in any), which the
/// server resolves by name; a literal casts to the schema the rendering
/// scope registered it in, else to the bare name.
fn hstore_type() -> Type {
    Type::new("hstore".into(), 0, Kind::Simple, String::new())
}

/// Decodes an hstore into `(key, value)` pairs, in wire order.
fn parse<T: ?Sized>(
    ctx: &Ctx<'_>,
    raw: &[u8],
    mut pair: impl FnMut(String, Option<String>),
) -> Result<()> {
    if !is_hstore(ctx.ty) {
        return Err(Error::wrong_type::<T>(ctx.ty));
    }
    let res = match ctx.format {
        Format::Binary => parse_binary(raw, &mut pair),
        Format::Text => parse_text(raw, &mut pair),
    };
    res.map_err(|msg| Error::malformed(ctx.ty, msg).with_rust_type::<T>())
}

fn utf8(bytes: Vec<u8>) -> Result<String, &'static str> {
    String::from_utf8(bytes).map_err(|_| "invalid UTF-8 in an hstore")
}

fn parse_binary(
    raw: &[u8],
    pair: &mut impl FnMut(String, Option<String>),
) -> Result<(), &'static str> {
    let mut rest = raw;
    let int = |rest: &mut &[u8]| -> Result<i32, &'static str> {
        let (n, after) = rest.split_first_chunk::<4>().ok_or("a truncated hstore")?;
        *rest = after;
        Ok(i32::from_be_bytes(*n))
    };
    let count = int(&mut rest)?;
    if count < 0 {
        return Err("a negative hstore pair count");
    }
    let text = |rest: &mut &[u8], len: i32| -> Result<String, &'static str> {
        let len = usize::try_from(len).map_err(|_| "a NULL hstore key")?;
        if rest.len() < len {
            return Err("a truncated hstore");
        }
        let (s, after) = rest.split_at(len);
        *rest = after;
        std::str::from_utf8(s)
            .map(str::to_owned)
            .map_err(|_| "invalid UTF-8 in an hstore")
    };
    for _ in 0..count {
        let klen = int(&mut rest)?;
        let key = text(&mut rest, klen)?;
        let vlen = int(&mut rest)?;
        let value = if vlen == -1 {
            None
        } else if vlen < 0 {
            return Err("a negative hstore value length");
        } else {
            Some(text(&mut rest, vlen)?)
        };
        pair(key, value);
    }
    if !rest.is_empty() {
        return Err("trailing bytes after an hstore");
    }
    Ok(())
}

/// A word of hstore text: its bytes, whether it was quoted, the index after it.
type Word = (Vec<u8>, bool, usize);

/// One word of `hstore_in`'s input starting at `raw[i]` (after white
/// space): the bytes, whether it was quoted, and the index after it. `None`
/// at the end of input.
fn word(raw: &[u8], mut i: usize, is_value: bool) -> Result<Option<Word>, &'static str> {
    while raw.get(i).copied().is_some_and(is_space) {
        i += 1;
    }
    let Some(&first) = raw.get(i) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    if first == b'"' {
        i += 1;
        loop {
            match raw.get(i) {
                None => return Err("an hstore ends inside quotes"),
                Some(b'"') => return Ok(Some((out, true, i + 1))),
                Some(b'\\') => {
                    out.push(*raw.get(i + 1).ok_or("an hstore ends after a backslash")?);
                    i += 2;
                }
                Some(&b) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
    }
    if first == b'=' && !is_value {
        return Err("an hstore key is missing");
    }
    loop {
        match raw.get(i) {
            None => return Ok(Some((out, false, i))),
            Some(b'\\') => {
                out.push(*raw.get(i + 1).ok_or("an hstore ends after a backslash")?);
                i += 2;
            }
            Some(b'=') if !is_value => return Ok(Some((out, false, i))),
            Some(b',') if is_value => return Ok(Some((out, false, i))),
            Some(&b) if is_space(b) => return Ok(Some((out, false, i))),
            Some(&b) => {
                out.push(b);
                i += 1;
            }
        }
    }
}

fn parse_text(
    raw: &[u8],
    pair: &mut impl FnMut(String, Option<String>),
) -> Result<(), &'static str> {
    let skip = |mut i: usize| {
        while raw.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        i
    };
    let mut i = 0;
    loop {
        let Some((key, _, next)) = word(raw, i, false)? else {
            return Ok(());
        };
        i = skip(next);
        if raw.get(i..i + 2) != Some(b"=>") {
            return Err("expected \"=>\" after an hstore key");
        }
        let (value, quoted, next) =
            word(raw, i + 2, true)?.ok_or("an hstore key without a value")?;
        let value = if !quoted && value.eq_ignore_ascii_case(b"null") {
            None
        } else {
            Some(utf8(value)?)
        };
        pair(utf8(key)?, value);
        i = skip(next);
        match raw.get(i) {
            None => return Ok(()),
            Some(b',') => i += 1,
            Some(_) => return Err("expected \",\" between hstore pairs"),
        }
    }
}

/// Writes pairs in the server's order (by length, then bytes).
fn write<'a, T: ?Sized>(
    pairs: impl Iterator<Item = (&'a String, &'a Option<String>)>,
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    if !is_hstore(ctx.ty) {
        return Err(Error::wrong_type::<T>(ctx.ty));
    }
    let mut pairs: Vec<_> = pairs.collect();
    pairs.sort_unstable_by(|(a, _), (b, _)| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let nul = |s: &str| {
        if s.as_bytes().contains(&0) {
            Err(
                Error::new(ErrorKind::Nul, "an hstore key or value has a NUL byte")
                    .with_pg_type(ctx.ty)
                    .with_rust_type::<T>(),
            )
        } else {
            Ok(())
        }
    };
    let len = |s: &str| {
        i32::try_from(s.len())
            .map_err(|_| Error::out_of_range::<T>(ctx.ty, "an hstore string over 2 GiB"))
    };
    match ctx.format {
        Format::Binary => {
            let count = i32::try_from(pairs.len())
                .map_err(|_| Error::out_of_range::<T>(ctx.ty, "too many hstore pairs"))?;
            out.put_i32(count);
            for (k, v) in pairs {
                nul(k)?;
                out.put_i32(len(k)?);
                out.put_slice(k.as_bytes());
                match v {
                    None => out.put_i32(-1),
                    Some(v) => {
                        nul(v)?;
                        out.put_i32(len(v)?);
                        out.put_slice(v.as_bytes());
                    }
                }
            }
        }
        Format::Text => {
            let quoted = |s: &str, out: &mut BytesMut| {
                out.put_u8(b'"');
                for &b in s.as_bytes() {
                    if b == b'"' || b == b'\\' {
                        out.put_u8(b'\\');
                    }
                    out.put_u8(b);
                }
                out.put_u8(b'"');
            };
            for (n, (k, v)) in pairs.into_iter().enumerate() {
                nul(k)?;
                if n > 0 {
                    out.put_slice(b", ");
                }
                quoted(k, out);
                out.put_slice(b"=>");
                match v {
                    None => out.put_slice(b"NULL"),
                    Some(v) => {
                        nul(v)?;
                        quoted(v, out);
                    }
                }
            }
        }
    }
    Ok(IsNull::No)
}

/// `hstore` as a `HashMap`; a NULL value is `None`.
///
/// ```
/// use std::collections::HashMap;
/// use bytes::BytesMut;
/// use pgcast_core::{Ctx, Dump, Load, Kind, Type};
///
/// // the OID is per database: found by name
/// let hstore = Type::new("hstore".into(), 16_385, Kind::Simple, "public".into());
/// let map: HashMap<String, Option<String>> =
///     Load::load(&Ctx::text(&hstore), br#""a"=>"1", "b"=>NULL"#).unwrap();
/// assert_eq!(map["a"].as_deref(), Some("1"));
/// assert_eq!(map["b"], None);
///
/// let mut out = BytesMut::new();
/// map.dump(&Ctx::text(&hstore), &mut out).unwrap();
/// assert_eq!(&out[..], br#""a"=>"1", "b"=>NULL"#);
/// ```
impl<S: BuildHasher + Default> Load<'_> for HashMap<String, Option<String>, S> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        if is_hstore(ctx.ty) {
            Ok(())
        } else {
            Err(Error::wrong_type::<Self>(ctx.ty))
        }
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Self> {
        let mut map = HashMap::default();
        parse::<Self>(ctx, raw, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<S: BuildHasher> Dump for HashMap<String, Option<String>, S> {
    fn pg_type(&self, _: &Policy) -> Type {
        hstore_type()
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        write::<Self>(self.iter(), ctx, out)
    }
}

impl<S: BuildHasher> StaticType for HashMap<String, Option<String>, S> {
    fn static_type(_: &Policy) -> Type {
        hstore_type()
    }
}

/// `hstore` as a `BTreeMap`, like the `HashMap` impl.
impl Load<'_> for BTreeMap<String, Option<String>> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        if is_hstore(ctx.ty) {
            Ok(())
        } else {
            Err(Error::wrong_type::<Self>(ctx.ty))
        }
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Self> {
        let mut map = BTreeMap::new();
        parse::<Self>(ctx, raw, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl Dump for BTreeMap<String, Option<String>> {
    fn pg_type(&self, _: &Policy) -> Type {
        hstore_type()
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        write::<Self>(self.iter(), ctx, out)
    }
}

impl StaticType for BTreeMap<String, Option<String>> {
    fn static_type(_: &Policy) -> Type {
        hstore_type()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Map = BTreeMap<String, Option<String>>;

    fn ty() -> Type {
        Type::new("hstore".into(), 98_765, Kind::Simple, "ext".into())
    }

    fn load_text(s: &str) -> Result<Map> {
        Map::load(&Ctx::text(&ty()), s.as_bytes())
    }

    fn map(pairs: &[(&str, Option<&str>)]) -> Map {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn text_forms() {
        for (s, want) in [
            ("", map(&[])),
            ("   ", map(&[])),
            (
                r#""a"=>"1", "b"=>NULL"#,
                map(&[("a", Some("1")), ("b", None)]),
            ),
            ("a=>1,b=>2", map(&[("a", Some("1")), ("b", Some("2"))])),
            (
                "  a  =>  1  ,  b=>nUlL ",
                map(&[("a", Some("1")), ("b", None)]),
            ),
            (r#"a=>"NULL""#, map(&[("a", Some("NULL"))])),
            (r#"a=>NULLx"#, map(&[("a", Some("NULLx"))])),
            (
                r#"a\ b=>c\"d, "e\\f"=>"g,h=>i""#,
                map(&[("a b", Some("c\"d")), ("e\\f", Some("g,h=>i"))]),
            ),
            (r#"""=>"""#, map(&[("", Some(""))])),
            ("a=>b=c", map(&[("a", Some("b=c"))])),
            // a trailing comma is accepted by hstore_in; a key may hold one
            ("a=>1, ", map(&[("a", Some("1"))])),
            ("a,b=>1", map(&[("a,b", Some("1"))])),
            ("ä=>ö", map(&[("ä", Some("ö"))])),
        ] {
            assert_eq!(load_text(s).unwrap(), want, "{s}");
        }
        for bad in [
            "a",
            "a=",
            "a=>",
            "a=b",
            "=>1",
            "a=>1 b=>2",
            "\"a=>1",
            ",",
            "a\\",
            "a=>\"x",
        ] {
            assert!(load_text(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn server_order_and_escapes() {
        let m = map(&[("bb", Some("x\"y\\z")), ("a", None), ("c", Some(""))]);
        let mut out = BytesMut::new();
        m.dump(&Ctx::text(&ty()), &mut out).unwrap();
        assert_eq!(&out[..], br#""a"=>NULL, "c"=>"", "bb"=>"x\"y\\z""#);
    }

    #[test]
    fn binary_form() {
        let m = map(&[("a", Some("1")), ("b", None)]);
        let t = ty();
        let ctx = Ctx::binary(&t);
        let mut out = BytesMut::new();
        m.dump(&ctx, &mut out).unwrap();
        assert_eq!(
            &out[..],
            &[
                0, 0, 0, 2, 0, 0, 0, 1, b'a', 0, 0, 0, 1, b'1', 0, 0, 0, 1, b'b', 0xff, 0xff, 0xff,
                0xff
            ]
        );
        assert_eq!(Map::load(&ctx, &out).unwrap(), m);
        let h: HashMap<String, Option<String>> = Load::load(&ctx, &out).unwrap();
        assert_eq!(h.len(), 2);
        for bad in [
            &[][..],
            &[0, 0, 0, 1],
            &[0xff, 0xff, 0xff, 0xff],
            &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
            &[0, 0, 0, 1, 0, 0, 0, 1, b'a', 0xff, 0xff, 0xff, 0xfe],
            &[0, 0, 0, 1, 0, 0, 0, 1, b'a', 0, 0, 0, 2, b'x'],
            &[0, 0, 0, 0, 1],
            &[0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff],
        ] {
            assert!(Map::load(&ctx, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn type_by_name_only() {
        let mut out = BytesMut::new();
        assert_eq!(
            Map::load(&Ctx::binary(&Type::TEXT), &[0, 0, 0, 0])
                .unwrap_err()
                .kind(),
            ErrorKind::WrongType
        );
        assert!(map(&[]).dump(&Ctx::binary(&Type::BYTEA), &mut out).is_err());
        let err = map(&[("a\0", None)])
            .dump(&Ctx::binary(&ty()), &mut out)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Nul);
        assert_eq!(Map::static_type(&Policy::DEFAULT).name(), "hstore");
    }

    fn arb_string() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z]{0,4}",
            "[\"\\\\=>, \tNULnul{}é€🐘]{0,8}",
            Just("NULL".to_owned()),
            any::<String>().prop_map(|s| s.replace('\0', "")),
        ]
    }

    proptest! {
        #[test]
        fn round_trip(m in prop::collection::btree_map(arb_string(), prop::option::of(arb_string()), 0..6)) {
            for fmt in [Format::Binary, Format::Text] {
                let t = ty();
                let ctx = Ctx::new(&t, fmt);
                let mut out = BytesMut::new();
                m.dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(Map::load(&ctx, &out).unwrap(), m.clone());
            }
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..32)) {
            for fmt in [Format::Binary, Format::Text] {
                let _ = Map::load(&Ctx::new(&ty(), fmt), &raw);
            }
        }

        #[test]
        fn text_garbage_never_panics(s in "[\"\\\\=>, aN]{0,16}") {
            let _ = load_text(&s);
        }
    }
}
