//! `time` ↔ `time::Time` and `timetz` ↔ [`TimeTz`].
//!
//! Binary: microseconds since midnight as an `int8`; `timetz` adds the zone
//! as an `int4` of seconds *west* of UTC (`+05:30` is sent as -19800).
//! Text: `13:45:06.123456`, `13:45:06+05:30`. PostgreSQL's `24:00:00` has
//! no `time::Time` and loads as an [`OutOfRange`](crate::ErrorKind::OutOfRange)
//! error.

use std::fmt;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;
use time::{Time, UtcOffset};

use super::date::not_iso;
use super::epoch::{USECS_PER_DAY, end_of_day, fixed, time_from_micros, time_nanos, to_micros};
use super::syntax::{self, Cursor};
use crate::types::int::BytesWriter;
use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

/// A `timetz`: a time of day with its UTC offset.
///
/// Equality compares both fields, as PostgreSQL's `=` on `timetz` does:
/// `12:00+01` and `11:00+00` differ.
///
/// ```
/// use pgcast_core::types::TimeTz;
/// use pgcast_core::{Ctx, Load};
/// use postgres_types::Type;
/// use time::macros::{offset, time};
///
/// let t = TimeTz::load(&Ctx::text(&Type::TIMETZ), b"13:45:06+05:30").unwrap();
/// assert_eq!(t, TimeTz::new(time!(13:45:06), offset!(+5:30)));
/// assert_eq!(t.to_string(), "13:45:06+05:30");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeTz {
    /// The time of day on the local clock.
    pub time: Time,
    /// The offset of the local clock from UTC (east positive, as in ISO 8601).
    pub offset: UtcOffset,
}

impl TimeTz {
    /// A time of day at an offset.
    pub const fn new(time: Time, offset: UtcOffset) -> TimeTz {
        TimeTz { time, offset }
    }
}

impl fmt::Display for TimeTz {
    /// PostgreSQL's form, `13:45:06.5+05:30`; nanoseconds, which PostgreSQL
    /// lacks, are shown in full.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s, ns) = self.time.as_hms_nano();
        write!(f, "{h:02}:{m:02}:{s:02}")?;
        if ns % 1000 == 0 {
            syntax::write_fraction(f, u64::from(ns / 1000))?;
        } else {
            syntax::write_digits(f, u64::from(ns), 9)?;
        }
        syntax::write_offset(f, self.offset.whole_seconds())
    }
}

/// PostgreSQL's limit on a `timetz` zone: under 16 hours either way.
const MAX_ZONE: i32 = 16 * 3600;

fn check<T>(ctx: &Ctx<'_>, ty: Type) -> Result<()> {
    if *ctx.ty == ty {
        Ok(())
    } else {
        Err(Error::wrong_type::<T>(ctx.ty))
    }
}

/// Microseconds since midnight of a loaded `time`: `24:00:00` included.
fn read_micros<T>(ctx: &Ctx<'_>, us: i64) -> Result<Time> {
    match us {
        USECS_PER_DAY => Err(end_of_day::<T>(ctx.ty)),
        _ => time_from_micros(us).ok_or_else(|| {
            Error::malformed(ctx.ty, format!("{us} µs is not a time of day")).with_rust_type::<T>()
        }),
    }
}

/// Parses `HH:MM:SS[.f]` and what follows it.
fn parse_time<'a, T>(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<(Time, Cursor<'a>)> {
    let mut c = Cursor::new(raw);
    let us = syntax::time(&mut c).ok_or_else(|| not_iso(ctx.ty, raw))?;
    Ok((read_micros::<T>(ctx, us)?, c))
}

/// A time's microseconds since midnight: rounding may reach `24:00:00`,
/// which PostgreSQL's `time` and `timetz` accept.
fn write_micros<T>(ctx: &Ctx<'_>, t: Time) -> Result<i64> {
    // At most one day of nanoseconds: fits.
    Ok(to_micros::<T>(ctx, time_nanos(t))? as i64)
}

impl Load<'_> for Time {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check::<Time>(ctx, Type::TIME)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Time> {
        Self::check(ctx)?;
        match ctx.format {
            Format::Binary => read_micros::<Time>(ctx, i64::from_be_bytes(fixed(ctx.ty, raw)?)),
            Format::Text => {
                let (t, c) = parse_time::<Time>(ctx, raw)?;
                if c.is_done() {
                    Ok(t)
                } else {
                    Err(not_iso(ctx.ty, raw))
                }
            }
        }
    }
}

impl Dump for Time {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::TIME
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        <Time as Load>::check(ctx)?;
        let us = write_micros::<Time>(ctx, *self)?;
        match ctx.format {
            Format::Binary => out.put_i64(us),
            // Writing into BytesMut cannot fail.
            Format::Text => {
                let _ = syntax::write_time(&mut BytesWriter(out), us as u64);
            }
        }
        Ok(IsNull::No)
    }
}

impl StaticType for Time {
    fn static_type(_: &Policy) -> Type {
        Type::TIME
    }
}

impl Load<'_> for TimeTz {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check::<TimeTz>(ctx, Type::TIMETZ)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<TimeTz> {
        Self::check(ctx)?;
        let (time, east) = match ctx.format {
            Format::Binary => {
                let b: [u8; 12] = fixed(ctx.ty, raw)?;
                let (us, zone) = b.split_at(8);
                let time = read_micros::<TimeTz>(ctx, i64::from_be_bytes(fixed(ctx.ty, us)?))?;
                let west = i32::from_be_bytes(fixed(ctx.ty, zone)?);
                (time, west.checked_neg().unwrap_or(i32::MAX))
            }
            Format::Text => {
                let (time, mut c) = parse_time::<TimeTz>(ctx, raw)?;
                let east = syntax::offset(&mut c)
                    .filter(|_| c.is_done())
                    .ok_or_else(|| not_iso(ctx.ty, raw))?;
                (time, east)
            }
        };
        let offset = UtcOffset::from_whole_seconds(east).map_err(|_| {
            Error::malformed(ctx.ty, format!("{east} s is not a UTC offset"))
                .with_rust_type::<TimeTz>()
        })?;
        Ok(TimeTz { time, offset })
    }
}

impl Dump for TimeTz {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::TIMETZ
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        <TimeTz as Load>::check(ctx)?;
        let east = self.offset.whole_seconds();
        if east.abs() >= MAX_ZONE {
            return Err(Error::out_of_range::<TimeTz>(
                ctx.ty,
                format!("offset {} is beyond PostgreSQL's ±15:59:59", self.offset),
            ));
        }
        let us = write_micros::<TimeTz>(ctx, self.time)?;
        match ctx.format {
            Format::Binary => {
                out.put_i64(us);
                out.put_i32(-east);
            }
            Format::Text => {
                let mut w = BytesWriter(out);
                // Writing into BytesMut cannot fail.
                let _ = syntax::write_time(&mut w, us as u64)
                    .and_then(|()| syntax::write_offset(&mut w, east));
            }
        }
        Ok(IsNull::No)
    }
}

impl StaticType for TimeTz {
    fn static_type(_: &Policy) -> Type {
        Type::TIMETZ
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use time::macros::{offset, time};

    fn dump_text(v: &dyn Dump, ty: &Type, policy: &Policy) -> Result<String> {
        let mut out = BytesMut::new();
        v.dump(&Ctx::text(ty).with_policy(policy), &mut out)?;
        Ok(String::from_utf8(out.to_vec()).unwrap())
    }

    #[test]
    fn time_forms() {
        let strict = Policy::DEFAULT;
        for (t, s) in [
            (time!(13:45:06.123456), "13:45:06.123456"),
            (time!(00:00), "00:00:00"),
            (time!(23:59:59.5), "23:59:59.5"),
            (time!(00:00:00.000001), "00:00:00.000001"),
        ] {
            assert_eq!(dump_text(&t, &Type::TIME, &strict).unwrap(), s);
            assert_eq!(
                Time::load(&Ctx::text(&Type::TIME), s.as_bytes()).unwrap(),
                t
            );
        }
        let bin = Ctx::binary(&Type::TIME);
        assert_eq!(
            Time::load(&bin, &3_600_000_001_i64.to_be_bytes()).unwrap(),
            time!(01:00:00.000001)
        );
    }

    #[test]
    fn end_of_day_is_out_of_range() {
        let err = Time::load(&Ctx::text(&Type::TIME), b"24:00:00").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        let err = Time::load(&Ctx::binary(&Type::TIME), &USECS_PER_DAY.to_be_bytes()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        let err = TimeTz::load(&Ctx::text(&Type::TIMETZ), b"24:00:00+00").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        let err = Time::load(
            &Ctx::binary(&Type::TIME),
            &(USECS_PER_DAY + 1).to_be_bytes(),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed);
        assert!(Time::load(&Ctx::binary(&Type::TIME), &(-1_i64).to_be_bytes()).is_err());
    }

    #[test]
    fn nanoseconds() {
        let t = time!(23:59:59.999999500);
        let err = dump_text(&t, &Type::TIME, &Policy::DEFAULT).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Lossy);
        let lossy = Policy {
            lossy: true,
            ..Policy::DEFAULT
        };
        // Half to even rounds up here, to PostgreSQL's own 24:00:00.
        assert_eq!(dump_text(&t, &Type::TIME, &lossy).unwrap(), "24:00:00");
        assert_eq!(
            dump_text(&time!(12:00:00.000000500), &Type::TIME, &lossy).unwrap(),
            "12:00:00"
        );
        assert_eq!(
            dump_text(&time!(12:00:00.000001500), &Type::TIME, &lossy).unwrap(),
            "12:00:00.000002"
        );
    }

    #[test]
    fn timetz_forms() {
        let v = TimeTz::new(time!(13:45:06), offset!(+5:30));
        let mut out = BytesMut::new();
        v.dump(&Ctx::binary(&Type::TIMETZ), &mut out).unwrap();
        let mut want = 49_506_000_000_i64.to_be_bytes().to_vec();
        want.extend((-19_800_i32).to_be_bytes());
        assert_eq!(&out[..], &want[..]);
        assert_eq!(TimeTz::load(&Ctx::binary(&Type::TIMETZ), &want).unwrap(), v);
        for s in [
            "13:45:06+05:30",
            "01:00:00-05:53:28",
            "00:00:00+00",
            "23:59:59.999999-15:59:59",
        ] {
            let t = TimeTz::load(&Ctx::text(&Type::TIMETZ), s.as_bytes()).unwrap();
            assert_eq!(dump_text(&t, &Type::TIMETZ, &Policy::DEFAULT).unwrap(), s);
            assert_eq!(t.to_string(), s);
        }
        let far = TimeTz::new(time!(00:00), offset!(+16:00));
        assert_eq!(
            dump_text(&far, &Type::TIMETZ, &Policy::DEFAULT)
                .unwrap_err()
                .kind(),
            ErrorKind::OutOfRange
        );
        assert_eq!(
            TimeTz::new(time!(1:00:00.000000001), offset!(UTC)).to_string(),
            "01:00:00.000000001+00"
        );
    }

    #[test]
    fn malformed() {
        let text = Ctx::text(&Type::TIMETZ);
        for bad in [
            &b"13:45:06"[..],
            b"13:45:06+",
            b"13:45:06+5",
            b"13:45:06 +05",
            b"13:45:06+05:3",
            b"13:45:06+05:30x",
        ] {
            assert_eq!(
                TimeTz::load(&text, bad).unwrap_err().kind(),
                ErrorKind::Malformed
            );
        }
        assert!(Time::load(&Ctx::text(&Type::TIME), b"13:45:06+01").is_err());
        let bin = Ctx::binary(&Type::TIMETZ);
        assert!(TimeTz::load(&bin, &[0; 11]).is_err());
        assert!(TimeTz::load(&bin, &[0; 13]).is_err());
        let mut huge = [0; 12];
        huge[8..].copy_from_slice(&i32::MIN.to_be_bytes());
        assert_eq!(
            TimeTz::load(&bin, &huge).unwrap_err().kind(),
            ErrorKind::Malformed
        );
        assert_eq!(
            Time::load(&Ctx::binary(&Type::TIMETZ), &[0; 8])
                .unwrap_err()
                .kind(),
            ErrorKind::WrongType
        );
    }
}
