//! One error type: SQLSTATE, query, column and types.

use pgcast::sql::{Sql, bind};
use pgcast_tokio_postgres::{ClientExt, ErrorKind};
use tokio_postgres::error::SqlState;

use crate::support::connect;

#[tokio::test]
async fn server_errors_keep_their_sqlstate_and_query() {
    let client = connect().await;
    let err = client
        .exec(&Sql::new("SELECT * FROM no_such_table"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.code(), Some(SqlState::UNDEFINED_TABLE.code()));
    assert_eq!(err.query(), Some("SELECT * FROM no_such_table"));
    assert_eq!(
        err.to_string(),
        "ERROR: relation \"no_such_table\" does not exist (SQLSTATE 42P01) (query: SELECT * FROM no_such_table)"
    );
    let err = client
        .fetch_scalar::<i32>(&(Sql::new("SELECT 1 / ") + bind(0_i32)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(SqlState::DIVISION_BY_ZERO.code()));
}

#[tokio::test]
async fn adaptation_errors_keep_column_and_types() {
    let client = connect().await;
    let err = client
        .fetch_scalar::<i16>(&Sql::new("SELECT 70000::int4 AS big"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Adapt(pgcast::ErrorKind::OutOfRange));
    let inner = err.pgcast().unwrap();
    assert_eq!(inner.column().unwrap().name, "big");
    assert_eq!(inner.pg_type(), Some(&pgcast::Type::INT4));
    assert_eq!(inner.rust_type(), Some("i16"));
    assert_eq!(err.row(), Some(0));
    assert!(err.code().is_none());

    // a parameter the driver could not write: the pgcast error is reachable
    let err = client
        .fetch_scalar::<String>(&(Sql::new("SELECT ") + bind("nul\0here")))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Adapt(pgcast::ErrorKind::Nul),
        "{err}"
    );
    assert_eq!(err.pgcast().unwrap().kind(), pgcast::ErrorKind::Nul);
    assert!(err.driver_error::<tokio_postgres::Error>().is_some());
    // the connection is fine
    let n: i32 = client.fetch_scalar(&Sql::new("SELECT 1")).await.unwrap();
    assert_eq!(n, 1);
}
