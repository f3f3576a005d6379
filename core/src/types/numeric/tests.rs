use super::*;
use proptest::prelude::*;

fn n(s: &str) -> Numeric {
    s.parse().unwrap()
}

fn binary(v: &Numeric) -> Vec<u8> {
    let mut out = BytesMut::new();
    v.dump(&Ctx::binary(&Type::NUMERIC), &mut out).unwrap();
    out.to_vec()
}

fn hex(v: &Numeric) -> String {
    binary(v).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn text_as_the_server_prints_it() {
    for (input, printed) in [
        ("-12.3400", "-12.3400"),
        ("0.000001", "0.000001"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("-0.00", "0.00"),
        (" +1.50e1 ", "15.0"),
        (".5", "0.5"),
        ("5.", "5"),
        ("0e-20", "0.00000000000000000000"),
        ("00012.5000", "12.5000"),
        ("1e4", "10000"),
        ("12345678.9", "12345678.9"),
        ("-1E-3", "-0.001"),
        ("nan", "NaN"),
        ("  -INF\n", "-Infinity"),
        ("+inFinity", "Infinity"),
        ("9999.9999", "9999.9999"),
        ("100000000", "100000000"),
    ] {
        assert_eq!(n(input).to_string(), printed, "{input:?}");
    }
}

#[test]
fn huge_and_tiny() {
    let tiny = n("1e-1000");
    let text = tiny.to_string();
    assert_eq!(text.len(), 1002);
    assert!(text.starts_with("0.000") && text.ends_with("01"));
    assert_eq!(tiny.scale(), 1000);
    let big = n("1e1000");
    assert_eq!(big.to_string(), format!("1{}", "0".repeat(1000)));
    assert_eq!(big.digits(), &[1]);
    assert_eq!(big.weight(), 250);
    assert!(n("1e131071").is_finite());
    assert!(n("5e-16383").is_finite());
    for over in ["1e131072", "5e-16384", "0e-16384", "1e9999999999"] {
        let err = over.parse::<Numeric>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange, "{over}");
    }
}

#[test]
fn syntax_errors() {
    for bad in [
        "",
        " ",
        "-",
        "+",
        ".",
        "e5",
        "1e",
        "1e+",
        "1.2.3",
        "1 2",
        "--1",
        "-nan",
        "abc",
        "1_000",
        "0x10",
        "1e5.5",
        "Infinityx",
        "١",
    ] {
        let err = bad.parse::<Numeric>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed, "{bad:?}");
    }
}

#[test]
fn binary_layout_matches_numeric_send() {
    for (text, expected) in [
        ("0", "0000000000000000"),
        ("0.00", "0000000000000002"),
        ("1", "00010000000000000001"),
        ("-1.5", "000200004000000100011388"),
        ("1234.5678", "000200000000000404d2162e"),
        ("12345678.9", "000300010000000104d2162e2328"),
        ("0.00001", "0001fffe0000000503e8"),
        ("100000000", "00010002000000000001"),
        ("NaN", "00000000c0000000"),
        ("Infinity", "00000000d0000000"),
        ("-Infinity", "00000000f0000000"),
        ("1.10", "0002000000000002000103e8"),
    ] {
        assert_eq!(hex(&n(text)), expected, "{text}");
    }
}

#[test]
fn binary_validation() {
    let ctx = Ctx::binary(&Type::NUMERIC);
    let load = |b: &[u8]| Numeric::load(&ctx, b);
    // The server sends Infinity with scale 32; specials ignore digits too.
    assert_eq!(
        load(&[0, 0, 0, 0, 0xd0, 0, 0, 32]).unwrap(),
        Numeric::INFINITY
    );
    assert!(load(&[0, 1, 0, 0, 0xc0, 0, 0, 0, 0, 7]).unwrap().is_nan());
    // Leading and trailing zero groups are normalised.
    let v = load(&[0, 3, 0, 2, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0]).unwrap();
    assert_eq!(v.to_string(), "50000");
    assert_eq!((v.digits(), v.weight()), (&[5][..], 1));
    // Negative zero is zero.
    assert_eq!(
        load(&[0, 0, 0, 0, 0x40, 0, 0, 1]).unwrap().to_string(),
        "0.0"
    );
    for bad in [
        &[][..],
        &[0, 0, 0, 0, 0, 0, 0],
        &[0, 1, 0, 0, 0, 0, 0, 0],       // one group announced, none there
        &[0, 0, 0, 0, 0, 0, 0, 0, 0, 1], // trailing bytes
        &[0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10], // digit 10000
        &[0, 1, 0, 0, 0, 0, 0, 0, 0xff, 0xff], // digit -1
        &[0, 0, 0, 0, 0x80, 0, 0, 0],    // sign 0x8000
        &[0, 0, 0, 0, 0x20, 0, 0, 0],    // sign 0x2000
        &[0, 0, 0, 0, 0, 0, 0x40, 0],    // scale 16384
        &[0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 5], // 1.0005 with scale 0
    ] {
        let err = load(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed, "{bad:?}");
    }
    // A weight beyond i16 after dropping leading zero groups.
    let err = load(&[0, 2, 0x80, 0, 0, 0, 0x3f, 0xff, 0, 0, 0, 1]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutOfRange);
}

#[test]
fn equality_ordering_hash() {
    use std::collections::HashSet;
    assert_eq!(n("1.5"), n("1.50"));
    assert_eq!(n("0"), n("-0.000"));
    assert_ne!(n("1.5"), n("-1.5"));
    assert_eq!(Numeric::NAN, Numeric::NAN);
    let set: HashSet<Numeric> = ["1.5", "1.50", "0", "0.0", "NaN", "nan"]
        .iter()
        .map(|s| n(s))
        .collect();
    assert_eq!(set.len(), 3);
    let mut v: Vec<Numeric> = [
        "NaN",
        "1",
        "-Infinity",
        "0.5",
        "-2",
        "Infinity",
        "-0.5",
        "0",
        "10000",
        "9999.99",
        "-10000",
        "1e-1000",
    ]
    .iter()
    .map(|s| n(s))
    .collect();
    v.sort();
    let sorted: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    assert_eq!(
        sorted[..7],
        [
            "-Infinity",
            "-10000",
            "-2",
            "-0.5",
            "0",
            &n("1e-1000").to_string(),
            "0.5"
        ]
    );
    assert_eq!(sorted[7..], ["1", "9999.99", "10000", "Infinity", "NaN"]);
}

#[test]
fn integer_conversions() {
    assert_eq!(Numeric::from(i64::MIN).to_string(), "-9223372036854775808");
    assert_eq!(Numeric::from(u128::MAX).to_string(), u128::MAX.to_string());
    assert_eq!(Numeric::from(0_u8), Numeric::ZERO);
    assert_eq!(i64::try_from(&n("-9223372036854775808")).unwrap(), i64::MIN);
    assert_eq!(i64::try_from(&n("12.000")).unwrap(), 12);
    assert_eq!(
        i64::try_from(&n("9223372036854775808")).unwrap_err().kind(),
        ErrorKind::OutOfRange
    );
    let err = i64::try_from(&n("12.5")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Lossy);
    assert!(err.to_string().contains("12.5"), "{err}");
    assert_eq!(
        i32::try_from(Numeric::NAN).unwrap_err().kind(),
        ErrorKind::OutOfRange
    );
    assert_eq!(
        u8::try_from(n("-1")).unwrap_err().kind(),
        ErrorKind::OutOfRange
    );
    assert_eq!(
        i64::try_from(&n("1e100000")).unwrap_err().kind(),
        ErrorKind::OutOfRange
    );
}

#[test]
fn float_conversions() {
    assert_eq!(Numeric::from(0.1).to_string(), "0.1");
    assert_eq!(Numeric::from(-0.0).to_string(), "0");
    assert_eq!(
        Numeric::from(1e100).to_string(),
        format!("1{}", "0".repeat(100))
    );
    assert_eq!(Numeric::from(5e-324).scale(), 324);
    assert_eq!(Numeric::from(f64::NEG_INFINITY), Numeric::NEG_INFINITY);
    assert_eq!(Numeric::from(1.5_f64).to_string(), "1.5");
    assert_eq!(Numeric::from(0.1_f32).to_string(), "0.1");
    assert_eq!(n("0.1").to_f64(), 0.1);
    assert_eq!(n("1e-1000").to_f64(), 0.0);
    assert_eq!(n("-1e1000").to_f64(), f64::NEG_INFINITY);
    assert_eq!(
        n("123456789012345678901234567890").to_f64(),
        1.2345678901234568e29
    );
    assert_eq!(n("0.1").to_f32(), 0.1_f32);
    assert!(Numeric::NAN.to_f64().is_nan());
}

#[test]
fn scale_control() {
    assert_eq!(n("1.5").with_scale(3).unwrap().to_string(), "1.500");
    assert_eq!(n("1.500").with_scale(1).unwrap().to_string(), "1.5");
    assert_eq!(
        n("1.55").with_scale(1).unwrap_err().kind(),
        ErrorKind::Malformed
    );
    assert!(Numeric::from_parts(true, 0, 1, &[1, 5000]).unwrap() == n("-1.5"));
    assert!(Numeric::from_parts(false, 0, 0, &[10_000]).is_err());
    assert!(n("2.00").is_integer() && !n("2.5").is_integer() && !Numeric::NAN.is_integer());
    assert!(n("-Infinity").is_negative() && !n("-0").is_negative());
}

#[test]
fn loads_integers_and_dumps_into_them() {
    let v = Numeric::load(&Ctx::binary(&Type::INT4), &(-7_i32).to_be_bytes()).unwrap();
    assert_eq!(v, n("-7"));
    let v = Numeric::load(&Ctx::text(&Type::INT8), b"9223372036854775807").unwrap();
    assert_eq!(v.to_string(), "9223372036854775807");
    assert!(Numeric::check(&Ctx::binary(&Type::FLOAT8)).is_err());

    let mut out = BytesMut::new();
    n("300.00")
        .dump(&Ctx::binary(&Type::INT2), &mut out)
        .unwrap();
    assert_eq!(&out[..], &300_i16.to_be_bytes());
    out.clear();
    let err = n("70000")
        .dump(&Ctx::binary(&Type::INT2), &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutOfRange);
    let err = n("1.5")
        .dump(&Ctx::text(&Type::INT8), &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Lossy);
    assert!(n("1").dump(&Ctx::binary(&Type::TEXT), &mut out).is_err());
}

#[test]
fn dumps_into_floats_only_when_exact() {
    let mut out = BytesMut::new();
    n("1.5")
        .dump(&Ctx::binary(&Type::FLOAT8), &mut out)
        .unwrap();
    assert_eq!(&out[..], &1.5_f64.to_be_bytes());
    out.clear();
    n("0.1").dump(&Ctx::text(&Type::FLOAT4), &mut out).unwrap();
    assert_eq!(&out[..], b"0.1");
    out.clear();
    Numeric::NAN
        .dump(&Ctx::text(&Type::FLOAT8), &mut out)
        .unwrap();
    assert_eq!(&out[..], b"NaN");
    let err = n("0.10000000000000001")
        .dump(&Ctx::binary(&Type::FLOAT8), &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Lossy);
    let err = n("1e400")
        .dump(&Ctx::binary(&Type::FLOAT8), &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutOfRange);
    let lossy = Policy {
        lossy: true,
        ..Policy::DEFAULT
    };
    n("0.10000000000000001")
        .dump(&Ctx::binary(&Type::FLOAT8).with_policy(&lossy), &mut out)
        .unwrap();
}

#[test]
fn integers_load_from_numeric() {
    for format in [Format::Binary, Format::Text] {
        let ctx = Ctx::new(&Type::NUMERIC, format);
        let raw = |s: &str| {
            let mut out = BytesMut::new();
            n(s).dump(&ctx, &mut out).unwrap();
            out
        };
        assert_eq!(
            i64::load(&ctx, &raw("-9223372036854775808")).unwrap(),
            i64::MIN
        );
        assert_eq!(i64::load(&ctx, &raw("120000.000")).unwrap(), 120_000);
        assert_eq!(i16::load(&ctx, &raw("0")).unwrap(), 0);
        assert_eq!(u32::load(&ctx, &raw("4294967295")).unwrap(), u32::MAX);
        let err = i64::load(&ctx, &raw("12.5")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Lossy);
        assert!(
            err.to_string().contains("12.5") && err.to_string().contains("i64"),
            "{err}"
        );
        let err = i64::load(&ctx, &raw("9223372036854775808")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert!(err.to_string().contains("9223372036854775808"), "{err}");
        assert_eq!(
            i32::load(&ctx, &raw("1e30")).unwrap_err().kind(),
            ErrorKind::OutOfRange
        );
        assert_eq!(
            i32::load(&ctx, &raw("NaN")).unwrap_err().kind(),
            ErrorKind::OutOfRange
        );
        assert!(i8::load(&ctx, &raw("1")).is_err());
    }
    assert!(i64::load(&Ctx::binary(&Type::NUMERIC), &[0, 1, 0, 0]).is_err());
}

/// A decimal string with a random sign, integer part and fraction.
fn decimal_text() -> impl Strategy<Value = (String, String)> {
    (
        any::<bool>(),
        "[0-9]{0,40}",
        proptest::option::of("[0-9]{0,40}"),
        -30i64..30,
    )
        .prop_filter_map("needs a digit", |(neg, int, frac, _)| {
            if int.is_empty() && frac.as_deref().unwrap_or("").is_empty() {
                return None;
            }
            let input = format!(
                "{}{int}{}",
                if neg { "-" } else { "" },
                frac.as_ref().map(|f| format!(".{f}")).unwrap_or_default()
            );
            let int = int.trim_start_matches('0');
            let frac = frac.unwrap_or_default();
            let zero = int.is_empty() && frac.bytes().all(|c| c == b'0');
            let expected = format!(
                "{}{}{}",
                if neg && !zero { "-" } else { "" },
                if int.is_empty() { "0" } else { int },
                if frac.is_empty() {
                    String::new()
                } else {
                    format!(".{frac}")
                }
            );
            Some((input, expected))
        })
}

proptest! {
    #[test]
    fn text_binary_text((input, expected) in decimal_text()) {
        let v = n(&input);
        prop_assert_eq!(v.to_string(), expected.clone());
        let bin = binary(&v);
        let back = Numeric::load(&Ctx::binary(&Type::NUMERIC), &bin).unwrap();
        prop_assert_eq!(back.to_string(), expected.clone());
        let mut text = BytesMut::new();
        back.dump(&Ctx::text(&Type::NUMERIC), &mut text).unwrap();
        prop_assert_eq!(&text[..], expected.as_bytes());
        prop_assert_eq!(Numeric::load(&Ctx::text(&Type::NUMERIC), &text).unwrap(), v);
    }

    #[test]
    fn exponent_moves_the_point(digits in "[1-9][0-9]{0,20}", exp in -60i64..60) {
        let v = n(&format!("{digits}e{exp}"));
        let shifted = n(&format!("{digits}e{}", exp + 1));
        prop_assert!(shifted > v);
        prop_assert_eq!(n(&v.to_string()), v.clone());
        prop_assert_eq!(v.scale() as i64, (-exp).max(0));
    }

    #[test]
    fn order_matches_i64(a in any::<i64>(), b in any::<i64>()) {
        prop_assert_eq!(Numeric::from(a).cmp(&Numeric::from(b)), a.cmp(&b));
        prop_assert_eq!(i64::try_from(&Numeric::from(a)).unwrap(), a);
    }

    #[test]
    fn f64_conversion_round_trips(bits in any::<u64>()) {
        let f = f64::from_bits(bits);
        let v = Numeric::from(f);
        if f.is_nan() {
            prop_assert!(v.to_f64().is_nan());
        } else {
            prop_assert_eq!(v.to_f64(), if f == 0.0 { 0.0 } else { f });
        }
    }

    #[test]
    fn binary_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        let ctx = Ctx::binary(&Type::NUMERIC);
        let _ = Numeric::load(&ctx, &bytes);
        let _ = i64::load(&ctx, &bytes);
        let _ = i16::load(&ctx, &bytes);
    }

    #[test]
    fn binary_headers_never_panic(
        ndigits in 0u16..6, weight in any::<i16>(), sign in prop_oneof![Just(0u16), Just(0x4000), Just(0xC000), Just(0xD000), Just(0xF000), any::<u16>()],
        scale in any::<u16>(), digits in proptest::collection::vec(0u16..10_001, 0..6),
    ) {
        let mut raw = Vec::new();
        for x in [ndigits, weight as u16, sign, scale] {
            raw.extend_from_slice(&x.to_be_bytes());
        }
        for d in &digits {
            raw.extend_from_slice(&d.to_be_bytes());
        }
        let ctx = Ctx::binary(&Type::NUMERIC);
        if let Ok(v) = Numeric::load(&ctx, &raw) {
            // What loads dumps and loads back as the same value and scale.
            let again = Numeric::load(&ctx, &binary(&v)).unwrap();
            prop_assert_eq!(again.to_string(), v.to_string());
        }
        let _ = i64::load(&ctx, &raw);
    }

    #[test]
    fn text_garbage_never_panics(s in "[-+0-9.eEnaifty \t]{0,30}") {
        let ctx = Ctx::text(&Type::NUMERIC);
        if let Ok(v) = Numeric::load(&ctx, s.as_bytes()) {
            prop_assert_eq!(n(&v.to_string()), v);
        }
        let _ = i32::load(&ctx, s.as_bytes());
    }
}
