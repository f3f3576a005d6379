//! Composition against a real server: arbitrary strings as `Literal` and
//! `Identifier` come back byte for byte with `standard_conforming_strings`
//! on and off, and every literal type equals the same value bound as a
//! parameter, in both wire formats.
//!
//! `PGCAST_ADVERSARIAL_CASES` sets the number of adversarial cases
//! (10,000 by default).

#[path = "support/mod.rs"]
mod support;

use std::error::Error as StdError;

use bytes::BytesMut;
use pgcast::sql::{Composable, Composed, DumpedParam, Identifier, Literal, Rendered, SqlValue};
use pgcast::{ErrorKind, Format, sql};
use postgres_types::{IsNull, ToSql, Type, to_sql_checked};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use tokio_postgres::{Client, SimpleQueryMessage};

/// A dumped parameter as a `ToSql`, in its own format.
#[derive(Debug)]
struct Dumped<'a>(DumpedParam<'a>);

impl ToSql for Dumped<'_> {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self.0.bytes {
            Some(b) => {
                out.extend_from_slice(b);
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> postgres_types::Format {
        self.0.format.into()
    }

    to_sql_checked!();
}

/// Runs a rendered query with its parameters; the single value of the single row.
async fn query_bool(client: &Client, r: &Rendered<'_>) -> Option<bool> {
    let dumped = r.dump_params().expect("dump parameters");
    let params: Vec<Dumped<'_>> = dumped.iter().map(Dumped).collect();
    let typed: Vec<(&(dyn ToSql + Sync), Type)> = params
        .iter()
        .map(|p| (p as &(dyn ToSql + Sync), p.0.ty.clone()))
        .collect();
    let row = client
        .query_typed_one(r.text(), &typed)
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", r.text()));
    row.get(0)
}

/// Strings built from the pieces that break naive quoting.
fn adversarial() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => prop::sample::select(vec![
            "'", "''", "\\", "\\'", "\"", "\"\"", "$1", "$$", "$a$", "--", "/*", "*/", ";",
            "E'", "U&'", "\\x00", "\n", "\r", "\t", " ", "{", "}", ",", "NULL",
        ])
        .prop_map(str::to_owned),
        4 => any::<char>().prop_filter("no NUL", |c| *c != '\0').prop_map(String::from),
        2 => "[a-zA-Z0-9_]{1,4}",
        1 => prop::char::range('\u{1}', '\u{1f}').prop_map(String::from),
        1 => "[a-zé☃'\"\\\\]{10,40}",
    ];
    // one string in twenty carries a NUL somewhere
    (
        prop::collection::vec(token, 0..12),
        0..20_usize,
        any::<prop::sample::Index>(),
    )
        .prop_map(|(tokens, nul, at)| {
            let mut s = tokens.concat();
            if nul == 0 {
                let chars: Vec<char> = s.chars().collect();
                let i = at.index(chars.len() + 1);
                s = chars[..i]
                    .iter()
                    .chain(['\0'].iter())
                    .chain(&chars[i..])
                    .collect();
            }
            s
        })
}

/// One statement per string: the string as a literal value and as the alias.
/// `None` when the string cannot be an identifier (checked to be an error).
fn statement(s: &str) -> Option<String> {
    // a borrowed `&str` goes into a value hole as an owned argument
    let q = sql!("SELECT {v:l} AS {s:i}", v = s.to_owned());
    let ident = Identifier::new(s.to_owned());
    let bad_ident = s.is_empty() || s.len() > 63 || s.contains('\0');
    if s.contains('\0') {
        assert_eq!(
            Literal::new(s.to_owned())
                .render_inline()
                .unwrap_err()
                .kind(),
            ErrorKind::Nul,
            "{s:?}"
        );
        assert_eq!(ident.check().unwrap_err().kind(), ErrorKind::Identifier);
        assert!(q.render_inline().is_err());
        return None;
    }
    if bad_ident {
        assert_eq!(
            q.render_inline().unwrap_err().kind(),
            ErrorKind::Identifier,
            "{s:?}"
        );
        return Some(
            sql!("SELECT {v:l} AS \"x\"", v = s.to_owned())
                .render_inline()
                .unwrap(),
        );
    }
    Some(q.render_inline().unwrap())
}

/// Runs the statements in one simple query; each must return its string as
/// the value and (when a valid identifier) as the column name.
async fn check_batch(client: &Client, cases: &[String], setting: &str) {
    let mut text = String::new();
    let mut expected = Vec::new();
    for s in cases {
        if let Some(stmt) = statement(s) {
            text.push_str(&stmt);
            text.push_str(";\n");
            expected.push(s);
        }
    }
    let messages = match client.simple_query(&text).await {
        Ok(m) => m,
        Err(e) => {
            // find the culprit
            for s in &expected {
                let stmt = statement(s).unwrap();
                if let Err(e) = client.simple_query(&stmt).await {
                    panic!("{setting}: {s:?} as {stmt}: {e:?}");
                }
            }
            panic!("{setting}: batch failed: {e:?}");
        }
    };
    let rows: Vec<_> = messages
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(row),
            _ => None,
        })
        .collect();
    assert_eq!(rows.len(), expected.len());
    for (row, s) in rows.iter().zip(expected) {
        assert_eq!(row.get(0), Some(s.as_str()), "{setting}: value of {s:?}");
        let valid = !s.is_empty() && s.len() <= 63;
        let name = row.columns()[0].name();
        if valid {
            assert_eq!(name, s, "{setting}: column name of {s:?}");
        } else {
            assert_eq!(name, "x");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adversarial_literals_and_identifiers() {
    let cases: usize = std::env::var("PGCAST_ADVERSARIAL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let on = support::connect().await;
    let off = support::connect().await;
    on.batch_execute("SET standard_conforming_strings = on")
        .await
        .unwrap();
    off.batch_execute("SET standard_conforming_strings = off; SET escape_string_warning = off")
        .await
        .unwrap();
    let seed = std::env::var("PGCAST_ADVERSARIAL_SEED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs())
        });
    eprintln!("adversarial seed {seed} (PGCAST_ADVERSARIAL_SEED), {cases} cases");
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = adversarial();
    let mut done = 0;
    let (mut nul, mut long) = (0, 0);
    while done < cases {
        let n = 500.min(cases - done);
        let batch: Vec<String> = (0..n)
            .map(|_| strategy.new_tree(&mut runner).unwrap().current())
            .collect();
        nul += batch.iter().filter(|s| s.contains('\0')).count();
        long += batch.iter().filter(|s| s.len() > 63).count();
        tokio::join!(
            check_batch(&on, &batch, "standard_conforming_strings=on"),
            check_batch(&off, &batch, "standard_conforming_strings=off"),
        );
        done += n;
    }
    eprintln!("{done} cases: {nul} with NUL (errors), {long} over 63 bytes (identifier errors)");
    assert!(nul > 0 && long > 0, "the generator covers the error paths");
}

/// `lit IS NOT DISTINCT FROM $1`, with `$1` the same value bound, in both formats.
async fn literal_equals_bound(client: &Client, value: impl SqlValue + Clone) {
    literal_equals_bound_by(client, value, "IS NOT DISTINCT FROM").await
}

async fn literal_equals_bound_by(client: &Client, value: impl SqlValue + Clone, op: &str) {
    let op = pgcast::sql::Sql::from_runtime_unchecked(op.to_owned());
    let v = value.clone();
    let q: Composed = sql!("SELECT ({value:l}) {op:q} ({v})");
    for format in [Format::Binary, Format::Text] {
        let r = q.render().unwrap().with_format(format);
        let inline = q.render_inline().unwrap();
        assert_eq!(
            query_bool(client, &r).await,
            Some(true),
            "{format:?}: {} with {:?} ({inline})",
            r.text(),
            r.params()
        );
    }
}

#[tokio::test]
async fn every_literal_type_equals_its_bound_parameter() {
    use pgcast::types::{
        Array, Dimension, Inet, Infinite, Interval, Json, MacAddr, MacAddr8, Money, Numeric, TimeTz,
    };
    use time::macros::{date, datetime, offset, time};
    let c = support::connect().await;
    // scalars
    for v in [true, false] {
        literal_equals_bound(&c, v).await;
    }
    for v in [i16::MIN, -1, 0, i16::MAX] {
        literal_equals_bound(&c, v).await;
    }
    for v in [i32::MIN, -7, i32::MAX] {
        literal_equals_bound(&c, v).await;
    }
    for v in [i64::MIN, -1, 1 << 40, i64::MAX] {
        literal_equals_bound(&c, v).await;
    }
    literal_equals_bound(&c, 4_000_000_000_u32).await;
    literal_equals_bound(&c, b'q' as i8).await;
    literal_equals_bound(&c, None::<i32>).await;
    // floats and numerics
    for v in [
        0.1_f64,
        -0.0,
        1.5e300,
        -2.5e-300,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        literal_equals_bound(&c, v).await;
    }
    for v in [0.1_f32, -3.4e38, f32::NAN, f32::NEG_INFINITY] {
        literal_equals_bound(&c, v).await;
    }
    for s in [
        "0",
        "-123.4500",
        "1e-20",
        "99999999999999999999999999.99999",
        "NaN",
        "Infinity",
        "-Infinity",
    ] {
        literal_equals_bound(&c, s.parse::<Numeric>().unwrap()).await;
    }
    literal_equals_bound(&c, Money(-12_345)).await;
    // text
    for s in [
        "",
        "it's",
        r"back\slash",
        r"\'",
        "ünï ☃ 𝄞",
        "line\nbreak",
        "$1 -- /* ; */",
        "\u{1}\u{7f}",
    ] {
        literal_equals_bound(&c, s.to_owned()).await;
        literal_equals_bound(&c, s).await;
    }
    literal_equals_bound(&c, 'é').await;
    // bytea
    literal_equals_bound(&c, Vec::<u8>::new()).await;
    literal_equals_bound(&c, (0..=255_u8).collect::<Vec<u8>>()).await;
    // dates and times
    literal_equals_bound(&c, date!(2016 - 12 - 31)).await;
    literal_equals_bound(&c, date!(2000 - 02 - 29)).await;
    literal_equals_bound(&c, date!(-0044 - 03 - 15)).await;
    literal_equals_bound(&c, datetime!(2016-12-31 23:59:59.999999)).await;
    literal_equals_bound(&c, datetime!(1970-01-01 00:00:00 -08:00)).await;
    literal_equals_bound(&c, datetime!(2038-01-19 03:14:08 +05:45)).await;
    literal_equals_bound(&c, time!(00:00)).await;
    literal_equals_bound(&c, time!(23:59:59.999999)).await;
    literal_equals_bound(&c, TimeTz::new(time!(01:02:03), offset!(-03:30))).await;
    literal_equals_bound(&c, Interval::new(14, -3, 4_500_000)).await;
    literal_equals_bound(&c, Interval::new(0, 0, -1)).await;
    literal_equals_bound(&c, time::Duration::seconds(-90061)).await;
    literal_equals_bound(&c, Infinite::<time::Date>::Infinity).await;
    literal_equals_bound(&c, Infinite::<time::PrimitiveDateTime>::NegInfinity).await;
    // json: no equality operator on json, so compare jsonb
    let doc = serde_json::json!({"a": [1, "it's", null, "back\\slash", "☃"], "b": {"c": -1.5}});
    literal_equals_bound(&c, doc.clone()).await;
    literal_equals_bound(&c, Json(vec!["x'y".to_owned()])).await;
    let json_scope = pgcast::Adapters::new().with_policy(pgcast::Policy {
        json: pgcast::JsonPolicy::Json,
        ..pgcast::Policy::DEFAULT
    });
    let v = doc.clone();
    let q = sql!("SELECT ({doc:l})::jsonb = ({v})::jsonb");
    let r = q.render_with(&json_scope).unwrap();
    assert_eq!(r.params()[0].pg_type(), Some(&Type::JSON));
    assert!(
        q.render_inline_with(&json_scope)
            .unwrap()
            .contains("::json)")
    );
    assert_eq!(query_bool(&c, &r).await, Some(true));
    // uuid, network
    literal_equals_bound(
        &c,
        uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
    )
    .await;
    literal_equals_bound(&c, "192.168.0.1/24".parse::<Inet>().unwrap()).await;
    literal_equals_bound(&c, "2001:db8::1".parse::<std::net::IpAddr>().unwrap()).await;
    literal_equals_bound(&c, MacAddr([8, 0, 0x2b, 1, 2, 3])).await;
    literal_equals_bound(&c, MacAddr8([8, 0, 0x2b, 1, 2, 3, 4, 5])).await;
    // arrays
    literal_equals_bound(&c, vec![1_i32, -2, 3]).await;
    literal_equals_bound(&c, Vec::<i64>::new()).await;
    literal_equals_bound(&c, vec![Some(1_i16), None]).await;
    literal_equals_bound(
        &c,
        vec![
            "a",
            "b c",
            "",
            "it's",
            "q\"uote",
            r"back\slash",
            "NULL",
            "{,}",
        ],
    )
    .await;
    literal_equals_bound(&c, vec![Some("NULL".to_owned()), None]).await;
    literal_equals_bound(&c, vec![true, false]).await;
    literal_equals_bound(&c, vec![vec![0_u8, 1, 255]]).await;
    literal_equals_bound(&c, vec![1.5_f64, f64::NAN, f64::NEG_INFINITY]).await;
    literal_equals_bound(&c, vec![date!(2016 - 12 - 31)]).await;
    literal_equals_bound(&c, vec![doc.clone()]).await;
    literal_equals_bound(&c, vec![uuid::Uuid::nil()]).await;
    let square = Array::from_parts(
        &[Dimension::new(2, 1), Dimension::new(2, 1)],
        vec![1_i32, 2, 3, 4],
    );
    literal_equals_bound(&c, square.unwrap()).await;
    let shifted = Array::from_parts(
        &[Dimension::new(2, -1)],
        vec!["x".to_owned(), "y".to_owned()],
    );
    literal_equals_bound(&c, shifted.unwrap()).await;
}

#[tokio::test]
async fn rendered_queries_run() {
    let c = support::connect().await;
    c.batch_execute("CREATE TEMP TABLE \"we\"\"ird\" (id int8, \"na me\" text, tags text[]);")
        .await
        .unwrap();
    let table = "we\"ird";
    let rows = (1..=1000_i64).map(|i| {
        [
            pgcast::sql::bind(i),
            pgcast::sql::bind(format!("n'{i}\\")),
            pgcast::sql::bind(vec![format!("t{i}")]),
        ]
    });
    let cols = Identifier::list(["id", "na me", "tags"]);
    for page in pgcast::sql::Values::new(rows).page_size(300) {
        let page = page.unwrap();
        let q = sql!("INSERT INTO {table:i} ({cols:q}) VALUES {page:q}");
        let r = q.render().unwrap();
        let dumped = r.dump_params().unwrap();
        let params: Vec<Dumped<'_>> = dumped.iter().map(Dumped).collect();
        let typed: Vec<(&(dyn ToSql + Sync), Type)> = params
            .iter()
            .map(|p| (p as &(dyn ToSql + Sync), p.0.ty.clone()))
            .collect();
        c.query_typed(r.text(), &typed).await.unwrap();
    }
    let ids = vec![3_i64, 500, 999];
    let q = sql!(
        "SELECT count(*) = 3 FROM {table:i} WHERE id = ANY({ids}) AND {name:i} LIKE {pat}",
        name = "na me",
        pat = "n'%\\\\"
    );
    assert_eq!(query_bool(&c, &q.render().unwrap()).await, Some(true));
    // the same query inlined runs to the same answer (simple protocol)
    let inline = q.render_inline().unwrap();
    assert_eq!(
        support::server_text(&c, &inline).await.as_deref(),
        Some("t")
    );
}

/// What the server makes of a literal: its type, and `literal / 4` compared
/// with the same value bound as a parameter divided by 4 (integer division
/// would truncate a value the lexer took for an integer).
async fn literal_type_and_quarter(client: &Client, value: impl SqlValue + Clone) -> String {
    let v = value.clone();
    let q: Composed = sql!(
        "SELECT pg_typeof({value:l})::text || ' ' || (({value:l}) / 4 IS NOT DISTINCT FROM ({v}) / 4)::text"
    );
    let inline = q.render_inline().unwrap();
    let r = q.render().unwrap();
    let dumped = r.dump_params().unwrap();
    let params: Vec<Dumped<'_>> = dumped.iter().map(Dumped).collect();
    let typed: Vec<(&(dyn ToSql + Sync), Type)> = params
        .iter()
        .map(|p| (p as &(dyn ToSql + Sync), p.0.ty.clone()))
        .collect();
    let row = client
        .query_typed(r.text(), &typed)
        .await
        .unwrap_or_else(|e| panic!("{inline}: {e}"));
    row[0].get(0)
}

#[tokio::test]
async fn literals_keep_their_numeric_type() {
    use pgcast::types::Numeric;
    let c = support::connect().await;
    for v in [
        1.0_f64,
        -1.0,
        2.0,
        100_000.0,
        1e15,
        1e300,
        -0.0,
        0.0,
        f64::MIN_POSITIVE,
        f64::MAX,
        -f64::MAX,
        1.5,
    ] {
        let got = literal_type_and_quarter(&c, v).await;
        assert_eq!(got, "double precision true", "{v:?}");
    }
    for v in [
        1.0_f32,
        -2.0,
        100_000.0,
        -0.0,
        f32::MIN_POSITIVE,
        f32::MAX,
        0.1,
    ] {
        let got = literal_type_and_quarter(&c, v).await;
        assert_eq!(got, "real true", "{v:?}");
    }
    for s in [
        "1", "-1", "1000", "1E+3", "0", "-0", "1.0", "0.5", "1e-20", "-7E+30",
    ] {
        let n: Numeric = s.parse().unwrap();
        let got = literal_type_and_quarter(&c, n).await;
        assert_eq!(got, "numeric true", "{s}");
    }
    #[cfg(feature = "rust_decimal")]
    for s in [
        "1E+3",
        "-1E+0",
        "5",
        "0.25",
        "79228162514264337593543950335",
    ] {
        let d = pgcast::types::Decimal::from_scientific(s)
            .or_else(|_| s.parse())
            .unwrap();
        let got = literal_type_and_quarter(&c, d).await;
        assert_eq!(got, "numeric true", "{s}");
    }

    // Arithmetic that overflowed int4 when a whole float was inlined bare.
    let (x, y) = (100_000.0_f64, 1.0_f64);
    let q = sql!("SELECT ({x:l}) * ({x:l}), ({y:l}) / 4, ({x:l})::text");
    let inline = q.render_inline().unwrap();
    let rows = c.simple_query(&inline).await.unwrap();
    let row = rows
        .iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        })
        .unwrap();
    assert_eq!(row.get(0), Some("10000000000"), "{inline}");
    assert_eq!(row.get(1), Some("0.25"), "{inline}");
    assert_eq!(row.get(2), Some("100000"), "{inline}");
    // Negative zero survives as a float.
    let z = -0.0_f64;
    let q = sql!("SELECT ({z:l})::text");
    assert_eq!(
        support::server_text(&c, &q.render_inline().unwrap())
            .await
            .as_deref(),
        Some("-0")
    );
}
