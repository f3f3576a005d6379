//! PostgreSQL's clock: days and microseconds counted from 2000-01-01, the
//! ranges the server accepts, and the exact conversions to and from `time`.

use postgres_types::Type;
use time::{Date, PrimitiveDateTime, Time};

use crate::{Ctx, Error, ErrorKind, Result};

/// Julian day of 2000-01-01, PostgreSQL's epoch.
pub(crate) const EPOCH_JULIAN: i64 = 2_451_545;
pub(crate) const USECS_PER_SEC: i64 = 1_000_000;
pub(crate) const USECS_PER_MINUTE: i64 = 60 * USECS_PER_SEC;
pub(crate) const USECS_PER_HOUR: i64 = 60 * USECS_PER_MINUTE;
pub(crate) const USECS_PER_DAY: i64 = 24 * USECS_PER_HOUR;
const NANOS_PER_DAY: i128 = USECS_PER_DAY as i128 * 1000;
/// First Julian day past PostgreSQL's dates: 5874898-01-01 (the first is
/// day 0, 4714-11-24 BC).
const DATE_END_JULIAN: i64 = 2_147_483_494;
/// First microsecond of PostgreSQL's timestamps: 4714-11-24 00:00:00 BC.
const MIN_TIMESTAMP: i64 = -EPOCH_JULIAN * USECS_PER_DAY;
/// First microsecond past PostgreSQL's timestamps: 294277-01-01 00:00:00.
const END_TIMESTAMP: i64 = (109_203_528 - EPOCH_JULIAN) * USECS_PER_DAY;

/// Reads a big-endian integer of exactly `N` bytes.
#[inline]
pub(crate) fn fixed<const N: usize>(ty: &Type, raw: &[u8]) -> Result<[u8; N]> {
    raw.try_into().map_err(|_| {
        Error::malformed(
            ty,
            format!(
                "{} bytes is not a binary {} (expected {N})",
                raw.len(),
                ty.name()
            ),
        )
    })
}

/// Year, month and day of a Julian day, proleptic Gregorian, year 0 being
/// 1 BC; for any day, even those `time` cannot represent.
pub(crate) fn civil(julian: i64) -> (i64, u8, u8) {
    // Days since 0000-03-01, so leap days fall at the end of each cycle.
    let z = julian - 1_721_120;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The Julian day of a proleptic Gregorian date (year 0 being 1 BC).
pub(crate) fn julian(year: i64, month: u8, day: u8) -> i64 {
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy + 1_721_120
}

/// Whether a year, month and day name a real day.
pub(crate) fn is_valid_date(year: i64, month: u8, day: u8) -> bool {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let last = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    (1..=last).contains(&day)
}

/// A date as PostgreSQL prints it, for messages.
fn describe(julian: i64) -> String {
    let (y, m, d) = civil(julian);
    if y > 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{:04}-{m:02}-{d:02} BC", 1 - y)
    }
}

/// The error for a value PostgreSQL has but `time` cannot hold.
pub(crate) fn beyond_time<T: ?Sized>(ty: &Type, julian: i64) -> Error {
    Error::out_of_range::<T>(
        ty,
        format!(
            "{} is outside the dates of the time crate ({} to {}); \
             its `large-dates` feature extends them to ±999999",
            describe(julian),
            describe(Date::MIN.to_julian_day().into()),
            describe(Date::MAX.to_julian_day().into()),
        ),
    )
}

/// Whether PostgreSQL's `date` has this Julian day.
#[inline]
pub(crate) fn is_pg_date(julian: i64) -> bool {
    (0..DATE_END_JULIAN).contains(&julian)
}

/// The error for a date outside PostgreSQL's range.
pub(crate) fn beyond_pg_date<T: ?Sized>(ty: &Type, julian: i64) -> Error {
    Error::out_of_range::<T>(
        ty,
        format!(
            "{} is outside PostgreSQL's dates (4714-11-24 BC to 5874897-12-31)",
            describe(julian)
        ),
    )
}

/// The date with this Julian day, if both PostgreSQL and `time` have it.
#[inline]
pub(crate) fn date_from_julian<T: ?Sized>(ty: &Type, julian: i64) -> Result<Date> {
    if !is_pg_date(julian) {
        return Err(beyond_pg_date::<T>(ty, julian));
    }
    i32::try_from(julian)
        .ok()
        .and_then(|j| Date::from_julian_day(j).ok())
        .ok_or_else(|| beyond_time::<T>(ty, julian))
}

/// The time of day `us` microseconds after midnight; `None` for 24:00:00
/// (which `time` lacks) and beyond.
#[inline]
pub(crate) fn time_from_micros(us: i64) -> Option<Time> {
    if !(0..USECS_PER_DAY).contains(&us) {
        return None;
    }
    let secs = us / USECS_PER_SEC;
    Time::from_hms_micro(
        (secs / 3600) as u8,
        (secs / 60 % 60) as u8,
        (secs % 60) as u8,
        (us % USECS_PER_SEC) as u32,
    )
    .ok()
}

/// The error for `24:00:00`, which PostgreSQL's `time` has and `time::Time` lacks.
pub(crate) fn end_of_day<T: ?Sized>(ty: &Type) -> Error {
    Error::out_of_range::<T>(
        ty,
        "24:00:00 has no time::Time (which ends at 23:59:59.999999999); \
         cast it in SQL if the next midnight will do",
    )
}

/// Nanoseconds since midnight.
#[inline]
pub(crate) fn time_nanos(t: Time) -> i128 {
    let (h, m, s, n) = t.as_hms_nano();
    (i128::from(h) * 3600 + i128::from(m) * 60 + i128::from(s)) * 1_000_000_000 + i128::from(n)
}

/// Nanoseconds from PostgreSQL's epoch to a wall-clock date and time.
#[inline]
pub(crate) fn local_nanos(dt: PrimitiveDateTime) -> i128 {
    let days = i128::from(dt.date().to_julian_day()) - i128::from(EPOCH_JULIAN);
    days * NANOS_PER_DAY + time_nanos(dt.time())
}

/// Microseconds from PostgreSQL's epoch to a wall-clock date and time
/// `offset_secs` east of UTC, when that is a whole number of microseconds
/// that fits in an `i64`: the fast path of `to_micros(local_nanos(..) -
/// offset)`. `None` (sub-microsecond nanoseconds, years beyond ±292 000)
/// leaves the value to that general path, which rounds or reports it.
#[inline]
pub(crate) fn exact_micros(date: Date, time: Time, offset_secs: i32) -> Option<i64> {
    let (h, m, s, ns) = time.as_hms_nano();
    if ns % 1000 != 0 {
        return None;
    }
    let days = i64::from(date.to_julian_day()) - EPOCH_JULIAN;
    // At most a day and a day's offset in seconds: no overflow.
    let secs = i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s) - i64::from(offset_secs);
    days.checked_mul(USECS_PER_DAY)?
        .checked_add(secs * USECS_PER_SEC + i64::from(ns / 1000))
}

/// Nanoseconds as PostgreSQL's microseconds: exact, or rounded half to even
/// when the policy allows lossy conversions.
#[inline]
pub(crate) fn to_micros<T: ?Sized>(ctx: &Ctx<'_>, nanos: i128) -> Result<i128> {
    let (us, rest) = (nanos.div_euclid(1000), nanos.rem_euclid(1000));
    if rest == 0 {
        Ok(us)
    } else if ctx.policy.lossy {
        Ok(if rest > 500 || (rest == 500 && us % 2 != 0) {
            us + 1
        } else {
            us
        })
    } else {
        Err(Error::new(
            ErrorKind::Lossy,
            format!(
                "PostgreSQL keeps microseconds: {rest} ns would be lost \
                 (allow lossy conversions in the policy to round half to even)"
            ),
        )
        .with_pg_type(ctx.ty)
        .with_rust_type::<T>())
    }
}

/// Whether PostgreSQL's timestamps have this microsecond.
#[inline]
pub(crate) fn is_pg_timestamp(us: i128) -> bool {
    (i128::from(MIN_TIMESTAMP)..i128::from(END_TIMESTAMP)).contains(&us)
}

/// Whether PostgreSQL's timestamps have this microsecond (`i64` form).
#[inline]
pub(crate) fn is_pg_timestamp_i64(us: i64) -> bool {
    (MIN_TIMESTAMP..END_TIMESTAMP).contains(&us)
}

/// A timestamp in PostgreSQL's microseconds, range-checked.
#[inline]
pub(crate) fn pg_timestamp<T: ?Sized>(ty: &Type, us: i128) -> Result<i64> {
    if is_pg_timestamp(us) {
        Ok(us as i64)
    } else {
        Err(Error::out_of_range::<T>(
            ty,
            "outside PostgreSQL's timestamps (4714-11-24 00:00:00 BC to 294276-12-31 23:59:59.999999 UTC)",
        ))
    }
}

/// The date and time `us` microseconds after PostgreSQL's epoch when both
/// PostgreSQL and `time` have it, else `None` (infinities, out of range):
/// the fast path of [`datetime_from_micros`], which reports the errors.
#[inline]
pub(crate) fn micros_to_datetime(us: i64) -> Option<PrimitiveDateTime> {
    if !is_pg_timestamp_i64(us) {
        return None;
    }
    let julian = i32::try_from(us.div_euclid(USECS_PER_DAY) + EPOCH_JULIAN).ok()?;
    let date = Date::from_julian_day(julian).ok()?;
    let time = time_from_micros(us.rem_euclid(USECS_PER_DAY))?;
    Some(PrimitiveDateTime::new(date, time))
}

/// The date and time `us` microseconds after PostgreSQL's epoch.
#[inline]
pub(crate) fn datetime_from_micros<T: ?Sized>(ty: &Type, us: i64) -> Result<PrimitiveDateTime> {
    pg_timestamp::<T>(ty, us.into())?;
    let date = date_from_julian::<T>(ty, us.div_euclid(USECS_PER_DAY) + EPOCH_JULIAN)?;
    let time = time_from_micros(us.rem_euclid(USECS_PER_DAY)).ok_or_else(|| end_of_day::<T>(ty))?;
    Ok(PrimitiveDateTime::new(date, time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ranges() {
        assert_eq!(civil(0), (-4713, 11, 24));
        assert_eq!(civil(DATE_END_JULIAN - 1), (5_874_897, 12, 31));
        assert_eq!(civil(EPOCH_JULIAN), (2000, 1, 1));
        assert_eq!(describe(0), "4714-11-24 BC");
        let end = END_TIMESTAMP / USECS_PER_DAY + EPOCH_JULIAN;
        assert_eq!(civil(end), (294_277, 1, 1));
        assert!(!is_pg_timestamp(END_TIMESTAMP.into()));
        assert!(is_pg_timestamp(MIN_TIMESTAMP.into()));
    }

    #[test]
    fn rounding_half_even() {
        let lossy = crate::Policy {
            lossy: true,
            ..crate::Policy::DEFAULT
        };
        let ctx = Ctx::binary(&Type::TIME).with_policy(&lossy);
        for (ns, us) in [
            (1500, 2),
            (2500, 2),
            (2501, 3),
            (-1500, -2),
            (-2500, -2),
            (999, 1),
        ] {
            assert_eq!(to_micros::<Time>(&ctx, ns).unwrap(), us, "{ns} ns");
        }
        let err = to_micros::<Time>(&Ctx::binary(&Type::TIME), 1).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Lossy);
    }

    proptest! {
        #[test]
        fn civil_matches_time(j in Date::MIN.to_julian_day()..=Date::MAX.to_julian_day()) {
            let (y, m, d) = Date::from_julian_day(j).unwrap().to_calendar_date();
            prop_assert_eq!(civil(j.into()), (i64::from(y), m as u8, d));
            prop_assert_eq!(julian(y.into(), m as u8, d), i64::from(j));
            prop_assert!(is_valid_date(y.into(), m as u8, d));
        }

        #[test]
        fn exact_micros_agrees(
            j in Date::MIN.to_julian_day()..=Date::MAX.to_julian_day(),
            ns in 0..USECS_PER_DAY * 1000,
            micro in any::<bool>(),
            east in -86_399..=86_399_i32,
        ) {
            let ns = if micro { ns / 1000 * 1000 } else { ns };
            let date = Date::from_julian_day(j).unwrap();
            let time = Time::MIDNIGHT + time::Duration::nanoseconds(ns);
            let nanos = local_nanos(PrimitiveDateTime::new(date, time)) - i128::from(east) * 1_000_000_000;
            let general = to_micros::<Time>(&Ctx::binary(&Type::TIMESTAMPTZ), nanos).ok();
            let fast = exact_micros(date, time, east);
            match fast {
                Some(us) => {
                    prop_assert_eq!(Some(i128::from(us)), general);
                    prop_assert_eq!(is_pg_timestamp_i64(us), is_pg_timestamp(us.into()));
                }
                // Left to the general path: rounding, or beyond i64 (and PostgreSQL).
                None => prop_assert!(
                    ns % 1000 != 0 || general.is_some_and(|us| !is_pg_timestamp(us))
                ),
            }
        }

        #[test]
        fn micros_to_datetime_agrees(us in any::<i64>(), near in -(1_i64 << 50)..(1 << 50)) {
            for us in [us, near] {
                let general = datetime_from_micros::<Time>(&Type::TIMESTAMP, us).ok();
                prop_assert_eq!(micros_to_datetime(us), general);
            }
        }

        #[test]
        fn julian_inverts_civil(j in -10_000_000_000_i64..10_000_000_000) {
            let (y, m, d) = civil(j);
            prop_assert_eq!(julian(y, m, d), j);
        }
    }
}
