//! Borrowed rows: `for_each` lends each row to a callback, which decodes it
//! into row types that borrow from the driver's buffer.

use std::time::Duration;

use pgcast::types::RawJson;
use pgcast::{ErrorKind, FromRow, sql};
use pgcast_tokio_postgres::{BorrowedRow, ClientExt, PgClient};

use crate::support::connect;

/// A row type borrowing its text.
#[derive(FromRow, Debug, PartialEq)]
struct Named<'r> {
    id: i64,
    name: &'r str,
}

async fn limited<T>(body: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("timed out after 60 s")
}

#[tokio::test]
async fn rows_are_lent_and_decoded_without_copies() {
    limited(async {
        let client = PgClient::new(connect().await);
        let q = sql!(
            "SELECT n::int8 AS id, 'name-' || n AS name, jsonb_build_object('n', n) AS doc \
             FROM generate_series(1, 10000) n"
        );
        for _ in 0..2 {
            // (twice: the second run on the statement the session kept)
            let (mut bytes, mut ids, mut docs) = (0, 0_i64, 0);
            let n = client
                .for_each(&q, |row: BorrowedRow<'_>| {
                    let named: Named<'_> = row.decode()?;
                    let (id, name, doc): (i64, &str, RawJson<'_>) = row.decode()?;
                    assert_eq!((named.id, named.name), (id, name));
                    bytes += name.len();
                    ids += id;
                    docs += usize::from(doc.0.contains("\"n\""));
                    Ok(())
                })
                .await
                .unwrap();
            assert_eq!(n, 10_000);
            assert_eq!(ids, 10_000 * 10_001 / 2);
            assert_eq!(docs, 10_000);
            let (expected,): (i64,) = client
                .fetch_one(&sql!(
                    "SELECT sum(length('name-' || n))::int8 FROM generate_series(1, 10000) n"
                ))
                .await
                .unwrap();
            assert_eq!(bytes as i64, expected);
        }
    })
    .await;
}

#[tokio::test]
async fn a_callback_error_stops_the_query_and_the_connection_answers() {
    limited(async {
        let client = PgClient::new(connect().await);
        let mut seen = 0;
        let err = client
            .for_each(
                &sql!("SELECT n FROM generate_series(1, 50000000) n"),
                |row: BorrowedRow<'_>| {
                    let (n,): (i32,) = row.decode()?;
                    seen += 1;
                    if n == 10 {
                        return Err(pgcast::Error::new(ErrorKind::OutOfRange, "enough"));
                    }
                    Ok(())
                },
            )
            .await
            .unwrap_err();
        assert_eq!(seen, 10);
        assert!(err.to_string().contains("enough"), "{err}");
        // A row type that does not fit is the decode's error, with the row.
        let err = client
            .for_each(&sql!("SELECT 'x'::text AS t"), |row: BorrowedRow<'_>| {
                row.decode::<(i64,)>().map(drop)
            })
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("int8") || err.to_string().contains("i64"),
            "{err}"
        );
        let (one,): (i32,) = client.fetch_one(&sql!("SELECT 1")).await.unwrap();
        assert_eq!(one, 1);
    })
    .await;
}

#[tokio::test]
async fn unseen_types_are_lent_without_a_hang() {
    limited(async {
        let setup = connect().await;
        setup
            .batch_execute(
                "DROP TYPE IF EXISTS lend_mood CASCADE; CREATE TYPE lend_mood AS ENUM ('calm', 'wild');",
            )
            .await
            .unwrap();
        // A fresh connection that has never seen the enum.
        let client = connect().await;
        let mut labels = Vec::new();
        client
            .for_each(
                &sql!("SELECT (ARRAY['calm','wild']::lend_mood[])[1 + n % 2] AS m FROM generate_series(1, 4) n"),
                |row: BorrowedRow<'_>| {
                    let (m,): (&str,) = row.decode()?;
                    labels.push(m.to_owned());
                    Ok(())
                },
            )
            .await
            .unwrap();
        assert_eq!(labels, ["wild", "calm", "wild", "calm"]);
    })
    .await;
}
