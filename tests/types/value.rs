//! The dynamic Value: every built-in family loads the same from both
//! formats, and its JSON matches the server's own `to_json` where JSON has a
//! form for the value.

use pgcast::bridge::Raw;
use pgcast::{Adapters, Ctx, NumericPolicy, Policy, Value};

use crate::support::connect;

const EXPRESSIONS: &[&str] = &[
    "true",
    "(-5)::int2",
    "2147483647::int4",
    "(-9223372036854775808)::int8",
    "1.5::float4",
    "'-Infinity'::float8",
    "0.1::float8",
    "'héllo \"quoted\" \\ back'::text",
    "'a'::varchar(3)",
    "'\\x00ff'::bytea",
    "'{\"a\": [1, 2.5, null], \"b\": {\"c\": \"d\"}}'::jsonb",
    "'[1, 2]'::json",
    "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
    "'2024-02-29'::date",
    "'2024-02-29 13:45:06.123456'::timestamp",
    "'2024-02-29 13:45:06.5+00'::timestamptz",
    "'10.1.2.3/8'::inet",
    "'{{1,2},{3,NULL}}'::int4[]",
    "'{\"a b\",NULL,\"\"}'::text[]",
    "ARRAY['2024-01-01'::date]",
    "'[1,5)'::int4range",
    "'{[1,3), [5,7)}'::int4multirange",
    "'[2024-01-01,2024-02-01)'::daterange",
    "'empty'::numrange",
];

#[tokio::test]
async fn both_formats_load_the_same_values() {
    let c = connect().await;
    c.batch_execute("SET TimeZone = 'UTC'").await.unwrap();
    let adapters = Adapters::global();
    for expr in EXPRESSIONS.iter().chain(&[
        "12345678901234567890.000100::numeric",
        "'12:00:01'::time",
        "'1 year 2 mons -3 days 04:05:06'::interval",
        "'$1,234.56'::money",
        "'08:00:2b:01:02:03'::macaddr",
    ]) {
        let sql = format!("SELECT {expr}");
        let row = c.query_one(&sql, &[]).await.unwrap();
        let ty = row.columns()[0].type_().clone();
        let loader = adapters.value_loader(&ty);
        let raw: Raw = row.get(0);
        let binary = loader
            .load(&Ctx::binary(&ty), raw.0)
            .unwrap_or_else(|e| panic!("{expr}: {e}"));
        let printed = crate::support::server_text(&c, &sql).await;
        let text = loader
            .load(&Ctx::text(&ty), printed.as_deref().map(str::as_bytes))
            .unwrap_or_else(|e| panic!("{expr}: {e}"));
        assert_eq!(binary, text, "{expr}");
        assert!(
            !matches!(binary, Value::Other { .. }),
            "{expr} has a built-in loader"
        );
    }
}

#[tokio::test]
async fn json_matches_to_json() {
    let c = connect().await;
    c.batch_execute("SET TimeZone = 'UTC'").await.unwrap();
    let adapters = Adapters::global();
    for expr in EXPRESSIONS {
        let sql = format!("SELECT {expr}, to_json({expr})");
        let row = c.query_one(&sql, &[]).await.unwrap();
        let ty = row.columns()[0].type_().clone();
        let raw: Raw = row.get(0);
        let value = adapters
            .value_loader(&ty)
            .load(&Ctx::binary(&ty), raw.0)
            .unwrap();
        let ours = serde_json::to_value(&value).unwrap();
        let theirs: pgcast::bridge::Loaded<serde_json::Value> = row.get(1);
        let theirs = theirs.0;
        assert_eq!(ours, theirs, "{expr}");
    }
}

#[tokio::test]
async fn numeric_policy_per_scope() {
    let c = connect().await;
    let row = c.query_one("SELECT 2.50::numeric", &[]).await.unwrap();
    let ty = row.columns()[0].type_().clone();
    let raw: Raw = row.get(0);
    let exact = Adapters::global()
        .value_loader(&ty)
        .load(&Ctx::binary(&ty), raw.0)
        .unwrap();
    assert_eq!(exact.to_string_json(), "\"2.50\"");
    let floats = Adapters::global().with_policy(Policy {
        numeric: NumericPolicy::Float,
        ..Policy::DEFAULT
    });
    let ctx = Ctx::binary(&ty).with_policy(floats.policy());
    assert_eq!(
        floats.value_loader(&ty).load(&ctx, raw.0).unwrap(),
        Value::Float8(2.5)
    );
}

trait ToJsonString {
    fn to_string_json(&self) -> String;
}

impl ToJsonString for Value {
    fn to_string_json(&self) -> String {
        serde_json::to_string(self).unwrap()
    }
}

/// The zone the server reports for the session (what a session passes to
/// `Adapters::set_time_zone`).
async fn session_zone(c: &tokio_postgres::Client) -> pgcast::TimeZone {
    let name = crate::support::server_text(c, "SHOW TimeZone")
        .await
        .expect("a TimeZone");
    pgcast::TimeZone::named(&name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[tokio::test]
async fn timestamptz_follows_the_session_time_zone() {
    use time::OffsetDateTime;

    let c = connect().await;
    // instants since 1970, where every tz database agrees; both sides of
    // daylight saving time, half-hour zones, a POSIX zone and a fixed offset
    let instants = [
        "2024-02-29 12:45:06.5+00",
        "2024-07-01 00:30:00+00",
        "1999-12-31 23:59:59.999999+00",
        "1970-01-01 00:00:00+00",
    ];
    let set = [
        "SET TimeZone = 'UTC'",
        "SET TimeZone = 'Europe/Amsterdam'",
        "SET TimeZone = 'America/St_Johns'",
        "SET TimeZone = 'Asia/Kolkata'",
        "SET TimeZone = 'Australia/Lord_Howe'",
        "SET TimeZone = 'EST5EDT'",
        "SET TIME ZONE INTERVAL '+03:00' HOUR TO MINUTE",
        "SET TIME ZONE -7",
    ];
    for set in set {
        c.batch_execute(set).await.unwrap();
        let mut scope = Adapters::global().scope();
        scope.set_time_zone(session_zone(&c).await);
        for instant in instants {
            let expr = format!("'{instant}'::timestamptz");
            let sql = format!("SELECT {expr}, to_json({expr})");
            let row = c.query_one(&sql, &[]).await.unwrap();
            let ty = row.columns()[0].type_().clone();
            let raw: Raw = row.get(0);
            let binary = Ctx::binary(&ty).with_policy(scope.policy());
            let value = scope.value_loader(&ty).load(&binary, raw.0).unwrap();
            let theirs: pgcast::bridge::Loaded<serde_json::Value> = row.get(1);
            assert_eq!(
                serde_json::to_value(&value).unwrap(),
                theirs.0,
                "{set}: {instant}"
            );
            // the typed load gives the same offset from both formats
            let printed = crate::support::server_text(&c, &format!("SELECT {expr}")).await;
            let text = Ctx::text(&ty).with_policy(scope.policy());
            let t: OffsetDateTime =
                pgcast::Load::load(&text, printed.as_deref().unwrap().as_bytes()).unwrap();
            let b: OffsetDateTime = pgcast::Load::load_opt(&binary, raw.0).unwrap();
            assert_eq!((b, b.offset()), (t, t.offset()), "{set}: {instant}");
        }
    }
    c.batch_execute("RESET TimeZone").await.unwrap();
}
