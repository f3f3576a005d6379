#![no_main]
//! Integers, bool, the text family and bytea.

use libfuzzer_sys::fuzz_target;
use pgcast_core::Type;
use pgcast_fuzz::{round_trip, split};

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    match choice % 12 {
        0 => round_trip::<i16>(&Type::INT2, format, raw),
        1 => round_trip::<i32>(&Type::INT4, format, raw),
        2 => round_trip::<i64>(&Type::INT8, format, raw),
        3 => round_trip::<u32>(&Type::OID, format, raw),
        4 => round_trip::<i8>(&Type::CHAR, format, raw),
        5 => round_trip::<i64>(&Type::INT2, format, raw),
        6 => round_trip::<bool>(&Type::BOOL, format, raw),
        7 => round_trip::<String>(&Type::TEXT, format, raw),
        8 => round_trip::<String>(&Type::BPCHAR, format, raw),
        9 => round_trip::<char>(&Type::BPCHAR, format, raw),
        10 => round_trip::<Vec<u8>>(&Type::BYTEA, format, raw),
        _ => round_trip::<i16>(&Type::INT8, format, raw),
    }
});
