//! `bytea` as `Vec<u8>`, `&[u8]`, `Cow<[u8]>` (borrowed from binary
//! results, decoded from text), `Box<[u8]>`, `Arc<[u8]>`, `Rc<[u8]>` and
//! `[u8; N]` (while `Vec<T>` and `[T]` of other element types are arrays).
//!
//! The binary form is the bytes themselves; the text form is hex (`\x0102`),
//! and the older escape form (`bytea_output = escape`) loads too.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

fn check_bytea<T: ?Sized>(ctx: &Ctx<'_>) -> Result<()> {
    match *ctx.ty {
        Type::BYTEA => Ok(()),
        _ => Err(Error::wrong_type::<T>(ctx.ty)),
    }
}

/// Decodes the text form of bytea: hex (`\x…`) or escape (`a\\\001`).
pub(crate) fn parse_bytea_text(ty: &Type, raw: &[u8]) -> Result<Vec<u8>> {
    if let Some(hex) = raw.strip_prefix(b"\\x") {
        let digits: Vec<u8> = hex
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        if !digits.len().is_multiple_of(2) {
            return Err(Error::malformed(ty, "odd number of hex digits"));
        }
        digits
            .chunks_exact(2)
            .map(|pair| match (hex_val(pair[0]), hex_val(pair[1])) {
                (Some(h), Some(l)) => Ok(h << 4 | l),
                _ => Err(Error::malformed(ty, "invalid hex digit")),
            })
            .collect()
    } else {
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            match raw[i] {
                b'\\' if raw.get(i + 1) == Some(&b'\\') => {
                    out.push(b'\\');
                    i += 2;
                }
                b'\\' => {
                    let octal = raw
                        .get(i + 1..i + 4)
                        .filter(|d| d[0] <= b'3' && d.iter().all(|b| (b'0'..=b'7').contains(b)));
                    let Some(d) = octal else {
                        return Err(Error::malformed(ty, "invalid escape in bytea"));
                    };
                    out.push((d[0] - b'0') << 6 | (d[1] - b'0') << 3 | (d[2] - b'0'));
                    i += 4;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        Ok(out)
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Writes bytes as bytea in the context's format (hex for text).
#[inline]
pub(crate) fn dump_bytes<T: ?Sized>(
    bytes: &[u8],
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    if ctx.format == Format::Binary && *ctx.ty == Type::BYTEA {
        out.put_slice(bytes);
        return Ok(IsNull::No);
    }
    dump_bytes_other::<T>(bytes, ctx, out)
}

/// The text form and the errors, out of line so that the binary fast path
/// of `dump_bytes` stays small enough to inline.
fn dump_bytes_other<T: ?Sized>(bytes: &[u8], ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    check_bytea::<T>(ctx)?;
    match ctx.format {
        Format::Binary => out.put_slice(bytes),
        Format::Text => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.reserve(2 + bytes.len() * 2);
            out.put_slice(b"\\x");
            for b in bytes {
                out.put_u8(HEX[(b >> 4) as usize]);
                out.put_u8(HEX[(b & 15) as usize]);
            }
        }
    }
    Ok(IsNull::No)
}

impl<'a> Load<'a> for &'a [u8] {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_bytea::<[u8]>(ctx)?;
        if ctx.format == Format::Text {
            return Err(Error::new(
                ErrorKind::WrongType,
                "text-format bytea must be decoded, so it cannot be borrowed; load Vec<u8> instead",
            )
            .with_pg_type(ctx.ty)
            .with_rust_type::<&[u8]>());
        }
        Ok(())
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<&'a [u8]> {
        Self::check(ctx)?;
        Ok(raw)
    }
}

impl Load<'_> for Vec<u8> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_bytea::<Vec<u8>>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Vec<u8>> {
        Self::check(ctx)?;
        match ctx.format {
            Format::Binary => Ok(raw.to_vec()),
            Format::Text => parse_bytea_text(ctx.ty, raw),
        }
    }
}

impl Load<'_> for Box<[u8]> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_bytea::<Box<[u8]>>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Box<[u8]>> {
        Vec::<u8>::load(ctx, raw).map(Vec::into_boxed_slice)
    }
}

/// Borrowed from a binary result; a text result is hex to decode, so it
/// comes owned (where `&[u8]` is an error).
impl<'a> Load<'a> for Cow<'a, [u8]> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_bytea::<Cow<'_, [u8]>>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Cow<'a, [u8]>> {
        Self::check(ctx)?;
        match ctx.format {
            Format::Binary => Ok(Cow::Borrowed(raw)),
            Format::Text => parse_bytea_text(ctx.ty, raw).map(Cow::Owned),
        }
    }
}

impl Load<'_> for Arc<[u8]> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_bytea::<Arc<[u8]>>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Arc<[u8]>> {
        Cow::<[u8]>::load(ctx, raw).map(Arc::from)
    }
}

impl Load<'_> for Rc<[u8]> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_bytea::<Rc<[u8]>>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Rc<[u8]>> {
        Cow::<[u8]>::load(ctx, raw).map(Rc::from)
    }
}

impl<const N: usize> Load<'_> for [u8; N] {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_bytea::<[u8; N]>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<[u8; N]> {
        let bytes = Vec::<u8>::load(ctx, raw)?;
        let len = bytes.len();
        bytes.try_into().map_err(|_| {
            Error::out_of_range::<[u8; N]>(ctx.ty, format!("{len} bytes, expected {N}"))
        })
    }
}

impl Dump for [u8] {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::BYTEA
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_bytes::<[u8]>(self, ctx, out)
    }
}

impl StaticType for [u8] {
    fn static_type(_: &Policy) -> Type {
        Type::BYTEA
    }
}

impl Dump for Vec<u8> {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::BYTEA
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_bytes::<Vec<u8>>(self, ctx, out)
    }
}

impl StaticType for Vec<u8> {
    fn static_type(_: &Policy) -> Type {
        Type::BYTEA
    }
}

impl<const N: usize> Dump for [u8; N] {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::BYTEA
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_bytes::<[u8; N]>(self, ctx, out)
    }
}

impl<const N: usize> StaticType for [u8; N] {
    fn static_type(_: &Policy) -> Type {
        Type::BYTEA
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowing_text_says_what_to_load() {
        let err = <&[u8]>::check(&Ctx::text(&Type::BYTEA)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        assert!(err.to_string().contains("load Vec<u8> instead"), "{err}");
    }

    #[test]
    fn cow_borrows_binary_and_decodes_text() {
        let ty = Type::BYTEA;
        let b = Cow::<[u8]>::load(&Ctx::binary(&ty), b"\x01").unwrap();
        assert!(matches!(b, Cow::Borrowed(b"\x01")));
        let t = Cow::<[u8]>::load(&Ctx::text(&ty), b"\\x01ff").unwrap();
        assert!(matches!(&t, Cow::Owned(v) if v == &[1, 255]));
        assert_eq!(&*Arc::<[u8]>::load(&Ctx::text(&ty), b"\\x01").unwrap(), [1]);
        assert_eq!(&*Rc::<[u8]>::load(&Ctx::binary(&ty), b"ab").unwrap(), b"ab");
        assert!(Cow::<[u8]>::check(&Ctx::binary(&Type::TEXT)).is_err());
    }

    #[test]
    fn text_forms() {
        let ty = Type::BYTEA;
        assert_eq!(parse_bytea_text(&ty, b"\\x00ff10").unwrap(), [0, 255, 16]);
        assert_eq!(parse_bytea_text(&ty, b"a\\\\b\\001").unwrap(), b"a\\b\x01");
        assert!(parse_bytea_text(&ty, b"\\x0").is_err());
        assert!(parse_bytea_text(&ty, b"\\xzz").is_err());
        assert!(parse_bytea_text(&ty, b"\\9").is_err());
        assert!(parse_bytea_text(&ty, b"\\").is_err());
        let mut out = BytesMut::new();
        [0u8, 255, 16][..].dump(&Ctx::text(&ty), &mut out).unwrap();
        assert_eq!(&out[..], b"\\x00ff10");
    }
}
