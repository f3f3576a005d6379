//! `date` ↔ `time::Date`.
//!
//! Binary: days since 2000-01-01 as an `int4`, `i32::MIN`/`i32::MAX` being
//! `-infinity`/`infinity`. Text: `2024-02-29`, `0044-03-15 BC`,
//! `10000-01-01`.

use bytes::{BufMut, BytesMut};
use postgres_types::Type;
use time::Date;

use super::epoch::{
    EPOCH_JULIAN, beyond_pg_date, date_from_julian, fixed, is_pg_date, is_valid_date, julian,
};
use super::infinite::{Endless, Infinite, endless_codec, text_infinity};
use super::syntax::{self, Cursor};
use crate::types::int::BytesWriter;
use crate::{Ctx, Error, Format, IsNull, Result};

/// The error for text that is not what PostgreSQL prints for `ctx.ty`.
pub(crate) fn not_iso(ty: &Type, raw: &[u8]) -> Error {
    let shown = String::from_utf8_lossy(&raw[..raw.len().min(64)]);
    Error::malformed(
        ty,
        format!(
            "{shown:?} is not a {} as PostgreSQL prints it with DateStyle ISO",
            ty.name()
        ),
    )
}

/// Checks a parsed calendar date and turns it into a `time::Date`.
pub(crate) fn calendar_date<T: ?Sized>(
    ty: &Type,
    raw: &[u8],
    year: i64,
    month: u8,
    day: u8,
) -> Result<Date> {
    if !is_valid_date(year, month, day) {
        return Err(not_iso(ty, raw));
    }
    date_from_julian::<T>(ty, julian(year, month, day))
}

fn parse(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Date> {
    let mut c = Cursor::new(raw);
    let (y, m, d) = syntax::date(&mut c).ok_or_else(|| not_iso(ctx.ty, raw))?;
    let bc = c.eat_str(" BC");
    let year = syntax::astronomical(y, bc)
        .filter(|_| c.is_done())
        .ok_or_else(|| not_iso(ctx.ty, raw))?;
    calendar_date::<Date>(ctx.ty, raw, year, m, d)
}

/// The Julian day of `d`, if PostgreSQL has it.
fn pg_julian(ctx: &Ctx<'_>, d: Date) -> Result<i64> {
    let j = i64::from(d.to_julian_day());
    if is_pg_date(j) {
        Ok(j)
    } else {
        Err(beyond_pg_date::<Date>(ctx.ty, j))
    }
}

impl Endless for Date {
    const LOW: Date = Date::MIN;
    const HIGH: Date = Date::MAX;
    const PG_TYPE: Type = Type::DATE;

    fn accepts(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::DATE => Ok(()),
            _ => Err(Error::wrong_type::<Date>(ctx.ty)),
        }
    }

    #[inline]
    fn decode(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Infinite<Date>> {
        Self::accepts(ctx)?;
        Ok(match ctx.format {
            Format::Binary => match i32::from_be_bytes(fixed(ctx.ty, raw)?) {
                i32::MIN => Infinite::NegInfinity,
                i32::MAX => Infinite::Infinity,
                days => Infinite::Finite(date_from_julian::<Date>(
                    ctx.ty,
                    i64::from(days) + EPOCH_JULIAN,
                )?),
            },
            Format::Text => match text_infinity(raw) {
                Some(true) => Infinite::Infinity,
                Some(false) => Infinite::NegInfinity,
                None => Infinite::Finite(parse(ctx, raw)?),
            },
        })
    }

    #[inline]
    fn encode(v: Infinite<Date>, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        Self::accepts(ctx)?;
        match (ctx.format, v) {
            (Format::Binary, Infinite::NegInfinity) => out.put_i32(i32::MIN),
            (Format::Binary, Infinite::Infinity) => out.put_i32(i32::MAX),
            // In range, so the difference fits an i32.
            (Format::Binary, Infinite::Finite(d)) => {
                out.put_i32((pg_julian(ctx, d)? - EPOCH_JULIAN) as i32)
            }
            (Format::Text, Infinite::NegInfinity) => out.put_slice(b"-infinity"),
            (Format::Text, Infinite::Infinity) => out.put_slice(b"infinity"),
            (Format::Text, Infinite::Finite(d)) => {
                let j = pg_julian(ctx, d)?;
                let mut w = BytesWriter(out);
                // Writing into BytesMut cannot fail.
                if syntax::write_date(&mut w, j).unwrap_or(false) {
                    out.put_slice(b" BC");
                }
            }
        }
        Ok(IsNull::No)
    }
}

endless_codec!(Date);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dump, ErrorKind, InfinityPolicy, Load, Policy};
    use time::macros::date;

    fn text(d: Date) -> String {
        let mut out = BytesMut::new();
        d.dump(&Ctx::text(&Type::DATE), &mut out).unwrap();
        String::from_utf8(out.to_vec()).unwrap()
    }

    #[test]
    fn text_forms() {
        for (d, s) in [
            (date!(2024 - 02 - 29), "2024-02-29"),
            (date!(-0043 - 03 - 15), "0044-03-15 BC"),
            (date!(0000 - 12 - 31), "0001-12-31 BC"),
            (date!(0001 - 01 - 01), "0001-01-01"),
            (date!(-4713 - 11 - 24), "4714-11-24 BC"),
            (date!(9999 - 12 - 31), "9999-12-31"),
        ] {
            assert_eq!(text(d), s);
            assert_eq!(
                Date::load(&Ctx::text(&Type::DATE), s.as_bytes()).unwrap(),
                d
            );
        }
    }

    #[test]
    fn binary_form() {
        let ctx = Ctx::binary(&Type::DATE);
        assert_eq!(
            Date::load(&ctx, &0_i32.to_be_bytes()).unwrap(),
            date!(2000 - 01 - 01)
        );
        assert_eq!(
            Date::load(&ctx, &(-1_i32).to_be_bytes()).unwrap(),
            date!(1999 - 12 - 31)
        );
        let mut out = BytesMut::new();
        date!(2024 - 02 - 29).dump(&ctx, &mut out).unwrap();
        assert_eq!(&out[..], &8825_i32.to_be_bytes());
    }

    #[test]
    fn ranges() {
        let text = Ctx::text(&Type::DATE);
        // PostgreSQL has these; time (without large-dates) does not.
        for s in ["10000-01-01", "5874897-12-31"] {
            let err = Date::load(&text, s.as_bytes()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::OutOfRange, "{s}");
            assert!(err.message().contains("large-dates"), "{err}");
        }
        let err = Date::load(&Ctx::binary(&Type::DATE), &3_000_000_i32.to_be_bytes()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        // time has these; PostgreSQL does not.
        let err = Date::load(&text, b"4714-11-23 BC").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        let mut out = BytesMut::new();
        let err = date!(-5000 - 01 - 01).dump(&text, &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert!(err.message().contains("4714-11-24 BC"), "{err}");
    }

    #[test]
    fn malformed() {
        let text = Ctx::text(&Type::DATE);
        for bad in [
            &b""[..],
            b"2024-02-30",
            b"2023-02-29",
            b"2024-13-01",
            b"0000-01-01",
            b"2024-2-29",
            b"24-02-29",
            b"2024-02-29 ",
            b"2024-02-29 AD",
            b"02/29/2024",
            b"\xff",
            b"Infinity",
        ] {
            let err = Date::load(&text, bad).unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::Malformed,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let bin = Ctx::binary(&Type::DATE);
        for bad in [&[][..], &[0, 0, 0], &[0, 0, 0, 0, 0]] {
            assert_eq!(
                Date::load(&bin, bad).unwrap_err().kind(),
                ErrorKind::Malformed
            );
        }
        assert_eq!(
            Date::load(&Ctx::binary(&Type::TIMESTAMP), &[0; 8])
                .unwrap_err()
                .kind(),
            ErrorKind::WrongType
        );
    }

    #[test]
    fn infinity_policy() {
        let saturate = Policy {
            infinity: InfinityPolicy::Saturate,
            ..Policy::DEFAULT
        };
        for fmt in [Format::Text, Format::Binary] {
            let strict = Ctx::new(&Type::DATE, fmt);
            let sat = strict.with_policy(&saturate);
            for (v, bytes) in [
                (
                    Date::MAX,
                    if fmt == Format::Text {
                        b"infinity".to_vec()
                    } else {
                        i32::MAX.to_be_bytes().to_vec()
                    },
                ),
                (
                    Date::MIN,
                    if fmt == Format::Text {
                        b"-infinity".to_vec()
                    } else {
                        i32::MIN.to_be_bytes().to_vec()
                    },
                ),
            ] {
                let err = Date::load(&strict, &bytes).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Infinity);
                assert!(err.message().contains("InfinityPolicy::Saturate"), "{err}");
                assert_eq!(Date::load(&sat, &bytes).unwrap(), v);
                let mut out = BytesMut::new();
                v.dump(&sat, &mut out).unwrap();
                assert_eq!(&out[..], &bytes[..]);
            }
        }
        // Under the strict policy Date::MAX is just 9999-12-31.
        assert_eq!(text(Date::MAX), "9999-12-31");
    }
}
