//! Streaming rows: decoded as they arrive; dropping a stream midway leaves
//! the connection usable.

use futures_util::{StreamExt, TryStreamExt};
use pgcast::bridge::Pg;
use pgcast::sql::{Placeholder, Sql};
use pgcast::{FromRow, sql};
use pgcast_tokio_postgres::{ClientExt, PgClient, RowStream};

use crate::support::connect;

#[derive(FromRow, Debug, PartialEq)]
struct Row {
    n: i64,
    label: String,
}

#[tokio::test]
async fn streams_decode_rows_in_order() {
    let client = connect().await;
    let upto = 1000_i64;
    let stream: RowStream<Row> = client
        .fetch_stream(&sql!(
            "SELECT n, 'n' || n AS label FROM generate_series(1, {upto}) n"
        ))
        .await
        .unwrap();
    let rows: Vec<Row> = stream.try_collect().await.unwrap();
    assert_eq!(rows.len(), 1000);
    assert_eq!(
        rows[999],
        Row {
            n: 1000,
            label: "n1000".into()
        }
    );
}

#[tokio::test]
async fn dropping_a_stream_midway_leaves_the_connection_usable() {
    let client = PgClient::new(connect().await);
    // prepared (a parameter of no known type) and unprepared (all types known)
    let prepared = Sql::new("SELECT n, 'x' AS label FROM generate_series(1::int8, ")
        + Placeholder::named("upto")
        + Sql::new(") n");
    let typed = sql!(
        "SELECT n, 'x' AS label FROM generate_series(1, {}::int8) n",
        200_000_i64
    );
    for q in [prepared.with("upto", Pg(200_000_i64)), typed] {
        let mut stream = client.fetch_stream::<Row>(&q).await.unwrap();
        for expected in 1..=10 {
            assert_eq!(stream.next().await.unwrap().unwrap().n, expected);
        }
        drop(stream);
        let n: i64 = client
            .fetch_scalar(&Sql::new("SELECT 41::int8 + 1"))
            .await
            .unwrap();
        assert_eq!(n, 42);
    }
    assert_eq!(client.pg_session().cached_statements(), 1);
}

#[tokio::test]
async fn a_bad_row_in_a_stream_names_the_row_and_the_column() {
    let client = connect().await;
    let mut stream = client
        .fetch_stream::<(i64, String)>(&Sql::new(
            "SELECT n, CASE WHEN n = 3 THEN NULL ELSE 'x' END FROM generate_series(1, 5) n",
        ))
        .await
        .unwrap();
    for _ in 0..2 {
        stream.next().await.unwrap().unwrap();
    }
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.row(), Some(2));
    let inner = err.pgcast().unwrap();
    assert_eq!(inner.kind(), pgcast::ErrorKind::UnexpectedNull);
    assert_eq!(inner.column().unwrap().index, 1);
    // the rest of the stream still decodes
    assert_eq!(stream.next().await.unwrap().unwrap().0, 4);
}
