//! Queries: execute, query_as, fetch_one, fetch_optional, query_scalar,
//! records; typed (one round trip) and prepared paths; sessions.

use pgcast::sql::{Composable, Placeholder, Sql, bind};
use pgcast::{FromRow, Value, sql};
use pgcast_tokio_postgres::{
    ClientExt, ErrorKind, First, PgClient, Record, Session, TransactionEnd, TransactionExt,
};

use crate::support::connect;

#[derive(FromRow, Debug, PartialEq)]
struct Item {
    id: i32,
    name: String,
    price: Option<f64>,
}

async fn items(client: &impl ClientExt) {
    client
        .exec(&Sql::new(
            "CREATE TEMP TABLE items (id int4 PRIMARY KEY, name text NOT NULL, price float8)",
        ))
        .await
        .unwrap();
    for (id, name, price) in [
        (1, "apple", Some(0.5)),
        (2, "pear", None),
        (3, "fig", Some(2.25)),
    ] {
        let n = client
            .exec(&sql!("INSERT INTO items VALUES ({id}, {name}, {price})"))
            .await
            .unwrap();
        assert_eq!(n, 1);
    }
}

#[tokio::test]
async fn every_query_method_on_a_plain_client() {
    let client = connect().await;
    items(&client).await;

    let all: Vec<Item> = client
        .fetch_all(&Sql::new("SELECT * FROM items ORDER BY id"))
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        all[1],
        Item {
            id: 2,
            name: "pear".into(),
            price: None
        }
    );

    let min = 2;
    let one: Item = client
        .fetch_one(&sql!("SELECT * FROM items WHERE id = {min}"))
        .await
        .unwrap();
    assert_eq!(one.name, "pear");

    let none: Option<Item> = client
        .fetch_optional(&sql!("SELECT * FROM items WHERE id = {}", bind(99)))
        .await
        .unwrap();
    assert_eq!(none, None);
    let some: Option<(String,)> = client
        .fetch_optional(&Sql::new("SELECT name FROM items WHERE id = 3"))
        .await
        .unwrap();
    assert_eq!(some, Some(("fig".to_owned(),)));

    let count: i64 = client
        .fetch_scalar(&Sql::new("SELECT count(*) FROM items"))
        .await
        .unwrap();
    assert_eq!(count, 3);
    // the first column, whatever follows
    let name: String = client
        .fetch_scalar(&Sql::new("SELECT name, id FROM items WHERE id = 1"))
        .await
        .unwrap();
    assert_eq!(name, "apple");

    let records: Vec<Record> = client
        .fetch_records(&Sql::new("SELECT id, price FROM items ORDER BY id"))
        .await
        .unwrap();
    assert_eq!(records[0].get("id"), Some(&Value::Int4(1)));
    assert_eq!(records[0].get("price"), Some(&Value::Float8(0.5)));
    assert_eq!(records[1].get_at(1), Some(&Value::Null));
    assert_eq!(records[2].columns()[1].name, "price");

    // exactly one row, or an error saying so
    let err = client
        .fetch_one::<Item>(&Sql::new("SELECT * FROM items"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRows);
    assert_eq!(err.query(), Some("SELECT * FROM items"));
    let err = client
        .fetch_one::<Item>(&Sql::new("SELECT * FROM items WHERE false"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoRows);
    let err = client
        .fetch_optional::<Item>(&Sql::new("SELECT * FROM items"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRows);

    // the connection is still fine after every error
    let n: i32 = client.fetch_scalar(&Sql::new("SELECT 1")).await.unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn named_and_positional_placeholders() {
    let client = connect().await;
    let q = Sql::new("SELECT ")
        + Placeholder::named("a")
        + Sql::new("::int8 + ")
        + Placeholder::named("a")
        + Sql::new(" * ")
        + Placeholder::positional()
        + Sql::new("::int8");
    let n: i64 = client
        .fetch_scalar(&q.clone().with("a", 2_i64).with_positional(0, 10_i64))
        .await
        .unwrap();
    assert_eq!(n, 22);

    let err = client
        .fetch_scalar::<i64>(&q.clone().with("a", 2_i64))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Adapt(pgcast::ErrorKind::Format),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("positional placeholder 0 has no value"),
        "{err}"
    );
    let err = client
        .fetch_scalar::<i64>(&q.clone().with("b", 1))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("placeholder \"b\", which the query does not have"),
        "{err}"
    );
}

#[tokio::test]
async fn typed_and_prepared_paths() {
    let client = PgClient::new(connect().await);
    items(&client).await;

    // the INSERT of the set-up repeated: kept
    let before = client.pg_session().cached_statements();
    assert_eq!(before, 1);
    // a query run once: described, not kept
    let q = sql!("SELECT name FROM items WHERE id = {}", 1_i32);
    let n: String = client.fetch_scalar(&q).await.unwrap();
    assert_eq!(n, "apple");
    assert_eq!(client.pg_session().cached_statements(), before);

    // an untyped NULL lets the server decide: prepared and cached, and the
    // statement is reused (with its row plan)
    let q = Sql::new("SELECT coalesce(")
        + bind(Value::Null)
        + Sql::new(", name) FROM items WHERE id = ")
        + Placeholder::named("id");
    for (id, name) in [(1, "apple"), (3, "fig"), (2, "pear")] {
        let got: First<String> = client.fetch_one(&q.clone().with("id", id)).await.unwrap();
        assert_eq!(got.0, name);
    }
    assert_eq!(client.pg_session().cached_statements(), before + 1);
    // a statement's declared types win over the value's: an int8 value into an int4 parameter
    let q = Sql::new("SELECT name FROM items WHERE id = ") + bind(Value::Int8(3));
    let got: String = client.fetch_scalar(&q).await.unwrap();
    assert_eq!(got, "fig");

    client.pg_session().clear_cache();
    assert_eq!(client.pg_session().cached_statements(), 0);
}

#[tokio::test]
async fn transactions_and_shared_sessions() {
    let mut client = PgClient::new(connect().await);
    items(&client).await;
    {
        let tx = client.pg_transaction().await.unwrap();
        tx.exec(&sql!("DELETE FROM items WHERE id = {}", 1_i32))
            .await
            .unwrap();
        let left: i64 = tx
            .fetch_scalar(&Sql::new("SELECT count(*) FROM items"))
            .await
            .unwrap();
        assert_eq!(left, 2);
        tx.rollback().await.unwrap();
    }
    let left: i64 = client
        .fetch_scalar(&Sql::new("SELECT count(*) FROM items"))
        .await
        .unwrap();
    assert_eq!(left, 3);

    // a plain driver transaction works too
    let mut raw = client.into_inner();
    let tx = raw.transaction().await.unwrap();
    let n = tx.exec(&Sql::new("DELETE FROM items")).await.unwrap();
    assert_eq!(n, 3);
    tx.commit().await.unwrap();
    let session = Session::new();
    let client = PgClient::with_session(&raw, session.clone());
    let left: i64 = client
        .fetch_scalar(&Sql::new("SELECT count(*) FROM items"))
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_session_scope_decides_policies() {
    let client = PgClient::new(connect().await);
    let q = Sql::new("SELECT 1.5::numeric");
    let err = client.fetch_scalar::<f64>(&q).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Adapt(pgcast::ErrorKind::Lossy),
        "{err}"
    );
    client.pg_session().configure(|scope| {
        scope.set_policy(pgcast::Policy {
            lossy: true,
            ..pgcast::Policy::DEFAULT
        });
    });
    let v: f64 = client.fetch_scalar(&q).await.unwrap();
    assert_eq!(v, 1.5);
    // a plain client keeps the global policy
    let plain = client.into_inner();
    assert!(plain.fetch_scalar::<f64>(&q).await.is_err());
    let _ = q.render().unwrap();
}

#[tokio::test]
async fn describe_checks_a_query_against_its_row_type_without_running_it() {
    let client = PgClient::new(connect().await);
    items(&client).await;
    // fits: nothing runs (the DELETE would empty the table)
    client
        .describe::<Item>(&Sql::new("DELETE FROM items RETURNING id, name, price"))
        .await
        .unwrap();
    let left: i64 = client
        .fetch_scalar(&Sql::new("SELECT count(*) FROM items"))
        .await
        .unwrap();
    assert_eq!(left, 3);
    // the errors the real run would give
    let err = client
        .describe::<Item>(&Sql::new("SELECT id, name FROM items"))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Adapt(pgcast::ErrorKind::MissingColumn),
        "{err}"
    );
    assert!(err.to_string().contains("price"), "{err}");
    let err = client
        .describe::<(i32, i32)>(&Sql::new("SELECT id, name FROM items"))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Adapt(pgcast::ErrorKind::WrongType),
        "{err}"
    );
    let err = client
        .describe::<Item>(&Sql::new("SELECT * FROM no_such_table"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("42P01"));
}

#[tokio::test]
async fn a_query_scope_overrides_the_connection_scope_for_one_query() {
    let client = PgClient::new(connect().await);
    let q = Sql::new("SELECT 1.5::numeric");
    // exact by default: numeric into f64 is refused
    assert!(client.fetch_scalar::<f64>(&q).await.is_err());
    let mut lossy = client.pg_session().scope();
    lossy.set_policy(pgcast::Policy {
        lossy: true,
        ..pgcast::Policy::DEFAULT
    });
    let v: f64 = client.with_scope(&lossy).fetch_scalar(&q).await.unwrap();
    assert_eq!(v, 1.5);
    // the connection's scope is unchanged
    assert!(client.fetch_scalar::<f64>(&q).await.is_err());
}
