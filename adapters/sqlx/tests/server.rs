//! The sqlx adapter against a real server: the shared suite of every
//! adapter (`tests/suite`: every result shape, composite parameters, the
//! text fallback, concurrent registrations, strings against typed columns,
//! unseen types over 10,000 rows, cursors, COPY), then what is sqlx's own:
//! transactions, errors, sessions across pool checkouts, kept statements,
//! text COPY as bytes.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{TryStreamExt, stream};
use pgcast::sql::{Sql, bind};
use pgcast::{Value, sql};
use pgcast_sqlx::{ClientExt, CopyExt, ErrorKind, PoolExt, Record};
use sqlx::Connection;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};

/// What the shared suite needs of this driver.
mod glue {
    use std::future::Future;
    use std::time::Duration;

    pub use pgcast_sqlx::{ClientExt, CopyExt, CursorFetch};

    pub const NAME: &str = "sqlx";

    /// One step of a test, failed instead of hanging.
    pub async fn step<T>(what: &str, f: impl Future<Output = T>) -> T {
        match tokio::time::timeout(Duration::from_secs(60), f).await {
            Ok(v) => v,
            Err(_) => panic!("{what}: no answer in 60 s (a hang)"),
        }
    }

    /// A whole test, failed instead of hanging.
    pub async fn whole(what: &str, f: impl Future<Output = ()>) {
        step(what, async {
            tokio::time::timeout(Duration::from_secs(300), f)
                .await
                .unwrap_or_else(|_| panic!("{what}: not done in 300 s"))
        })
        .await;
    }

    pub async fn connect() -> sqlx::PgConnection {
        super::connect().await
    }

    /// Eight registrations at once, one connection each (a sqlx connection
    /// runs one call at a time), each landing in its connection's session.
    pub async fn register_concurrently(names: &[String]) -> Vec<pgcast::Adapters> {
        let mut conns = Vec::new();
        for _ in names {
            conns.push(connect().await);
        }
        let calls = conns.iter_mut().zip(names).map(|(c, n)| async move {
            c.register_types([n.as_str()]).await.unwrap();
            c.pg_session().await.unwrap().scope()
        });
        futures_util::future::join_all(calls).await
    }
}

macro_rules! w {
    ($e:expr) => {
        $crate::glue::step(stringify!($e), $e).await
    };
}

macro_rules! suite_test {
    (fn $name:ident() $body:block) => {
        #[tokio::test]
        async fn $name() {
            $crate::glue::whole(stringify!($name), async move $body).await
        }
    };
}

macro_rules! connect {
    () => {
        $crate::glue::connect().await
    };
}

macro_rules! batch {
    ($c:expr, $text:expr) => {
        w!(sqlx::raw_sql($text).execute(&mut $c)).unwrap()
    };
}

macro_rules! stream {
    ($c:expr, $t:ty, $q:expr) => {
        w!(futures_util::StreamExt::collect::<
            Vec<pgcast_sqlx::Result<$t>>,
        >(w!($c.fetch_stream::<$t>($q)).unwrap()))
    };
}

macro_rules! copy_out {
    ($c:expr, $t:ty, $q:expr) => {
        w!(futures_util::StreamExt::collect::<
            Vec<pgcast_sqlx::Result<$t>>,
        >(w!($c.copy_out_as::<$t>($q)).unwrap()))
    };
}

macro_rules! copy_in_raw_result {
    ($c:expr, $q:expr, $chunks:expr) => {
        w!($c.copy_in_bytes(
            $q,
            futures_util::stream::iter(
                $chunks.map(|s: &str| bytes::Bytes::copy_from_slice(s.as_bytes()))
            ),
        ))
    };
}

macro_rules! copy_out_raw {
    ($c:expr, $q:expr) => {{
        let chunks: Vec<bytes::Bytes> = w!(futures_util::TryStreamExt::try_collect(
            w!($c.copy_out_bytes($q)).unwrap()
        ))
        .unwrap();
        String::from_utf8(chunks.concat()).unwrap()
    }};
}

macro_rules! scope {
    ($c:expr) => {
        w!($c.pg_session()).unwrap().scope()
    };
}

macro_rules! prepare {
    ($c:expr, $p:expr) => {
        w!($c.pg_session()).unwrap().set_prepare($p)
    };
}

#[path = "../../../tests/suite/mod.rs"]
mod suite;

fn url() -> String {
    pgcast_tempdb::shared()
        .unwrap_or_else(|e| panic!("{e}"))
        .url()
        .to_owned()
}

async fn connect() -> PgConnection {
    PgConnection::connect(&url()).await.unwrap()
}

async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    glue::step(what, f).await
}

async fn pool() -> PgPool {
    PgPoolOptions::new()
        .max_connections(3)
        .connect(&url())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_transaction_has_the_same_verbs() {
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

/// COPY in and out of every kind runs in the suite; what is sqlx's own:
/// the byte-level COPY by method call on a transaction (sqlx's inherent
/// `copy_in_raw` on the connection is why the adapter names it otherwise).
#[tokio::test]
async fn copy_in_a_transaction() {
    let mut conn = connect().await;
    conn.exec(&Sql::new(
        "CREATE TEMP TABLE readings (id int8 PRIMARY KEY, sensor text NOT NULL, tags text[] NOT NULL)",
    ))
    .await
    .unwrap();
    let mut tx = conn.begin().await.unwrap();
    let n = tx
        .copy_in_bytes(
            &Sql::new("COPY readings (id, sensor, tags) FROM STDIN"),
            stream::iter([Bytes::from_static(b"40002\ts2\t{}\n")]),
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    let inside: i64 = tx
        .fetch_scalar(&Sql::new("SELECT count(*) FROM readings"))
        .await
        .unwrap();
    assert_eq!(inside, 1);
    tx.rollback().await.unwrap();
    let count: i64 = conn
        .fetch_scalar(&Sql::new("SELECT count(*) FROM readings"))
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[derive(sqlx::Type, Debug, PartialEq, Clone, Copy)]
#[sqlx(type_name = "bridge_mood", rename_all = "lowercase")]
enum Mood {
    Happy,
    Sad,
}

#[derive(sqlx::FromRow, Debug, PartialEq)]
struct Person {
    name: String,
    mood: Mood,
    moods: Vec<Mood>,
    prefs: sqlx::types::Json<serde_json::Value>,
    born: sqlx::types::chrono::NaiveDate,
    balance: sqlx::types::BigDecimal,
}

#[tokio::test]
async fn sqlx_types_bind_and_load_through_the_bridge() {
    use pgcast_sqlx::{SqlxExt, SqlxValue};
    use sqlx::types::chrono::NaiveDate;
    use sqlx::types::{BigDecimal, Json};
    use std::str::FromStr;

    let mut setup = connect().await;
    sqlx::raw_sql(
        "DROP TYPE IF EXISTS bridge_mood CASCADE;
         CREATE TYPE bridge_mood AS ENUM ('happy', 'sad');",
    )
    .execute(&mut setup)
    .await
    .unwrap();
    // a fresh connection: the enum is unseen, resolved by name on first use
    let mut conn = connect().await;
    conn.exec(&Sql::new(
        "CREATE TEMP TABLE people (name text, mood bridge_mood, moods bridge_mood[], prefs jsonb, \
         born date, balance numeric)",
    ))
    .await
    .unwrap();
    let ann = Person {
        name: "ann".into(),
        mood: Mood::Sad,
        moods: vec![Mood::Happy, Mood::Sad],
        prefs: Json(serde_json::json!({"theme": "dark", "n": [1, 2]})),
        born: NaiveDate::from_ymd_opt(1990, 2, 28).unwrap(),
        balance: BigDecimal::from_str("1234.50").unwrap(),
    };
    // binding: sqlx's Encode, as the type sqlx names (twice: described,
    // then sent in one round trip)
    for name in ["ann", "bob"] {
        let (mood, moods, prefs, born, balance) = (
            SqlxValue(ann.mood),
            SqlxValue(ann.moods.clone()),
            SqlxValue(ann.prefs.clone()),
            SqlxValue(ann.born),
            SqlxValue(ann.balance.clone()),
        );
        let n = conn
            .exec(&sql!(
                "INSERT INTO people VALUES ({name}, {mood}, {moods}, {prefs}, {born}, {balance})"
            ))
            .await
            .unwrap();
        assert_eq!(n, 1);
    }
    assert!(
        conn.pg_session()
            .await
            .unwrap()
            .scope()
            .type_by_name("bridge_mood")
            .is_some()
    );
    let texts: (String, String, String, String, String) = conn
        .fetch_one(&Sql::new(
            "SELECT mood::text, moods::text, prefs->>'theme', born::text, balance::text \
             FROM people WHERE name = 'ann'",
        ))
        .await
        .unwrap();
    assert_eq!(
        texts,
        (
            "sad".into(),
            "{happy,sad}".into(),
            "dark".into(),
            "1990-02-28".into(),
            "1234.50".into()
        )
    );
    // bound as a parameter where the statement compares
    let happy = SqlxValue(Mood::Happy);
    let n: i64 = conn
        .fetch_scalar(&sql!(
            "SELECT count(*) FROM people WHERE {happy} = ANY(moods)"
        ))
        .await
        .unwrap();
    assert_eq!(n, 2);
    // NULL, typed by sqlx's type
    let none: Option<SqlxValue<Mood>> = None;
    let n: i64 = conn
        .fetch_scalar(&sql!(
            "SELECT count(*) FROM people WHERE mood IS NOT DISTINCT FROM {none}"
        ))
        .await
        .unwrap();
    assert_eq!(n, 0);
    // sqlx writes binary only: a literal says so
    let sad = SqlxValue(Mood::Sad);
    let err = sql!("SELECT {sad:l}").render().map(drop).unwrap_err();
    assert!(err.to_string().contains("binary"), "{err}");

    // loading: each row decoded by sqlx's FromRow / Decode
    let name = "ann";
    let back: Person = conn
        .fetch_one_sqlx(&sql!(
            "SELECT name, mood, moods, prefs, born, balance FROM people WHERE name = {name}"
        ))
        .await
        .unwrap();
    assert_eq!(back, ann);
    let all: Vec<(String, Mood)> = conn
        .fetch_all_sqlx(&Sql::new("SELECT name, mood FROM people ORDER BY name"))
        .await
        .unwrap();
    assert_eq!(all, [("ann".into(), Mood::Sad), ("bob".into(), Mood::Sad)]);
    let mood: Mood = conn
        .fetch_scalar_sqlx(&sql!("SELECT mood FROM people WHERE name = {name}"))
        .await
        .unwrap();
    assert_eq!(mood, Mood::Sad);
    let json: Json<serde_json::Value> = conn
        .fetch_scalar_sqlx(&sql!("SELECT prefs FROM people WHERE name = {name}"))
        .await
        .unwrap();
    assert_eq!(json.0["n"], serde_json::json!([1, 2]));
    let none: Option<(Mood,)> = conn
        .fetch_optional_sqlx(&Sql::new("SELECT mood FROM people WHERE false"))
        .await
        .unwrap();
    assert_eq!(none, None);
    let err = conn
        .fetch_one_sqlx::<(Mood,)>(&Sql::new("SELECT mood FROM people"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRows, "{err}");
    let err = conn
        .fetch_optional_sqlx::<(Mood,)>(&Sql::new("SELECT mood FROM people"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRows, "{err}");
    let err = conn
        .fetch_scalar_sqlx::<Mood>(&Sql::new("SELECT mood FROM people WHERE false"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoRows, "{err}");
    // sqlx's own decode error, with the query
    let err = conn
        .fetch_scalar_sqlx::<i32>(&Sql::new("SELECT name FROM people LIMIT 1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Driver, "{err}");
    // through a transaction and a pooled connection too
    let mut tx = conn.begin().await.unwrap();
    let n: i64 = tx
        .fetch_scalar_sqlx(&Sql::new("SELECT count(*) FROM people"))
        .await
        .unwrap();
    assert_eq!(n, 2);
    tx.rollback().await.unwrap();
    let pool = pool().await;
    let mut pooled = pool.acquire().await.unwrap();
    let mood: Mood = pooled
        .fetch_scalar_sqlx(&sql!("SELECT {happy}"))
        .await
        .unwrap();
    assert_eq!(mood, Mood::Happy);
}

#[derive(pgcast::PgEnum, Debug, PartialEq, Clone, Copy)]
#[pg(name = "sx_pool.mood", rename_all = "lowercase")]
enum PoolMood {
    Sad,
    Ok,
}

#[derive(pgcast::PgComposite, Debug, PartialEq, Clone)]
#[pg(name = "sx_pool.pair")]
struct PoolPair {
    m: PoolMood,
    n: i32,
}

/// Everything a client does behind the pooler, on its own rows.
async fn pooler_workload(pool: PgPool, session: pgcast_sqlx::Session, k: i32) {
    let mut c = pool.with_session(&session);
    for i in 0..5_i64 {
        let (a, b): (i64, String) = within(
            "built-in types",
            c.fetch_one(&sql!("SELECT {i} + 1, 'x' || {i}::text")),
        )
        .await
        .unwrap();
        assert_eq!((a, b), (i + 1, format!("x{i}")));
    }
    // unseen types in results, 10,000 rows, typed and dynamic
    let n = 10_000_i32;
    let rows: Vec<(PoolMood, PoolPair, String)> = within(
        "unseen types",
        c.fetch_all(&sql!(
            "SELECT 'ok'::sx_pool.mood, ROW('sad', i)::sx_pool.pair, repeat('x', 200)
               FROM generate_series(1, {n}) i"
        )),
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 10_000);
    assert_eq!(
        rows[9].1,
        PoolPair {
            m: PoolMood::Sad,
            n: 10
        }
    );
    let records = within(
        "records",
        c.fetch_records(&sql!(
            "SELECT ROW('ok', 1)::sx_pool.pair AS p, 'sad'::sx_pool.mood AS m, {k} AS k"
        )),
    )
    .await
    .unwrap();
    assert_eq!(
        serde_json::to_value(&records[0].values()[0]).unwrap(),
        serde_json::json!("(ok,1)")
    );
    assert_eq!(records[0].get("m"), Some(&Value::Text("sad".into())));
    assert_eq!(records[0].get("k"), Some(&Value::Int4(k)));
    // parameters of derived types, strings against typed columns
    let (mood, day, json) = ("ok", "2024-02-29", r#"{"k": 1}"#);
    let pair = PoolPair {
        m: PoolMood::Ok,
        n: 3,
    };
    let same: bool = within(
        "composite parameter",
        c.fetch_scalar(&sql!("SELECT ROW('ok', 3)::sx_pool.pair = {pair}")),
    )
    .await
    .unwrap();
    assert!(same);
    let inserted = within(
        "strings against typed columns",
        c.exec(&sql!(
            "INSERT INTO sx_pool.days VALUES ({k}, {day}, {json}, {mood})"
        )),
    )
    .await
    .unwrap();
    assert_eq!(inserted, 1);
    for _ in 0..3 {
        let found: i64 = within(
            "strings in a WHERE",
            c.fetch_scalar(&sql!(
                "SELECT count(*) FROM sx_pool.days WHERE id = {k} AND d = {day} AND j = {json} AND m = {mood}"
            )),
        )
        .await
        .unwrap();
        assert_eq!(found, 1);
    }
    let m = PoolMood::Ok;
    let (id, back): (i32, PoolMood) = within(
        "derived enum parameter",
        c.fetch_one(&sql!(
            "SELECT id, m FROM sx_pool.days WHERE id = {k} AND m = {m}"
        )),
    )
    .await
    .unwrap();
    assert_eq!((id, back), (k, PoolMood::Ok));
    // empty results: described, typed, dynamic
    within(
        "describe an empty result",
        c.describe::<(i32, PoolMood)>(&sql!("SELECT id, m FROM sx_pool.days WHERE false")),
    )
    .await
    .unwrap();
    let none: Option<(i32, PoolMood)> = within(
        "optional",
        c.fetch_optional(&sql!("SELECT id, m FROM sx_pool.days WHERE id = {}", -1)),
    )
    .await
    .unwrap();
    assert_eq!(none, None);
    let empty = within(
        "no records",
        c.fetch_records(&Sql::new("SELECT * FROM sx_pool.days WHERE false")),
    )
    .await
    .unwrap();
    assert!(empty.is_empty());
    // a stream, and a server error that leaves the client usable
    let streamed: Vec<(i32,)> = within(
        "stream",
        c.fetch_stream::<(i32,)>(&Sql::new("SELECT generate_series(1, 1000)"))
            .await
            .unwrap()
            .try_collect(),
    )
    .await
    .unwrap();
    assert_eq!(streamed.len(), 1000);
    let err = within("an error", c.fetch_scalar::<i32>(&Sql::new("SELECT 1 / 0")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("22012"), "{err}");
    let n: i64 = within(
        "after the error",
        c.fetch_scalar(&sql!("SELECT count(*) FROM sx_pool.days WHERE id = {k}")),
    )
    .await
    .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_query_shape_through_a_transaction_pooler() {
    let mut setup = connect().await;
    sqlx::raw_sql(
        "DROP SCHEMA IF EXISTS sx_pool CASCADE; CREATE SCHEMA sx_pool;
         CREATE TYPE sx_pool.mood AS ENUM ('sad', 'ok');
         CREATE TYPE sx_pool.pair AS (m sx_pool.mood, n int4);
         CREATE TABLE sx_pool.days (id int4, d date, j jsonb, m sx_pool.mood);",
    )
    .execute(&mut setup)
    .await
    .unwrap();
    let pooler = pgcast_tempdb::shared_pooler().unwrap_or_else(|e| panic!("{e}"));
    let pool = PgPoolOptions::new()
        .max_connections(6)
        .connect(pooler.url())
        .await
        .unwrap();
    // one session for every client: no named statement, ever
    let session = pgcast_sqlx::Session::new();
    session.set_pooler(true);
    let tasks: Vec<_> = (1..=6)
        .map(|k| tokio::spawn(pooler_workload(pool.clone(), session.clone(), k)))
        .collect();
    for t in tasks {
        within("a pooled client", t).await.unwrap();
    }
    // a connection of its own, with the same session
    let mut conn = PgConnection::connect(pooler.url()).await.unwrap();
    let n: i64 = conn
        .with_session(&session)
        .fetch_scalar(&Sql::new("SELECT count(*) FROM sx_pool.days"))
        .await
        .unwrap();
    assert_eq!(n, 6);
}
