//! The rest of the built-in families: bit strings, geometric types, full
//! text search, pg_lsn, snapshots, xml and void. Each value round-trips in
//! both formats (as `test_type` does), prints as the server prints it, is
//! rendered as a literal the server reads back the same, loads into the
//! same `Value` from both formats, and that `Value` serializes as the
//! server's `to_jsonb`.

use std::fmt::Debug;

use pgcast::bridge::{Loaded, Param, Raw};
use pgcast::sql::{Composable, Literal};
use pgcast::types::{
    BitString, Circle, GeoBox, Line, LineSegment, Path, PgLsn, Point, Polygon, Snapshot, TsQuery,
    TsVector, Weight,
};
use pgcast::{Adapters, Ctx, Dump, Format, LoadOwned, Policy, Type, Value};
use tokio_postgres::Client;

use crate::support::{connect, load_both, server_text, test_type_printed};

/// Everything a family is checked for, for each `(value, SQL literal)`.
async fn check<T>(c: &Client, sql_type: &str, ty: &Type, cases: &[(T, &str)])
where
    T: Dump + LoadOwned + PartialEq + Debug + Clone + Send + Sync + 'static,
{
    test_type_printed(c, sql_type, ty, cases).await;
    check_value_and_literal(c, sql_type, cases).await;
}

async fn check_value_and_literal<T>(c: &Client, sql_type: &str, cases: &[(T, &str)])
where
    T: Dump + Debug + Clone + Send + Sync + 'static,
{
    let adapters = Adapters::global();
    for (value, literal) in cases {
        let expr = format!("{literal}::{sql_type}");
        // our literal reads back as the same value
        let ours = Literal::new(value.clone()).render_inline().unwrap();
        let sql = format!("SELECT (({ours})::{sql_type})::text, ({expr})::text");
        let row = c
            .query_one(&sql, &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let (a, b): (Option<String>, Option<String>) = (row.get(0), row.get(1));
        assert_eq!(a, b, "literal {ours} of {expr}");

        // Value: the same from both formats, a built-in variant, and JSON as to_jsonb
        let sql = format!("SELECT {expr}, to_jsonb({expr})");
        let row = c
            .query_one(&sql, &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let ty = row.columns()[0].type_().clone();
        let loader = adapters.value_loader(&ty);
        let raw: Raw = row.get(0);
        let binary = loader
            .load(&Ctx::binary(&ty), raw.0)
            .unwrap_or_else(|e| panic!("{expr}: {e}"));
        let printed = server_text(c, &format!("SELECT {expr}")).await;
        let text = loader
            .load(&Ctx::text(&ty), printed.as_deref().map(str::as_bytes))
            .unwrap_or_else(|e| panic!("{expr}: {e}"));
        assert_eq!(binary, text, "{expr}: Value from both formats");
        assert!(
            !matches!(binary, Value::Other { .. }),
            "{expr} has a built-in Value loader"
        );
        let theirs: Loaded<serde_json::Value> = row.get(1);
        assert_eq!(
            serde_json::to_value(&binary).unwrap(),
            theirs.0,
            "{expr}: to_jsonb"
        );
    }
}

fn bits(s: &str) -> BitString {
    s.parse().unwrap()
}

#[tokio::test]
async fn bit_strings() {
    let c = connect().await;
    check(
        &c,
        "varbit",
        &Type::VARBIT,
        &[
            (bits(""), "''"),
            (bits("1"), "B'1'"),
            (bits("10110"), "B'10110'"),
            (bits("11111111"), "B'11111111'"),
            (bits("101100001"), "B'101100001'"),
            (bits("00001111"), "X'0F'"),
        ],
    )
    .await;
    check(
        &c,
        "bit(3)",
        &Type::BIT,
        &[(bits("101"), "B'101'"), (bits("000"), "B'000'")],
    )
    .await;
    // a long one, over many bytes
    let long: BitString = (0..1000).map(|i| i % 3 == 0).collect();
    let literal = format!("B'{long}'");
    check(&c, "varbit", &Type::VARBIT, &[(long, literal.as_str())]).await;
}

#[tokio::test]
async fn geometric_types() {
    let c = connect().await;
    let p = Point::new;
    check(
        &c,
        "point",
        &Type::POINT,
        &[
            (p(0.0, 0.0), "'(0,0)'"),
            (p(1.5, -2.25), "'(1.5,-2.25)'"),
            (p(0.1, 1e300), "'(0.1,1e300)'"),
            (p(-0.0, 123456789.125), "'(-0,123456789.125)'"),
            (
                p(f64::INFINITY, f64::NEG_INFINITY),
                "'(Infinity,-Infinity)'",
            ),
        ],
    )
    .await;
    check(
        &c,
        "line",
        &Type::LINE,
        &[
            (
                Line {
                    a: 1.0,
                    b: -1.0,
                    c: 0.0,
                },
                "'{1,-1,0}'",
            ),
            (
                Line {
                    a: 0.0,
                    b: 2.5,
                    c: -3.0,
                },
                "'{0,2.5,-3}'",
            ),
        ],
    )
    .await;
    check(
        &c,
        "lseg",
        &Type::LSEG,
        &[(
            LineSegment {
                start: p(0.0, 0.0),
                end: p(1.5, 2.0),
            },
            "'[(0,0),(1.5,2)]'",
        )],
    )
    .await;
    check(
        &c,
        "box",
        &Type::BOX,
        &[
            (GeoBox::new(p(0.0, 0.0), p(1.0, 1.0)), "'(0,0),(1,1)'"),
            (GeoBox::new(p(-1.5, 3.0), p(2.0, -4.0)), "'(-1.5,3),(2,-4)'"),
        ],
    )
    .await;
    check(
        &c,
        "path",
        &Type::PATH,
        &[
            (
                Path {
                    closed: false,
                    points: vec![p(0.0, 0.0), p(1.0, 1.0), p(2.0, 0.5)],
                },
                "'[(0,0),(1,1),(2,0.5)]'",
            ),
            (
                Path {
                    closed: true,
                    points: vec![p(0.0, 0.0), p(1.0, 1.0)],
                },
                "'((0,0),(1,1))'",
            ),
            (
                Path {
                    closed: false,
                    points: vec![p(3.0, 4.0)],
                },
                "'[(3,4)]'",
            ),
        ],
    )
    .await;
    check(
        &c,
        "polygon",
        &Type::POLYGON,
        &[
            (
                Polygon {
                    points: vec![p(0.0, 0.0), p(4.0, 0.0), p(4.0, 3.0)],
                },
                "'((0,0),(4,0),(4,3))'",
            ),
            (
                Polygon {
                    points: vec![p(1.0, 2.0)],
                },
                "'((1,2))'",
            ),
        ],
    )
    .await;
    check(
        &c,
        "circle",
        &Type::CIRCLE,
        &[
            (
                Circle {
                    center: p(1.0, 2.5),
                    radius: 3.0,
                },
                "'<(1,2.5),3>'",
            ),
            (
                Circle {
                    center: p(0.0, 0.0),
                    radius: 0.0,
                },
                "'<(0,0),0>'",
            ),
        ],
    )
    .await;
}

#[cfg(feature = "geo-types")]
#[tokio::test]
async fn geo_types_round_trip() {
    let c = connect().await;
    crate::support::test_type(
        &c,
        "point",
        &[(geo_types::Point::new(1.0, -2.0), "'(1,-2)'")],
    )
    .await;
    crate::support::test_type(
        &c,
        "path",
        &[(
            geo_types::LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]),
            "'((0,0),(1,0),(1,1))'",
        )],
    )
    .await;
    crate::support::test_type(
        &c,
        "polygon",
        &[(
            geo_types::Polygon::new(
                geo_types::LineString::from(vec![(0.0, 0.0), (4.0, 0.0), (4.0, 3.0)]),
                vec![],
            ),
            "'((0,0),(4,0),(4,3))'",
        )],
    )
    .await;
    crate::support::test_type(
        &c,
        "box",
        &[(
            geo_types::Rect::new((0.0, 0.0), (2.0, 1.0)),
            "'(2,1),(0,0)'",
        )],
    )
    .await;
    crate::support::test_type(
        &c,
        "lseg",
        &[(
            geo_types::Line::new((0.0, 0.0), (2.0, 1.0)),
            "'[(0,0),(2,1)]'",
        )],
    )
    .await;
}

#[cfg(feature = "bit-vec")]
#[tokio::test]
async fn bit_vec_round_trip() {
    let c = connect().await;
    let mut v = bit_vec::BitVec::from_elem(11, false);
    v.set(0, true);
    v.set(10, true);
    crate::support::test_type(&c, "varbit", &[(v, "B'10000000001'")]).await;
}

#[tokio::test]
async fn text_search() {
    let c = connect().await;
    let text = |s: &str| {
        TsVector::new(
            s.split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| pgcast::types::Lexeme {
                    text: w.into(),
                    positions: vec![],
                })
                .collect(),
        )
    };
    let positioned = TsVector::new(vec![
        pgcast::types::Lexeme {
            text: "a".into(),
            positions: vec![
                pgcast::types::Position {
                    index: 1,
                    weight: Weight::A,
                },
                pgcast::types::Position::new(2),
            ],
        },
        pgcast::types::Lexeme {
            text: "it's \\ ünïcode".into(),
            positions: vec![pgcast::types::Position {
                index: 16383,
                weight: Weight::C,
            }],
        },
    ]);
    check(
        &c,
        "tsvector",
        &Type::TS_VECTOR,
        &[
            (text(""), "''"),
            (text("cat fat"), "'fat cat'"),
            (positioned, r"$$a:1A,2 'it''s \\ ünïcode':16383C$$"),
        ],
    )
    .await;
    let l = TsQuery::lexeme;
    check(
        &c,
        "tsquery",
        &Type::TSQUERY,
        &[
            (l("fat"), "'fat'"),
            (
                l("fat").and(l("rat").or(l("cat").prefix().weight(Weight::A).not())),
                "'fat & (rat | !cat:*A)'",
            ),
            (
                l("a").followed_by(l("b").followed_by(l("c"), 2), 1),
                "'a <-> (b <2> c)'",
            ),
            (
                l("a")
                    .or(l("b"))
                    .and(l("c").weight(Weight::B).weight(Weight::D)),
                "'(a | b) & c:BD'",
            ),
            (l("it's"), r"$$'it''s'$$"),
        ],
    )
    .await;
    // The empty query: it loads from both formats and goes as text; the
    // server's binary input refuses it (pgcast says so before sending).
    let [b, t] = load_both::<TsQuery>(&c, "SELECT ''::tsquery", &Policy::DEFAULT).await;
    assert_eq!((b.unwrap(), t.unwrap()), (TsQuery::Empty, TsQuery::Empty));
    let row = c
        .query_one(
            "SELECT $1::tsquery::text",
            &[&Param::new(&TsQuery::Empty, Format::Text)],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "");
    let err = c
        .query_one(
            "SELECT $1::tsquery",
            &[&Param::new(&TsQuery::Empty, Format::Binary)],
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("text format") || format!("{err:?}").contains("text format"),
        "{err:?}"
    );
    check_value_and_literal(&c, "tsquery", &[(TsQuery::Empty, "''")]).await;
    // a real document, as the server makes them
    let row = c
        .query_one(
            "SELECT to_tsvector('english', 'The fat cats ate fat rats'), \
                    to_tsquery('english', 'fat & (rat | cats)')",
            &[],
        )
        .await
        .unwrap();
    let v: Loaded<TsVector> = row.get(0);
    let q: Loaded<TsQuery> = row.get(1);
    assert_eq!(v.0.to_string(), "'ate':4 'cat':3 'fat':2,5 'rat':6");
    assert_eq!(q.0, l("fat").and(l("rat").or(l("cat"))));
}

#[tokio::test]
async fn lsn_snapshot_xml_void() {
    let c = connect().await;
    check(
        &c,
        "pg_lsn",
        &Type::PG_LSN,
        &[
            (PgLsn(0), "'0/0'"),
            (PgLsn(0x16_B374_D848), "'16/B374D848'"),
            (PgLsn(u64::MAX), "'FFFFFFFF/FFFFFFFF'"),
        ],
    )
    .await;
    let snap = |xmin, xmax, xip: &[u64]| Snapshot {
        xmin,
        xmax,
        xip: xip.to_vec(),
    };
    check(
        &c,
        "pg_snapshot",
        &Type::PG_SNAPSHOT,
        &[
            (snap(10, 20, &[10, 14, 15]), "'10:20:10,14,15'"),
            (snap(724, 724, &[]), "'724:724:'"),
        ],
    )
    .await;
    // the older type has no cast from pg_snapshot, which literals are written as
    test_type_printed(
        &c,
        "txid_snapshot",
        &Type::TXID_SNAPSHOT,
        &[(snap(3, 9, &[5]), "'3:9:5'")],
    )
    .await;
    check(
        &c,
        "xml",
        &Type::XML,
        &[
            (
                "<a href=\"x\">b &amp; ü</a>".to_owned(),
                "'<a href=\"x\">b &amp; ü</a>'",
            ),
            ("just text".to_owned(), "'just text'"),
        ],
    )
    .await;
    check(&c, "void", &Type::VOID, &[((), "''")]).await;
    let row = c.query_one("SELECT pg_sleep(0)", &[]).await.unwrap();
    let _: Loaded<()> = row.get(0);
}
