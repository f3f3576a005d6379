//! `bool`.

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

impl Load<'_> for bool {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::BOOL => Ok(()),
            _ => Err(Error::wrong_type::<bool>(ctx.ty)),
        }
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<bool> {
        Self::check(ctx)?;
        match (ctx.format, raw) {
            (Format::Binary, [b]) => Ok(*b != 0),
            (Format::Text, b"t") => Ok(true),
            (Format::Text, b"f") => Ok(false),
            _ => Err(Error::malformed(
                ctx.ty,
                "expected one byte (binary) or t/f (text)",
            )),
        }
    }
}

impl Dump for bool {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::BOOL
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        <bool as Load>::check(ctx)?;
        match ctx.format {
            Format::Binary => out.put_u8(*self as u8),
            Format::Text => out.put_u8(if *self { b't' } else { b'f' }),
        }
        Ok(IsNull::No)
    }
}

impl StaticType for bool {
    fn static_type(_: &Policy) -> Type {
        Type::BOOL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats() {
        for (fmt, t, f) in [
            (Format::Binary, &[1][..], &[0][..]),
            (Format::Text, b"t", b"f"),
        ] {
            let ctx = Ctx::new(&Type::BOOL, fmt);
            assert!(bool::load(&ctx, t).unwrap());
            assert!(!bool::load(&ctx, f).unwrap());
            let mut out = BytesMut::new();
            true.dump(&ctx, &mut out).unwrap();
            assert_eq!(&out[..], t);
            assert!(bool::load(&ctx, b"").is_err());
            assert!(bool::load(&ctx, b"yes").is_err());
        }
        assert!(bool::load(&Ctx::binary(&Type::INT4), &[1]).is_err());
    }
}
