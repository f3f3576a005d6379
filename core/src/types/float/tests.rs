use super::*;
use proptest::prelude::*;

fn text_f64(v: f64) -> String {
    let mut out = BytesMut::new();
    v.dump(&Ctx::text(&Type::FLOAT8), &mut out).unwrap();
    String::from_utf8(out.to_vec()).unwrap()
}

fn text_f32(v: f32) -> String {
    let mut out = BytesMut::new();
    v.dump(&Ctx::text(&Type::FLOAT4), &mut out).unwrap();
    String::from_utf8(out.to_vec()).unwrap()
}

#[test]
fn text_as_the_server_prints_it() {
    // Measured on PostgreSQL 15 with the default extra_float_digits.
    for (v, printed) in [
        (1e15, "1e+15"),
        (123456789012345.0, "123456789012345"),
        (1e14, "100000000000000"),
        (1e-4, "0.0001"),
        (1e-5, "1e-05"),
        (0.00012345, "0.00012345"),
        (-0.0, "-0"),
        (0.0, "0"),
        (f64::NAN, "NaN"),
        (f64::NEG_INFINITY, "-Infinity"),
        (f64::INFINITY, "Infinity"),
        (1e100, "1e+100"),
        (1.5, "1.5"),
        (5e-324, "5e-324"),
        (f64::MAX, "1.7976931348623157e+308"),
        (-1.25e-7, "-1.25e-07"),
    ] {
        assert_eq!(text_f64(v), printed);
        let back = f64::load(&Ctx::text(&Type::FLOAT8), printed.as_bytes()).unwrap();
        assert_eq!(back.to_bits(), v.to_bits(), "{printed}");
    }
    for (v, printed) in [
        (1e6_f32, "1e+06"),
        (123456.0, "123456"),
        (1e-5, "1e-05"),
        (1.1, "1.1"),
        (16777216.0, "1.6777216e+07"),
        (f32::MAX, "3.4028235e+38"),
        (1e-45, "1e-45"),
    ] {
        assert_eq!(text_f32(v), printed);
        let back = f32::load(&Ctx::text(&Type::FLOAT4), printed.as_bytes()).unwrap();
        assert_eq!(back.to_bits(), v.to_bits(), "{printed}");
    }
}

#[test]
fn text_input_forms() {
    let ctx = Ctx::text(&Type::FLOAT8);
    for (input, v) in [
        (" 1.5 ", 1.5),
        ("+1", 1.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1E3", 1000.0),
        ("-inf", f64::NEG_INFINITY),
        ("INFINITY", f64::INFINITY),
    ] {
        assert_eq!(f64::load(&ctx, input.as_bytes()).unwrap(), v, "{input}");
    }
    assert!(f64::load(&ctx, b"nan").unwrap().is_nan());
    for bad in ["", "abc", "1.5x", "0x10", "--1", "1e", "e1", "-nan "] {
        assert_eq!(
            f64::load(&ctx, bad.as_bytes()).unwrap_err().kind(),
            ErrorKind::Malformed,
            "{bad:?}"
        );
    }
    for out_of_range in ["1e400", "-1e400", "1e-400"] {
        assert_eq!(
            f64::load(&ctx, out_of_range.as_bytes()).unwrap_err().kind(),
            ErrorKind::OutOfRange
        );
    }
    assert_eq!(
        f32::load(&Ctx::text(&Type::FLOAT4), b"1e39")
            .unwrap_err()
            .kind(),
        ErrorKind::OutOfRange
    );
}

#[test]
fn widening_and_narrowing_loads() {
    let f4 = Ctx::binary(&Type::FLOAT4);
    assert_eq!(
        f64::load(&f4, &1.1_f32.to_be_bytes()).unwrap(),
        f64::from(1.1_f32)
    );
    assert_eq!(
        f64::load(&Ctx::text(&Type::FLOAT4), b"1.1").unwrap(),
        f64::from(1.1_f32)
    );
    assert_eq!(
        f64::load(&Ctx::binary(&Type::INT4), &i32::MIN.to_be_bytes()).unwrap(),
        -2147483648.0
    );

    let i8c = Ctx::binary(&Type::INT8);
    assert_eq!(
        f64::load(&i8c, &(1_i64 << 53).to_be_bytes()).unwrap(),
        9007199254740992.0
    );
    let err = f64::load(&i8c, &((1_i64 << 53) + 1).to_be_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Lossy);
    let lossy = Policy {
        lossy: true,
        ..Policy::DEFAULT
    };
    assert!(f64::load(&i8c.with_policy(&lossy), &i64::MAX.to_be_bytes()).is_ok());

    let f8 = Ctx::binary(&Type::FLOAT8);
    assert_eq!(f32::load(&f8, &1.5_f64.to_be_bytes()).unwrap(), 1.5);
    assert!(f32::load(&f8, &f64::NAN.to_be_bytes()).unwrap().is_nan());
    assert_eq!(
        f32::load(&f8, &f64::NEG_INFINITY.to_be_bytes()).unwrap(),
        f32::NEG_INFINITY
    );
    assert_eq!(
        f32::load(&f8, &0.1_f64.to_be_bytes()).unwrap_err().kind(),
        ErrorKind::Lossy
    );
    assert_eq!(
        f32::load(&f8.with_policy(&lossy), &0.1_f64.to_be_bytes()).unwrap(),
        0.1_f32
    );
    let err = f32::load(&f8.with_policy(&lossy), &1e300_f64.to_be_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutOfRange);
    assert_eq!(
        f32::load(&Ctx::binary(&Type::INT4), &16_777_217_i32.to_be_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::Lossy
    );

    for bad in [&[0u8; 4][..], &[0; 9], &[]] {
        assert!(f64::load(&f8, bad).is_err());
    }
    assert!(f32::load(&f4, &[0; 8]).is_err());
    assert!(f64::load(&Ctx::binary(&Type::TEXT), b"1").is_err());
}

#[test]
fn numeric_needs_a_policy() {
    let raw = b"0.1";
    let strict = Ctx::text(&Type::NUMERIC);
    for err in [
        f64::check(&strict).unwrap_err(),
        f64::load(&strict, raw).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Lossy);
        assert!(err.to_string().contains("NumericPolicy::Float"), "{err}");
        assert!(err.to_string().contains("lossy"), "{err}");
    }
    assert_eq!(
        f32::load(&strict, raw).unwrap_err().kind(),
        ErrorKind::Lossy
    );
    let float = Policy {
        numeric: crate::NumericPolicy::Float,
        ..Policy::DEFAULT
    };
    let lossy = Policy {
        lossy: true,
        ..Policy::DEFAULT
    };
    for policy in [&float, &lossy] {
        let ctx = strict.with_policy(policy);
        f64::check(&ctx).unwrap();
        assert_eq!(f64::load(&ctx, raw).unwrap(), 0.1);
        assert_eq!(f32::load(&ctx, raw).unwrap(), 0.1);
        assert!(f64::load(&ctx, b"NaN").unwrap().is_nan());
        assert_eq!(f64::load(&ctx, b"-Infinity").unwrap(), f64::NEG_INFINITY);
        assert_eq!(
            f64::load(&ctx, b"1e400").unwrap_err().kind(),
            ErrorKind::OutOfRange
        );
        let mut bin = BytesMut::new();
        Numeric::from(2.5)
            .dump(&Ctx::binary(&Type::NUMERIC), &mut bin)
            .unwrap();
        assert_eq!(
            f64::load(&Ctx::binary(&Type::NUMERIC).with_policy(policy), &bin).unwrap(),
            2.5
        );
    }
}

#[test]
fn dumps() {
    let mut out = BytesMut::new();
    assert_eq!(1.5_f64.pg_type(&Policy::DEFAULT), Type::FLOAT8);
    1.5_f64.dump(&Ctx::binary(&Type::FLOAT4), &mut out).unwrap();
    assert_eq!(&out[..], &1.5_f32.to_be_bytes());
    assert_eq!(
        0.1_f64
            .dump(&Ctx::binary(&Type::FLOAT4), &mut out)
            .unwrap_err()
            .kind(),
        ErrorKind::Lossy
    );
    assert_eq!(
        1e300_f64
            .dump(&Ctx::text(&Type::FLOAT4), &mut out)
            .unwrap_err()
            .kind(),
        ErrorKind::OutOfRange
    );
    out.clear();
    1.1_f32.dump(&Ctx::text(&Type::FLOAT8), &mut out).unwrap();
    assert_eq!(&out[..], b"1.100000023841858");
    out.clear();
    1e-5_f64.dump(&Ctx::text(&Type::NUMERIC), &mut out).unwrap();
    assert_eq!(&out[..], b"1e-05");
    out.clear();
    f64::NEG_INFINITY
        .dump(&Ctx::binary(&Type::NUMERIC), &mut out)
        .unwrap();
    assert_eq!(
        Numeric::load(&Ctx::binary(&Type::NUMERIC), &out).unwrap(),
        Numeric::NEG_INFINITY
    );
    assert!(1.0_f64.dump(&Ctx::binary(&Type::INT8), &mut out).is_err());
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

proptest! {
    #[test]
    fn f64_round_trips(bits in any::<u64>()) {
        let v = f64::from_bits(bits);
        for format in [Format::Binary, Format::Text] {
            let ctx = Ctx::new(&Type::FLOAT8, format);
            let mut out = BytesMut::new();
            v.dump(&ctx, &mut out).unwrap();
            prop_assert!(same(f64::load(&ctx, &out).unwrap(), v));
            // Through numeric (with the policy that allows reading it back).
            let policy = Policy { numeric: crate::NumericPolicy::Float, ..Policy::DEFAULT };
            let ctx = Ctx::new(&Type::NUMERIC, format).with_policy(&policy);
            out.clear();
            v.dump(&ctx, &mut out).unwrap();
            let back = f64::load(&ctx, &out).unwrap();
            prop_assert!(same(back, v) || (v == 0.0 && back == 0.0));
        }
    }

    #[test]
    fn f32_round_trips(bits in any::<u32>()) {
        let v = f32::from_bits(bits);
        for format in [Format::Binary, Format::Text] {
            for ty in [Type::FLOAT4, Type::FLOAT8] {
                let ctx = Ctx::new(&ty, format);
                let mut out = BytesMut::new();
                v.dump(&ctx, &mut out).unwrap();
                let back = f32::load(&ctx, &out).unwrap();
                prop_assert!(back.to_bits() == v.to_bits() || (v.is_nan() && back.is_nan()));
            }
        }
    }

    #[test]
    fn subnormals(mantissa in 1u64..(1 << 52), negative in any::<bool>()) {
        let v = f64::from_bits(mantissa | if negative { 1 << 63 } else { 0 });
        prop_assert!(v.is_subnormal());
        let s = text_f64(v);
        prop_assert!(same(f64::load(&Ctx::text(&Type::FLOAT8), s.as_bytes()).unwrap(), v));
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..24)) {
        let lossy = Policy { lossy: true, ..Policy::DEFAULT };
        for ty in [Type::FLOAT4, Type::FLOAT8, Type::NUMERIC, Type::INT8] {
            for format in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&ty, format).with_policy(&lossy);
                let _ = f64::load(&ctx, &bytes);
                let _ = f32::load(&ctx, &bytes);
            }
        }
    }
}
