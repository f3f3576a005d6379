#![no_main]
//! point, line, lseg, box, path, polygon, circle (and the geo-types
//! conversions). Coordinates may be NaN, so values compare by their
//! `Debug` text.

use std::fmt::Debug;

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use pgcast_core::types::{Circle, GeoBox, Line, LineSegment, Path, Point, Polygon};
use pgcast_core::{Ctx, Dump, Format, LoadOwned, Type};
use pgcast_fuzz::split;

fn round_trip<T: LoadOwned + Dump + Debug>(ty: &Type, format: Format, raw: &[u8]) {
    let ctx = Ctx::new(ty, format);
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
    match choice % 9 {
        0 => round_trip::<Point>(&Type::POINT, format, raw),
        1 => round_trip::<Line>(&Type::LINE, format, raw),
        2 => round_trip::<LineSegment>(&Type::LSEG, format, raw),
        3 => round_trip::<GeoBox>(&Type::BOX, format, raw),
        4 => round_trip::<Path>(&Type::PATH, format, raw),
        5 => round_trip::<Polygon>(&Type::POLYGON, format, raw),
        6 => round_trip::<Circle>(&Type::CIRCLE, format, raw),
        7 => round_trip::<geo_types::LineString<f64>>(&Type::PATH, format, raw),
        _ => round_trip::<geo_types::Polygon<f64>>(&Type::POLYGON, format, raw),
    }
});
