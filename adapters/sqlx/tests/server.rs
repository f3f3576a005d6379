//! The sqlx adapter against a real server: the verbs on a connection, a
//! transaction and a pool; strings against typed columns; unseen types on
//! large results (under a timeout); sessions across pool checkouts; COPY;
//! cursors; errors.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream};
use pgcast::sql::{Identifier, Sql, bind};
use pgcast::{FromRow, PgEnum, ToRow, Value, sql};
use pgcast_sqlx::{ClientExt, CopyExt, CursorFetch, ErrorKind, PoolExt, Record};
use sqlx::Connection;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};

async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(Duration::from_secs(60), f).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no answer in 60 s (a hang)"),
    }
}

fn url() -> String {
    pgcast_tempdb::shared()
        .unwrap_or_else(|e| panic!("{e}"))
        .url()
        .to_owned()
}

async fn connect() -> PgConnection {
    PgConnection::connect(&url()).await.unwrap()
}

async fn pool() -> PgPool {
    PgPoolOptions::new()
        .max_connections(3)
        .connect(&url())
        .await
        .unwrap()
}

#[derive(FromRow, Debug, PartialEq)]
struct Item {
    id: i32,
    name: String,
    price: Option<f64>,
}

#[tokio::test]
async fn every_query_method_on_a_connection() {
    let mut conn = connect().await;
    conn.exec(&Sql::new(
        "CREATE TEMP TABLE items (id int4 PRIMARY KEY, name text NOT NULL, price float8)",
    ))
    .await
    .unwrap();
    for (id, name, price) in [
        (1, "apple", Some(0.5)),
        (2, "pear", None),
        (3, "fig", Some(2.25)),
    ] {
        let n = conn
            .exec(&sql!("INSERT INTO items VALUES ({id}, {name}, {price})"))
            .await
            .unwrap();
        assert_eq!(n, 1);
    }
    let all: Vec<Item> = conn
        .fetch_all(&Sql::new("SELECT * FROM items ORDER BY id"))
        .await
        .unwrap();
    assert_eq!(
        all[1],
        Item {
            id: 2,
            name: "pear".into(),
            price: None
        }
    );
    let min = 2;
    let one: Item = conn
        .fetch_one(&sql!("SELECT * FROM items WHERE id = {min}"))
        .await
        .unwrap();
    assert_eq!(one.name, "pear");
    let none: Option<Item> = conn
        .fetch_optional(&sql!("SELECT * FROM items WHERE id = {}", bind(99)))
        .await
        .unwrap();
    assert_eq!(none, None);
    let count: i64 = conn
        .fetch_scalar(&Sql::new("SELECT count(*) FROM items"))
        .await
        .unwrap();
    assert_eq!(count, 3);
    let records: Vec<Record> = conn
        .fetch_records(&Sql::new("SELECT id, price FROM items ORDER BY id"))
        .await
        .unwrap();
    assert_eq!(records[0].get("price"), Some(&Value::Float8(0.5)));
    assert_eq!(records[1].get_at(1), Some(&Value::Null));
    let streamed: Vec<Item> = conn
        .fetch_stream(&Sql::new("SELECT * FROM items ORDER BY id"))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, all);

    let err = conn
        .fetch_one::<Item>(&Sql::new("SELECT * FROM items"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRows);
    let err = conn
        .fetch_one::<Item>(&Sql::new("SELECT * FROM items WHERE false"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoRows);
    // describe checks the row type, nothing runs
    conn.describe::<Item>(&Sql::new("DELETE FROM items RETURNING id, name, price"))
        .await
        .unwrap();
    let err = conn
        .describe::<Item>(&Sql::new("SELECT id, name FROM items"))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Adapt(pgcast::ErrorKind::MissingColumn),
        "{err}"
    );
    let left: i64 = conn
        .fetch_scalar(&Sql::new("SELECT count(*) FROM items"))
        .await
        .unwrap();
    assert_eq!(left, 3);

    // a transaction has the same verbs, and rolls back
    let mut tx = conn.begin().await.unwrap();
    tx.exec(&sql!("DELETE FROM items WHERE id = {}", 1_i32))
        .await
        .unwrap();
    let left: i64 = tx
        .fetch_scalar(&Sql::new("SELECT count(*) FROM items"))
        .await
        .unwrap();
    assert_eq!(left, 2);
    tx.rollback().await.unwrap();
    let left: i64 = conn
        .fetch_scalar(&Sql::new("SELECT count(*) FROM items"))
        .await
        .unwrap();
    assert_eq!(left, 3);
}

#[tokio::test]
async fn errors_keep_sqlstate_query_column_and_types() {
    let mut conn = connect().await;
    let err = conn
        .exec(&Sql::new("SELECT * FROM no_such_table"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.code(), Some("42P01"));
    assert_eq!(
        err.to_string(),
        "ERROR: relation \"no_such_table\" does not exist (SQLSTATE 42P01) (query: SELECT * FROM no_such_table)"
    );
    let err = conn
        .fetch_scalar::<i16>(&Sql::new("SELECT 70000::int4 AS big"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Adapt(pgcast::ErrorKind::OutOfRange));
    let inner = err.pgcast().unwrap();
    assert_eq!(inner.column().unwrap().name, "big");
    assert_eq!(inner.pg_type(), Some(&pgcast::Type::INT4));
    assert_eq!(err.row(), Some(0));
    let err = conn
        .fetch_scalar::<String>(&(Sql::new("SELECT ") + bind("nul\0here")))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Adapt(pgcast::ErrorKind::Nul),
        "{err}"
    );
    let n: i32 = conn.fetch_scalar(&Sql::new("SELECT 1")).await.unwrap();
    assert_eq!(n, 1);
}

async fn strings_against_typed_columns(conn: &mut PgConnection, table: &str) {
    let t = Identifier::qualified(["s_strings".to_owned(), table.to_owned()]);
    conn.exec(&Sql::new("SET search_path TO public, s_strings"))
        .await
        .unwrap();
    conn.exec(&sql!(
        "CREATE TABLE {t} (rating s_strings.mpaa_rating, d date, ts timestamptz, j jsonb,
                           ci s_strings.citext, u uuid, dom s_strings.day_d)"
    ))
    .await
    .unwrap();
    let (rating, day, ts, json, ci, uuid) = (
        String::from("PG-13"),
        "2024-02-29",
        "2024-02-29 12:00:00+00",
        r#"{"a": [1, 2]}"#,
        "MiXeD",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    );
    for _ in 0..2 {
        let n = conn
            .exec(&sql!(
                "INSERT INTO {t} VALUES ({rating}, {day}, {ts}, {json}, {ci}, {uuid}, {day})"
            ))
            .await
            .unwrap();
        assert_eq!(n, 1);
    }
    for _ in 0..3 {
        for q in [
            sql!("SELECT count(*) FROM {t} WHERE rating = {rating}"),
            sql!("SELECT count(*) FROM {t} WHERE d = {day}"),
            sql!("SELECT count(*) FROM {t} WHERE ts = {ts}"),
            sql!("SELECT count(*) FROM {t} WHERE j = {json}"),
            sql!("SELECT count(*) FROM {t} WHERE ci = {ci} AND ci = 'mixed'"),
            sql!("SELECT count(*) FROM {t} WHERE u = {uuid}"),
            sql!("SELECT count(*) FROM {t} WHERE dom = {day}"),
        ] {
            let n: i64 = conn.fetch_scalar(&q).await.unwrap();
            assert_eq!(n, 2, "{q:?}");
        }
    }
    let d: String = conn
        .fetch_scalar(&sql!("SELECT {day}::date::text"))
        .await
        .unwrap();
    assert_eq!(d, "2024-02-29");
}

#[tokio::test]
async fn strings_bind_against_enum_date_jsonb_citext_uuid_and_domain_columns() {
    let mut setup = connect().await;
    sqlx::raw_sql(
        "DROP SCHEMA IF EXISTS s_strings CASCADE;
             CREATE SCHEMA s_strings;
             CREATE EXTENSION IF NOT EXISTS citext SCHEMA s_strings;
             CREATE TYPE s_strings.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
             CREATE DOMAIN s_strings.day_d AS date CHECK (VALUE > DATE '2000-01-01');",
    )
    .execute(&mut setup)
    .await
    .unwrap();
    let mut conn = connect().await;
    strings_against_typed_columns(&mut conn, "auto").await;
    let mut conn = connect().await;
    conn.pg_session()
        .await
        .unwrap()
        .set_prepare(pgcast_sqlx::Prepare::Always);
    strings_against_typed_columns(&mut conn, "always").await;
}

#[tokio::test]
async fn unseen_result_types_do_not_hang() {
    let mut setup = connect().await;
    sqlx::raw_sql(
        "DROP SCHEMA IF EXISTS s_hang CASCADE;
             CREATE SCHEMA s_hang;
             CREATE TYPE s_hang.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
             CREATE TYPE s_hang.film_summary AS (title text, rating s_hang.mpaa_rating);
             CREATE DOMAIN s_hang.rating_d AS s_hang.mpaa_rating;",
    )
    .execute(&mut setup)
    .await
    .unwrap();
    let pad = "repeat('x', 200)";
    let queries = [
        format!("SELECT 'PG-13'::s_hang.mpaa_rating, {pad} FROM generate_series(1, 10000)"),
        format!("SELECT ROW('t', 'R')::s_hang.film_summary, {pad} FROM generate_series(1, 10000)"),
        format!("SELECT 'G'::s_hang.rating_d, {pad} FROM generate_series(1, 10000)"),
        format!(
            "SELECT ARRAY['G', 'R']::s_hang.mpaa_rating[], {pad} FROM generate_series(1, 10000)"
        ),
    ];
    for text in &queries {
        let q = Sql::from_runtime_unchecked(text.clone());
        let mut conn = connect().await;
        for _ in 0..3 {
            let n = within(text, conn.fetch_records(&q)).await.unwrap().len();
            assert_eq!(n, 10_000, "{text}");
        }
        let mut fresh = connect().await;
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
    #[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
    #[pg(name = "s_hang.mpaa_rating")]
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
    let mut fresh = connect().await;
    let n = 10_000_i32;
    let rows: Vec<(MpaaRating, String)> = within(
        "derived enum",
        fresh.fetch_all(&sql!(
            "SELECT 'PG-13'::s_hang.mpaa_rating, repeat('x', 200) FROM generate_series(1, {n})"
        )),
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 10_000);
    assert_eq!(rows[0].0, MpaaRating::Pg13);
    // a derived enum as a parameter: fetched from the catalogue on first use
    let r = MpaaRating::R;
    let same: bool = within(
        "enum parameter",
        fresh.fetch_scalar(&sql!("SELECT {r} = 'R'::s_hang.mpaa_rating")),
    )
    .await
    .unwrap();
    assert!(same);
}

#[tokio::test]
async fn pooled_checkouts_keep_their_sessions() {
    let pool = pool().await;
    let mut tasks = Vec::new();
    for i in 0..8_i64 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..5 {
                let n: i64 = pool.fetch_scalar(&sql!("SELECT {i} * 2")).await.unwrap();
                assert_eq!(n, i * 2);
            }
            let rows: Vec<(i32,)> = pool
                .fetch_all(&Sql::new("SELECT generate_series(1, 3)"))
                .await
                .unwrap();
            assert_eq!(rows.len(), 3);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // each physical connection finds its session again on every checkout
    let mut c = pool.acquire().await.unwrap();
    let session = c.pg_session().await.unwrap();
    c.register_type("int4").await.unwrap();
    c.pg_session().await.unwrap().configure(|scope| {
        scope.set_policy(pgcast::Policy {
            lossy: true,
            ..pgcast::Policy::DEFAULT
        });
    });
    drop(c);
    // sqlx returns a dropped connection to the pool in a task of its own
    // (after a ping), so the next checkouts may see the others first: look
    // until that one comes back (a lost session never would)
    let mut found = false;
    for _ in 0..100 {
        let mut c = pool.acquire().await.unwrap();
        let s = c.pg_session().await.unwrap();
        if s.scope().policy().lossy {
            found = true;
            assert!(s.cached_statements() >= session.cached_statements());
            let v: f64 = c
                .fetch_scalar(&Sql::new("SELECT 1.5::numeric"))
                .await
                .unwrap();
            assert_eq!(v, 1.5);
            break;
        }
        drop(c);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(found, "the connection's session was lost");
    // a query scope on the pool
    let mut lossy = pgcast::Adapters::global().scope();
    lossy.set_policy(pgcast::Policy {
        lossy: true,
        ..pgcast::Policy::DEFAULT
    });
    let v: f64 = pool
        .with_scope(&lossy)
        .fetch_scalar(&Sql::new("SELECT 2.5::numeric"))
        .await
        .unwrap();
    assert_eq!(v, 2.5);
    let stream = pool
        .fetch_stream::<(i32,)>(&Sql::new("SELECT generate_series(1, 1000)"))
        .await
        .unwrap();
    assert_eq!(stream.try_collect::<Vec<_>>().await.unwrap().len(), 1000);
}

#[tokio::test]
async fn kept_statements_follow_search_path_and_schema_changes() {
    let mut setup = connect().await;
    sqlx::raw_sql(
        "DROP SCHEMA IF EXISTS s_sp_a CASCADE; DROP SCHEMA IF EXISTS s_sp_b CASCADE;
             CREATE SCHEMA s_sp_a; CREATE SCHEMA s_sp_b;
             CREATE TABLE s_sp_a.t (v text); INSERT INTO s_sp_a.t VALUES ('a');
             CREATE TABLE s_sp_b.t (v text); INSERT INTO s_sp_b.t VALUES ('b');
             CREATE TABLE s_sp_a.grows (id int4); INSERT INTO s_sp_a.grows VALUES (1);",
    )
    .execute(&mut setup)
    .await
    .unwrap();
    let mut conn = connect().await;
    conn.pg_session()
        .await
        .unwrap()
        .set_prepare(pgcast_sqlx::Prepare::Always);
    let q = Sql::new("SELECT v FROM t");
    conn.exec(&Sql::new("SET search_path TO s_sp_a"))
        .await
        .unwrap();
    for _ in 0..2 {
        let v: String = conn.fetch_scalar(&q).await.unwrap();
        assert_eq!(v, "a");
    }
    conn.exec(&Sql::new("SET search_path TO s_sp_b"))
        .await
        .unwrap();
    let v: String = conn.fetch_scalar(&q).await.unwrap();
    assert_eq!(v, "b");
    let q = Sql::new("SELECT * FROM s_sp_a.grows");
    let before: Vec<Record> = conn.fetch_all(&q).await.unwrap();
    assert_eq!(before[0].len(), 1);
    sqlx::raw_sql("ALTER TABLE s_sp_a.grows ADD COLUMN name text DEFAULT 'n'")
        .execute(&mut setup)
        .await
        .unwrap();
    let after: Vec<Record> = conn.fetch_all(&q).await.unwrap();
    assert_eq!(after[0].len(), 2);
    assert_eq!(after[0].get("name"), Some(&Value::Text("n".into())));
}

#[derive(ToRow, FromRow, Debug, PartialEq, Clone)]
struct Reading {
    id: i64,
    sensor: String,
    value: Option<f64>,
    tags: Vec<String>,
}

fn reading(i: i64) -> Reading {
    Reading {
        id: i,
        sensor: format!("s{}", i % 7),
        value: (i % 5 != 0).then_some(i as f64 / 4.0),
        tags: vec!["a".into(); (i % 3) as usize],
    }
}

#[tokio::test]
async fn binary_and_text_copy() {
    let mut conn = connect().await;
    conn.exec(&Sql::new(
        "CREATE TEMP TABLE readings (id int8 PRIMARY KEY, sensor text NOT NULL, \
             value float8, tags text[] NOT NULL, note text DEFAULT 'none')",
    ))
    .await
    .unwrap();
    let rows: Vec<Reading> = (1..=20_000).map(reading).collect();
    let n = conn
        .copy_in_rows(&Identifier::new("readings"), rows.clone())
        .await
        .unwrap();
    assert_eq!(n, 20_000);
    let min = 19_990_i64;
    let out: Vec<Reading> = conn
        .copy_out_as::<Reading>(&sql!(
            "SELECT id, sensor, value, tags FROM readings WHERE id > {min} ORDER BY id"
        ))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(out.len(), 10);
    assert_eq!(out[0], reading(19_991));

    // a bad row aborts the COPY, naming the row; the connection stays usable
    let mut bad: Vec<Reading> = (30_001..=31_000).map(reading).collect();
    bad[700].sensor = "bad\0sensor".into();
    let err = conn
        .copy_in_rows(&Identifier::new("readings"), bad)
        .await
        .unwrap_err();
    assert_eq!(err.row(), Some(700), "{err}");
    assert_eq!(err.kind(), ErrorKind::Adapt(pgcast::ErrorKind::Nul));
    let count: i64 = conn
        .fetch_scalar(&Sql::new("SELECT count(*) FROM readings"))
        .await
        .unwrap();
    assert_eq!(count, 20_000);

    let csv = ["40001,s1,0.5,\"{a,b}\",\"with, comma\"\n"];
    let n = conn
        .copy_in_bytes(
            &Sql::new("COPY readings (id, sensor, value, tags, note) FROM STDIN (FORMAT csv)"),
            stream::iter(csv.map(|s| Bytes::from(s.as_bytes().to_vec()))),
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    let chunks: Vec<Bytes> = conn
        .copy_out_bytes(&Sql::new(
            "COPY (SELECT id, value, note FROM readings WHERE id = 40001) TO STDOUT (FORMAT csv)",
        ))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(chunks.concat(), b"40001,0.5,\"with, comma\"\n");
    // by method call on a transaction too (sqlx's own `copy_in_raw` is
    // inherent on the connection, hence the adapter's other name)
    let mut tx = conn.begin().await.unwrap();
    let n = tx
        .copy_in_bytes(
            &Sql::new("COPY readings (id, sensor, tags) FROM STDIN"),
            stream::iter([Bytes::from_static(b"40002\ts2\t{}\n")]),
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    tx.rollback().await.unwrap();
    let count: i64 = conn
        .fetch_scalar(&Sql::new("SELECT count(*) FROM readings"))
        .await
        .unwrap();
    assert_eq!(count, 20_001);
}

#[tokio::test]
async fn cursors_in_a_transaction() {
    let mut conn = connect().await;
    let mut tx = conn.begin().await.unwrap();
    let upto = 25_i32;
    let mut cursor = tx
        .cursor::<(i32, i64)>(&sql!(
            "SELECT n, n::int8 * n FROM generate_series(1, {upto}) n"
        ))
        .await
        .unwrap();
    let first = cursor.fetch_many(10).await.unwrap();
    assert_eq!(first[9], (10, 100));
    assert_eq!(cursor.fetch_next().await.unwrap(), Some((11, 121)));
    assert_eq!(cursor.fetch_rest().await.unwrap().len(), 14);
    assert!(cursor.is_done());
    cursor.close().await.unwrap();
    tx.commit().await.unwrap();
}
