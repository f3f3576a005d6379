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
    tx.exec(&Sql::new("CREATE TEMP TABLE pooled (n int4)"))
        .await
        .unwrap();
    tx.exec(&sql!("INSERT INTO pooled VALUES ({})", 7_i32))
        .await
        .unwrap();
    let n: i32 = tx
        .fetch_scalar(&Sql::new("SELECT n FROM pooled"))
        .await
        .unwrap();
    assert_eq!(n, 7);
    tx.rollback().await.unwrap();
    assert_eq!(pool.status().max_size, 4);
}
