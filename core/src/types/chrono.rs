//! `chrono` 0.4 (feature `chrono`): `NaiveDate` as `date`, `NaiveTime` as
//! `time`, `NaiveDateTime` as `timestamp`, `DateTime<Utc>`,
//! `DateTime<FixedOffset>` and `DateTime<Local>` as `timestamptz`, and
//! `TimeDelta` as `interval` (exact spans only, as `time::Duration`).
//!
//! Values go through the `time` codecs, so both formats, microsecond
//! precision, range checks and ±infinity behave exactly as for `time`:
//! `infinity` is an error, an [`Infinite`](crate::types::Infinite) of the
//! type, or under [`InfinityPolicy::Saturate`](crate::InfinityPolicy) the
//! type's `MIN` / `MAX` (`NaiveDate::MIN`, `DateTime::<Utc>::MAX_UTC`, …),
//! both ways. A `DateTime<FixedOffset>` loads in the session's time zone,
//! as `OffsetDateTime` does.
//!
//! ```
//! use chrono::NaiveDate;
//! use pgcast_core::types::Infinite;
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let d = NaiveDate::load(&Ctx::text(&Type::DATE), b"2024-02-29").unwrap();
//! assert_eq!(d, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
//! let inf = Infinite::<NaiveDate>::load(&Ctx::text(&Type::DATE), b"infinity").unwrap();
//! assert_eq!(inf, Infinite::Infinity);
//! assert!(NaiveDate::load(&Ctx::text(&Type::DATE), b"infinity").is_err());
//! ```

use ::chrono::{
    DateTime, Datelike, FixedOffset, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta,
    Timelike, Utc,
};
use time::{Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::datetime::foreign::{foreign_endless, foreign_plain};

fn date_from_time(d: time::Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year(), u32::from(u8::from(d.month())), u32::from(d.day()))
}

fn date_to_time(d: &NaiveDate) -> Option<time::Date> {
    let month = Month::try_from(u8::try_from(d.month()).ok()?).ok()?;
    time::Date::from_calendar_date(d.year(), month, u8::try_from(d.day()).ok()?).ok()
}

fn time_from_time(t: time::Time) -> Option<NaiveTime> {
    NaiveTime::from_hms_nano_opt(
        u32::from(t.hour()),
        u32::from(t.minute()),
        u32::from(t.second()),
        t.nanosecond(),
    )
}

/// A leap second (`nanosecond() >= 1e9`) has no `time::Time`.
fn time_to_time(t: &NaiveTime) -> Option<time::Time> {
    time::Time::from_hms_nano(
        u8::try_from(t.hour()).ok()?,
        u8::try_from(t.minute()).ok()?,
        u8::try_from(t.second()).ok()?,
        t.nanosecond(),
    )
    .ok()
}

fn datetime_from_time(dt: PrimitiveDateTime) -> Option<NaiveDateTime> {
    Some(date_from_time(dt.date())?.and_time(time_from_time(dt.time())?))
}

fn datetime_to_time(dt: &NaiveDateTime) -> Option<PrimitiveDateTime> {
    Some(PrimitiveDateTime::new(
        date_to_time(&dt.date())?,
        time_to_time(&dt.time())?,
    ))
}

fn utc_from_time(dt: OffsetDateTime) -> Option<DateTime<Utc>> {
    let nanos = dt.unix_timestamp_nanos();
    let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).ok()?;
    let sub = u32::try_from(nanos.rem_euclid(1_000_000_000)).ok()?;
    DateTime::from_timestamp(secs, sub)
}

fn utc_to_time<Tz: ::chrono::TimeZone>(dt: &DateTime<Tz>) -> Option<OffsetDateTime> {
    let nanos =
        i128::from(dt.timestamp()) * 1_000_000_000 + i128::from(dt.timestamp_subsec_nanos());
    OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
}

fn fixed_from_time(dt: OffsetDateTime) -> Option<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(dt.offset().whole_seconds())?;
    Some(utc_from_time(dt)?.with_timezone(&offset))
}

fn fixed_to_time(dt: &DateTime<FixedOffset>) -> Option<OffsetDateTime> {
    let offset = UtcOffset::from_whole_seconds(dt.offset().local_minus_utc()).ok()?;
    Some(utc_to_time(dt)?.to_offset(offset))
}

foreign_endless!(NaiveDate, time::Date,
    low: NaiveDate::MIN, high: NaiveDate::MAX,
    from: |d| date_from_time(d), to: |d| date_to_time(d));

foreign_endless!(NaiveDateTime, PrimitiveDateTime,
    low: NaiveDateTime::MIN, high: NaiveDateTime::MAX,
    from: |dt| datetime_from_time(dt), to: |dt| datetime_to_time(dt));

foreign_endless!(DateTime<Utc>, OffsetDateTime,
    low: DateTime::<Utc>::MIN_UTC, high: DateTime::<Utc>::MAX_UTC,
    from: |dt| utc_from_time(dt), to: |dt| utc_to_time(dt));

foreign_endless!(DateTime<FixedOffset>, OffsetDateTime,
    low: DateTime::<Utc>::MIN_UTC.fixed_offset(), high: DateTime::<Utc>::MAX_UTC.fixed_offset(),
    from: |dt| fixed_from_time(dt), to: |dt| fixed_to_time(dt));

foreign_endless!(DateTime<Local>, OffsetDateTime,
    low: DateTime::<Utc>::MIN_UTC.with_timezone(&Local),
    high: DateTime::<Utc>::MAX_UTC.with_timezone(&Local),
    from: |dt| utc_from_time(dt).map(|v| v.with_timezone(&Local)), to: |dt| utc_to_time(dt));

foreign_plain!(NaiveTime, time::Time,
    from: |t| time_from_time(t), to: |t| time_to_time(t));

foreign_plain!(TimeDelta, time::Duration,
    from: |d| i64::try_from(d.whole_microseconds()).ok().map(TimeDelta::microseconds),
    to: |d| Some(time::Duration::new(d.num_seconds(), d.subsec_nanos())));

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use postgres_types::Type;

    use super::*;
    use crate::types::Infinite;
    use crate::{Ctx, Dump, ErrorKind, Format, InfinityPolicy, Load, Policy};

    fn round_trip<T>(ty: &Type, v: T, policy: &Policy) -> T
    where
        T: Dump + for<'a> Load<'a> + PartialEq + std::fmt::Debug,
    {
        let mut last = None;
        for fmt in [Format::Binary, Format::Text] {
            let ctx = Ctx::new(ty, fmt).with_policy(policy);
            let mut out = BytesMut::new();
            v.dump(&ctx, &mut out).unwrap();
            let back = T::load(&ctx, &out).unwrap();
            assert_eq!(back, v, "{fmt:?}");
            last = Some(back);
        }
        last.unwrap()
    }

    #[test]
    fn values_and_infinity() {
        let p = Policy::DEFAULT;
        let d = NaiveDate::from_ymd_opt(-44, 3, 15).unwrap();
        round_trip(&Type::DATE, d, &p);
        let t = NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap();
        round_trip(&Type::TIME, t, &p);
        let dt = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap().and_time(t);
        round_trip(&Type::TIMESTAMP, dt, &p);
        round_trip(&Type::TIMESTAMPTZ, dt.and_utc(), &p);
        let before_1970 = NaiveDate::from_ymd_opt(1969, 12, 31)
            .unwrap()
            .and_hms_micro_opt(23, 59, 59, 500_000)
            .unwrap();
        round_trip(&Type::TIMESTAMPTZ, before_1970.and_utc(), &p);
        round_trip(&Type::TIMESTAMPTZ, before_1970.and_utc().fixed_offset(), &p);
        round_trip(&Type::INTERVAL, TimeDelta::microseconds(-1_500_000), &p);

        let saturate = Policy {
            infinity: InfinityPolicy::Saturate,
            ..Policy::DEFAULT
        };
        round_trip(&Type::DATE, NaiveDate::MAX, &saturate);
        round_trip(&Type::TIMESTAMPTZ, DateTime::<Utc>::MIN_UTC, &saturate);
        let ctx = Ctx::text(&Type::DATE);
        assert_eq!(
            NaiveDate::load(&ctx, b"-infinity").unwrap_err().kind(),
            ErrorKind::Infinity
        );
        assert_eq!(
            NaiveDate::load(&ctx.with_policy(&saturate), b"-infinity").unwrap(),
            NaiveDate::MIN
        );
        let mut out = BytesMut::new();
        Infinite::<NaiveDate>::Infinity
            .dump(&ctx, &mut out)
            .unwrap();
        assert_eq!(&out[..], b"infinity");
        // beyond the time crate: an error, not a wrong date
        out.clear();
        assert_eq!(
            NaiveDate::MAX.dump(&ctx, &mut out).unwrap_err().kind(),
            ErrorKind::OutOfRange
        );
        // a leap second has no PostgreSQL time
        let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap();
        assert!(leap.dump(&Ctx::binary(&Type::TIME), &mut out).is_err());
    }
}
