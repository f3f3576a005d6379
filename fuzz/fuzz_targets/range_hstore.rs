#![no_main]
//! Ranges, multiranges, hstore, ltree.

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use pgcast_core::types::{Ltree, Multirange, Range};
use pgcast_core::{Kind, Type};
use pgcast_fuzz::{round_trip, split};

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    let hstore = Type::new("hstore".into(), 90_001, Kind::Simple, "public".into());
    let ltree = Type::new("ltree".into(), 90_002, Kind::Simple, "public".into());
    match choice % 6 {
        0 => round_trip::<Range<i32>>(&Type::INT4_RANGE, format, raw),
        1 => round_trip::<Range<i64>>(&Type::INT8_RANGE, format, raw),
        2 => round_trip::<Multirange<i32>>(&Type::INT4MULTI_RANGE, format, raw),
        3 => round_trip::<Range<String>>(&Type::new("textrange".into(), 90_003, Kind::Range(Type::TEXT), "public".into()), format, raw),
        4 => round_trip::<BTreeMap<String, Option<String>>>(&hstore, format, raw),
        _ => round_trip::<Ltree>(&ltree, format, raw),
    }
});
