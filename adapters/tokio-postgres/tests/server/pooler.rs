//! Behind a transaction pooler: PgBouncer in `pool_mode = transaction` with 2
//! server connections for 8 concurrent clients, so that consecutive
//! statements of one client land on different backends. The same workload
//! runs directly against the server in normal mode.

use std::future::Future;
use std::time::Duration;

use futures_util::StreamExt;
use pgcast::sql::{Identifier, Sql};
use pgcast::{FromRow, PgComposite, PgEnum, ToRow, Value, sql};
use pgcast_tokio_postgres::{
    ClientExt, CopyExt, CursorFetch, PgClient, Record, TransactionEnd, TransactionExt,
};
use tokio_postgres::{Client, NoTls};

use crate::support::connect;

async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(Duration::from_secs(120), f).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no answer in 120 s (a hang)"),
    }
}

async fn connect_to(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("connection error: {e}");
        }
    });
    client
}

#[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(name = "pool.mood", rename_all = "lowercase")]
enum Mood {
    Sad,
    Ok,
}

#[derive(PgComposite, Debug, PartialEq, Clone)]
#[pg(name = "pool.pair")]
struct Pair {
    m: Mood,
    n: i32,
}

#[derive(FromRow, ToRow, Debug, PartialEq, Clone)]
struct Reading {
    id: i64,
    mood: Mood,
    pair: Pair,
    tags: Vec<String>,
}

async fn fixtures() {
    let setup = connect().await;
    setup
        .batch_execute(
            "DROP SCHEMA IF EXISTS pool CASCADE; CREATE SCHEMA pool;
             CREATE EXTENSION IF NOT EXISTS hstore;
             CREATE TYPE pool.mood AS ENUM ('sad', 'ok');
             CREATE TYPE pool.pair AS (m pool.mood, n int4);
             CREATE TABLE pool.readings (id int8 PRIMARY KEY, mood pool.mood, pair pool.pair,
                                         tags text[]);
             CREATE TABLE pool.days (id int4, d date, j jsonb, m pool.mood);",
        )
        .await
        .unwrap();
}

/// Everything a client does, on its own rows (`k` separates the clients).
async fn workload(client: &mut PgClient<Client>, k: i64) {
    let base = k * 100_000;
    // plain queries, built in types, repeated
    for i in 0..5_i64 {
        let (a, b): (i64, String) = client
            .fetch_one(&sql!("SELECT {i} + 1, 'x' || {i}::text"))
            .await
            .unwrap();
        assert_eq!((a, b), (i + 1, format!("x{i}")));
    }
    // unseen types in results, 10,000 rows, typed and dynamic
    let n = 10_000_i32;
    let rows: Vec<(Mood, Pair, String)> = within(
        "unseen types",
        client.fetch_all(&sql!(
            "SELECT 'ok'::pool.mood, ROW('sad', i)::pool.pair, repeat('x', 200)
               FROM generate_series(1, {n}) i"
        )),
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 10_000);
    assert_eq!(
        rows[9].1,
        Pair {
            m: Mood::Sad,
            n: 10
        }
    );
    let records = client
        .fetch_records(&sql!(
            "SELECT ROW('ok', 1)::pool.pair AS p, 'sad'::pool.mood AS m"
        ))
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&records[0].values()[0]).unwrap(),
        serde_json::json!("(ok,1)")
    );
    assert_eq!(records[0].get("m"), Some(&Value::Text("sad".into())));
    // parameters of derived types, strings against typed columns
    let (mood, day, json) = ("ok", "2024-02-29", r#"{"k": 1}"#);
    let pair = Pair { m: Mood::Ok, n: 3 };
    let same: bool = client
        .fetch_scalar(&sql!("SELECT ROW('ok', 3)::pool.pair = {pair}"))
        .await
        .unwrap();
    assert!(same);
    client
        .exec(&sql!(
            "INSERT INTO pool.days VALUES ({k}::int4, {day}, {json}, {mood})"
        ))
        .await
        .unwrap();
    let got: i64 = client
        .fetch_scalar(&sql!(
            "SELECT count(*) FROM pool.days WHERE id = {k}::int4 AND d = {day} AND j = {json} AND m = {mood}"
        ))
        .await
        .unwrap();
    assert_eq!(got, 1);
    // an extension type registered by name
    client.register_types(["hstore"]).await.unwrap();
    let h: std::collections::HashMap<String, Option<String>> = client
        .fetch_scalar(&Sql::new("SELECT 'a=>1'::hstore"))
        .await
        .unwrap();
    assert_eq!(h["a"].as_deref(), Some("1"));
    // COPY in (its own transaction behind the pooler), then out in one
    let readings: Vec<Reading> = (1..=500)
        .map(|i| Reading {
            id: base + i,
            mood: if i % 2 == 0 { Mood::Ok } else { Mood::Sad },
            pair: Pair {
                m: Mood::Ok,
                n: i as i32,
            },
            tags: vec!["t".into()],
        })
        .collect();
    let copied = client
        .copy_in_rows(
            &Identifier::qualified(["pool", "readings"]),
            readings.clone(),
        )
        .await
        .unwrap();
    assert_eq!(copied, 500);
    let (lo, hi) = (base, base + 1_000);
    let back: Vec<Reading> = client
        .fetch_all(&sql!(
            "SELECT * FROM pool.readings WHERE id > {lo} AND id < {hi} ORDER BY id"
        ))
        .await
        .unwrap();
    assert_eq!(back, readings);
    {
        let tx = client.pg_transaction().await.unwrap();
        let out = tx
            .copy_out_as::<Reading>(&sql!(
                "SELECT * FROM pool.readings WHERE id > {lo} AND id < {hi} ORDER BY id"
            ))
            .await
            .unwrap();
        let out: Vec<Reading> = out.map(Result::unwrap).collect().await;
        assert_eq!(out, readings);
        // a cursor inside the transaction
        let mut cursor = tx
            .cursor::<Record>(&sql!(
                "SELECT id, mood, pair FROM pool.readings WHERE id > {lo} AND id < {hi} ORDER BY id"
            ))
            .await
            .unwrap();
        let first = cursor.fetch_many(100).await.unwrap();
        assert_eq!(first.len(), 100);
        assert_eq!(cursor.fetch_rest().await.unwrap().len(), 400);
        tx.commit().await.unwrap();
    }
    // streamed
    let mut stream = client
        .fetch_stream::<(i64, Mood)>(&sql!(
            "SELECT id, mood FROM pool.readings WHERE id > {lo} AND id < {hi}"
        ))
        .await
        .unwrap();
    let mut seen = 0;
    while let Some(row) = stream.next().await {
        row.unwrap();
        seen += 1;
    }
    assert_eq!(seen, 500);
}

/// The two tests share the schema: one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn run_clients(url: String, pooler: bool) {
    let _one_at_a_time = SERIAL.lock().await;
    fixtures().await;
    let mut tasks = Vec::new();
    for k in 1..=8_i64 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = PgClient::new(connect_to(&url).await);
            client.pg_session().set_pooler(pooler);
            workload(&mut client, k).await;
        }));
    }
    for task in tasks {
        within("clients", task).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_query_shape_through_a_transaction_pooler() {
    let pooler = pgcast_tempdb::shared_pooler().unwrap_or_else(|e| panic!("{e}"));
    assert!(pooler.pool_size() < 8);
    run_clients(pooler.url().to_owned(), true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_directly_in_normal_mode() {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    run_clients(db.url().to_owned(), false).await;
}

#[derive(PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(name = "pool_ret.flavor", rename_all = "lowercase")]
enum Flavor {
    Sweet,
    Sour,
}

/// DML with `RETURNING` of a type the connection has never seen, behind
/// PgBouncer, each client new (nothing of the type known to it or to its
/// driver), 8 of them over 2 server connections: with the column cast to
/// text, as the README says, it works; without, the error says what to do
/// (the driver looks the type up through a named statement of its own,
/// which pgcast cannot prevent without describing the statement, and
/// describing DML would run it).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dml_returning_unseen_types_through_a_transaction_pooler() {
    let setup = connect().await;
    setup
        .batch_execute(
            "DROP SCHEMA IF EXISTS pool_ret CASCADE; CREATE SCHEMA pool_ret;
             CREATE TYPE pool_ret.flavor AS ENUM ('sweet', 'sour');
             CREATE TABLE pool_ret.fruit (id int8 PRIMARY KEY, f pool_ret.flavor NOT NULL);",
        )
        .await
        .unwrap();
    let pooler = pgcast_tempdb::shared_pooler().unwrap_or_else(|e| panic!("{e}"));
    let mut tasks = Vec::new();
    for k in 0..8_i64 {
        let url = pooler.url().to_owned();
        tasks.push(tokio::spawn(async move {
            for round in 0..3_i64 {
                let client = PgClient::new(connect_to(&url).await);
                client.pg_session().set_pooler(true);
                let id = k * 100 + round;
                let flavor = if id % 2 == 0 {
                    Flavor::Sweet
                } else {
                    Flavor::Sour
                };
                let back: (i64, Flavor) = within(
                    "insert returning",
                    client.fetch_one(&sql!(
                        "INSERT INTO pool_ret.fruit (id, f) VALUES ({id}, {flavor}) \
                         RETURNING id, f::text"
                    )),
                )
                .await
                .unwrap_or_else(|e| panic!("client {k} round {round}: {e}"));
                assert_eq!(back, (id, flavor));
                let gone: Vec<Flavor> = within(
                    "delete returning",
                    client.fetch_all(&sql!(
                        "DELETE FROM pool_ret.fruit WHERE id = {id} RETURNING f::text"
                    )),
                )
                .await
                .unwrap_or_else(|e| panic!("client {k} round {round}: {e}"));
                assert_eq!(gone, [flavor]);
            }
        }));
    }
    for task in tasks {
        within("clients", task).await.unwrap();
    }
    // Without the cast: the driver's own lookup may land on another
    // backend; when it does, the error says what to do.
    for k in 0..6_i64 {
        let client = PgClient::new(connect_to(pooler.url()).await);
        client.pg_session().set_pooler(true);
        let id = 1000 + k;
        let flavor = Flavor::Sour;
        let out: Result<(i64, Flavor), _> = within(
            "uncast",
            client.fetch_one(&sql!(
                "INSERT INTO pool_ret.fruit (id, f) VALUES ({id}, {flavor}) RETURNING id, f"
            )),
        )
        .await;
        match out {
            Ok(back) => assert_eq!(back, (id, flavor)),
            Err(e) => {
                assert_eq!(e.code(), Some("26000"), "{e}");
                let hint = e.report().and_then(|r| r.hint.as_deref()).unwrap_or("");
                assert!(hint.contains("cast that column to text"), "{e}");
            }
        }
    }
}
