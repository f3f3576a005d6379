//! `numeric` as `rust_decimal::Decimal` (feature `rust_decimal`), exact both
//! ways.
//!
//! `Decimal` holds 96 bits of coefficient and up to 28 fraction digits. A
//! `numeric` beyond that, NaN or ±Infinity is an
//! [`OutOfRange`](crate::ErrorKind::OutOfRange) error, never rounded. Only
//! the display scale may shrink: `1.000…0` with 40 zeros loads as `1` with
//! as many zeros as the coefficient can hold (the value is unchanged).

use bytes::{BufMut, BytesMut};
use postgres_types::Type;
use rust_decimal::Decimal;

use crate::types::int::read_int;
use crate::types::numeric::{Numeric, SIGN_NEG, SIGN_POS, read_numeric};
use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

const MAX_COEFFICIENT: u128 = (1 << 96) - 1;
const MAX_SCALE: u32 = 28;

/// The exact `Decimal` of a numeric, or an out-of-range error naming it.
pub(crate) fn numeric_to_decimal(n: &Numeric, ty: &Type) -> Result<Decimal> {
    let err = |why: &str| Error::out_of_range::<Decimal>(ty, format!("{n} {why}"));
    let too_big = || err("has more digits than Decimal holds (96 bits, 28 after the point)");
    if !n.is_finite() {
        return Err(err("has no Decimal counterpart"));
    }
    let target_scale = u32::from(n.scale()).min(MAX_SCALE);
    let digits = n.digits();
    let Some(&tail) = digits.last() else {
        return Decimal::try_from_i128_with_scale(0, target_scale).map_err(|_| too_big());
    };
    let weight = i64::from(n.weight());
    if weight > 7 {
        return Err(too_big());
    }
    let last_weight = weight - (digits.len() as i64 - 1);
    let trailing_zeros = (0..3).take_while(|i| tail % 10u16.pow(i + 1) == 0).count() as i64;
    let min_scale = (-(last_weight * 4 + trailing_zeros)).max(0);
    if min_scale > i64::from(MAX_SCALE) {
        return Err(err("has more than 28 digits after the decimal point"));
    }
    let mut coefficient: u128 = 0;
    for d in digits {
        coefficient = coefficient
            .checked_mul(10_000)
            .and_then(|c| c.checked_add(u128::from(*d)))
            .ok_or_else(too_big)?;
    }
    let shift = last_weight * 4 + min_scale;
    if shift >= 0 {
        coefficient = 10u128
            .checked_pow(shift as u32)
            .and_then(|p| coefficient.checked_mul(p))
            .ok_or_else(too_big)?;
    } else {
        // Only zeros are divided away: min_scale keeps every non-zero digit.
        coefficient /= 10u128.pow((-shift) as u32);
    }
    if coefficient > MAX_COEFFICIENT {
        return Err(too_big());
    }
    let mut scale = min_scale as u32;
    while scale < target_scale && coefficient * 10 <= MAX_COEFFICIENT {
        coefficient *= 10;
        scale += 1;
    }
    // Both bounds were checked above, so this cannot fail.
    let signed = if n.is_negative() {
        -(coefficient as i128)
    } else {
        coefficient as i128
    };
    Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| too_big())
}

/// The exact `Numeric` of a `Decimal`, scale kept.
pub(crate) fn decimal_to_numeric(d: &Decimal) -> Numeric {
    // The scale is at most 28, so it fits in u16.
    Numeric::from_coefficient(
        d.is_sign_negative(),
        d.mantissa().unsigned_abs(),
        d.scale() as u16,
    )
}

/// Writes a `Decimal` as a binary `numeric` (`numeric_send`): the same bytes
/// as `decimal_to_numeric(d).write_binary(out)`, without allocating.
///
/// The coefficient (at most 96 bits) is scaled so that the fraction has a
/// whole number of base-10000 groups, then cut into groups with 64-bit
/// arithmetic on its 32-bit words.
#[inline]
pub(crate) fn write_decimal_binary(d: &Decimal, out: &mut BytesMut) {
    // Decimal's scale is at most 28, its coefficient below 2^96: with the
    // padding below the coefficient stays under 2^106 and fits in 32 digits.
    let scale = d.scale();
    let pad = (4 - scale % 4) % 4;
    let coefficient = d.mantissa().unsigned_abs() * 10u128.pow(pad);
    let frac_groups = ((scale + pad) / 4) as i16;
    let mut words = [
        (coefficient >> 96) as u32,
        (coefficient >> 64) as u32,
        (coefficient >> 32) as u32,
        coefficient as u32,
    ];
    // Base-10000 groups, least significant first.
    let mut groups = [0u16; 8];
    let mut len = 0;
    for pair in groups.chunks_exact_mut(2) {
        if words == [0; 4] {
            break;
        }
        let mut rem = 0u64;
        for w in &mut words {
            let cur = rem << 32 | u64::from(*w);
            *w = (cur / 100_000_000) as u32;
            rem = cur % 100_000_000;
        }
        pair[0] = (rem % 10_000) as u16;
        pair[1] = (rem / 10_000) as u16;
        len += 2;
    }
    let used = &groups[..len];
    let top = used.iter().rposition(|g| *g != 0).map_or(0, |i| i + 1);
    let low = used.iter().position(|g| *g != 0).unwrap_or(top);
    let significant = used.get(low..top).unwrap_or_default();
    let (weight, sign) = if significant.is_empty() {
        (0, SIGN_POS)
    } else {
        let sign = if d.is_sign_negative() {
            SIGN_NEG
        } else {
            SIGN_POS
        };
        (top as i16 - 1 - frac_groups, sign)
    };
    out.reserve(8 + 2 * significant.len());
    out.put_u16(significant.len() as u16);
    out.put_i16(weight);
    out.put_u16(sign);
    out.put_u16(scale as u16);
    for g in significant.iter().rev() {
        out.put_u16(*g);
    }
}

impl Load<'_> for Decimal {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::NUMERIC | Type::INT2 | Type::INT4 | Type::INT8 => Ok(()),
            _ => Err(Error::wrong_type::<Decimal>(ctx.ty)),
        }
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Decimal> {
        match *ctx.ty {
            Type::NUMERIC => {
                let n = read_numeric(ctx, raw).map_err(|e| e.with_rust_type::<Decimal>())?;
                numeric_to_decimal(&n, ctx.ty)
            }
            Type::INT2 | Type::INT4 | Type::INT8 => read_int(ctx, raw).map(Decimal::from),
            _ => Err(Error::wrong_type::<Decimal>(ctx.ty)),
        }
    }
}

impl Dump for Decimal {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::NUMERIC
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        match *ctx.ty {
            Type::NUMERIC if ctx.format == Format::Binary => {
                write_decimal_binary(self, out);
                Ok(IsNull::No)
            }
            Type::NUMERIC => decimal_to_numeric(self).dump(ctx, out),
            _ => Err(Error::wrong_type::<Decimal>(ctx.ty)),
        }
    }
}

impl StaticType for Decimal {
    fn static_type(_: &Policy) -> Type {
        Type::NUMERIC
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, Format};
    use proptest::prelude::*;
    use std::str::FromStr;

    fn load_text(s: &str) -> Result<Decimal> {
        Decimal::load(&Ctx::text(&Type::NUMERIC), s.as_bytes())
    }

    #[test]
    fn exact_values() {
        for s in [
            "0",
            "0.00",
            "1.50",
            "-1.50",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "7.9228162514264337593543950335",
            "12345678901234567890.12345678",
        ] {
            let d = load_text(s).unwrap();
            assert_eq!(d, Decimal::from_str(s).unwrap(), "{s}");
            assert_eq!(d.to_string(), s, "{s}");
        }
        // The display scale shrinks only where Decimal cannot hold it.
        let d = load_text("1.0000000000000000000000000000000000").unwrap();
        assert_eq!(d, Decimal::ONE);
        assert_eq!(d.scale(), 28);
        assert_eq!(load_text("1e5").unwrap(), Decimal::from(100_000));
    }

    #[test]
    fn beyond_decimal_is_out_of_range() {
        for s in [
            "79228162514264337593543950336",
            "1e30",
            "0.00000000000000000000000000001",
            "1.00000000000000000000000000001",
            "NaN",
            "Infinity",
            "-Infinity",
            "100000000000000000000000000000000000000000",
        ] {
            let err = load_text(s).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::OutOfRange, "{s}");
        }
        assert_eq!(load_text("abc").unwrap_err().kind(), ErrorKind::Malformed);
    }

    #[test]
    fn from_integers_and_types() {
        let ctx = Ctx::binary(&Type::INT8);
        assert_eq!(
            Decimal::load(&ctx, &(-7_i64).to_be_bytes()).unwrap(),
            Decimal::from(-7)
        );
        assert!(Decimal::load(&Ctx::binary(&Type::FLOAT8), &[0; 8]).is_err());
        let mut out = BytesMut::new();
        assert!(
            Decimal::ONE
                .dump(&Ctx::binary(&Type::INT4), &mut out)
                .is_err()
        );
    }

    #[test]
    fn binary_dump_edges() {
        let mut neg_zero = Decimal::from_i128_with_scale(0, 3);
        neg_zero.set_sign_negative(true);
        for d in [
            Decimal::ZERO,
            Decimal::from_i128_with_scale(0, 28),
            neg_zero,
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_i128_with_scale(1, 28),
            Decimal::from_i128_with_scale(MAX_COEFFICIENT as i128, 28),
            Decimal::from_i128_with_scale(100_000_000, 4),
            Decimal::from_i128_with_scale(-123_456_789, 5),
        ] {
            let mut fast = BytesMut::new();
            write_decimal_binary(&d, &mut fast);
            let mut general = BytesMut::new();
            decimal_to_numeric(&d).write_binary(&mut general);
            assert_eq!(&fast[..], &general[..], "{d}");
        }
    }

    fn any_decimal() -> impl Strategy<Value = Decimal> {
        (any::<i128>(), 0u32..=28).prop_map(|(m, s)| {
            let m = m % (MAX_COEFFICIENT as i128 + 1);
            Decimal::from_i128_with_scale(m, s)
        })
    }

    proptest! {
        #[test]
        fn round_trips(d in any_decimal()) {
            for format in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&Type::NUMERIC, format);
                let mut out = BytesMut::new();
                d.dump(&ctx, &mut out).unwrap();
                let back = Decimal::load(&ctx, &out).unwrap();
                prop_assert_eq!(back, d);
                prop_assert_eq!(back.scale(), d.scale());
            }
        }

        #[test]
        fn binary_dump_matches_numeric(d in any_decimal()) {
            let mut fast = BytesMut::new();
            write_decimal_binary(&d, &mut fast);
            let mut general = BytesMut::new();
            decimal_to_numeric(&d).write_binary(&mut general);
            prop_assert_eq!(&fast[..], &general[..]);
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = Decimal::load(&Ctx::binary(&Type::NUMERIC), &bytes);
            let _ = Decimal::load(&Ctx::text(&Type::NUMERIC), &bytes);
        }
    }
}
