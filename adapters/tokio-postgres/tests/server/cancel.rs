//! Timeouts and cancellation: a statement past its timeout, a dropped
//! stream and a dropped future are canceled on the server (watched in
//! `pg_stat_activity` from a second connection), and the connection answers
//! the next query — directly and through PgBouncer.

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use pgcast::sql;
use pgcast::sql::Sql;
use pgcast_tokio_postgres::{ClientExt, ErrorKind, PgClient};
use tokio_postgres::{Client, NoTls};

use crate::support::connect;

async fn within<T>(what: &str, secs: u64, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(Duration::from_secs(secs), f).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no answer in {secs} s (a hang)"),
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

async fn backend_pid(client: &impl ClientExt) -> i32 {
    within(
        "pg_backend_pid",
        30,
        client.fetch_scalar(&Sql::new("SELECT pg_backend_pid()")),
    )
    .await
    .unwrap()
}

/// Waits (at most `secs`) until backend `pid` is idle, watched from another
/// connection; panics with what it was doing otherwise.
async fn wait_idle(pid: i32, secs: u64) {
    let watcher = connect().await;
    let start = Instant::now();
    loop {
        let row = watcher
            .query_one(
                "SELECT coalesce(state, ''), query FROM pg_stat_activity WHERE pid = $1",
                &[&pid],
            )
            .await
            .unwrap();
        let state: String = row.get(0);
        if state == "idle" {
            return;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let query: String = row.get(1);
            panic!("backend {pid} still {state} after {secs} s: {query}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (at most `secs`) until no backend runs a statement containing
/// `marker` (through a pooler, which backend runs it is not known).
async fn wait_gone(marker: &str, secs: u64) {
    let watcher = connect().await;
    let start = Instant::now();
    loop {
        let n: i64 = watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
                 AND pid <> pg_backend_pid() AND strpos(query, $1) > 0",
                &[&marker],
            )
            .await
            .unwrap()
            .get(0);
        if n == 0 {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "{n} backends still run {marker} after {secs} s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn timeout_cancels_on_the_server_and_the_connection_answers() {
    let client = PgClient::new(connect().await);
    let pid = backend_pid(&client).await;
    let start = Instant::now();
    let err = within(
        "timed out query",
        30,
        client
            .with_timeout(Duration::from_millis(200))
            .exec(&Sql::new("SELECT pg_sleep(10)")),
    )
    .await
    .unwrap_err();
    let took = start.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.query(), Some("SELECT pg_sleep(10)"));
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let one: i32 = within("SELECT 1", 30, client.fetch_scalar(&Sql::new("SELECT 1")))
        .await
        .unwrap();
    assert_eq!(one, 1);
    wait_idle(pid, 5).await;
    // every verb is timed
    let err = within(
        "fetch_all",
        30,
        client
            .with_timeout(Duration::from_millis(100))
            .fetch_all::<(i32,)>(&Sql::new("SELECT 1 FROM pg_sleep(10)")),
    )
    .await
    .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // a plain client too
    let plain = connect().await;
    let err = within(
        "plain client",
        30,
        plain
            .with_timeout(Duration::from_millis(100))
            .fetch_scalar::<i32>(&sql!("SELECT {n}::int4 FROM pg_sleep(10)", n = 1_i32)),
    )
    .await
    .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let n: i64 = within(
        "plain again",
        30,
        plain.fetch_scalar(&sql!("SELECT {}", 7_i64)),
    )
    .await
    .unwrap();
    assert_eq!(n, 7);
}

#[tokio::test]
async fn session_timeout_and_per_query_override() {
    let client = PgClient::new(connect().await);
    client
        .pg_session()
        .set_timeout(Some(Duration::from_millis(200)));
    // a longer per-query timeout overrides the session's (checked first: a
    // cancel request the server acts on late, under load, could reach the
    // statement right after a timed-out one)
    let n = within(
        "override",
        30,
        client
            .with_timeout(Duration::from_secs(20))
            .exec(&Sql::new("SELECT pg_sleep(0.5)")),
    )
    .await
    .unwrap();
    assert_eq!(n, 1);
    let t = Instant::now();
    let err = within(
        "session timeout",
        30,
        client.exec(&Sql::new("SELECT pg_sleep(10)")),
    )
    .await
    .unwrap_err();
    assert!(
        t.elapsed() < Duration::from_secs(8),
        "took {:?}",
        t.elapsed()
    );
    assert!(err.is_timeout(), "{err:?}");
    // quick statements are untouched, repeated (prepared) or not
    for i in 0..5_i32 {
        let v: i32 = within("quick", 30, client.fetch_scalar(&sql!("SELECT {i} + 1")))
            .await
            .unwrap();
        assert_eq!(v, i + 1);
    }
    client.pg_session().set_timeout(None);
    let n = within(
        "no timeout",
        30,
        client.exec(&Sql::new("SELECT pg_sleep(0.3)")),
    )
    .await
    .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn timeout_in_a_stream_is_a_deadline() {
    let client = PgClient::new(connect().await);
    let pid = backend_pid(&client).await;
    let mut stream = within(
        "stream start",
        30,
        client
            .with_timeout(Duration::from_millis(500))
            .fetch_stream::<(i64,)>(&Sql::new("SELECT generate_series(1, 50000000)")),
    )
    .await
    .unwrap();
    let mut timed_out = false;
    let mut rows = 0;
    while let Some(row) = within("stream rows", 30, stream.next()).await {
        match row {
            Ok(_) => rows += 1,
            Err(e) => {
                assert!(e.is_timeout(), "{e:?}");
                timed_out = true;
            }
        }
    }
    assert!(timed_out);
    assert!(rows > 0 && rows < 50_000_000, "{rows} rows");
    drop(stream);
    let one: i32 = within("after", 30, client.fetch_scalar(&Sql::new("SELECT 1")))
        .await
        .unwrap();
    assert_eq!(one, 1);
    wait_idle(pid, 5).await;
}

#[tokio::test]
async fn dropped_stream_stops_the_server() {
    let client = PgClient::new(connect().await);
    let pid = backend_pid(&client).await;
    let mut stream = within(
        "stream",
        30,
        client.fetch_stream::<(i64,)>(&Sql::new("SELECT generate_series(1, 50000000)")),
    )
    .await
    .unwrap();
    for _ in 0..10 {
        within("row", 30, stream.next()).await.unwrap().unwrap();
    }
    drop(stream);
    wait_idle(pid, 5).await;
    // the next query answers at once, without the cancel's error
    let start = Instant::now();
    let one: i32 = within("after drop", 30, client.fetch_scalar(&Sql::new("SELECT 1")))
        .await
        .unwrap();
    assert_eq!(one, 1);
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn dropped_small_streams_never_cancel_the_next_statement() {
    // The server has sent every row before the drop: the cancel must not
    // land on the statement after.
    let client = PgClient::new(connect().await);
    {
        for i in 0..40_i64 {
            let mut stream = within(
                "stream",
                30,
                client.fetch_stream::<(i64,)>(&sql!("SELECT generate_series(1, 1000) + {i}")),
            )
            .await
            .unwrap();
            within("row", 30, stream.next()).await.unwrap().unwrap();
            drop(stream);
            let n: i64 = within("next", 30, client.fetch_scalar(&sql!("SELECT {i}")))
                .await
                .unwrap_or_else(|e| panic!("round {i}: {e}"));
            assert_eq!(n, i);
        }
    }
    let plain = connect().await;
    for i in 0..20_i64 {
        let mut stream = plain
            .fetch_stream::<(i64,)>(&sql!("SELECT generate_series(1, 1000) + {i}"))
            .await
            .unwrap();
        stream.next().await.unwrap().unwrap();
        drop(stream);
        let n: i64 = within("next", 30, plain.fetch_scalar(&sql!("SELECT {i}")))
            .await
            .unwrap_or_else(|e| panic!("round {i}: {e}"));
        assert_eq!(n, i);
    }
}

#[tokio::test]
async fn fetch_one_over_many_rows_cancels_the_rest() {
    let client = PgClient::new(connect().await);
    let pid = backend_pid(&client).await;
    let err = within(
        "fetch_one",
        30,
        client.fetch_one::<(i64,)>(&Sql::new("SELECT generate_series(1, 50000000)")),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRows);
    wait_idle(pid, 5).await;
    let one: i32 = client.fetch_scalar(&Sql::new("SELECT 1")).await.unwrap();
    assert_eq!(one, 1);
}

#[tokio::test]
async fn dropped_future_stops_the_server() {
    let client = PgClient::new(connect().await);
    let pid = backend_pid(&client).await;
    // the future is dropped when the outer timeout passes
    let dropped = tokio::time::timeout(
        Duration::from_millis(300),
        client.exec(&Sql::new("SELECT pg_sleep(10)")),
    )
    .await;
    assert!(dropped.is_err());
    wait_idle(pid, 5).await;
    let one: i32 = within("after", 30, client.fetch_scalar(&Sql::new("SELECT 1")))
        .await
        .unwrap();
    assert_eq!(one, 1);
}

/// Through PgBouncer (transaction mode, pooler mode in pgcast): the cancel
/// request reaches the server through PgBouncer and the statement stops.
/// The PgBouncer 1.18 installed here then drops its client connections
/// (and, in these tests, accepts no new ones), so the test runs a PgBouncer
/// of its own rather than the shared one, and only asks that the
/// connection answers or says it was lost.
#[tokio::test]
async fn timeout_through_pgbouncer() {
    let server = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let pooler = pgcast_tempdb::Pooler::start(server, 2).unwrap_or_else(|e| panic!("{e}"));
    let client = PgClient::new(connect_to(pooler.url()).await);
    client.pg_session().set_pooler(true);
    let start = Instant::now();
    let err = within(
        "through the pooler",
        30,
        client
            .with_timeout(Duration::from_millis(200))
            .exec(&Sql::new("SELECT pg_sleep(10) /* pooled-timeout */")),
    )
    .await
    .unwrap_err();
    assert!(err.is_timeout() || err.is_connection_lost(), "{err:?}");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    wait_gone("pooled-timeout", 5).await;
    match within(
        "after",
        30,
        client.fetch_scalar::<i32>(&Sql::new("SELECT 1")),
    )
    .await
    {
        Ok(one) => assert_eq!(one, 1),
        Err(e) => assert!(e.is_connection_lost(), "{e:?}"),
    }
}
