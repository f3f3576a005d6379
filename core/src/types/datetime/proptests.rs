//! Round trips of random values through both formats, and random bytes
//! thrown at every loader.

use bytes::BytesMut;
use postgres_types::Type;
use proptest::prelude::*;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::epoch::{USECS_PER_DAY, time_from_micros};
use super::{Infinite, Interval, TimeTz};
use crate::{Ctx, Dump, ErrorKind, Format, LoadOwned};

fn round_trip<T: Dump + LoadOwned + PartialEq + std::fmt::Debug>(
    v: &T,
    ty: &Type,
) -> Result<(), TestCaseError> {
    for fmt in [Format::Binary, Format::Text] {
        let ctx = Ctx::new(ty, fmt);
        let mut out = BytesMut::new();
        v.dump(&ctx, &mut out)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = T::load(&ctx, &out).map_err(|e| {
            TestCaseError::fail(format!("{e}: {:?}", String::from_utf8_lossy(&out)))
        })?;
        prop_assert_eq!(&back, v, "{:?} {:?}", fmt, String::from_utf8_lossy(&out));
    }
    Ok(())
}

/// Every date both PostgreSQL and time have: BC and AD.
fn dates() -> impl Strategy<Value = Date> {
    (0..=Date::MAX.to_julian_day()).prop_map(|j| Date::from_julian_day(j).unwrap())
}

/// February 29ths, BC and AD.
fn leap_days() -> impl Strategy<Value = Date> {
    (-1178..=2499_i32).prop_filter_map("not a leap year", |q| {
        Date::from_calendar_date(q * 4, time::Month::February, 29).ok()
    })
}

fn times() -> impl Strategy<Value = Time> {
    (0..USECS_PER_DAY).prop_map(|us| time_from_micros(us).unwrap())
}

fn offsets() -> impl Strategy<Value = UtcOffset> {
    (-57_599..=57_599).prop_map(|s| UtcOffset::from_whole_seconds(s).unwrap())
}

fn datetimes() -> impl Strategy<Value = PrimitiveDateTime> {
    (prop_oneof![dates(), leap_days()], times()).prop_map(|(d, t)| PrimitiveDateTime::new(d, t))
}

proptest! {
    #[test]
    fn date_round_trip(d in prop_oneof![dates(), leap_days()]) {
        round_trip(&d, &Type::DATE)?;
        round_trip(&Infinite::Finite(d), &Type::DATE)?;
    }

    #[test]
    fn time_round_trip(t in times(), offset in offsets()) {
        round_trip(&t, &Type::TIME)?;
        round_trip(&TimeTz::new(t, offset), &Type::TIMETZ)?;
    }

    #[test]
    fn timestamp_round_trip(dt in datetimes(), offset in offsets()) {
        round_trip(&dt, &Type::TIMESTAMP)?;
        let zoned = dt.assume_offset(offset);
        // Only instants whose UTC time is within both ranges.
        let utc = zoned.checked_to_offset(UtcOffset::UTC).filter(|u| u.date().to_julian_day() >= 0);
        if utc.is_some() {
            round_trip(&zoned, &Type::TIMESTAMPTZ)?;
            round_trip(&Infinite::<OffsetDateTime>::Finite(zoned), &Type::TIMESTAMPTZ)?;
        }
    }

    #[test]
    fn interval_round_trip(months: i32, days: i32, us: i64, small in -100_000_000_000_i64..100_000_000_000) {
        for v in [Interval::new(months, days, us), Interval::new(months % 50, days % 50, small)] {
            round_trip(&v, &Type::INTERVAL)?;
            prop_assert_eq!(v.to_string().parse::<Interval>().unwrap(), v);
            if v.months() == 0 {
                let d = Duration::try_from(v).unwrap();
                prop_assert_eq!(Interval::try_from(d).unwrap().microseconds(),
                    i64::from(v.days()) * USECS_PER_DAY + v.microseconds());
            }
        }
    }

    #[test]
    fn random_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..20)) {
        check_garbage(&raw)?;
    }

    #[test]
    fn random_text_never_panics(raw in "[-+0-9:. @PTYMDHSBCagoinfty]{0,40}") {
        check_garbage(raw.as_bytes())?;
    }
}

/// Loads `raw` as every type in both formats: a value or a typed error.
fn check_garbage(raw: &[u8]) -> Result<(), TestCaseError> {
    fn one<T: LoadOwned>(ty: &Type, raw: &[u8]) -> Result<(), TestCaseError> {
        for fmt in [Format::Binary, Format::Text] {
            if let Err(e) = T::load(&Ctx::new(ty, fmt), raw) {
                prop_assert!(e.kind() != ErrorKind::WrongType, "{e}");
            }
        }
        Ok(())
    }
    one::<Date>(&Type::DATE, raw)?;
    one::<Infinite<Date>>(&Type::DATE, raw)?;
    one::<Time>(&Type::TIME, raw)?;
    one::<TimeTz>(&Type::TIMETZ, raw)?;
    one::<PrimitiveDateTime>(&Type::TIMESTAMP, raw)?;
    one::<OffsetDateTime>(&Type::TIMESTAMPTZ, raw)?;
    one::<Interval>(&Type::INTERVAL, raw)?;
    one::<Duration>(&Type::INTERVAL, raw)
}
