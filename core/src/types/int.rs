//! `int2`, `int4`, `int8`, `oid` and `"char"` as Rust integers.
//!
//! Loading widens freely (`int2` → `i64`) and narrows with a range check
//! (`int8` → `i16`); dumping does the same towards the parameter's type.
//! `i16`, `i32`, `i64` and `u32` also load `numeric` values that are whole
//! numbers in range (`sum(int8)` is a numeric): a fraction is a
//! [`Lossy`](crate::ErrorKind::Lossy) error, overflow, NaN and ±Infinity are
//! [`OutOfRange`](crate::ErrorKind::OutOfRange).

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

/// Reads an integer column of any integer type as i64, in either format.
#[inline]
pub(crate) fn read_int(ctx: &Ctx<'_>, raw: &[u8]) -> Result<i64> {
    match ctx.format {
        Format::Binary => match (ctx.ty, raw.len()) {
            (&Type::INT2, 2) => Ok(i16::from_be_bytes([raw[0], raw[1]]) as i64),
            (&Type::INT4, 4) => Ok(i32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) as i64),
            (&Type::OID, 4) => Ok(u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) as i64),
            (&Type::INT8, 8) => {
                let mut b = [0; 8];
                b.copy_from_slice(raw);
                Ok(i64::from_be_bytes(b))
            }
            (&Type::CHAR, 1) => Ok(raw[0] as i8 as i64),
            _ => Err(Error::malformed(
                ctx.ty,
                format!("{} bytes is not a binary {}", raw.len(), ctx.ty.name()),
            )),
        },
        Format::Text if *ctx.ty == Type::CHAR => match raw {
            [b] => Ok(*b as i8 as i64),
            [] => Ok(0),
            // PostgreSQL 15+ prints bytes with the high bit set as \ooo.
            [b'\\', d @ ..]
                if d.len() == 3 && d[0] <= b'3' && d.iter().all(|b| (b'0'..=b'7').contains(b)) =>
            {
                Ok((((d[0] - b'0') << 6 | (d[1] - b'0') << 3 | (d[2] - b'0')) as i8) as i64)
            }
            _ => Err(Error::malformed(ctx.ty, "expected one byte or \\ooo")),
        },
        Format::Text => parse_int(ctx.ty, raw),
    }
}

/// Parses PostgreSQL's text form of an integer (`-42`).
pub(crate) fn parse_int(ty: &Type, raw: &[u8]) -> Result<i64> {
    std::str::from_utf8(raw)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| {
            Error::malformed(
                ty,
                format!("{:?} is not an integer", String::from_utf8_lossy(raw)),
            )
        })
}

/// Writes `v` as the integer type of `ctx`, range-checked; `numeric`,
/// `float4` and `float8` take it in text format and in binary.
pub(crate) fn write_int<T: ?Sized>(v: i64, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    fn range<T: ?Sized>(ty: &Type, v: i64) -> Error {
        Error::out_of_range::<T>(ty, format!("{v} does not fit in {}", ty.name()))
    }
    match *ctx.ty {
        Type::INT2 => {
            let v = i16::try_from(v).map_err(|_| range::<T>(ctx.ty, v))?;
            match ctx.format {
                Format::Binary => out.put_i16(v),
                Format::Text => put_display(out, v),
            }
        }
        Type::INT4 => {
            let v = i32::try_from(v).map_err(|_| range::<T>(ctx.ty, v))?;
            match ctx.format {
                Format::Binary => out.put_i32(v),
                Format::Text => put_display(out, v),
            }
        }
        Type::OID => {
            let v = u32::try_from(v).map_err(|_| range::<T>(ctx.ty, v))?;
            match ctx.format {
                Format::Binary => out.put_u32(v),
                Format::Text => put_display(out, v),
            }
        }
        Type::CHAR => {
            let v = i8::try_from(v).map_err(|_| range::<T>(ctx.ty, v))?;
            match ctx.format {
                // Text must stay UTF-8: bytes with the high bit set go as \ooo,
                // which PostgreSQL 15+ reads back as that byte.
                // NUL cannot travel in text; the server prints it as ''.
                Format::Text if v == 0 => {}
                Format::Text if v < 0 => {
                    let b = v as u8;
                    out.put_slice(&[b'\\', b'0' + (b >> 6), b'0' + (b >> 3 & 7), b'0' + (b & 7)]);
                }
                _ => out.put_i8(v),
            }
        }
        Type::INT8 => match ctx.format {
            Format::Binary => out.put_i64(v),
            Format::Text => put_display(out, v),
        },
        Type::FLOAT8 | Type::FLOAT4 | Type::NUMERIC => {
            return crate::types::numeric::write_int_as_number::<T>(v, ctx, out);
        }
        _ => return Err(Error::wrong_type::<T>(ctx.ty)),
    }
    Ok(IsNull::No)
}

fn put_display(out: &mut BytesMut, v: impl std::fmt::Display) {
    use std::fmt::Write;
    // Writing into BytesMut cannot fail; the buffer grows.
    let _ = write!(BytesWriter(out), "{v}");
}

/// `fmt::Write` over a `BytesMut`, so numbers format without a temporary String.
pub(crate) struct BytesWriter<'a>(pub(crate) &'a mut BytesMut);

impl std::fmt::Write for BytesWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.put_slice(s.as_bytes());
        Ok(())
    }
}

/// Every conversion into an integer but the type's own binary form: other
/// widths, text, `numeric`; range-checked, and the errors. Kept out of the
/// `#[inline]` fast path so that it stays small enough to inline into loops
/// (arrays, rows).
fn load_other<T>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<T>
where
    T: for<'a> Load<'a> + TryFrom<i128>,
{
    <T as Load<'_>>::check(ctx)?;
    let v = if *ctx.ty == Type::NUMERIC {
        crate::types::numeric::read_numeric_int::<T>(ctx, raw)?
    } else {
        i128::from(read_int(ctx, raw)?)
    };
    T::try_from(v).map_err(|_| {
        Error::out_of_range::<T>(
            ctx.ty,
            format!("{v} does not fit in {}", std::any::type_name::<T>()),
        )
    })
}

macro_rules! int_impls {
    ($($t:ty => $pg:ident, $width:literal, [$($accepts:ident),*];)*) => {$(
        impl Load<'_> for $t {
            fn check(ctx: &Ctx<'_>) -> Result<()> {
                match *ctx.ty {
                    $(Type::$accepts)|* => Ok(()),
                    _ => Err(Error::wrong_type::<$t>(ctx.ty)),
                }
            }

            #[inline]
            fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<$t> {
                // The common case, the type's own binary form, in one test.
                if ctx.format == Format::Binary
                    && *ctx.ty == Type::$pg
                    && let Ok(bytes) = <[u8; $width]>::try_from(raw)
                {
                    return Ok(<$t>::from_be_bytes(bytes));
                }
                load_other::<$t>(ctx, raw)
            }
        }

        impl Dump for $t {
            fn pg_type(&self, _: &Policy) -> Type {
                Type::$pg
            }

            #[inline]
            fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
                if ctx.format == Format::Binary && *ctx.ty == Type::$pg {
                    out.put_slice(&self.to_be_bytes());
                    return Ok(IsNull::No);
                }
                write_int::<$t>(*self as i64, ctx, out)
            }
        }

        impl StaticType for $t {
            fn static_type(_: &Policy) -> Type {
                Type::$pg
            }
        }
    )*};
}

int_impls! {
    i8 => CHAR, 1, [CHAR];
    i16 => INT2, 2, [INT2, INT4, INT8, NUMERIC];
    i32 => INT4, 4, [INT2, INT4, INT8, NUMERIC];
    i64 => INT8, 8, [INT2, INT4, INT8, OID, NUMERIC];
    u32 => OID, 4, [OID, INT2, INT4, INT8, NUMERIC];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_and_narrowing() {
        let c = Ctx::binary(&Type::INT2);
        assert_eq!(i64::load(&c, &(-5_i16).to_be_bytes()).unwrap(), -5);
        let c = Ctx::binary(&Type::INT8);
        assert_eq!(i16::load(&c, &300_i64.to_be_bytes()).unwrap(), 300);
        let err = i16::load(&c, &70_000_i64.to_be_bytes()).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::OutOfRange);
        assert!(
            i32::load(&c, &[0, 1]).is_err(),
            "short input is an error, not a panic"
        );
        let c = Ctx::text(&Type::INT4);
        assert_eq!(i32::load(&c, b"-2147483648").unwrap(), i32::MIN);
        assert!(i32::load(&c, b"12a").is_err());
        assert!(i32::load(&c, b"2147483648").is_err());
        assert!(u32::load(&Ctx::binary(&Type::INT4), &(-1_i32).to_be_bytes()).is_err());
    }

    #[test]
    fn dump_checks_target() {
        let mut out = BytesMut::new();
        300_i32.dump(&Ctx::text(&Type::INT8), &mut out).unwrap();
        assert_eq!(&out[..], b"300");
        out.clear();
        assert!(300_i32.dump(&Ctx::binary(&Type::CHAR), &mut out).is_err());
        assert!(3_i32.dump(&Ctx::binary(&Type::TEXT), &mut out).is_err());
    }
}
