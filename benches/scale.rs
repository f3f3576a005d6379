//! Scale: 64 concurrent tasks doing point lookups over a deadpool-postgres
//! pool of 8 connections, and 10 million rows streamed.
//!
//! Lookups (`PGCAST_BENCH_LOOKUPS` per round, 20,000 by default), the
//! contenders interleaved round by round on one pool each way:
//!
//! - directly to the server: hand-written tokio-postgres (deadpool's
//!   `prepare_cached`, then `query_one`) against pgcast (`sql!` and
//!   `fetch_one` through each pooled connection's session, statements
//!   prepared and kept by the session);
//! - through PgBouncer (`pool_mode = transaction`, 8 server connections):
//!   hand-written `query_typed` (unnamed statements: a transaction pooler
//!   has no named ones) against pgcast in pooler mode.
//!
//! The pool is pgcast's deadpool manager (`pgcast_tokio_postgres::pool`):
//! deadpool-postgres's connections (the hand-written code uses their
//! statement cache), each carrying its pgcast session. Reported: the median
//! throughput and client CPU (every thread of the process) per lookup,
//! pgcast's ratio to the hand-written code, and the median of the
//! per-round ratios (each pgcast round against the hand-written round
//! beside it). `PGCAST_BENCH_ROUNDS` sets the rounds (15),
//! `PGCAST_BENCH_TRACE=1` prints each round's time.
//!
//! Streaming: `fetch_stream` over 10 million `(int8, text)` rows
//! (`PGCAST_BENCH_STREAM_ROWS`), the process's resident memory (`VmRSS`)
//! and peak (`VmHWM`) read from `/proc/self/status` before and along the
//! way: flat memory means the peak does not grow with the rows read.
//!
//! `cargo bench -p pgcast-benches --bench scale`; `PGCAST_BENCH_ONLY=0`
//! (hand-written) or `=1` (pgcast) runs one contender alone, for profiling.

use std::time::{Duration, Instant};

use deadpool_postgres::{ManagerConfig, RecyclingMethod};
use futures_util::StreamExt;
use pgcast::{FromRow, sql};
use pgcast_benches::{median, process_cpu, status_kb};
use pgcast_tokio_postgres::pool::{Manager, Pool};
use pgcast_tokio_postgres::{ClientExt, PgClient};
use tokio_postgres::NoTls;
use tokio_postgres::types::Type;

#[derive(FromRow, Debug, PartialEq)]
struct Item {
    id: i64,
    name: String,
    score: f64,
}

const TABLE_ROWS: i64 = 10_000;
const TASKS: i64 = 64;
const POOL: usize = 8;
const LOOKUP: &str = "SELECT id, name, score FROM bench_lookup WHERE id = $1";

/// A pool of 8; in pooler mode, every connection's session is.
fn pool(url: &str, pooler: bool) -> Pool {
    let config: tokio_postgres::Config = url.parse().unwrap();
    let manager = deadpool_postgres::Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let manager = Manager::new(manager).configure(move |session| session.set_pooler(pooler));
    Pool::builder(manager).max_size(POOL).build().unwrap()
}

#[derive(Clone, Copy, PartialEq)]
enum Contender {
    HandPrepared,
    HandUnnamed,
    Pgcast,
}

/// One round: `lookups` spread over 64 tasks; its wall time and the
/// process's CPU time.
async fn round(pool: &Pool, who: Contender, lookups: i64) -> (Duration, Duration) {
    let (t0, c0) = (Instant::now(), process_cpu());
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut i = t;
            while i < lookups {
                let id = i * 7919 % TABLE_ROWS + 1;
                let client = pool.get().await.unwrap();
                match who {
                    Contender::HandPrepared => {
                        let st = client.prepare_cached(LOOKUP).await.unwrap();
                        let row = client.query_one(&st, &[&id]).await.unwrap();
                        std::hint::black_box((
                            row.get::<_, i64>(0),
                            row.get::<_, String>(1),
                            row.get::<_, f64>(2),
                        ));
                    }
                    Contender::HandUnnamed => {
                        let row = client
                            .query_typed_one(LOOKUP, &[(&id, Type::INT8)])
                            .await
                            .unwrap();
                        std::hint::black_box((
                            row.get::<_, i64>(0),
                            row.get::<_, String>(1),
                            row.get::<_, f64>(2),
                        ));
                    }
                    Contender::Pgcast => {
                        let item: Item = client
                            .fetch_one(sql!(
                                "SELECT id, name, score FROM bench_lookup WHERE id = {id}"
                            ))
                            .await
                            .unwrap();
                        std::hint::black_box(item);
                    }
                }
                i += TASKS;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    (t0.elapsed(), process_cpu() - c0)
}

/// Interleaved rounds of `hand` and pgcast on `pool`; prints a table row
/// for each.
async fn compare(label: &str, url: &str, pooler: bool, hand: Contender, lookups: i64) {
    let rounds = rounds();
    // One contender alone (0: hand-written, 1: pgcast), for profiling it.
    let only: Option<usize> = std::env::var("PGCAST_BENCH_ONLY")
        .ok()
        .and_then(|v| v.parse().ok());
    let pool = pool(url, pooler);
    let contenders = [(hand, "hand-written"), (Contender::Pgcast, "pgcast")];
    let mut wall = vec![Vec::new(); 2];
    let mut cpu = vec![Vec::new(); 2];
    for r in 0..=rounds {
        // The order alternates round by round, so that neither contender
        // always runs right after the other (a server still busy with the
        // previous round's work, caches warmed by it).
        for step in 0..contenders.len() {
            let k = if r % 2 == 0 {
                step
            } else {
                contenders.len() - 1 - step
            };
            let (who, _) = &contenders[k];
            if only.is_some_and(|o| o != k) {
                continue;
            }
            let (w, c) = round(&pool, *who, lookups).await;
            // Round 0 warms up every contender and fills the pool.
            if r > 0 {
                wall[k].push(w);
                cpu[k].push(c);
            }
            if std::env::var_os("PGCAST_BENCH_TRACE").is_some() {
                eprintln!(
                    "{label} round {r} contender {k}: {:.1} ms",
                    w.as_secs_f64() * 1e3
                );
            }
        }
    }
    let per_s = |w: Duration| lookups as f64 / w.as_secs_f64();
    let us = |c: Duration| c.as_secs_f64() * 1e6 / lookups as f64;
    let base = usize::from(wall[0].is_empty());
    let base_w = median(&mut wall[base].clone());
    let base_c = median(&mut cpu[base].clone());
    // Each round's ratio to the hand-written code's round beside it: what
    // drifts over the run (the machine's load) cancels within a pair.
    let mut paired: Vec<f64> = wall[0]
        .iter()
        .zip(&wall[1])
        .map(|(hand, ours)| hand.as_secs_f64() / ours.as_secs_f64())
        .collect();
    for (k, (_, name)) in contenders.iter().enumerate() {
        if wall[k].is_empty() {
            continue;
        }
        let w = median(&mut wall[k]);
        let c = median(&mut cpu[k]);
        let per_round = match (k, paired.is_empty()) {
            (1, false) => {
                paired.sort_by(f64::total_cmp);
                format!("{:.2}", paired[paired.len() / 2])
            }
            _ => "1.00".into(),
        };
        println!(
            "| {label} | {name} | {:.0} /s | {:.2} | {per_round} | {:.1} µs | {:.2} |",
            per_s(w),
            per_s(w) / per_s(base_w),
            us(c),
            c.as_secs_f64() / base_c.as_secs_f64(),
        );
    }
}

/// Rounds per comparison (`PGCAST_BENCH_ROUNDS`, 15 by default), after
/// one that warms up.
fn rounds() -> usize {
    std::env::var("PGCAST_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15)
}

async fn stream_rows(url: &str, rows: i64) {
    let (client, conn) = tokio_postgres::connect(url, NoTls).await.unwrap();
    tokio::spawn(conn);
    let client = PgClient::new(client);
    let (rss0, hwm0) = (status_kb("VmRSS"), status_kb("VmHWM"));
    let t0 = Instant::now();
    let mut stream = client
        .fetch_stream::<(i64, String)>(&sql!(
            "SELECT g, 'row ' || g FROM generate_series(1, {rows}) g"
        ))
        .await
        .unwrap();
    let mut n = 0_i64;
    let mut bytes = 0_usize;
    let mut hwm_at_tenth = 0;
    while let Some(row) = stream.next().await {
        let (id, text) = row.unwrap();
        n += 1;
        bytes += text.len();
        std::hint::black_box(id);
        if n == rows / 10 {
            hwm_at_tenth = status_kb("VmHWM");
        }
    }
    let took = t0.elapsed();
    assert_eq!(n, rows);
    let (rss1, hwm1) = (status_kb("VmRSS"), status_kb("VmHWM"));
    println!(
        "\nstreamed {n} rows ({:.0} MB of text) in {:.1} s ({:.2} M rows/s)",
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64() / 1e6
    );
    println!(
        "VmRSS {rss0} kB before, {rss1} kB after; VmHWM {hwm0} kB before, {hwm_at_tenth} kB after \
         {} rows, {hwm1} kB after {n}: peak growth {} kB",
        rows / 10,
        hwm1.saturating_sub(hwm0)
    );
}

fn main() {
    let lookups: i64 = std::env::var("PGCAST_BENCH_LOOKUPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let stream_rows_n: i64 = std::env::var("PGCAST_BENCH_STREAM_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let bouncer = pgcast_tempdb::Pooler::start(db, POOL as u32).unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        // First, before the pools allocate anything: the peak is the stream's.
        stream_rows(db.url(), stream_rows_n).await;

        let (setup, conn) = tokio_postgres::connect(db.url(), NoTls).await.unwrap();
        tokio::spawn(conn);
        setup
            .batch_execute(&pgcast_benches::lookup_table("bench_lookup", TABLE_ROWS))
            .await
            .unwrap();
        println!(
            "\n{lookups} point lookups per round by {TASKS} tasks over a pool of {POOL}, \
             medians of {} interleaved rounds:\n",
            rounds()
        );
        println!(
            "| path | contender | throughput | ratio | per-round ratio | client CPU per lookup | ratio |"
        );
        println!("|---|---|---|---|---|---|---|");
        compare("direct", db.url(), false, Contender::HandPrepared, lookups).await;
        compare(
            "PgBouncer",
            bouncer.url(),
            true,
            Contender::HandUnnamed,
            lookups,
        )
        .await;
    });
}
