//! Type information fetched through the connection into its scope.

use pgcast::sql::Sql;
use pgcast::{Kind, Value};
use pgcast_tokio_postgres::{ClientExt, PgClient};

use crate::support::connect;

#[tokio::test]
async fn register_types_with_their_dependencies() {
    let client = PgClient::new(connect().await);
    client
        .batch_execute(
            "CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok');
             CREATE TYPE pg_temp.pair AS (m pg_temp.mood, moods pg_temp.mood[], n int4);",
        )
        .await
        .unwrap();
    let schema: String = client
        .fetch_scalar(&Sql::new(
            "SELECT nspname::text FROM pg_namespace WHERE oid = pg_my_temp_schema()",
        ))
        .await
        .unwrap();

    let err = client.register_type("no_such_type").await.unwrap_err();
    assert!(err.to_string().contains("no type named"), "{err}");

    // the composite pulls in the enum and its array
    let pair = client
        .register_type(&format!("{schema}.pair"))
        .await
        .unwrap();
    let Kind::Composite(fields) = pair.kind() else {
        panic!("{pair:?}")
    };
    assert_eq!(fields[0].type_().name(), "mood");
    assert!(matches!(fields[0].type_().kind(), Kind::Enum(labels) if labels == &["sad", "ok"]));
    assert!(matches!(fields[1].type_().kind(), Kind::Array(e) if e.name() == "mood"));
    let scope = client.pg_session().scope();
    assert_eq!(
        scope.type_by_name("mood").map(|t| t.oid()),
        Some(fields[0].type_().oid())
    );
    assert_eq!(scope.type_by_name("pair"), Some(pair.clone()));
    // only this connection's scope knows it
    assert!(pgcast::Adapters::global().type_by_name("pair").is_none());

    // several at once
    let types = client.register_types(["int4", "text[]"]).await.unwrap();
    assert_eq!(types, [pgcast::Type::INT4, pgcast::Type::TEXT_ARRAY]);

    // values of the registered enum load dynamically
    let records = client
        .fetch_records(&Sql::new("SELECT 'ok'::mood AS m"))
        .await
        .unwrap();
    assert_eq!(records[0].get("m"), Some(&Value::Text("ok".into())));
    assert_eq!(records[0].columns()[0].ty.name(), "mood");
}
