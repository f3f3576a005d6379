//! pgcast over tokio-postgres against hand-written tokio-postgres code, in
//! the same run, on the same current-thread runtime:
//!
//! - `fetch`: N mixed rows (default 1,000,000; `PGCAST_BENCH_ROWS`) into
//!   structs — with a query (owned rows, and rows borrowed from the
//!   driver's buffer through `for_each`), and with `COPY (SELECT …) TO STDOUT (FORMAT
//!   binary)` decoded by pgcast (`copy_out_as`), which skips the driver's
//!   per-row message handling. The floor is the server's own time to produce the rows:
//!   `COPY (SELECT …) TO '/dev/null' (FORMAT binary)` (needs a superuser;
//!   the throwaway server's user is one).
//! - `copy_in`: 200,000 mixed rows, binary COPY, against tokio-postgres'
//!   `BinaryCopyInWriter`.
//! - `single_row`: a one-row parameterized query: pgcast sends it unprepared
//!   in one round trip (all parameter types known); the driver's `query_one`
//!   prepares then executes.
//!
//! Peers in the same run: sqlx `query_as` with `#[derive(sqlx::FromRow)]`
//! (fetch), and psycopg 3 in binary mode (fetch into dataclasses, COPY with
//! `write_row`) when `python3 -c "import psycopg"` works; psycopg is timed
//! inside its process, so interpreter start-up is not counted.
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
use pgcast_tokio_postgres::{ClientExt, CopyExt, PgClient};
use tokio::runtime::Runtime;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls};

/// The same row for sqlx, whose derive is its own.
#[derive(sqlx::FromRow)]
#[allow(dead_code)]
struct SqlxMixed {
    id: i64,
    name: String,
    score: f64,
    price: rust_decimal::Decimal,
    created: time::OffsetDateTime,
    active: bool,
    tags: Vec<String>,
    doc: serde_json::Value,
    key: uuid::Uuid,
}

/// The same row borrowed from the driver's buffer: what `for_each` lends.
#[derive(pgcast::FromRow)]
#[allow(dead_code)]
struct MixedRef<'r> {
    id: i64,
    name: &'r str,
    score: f64,
    price: rust_decimal::Decimal,
    created: time::OffsetDateTime,
    active: bool,
    tags: Vec<String>,
    doc: pgcast::types::RawJson<'r>,
    key: uuid::Uuid,
}

/// Whether psycopg 3 can be imported; the peer is skipped (with a note) otherwise.
fn psycopg_available() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import psycopg"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "psycopg 3 not found (pip install 'psycopg[binary]'): its contenders are skipped"
        );
    }
    ok
}

/// Runs the psycopg script `iters` times; the total of the times it reports.
fn psycopg(iters: u64, args: &[&str]) -> std::time::Duration {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/peers/psycopg_bench.py");
    let url = pgcast_tempdb::shared()
        .unwrap_or_else(|e| panic!("{e}"))
        .url()
        .to_owned();
    (0..iters)
        .map(|_| {
            let out = std::process::Command::new("python3")
                .arg(script)
                .args(args)
                .env("DATABASE_URL", &url)
                .output()
                .expect("python3 runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let secs: f64 = String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .expect("seconds");
            std::time::Duration::from_secs_f64(secs)
        })
        .sum()
}

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
            .fetch_all(&Sql::from_runtime_unchecked(check))
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
    g.bench_function("pgcast-fetch_stream", |b| {
        b.iter(|| {
            rt.block_on(async {
                let rows = pg.fetch_stream::<Mixed>(&query).await.unwrap();
                pin_mut!(rows);
                while let Some(row) = rows.next().await {
                    black_box(row.unwrap());
                }
            })
        })
    });
    g.bench_function("pgcast-for_each-borrowed", |b| {
        b.iter(|| {
            rt.block_on(async {
                pg.for_each(&query, |row| {
                    black_box(row.decode::<MixedRef<'_>>()?);
                    Ok(())
                })
                .await
                .unwrap()
            })
        })
    });
    g.bench_function("pgcast-copy_out_as", |b| {
        b.iter(|| {
            rt.block_on(async {
                let rows = pg.copy_out_as::<Mixed>(&query).await.unwrap();
                pin_mut!(rows);
                while let Some(row) = rows.next().await {
                    black_box(row.unwrap());
                }
            })
        })
    });
    let mut sqlx_conn = rt.block_on(async {
        use sqlx::Connection;
        let url = pgcast_tempdb::shared()
            .unwrap_or_else(|e| panic!("{e}"))
            .url()
            .to_owned();
        sqlx::PgConnection::connect(&url).await.unwrap()
    });
    g.bench_function("sqlx-query_as-fetch", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut rows =
                    sqlx::query_as::<_, SqlxMixed>(select.as_str()).fetch(&mut sqlx_conn);
                while let Some(row) = rows.next().await {
                    black_box(row.unwrap());
                }
            })
        })
    });
    if psycopg_available() {
        let count = n.to_string();
        g.bench_function("psycopg3-binary-stream", |b| {
            b.iter_custom(|iters| psycopg(iters, &["fetch", &count, &select]))
        });
    }
    g.bench_function("pgcast-query_as", |b| {
        b.iter(|| rt.block_on(async { black_box(pg.fetch_all::<Mixed>(&query).await.unwrap()) }))
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
    if psycopg_available() {
        let count = N.to_string();
        g.bench_function("psycopg3-write_row", |b| {
            b.iter_custom(|iters| psycopg(iters, &["copy_in", &count]))
        });
    }
    g.finish();
    let count: i64 = rt.block_on(async {
        client
            .query_one("SELECT count(*) FROM bench_mixed", &[])
            .await
            .unwrap()
            .get(0)
    });
    // 0 when a filter skipped the group; otherwise the last COPY wrote every row.
    assert!(
        count == 0 || count == N,
        "the last COPY wrote {count} of {N} rows"
    );
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
                black_box(pg.fetch_one::<(i64, String)>(&q).await.unwrap())
            })
        })
    });
    g.finish();
    let got: (i64, String) = rt.block_on(async {
        let (a, s) = (41_i64, "hi".to_owned());
        pg.fetch_one(&sql!("SELECT {a} + 1, {s} || '!'"))
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
