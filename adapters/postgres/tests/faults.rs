//! Connection faults with the blocking client: the backend killed by
//! `pg_terminate_backend` mid-query and mid-iteration gives an error that
//! says the connection was lost, never a panic or a hang (every test runs
//! on a watched thread).

use std::sync::mpsc;
use std::time::Duration;

use pgcast::sql::Sql;
use pgcast_postgres::{ClientExt, PgClient};
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

/// Terminates backend `pid` from another connection after `delay`.
fn terminate_later(pid: i32, delay: Duration) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut killer = connect();
        std::thread::sleep(delay);
        let killed: bool = killer
            .query_one("SELECT pg_terminate_backend($1)", &[&pid])
            .unwrap()
            .get(0);
        assert!(killed, "no backend {pid} to terminate");
    })
}

#[test]
fn terminated_mid_query_and_mid_iteration() {
    within("faults", || {
        let mut client = PgClient::new(connect());
        let pid: i32 = client
            .fetch_scalar(Sql::new("SELECT pg_backend_pid()"))
            .unwrap();
        let killer = terminate_later(pid, Duration::from_millis(300));
        let err = client.exec(Sql::new("SELECT pg_sleep(10)")).unwrap_err();
        killer.join().unwrap();
        assert!(err.is_connection_lost(), "{err:?}");
        let err = client
            .fetch_scalar::<i32>(&Sql::new("SELECT 1"))
            .unwrap_err();
        assert!(err.is_connection_lost(), "{err:?}");

        let mut client = PgClient::new(connect());
        let pid: i32 = client
            .fetch_scalar(Sql::new("SELECT pg_backend_pid()"))
            .unwrap();
        let mut iter = client
            .fetch_iter::<(i64,)>(&Sql::new("SELECT generate_series(1, 50000000)"))
            .unwrap();
        iter.next().unwrap().unwrap();
        terminate_later(pid, Duration::ZERO).join().unwrap();
        let err = loop {
            match iter.next() {
                Some(Ok(_)) => {}
                Some(Err(e)) => break e,
                None => panic!("the rows ended although their backend was terminated"),
            }
        };
        assert!(err.is_connection_lost(), "{err:?}");
    });
}
