//! Ranges and multiranges.

use pgcast::bridge::{Param, Raw};
use pgcast::types::{Bound, Multirange, Range};
use pgcast::{Ctx, Dump, Format, Load, Policy, Type};
use tokio_postgres::Client;

use crate::support::{connect, load_both, test_type_printed as check};

fn r(lower: Bound<i32>, upper: Bound<i32>) -> Range<i32> {
    Range::new(lower, upper)
}

#[tokio::test]
async fn int4range_round_trips() {
    let c = connect().await;
    use Bound::*;
    check(
        &c,
        "int4range",
        &Type::INT4_RANGE,
        &[
            (Range::from(1..5), "'[1,5)'"),
            (Range::empty(), "'empty'"),
            (r(Unbounded, Exclusive(4)), "'(,3]'"),
            (r(Inclusive(-3), Unbounded), "'[-3,)'"),
            (Range::unbounded(), "'(,)'"),
            (
                Range::from(i32::MIN..i32::MAX),
                "int4range(-2147483648, 2147483647)",
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn int8range_round_trips() {
    let c = connect().await;
    check(
        &c,
        "int8range",
        &Type::INT8_RANGE,
        &[
            (Range::from(i64::MIN..0), "'[-9223372036854775808,0)'"),
            (Range::empty(), "' EMPTY '"),
            (Range::from(..i64::MAX), "'(,9223372036854775807)'"),
        ],
    )
    .await;
}

#[tokio::test]
async fn the_server_canonicalises_discrete_ranges() {
    let c = connect().await;
    // sent as written, read back in canonical form
    for (value, printed) in [
        (Range::inclusive(1, 5), "[1,6)"),
        (r(Bound::Exclusive(1), Bound::Exclusive(2)), "empty"),
        (r(Bound::Exclusive(1), Bound::Inclusive(3)), "[2,4)"),
    ] {
        for format in [Format::Binary, Format::Text] {
            let row = c
                .query_one(
                    "SELECT $1::int4range, $1::int4range::text",
                    &[&Param::new(&value, format)],
                )
                .await
                .unwrap();
            let text: String = row.get(1);
            assert_eq!(text, printed);
            let raw: Raw = row.get(0);
            let back = Range::<i32>::load_opt(&Ctx::binary(&Type::INT4_RANGE), raw.0).unwrap();
            let want =
                Range::<i32>::load(&Ctx::text(&Type::INT4_RANGE), printed.as_bytes()).unwrap();
            assert_eq!(back, want);
        }
    }
    // a lower bound above the upper one is the server's error
    let err = c
        .query_one(
            "SELECT $1::int4range",
            &[&Param::binary(&Range::closed_open(5, 1))],
        )
        .await
        .unwrap_err();
    let message = err.as_db_error().map(|e| e.message().to_owned());
    assert!(
        message.as_deref().unwrap_or("").contains("lower bound"),
        "{err:?}"
    );
}

#[tokio::test]
async fn widening_and_narrowing_elements() {
    let c = connect().await;
    let [b, t] = load_both::<Range<i64>>(&c, "SELECT '[1,5)'::int4range", &Policy::DEFAULT).await;
    assert_eq!(
        (b.unwrap(), t.unwrap()),
        (Range::from(1..5), Range::from(1..5))
    );
    for res in
        load_both::<Range<i32>>(&c, "SELECT '[1,9999999999)'::int8range", &Policy::DEFAULT).await
    {
        assert_eq!(res.unwrap_err().kind(), pgcast::ErrorKind::OutOfRange);
    }
    for res in load_both::<Range<i32>>(&c, "SELECT 1::int4", &Policy::DEFAULT).await {
        assert_eq!(res.unwrap_err().kind(), pgcast::ErrorKind::WrongType);
    }
}

#[tokio::test]
async fn multiranges_round_trip() {
    let c = connect().await;
    check(
        &c,
        "int4multirange",
        &Type::INT4MULTI_RANGE,
        &[
            (Multirange(vec![]), "'{}'"),
            (
                Multirange(vec![Range::from(1..3), Range::from(5..7)]),
                "'{[1,3), [5,7)}'",
            ),
            (
                Multirange(vec![Range::from(..0), Range::from(10..)]),
                "'{(,0), [10,)}'",
            ),
        ],
    )
    .await;
    check(
        &c,
        "int8multirange",
        &Type::INT8MULTI_RANGE,
        &[(Multirange(vec![Range::from(1_i64..2)]), "'{[1,2)}'")],
    )
    .await;
    // the server sorts, merges and drops empties: what we send is what it reads
    let m = Multirange(vec![Range::from(5..7), Range::empty(), Range::from(1..6)]);
    for format in [Format::Binary, Format::Text] {
        let text = server_text_param(&c, "int4multirange", &m, format).await;
        assert_eq!(text, "{[1,7)}");
    }
}

async fn server_text_param<T: Dump + Sync>(c: &Client, ty: &str, v: &T, format: Format) -> String {
    c.query_one(&format!("SELECT $1::{ty}::text"), &[&Param::new(v, format)])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn range_of_text_quotes_like_the_server() {
    let c = connect().await;
    c.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS pgcast_range_text;
         DO $$ BEGIN
           CREATE TYPE pgcast_range_text.textrange AS RANGE (subtype = text, collation = \"C\");
         EXCEPTION WHEN duplicate_object THEN NULL; END $$;",
    )
    .await
    .unwrap();
    let ty = c
        .prepare("SELECT NULL::pgcast_range_text.textrange")
        .await
        .unwrap()
        .columns()[0]
        .type_()
        .clone();
    let s = |v: &str| v.to_owned();
    let cases = [
        (Range::closed_open(s(""), s("a b")), r#"'["","a b")'"#),
        (
            Range::closed_open(s("a\"b"), s("c\\d")),
            r#"E'["a\\"b","c\\\\d")'"#,
        ),
        (Range::inclusive(s("(x"), s("y,]")), r#"'["(x","y,]"]'"#),
        (
            Range::new(Bound::Unbounded, Bound::Exclusive(s("é"))),
            "'(,é)'",
        ),
    ];
    check(&c, "pgcast_range_text.textrange", &ty, &cases).await;
}

#[tokio::test]
async fn element_types_have_their_range_types() {
    use pgcast::StaticType;
    let p = Policy::DEFAULT;
    assert_eq!(Range::<i32>::static_type(&p), Type::INT4_RANGE);
    assert_eq!(Multirange::<i64>::static_type(&p), Type::INT8MULTI_RANGE);
    // typed NULLs go through
    let c = connect().await;
    let row = c
        .query_one(
            "SELECT $1::int4range IS NULL",
            &[&Param::binary(&None::<Range<i32>>)],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
}

fn num(s: &str) -> pgcast::types::Numeric {
    s.parse().unwrap()
}

#[tokio::test]
async fn numrange_round_trips() {
    let c = connect().await;
    check(
        &c,
        "numrange",
        &Type::NUM_RANGE,
        &[
            (Range::closed_open(num("1.5"), num("2.25")), "'[1.5,2.25)'"),
            (
                Range::inclusive(num("-0.001"), num("1e20")),
                "'[-0.001,1e20]'",
            ),
            (
                Range::new(Bound::Exclusive(num("0")), Bound::Unbounded),
                "'(0,)'",
            ),
            (Range::empty(), "'empty'"),
        ],
    )
    .await;
    check(
        &c,
        "nummultirange",
        &Type::NUMMULTI_RANGE,
        &[(
            Multirange(vec![
                Range::closed_open(num("1"), num("2")),
                Range::inclusive(num("3.5"), num("4")),
            ]),
            "'{[1,2), [3.5,4]}'",
        )],
    )
    .await;
}

#[tokio::test]
async fn daterange_round_trips() {
    use pgcast::types::Infinite;
    use time::macros::date;
    let c = connect().await;
    check(
        &c,
        "daterange",
        &Type::DATE_RANGE,
        &[
            (
                Range::from(date!(2020 - 01 - 01)..date!(2020 - 02 - 01)),
                "'[2020-01-01,2020-01-31]'",
            ),
            (Range::from(date!(2024 - 02 - 29)..), "'[2024-02-29,)'"),
            (Range::empty(), "'empty'"),
        ],
    )
    .await;
    // infinity as a bound value is not the same as no bound
    check(
        &c,
        "daterange",
        &Type::DATE_RANGE,
        &[(
            Range::closed_open(Infinite::Finite(date!(2020 - 01 - 01)), Infinite::Infinity),
            "'[2020-01-01,infinity)'",
        )],
    )
    .await;
    check(
        &c,
        "datemultirange",
        &Type::DATEMULTI_RANGE,
        &[(
            Multirange(vec![Range::from(
                date!(2020 - 01 - 01)..date!(2020 - 01 - 05),
            )]),
            "'{[2020-01-01,2020-01-05)}'",
        )],
    )
    .await;
}

#[tokio::test]
async fn timestamp_ranges_round_trip() {
    use time::macros::datetime;
    let c = connect().await;
    c.batch_execute("SET TimeZone = 'UTC'").await.unwrap();
    check(
        &c,
        "tsrange",
        &Type::TS_RANGE,
        &[
            (
                Range::from(datetime!(2020-01-01 00:00:00)..datetime!(2020-02-01 12:30:00.5)),
                "'[\"2020-01-01 00:00:00\",\"2020-02-01 12:30:00.5\")'",
            ),
            (
                Range::from(..=datetime!(1999-12-31 23:59:59.999999)),
                "'(,\"1999-12-31 23:59:59.999999\"]'",
            ),
        ],
    )
    .await;
    check(
        &c,
        "tstzrange",
        &Type::TSTZ_RANGE,
        &[(
            Range::from(datetime!(2020-01-01 00:00:00 UTC)..datetime!(2020-02-01 00:00:00 UTC)),
            "'[\"2020-01-01 00:00:00+00\",\"2020-02-01 00:00:00+00\")'",
        )],
    )
    .await;
    check(
        &c,
        "tstzmultirange",
        &Type::TSTZMULTI_RANGE,
        &[(
            Multirange(vec![Range::from(datetime!(2020-01-01 00:00:00 UTC)..)]),
            "'{[\"2020-01-01 00:00:00+00\",)}'",
        )],
    )
    .await;
    // another session zone: the server prints other offsets, same instants
    c.batch_execute("SET TimeZone = 'Asia/Kolkata'")
        .await
        .unwrap();
    let [b, t] = load_both::<Range<time::OffsetDateTime>>(
        &c,
        "SELECT '[2020-01-01 00:00:00+00,2020-01-02 00:00:00+00)'::tstzrange",
        &Policy::DEFAULT,
    )
    .await;
    let want = Range::from(datetime!(2020-01-01 00:00:00 UTC)..datetime!(2020-01-02 00:00:00 UTC));
    assert_eq!(b.unwrap(), want);
    assert_eq!(t.unwrap(), want);
}
