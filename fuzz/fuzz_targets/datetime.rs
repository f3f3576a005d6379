#![no_main]
//! date, time, timetz, timestamp, timestamptz, interval, Infinite<T>.

use libfuzzer_sys::fuzz_target;
use pgcast_core::Type;
use pgcast_core::types::{Infinite, Interval, TimeTz};
use pgcast_fuzz::{round_trip, split};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    match choice % 9 {
        0 => round_trip::<Date>(&Type::DATE, format, raw),
        1 => round_trip::<Time>(&Type::TIME, format, raw),
        2 => round_trip::<TimeTz>(&Type::TIMETZ, format, raw),
        3 => round_trip::<PrimitiveDateTime>(&Type::TIMESTAMP, format, raw),
        4 => round_trip::<OffsetDateTime>(&Type::TIMESTAMPTZ, format, raw),
        5 => round_trip::<Interval>(&Type::INTERVAL, format, raw),
        6 => round_trip::<Infinite<Date>>(&Type::DATE, format, raw),
        7 => round_trip::<Infinite<OffsetDateTime>>(&Type::TIMESTAMPTZ, format, raw),
        _ => round_trip::<time::Duration>(&Type::INTERVAL, format, raw),
    }
});
