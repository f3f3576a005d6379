//! The defects found by running pgcast as a new user would, on the blocking
//! adapter: fresh connections, types they have never seen, results large
//! enough to fill the socket buffers, strings against typed columns. Work
//! that could hang runs on a thread watched by a timeout.

use std::sync::mpsc;
use std::time::Duration;

use pgcast::sql::Sql;
use pgcast::{Value, sql};
use pgcast_postgres::{ClientExt, PgClient, Record};
use postgres::{Client, NoTls};

fn connect() -> Client {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    Client::connect(db.url(), NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", db.url()))
}

/// Runs `f` on a thread; fails the test if it takes over 60 s.
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{what}: no answer in 60 s (a hang, or a panic on the thread)"))
}

#[test]
fn unseen_result_types_do_not_hang() {
    connect()
        .batch_execute(
            "DROP SCHEMA IF EXISTS s_hang CASCADE; CREATE SCHEMA s_hang;
             CREATE TYPE s_hang.mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');
             CREATE TYPE s_hang.film_summary AS (title text, rating s_hang.mpaa_rating);",
        )
        .unwrap();
    let queries = [
        "SELECT 'PG-13'::s_hang.mpaa_rating, repeat('x', 200) FROM generate_series(1, 10000)",
        "SELECT ROW('t', 'R')::s_hang.film_summary, repeat('x', 200) FROM generate_series(1, 10000)",
        "SELECT ARRAY['G']::s_hang.mpaa_rating[], repeat('x', 200) FROM generate_series(1, 10000)",
    ];
    for text in queries {
        let q = Sql::from_runtime_unchecked(text);
        let n = within(text, {
            let q = q.clone();
            move || connect().fetch_records(&q).unwrap().len()
        });
        assert_eq!(n, 10_000, "{text}");
        let n = within(text, {
            let q = q.clone();
            move || {
                let mut client = PgClient::new(connect());
                (0..3)
                    .map(|_| client.fetch_iter::<Record>(&q).unwrap().count())
                    .sum::<usize>()
            }
        });
        assert_eq!(n, 30_000, "{text}");
    }
    let rows = within("typed rows and a cursor", || {
        let mut client = connect();
        let typed: Vec<(String, String)> = client
            .fetch_all(&Sql::new(
                "SELECT 'R'::s_hang.mpaa_rating, repeat('x', 200) FROM generate_series(1, 10000)",
            ))
            .unwrap();
        let mut tx = client.transaction().unwrap();
        let mut cursor = tx
            .cursor::<Record>(&Sql::new(
                "SELECT 'G'::s_hang.mpaa_rating AS r FROM generate_series(1, 10000)",
            ))
            .unwrap();
        let mut n = 0;
        loop {
            let batch = cursor.fetch_many(3_000).unwrap();
            if batch.is_empty() {
                break;
            }
            assert_eq!(batch[0].get("r"), Some(&Value::Text("G".into())));
            n += batch.len();
        }
        (typed.len(), n)
    });
    assert_eq!(rows, (10_000, 10_000));
}

#[test]
fn strings_bind_against_enum_date_and_jsonb_columns() {
    let mut setup = connect();
    setup
        .batch_execute(
            "DROP SCHEMA IF EXISTS s_strings CASCADE; CREATE SCHEMA s_strings;
             CREATE TYPE s_strings.mood AS ENUM ('sad', 'ok');
             CREATE TABLE s_strings.t (m s_strings.mood, d date, j jsonb);",
        )
        .unwrap();
    for mut client in [PgClient::new(connect()), PgClient::new(connect())] {
        let (mood, day, json) = ("ok", String::from("2024-02-29"), r#"{"a": 1}"#);
        client
            .exec(&sql!(
                "INSERT INTO s_strings.t VALUES ({mood}, {day}, {json})"
            ))
            .unwrap();
        for _ in 0..3 {
            let n: i64 = client
                .fetch_scalar(&sql!(
                    "SELECT count(*) FROM s_strings.t WHERE m = {mood} AND d = {day} AND j = {json}"
                ))
                .unwrap();
            assert!(n >= 1);
        }
    }
}
