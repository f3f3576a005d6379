//! Connection faults: the backend killed by `pg_terminate_backend` mid-query,
//! mid-stream and mid-`COPY`, and the server restarted with `pg_ctl restart
//! -m immediate` (a cluster of the test's own). Each gives an error that
//! says the connection was lost — never a panic or a hang (every step runs
//! under a timeout) — a `COPY` in a transaction leaves nothing behind, and a
//! deadpool-postgres pool hands out a working connection afterwards.

use std::future::Future;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use futures_util::{StreamExt, stream};
use pgcast::sql::{Identifier, Sql};
use pgcast::{ToRow, sql};
use pgcast_tokio_postgres::{
    ClientExt, CopyExt, ErrorKind, PgClient, TransactionEnd, TransactionExt,
};
use tokio_postgres::{Client, NoTls};

use crate::support::connect;

async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(Duration::from_secs(60), f).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no answer in 60 s (a hang)"),
    }
}

async fn connect_to(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    tokio::spawn(async move {
        // The connection's end is what these tests are about.
        let _ = connection.await;
    });
    client
}

async fn pid_of(client: &impl ClientExt) -> i32 {
    within(
        "pg_backend_pid",
        client.fetch_scalar(&Sql::new("SELECT pg_backend_pid()")),
    )
    .await
    .unwrap()
}

/// Terminates backend `pid` from another connection once it runs a
/// statement (`active`), after `delay`.
fn terminate_later(pid: i32, delay: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let killer = connect().await;
        tokio::time::sleep(delay).await;
        let killed: bool = killer
            .query_one("SELECT pg_terminate_backend($1)", &[&pid])
            .await
            .unwrap()
            .get(0);
        assert!(killed, "no backend {pid} to terminate");
    })
}

/// The connection is gone: the next query says so too.
async fn lost_for_good(client: &impl ClientExt) {
    let err = within(
        "after the loss",
        client.fetch_scalar::<i32>(&Sql::new("SELECT 1")),
    )
    .await
    .unwrap_err();
    assert!(err.is_connection_lost(), "{err:?}");
}

#[tokio::test]
async fn terminated_mid_query() {
    let client = PgClient::new(connect().await);
    let pid = pid_of(&client).await;
    let killer = terminate_later(pid, Duration::from_millis(300));
    let err = within("pg_sleep", client.exec(&Sql::new("SELECT pg_sleep(10)")))
        .await
        .unwrap_err();
    killer.await.unwrap();
    assert!(err.is_connection_lost(), "{err:?}");
    assert!(!err.is_timeout());
    lost_for_good(&client).await;
}

#[tokio::test]
async fn terminated_mid_stream() {
    let client = PgClient::new(connect().await);
    let pid = pid_of(&client).await;
    let mut stream = within(
        "stream",
        client.fetch_stream::<(i64,)>(&Sql::new("SELECT g FROM generate_series(1, 50000000) g")),
    )
    .await
    .unwrap();
    within("first row", stream.next()).await.unwrap().unwrap();
    terminate_later(pid, Duration::ZERO).await.unwrap();
    let err = within("the rest", async {
        loop {
            match stream.next().await {
                Some(Ok(_)) => {}
                Some(Err(e)) => break e,
                None => panic!("the stream ended although its backend was terminated"),
            }
        }
    })
    .await;
    assert!(err.is_connection_lost(), "{err:?}");
    drop(stream);
    lost_for_good(&client).await;
}

#[derive(ToRow)]
struct Item {
    n: i64,
    label: String,
}

#[tokio::test]
async fn terminated_mid_copy_in_a_transaction_leaves_nothing() {
    let setup = connect().await;
    setup
        .batch_execute(
            "DROP TABLE IF EXISTS fault_copy; CREATE TABLE fault_copy (n int8, label text)",
        )
        .await
        .unwrap();
    let mut client = PgClient::new(connect().await);
    let pid = pid_of(&client).await;
    let tx = within("begin", client.pg_transaction()).await.unwrap();
    // rows that keep coming, slowly enough for the kill to land mid-COPY
    let rows = stream::iter(0..i64::MAX).then(|n| async move {
        if n % 1000 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Item {
            n,
            label: format!("row {n}"),
        }
    });
    let killer = terminate_later(pid, Duration::from_millis(400));
    let err = within(
        "copy in",
        tx.copy_in_stream(&Identifier::new("fault_copy"), rows),
    )
    .await
    .unwrap_err();
    killer.await.unwrap();
    assert!(err.is_connection_lost(), "{err:?}");
    let rollback = within("rollback", tx.rollback()).await;
    assert!(rollback.is_err_and(|e| e.is_connection_lost()));
    let n: i64 = setup
        .query_one("SELECT count(*) FROM fault_copy", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "rows of the COPY survived its connection");
}

/// A pool that checks a connection before handing it out again
/// (`Verified`: one empty query), so a connection lost while idle in the
/// pool, or just lost, is replaced rather than handed out.
fn pool_for(url: &str, size: usize) -> Pool {
    let config: tokio_postgres::Config = url.parse().unwrap();
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Verified,
        },
    );
    Pool::builder(manager).max_size(size).build().unwrap()
}

#[tokio::test]
async fn a_pool_recovers_after_a_terminated_backend() {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let pool = pool_for(db.url(), 1);
    let client = within("get", pool.get()).await.unwrap();
    let pid = pid_of(&**client).await;
    let killer = terminate_later(pid, Duration::from_millis(200));
    let err = within("pg_sleep", client.exec(&Sql::new("SELECT pg_sleep(10)")))
        .await
        .unwrap_err();
    killer.await.unwrap();
    assert!(err.is_connection_lost(), "{err:?}");
    drop(client);
    // the pool sees the closed client and connects anew
    let client = within("get again", pool.get()).await.unwrap();
    let n: i64 = within("query", client.fetch_scalar(&sql!("SELECT {}", 41_i64 + 1)))
        .await
        .unwrap();
    assert_eq!(n, 42);
    assert_ne!(pid_of(&**client).await, pid);
}

/// A server of the test's own, restarted as a crash would: queries running
/// and idle connections alike are lost, and a pool recovers.
#[tokio::test]
async fn server_restart_immediate() {
    let db = tokio::task::spawn_blocking(pgcast_tempdb::TempDb::start)
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{e}"));
    if !db.is_throwaway() {
        // DATABASE_URL's server is not this test's to restart.
        eprintln!("server_restart_immediate: skipped, DATABASE_URL names the server");
        return;
    }
    let pool = pool_for(db.url(), 2);
    let idle = within("get", pool.get()).await.unwrap();
    let one: i32 = within("idle", idle.fetch_scalar(&Sql::new("SELECT 1")))
        .await
        .unwrap();
    assert_eq!(one, 1);
    let busy = PgClient::new(connect_to(db.url()).await);
    let running = tokio::spawn(async move {
        let err = busy
            .exec(&Sql::new("SELECT pg_sleep(30)"))
            .await
            .unwrap_err();
        (busy, err)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let db = within(
        "restart",
        tokio::task::spawn_blocking(move || {
            db.restart_immediate().unwrap_or_else(|e| panic!("{e}"));
            db
        }),
    )
    .await
    .unwrap();
    let (busy, err) = within("the running query", running).await.unwrap();
    assert!(err.is_connection_lost(), "{err:?}");
    lost_for_good(&busy).await;
    // the idle pooled connection is gone too
    let err = within(
        "idle after",
        idle.fetch_scalar::<i32>(&Sql::new("SELECT 1")),
    )
    .await
    .unwrap_err();
    assert!(err.is_connection_lost(), "{err:?}");
    assert_ne!(err.kind(), ErrorKind::Timeout);
    drop(idle);
    // the pool connects anew to the restarted server
    let client = within("get after restart", pool.get()).await.unwrap();
    let n: i64 = within("query", client.fetch_scalar(&sql!("SELECT {}", 7_i64)))
        .await
        .unwrap();
    assert_eq!(n, 7);
    drop(client);
    drop(pool);
    tokio::task::spawn_blocking(move || drop(db)).await.unwrap();
}
