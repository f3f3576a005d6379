#![no_main]
//! inet, cidr, macaddr, macaddr8, uuid.

use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use pgcast_core::Type;
use pgcast_core::types::{Inet, MacAddr, MacAddr8};
use pgcast_fuzz::{round_trip, split};

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    match choice % 6 {
        0 => round_trip::<Inet>(&Type::INET, format, raw),
        1 => round_trip::<Inet>(&Type::CIDR, format, raw),
        2 => round_trip::<IpAddr>(&Type::INET, format, raw),
        3 => round_trip::<MacAddr>(&Type::MACADDR, format, raw),
        4 => round_trip::<MacAddr8>(&Type::MACADDR8, format, raw),
        _ => round_trip::<uuid::Uuid>(&Type::UUID, format, raw),
    }
});
