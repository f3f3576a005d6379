#![no_main]
//! tsvector and tsquery. A query's text form does not keep the grouping of
//! runs of `&` or `|`, so text round trips are checked by the printed form:
//! printing, reading and printing again gives the same text.

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use pgcast_core::types::{TsQuery, TsVector};
use pgcast_core::{Ctx, Dump, Format, Load, Type};
use pgcast_fuzz::{round_trip, split};

fn query(format: Format, raw: &[u8]) {
    let ctx = Ctx::new(&Type::TSQUERY, format);
    let Ok(q) = TsQuery::load(&ctx, raw) else { return };
    let mut out = BytesMut::new();
    if q.dump(&ctx, &mut out).is_err() {
        return;
    }
    let again = TsQuery::load(&ctx, &out)
        .unwrap_or_else(|e| panic!("{q:?} dumped as {out:?} does not load back: {e}"));
    match format {
        Format::Binary => assert_eq!(again, q),
        Format::Text => assert_eq!(again.to_string(), q.to_string()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    match choice % 2 {
        0 => round_trip::<TsVector>(&Type::TS_VECTOR, format, raw),
        _ => query(format, raw),
    }
});
