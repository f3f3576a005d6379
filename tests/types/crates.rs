//! The Rust crates users bring, each behind its feature: chrono, jiff,
//! bigdecimal, ipnet, cidr, mac_address, eui48. Round trips through the
//! server in both formats, and ±infinity as for `time`.

#[cfg(feature = "chrono")]
#[tokio::test]
async fn chrono_types() {
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
    use pgcast::types::Infinite;
    use pgcast::{ErrorKind, InfinityPolicy, Policy};

    use crate::support::{connect, load_both, test_type};

    let c = connect().await;
    c.batch_execute("SET TimeZone = 'UTC'").await.unwrap();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    test_type(
        &c,
        "date",
        &[
            (d(2024, 2, 29), "'2024-02-29'"),
            (d(-43, 3, 15), "'0044-03-15 BC'"),
            (d(9999, 12, 31), "'9999-12-31'"),
        ],
    )
    .await;
    test_type(
        &c,
        "time",
        &[
            (
                NaiveTime::from_hms_micro_opt(13, 45, 6, 500_000).unwrap(),
                "'13:45:06.5'",
            ),
            (NaiveTime::MIN, "'00:00'"),
        ],
    )
    .await;
    let dt: NaiveDateTime = d(1969, 12, 31).and_hms_micro_opt(23, 59, 59, 1).unwrap();
    test_type(&c, "timestamp", &[(dt, "'1969-12-31 23:59:59.000001'")]).await;
    test_type(
        &c,
        "timestamptz",
        &[(dt.and_utc(), "'1969-12-31 23:59:59.000001+00'")],
    )
    .await;
    let plus2 = FixedOffset::east_opt(7200).unwrap();
    let row = c
        .query_one("SELECT '2024-02-29 13:45:06+02'::timestamptz", &[])
        .await
        .unwrap();
    let v: pgcast::bridge::Loaded<DateTime<FixedOffset>> = row.get(0);
    let expected = DateTime::parse_from_rfc3339("2024-02-29T13:45:06+02:00").unwrap();
    assert_eq!(v.0, expected);
    test_type(
        &c,
        "timestamptz",
        &[(expected.with_timezone(&plus2), "'2024-02-29 11:45:06+00'")],
    )
    .await;
    test_type(
        &c,
        "interval",
        &[(
            TimeDelta::microseconds(-90_061_000_001),
            "'-25:01:01.000001'",
        )],
    )
    .await;

    // ±infinity: an error, Infinite, or MIN/MAX by policy, as for `time`
    for r in load_both::<NaiveDate>(&c, "SELECT 'infinity'::date", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::Infinity);
    }
    let saturate = Policy {
        infinity: InfinityPolicy::Saturate,
        ..Policy::DEFAULT
    };
    for r in load_both::<DateTime<Utc>>(&c, "SELECT '-infinity'::timestamptz", &saturate).await {
        assert_eq!(r.unwrap(), DateTime::<Utc>::MIN_UTC);
    }
    test_type(
        &c,
        "timestamp",
        &[(Infinite::<NaiveDateTime>::Infinity, "'infinity'")],
    )
    .await;
}

#[cfg(feature = "jiff")]
#[tokio::test]
async fn jiff_types() {
    use jiff::civil::{date, time};
    use jiff::{Span, Timestamp};
    use pgcast::types::Infinite;
    use pgcast::{ErrorKind, Policy};

    use crate::support::{connect, load_both, test_type, test_type_by};

    let c = connect().await;
    c.batch_execute("SET TimeZone = 'UTC'").await.unwrap();
    test_type(
        &c,
        "date",
        &[
            (date(2024, 2, 29), "'2024-02-29'"),
            (date(-43, 3, 15), "'0044-03-15 BC'"),
        ],
    )
    .await;
    test_type(
        &c,
        "time",
        &[(time(13, 45, 6, 500_000_000), "'13:45:06.5'")],
    )
    .await;
    test_type(
        &c,
        "timestamp",
        &[(
            date(1969, 12, 31).at(23, 59, 59, 1000),
            "'1969-12-31 23:59:59.000001'",
        )],
    )
    .await;
    let ts: Timestamp = "1969-12-31T23:59:59.5Z".parse().unwrap();
    test_type(&c, "timestamptz", &[(ts, "'1969-12-31 23:59:59.5+00'")]).await;
    test_type(
        &c,
        "timestamptz",
        &[(Infinite::<Timestamp>::NegInfinity, "'-infinity'")],
    )
    .await;
    for r in load_both::<Timestamp>(&c, "SELECT 'infinity'::timestamptz", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::Infinity);
    }
    // a span has one sign: mixed-sign intervals are an error naming Interval
    for r in load_both::<Span>(&c, "SELECT '1 mon -3 days'::interval", &Policy::DEFAULT).await {
        let err = r.unwrap_err();
        assert!(err.to_string().contains("load Interval"), "{err}");
    }
    // spans keep the interval's fields apart
    test_type_by(
        &c,
        "interval",
        &[(
            Span::new()
                .months(14)
                .days(3)
                .microseconds(14_706_000_001_i64),
            "'1 year 2 mons 3 days 04:05:06.000001'",
        )],
        |a, b| a.fieldwise() == b.fieldwise(),
    )
    .await;
}

#[cfg(feature = "bigdecimal")]
#[tokio::test]
async fn bigdecimal_numeric() {
    use std::str::FromStr;

    use bigdecimal::BigDecimal;
    use pgcast::{ErrorKind, Policy};

    use crate::support::{connect, load_both, test_type};

    let c = connect().await;
    let n = |s: &str| BigDecimal::from_str(s).unwrap();
    test_type(
        &c,
        "numeric",
        &[
            (n("0"), "0"),
            (n("-123.4500"), "-123.4500"),
            (
                n("12345678901234567890.000100"),
                "12345678901234567890.000100",
            ),
            (n("1e-30"), "0.000000000000000000000000000001"),
            (n("1e40"), "10000000000000000000000000000000000000000"),
        ],
    )
    .await;
    for r in load_both::<BigDecimal>(&c, "SELECT 'NaN'::numeric", &Policy::DEFAULT).await {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert!(
            err.to_string().contains("load pgcast::types::Numeric"),
            "{err}"
        );
    }
}

#[cfg(all(feature = "ipnet", feature = "cidr"))]
#[tokio::test]
async fn ipnet_and_cidr() {
    use pgcast::{ErrorKind, Policy};

    use crate::support::{connect, load_both, test_type};

    let c = connect().await;
    let net = |s: &str| s.parse::<ipnet::IpNet>().unwrap();
    test_type(
        &c,
        "inet",
        &[
            (net("10.1.2.3/16"), "'10.1.2.3/16'"),
            (net("2001:db8::1/64"), "'2001:db8::1/64'"),
        ],
    )
    .await;
    test_type(&c, "cidr", &[(net("10.1.0.0/16"), "'10.1/16'")]).await;
    test_type(
        &c,
        "inet",
        &[(
            "192.168.0.0/24".parse::<ipnet::Ipv4Net>().unwrap(),
            "'192.168.0.0/24'",
        )],
    )
    .await;
    test_type(
        &c,
        "cidr",
        &[(
            "2001:db8::/32".parse::<cidr::IpCidr>().unwrap(),
            "'2001:db8::/32'",
        )],
    )
    .await;
    test_type(
        &c,
        "inet",
        &[(
            "10.1.2.3/16".parse::<cidr::IpInet>().unwrap(),
            "'10.1.2.3/16'",
        )],
    )
    .await;
    for r in load_both::<cidr::IpCidr>(&c, "SELECT '10.1.2.3/16'::inet", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::OutOfRange);
    }
    for r in load_both::<ipnet::Ipv4Net>(&c, "SELECT '::1'::inet", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::OutOfRange);
    }
}

#[cfg(all(feature = "mac_address", feature = "eui48"))]
#[tokio::test]
async fn mac_address_crates() {
    use crate::support::{connect, test_type};

    let c = connect().await;
    let bytes = [0x08, 0x00, 0x2b, 0x01, 0x02, 0x03];
    test_type(
        &c,
        "macaddr",
        &[(mac_address::MacAddress::new(bytes), "'08:00:2b:01:02:03'")],
    )
    .await;
    test_type(
        &c,
        "macaddr",
        &[(eui48::MacAddress::new(bytes), "'08-00-2b-01-02-03'")],
    )
    .await;
}
