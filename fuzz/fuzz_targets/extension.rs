#![no_main]
//! Extension types found by name: cube, ltxtquery, pgvector's vector,
//! halfvec and sparsevec, PostGIS geometry (EWKB). Values may hold NaN, so
//! they compare by their `Debug` text.

use std::fmt::Debug;

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use pgcast_core::types::{Cube, HalfVector, Ltxtquery, PostgisGeometry, SparseVector, Vector};
use pgcast_core::{Ctx, Dump, Format, Kind, LoadOwned, Type};
use pgcast_fuzz::split;

fn round_trip<T: LoadOwned + Dump + Debug>(name: &str, format: Format, raw: &[u8]) {
    let ty = Type::new(name.into(), 90_000, Kind::Simple, "public".into());
    let ctx = Ctx::new(&ty, format);
    let Ok(value) = T::load(&ctx, raw) else { return };
    let mut out = BytesMut::new();
    if value.dump(&ctx, &mut out).is_ok() {
        let again = T::load(&ctx, &out)
            .unwrap_or_else(|e| panic!("{value:?} dumped as {out:?} does not load back: {e}"));
        assert_eq!(format!("{again:?}"), format!("{value:?}"), "dumped as {out:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    match choice % 6 {
        0 => round_trip::<Cube>("cube", format, raw),
        1 => round_trip::<Ltxtquery>("ltxtquery", format, raw),
        2 => round_trip::<Vector>("vector", format, raw),
        3 => round_trip::<HalfVector>("halfvec", format, raw),
        4 => round_trip::<SparseVector>("sparsevec", format, raw),
        _ => round_trip::<PostgisGeometry>("geometry", format, raw),
    }
});
