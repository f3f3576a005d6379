//! Timeouts and cancellation with the blocking client: a statement past its
//! timeout and a dropped iterator are canceled on the server (watched in
//! `pg_stat_activity` from a second connection), and the connection
//! answers the next query. Every test runs on a watched thread.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use pgcast::sql;
use pgcast::sql::Sql;
use pgcast_postgres::{ClientExt, ErrorKind, PgClient};
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

/// Waits (at most `secs`) until backend `pid` is idle, watched from another
/// connection.
fn wait_idle(pid: i32, secs: u64) {
    let mut watcher = connect();
    let start = Instant::now();
    loop {
        let row = watcher
            .query_one(
                "SELECT coalesce(state, ''), query FROM pg_stat_activity WHERE pid = $1",
                &[&pid],
            )
            .unwrap();
        let state: String = row.get(0);
        if state == "idle" {
            return;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let query: String = row.get(1);
            panic!("backend {pid} still {state} after {secs} s: {query}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn timeout_cancels_on_the_server_and_the_connection_answers() {
    within("timeout", || {
        let mut client = PgClient::new(connect());
        let pid: i32 = client
            .fetch_scalar(Sql::new("SELECT pg_backend_pid()"))
            .unwrap();
        let start = Instant::now();
        let err = client
            .with_timeout(Duration::from_millis(200))
            .exec(Sql::new("SELECT pg_sleep(10)"))
            .unwrap_err();
        let took = start.elapsed();
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert!(took < Duration::from_secs(3), "took {took:?}");
        let one: i32 = client.fetch_scalar(Sql::new("SELECT 1")).unwrap();
        assert_eq!(one, 1);
        wait_idle(pid, 5);
        // a plain client, and fetch_one
        let mut plain = connect();
        let err = plain
            .with_timeout(Duration::from_millis(100))
            .fetch_scalar::<i32>(&sql!("SELECT {n}::int4 FROM pg_sleep(10)", n = 1_i32))
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        let n: i64 = plain.fetch_scalar(&sql!("SELECT {}", 7_i64)).unwrap();
        assert_eq!(n, 7);
    });
}

#[test]
fn session_timeout_and_per_query_override() {
    within("session timeout", || {
        let mut client = PgClient::new(connect());
        client
            .pg_session()
            .set_timeout(Some(Duration::from_millis(200)));
        // the override first: a cancel the server acts on late, under load,
        // could reach the statement right after a timed-out one
        let n = client
            .with_timeout(Duration::from_secs(20))
            .exec(Sql::new("SELECT pg_sleep(0.5)"))
            .unwrap();
        assert_eq!(n, 1);
        let err = client
            .fetch_all::<(i32,)>(&Sql::new("SELECT 1 FROM pg_sleep(10)"))
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        for i in 0..5_i32 {
            let v: i32 = client.fetch_scalar(&sql!("SELECT {i} + 1")).unwrap();
            assert_eq!(v, i + 1);
        }
    });
}

#[test]
fn timeout_in_an_iterator_is_a_deadline() {
    within("iterator deadline", || {
        let mut client = PgClient::new(connect());
        let pid: i32 = client
            .fetch_scalar(Sql::new("SELECT pg_backend_pid()"))
            .unwrap();
        let mut rows = 0_u64;
        let mut timed_out = false;
        {
            let mut scoped = client.with_timeout(Duration::from_millis(500));
            let iter = scoped
                .fetch_iter::<(i64,)>(&Sql::new("SELECT generate_series(1, 50000000)"))
                .unwrap();
            for row in iter {
                match row {
                    Ok(_) => rows += 1,
                    Err(e) => {
                        assert!(e.is_timeout(), "{e:?}");
                        timed_out = true;
                    }
                }
            }
        }
        assert!(timed_out && rows > 0 && rows < 50_000_000, "{rows} rows");
        let one: i32 = client.fetch_scalar(Sql::new("SELECT 1")).unwrap();
        assert_eq!(one, 1);
        wait_idle(pid, 5);
    });
}

#[test]
fn dropped_iterator_stops_the_server() {
    within("dropped iterator", || {
        let mut client = PgClient::new(connect());
        let pid: i32 = client
            .fetch_scalar(Sql::new("SELECT pg_backend_pid()"))
            .unwrap();
        let start = Instant::now();
        {
            let mut iter = client
                .fetch_iter::<(i64,)>(&Sql::new("SELECT generate_series(1, 50000000)"))
                .unwrap();
            for _ in 0..10 {
                iter.next().unwrap().unwrap();
            }
        }
        assert!(start.elapsed() < Duration::from_secs(10));
        wait_idle(pid, 5);
        let one: i32 = client.fetch_scalar(Sql::new("SELECT 1")).unwrap();
        assert_eq!(one, 1);
        // fetch_one over many rows reads two, and stops the rest
        let err = client
            .fetch_one::<(i64,)>(&Sql::new("SELECT generate_series(1, 50000000)"))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooManyRows);
        wait_idle(pid, 5);
        // small results already sent: the next statement is never canceled
        for i in 0..40_i64 {
            {
                let mut iter = client
                    .fetch_iter::<(i64,)>(&sql!("SELECT generate_series(1, 1000) + {i}"))
                    .unwrap();
                iter.next().unwrap().unwrap();
            }
            let n: i64 = client
                .fetch_scalar(&sql!("SELECT {i}"))
                .unwrap_or_else(|e| panic!("round {i}: {e}"));
            assert_eq!(n, i);
        }
    });
}
