//! Server-side cursors read with fetchmany.

use pgcast::sql::{Placeholder, Sql};
use pgcast::{FromRow, sql};
use pgcast_tokio_postgres::{
    ClientExt, CursorFetch, ErrorKind, PgClient, TransactionEnd, TransactionExt,
};

use crate::support::connect;

#[derive(FromRow, Debug, PartialEq)]
struct N {
    n: i32,
    sq: i64,
}

#[tokio::test]
async fn fetchmany_in_a_transaction() {
    let mut client = PgClient::new(connect().await);
    let tx = client.pg_transaction().await.unwrap();
    let upto = 25_i32;
    let mut cursor = tx
        .cursor::<N>(
            &sql!(
                "SELECT n, (n::int8 * n) AS sq FROM generate_series(1, {upto}) n WHERE n > {min}",
                min = Placeholder::named("min")
            )
            .with("min", 0_i32),
        )
        .await
        .unwrap();
    let first = cursor.fetch_many(10).await.unwrap();
    assert_eq!(first.len(), 10);
    assert_eq!(first[9], N { n: 10, sq: 100 });
    assert_eq!(
        cursor.fetch_next().await.unwrap(),
        Some(N { n: 11, sq: 121 })
    );
    let next = cursor.fetch_many(10).await.unwrap();
    assert_eq!(next[0].n, 12);
    assert!(!cursor.is_done());
    let rest = cursor.fetch_many(10).await.unwrap();
    assert_eq!(rest.len(), 4);
    assert!(cursor.is_done());
    assert!(cursor.fetch_many(10).await.unwrap().is_empty());
    cursor.close().await.unwrap();

    // an untyped parameter goes through a prepared DECLARE
    let mut cursor = tx
        .cursor::<(i32,)>(
            &(Sql::new("SELECT n FROM generate_series(1, 5) n WHERE n >= ")
                + Placeholder::named("min"))
            .with("min", pgcast::Value::Int4(3)),
        )
        .await
        .unwrap();
    assert_eq!(cursor.fetch_rest().await.unwrap(), [(3,), (4,), (5,)]);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn cursors_outside_a_transaction() {
    let client = connect().await;
    let err = client
        .cursor::<(i32,)>(&Sql::new("SELECT 1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(
        err.code(),
        Some(tokio_postgres::error::SqlState::NO_ACTIVE_SQL_TRANSACTION.code())
    );

    let mut held = client
        .cursor_with_hold::<(i32,)>(&Sql::new("SELECT n FROM generate_series(1, 3) n"))
        .await
        .unwrap();
    assert_eq!(held.fetch_many(2).await.unwrap(), [(1,), (2,)]);
    assert_eq!(held.fetch_many(2).await.unwrap(), [(3,)]);
    held.close().await.unwrap();
}
