//! Fetching rows into derived structs through sqlx: pgcast-sqlx
//! (`#[derive(pgcast::FromRow)]`, planned once per statement) against sqlx's
//! own `query_as` with `#[derive(sqlx::FromRow)]` (a name lookup per column
//! and row), each on its own `PgConnection`, the contenders interleaved
//! round by round on one current-thread runtime:
//!
//! - 1,000,000 mixed rows (int8, text, float8, bool, timestamptz, int4,
//!   numeric, a nullable text) streamed and decoded, and collected into a
//!   `Vec`;
//! - 1,000,000 rows of 40 columns (int8, text, float8, bool, int4, eight of
//!   each) streamed and decoded;
//! - point lookups by primary key are in `benches/lookup.rs` (its `sqlx` and
//!   `pgcast-sqlx` contenders).
//!
//! Reports each contender's median wall time and client CPU time (this
//! thread's) per round, and its ratio to sqlx's. `PGCAST_BENCH_ROWS` sets
//! the row count, `PGCAST_BENCH_ROUNDS` the rounds (default 5, after one
//! warm-up). `cargo bench -p pgcast-benches --bench sqlx_fetch`.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use pgcast::FromRow;
use pgcast::sql::Sql;
use pgcast_benches::{median, row_count, thread_cpu as cpu};
use pgcast_sqlx::ClientExt;
use rust_decimal::Decimal;
use sqlx::{Connection, PgConnection};
use time::OffsetDateTime;

/// The mixed row, both derives on one struct.
#[derive(FromRow, sqlx::FromRow, Debug, PartialEq)]
struct Mixed {
    id: i64,
    name: String,
    score: f64,
    active: bool,
    created: OffsetDateTime,
    qty: i32,
    price: Decimal,
    note: Option<String>,
}

/// A row of 40 columns, both derives on one struct.
#[derive(FromRow, sqlx::FromRow, Debug, PartialEq)]
struct Wide {
    c0: i64,
    c1: String,
    c2: f64,
    c3: bool,
    c4: i32,
    c5: i64,
    c6: String,
    c7: f64,
    c8: bool,
    c9: i32,
    c10: i64,
    c11: String,
    c12: f64,
    c13: bool,
    c14: i32,
    c15: i64,
    c16: String,
    c17: f64,
    c18: bool,
    c19: i32,
    c20: i64,
    c21: String,
    c22: f64,
    c23: bool,
    c24: i32,
    c25: i64,
    c26: String,
    c27: f64,
    c28: bool,
    c29: i32,
    c30: i64,
    c31: String,
    c32: f64,
    c33: bool,
    c34: i32,
    c35: i64,
    c36: String,
    c37: f64,
    c38: bool,
    c39: i32,
}

fn select_mixed(n: usize) -> String {
    format!(
        "SELECT i::int8 AS id, 'user-' || i AS name, i / 7.0::float8 AS score, i % 2 = 0 AS active, \
         '2024-01-01'::timestamptz + i * interval '1 second' AS created, (i % 1000)::int4 AS qty, \
         ((i % 100000) / 100.0)::numeric(12,2) AS price, \
         CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || i END AS note \
         FROM generate_series(1, {n}) i"
    )
}

fn select_wide(n: usize) -> String {
    format!(
        "SELECT i::int8 + 0 AS c0, 'v1-' || i AS c1, i / 3.0::float8 AS c2, (i + 3) % 3 = 0 AS c3, (i % 1000 + 4)::int4 AS c4, i::int8 + 5 AS c5, 'v6-' || i AS c6, i / 8.0::float8 AS c7, (i + 8) % 3 = 0 AS c8, (i % 1000 + 9)::int4 AS c9, i::int8 + 10 AS c10, 'v11-' || i AS c11, i / 13.0::float8 AS c12, (i + 13) % 3 = 0 AS c13, (i % 1000 + 14)::int4 AS c14, i::int8 + 15 AS c15, 'v16-' || i AS c16, i / 18.0::float8 AS c17, (i + 18) % 3 = 0 AS c18, (i % 1000 + 19)::int4 AS c19, i::int8 + 20 AS c20, 'v21-' || i AS c21, i / 23.0::float8 AS c22, (i + 23) % 3 = 0 AS c23, (i % 1000 + 24)::int4 AS c24, i::int8 + 25 AS c25, 'v26-' || i AS c26, i / 28.0::float8 AS c27, (i + 28) % 3 = 0 AS c28, (i % 1000 + 29)::int4 AS c29, i::int8 + 30 AS c30, 'v31-' || i AS c31, i / 33.0::float8 AS c32, (i + 33) % 3 = 0 AS c33, (i % 1000 + 34)::int4 AS c34, i::int8 + 35 AS c35, 'v36-' || i AS c36, i / 38.0::float8 AS c37, (i + 38) % 3 = 0 AS c38, (i % 1000 + 39)::int4 AS c39 FROM generate_series(1, {n}) i"
    )
}

async fn connect(url: &str) -> PgConnection {
    PgConnection::connect(url).await.unwrap()
}

/// One contender's run: the rows it decoded.
async fn run(k: usize, conn: &mut PgConnection, mixed: &str, wide: &str) -> usize {
    // The benchmark's own texts, trusted.
    let mixed_q = Sql::from_runtime_unchecked(mixed);
    let wide_q = Sql::from_runtime_unchecked(wide);
    match k {
        0 => {
            let mut s = sqlx::query_as::<_, Mixed>(mixed).fetch(&mut *conn);
            let mut n = 0;
            while let Some(row) = s.try_next().await.unwrap() {
                std::hint::black_box(row);
                n += 1;
            }
            n
        }
        1 => {
            let mut s = conn.fetch_stream::<Mixed>(&mixed_q).await.unwrap();
            let mut n = 0;
            while let Some(row) = s.try_next().await.unwrap() {
                std::hint::black_box(row);
                n += 1;
            }
            n
        }
        2 => {
            let rows: Vec<Mixed> = sqlx::query_as(mixed).fetch_all(&mut *conn).await.unwrap();
            std::hint::black_box(rows).len()
        }
        3 => {
            let rows: Vec<Mixed> = conn.fetch_all(&mixed_q).await.unwrap();
            std::hint::black_box(rows).len()
        }
        4 => {
            let mut s = sqlx::query_as::<_, Wide>(wide).fetch(&mut *conn);
            let mut n = 0;
            while let Some(row) = s.try_next().await.unwrap() {
                std::hint::black_box(row);
                n += 1;
            }
            n
        }
        _ => {
            let mut s = conn.fetch_stream::<Wide>(&wide_q).await.unwrap();
            let mut n = 0;
            while let Some(row) = s.try_next().await.unwrap() {
                std::hint::black_box(row);
                n += 1;
            }
            n
        }
    }
}

fn main() {
    let n = row_count(1_000_000);
    let rounds: usize = std::env::var("PGCAST_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let url = pgcast_tempdb::shared()
            .unwrap_or_else(|e| panic!("{e}"))
            .url()
            .to_owned();
        let mixed = select_mixed(n);
        let wide = select_wide(n);
        // The same rows both ways.
        {
            let mut conn = connect(&url).await;
            let small = select_mixed(1000);
            let theirs: Vec<Mixed> = sqlx::query_as(&small).fetch_all(&mut conn).await.unwrap();
            let ours: Vec<Mixed> = conn.fetch_all(&Sql::from_runtime_unchecked(small.as_str())).await.unwrap();
            assert_eq!(ours, theirs);
            let small = select_wide(1000);
            let theirs: Vec<Wide> = sqlx::query_as(&small).fetch_all(&mut conn).await.unwrap();
            let ours: Vec<Wide> = conn.fetch_all(&Sql::from_runtime_unchecked(small.as_str())).await.unwrap();
            assert_eq!(ours, theirs);
        }
        let names = [
            "mixed, stream: sqlx query_as + derive(sqlx::FromRow)",
            "mixed, stream: pgcast-sqlx fetch_stream + derive(FromRow)",
            "mixed, Vec: sqlx query_as fetch_all",
            "mixed, Vec: pgcast-sqlx fetch_all",
            "40 columns, stream: sqlx query_as + derive(sqlx::FromRow)",
            "40 columns, stream: pgcast-sqlx fetch_stream + derive(FromRow)",
        ];
        let mut conns = Vec::new();
        for _ in &names {
            conns.push(connect(&url).await);
        }
        let mut wall: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
        let mut cpus: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
        for round in 0..=rounds {
            for (k, conn) in conns.iter_mut().enumerate() {
                let (t0, c0) = (Instant::now(), cpu());
                let got = run(k, conn, &mixed, &wide).await;
                let (w, c) = (t0.elapsed(), cpu() - c0);
                assert_eq!(got, n);
                // Round 0 warms up every contender.
                if round > 0 {
                    wall[k].push(w);
                    cpus[k].push(c);
                }
            }
        }
        println!("{n} rows, median of {rounds} interleaved rounds (ratios against the sqlx line above):\n");
        println!("| contender | wall | ratio | client CPU | ratio |");
        println!("|---|---:|---:|---:|---:|");
        for (k, name) in names.iter().enumerate() {
            let w = median(&mut wall[k]);
            let c = median(&mut cpus[k]);
            let base = k - k % 2;
            let bw = median(&mut wall[base].clone());
            let bc = median(&mut cpus[base].clone());
            println!(
                "| {name} | {:.0} ms | {:.2} | {:.0} ms | {:.2} |",
                w.as_secs_f64() * 1e3,
                w.as_secs_f64() / bw.as_secs_f64(),
                c.as_secs_f64() * 1e3,
                c.as_secs_f64() / bc.as_secs_f64()
            );
        }
    });
}
