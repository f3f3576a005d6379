//! deadpool-postgres: pooled clients gain the extension methods.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use pgcast::sql;
use pgcast::sql::Sql;
use pgcast_tokio_postgres::{ClientExt, PgClient};

#[tokio::test]
async fn pooled_clients_and_transactions() {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let config: tokio_postgres::Config = db.url().parse().unwrap();
    let manager = Manager::from_config(
        config,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager).max_size(4).build().unwrap();

    let mut tasks = Vec::new();
    for i in 0..8_i64 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let client = pool.get().await.unwrap();
            // the pooled client derefs to a tokio-postgres client
            let n: i64 = client.fetch_scalar(&sql!("SELECT {i} * 2")).await.unwrap();
            assert_eq!(n, i * 2);
            // and can carry a session
            let pg = PgClient::new(&**client);
            let rows: Vec<(i32,)> = pg
                .fetch_all(&Sql::new("SELECT generate_series(1, 3)"))
                .await
                .unwrap();
            assert_eq!(rows.len(), 3);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }

    let mut client = pool.get().await.unwrap();
    let tx = client.transaction().await.unwrap();
    // deadpool's transaction derefs to the driver's, which has the verbs
    writes_and_reads(&*tx, "pooled").await;
    tx.rollback().await.unwrap();
    assert_eq!(pool.status().max_size, 4);
}

/// Creates the temporary table `table` in `tx`, writes a row and reads it
/// back.
async fn writes_and_reads(tx: &impl ClientExt, table: &str) {
    tx.exec(sql!("CREATE TEMP TABLE {table:i} (n int4)"))
        .await
        .unwrap();
    tx.exec(sql!("INSERT INTO {table:i} VALUES ({})", 7_i32))
        .await
        .unwrap();
    let n: i32 = tx
        .fetch_scalar(sql!("SELECT n FROM {table:i}"))
        .await
        .unwrap();
    assert_eq!(n, 7);
}

/// pgcast's own deadpool manager: every pooled connection keeps its session
/// from one checkout to the next.
#[cfg(feature = "deadpool")]
mod sessions {
    use std::time::Duration;

    use pgcast::sql;
    use pgcast_tokio_postgres::pool::deadpool_postgres::{self, ManagerConfig, RecyclingMethod};
    use pgcast_tokio_postgres::pool::{Manager, Pool};
    use pgcast_tokio_postgres::{ClientExt, TransactionEnd, TransactionExt};

    fn pool(
        url: &str,
        size: usize,
        configure: impl Fn(&pgcast_tokio_postgres::Session) + Send + Sync + 'static,
    ) -> Pool {
        let manager = deadpool_postgres::Manager::from_config(
            url.parse().unwrap(),
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Verified,
            },
        );
        Pool::builder(Manager::new(manager).configure(configure))
            .max_size(size)
            .build()
            .unwrap()
    }

    async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
        match tokio::time::timeout(Duration::from_secs(60), f).await {
            Ok(v) => v,
            Err(_) => panic!("{what}: no answer in 60 s (a hang)"),
        }
    }

    /// Named statements of this connection whose text mentions `marker`.
    async fn kept(client: &tokio_postgres::Client, marker: &str) -> i64 {
        let pattern = format!("%{marker}%");
        client
            .query_one(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE $1 AND name <> ''",
                &[&pattern],
            )
            .await
            .unwrap()
            .get(0)
    }

    #[tokio::test]
    async fn a_connection_keeps_its_statements_across_checkouts() {
        let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
        let pool = pool(db.url(), 1, |_| {});
        for round in 0..4_i64 {
            let client = within("get", pool.get()).await.unwrap();
            let n: i64 = within(
                "lookup",
                client.fetch_scalar(&sql!("SELECT {round} + 1 AS kept_across_checkouts")),
            )
            .await
            .unwrap();
            assert_eq!(n, round + 1);
            // Prepared when it repeats (the second run), then reused: one
            // named statement, though every run came from a new checkout.
            let expected = if round == 0 { 0 } else { 1 };
            assert_eq!(
                kept(&client, "kept_across_checkouts").await,
                expected,
                "round {round}"
            );
            assert_eq!(client.pg_session().cached_statements(), expected as usize);
        }
    }

    #[tokio::test]
    async fn sessions_are_configured_once_per_connection() {
        let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
        let pool = pool(db.url(), 2, |session| session.set_pooler(true));
        let mut tasks = Vec::new();
        for i in 0..16_i64 {
            let pool = pool.clone();
            tasks.push(tokio::spawn(async move {
                let client = within("get", pool.get()).await.unwrap();
                assert!(client.pg_session().is_pooler());
                for _ in 0..3 {
                    let n: i64 = client
                        .fetch_scalar(&sql!("SELECT {i} * 2 AS pooler_configured"))
                        .await
                        .unwrap();
                    assert_eq!(n, i * 2);
                }
                // Pooler mode: nothing named is left on the server.
                assert_eq!(kept(&client, "pooler_configured").await, 0);
            }));
        }
        for t in tasks {
            within("task", t).await.unwrap();
        }
        assert!(pool.status().size <= 2);
    }

    #[tokio::test]
    async fn transactions_on_a_checked_out_connection() {
        let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
        let pool = pool(db.url(), 1, |_| {});
        let mut client = within("get", pool.get()).await.unwrap();
        let tx = client.pg_transaction().await.unwrap();
        super::writes_and_reads(&tx, "pooled_tx").await;
        tx.rollback().await.unwrap();
        let gone = client
            .fetch_optional::<(i32,)>(&sql!(
                "SELECT 1 FROM pg_tables WHERE tablename = 'pooled_tx'"
            ))
            .await
            .unwrap();
        assert_eq!(gone, None, "rolled back");
    }

    #[tokio::test]
    async fn a_lost_connection_is_replaced_with_a_new_session() {
        let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
        let pool = pool(db.url(), 1, |_| {});
        let client = within("get", pool.get()).await.unwrap();
        let pid: i32 = client
            .fetch_scalar(&sql!("SELECT pg_backend_pid()"))
            .await
            .unwrap();
        client
            .fetch_scalar::<i32>(&sql!("SELECT pg_backend_pid()"))
            .await
            .unwrap();
        assert_eq!(client.pg_session().cached_statements(), 1);
        drop(client);
        let (killer, conn) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        killer
            .execute("SELECT pg_terminate_backend($1)", &[&pid])
            .await
            .unwrap();
        // Verified recycling finds the connection gone and opens a new one,
        // with a session of its own: nothing kept for the old backend.
        let client = within("get again", pool.get()).await.unwrap();
        assert_eq!(client.pg_session().cached_statements(), 0);
        let again: i32 = within(
            "query",
            client.fetch_scalar(&sql!("SELECT pg_backend_pid()")),
        )
        .await
        .unwrap();
        assert_ne!(again, pid);
    }
}
