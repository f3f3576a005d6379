//! `numeric`, and integers written as `numeric`, `float4` or `float8`.

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::types::int::BytesWriter;
use crate::{Ctx, Error, Format, IsNull, Result};

/// Writes an integer for a `numeric`, `float4` or `float8` parameter.
pub(crate) fn write_int_as_number<T: ?Sized>(
    v: i64,
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    use std::fmt::Write;
    match (ctx.format, ctx.ty) {
        (Format::Text, _) => {
            let _ = write!(BytesWriter(out), "{v}");
        }
        (Format::Binary, &Type::FLOAT8) => {
            let f = v as f64;
            if f as i128 != v as i128 {
                return Err(Error::out_of_range::<T>(
                    ctx.ty,
                    format!("{v} is not exact as float8"),
                ));
            }
            out.put_f64(f);
        }
        (Format::Binary, &Type::FLOAT4) => {
            let f = v as f32;
            if f as i128 != v as i128 {
                return Err(Error::out_of_range::<T>(
                    ctx.ty,
                    format!("{v} is not exact as float4"),
                ));
            }
            out.put_f32(f);
        }
        (Format::Binary, _) => write_binary_integer(v, out),
    }
    Ok(IsNull::No)
}

/// The binary numeric of an integer: base-10000 digits, weight, sign, scale 0.
fn write_binary_integer(v: i64, out: &mut BytesMut) {
    let mut magnitude = v.unsigned_abs();
    let mut digits = [0u16; 5];
    let mut n = 0;
    while magnitude > 0 {
        digits[n] = (magnitude % 10_000) as u16;
        magnitude /= 10_000;
        n += 1;
    }
    // Trailing zero groups are implied by the weight.
    let mut lowest = 0;
    while lowest < n && digits[lowest] == 0 {
        lowest += 1;
    }
    let ndigits = n - lowest;
    out.put_u16(ndigits as u16);
    out.put_i16(if n == 0 { 0 } else { n as i16 - 1 });
    out.put_u16(if v < 0 { 0x4000 } else { 0 });
    out.put_u16(0);
    for d in digits[lowest..n].iter().rev() {
        out.put_u16(*d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_as_binary_numeric() {
        let mut out = BytesMut::new();
        write_binary_integer(0, &mut out);
        assert_eq!(&out[..], &[0, 0, 0, 0, 0, 0, 0, 0]);
        out.clear();
        write_binary_integer(-1_0000_0000, &mut out);
        // one digit group (1), weight 2, negative, scale 0
        assert_eq!(&out[..], &[0, 1, 0, 2, 0x40, 0, 0, 0, 0, 1]);
        out.clear();
        write_binary_integer(i64::MIN, &mut out);
        assert_eq!(out[0..2], [0, 5]);
    }
}
