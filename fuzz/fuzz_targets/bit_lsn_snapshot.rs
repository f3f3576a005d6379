#![no_main]
//! bit / varbit, pg_lsn, pg_snapshot / txid_snapshot, void.

use libfuzzer_sys::fuzz_target;
use pgcast_core::Type;
use pgcast_core::types::{BitString, PgLsn, Snapshot};
use pgcast_fuzz::{round_trip, split};

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    match choice % 6 {
        0 => round_trip::<BitString>(&Type::BIT, format, raw),
        1 => round_trip::<BitString>(&Type::VARBIT, format, raw),
        2 => round_trip::<bit_vec::BitVec>(&Type::VARBIT, format, raw),
        3 => round_trip::<PgLsn>(&Type::PG_LSN, format, raw),
        4 => round_trip::<Snapshot>(&Type::PG_SNAPSHOT, format, raw),
        _ => round_trip::<()>(&Type::VOID, format, raw),
    }
});
