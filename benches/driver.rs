//! pgcast over tokio-postgres against hand-written tokio-postgres code, in
//! the same run, on the same current-thread runtime:
//!
//! - `fetch`: N mixed rows (default 1,000,000; `PGCAST_BENCH_ROWS`) into
//!   structs. The floor is the server's own time to produce the rows:
//!   `COPY (SELECT …) TO '/dev/null' (FORMAT binary)` (needs a superuser;
//!   the throwaway server's user is one).
//! - `copy_in`: 200,000 mixed rows, binary COPY, against tokio-postgres'
//!   `BinaryCopyInWriter`.
//! - `single_row`: a one-row parameterized query: pgcast sends it unprepared
//!   in one round trip (all parameter types known); the driver's `query_one`
//!   prepares then executes.
//!
//! `cargo bench -p pgcast-benches --bench driver`, then
//! `cargo run -p pgcast-benches -- --baseline server-floor fetch` (and
//! `--baseline tokio-postgres copy_in`, `--baseline tokio-postgres single_row`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::{StreamExt, pin_mut};
use pgcast::sql;
use pgcast::sql::{Identifier, Sql};
use pgcast_benches::{
    COLUMNS, CREATE_MIXED, Mixed, from_tokio_row, mixed, row_count, select_mixed,
};
use pgcast_tokio_postgres::{ClientExt, CopyExt, PgClient, params};
use tokio::runtime::Runtime;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls};

async fn connect() -> Client {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let (client, conn) = tokio_postgres::connect(db.url(), NoTls).await.unwrap();
    tokio::spawn(conn);
    client
}

fn fetch(c: &mut Criterion, rt: &Runtime) {
    let n = row_count(1_000_000);
    let select = select_mixed(n);
    let (client, pg) = rt.block_on(async { (connect().await, PgClient::new(connect().await)) });
    let query = Sql::from_runtime_unchecked(select.clone());
    // Same rows both ways, or the comparison means nothing.
    rt.block_on(async {
        let check = select_mixed(2000);
        let theirs: Vec<Mixed> = client
            .query(&check, &[])
            .await
            .unwrap()
            .iter()
            .map(from_tokio_row)
            .collect();
        let ours: Vec<Mixed> = pg
            .query_as(&Sql::from_runtime_unchecked(check), params! {})
            .await
            .unwrap();
        assert_eq!(ours, theirs);
    });
    let floor_sql = format!("COPY ({select}) TO '/dev/null' (FORMAT binary)");

    let mut g = c.benchmark_group("fetch");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10);
    g.bench_function("server-floor", |b| {
        b.iter(|| rt.block_on(async { client.batch_execute(&floor_sql).await.unwrap() }))
    });
    g.bench_function("tokio-postgres-query_raw", |b| {
        b.iter(|| {
            rt.block_on(async {
                let rows = client
                    .query_raw(select.as_str(), std::iter::empty::<&(dyn ToSql + Sync)>())
                    .await
                    .unwrap();
                pin_mut!(rows);
                while let Some(row) = rows.next().await {
                    black_box(from_tokio_row(&row.unwrap()));
                }
            })
        })
    });
    g.bench_function("tokio-postgres-query", |b| {
        b.iter(|| {
            rt.block_on(async {
                let rows = client.query(select.as_str(), &[]).await.unwrap();
                black_box(rows.iter().map(from_tokio_row).collect::<Vec<_>>());
            })
        })
    });
    g.bench_function("pgcast-query_stream", |b| {
        b.iter(|| {
            rt.block_on(async {
                let rows = pg.query_stream::<Mixed>(&query, params! {}).await.unwrap();
                pin_mut!(rows);
                while let Some(row) = rows.next().await {
                    black_box(row.unwrap());
                }
            })
        })
    });
    g.bench_function("pgcast-query_as", |b| {
        b.iter(|| {
            rt.block_on(async {
                black_box(pg.query_as::<Mixed>(&query, params! {}).await.unwrap())
            })
        })
    });
    g.finish();
}

fn copy_in(c: &mut Criterion, rt: &Runtime) {
    const N: i64 = 200_000;
    let rows: Vec<Mixed> = (1..=N).map(mixed).collect();
    let (client, pg) = rt.block_on(async {
        let client = connect().await;
        client.batch_execute(CREATE_MIXED).await.unwrap();
        (client, PgClient::new(connect().await))
    });
    let types: Vec<_> = COLUMNS.iter().map(|(_, t)| t.clone()).collect();

    let mut g = c.benchmark_group("copy_in");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("tokio-postgres", |b| {
        b.iter(|| {
            rt.block_on(async {
                client.batch_execute("TRUNCATE bench_mixed").await.unwrap();
                let sink = client
                    .copy_in("COPY bench_mixed (id, name, score, price, created, active, tags, doc, key) FROM STDIN (FORMAT binary)")
                    .await
                    .unwrap();
                let writer = BinaryCopyInWriter::new(sink, &types);
                pin_mut!(writer);
                for r in &rows {
                    writer
                        .as_mut()
                        .write(&[&r.id, &r.name, &r.score, &r.price, &r.created, &r.active, &r.tags, &r.doc, &r.key])
                        .await
                        .unwrap();
                }
                writer.finish().await.unwrap()
            })
        })
    });
    g.bench_function("pgcast", |b| {
        b.iter(|| {
            rt.block_on(async {
                client.batch_execute("TRUNCATE bench_mixed").await.unwrap();
                pg.copy_in_rows(&Identifier::new("bench_mixed"), rows.iter().cloned())
                    .await
                    .unwrap()
            })
        })
    });
    g.finish();
    let count: i64 = rt.block_on(async {
        client
            .query_one("SELECT count(*) FROM bench_mixed", &[])
            .await
            .unwrap()
            .get(0)
    });
    assert_eq!(count, N, "the last COPY wrote every row");
}

fn single_row(c: &mut Criterion, rt: &Runtime) {
    let (client, pg) = rt.block_on(async { (connect().await, PgClient::new(connect().await)) });
    let mut g = c.benchmark_group("single_row");
    g.bench_function("tokio-postgres", |b| {
        b.iter(|| {
            rt.block_on(async {
                let row = client
                    .query_one("SELECT $1::int8 + 1, $2::text || '!'", &[&41_i64, &"hi"])
                    .await
                    .unwrap();
                black_box((row.get::<_, i64>(0), row.get::<_, String>(1)))
            })
        })
    });
    g.bench_function("pgcast", |b| {
        b.iter(|| {
            rt.block_on(async {
                let (a, s) = (41_i64, "hi".to_owned());
                let q = sql!("SELECT {a} + 1, {s} || '!'");
                black_box(
                    pg.query_one_as::<(i64, String)>(&q, params! {})
                        .await
                        .unwrap(),
                )
            })
        })
    });
    g.finish();
    let got: (i64, String) = rt.block_on(async {
        let (a, s) = (41_i64, "hi".to_owned());
        pg.query_one_as(&sql!("SELECT {a} + 1, {s} || '!'"), params! {})
            .await
            .unwrap()
    });
    assert_eq!(got, (42, "hi!".to_owned()));
}

fn driver(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    single_row(c, &rt);
    copy_in(c, &rt);
    fetch(c, &rt);
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(6)).warm_up_time(std::time::Duration::from_secs(1));
    targets = driver
}
criterion_main!(benches);
