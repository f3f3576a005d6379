#![no_main]
//! The dynamic Value: every built-in type by OID, both formats.

use libfuzzer_sys::fuzz_target;
use pgcast_core::{Adapters, Ctx, Type};
use pgcast_fuzz::split;

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    let (&oid_byte, raw) = raw.split_first().map_or((&0, raw), |(a, b)| (a, b));
    // Walk the built-in OIDs below 4096 that postgres-types knows.
    let oid = u32::from(choice) << 5 | u32::from(oid_byte & 0x1f);
    let Some(ty) = Type::from_oid(oid) else { return };
    let loader = Adapters::global().value_loader(&ty);
    let _ = loader.load(&Ctx::new(&ty, format), Some(raw));
});
