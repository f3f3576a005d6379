#![no_main]
//! numeric (exact and Decimal), float4/float8, money, integers from numeric.

use libfuzzer_sys::fuzz_target;
use pgcast_core::types::{Decimal, Money, Numeric};
use pgcast_core::{Ctx, Format, Load, Type};
use pgcast_fuzz::{load_only, round_trip, split};

fuzz_target!(|data: &[u8]| {
    let Some((choice, format, raw)) = split(data) else { return };
    match choice % 8 {
        0 => round_trip::<Numeric>(&Type::NUMERIC, format, raw),
        1 => round_trip::<Decimal>(&Type::NUMERIC, format, raw),
        2 => round_trip::<Money>(&Type::MONEY, format, raw),
        3 => load_only::<i64>(&Type::NUMERIC, format, raw),
        4 => {
            // Floats: NaN != NaN, so compare bit patterns after a round trip.
            let ctx = Ctx::new(&Type::FLOAT8, format);
            if let Ok(v) = f64::load(&ctx, raw) {
                let mut out = bytes::BytesMut::new();
                pgcast_core::Dump::dump(&v, &ctx, &mut out).expect("a float always dumps");
                let back = f64::load(&ctx, &out).expect("a dumped float loads");
                assert!(back.to_bits() == v.to_bits() || (v.is_nan() && back.is_nan()));
            }
        }
        5 => load_only::<f32>(&Type::FLOAT4, format, raw),
        6 => {
            // A numeric that loads exactly must print as it parses.
            if let Ok(n) = Numeric::load(&Ctx::new(&Type::NUMERIC, Format::Binary), raw) {
                let text = n.to_string();
                let back: Numeric = text.parse().expect("Display output parses");
                assert_eq!(back.to_string(), text);
            }
        }
        _ => load_only::<f64>(&Type::NUMERIC, format, raw),
    }
});
