//! `timestamp` ↔ `time::PrimitiveDateTime` and `timestamptz` ↔
//! `time::OffsetDateTime`.
//!
//! Binary: microseconds since 2000-01-01 00:00 as an `int8` (UTC for
//! `timestamptz`), `i64::MIN`/`i64::MAX` being `-infinity`/`infinity`.
//! Text: `2024-02-29 13:45:06.5`, and for `timestamptz` the offset of the
//! session's `TimeZone`: `2024-02-29 13:45:06.5+01`, `1900-01-01
//! 12:19:32+00:19:32`.
//!
//! A `timestamptz` loads in UTC from binary and in the printed offset from
//! text: the same instant, so the values compare equal. It is dumped in
//! UTC. The two types do not mix: a `timestamp` has no offset to give an
//! `OffsetDateTime`, and a `timestamptz` is an instant, not a wall clock.

use bytes::{BufMut, BytesMut};
use postgres_types::Type;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::date::{calendar_date, not_iso};
use super::epoch::{
    datetime_from_micros, exact_micros, fixed, is_pg_timestamp_i64, local_nanos,
    micros_to_datetime, pg_timestamp, time_from_micros, to_micros,
};
use super::infinite::{Endless, Infinite, endless_codec, text_infinity};
use super::syntax::{self, Cursor};
use crate::types::int::BytesWriter;
use crate::{Ctx, Error, ErrorKind, Format, IsNull, Result};

/// Parses `Y-MM-DD HH:MM:SS[.f][offset][ BC]`, with an offset exactly when
/// `zoned`.
fn parse<T>(ctx: &Ctx<'_>, raw: &[u8], zoned: bool) -> Result<(PrimitiveDateTime, i32)> {
    let bad = || not_iso(ctx.ty, raw);
    let mut c = Cursor::new(raw);
    let (y, m, d) = syntax::date(&mut c).ok_or_else(bad)?;
    c.expect(b' ').ok_or_else(bad)?;
    let us = syntax::time(&mut c).ok_or_else(bad)?;
    let east = match zoned {
        true => syntax::offset(&mut c).ok_or_else(bad)?,
        false => 0,
    };
    let bc = c.eat_str(" BC");
    let year = syntax::astronomical(y, bc)
        .filter(|_| c.is_done())
        .ok_or_else(bad)?;
    let date: Date = calendar_date::<T>(ctx.ty, raw, year, m, d)?;
    let time = time_from_micros(us).ok_or_else(bad)?;
    Ok((PrimitiveDateTime::new(date, time), east))
}

fn encode_micros(v: Infinite<i64>, ctx: &Ctx<'_>, east: Option<i32>, out: &mut BytesMut) {
    match (ctx.format, v) {
        (Format::Binary, Infinite::NegInfinity) => out.put_i64(i64::MIN),
        (Format::Binary, Infinite::Infinity) => out.put_i64(i64::MAX),
        (Format::Binary, Infinite::Finite(us)) => out.put_i64(us),
        (Format::Text, Infinite::NegInfinity) => out.put_slice(b"-infinity"),
        (Format::Text, Infinite::Infinity) => out.put_slice(b"infinity"),
        (Format::Text, Infinite::Finite(us)) => {
            // Writing into BytesMut cannot fail.
            let _ = syntax::write_timestamp(&mut BytesWriter(out), us, east);
        }
    }
}

/// Reads the binary form, or the infinities of the text form.
fn decode_micros<T>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Option<Infinite<PrimitiveDateTime>>> {
    Ok(Some(match ctx.format {
        Format::Binary => match i64::from_be_bytes(fixed(ctx.ty, raw)?) {
            i64::MIN => Infinite::NegInfinity,
            i64::MAX => Infinite::Infinity,
            us => Infinite::Finite(datetime_from_micros::<T>(ctx.ty, us)?),
        },
        Format::Text => match text_infinity(raw) {
            Some(true) => Infinite::Infinity,
            Some(false) => Infinite::NegInfinity,
            None => return Ok(None),
        },
    }))
}

fn mismatch<T>(ctx: &Ctx<'_>, why: &'static str) -> Error {
    Error::new(ErrorKind::WrongType, why)
        .with_pg_type(ctx.ty)
        .with_rust_type::<T>()
}

impl Endless for PrimitiveDateTime {
    const LOW: Self = PrimitiveDateTime::MIN;
    const HIGH: Self = PrimitiveDateTime::MAX;
    const PG_TYPE: Type = Type::TIMESTAMP;

    fn accepts(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::TIMESTAMP => Ok(()),
            Type::TIMESTAMPTZ => Err(mismatch::<Self>(
                ctx,
                "a timestamptz is an instant, not a wall-clock time: use OffsetDateTime, \
                 or convert it in SQL (`ts AT TIME ZONE 'UTC'` is a timestamp)",
            )),
            _ => Err(Error::wrong_type::<Self>(ctx.ty)),
        }
    }

    #[inline]
    fn decode(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Infinite<Self>> {
        Self::accepts(ctx)?;
        match decode_micros::<Self>(ctx, raw)? {
            Some(v) => Ok(v),
            None => Ok(Infinite::Finite(parse::<Self>(ctx, raw, false)?.0)),
        }
    }

    #[inline]
    fn encode(v: Infinite<Self>, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        Self::accepts(ctx)?;
        let us = match v {
            Infinite::Finite(dt) => match exact_micros(dt.date(), dt.time(), 0) {
                Some(us) if is_pg_timestamp_i64(us) => Infinite::Finite(us),
                _ => Infinite::Finite(pg_timestamp::<Self>(
                    ctx.ty,
                    to_micros::<Self>(ctx, local_nanos(dt))?,
                )?),
            },
            Infinite::NegInfinity => Infinite::NegInfinity,
            Infinite::Infinity => Infinite::Infinity,
        };
        encode_micros(us, ctx, None, out);
        Ok(IsNull::No)
    }
}

endless_codec!(PrimitiveDateTime);

impl Endless for OffsetDateTime {
    const LOW: Self = PrimitiveDateTime::MIN.assume_utc();
    const HIGH: Self = PrimitiveDateTime::MAX.assume_utc();
    const PG_TYPE: Type = Type::TIMESTAMPTZ;

    fn accepts(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::TIMESTAMPTZ => Ok(()),
            Type::TIMESTAMP => Err(mismatch::<Self>(
                ctx,
                "a timestamp (without time zone) has no offset: use PrimitiveDateTime, \
                 or say which zone it is in SQL (`ts AT TIME ZONE 'UTC'` is a timestamptz)",
            )),
            _ => Err(Error::wrong_type::<Self>(ctx.ty)),
        }
    }

    #[inline]
    fn decode(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Infinite<Self>> {
        // The common case: a finite instant in binary.
        if ctx.format == Format::Binary
            && *ctx.ty == Type::TIMESTAMPTZ
            && let Ok(bytes) = <[u8; 8]>::try_from(raw)
            && let Some(dt) = micros_to_datetime(i64::from_be_bytes(bytes))
        {
            return in_session_zone(ctx, dt.assume_utc()).map(Infinite::Finite);
        }
        decode_zoned(ctx, raw)
    }

    #[inline]
    fn encode(v: Infinite<Self>, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        // The common case: a whole-microsecond instant in binary.
        if ctx.format == Format::Binary
            && *ctx.ty == Type::TIMESTAMPTZ
            && let Infinite::Finite(dt) = v
            && let Some(us) = exact_micros(dt.date(), dt.time(), dt.offset().whole_seconds())
            && is_pg_timestamp_i64(us)
        {
            out.put_i64(us);
            return Ok(IsNull::No);
        }
        encode_zoned(v, ctx, out)
    }
}

endless_codec!(OffsetDateTime);

/// A UTC instant from the binary form, shown in the session's time zone
/// ([`Policy::time_zone`](crate::Policy::time_zone)) as the text form would
/// show it; the text form keeps the offset the server wrote, which is the
/// session's already.
#[inline]
fn in_session_zone(ctx: &Ctx<'_>, utc: OffsetDateTime) -> Result<OffsetDateTime> {
    let zone = &ctx.policy.time_zone;
    if zone.is_utc() {
        return Ok(utc);
    }
    let offset = zone.offset_at(utc).map_err(|e| e.with_pg_type(ctx.ty))?;
    utc.checked_to_offset(offset).ok_or_else(|| {
        Error::out_of_range::<OffsetDateTime>(
            ctx.ty,
            format!("{utc} at offset {offset} is out of the range of OffsetDateTime"),
        )
    })
}

/// `dt` as the text form shows it in its own offset
/// (`2024-02-29 13:45:06.5+01`), where the text dump shows UTC: what
/// [`Value`](crate::Value)'s JSON is made from, since the offset a value was
/// loaded with is the session's.
pub(crate) fn text_in_own_offset(dt: OffsetDateTime) -> String {
    let local = local_nanos(PrimitiveDateTime::new(dt.date(), dt.time()));
    let mut text = String::new();
    // Writing into a String cannot fail; values from the server are whole
    // microseconds.
    let _ = syntax::write_timestamp(
        &mut text,
        local.div_euclid(1000) as i64,
        Some(dt.offset().whole_seconds()),
    );
    text
}

/// `OffsetDateTime` from either format: text, infinities, errors.
fn decode_zoned(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Infinite<OffsetDateTime>> {
    <OffsetDateTime as Endless>::accepts(ctx)?;
    if let Some(v) = decode_micros::<OffsetDateTime>(ctx, raw)? {
        return Ok(match v {
            Infinite::Finite(dt) => Infinite::Finite(in_session_zone(ctx, dt.assume_utc())?),
            Infinite::NegInfinity => Infinite::NegInfinity,
            Infinite::Infinity => Infinite::Infinity,
        });
    }
    let (local, east) = parse::<OffsetDateTime>(ctx, raw, true)?;
    let offset = UtcOffset::from_whole_seconds(east).map_err(|_| not_iso(ctx.ty, raw))?;
    // The instant must be one PostgreSQL and time both have in UTC, as
    // the binary form would require.
    let utc = (local_nanos(local) / 1000) as i64 - i64::from(east) * 1_000_000;
    datetime_from_micros::<OffsetDateTime>(ctx.ty, utc)?;
    Ok(Infinite::Finite(local.assume_offset(offset)))
}

/// `OffsetDateTime` in every case: text, rounding, infinities, errors.
fn encode_zoned(v: Infinite<OffsetDateTime>, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    <OffsetDateTime as Endless>::accepts(ctx)?;
    let us = match v {
        Infinite::Finite(dt) => {
            let east = dt.offset().whole_seconds();
            match exact_micros(dt.date(), dt.time(), east) {
                Some(us) if is_pg_timestamp_i64(us) => Infinite::Finite(us),
                _ => {
                    let local = local_nanos(PrimitiveDateTime::new(dt.date(), dt.time()));
                    let utc = local - i128::from(east) * 1_000_000_000;
                    Infinite::Finite(pg_timestamp::<OffsetDateTime>(
                        ctx.ty,
                        to_micros::<OffsetDateTime>(ctx, utc)?,
                    )?)
                }
            }
        }
        Infinite::NegInfinity => Infinite::NegInfinity,
        Infinite::Infinity => Infinite::Infinity,
    };
    encode_micros(us, ctx, Some(0), out);
    Ok(IsNull::No)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dump, InfinityPolicy, Load, Policy};
    use time::macros::{datetime, offset};

    fn text(v: &dyn Dump, ty: &Type) -> String {
        let mut out = BytesMut::new();
        v.dump(&Ctx::text(ty), &mut out).unwrap();
        String::from_utf8(out.to_vec()).unwrap()
    }

    #[test]
    fn timestamp_forms() {
        let ctx = Ctx::text(&Type::TIMESTAMP);
        for (v, s) in [
            (datetime!(2024-02-29 13:45:06.5), "2024-02-29 13:45:06.5"),
            (datetime!(-0043-03-15 12:00), "0044-03-15 12:00:00 BC"),
            (
                datetime!(1999-12-31 23:59:59.999999),
                "1999-12-31 23:59:59.999999",
            ),
        ] {
            assert_eq!(text(&v, &Type::TIMESTAMP), s);
            assert_eq!(PrimitiveDateTime::load(&ctx, s.as_bytes()).unwrap(), v);
        }
        let bin = Ctx::binary(&Type::TIMESTAMP);
        let v = datetime!(2000-01-01 00:00:01);
        assert_eq!(
            PrimitiveDateTime::load(&bin, &1_000_000_i64.to_be_bytes()).unwrap(),
            v
        );
        assert_eq!(
            PrimitiveDateTime::load(&bin, &(-1_i64).to_be_bytes()).unwrap(),
            datetime!(1999-12-31 23:59:59.999999)
        );
    }

    #[test]
    fn timestamptz_forms() {
        let ctx = Ctx::text(&Type::TIMESTAMPTZ);
        let v = OffsetDateTime::load(&ctx, b"2024-02-29 13:45:06.5+01").unwrap();
        assert_eq!(v, datetime!(2024-02-29 12:45:06.5 UTC));
        assert_eq!(v.offset(), offset!(+1));
        assert_eq!(text(&v, &Type::TIMESTAMPTZ), "2024-02-29 12:45:06.5+00");
        let lmt = OffsetDateTime::load(&ctx, b"1900-01-01 12:19:32+00:19:32").unwrap();
        assert_eq!(lmt, datetime!(1900-01-01 12:00 UTC));
        let bc = OffsetDateTime::load(&ctx, b"0044-03-15 08:09:36-03:30:52 BC").unwrap();
        assert_eq!(bc, datetime!(-0043-03-15 11:40:28 UTC));
        assert_eq!(text(&bc, &Type::TIMESTAMPTZ), "0044-03-15 11:40:28+00 BC");

        let bin = Ctx::binary(&Type::TIMESTAMPTZ);
        let mut out = BytesMut::new();
        v.dump(&bin, &mut out).unwrap();
        let back = OffsetDateTime::load(&bin, &out).unwrap();
        assert_eq!(back, v);
        assert_eq!(back.offset(), UtcOffset::UTC);
    }

    #[test]
    fn types_do_not_mix() {
        let naive = datetime!(2024-02-29 13:45);
        let mut out = BytesMut::new();
        for fmt in [Format::Text, Format::Binary] {
            let err = OffsetDateTime::load(&Ctx::new(&Type::TIMESTAMP, fmt), &[0; 8]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WrongType);
            assert!(err.message().contains("PrimitiveDateTime"), "{err}");
            let err =
                PrimitiveDateTime::load(&Ctx::new(&Type::TIMESTAMPTZ, fmt), &[0; 8]).unwrap_err();
            assert!(err.message().contains("OffsetDateTime"), "{err}");
            assert!(
                naive
                    .dump(&Ctx::new(&Type::TIMESTAMPTZ, fmt), &mut out)
                    .is_err()
            );
            assert!(
                naive
                    .assume_utc()
                    .dump(&Ctx::new(&Type::TIMESTAMP, fmt), &mut out)
                    .is_err()
            );
        }
    }

    #[test]
    fn ranges_and_precision() {
        let mut out = BytesMut::new();
        let ctx = Ctx::binary(&Type::TIMESTAMP);
        let err = datetime!(-5000-01-01 0:00)
            .dump(&ctx, &mut out)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        let err = datetime!(2000-01-01 0:00:00.000000001)
            .dump(&ctx, &mut out)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Lossy);
        let lossy = Policy {
            lossy: true,
            ..Policy::DEFAULT
        };
        out.clear();
        datetime!(1999-12-31 23:59:59.9999995)
            .dump(&ctx.with_policy(&lossy), &mut out)
            .unwrap();
        assert_eq!(&out[..], &0_i64.to_be_bytes());
        // PostgreSQL has year 10000; time (without large-dates) does not.
        let err = PrimitiveDateTime::load(&Ctx::text(&Type::TIMESTAMP), b"10000-01-01 00:00:00")
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        let err = OffsetDateTime::load(&Ctx::text(&Type::TIMESTAMPTZ), b"9999-12-31 23:00:00-05")
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        let err = PrimitiveDateTime::load(&ctx, &(i64::MAX - 1).to_be_bytes()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
    }

    #[test]
    fn infinity() {
        let sat = Policy {
            infinity: InfinityPolicy::Saturate,
            ..Policy::DEFAULT
        };
        let ctx = Ctx::text(&Type::TIMESTAMPTZ);
        let err = OffsetDateTime::load(&ctx, b"infinity").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Infinity);
        let v = OffsetDateTime::load(&ctx.with_policy(&sat), b"-infinity").unwrap();
        assert_eq!(v, PrimitiveDateTime::MIN.assume_utc());
        let mut out = BytesMut::new();
        v.to_offset(offset!(UTC))
            .dump(&ctx.with_policy(&sat), &mut out)
            .unwrap();
        assert_eq!(&out[..], b"-infinity");
        let bin = Ctx::binary(&Type::TIMESTAMP);
        assert_eq!(
            Infinite::<PrimitiveDateTime>::load(&bin, &i64::MAX.to_be_bytes()).unwrap(),
            Infinite::Infinity
        );
        out.clear();
        Infinite::<PrimitiveDateTime>::NegInfinity
            .dump(&bin, &mut out)
            .unwrap();
        assert_eq!(&out[..], &i64::MIN.to_be_bytes());
    }

    #[test]
    fn malformed() {
        let ctx = Ctx::text(&Type::TIMESTAMPTZ);
        for bad in [
            &b"2024-02-29 13:45:06"[..],
            b"2024-02-29T13:45:06+00",
            b"2024-02-29 24:00:00+00",
            b"2024-02-29 13:45:06+00 AD",
            b"2024-02-29 13:45:06 BC+00",
            b"2024-02-29",
            b"",
        ] {
            let err = OffsetDateTime::load(&ctx, bad).unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::Malformed,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let ctx = Ctx::text(&Type::TIMESTAMP);
        assert!(PrimitiveDateTime::load(&ctx, b"2024-02-29 13:45:06+00").is_err());
        let bin = Ctx::binary(&Type::TIMESTAMP);
        assert!(PrimitiveDateTime::load(&bin, &[0; 7]).is_err());
        assert!(PrimitiveDateTime::load(&bin, &[0; 9]).is_err());
    }
}
