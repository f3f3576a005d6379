//! The defects found by running pgcast as a new user would, each held down
//! by a test on a fresh connection, under a timeout where it could hang.

use std::future::Future;
use std::time::Duration;

use futures_util::StreamExt;
use pgcast::sql::Sql;
use pgcast::{PgEnum, Value, sql};
use pgcast_tokio_postgres::{
    ClientExt, CursorFetch, PgClient, Prepare, Record, TransactionEnd, TransactionExt,
};

use crate::support::connect;

/// Fails the test instead of hanging it.
async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(Duration::from_secs(60), f).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no answer in 60 s (a hang)"),
    }
}

/// A schema of its own with an enum, a composite, a domain over the enum
/// and a table using them, made on one connection; the tests then use
/// fresh connections that have never seen the types.
async fn fixtures(schema: &str) {
    let setup = connect().await;
    setup
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE;
             CREATE SCHEMA {schema};
             CREATE TYPE {schema}.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
             CREATE TYPE {schema}.film_summary AS (title text, rating {schema}.mpaa_rating);
             CREATE DOMAIN {schema}.rating_d AS {schema}.mpaa_rating;
             CREATE TABLE {schema}.film (
                 id int4 PRIMARY KEY, title text NOT NULL, rating {schema}.mpaa_rating,
                 released date, seen timestamptz, meta jsonb, code uuid, tags text[],
                 ratings {schema}.mpaa_rating[], fts tsvector);
             INSERT INTO {schema}.film
                 SELECT n, 'film ' || n, 'PG-13', DATE '2006-01-01' + n,
                        TIMESTAMPTZ '2006-01-01 00:00:00+00' + n * INTERVAL '1 hour',
                        jsonb_build_object('n', n), md5(n::text)::uuid,
                        ARRAY['a', 'b'], ARRAY['G', 'R']::{schema}.mpaa_rating[],
                        to_tsvector('english', 'academy battle ' || n)
                 FROM generate_series(1, 10000) n;"
        ))
        .await
        .unwrap();
}

/// The shared suite (`tests/suite`) runs this on sessions of their own;
/// here, plain clients (no session kept) and a transaction.
#[tokio::test]
async fn unseen_result_types_do_not_hang_on_plain_clients() {
    fixtures("c_hang").await;
    let pad = "repeat('x', 200)";
    let queries = [
        format!("SELECT 'PG-13'::c_hang.mpaa_rating, {pad} FROM generate_series(1, 10000)"),
        format!("SELECT ROW('t', 'R')::c_hang.film_summary, {pad} FROM generate_series(1, 10000)"),
        format!("SELECT 'G'::c_hang.rating_d, {pad} FROM generate_series(1, 10000)"),
        format!(
            "SELECT ARRAY['G', 'R']::c_hang.mpaa_rating[], {pad} FROM generate_series(1, 10000)"
        ),
        "SELECT * FROM c_hang.film".to_owned(),
    ];
    for text in &queries {
        let q = Sql::from_runtime_unchecked(text.clone());
        // a plain client on a fresh connection
        let plain = connect().await;
        let records = within(text, plain.fetch_records(&q)).await.unwrap();
        assert_eq!(records.len(), 10_000, "{text}");
        // streamed
        let fresh = connect().await;
        let mut stream = within(text, fresh.fetch_stream::<Record>(&q))
            .await
            .unwrap();
        let mut n = 0;
        while let Some(row) = within(text, stream.next()).await {
            row.unwrap();
            n += 1;
        }
        assert_eq!(n, 10_000, "{text}");
    }

    // typed rows: the enum as its derived type and as a string
    #[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
    #[pg(name = "c_hang.mpaa_rating")]
    enum MpaaRating {
        G,
        #[pg(rename = "PG")]
        Pg,
        #[pg(rename = "PG-13")]
        Pg13,
        R,
        #[pg(rename = "NC-17")]
        Nc17,
    }
    let fresh = connect().await;
    let n = 10_000_i32;
    let rows: Vec<(MpaaRating, String)> = within(
        "derived enum",
        fresh.fetch_all(&sql!(
            "SELECT 'PG-13'::c_hang.mpaa_rating, repeat('x', 200) FROM generate_series(1, {n})"
        )),
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 10_000);
    assert_eq!(rows[0].0, MpaaRating::Pg13);

    // a cursor over an unseen type, in a transaction of a fresh connection
    let mut fresh = PgClient::new(connect().await);
    let tx = fresh.pg_transaction().await.unwrap();
    let mut cursor = within(
        "cursor",
        tx.cursor::<(String, Vec<String>)>(&Sql::new(
            "SELECT rating::text, ratings::text[] FROM c_hang.film ORDER BY id",
        )),
    )
    .await
    .unwrap();
    let mut total = 0;
    loop {
        let batch = within("fetch_many", cursor.fetch_many(2_500))
            .await
            .unwrap();
        if batch.is_empty() {
            break;
        }
        total += batch.len();
    }
    assert_eq!(total, 10_000);
    let mut cursor = within(
        "cursor of records",
        tx.cursor::<Record>(&Sql::new("SELECT * FROM c_hang.film ORDER BY id")),
    )
    .await
    .unwrap();
    let rows = within("fetch_rest", cursor.fetch_rest()).await.unwrap();
    assert_eq!(rows.len(), 10_000);
    assert_eq!(rows[0].get("rating"), Some(&Value::Text("PG-13".into())));
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn statements_follow_search_path_changes_and_survive_schema_changes() {
    let setup = connect().await;
    setup
        .batch_execute(
            "DROP SCHEMA IF EXISTS c_sp_a CASCADE; DROP SCHEMA IF EXISTS c_sp_b CASCADE;
             CREATE SCHEMA c_sp_a; CREATE SCHEMA c_sp_b;
             CREATE TYPE c_sp_a.pair AS (x int4, y int4);
             CREATE TYPE c_sp_b.pair AS (label text);
             CREATE TABLE c_sp_a.t (v c_sp_a.pair); INSERT INTO c_sp_a.t VALUES (ROW(1, 2));
             CREATE TABLE c_sp_b.t (v c_sp_b.pair); INSERT INTO c_sp_b.t VALUES (ROW('b'));
             CREATE TABLE c_sp_a.grows (id int4); INSERT INTO c_sp_a.grows VALUES (1);",
        )
        .await
        .unwrap();
    let client = PgClient::new(connect().await);
    client.pg_session().set_prepare(Prepare::Always);
    let q = Sql::new("SELECT v::text FROM t");
    client
        .exec(&Sql::new("SET search_path TO c_sp_a"))
        .await
        .unwrap();
    for _ in 0..2 {
        let v: String = client.fetch_scalar(&q).await.unwrap();
        assert_eq!(v, "(1,2)");
    }
    client
        .exec(&Sql::new("SET search_path TO c_sp_b"))
        .await
        .unwrap();
    let v: String = client.fetch_scalar(&q).await.unwrap();
    assert_eq!(v, "(b)");
    // records of the composites: each schema's own
    let r = client
        .fetch_records(&Sql::new("SELECT v FROM t"))
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(r[0].get("v")).unwrap(), "(b)");
    client
        .exec(&Sql::new("SET search_path TO c_sp_a"))
        .await
        .unwrap();
    let r = client
        .fetch_records(&Sql::new("SELECT v FROM t"))
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(r[0].get("v")).unwrap(), "(1,2)");

    // the result changes shape under a kept statement: prepared again, once
    let q = Sql::new("SELECT * FROM c_sp_a.grows");
    let before: Vec<Record> = client.fetch_all(&q).await.unwrap();
    assert_eq!(before[0].len(), 1);
    setup
        .batch_execute("ALTER TABLE c_sp_a.grows ADD COLUMN name text DEFAULT 'n'")
        .await
        .unwrap();
    let after: Vec<Record> = client.fetch_all(&q).await.unwrap();
    assert_eq!(after[0].len(), 2);
    assert_eq!(after[0].get("name"), Some(&Value::Text("n".into())));
    // and a typed row follows
    let (id, name): (i32, String) = client.fetch_one(&q).await.unwrap();
    assert_eq!((id, name.as_str()), (1, "n"));
}

#[tokio::test]
async fn composed_values_reach_the_server_untouched() {
    // a query with a literal, an identifier and bound values, sent by every
    // path (described, one round trip, kept)
    let client = PgClient::new(connect().await);
    client
        .pg_session()
        .set_prepare(Prepare::Auto { threshold: 3 });
    let col = "v";
    for i in 0..4_i64 {
        let q = sql!("SELECT {i} + 1 AS {col:i}, {:l} AS lit", 1.0_f64);
        let (v, lit): (i64, f64) = client.fetch_one(&q).await.unwrap();
        assert_eq!((v, lit), (i + 1, 1.0));
        let _ = q.render().unwrap();
    }
}

#[tokio::test]
async fn timestamptz_values_follow_the_connection_time_zone() {
    let client = PgClient::new(connect().await);
    let q = Sql::new(
        "SELECT TIMESTAMPTZ '2024-07-01 12:00:00+00' AS t, to_json(TIMESTAMPTZ '2024-07-01 12:00:00+00')::text AS j",
    );
    for zone in [
        "UTC",
        "Europe/Amsterdam",
        "Asia/Kolkata",
        "America/St_Johns",
    ] {
        client
            .exec(&Sql::from_runtime_unchecked(format!(
                "SET TIME ZONE '{zone}'"
            )))
            .await
            .unwrap();
        for _ in 0..2 {
            let rows = client.fetch_records(&q).await.unwrap();
            let ours = serde_json::to_value(rows[0].get("t").unwrap()).unwrap();
            let Some(Value::Text(server)) = rows[0].get("j") else {
                panic!("{rows:?}")
            };
            let server: serde_json::Value = serde_json::from_str(server).unwrap();
            assert_eq!(ours, server, "{zone}");
        }
    }
}

#[tokio::test]
async fn schema_changes_under_a_running_application() {
    let setup = connect().await;
    setup
        .batch_execute(
            "DROP SCHEMA IF EXISTS c_schema CASCADE; CREATE SCHEMA c_schema;
             CREATE TYPE c_schema.mood AS ENUM ('sad', 'ok');
             CREATE TABLE c_schema.t (id int4, m c_schema.mood, extra text);
             INSERT INTO c_schema.t VALUES (1, 'ok', 'e');",
        )
        .await
        .unwrap();
    #[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
    #[pg(name = "c_schema.mood", rename_all = "lowercase")]
    enum Mood {
        Sad,
        Ok,
    }
    let client = PgClient::new(connect().await);
    client.pg_session().set_prepare(Prepare::Always);
    let q = Sql::new("SELECT * FROM c_schema.t ORDER BY id");
    let rows: Vec<(i32, Mood, String)> = client.fetch_all(&q).await.unwrap();
    assert_eq!(rows, [(1, Mood::Ok, "e".to_owned())]);

    // DISCARD ALL behind pgcast's back: the kept statement is gone (26000),
    // prepared again once
    client.batch_execute("DISCARD ALL").await.unwrap();
    let rows: Vec<(i32, Mood, String)> = client.fetch_all(&q).await.unwrap();
    assert_eq!(rows.len(), 1);

    // a column dropped: the result changes shape (0A000), prepared again,
    // and the row type says what no longer fits
    setup
        .batch_execute("ALTER TABLE c_schema.t DROP COLUMN extra")
        .await
        .unwrap();
    let rows: Vec<(i32, Mood)> = client.fetch_all(&q).await.unwrap();
    assert_eq!(rows, [(1, Mood::Ok)]);

    // a label added: the values load as text, into Value, and a derived enum
    // without the variant says which label it lacks
    setup
        .batch_execute("ALTER TYPE c_schema.mood ADD VALUE 'happy'")
        .await
        .unwrap();
    setup
        .batch_execute("INSERT INTO c_schema.t VALUES (2, 'happy')")
        .await
        .unwrap();
    let labels: Vec<(i32, String)> = client
        .fetch_all(&Sql::new("SELECT id, m::text FROM c_schema.t ORDER BY id"))
        .await
        .unwrap();
    assert_eq!(labels[1].1, "happy");
    let records = client.fetch_records(&q).await.unwrap();
    assert_eq!(records[1].get("m"), Some(&Value::Text("happy".into())));
    let err = client.fetch_all::<(i32, Mood)>(&q).await.unwrap_err();
    assert!(err.to_string().contains("happy"), "{err}");

    // the type dropped and made again (a new OID) under a registered scope:
    // the parameter's type is fetched again. (A fresh connection: after the
    // DISCARD ALL above, tokio-postgres' own type-lookup statement is gone
    // on the first one, and the driver does not prepare it again.)
    let client = PgClient::new(connect().await);
    client.pg_session().set_prepare(Prepare::Always);
    client.register_types(["c_schema.mood"]).await.unwrap();
    let before = client
        .pg_session()
        .scope()
        .type_by_name("c_schema.mood")
        .unwrap()
        .oid();
    let is_ok: bool = client
        .fetch_scalar(&sql!("SELECT {}::text = 'ok'", Mood::Ok))
        .await
        .unwrap();
    assert!(is_ok);
    setup
        .batch_execute(
            "DROP TABLE c_schema.t; DROP TYPE c_schema.mood;
             CREATE TYPE c_schema.mood AS ENUM ('sad', 'ok', 'happy');",
        )
        .await
        .unwrap();
    let is_ok: bool = client
        .fetch_scalar(&sql!("SELECT {}::text = 'ok'", Mood::Ok))
        .await
        .unwrap();
    assert!(is_ok);
    let after = client
        .pg_session()
        .scope()
        .type_by_name("c_schema.mood")
        .unwrap()
        .oid();
    assert_ne!(before, after);
}
