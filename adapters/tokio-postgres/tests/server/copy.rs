//! COPY: binary in from iterators and streams of rows, binary out into
//! row types; failures leave nothing half-written (text and CSV in and
//! out are in the suite every adapter runs).

use futures_util::{StreamExt, TryStreamExt, stream};
use pgcast::sql::{Identifier, Sql};
use pgcast::{FromRow, ToRow, sql};
use pgcast_tokio_postgres::{
    ClientExt, CopyExt, ErrorKind, PgClient, TransactionEnd, TransactionExt,
};

use crate::support::connect;

#[derive(ToRow, FromRow, Debug, PartialEq, Clone)]
struct Reading {
    id: i64,
    sensor: String,
    value: Option<f64>,
    tags: Vec<String>,
}

fn reading(i: i64) -> Reading {
    Reading {
        id: i,
        sensor: format!("s{}", i % 7),
        value: (i % 5 != 0).then_some(i as f64 / 4.0),
        tags: vec!["a".into(); (i % 3) as usize],
    }
}

async fn table(client: &impl ClientExt) {
    client
        .exec(&Sql::new(
            "CREATE TEMP TABLE readings (id int8 PRIMARY KEY, sensor text NOT NULL, \
                 value float8, tags text[] NOT NULL, note text DEFAULT 'none')",
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn binary_copy_in_and_out_round_trip() {
    let client = PgClient::new(connect().await);
    table(&client).await;
    let rows: Vec<Reading> = (1..=20_000).map(reading).collect();
    let n = client
        .copy_in_rows(&Identifier::new("readings"), rows.clone())
        .await
        .unwrap();
    assert_eq!(n, 20_000);

    // from a stream too, and again: the describe statement is kept once it repeats
    let n = client
        .copy_in_stream(
            &Identifier::new("readings"),
            stream::iter((20_001..=20_100).map(reading)),
        )
        .await
        .unwrap();
    assert_eq!(n, 100);
    assert_eq!(client.pg_session().cached_statements(), 1);

    let back: Vec<Reading> = client
        .fetch_all(&Sql::new(
            "SELECT id, sensor, value, tags FROM readings ORDER BY id",
        ))
        .await
        .unwrap();
    assert_eq!(back.len(), 20_100);
    assert_eq!(back[..20_000], rows[..]);

    // binary COPY out, with a bound value inlined into the query
    let min = 19_990_i64;
    let out: Vec<Reading> = client
        .copy_out_as::<Reading>(&sql!(
            "SELECT id, sensor, value, tags FROM readings WHERE id > {min} ORDER BY id"
        ))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(out.len(), 110);
    assert_eq!(out[0], reading(19_991));
    // tuples and records plan against the same description
    let pairs: Vec<(i64, Option<f64>)> = client
        .copy_out_as::<(i64, Option<f64>)>(&Sql::new(
            "SELECT id, value FROM readings WHERE id <= 5 ORDER BY id",
        ))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pairs,
        [
            (1, Some(0.25)),
            (2, Some(0.5)),
            (3, Some(0.75)),
            (4, Some(1.0)),
            (5, None)
        ]
    );
}

/// A row whose value the client cannot write (a NUL in text).
#[tokio::test]
async fn a_copy_failing_on_a_bad_row_leaves_nothing_half_written() {
    let mut client = PgClient::new(connect().await);
    table(&client).await;
    let mut rows: Vec<Reading> = (1..=1000).map(reading).collect();
    rows[700].sensor = "bad\0sensor".into();

    // client side: the row cannot be written
    let tx = client.pg_transaction().await.unwrap();
    let err = tx
        .copy_in_rows(&Identifier::new("readings"), rows.clone())
        .await
        .unwrap_err();
    assert_eq!(err.row(), Some(700), "{err}");
    assert_eq!(err.kind(), ErrorKind::Adapt(pgcast::ErrorKind::Nul));
    assert!(err.to_string().contains("row 700"), "{err}");
    assert!(
        err.query()
            .unwrap()
            .starts_with("COPY \"readings\" (\"id\", \"sensor\", \"value\", \"tags\") FROM STDIN")
    );
    tx.rollback().await.unwrap();
    let count: i64 = client
        .fetch_scalar(&Sql::new("SELECT count(*) FROM readings"))
        .await
        .unwrap();
    assert_eq!(count, 0);

    // server side: a duplicate key at row 801, inside a transaction with an earlier insert
    rows[700].sensor = "fine".into();
    rows[800].id = 5;
    let tx = client.pg_transaction().await.unwrap();
    tx.exec(&sql!(
        "INSERT INTO readings (id, sensor, tags) VALUES ({}, 'x', '{{}}')",
        5000_i64
    ))
    .await
    .unwrap();
    let err = tx
        .copy_in_rows(&Identifier::new("readings"), rows.clone())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(
        err.code(),
        Some(tokio_postgres::error::SqlState::UNIQUE_VIOLATION.code())
    );
    let db = err.report().unwrap();
    assert!(
        db.where_
            .as_deref()
            .unwrap_or_default()
            .contains("COPY readings, line 801"),
        "{db:?}"
    );
    assert!(err.to_string().contains("duplicate key"), "{err}");
    // the transaction is aborted: nothing of it is kept
    assert!(
        tx.fetch_scalar::<i64>(&Sql::new("SELECT 1::int8"))
            .await
            .is_err()
    );
    tx.rollback().await.unwrap();
    let count: i64 = client
        .fetch_scalar(&Sql::new("SELECT count(*) FROM readings"))
        .await
        .unwrap();
    assert_eq!(count, 0);

    // outside a transaction the COPY is its own statement: all or nothing
    let err = client
        .copy_in_rows(&Identifier::new("readings"), rows.clone())
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(tokio_postgres::error::SqlState::UNIQUE_VIOLATION.code())
    );
    let count: i64 = client
        .fetch_scalar(&Sql::new("SELECT count(*) FROM readings"))
        .await
        .unwrap();
    assert_eq!(count, 0);

    // and a good COPY afterwards works
    rows[800].id = 801;
    let n = client
        .copy_in_rows(&Identifier::new("readings"), rows)
        .await
        .unwrap();
    assert_eq!(n, 1000);
}

#[tokio::test]
async fn copy_errors_name_what_is_wrong() {
    let client = connect().await;
    table(&client).await;
    // a table without the row type's columns
    #[derive(ToRow)]
    struct Other {
        nope: i32,
    }
    let err = client
        .copy_in_rows(&Identifier::new("readings"), [Other { nope: 1 }])
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(tokio_postgres::error::SqlState::UNDEFINED_COLUMN.code())
    );
    // a row type that does not fit the COPY's columns
    let err = client
        .copy_out_as::<(i64, bool)>(&Sql::new("SELECT id, sensor FROM readings"))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Adapt(pgcast::ErrorKind::WrongType),
        "{err}"
    );
    let mut empty = client
        .copy_out_as::<(i64,)>(&Sql::new("SELECT id FROM readings"))
        .await
        .unwrap();
    assert!(empty.next().await.is_none());
}
