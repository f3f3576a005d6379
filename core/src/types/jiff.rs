//! `jiff` 0.2 (feature `jiff`): `civil::Date` as `date`, `civil::Time` as
//! `time`, `civil::DateTime` as `timestamp`, `Timestamp` as `timestamptz`,
//! and `Span` as `interval`.
//!
//! Dates and times go through the `time` codecs, so both formats,
//! microsecond precision, range checks and ±infinity behave exactly as for
//! `time`: `infinity` is an error, an [`Infinite`](crate::types::Infinite)
//! of the type, or under
//! [`InfinityPolicy::Saturate`](crate::InfinityPolicy) the type's `MIN` /
//! `MAX`, both ways.
//!
//! A `Span` maps field by field, as an interval keeps its fields apart:
//! years and months to months, weeks and days to days, hours down to
//! microseconds to microseconds. Loading gives months, days and
//! microseconds (a `Span` checks each against its own limits, an error when
//! over; a `Span` has one sign, so an interval whose fields have different
//! signs, `1 mon -3 days`, is an error naming [`Interval`]); dumping a span with nanoseconds that are not whole microseconds is
//! a [`Lossy`](crate::ErrorKind::Lossy) error.
//!
//! ```
//! use jiff::civil::date;
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let d = jiff::civil::Date::load(&Ctx::text(&Type::DATE), b"2024-02-29").unwrap();
//! assert_eq!(d, date(2024, 2, 29));
//! let span = jiff::Span::load(&Ctx::text(&Type::INTERVAL), b"1 year 2 mons 3 days 04:05:06").unwrap();
//! assert_eq!((span.get_months(), span.get_days()), (14, 3));
//! // one sign per span: mixed signs say what to load instead
//! let mixed = jiff::Span::load(&Ctx::text(&Type::INTERVAL), b"1 mon -3 days");
//! assert!(mixed.unwrap_err().to_string().contains("load Interval"));
//! ```

use ::jiff::civil::{Date, DateTime, Time};
use ::jiff::{Span, Timestamp};
use bytes::BytesMut;
use postgres_types::Type;
use time::{Month, OffsetDateTime, PrimitiveDateTime};

use super::datetime::foreign::{foreign_endless, foreign_plain};
use crate::types::Interval;
use crate::{Ctx, Dump, Error, ErrorKind, IsNull, Load, Policy, Result, StaticType};

fn date_from_time(d: time::Date) -> Option<Date> {
    Date::new(
        i16::try_from(d.year()).ok()?,
        i8::try_from(u8::from(d.month())).ok()?,
        i8::try_from(d.day()).ok()?,
    )
    .ok()
}

fn date_to_time(d: &Date) -> Option<time::Date> {
    let month = Month::try_from(u8::try_from(d.month()).ok()?).ok()?;
    time::Date::from_calendar_date(i32::from(d.year()), month, u8::try_from(d.day()).ok()?).ok()
}

fn time_from_time(t: time::Time) -> Option<Time> {
    Time::new(
        i8::try_from(t.hour()).ok()?,
        i8::try_from(t.minute()).ok()?,
        i8::try_from(t.second()).ok()?,
        i32::try_from(t.nanosecond()).ok()?,
    )
    .ok()
}

fn time_to_time(t: &Time) -> Option<time::Time> {
    time::Time::from_hms_nano(
        u8::try_from(t.hour()).ok()?,
        u8::try_from(t.minute()).ok()?,
        u8::try_from(t.second()).ok()?,
        u32::try_from(t.subsec_nanosecond()).ok()?,
    )
    .ok()
}

fn datetime_from_time(dt: PrimitiveDateTime) -> Option<DateTime> {
    Some(date_from_time(dt.date())?.to_datetime(time_from_time(dt.time())?))
}

fn datetime_to_time(dt: &DateTime) -> Option<PrimitiveDateTime> {
    Some(PrimitiveDateTime::new(
        date_to_time(&dt.date())?,
        time_to_time(&dt.time())?,
    ))
}

fn timestamp_from_time(dt: OffsetDateTime) -> Option<Timestamp> {
    Timestamp::from_nanosecond(dt.unix_timestamp_nanos()).ok()
}

fn timestamp_to_time(ts: &Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(ts.as_nanosecond()).ok()
}

foreign_endless!(Date, time::Date,
    low: Date::MIN, high: Date::MAX,
    from: |d| date_from_time(d), to: |d| date_to_time(d));

foreign_endless!(DateTime, PrimitiveDateTime,
    low: DateTime::MIN, high: DateTime::MAX,
    from: |dt| datetime_from_time(dt), to: |dt| datetime_to_time(dt));

foreign_endless!(Timestamp, OffsetDateTime,
    low: Timestamp::MIN, high: Timestamp::MAX,
    from: |dt| timestamp_from_time(dt), to: |dt| timestamp_to_time(dt));

foreign_plain!(Time, time::Time,
    from: |t| time_from_time(t), to: |t| time_to_time(t));

/// A span has one sign for all its fields, an interval one per field:
/// mixed signs are refused (load [`Interval`] for those).
fn span_from_interval(v: Interval) -> std::result::Result<Span, String> {
    let fields = [i64::from(v.months()), i64::from(v.days()), v.microseconds()];
    let negative = fields.iter().any(|f| *f < 0);
    if negative && fields.iter().any(|f| *f > 0) {
        return Err("its fields have different signs, a Span has one; load Interval".into());
    }
    let abs = |f: i64| {
        f.checked_abs()
            .ok_or_else(|| "a field is out of range".to_owned())
    };
    let (months, days, micros) = (abs(fields[0])?, abs(fields[1])?, abs(fields[2])?);
    let span = Span::new()
        .try_months(months)
        .and_then(|s| s.try_days(days))
        .and_then(|s| s.try_microseconds(micros))
        .map_err(|e| e.to_string())?;
    Ok(if negative { span.negate() } else { span })
}

fn span_to_interval<T: ?Sized>(ctx: &Ctx<'_>, s: &Span) -> Result<Interval> {
    let range = || Error::out_of_range::<T>(ctx.ty, format!("{s} does not fit an interval"));
    let months = i64::from(s.get_years()) * 12 + i64::from(s.get_months());
    let days = i64::from(s.get_weeks()) * 7 + i64::from(s.get_days());
    let nanos = i128::from(s.get_hours()) * 3_600_000_000_000
        + i128::from(s.get_minutes()) * 60_000_000_000
        + i128::from(s.get_seconds()) * 1_000_000_000
        + i128::from(s.get_milliseconds()) * 1_000_000
        + i128::from(s.get_microseconds()) * 1_000
        + i128::from(s.get_nanoseconds());
    if nanos % 1000 != 0 {
        return Err(Error::new(
            ErrorKind::Lossy,
            format!("{s} has nanoseconds; an interval keeps whole microseconds"),
        )
        .with_pg_type(ctx.ty)
        .with_rust_type::<T>());
    }
    Ok(Interval::new(
        i32::try_from(months).map_err(|_| range())?,
        i32::try_from(days).map_err(|_| range())?,
        i64::try_from(nanos / 1000).map_err(|_| range())?,
    ))
}

impl Load<'_> for Span {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        <Interval as Load>::check(ctx).map_err(|_| Error::wrong_type::<Span>(ctx.ty))
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Span> {
        let v = Interval::load(ctx, raw)?;
        span_from_interval(v).map_err(|e| {
            Error::out_of_range::<Span>(ctx.ty, format!("{v} does not fit a jiff::Span: {e}"))
        })
    }
}

impl Dump for Span {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::INTERVAL
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        span_to_interval::<Span>(ctx, self)?.dump(ctx, out)
    }
}

impl StaticType for Span {
    fn static_type(_: &Policy) -> Type {
        Type::INTERVAL
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Infinite;
    use crate::{Format, InfinityPolicy};
    use ::jiff::civil::date;

    fn round_trip<T>(ty: &Type, v: T, policy: &Policy)
    where
        T: Dump + for<'a> Load<'a> + PartialEq + std::fmt::Debug,
    {
        for fmt in [Format::Binary, Format::Text] {
            let ctx = Ctx::new(ty, fmt).with_policy(policy);
            let mut out = BytesMut::new();
            v.dump(&ctx, &mut out).unwrap();
            assert_eq!(T::load(&ctx, &out).unwrap(), v, "{fmt:?}");
        }
    }

    #[test]
    fn values_and_infinity() {
        let p = Policy::DEFAULT;
        round_trip(&Type::DATE, date(-44, 3, 15), &p);
        let t = Time::new(23, 59, 59, 999_999_000).unwrap();
        round_trip(&Type::TIME, t, &p);
        round_trip(&Type::TIMESTAMP, date(2024, 2, 29).to_datetime(t), &p);
        let ts: Timestamp = "1969-12-31T23:59:59.5Z".parse().unwrap();
        round_trip(&Type::TIMESTAMPTZ, ts, &p);
        let saturate = Policy {
            infinity: InfinityPolicy::Saturate,
            ..Policy::DEFAULT
        };
        round_trip(&Type::TIMESTAMPTZ, Timestamp::MAX, &saturate);
        round_trip(&Type::DATE, Date::MIN, &saturate);
        assert_eq!(
            Date::load(&Ctx::text(&Type::DATE), b"infinity")
                .unwrap_err()
                .kind(),
            ErrorKind::Infinity
        );
        assert_eq!(
            Infinite::<Timestamp>::load(&Ctx::text(&Type::TIMESTAMPTZ), b"-infinity").unwrap(),
            Infinite::NegInfinity
        );
        // spans: field by field; sub-microsecond parts refused
        let span = Span::new()
            .years(1)
            .months(2)
            .weeks(1)
            .days(3)
            .hours(4)
            .microseconds(5);
        let ctx = Ctx::text(&Type::INTERVAL);
        let mut out = BytesMut::new();
        span.dump(&ctx, &mut out).unwrap();
        assert_eq!(&out[..], b"1 year 2 mons 10 days 04:00:00.000005");
        let back = Span::load(&ctx, &out).unwrap();
        assert_eq!(
            (back.get_months(), back.get_days(), back.get_microseconds()),
            (14, 10, 14_400_000_005)
        );
        let back = Span::load(&ctx, b"-1 mons -2 days -00:00:01").unwrap();
        assert_eq!(
            (back.get_months(), back.get_days(), back.get_microseconds()),
            (-1, -2, -1_000_000)
        );
        assert_eq!(
            Span::load(&ctx, b"1 mon -2 days").unwrap_err().kind(),
            ErrorKind::OutOfRange
        );
        assert_eq!(
            Span::new()
                .nanoseconds(1)
                .dump(&ctx, &mut out)
                .unwrap_err()
                .kind(),
            ErrorKind::Lossy
        );
    }
}
