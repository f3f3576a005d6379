//! The text family: `text`, `varchar`, `bpchar`, `name`, `unknown`, `citext`,
//! enum labels and `xml`, as `String`, `&str`, `Cow<str>` (always borrowed:
//! neither format escapes anything), `Box<str>`, `Arc<str>`, `Rc<str>` and
//! `char`.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use bytes::{BufMut, BytesMut};
use postgres_types::{Kind, Type};

use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// Types whose binary and text forms are both plain UTF-8 text.
#[inline]
pub(crate) fn is_text_like(ty: &Type) -> bool {
    match *ty {
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => true,
        _ => is_enum_or_citext(ty),
    }
}

/// Text-like types and `xml`, whose binary form is its text too (in the
/// client encoding, UTF-8 for every driver pgcast serves): the types
/// `String` and `&str` load and dump. `xml` is not text-like elsewhere
/// (an enum never loads from it).
#[inline]
pub(crate) fn is_textual(ty: &Type) -> bool {
    is_text_like(ty) || *ty == Type::XML
}

fn is_enum_or_citext(ty: &Type) -> bool {
    matches!(ty.kind(), Kind::Enum(_)) || ty.name() == "citext"
}

/// The UTF-8 text of a text-like value, borrowed.
#[inline]
pub(crate) fn load_str<'a, T: ?Sized>(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<&'a str> {
    if !is_textual(ctx.ty) {
        return Err(not_text::<T>(ctx.ty));
    }
    std::str::from_utf8(raw).map_err(|e| {
        Error::malformed(ctx.ty, format!("invalid UTF-8 at byte {}", e.valid_up_to()))
            .with_rust_type::<T>()
    })
}

/// Writes text for any text-like type; in text format for any type at all,
/// since the server parses text parameters by their declared type.
#[inline]
pub(crate) fn dump_str<T: ?Sized>(s: &str, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    if ctx.format == Format::Binary && !is_textual(ctx.ty) {
        return Err(Error::wrong_type::<T>(ctx.ty));
    }
    // `contains` on bytes is a memchr; the position is only wanted for the error.
    if has_nul(s.as_bytes()) {
        return Err(nul_error::<T>(s, ctx.ty));
    }
    out.put_slice(s.as_bytes());
    Ok(IsNull::No)
}

/// Whether `bytes` holds a NUL, without a branch per byte: 16 bytes at a
/// time (the last block overlapping), or two overlapping words below that.
/// Faster than a `memchr` call on the short strings most values are.
#[inline]
pub(crate) fn has_nul(bytes: &[u8]) -> bool {
    #[inline(always)]
    fn block_has_nul(block: &[u8]) -> bool {
        block.iter().fold(false, |nul, b| nul | (*b == 0))
    }
    #[inline(always)]
    fn word_has_nul(word: &[u8; 8]) -> bool {
        // The classic test: some byte is zero iff this is non-zero.
        let w = u64::from_ne_bytes(*word);
        w.wrapping_sub(0x0101_0101_0101_0101) & !w & 0x8080_8080_8080_8080 != 0
    }
    if let Some(last) = bytes.last_chunk::<16>() {
        for block in bytes.chunks_exact(16) {
            if block_has_nul(block) {
                return true;
            }
        }
        block_has_nul(last)
    } else if let (Some(first), Some(last)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        word_has_nul(first) | word_has_nul(last)
    } else {
        block_has_nul(bytes)
    }
}

#[cold]
fn nul_error<T: ?Sized>(s: &str, ty: &Type) -> Error {
    let pos = s.bytes().position(|b| b == 0).unwrap_or(0);
    Error::new(
        ErrorKind::Nul,
        format!("text has a NUL byte at position {pos}; PostgreSQL cannot store it"),
    )
    .with_pg_type(ty)
    .with_rust_type::<T>()
}

fn check_text<T: ?Sized>(ctx: &Ctx<'_>) -> Result<()> {
    if is_textual(ctx.ty) {
        Ok(())
    } else {
        Err(not_text::<T>(ctx.ty))
    }
}

/// Loading text from another type: the fix is a cast in the query (the
/// server's text for the value) or the type's own Rust type.
#[cold]
fn not_text<T: ?Sized>(ty: &Type) -> Error {
    Error::new(
        ErrorKind::WrongType,
        format!(
            "{} is not text; cast it in the query (`::text`) for the server's text of it, \
             or load a Rust type that {} converts to",
            ty.name(),
            ty.name()
        ),
    )
    .with_pg_type(ty)
    .with_rust_type::<T>()
}

impl<'a> Load<'a> for &'a str {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_text::<str>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<&'a str> {
        load_str::<str>(ctx, raw)
    }
}

impl Load<'_> for String {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_text::<String>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<String> {
        load_str::<String>(ctx, raw).map(str::to_owned)
    }
}

impl Load<'_> for Box<str> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_text::<Box<str>>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Box<str>> {
        load_str::<Box<str>>(ctx, raw).map(Box::from)
    }
}

impl<'a> Load<'a> for Cow<'a, str> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_text::<Cow<'_, str>>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Cow<'a, str>> {
        load_str::<Cow<'_, str>>(ctx, raw).map(Cow::Borrowed)
    }
}

impl Load<'_> for Arc<str> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_text::<Arc<str>>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Arc<str>> {
        load_str::<Arc<str>>(ctx, raw).map(Arc::from)
    }
}

impl Load<'_> for Rc<str> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_text::<Rc<str>>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Rc<str>> {
        load_str::<Rc<str>>(ctx, raw).map(Rc::from)
    }
}

impl Load<'_> for char {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_text::<char>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<char> {
        let s = load_str::<char>(ctx, raw)?;
        // bpchar(1) pads with a space; a lone space is still the character.
        let trimmed = if *ctx.ty == Type::BPCHAR && s.len() > 1 {
            s.trim_end_matches(' ')
        } else {
            s
        };
        let mut chars = trimmed.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(Error::out_of_range::<char>(
                ctx.ty,
                format!("{s:?} is not exactly one character"),
            )),
        }
    }
}

impl Dump for str {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::TEXT
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_str::<str>(self, ctx, out)
    }
}

impl StaticType for str {
    fn static_type(_: &Policy) -> Type {
        Type::TEXT
    }
}

impl Dump for String {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::TEXT
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_str::<String>(self, ctx, out)
    }
}

impl StaticType for String {
    fn static_type(_: &Policy) -> Type {
        Type::TEXT
    }
}

impl Dump for char {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::TEXT
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_str::<char>(self.encode_utf8(&mut [0; 4]), ctx, out)
    }
}

impl StaticType for char {
    fn static_type(_: &Policy) -> Type {
        Type::TEXT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_nul_everywhere() {
        for len in 0..70 {
            let clean = vec![b'a'; len];
            assert!(!has_nul(&clean), "len {len}");
            for at in 0..len {
                let mut b = clean.clone();
                b[at] = 0;
                assert!(has_nul(&b), "len {len}, NUL at {at}");
            }
        }
        assert!(!has_nul("\u{80}\u{100}\u{ffff}é".repeat(5).as_bytes()));
    }

    #[test]
    fn text_family() {
        for ty in [
            Type::TEXT,
            Type::VARCHAR,
            Type::NAME,
            Type::BPCHAR,
            Type::UNKNOWN,
        ] {
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&ty, fmt);
                assert_eq!(String::load(&ctx, "héllo".as_bytes()).unwrap(), "héllo");
            }
        }
        let bad = String::load(&Ctx::binary(&Type::TEXT), &[0xff, 0xfe]).unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::Malformed);
        assert!(String::load(&Ctx::binary(&Type::INT4), b"1").is_err());
        assert_eq!(char::load(&Ctx::text(&Type::BPCHAR), b"x  ").unwrap(), 'x');
        assert_eq!(char::load(&Ctx::text(&Type::BPCHAR), b" ").unwrap(), ' ');
        for fmt in [Format::Binary, Format::Text] {
            let ctx = Ctx::new(&Type::TEXT, fmt);
            let cow = Cow::<str>::load(&ctx, b"abc").unwrap();
            assert!(matches!(cow, Cow::Borrowed("abc")));
            assert_eq!(&*Arc::<str>::load(&ctx, b"abc").unwrap(), "abc");
            assert_eq!(&*Rc::<str>::load(&ctx, b"abc").unwrap(), "abc");
        }
        let err = Cow::<str>::check(&Ctx::binary(&Type::INT4)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        assert_eq!(
            err.to_string(),
            "type mismatch: int4 is not text; cast it in the query (`::text`) for the server's \
             text of it, or load a Rust type that int4 converts to (PostgreSQL type int4, Rust type Cow<'_, str>)"
        );
        assert!(Arc::<str>::load(&Ctx::binary(&Type::TEXT), &[0xff]).is_err());
    }

    #[test]
    fn nul_is_an_error() {
        let mut out = BytesMut::new();
        let err = "a\0b"
            .dump(&Ctx::binary(&Type::TEXT), &mut out)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Nul);
        // text format goes to any type: the server parses it
        "42".dump(&Ctx::text(&Type::INT4), &mut out).unwrap();
        assert!("42".dump(&Ctx::binary(&Type::INT4), &mut out).is_err());
    }
}
