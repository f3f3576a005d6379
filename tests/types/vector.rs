//! pgvector's `vector`, `halfvec` and `sparsevec`, and the `pgvector`
//! crate's types, through a server that has the extension. pgvector has no
//! Debian package for every server version; where the server lacks it the
//! tests say so and skip (point `PGCAST_PG_BINDIR` at a build that has it).
//! The codecs are also checked against the server's bytes without one, in
//! the core's unit tests.

use pgcast::types::{HalfVector, SparseVector, Vector};
use pgcast::{Ctx, Dump};
use tokio_postgres::Client;

use crate::support::{connect, server_text, test_type};

/// Creates the extension, or says why the test cannot run.
pub async fn with_pgvector() -> Option<Client> {
    let c = connect().await;
    let available = c
        .query_opt(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'",
            &[],
        )
        .await
        .unwrap();
    if available.is_none() {
        eprintln!(
            "skipped: this PostgreSQL server has no pgvector extension \
             (set PGCAST_PG_BINDIR to a build with it, or DATABASE_URL to a server with it)"
        );
        return None;
    }
    c.batch_execute(
        "BEGIN;
         SELECT pg_advisory_xact_lock(7470002);
         CREATE EXTENSION IF NOT EXISTS vector;
         COMMIT;",
    )
    .await
    .unwrap();
    Some(c)
}

/// Our text dump of each value is what the server prints for its literal.
async fn printed_as_server<T: Dump>(c: &Client, sql_type: &str, cases: &[(T, &str)]) {
    let ty = c
        .prepare(&format!("SELECT NULL::{sql_type}"))
        .await
        .unwrap()
        .columns()[0]
        .type_()
        .clone();
    for (value, literal) in cases {
        let printed = server_text(c, &format!("SELECT {literal}::{sql_type}"))
            .await
            .unwrap();
        let mut out = bytes::BytesMut::new();
        value.dump(&Ctx::text(&ty), &mut out).unwrap();
        assert_eq!(std::str::from_utf8(&out).unwrap(), printed, "{literal}");
    }
}

#[tokio::test]
async fn vectors_round_trip() {
    let Some(c) = with_pgvector().await else {
        return;
    };
    let vectors = [
        (Vector::from(vec![1.0, -2.5, 3.0]), "'[1,-2.5,3]'"),
        (
            Vector::from(vec![1e-7, 3.4e38, -0.0]),
            "'[1e-07,3.4e+38,-0]'",
        ),
        (
            Vector::from(vec![0.1; 1000]),
            "array_fill(0.1, ARRAY[1000])::real[]::vector",
        ),
    ];
    test_type(&c, "vector", &vectors).await;
    printed_as_server(&c, "vector", &vectors[..2]).await;
    let halves = [
        (
            HalfVector::new(&[1.0, -0.5, 65504.0]).unwrap(),
            "'[1,-0.5,65504]'",
        ),
        (HalfVector::rounded(&[0.1, 1e-5]).unwrap(), "'[0.1,1e-05]'"),
    ];
    test_type(&c, "halfvec", &halves).await;
    printed_as_server(&c, "halfvec", &halves).await;
    let sparse = [
        (
            SparseVector::new(5, [(0, 1.5), (2, -2.0)]).unwrap(),
            "'{1:1.5,3:-2}/5'",
        ),
        (SparseVector::new(3, []).unwrap(), "'{}/3'"),
        (SparseVector::from_dense(&[0.0, 0.0, 7.0]), "'{3:7}/3'"),
    ];
    test_type(&c, "sparsevec", &sparse).await;
    printed_as_server(&c, "sparsevec", &sparse).await;
    // the server computes with what was sent
    let row = c
        .query_one(
            "SELECT $1::vector <-> '[4,6]', $2::sparsevec <#> '{1:1}/5'",
            &[
                &pgcast::bridge::Param::binary(&Vector::from(vec![1.0, 2.0])),
                &pgcast::bridge::Param::text(&sparse[0].0),
            ],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, f64>(0), 5.0);
    assert_eq!(row.get::<_, f64>(1), -1.5);
    // arrays of vectors
    test_type(
        &c,
        "vector[]",
        &[(
            vec![Vector::from(vec![1.0]), Vector::from(vec![2.0])],
            "ARRAY['[1]', '[2]']::vector[]",
        )],
    )
    .await;
}

#[cfg(feature = "pgvector")]
#[tokio::test]
async fn pgvector_crate_round_trips() {
    let Some(c) = with_pgvector().await else {
        return;
    };
    test_type(
        &c,
        "vector",
        &[(pgvector::Vector::from(vec![1.0, -2.5]), "'[1,-2.5]'")],
    )
    .await;
    test_type(
        &c,
        "halfvec",
        &[(
            pgvector::HalfVector::from_f32_slice(&[1.0, 0.5]),
            "'[1,0.5]'",
        )],
    )
    .await;
    test_type(
        &c,
        "sparsevec",
        &[(
            pgvector::SparseVector::from_dense(&[0.0, 2.0, 0.0]),
            "'{2:2}/3'",
        )],
    )
    .await;
}
