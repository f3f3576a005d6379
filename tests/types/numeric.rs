//! numeric (as Numeric, integers, f64 and Decimal), float4, float8 and money.

use crate::support::{connect, load_both, server_text, test_type, test_type_by};
use pgcast::bridge::Param;
use pgcast::types::{Money, Numeric};
use pgcast::{ErrorKind, Format, NumericPolicy, Policy};

fn num(s: &str) -> Numeric {
    s.parse().unwrap()
}

/// Same value and same display scale.
fn same_numeric(a: &Numeric, b: &Numeric) -> bool {
    a == b && a.to_string() == b.to_string()
}

fn same_f64(a: &f64, b: &f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn same_f32(a: &f32, b: &f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[tokio::test]
async fn numeric_round_trips() {
    let c = connect().await;
    let long = "123456789012345678901234567890.123456789012345678901234567890";
    let cases = [
        (num("0"), "0"),
        (num("0.00"), "'0.00'"),
        (num("-12.3400"), "'-12.3400'"),
        (num("0.000001"), "'0.000001'"),
        (num("1.50"), "'1.50'"),
        (num("100.000000"), "'100.000000'"),
        (num("9999.9999"), "'9999.9999'"),
        (num("-10000"), "'-10000'"),
        (num(long), &format!("'{long}'")),
        (num("1e-1000"), "'1e-1000'"),
        (num("1e1000"), "'1e1000'"),
        (num("-5e-16383"), "'-5e-16383'"),
        (num("9e131071"), "'9e131071'"),
        (Numeric::NAN, "'NaN'"),
        (Numeric::INFINITY, "'Infinity'"),
        (Numeric::NEG_INFINITY, "'-Infinity'"),
    ];
    let cases: Vec<(Numeric, &str)> = cases.iter().map(|(n, s)| (n.clone(), &**s)).collect();
    test_type_by(&c, "numeric", &cases, same_numeric).await;

    // What the server prints is exactly our Display.
    for (n, literal) in &cases {
        let printed = server_text(&c, &format!("SELECT {literal}::numeric")).await;
        assert_eq!(printed.as_deref(), Some(&*n.to_string()), "{literal}");
    }
}

#[tokio::test]
async fn integers_as_numeric() {
    let c = connect().await;
    test_type(
        &c,
        "numeric",
        &[
            (i64::MIN, "'-9223372036854775808'"),
            (0, "0"),
            (120_000, "120000"),
            (i64::MAX, "9223372036854775807"),
        ],
    )
    .await;
    test_type(&c, "numeric", &[(i32::MIN, "'-2147483648'"), (7, "7")]).await;
    test_type(&c, "numeric", &[(i16::MAX, "32767")]).await;

    // sum(int8) is a numeric; whole values load, scale or not.
    let sql = "SELECT sum(x) FROM (VALUES (9223372036854775807::int8), (-1)) t(x)";
    for r in load_both::<i64>(&c, sql, &Policy::DEFAULT).await {
        assert_eq!(r.unwrap(), i64::MAX - 1);
    }
    for r in load_both::<i32>(&c, "SELECT 12.000::numeric", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap(), 12);
    }
    for r in load_both::<i64>(&c, "SELECT 12.5::numeric", &Policy::DEFAULT).await {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Lossy);
        assert!(err.to_string().contains("12.5"), "{err}");
    }
    for sql in [
        "SELECT 1e19::numeric",
        "SELECT 'NaN'::numeric",
        "SELECT '-Infinity'::numeric",
    ] {
        for r in load_both::<i64>(&c, sql, &Policy::DEFAULT).await {
            assert_eq!(r.unwrap_err().kind(), ErrorKind::OutOfRange, "{sql}");
        }
    }
    // And Numeric loads the integer types, widening.
    for r in load_both::<Numeric>(&c, "SELECT (-32768)::int2", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap(), num("-32768"));
    }
}

#[tokio::test]
async fn numeric_into_other_parameters() {
    let c = connect().await;
    for format in [Format::Binary, Format::Text] {
        let row = c
            .query_one(
                "SELECT $1::int4::text, $2::float8::text, $3::int8::text",
                &[
                    &Param::new(&num("42.00"), format),
                    &Param::new(&num("0.1"), format),
                    &Param::new(&num("-9223372036854775808"), format),
                ],
            )
            .await
            .unwrap();
        let got: (String, String, String) = (row.get(0), row.get(1), row.get(2));
        assert_eq!(
            got,
            ("42".into(), "0.1".into(), "-9223372036854775808".into())
        );
        for (sql, value) in [
            ("SELECT $1::int4", num("1.5")),
            ("SELECT $1::int2", num("40000")),
            ("SELECT $1::float8", num("0.10000000000000001")),
            ("SELECT $1::float4", num("1e39")),
        ] {
            let err = c.query_one(sql, &[&Param::new(&value, format)]).await;
            assert!(err.is_err(), "{sql} with {value} must not be sent");
        }
    }
}

#[tokio::test]
async fn float8_round_trips() {
    let c = connect().await;
    test_type_by(
        &c,
        "float8",
        &[
            (0.0, "0"),
            (-0.0, "'-0'"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (1e15, "1e15"),
            (123_456_789_012_345.0, "123456789012345"),
            (1e-5, "1e-5"),
            (1e100, "1e100"),
            (5e-324, "'5e-324'"),
            (2.2250738585072014e-308, "'2.2250738585072014e-308'"),
            (f64::MAX, "'1.7976931348623157e308'"),
            (f64::MIN, "'-1.7976931348623157e308'"),
            (f64::NAN, "'NaN'"),
            (f64::INFINITY, "'Infinity'"),
            (f64::NEG_INFINITY, "'-Infinity'"),
        ],
        same_f64,
    )
    .await;
}

#[tokio::test]
async fn float4_round_trips() {
    let c = connect().await;
    test_type_by(
        &c,
        "float4",
        &[
            (0.0_f32, "0"),
            (-0.0, "'-0'"),
            (1.1, "1.1"),
            (1e6, "1e6"),
            (16_777_216.0, "16777216"),
            (1e-45, "'1e-45'"),
            (f32::MIN_POSITIVE, "'1.1754944e-38'"),
            (f32::MAX, "'3.4028235e38'"),
            (f32::NAN, "'NaN'"),
            (f32::INFINITY, "'Infinity'"),
            (f32::NEG_INFINITY, "'-inf'"),
        ],
        same_f32,
    )
    .await;
    // float4 widens into f64 exactly, from both formats.
    for r in load_both::<f64>(&c, "SELECT 1.1::float4", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap(), f64::from(1.1_f32));
    }
    for r in load_both::<f32>(&c, "SELECT 0.1::float8", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::Lossy);
    }
    let lossy = Policy {
        lossy: true,
        ..Policy::DEFAULT
    };
    for r in load_both::<f32>(&c, "SELECT 0.1::float8", &lossy).await {
        assert_eq!(r.unwrap(), 0.1_f32);
    }
}

#[tokio::test]
async fn f64_from_numeric_needs_a_policy() {
    let c = connect().await;
    for r in load_both::<f64>(&c, "SELECT 0.1::numeric", &Policy::DEFAULT).await {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Lossy);
        assert!(err.to_string().contains("NumericPolicy::Float"), "{err}");
    }
    let float = Policy {
        numeric: NumericPolicy::Float,
        ..Policy::DEFAULT
    };
    let lossy = Policy {
        lossy: true,
        ..Policy::DEFAULT
    };
    for policy in [&float, &lossy] {
        for (sql, expected) in [
            ("SELECT 0.1::numeric", 0.1),
            ("SELECT '-Infinity'::numeric", f64::NEG_INFINITY),
            ("SELECT 1e-1000::numeric", 0.0),
            (
                "SELECT 123456789012345678901234567890::numeric",
                1.2345678901234568e29,
            ),
        ] {
            for r in load_both::<f64>(&c, sql, policy).await {
                assert_eq!(r.unwrap(), expected, "{sql}");
            }
        }
        for r in load_both::<f64>(&c, "SELECT 'NaN'::numeric", policy).await {
            assert!(r.unwrap().is_nan());
        }
        for r in load_both::<f64>(&c, "SELECT 1e400::numeric", policy).await {
            assert_eq!(r.unwrap_err().kind(), ErrorKind::OutOfRange);
        }
    }
    // f64 parameters into numeric are the shortest decimal, specials included.
    for format in [Format::Binary, Format::Text] {
        for (v, text) in [
            (0.1, "0.1"),
            (1e-5, "0.00001"),
            (-2.5e20, "-250000000000000000000"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
        ] {
            let row = c
                .query_one("SELECT $1::numeric::text", &[&Param::new(&v, format)])
                .await
                .unwrap();
            assert_eq!(row.get::<_, String>(0), text, "{v} as {format:?}");
        }
    }
}

#[tokio::test]
async fn money_round_trips() {
    let c = connect().await;
    c.batch_execute("SET lc_monetary = 'C'").await.unwrap();
    test_type(
        &c,
        "money",
        &[
            (Money(0), "0"),
            (Money(123_456), "'$1,234.56'"),
            (Money(-123_456), "'-1234.56'"),
            (Money(-1), "'(0.01)'"),
            (Money(i64::MAX), "'92233720368547758.07'"),
            (Money(i64::MIN), "'-92233720368547758.08'"),
        ],
    )
    .await;
    let printed = server_text(&c, "SELECT '-1234.5'::money").await;
    assert_eq!(printed.as_deref(), Some(&*Money(-123_450).to_string()));
}

#[cfg(feature = "rust_decimal")]
#[tokio::test]
async fn decimal_round_trips() {
    use pgcast::types::Decimal;
    use std::str::FromStr;

    let c = connect().await;
    let dec = |s: &str| Decimal::from_str(s).unwrap();
    let cases: Vec<(Decimal, &str)> = [
        "0",
        "0.00",
        "1.50",
        "-12.3400",
        "79228162514264337593543950335",
        "-79228162514264337593543950335",
        "0.0000000000000000000000000001",
        "10000",
    ]
    .iter()
    .map(|s| (dec(s), *s))
    .collect();
    let cases: Vec<(Decimal, String)> = cases
        .into_iter()
        .map(|(d, s)| (d, format!("'{s}'")))
        .collect();
    let cases: Vec<(Decimal, &str)> = cases.iter().map(|(d, s)| (*d, s.as_str())).collect();
    test_type_by(&c, "numeric", &cases, |a, b| {
        a == b && a.scale() == b.scale()
    })
    .await;

    for r in load_both::<Decimal>(&c, "SELECT 42::int8", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap(), Decimal::from(42));
    }
    for sql in [
        "SELECT 'NaN'::numeric",
        "SELECT 'Infinity'::numeric",
        "SELECT 1e-1000::numeric",
        "SELECT 79228162514264337593543950336::numeric",
        "SELECT 1e1000::numeric",
    ] {
        for r in load_both::<Decimal>(&c, sql, &Policy::DEFAULT).await {
            assert_eq!(r.unwrap_err().kind(), ErrorKind::OutOfRange, "{sql}");
        }
    }
}
