#![no_main]
//! Arrays: n-dimensional, NULL elements, lower bounds, both formats.

use libfuzzer_sys::fuzz_target;
use pgcast_core::Type;
use pgcast_core::types::Array;
use pgcast_fuzz::{round_trip, split};

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    match choice % 5 {
        0 => round_trip::<Vec<Option<i32>>>(&Type::INT4_ARRAY, format, raw),
        1 => round_trip::<Array<Option<i32>>>(&Type::INT4_ARRAY, format, raw),
        2 => round_trip::<Array<Option<String>>>(&Type::TEXT_ARRAY, format, raw),
        3 => round_trip::<Array<Option<Vec<u8>>>>(&Type::BYTEA_ARRAY, format, raw),
        _ => round_trip::<Vec<String>>(&Type::VARCHAR_ARRAY, format, raw),
    }
});
