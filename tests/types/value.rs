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
