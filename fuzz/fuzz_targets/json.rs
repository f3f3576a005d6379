#![no_main]
//! json and jsonb.

use libfuzzer_sys::fuzz_target;
use pgcast_core::Type;
use pgcast_core::types::RawJsonBuf;
use pgcast_fuzz::{load_only, round_trip, split};

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    let ty = if choice & 1 == 0 { Type::JSON } else { Type::JSONB };
    match (choice >> 1) % 3 {
        0 => round_trip::<serde_json::Value>(&ty, format, raw),
        1 => round_trip::<RawJsonBuf>(&ty, format, raw),
        _ => load_only::<pgcast_core::types::Json<Vec<(String, Option<f64>)>>>(&ty, format, raw),
    }
});
