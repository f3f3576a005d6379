//! The cost of the `tracing` feature when no subscriber listens, on point
//! lookups through a `PgClient` (`fetch_one` by primary key, the statement
//! prepared and kept).
//!
//! A feature is compiled in or not, so the comparison is between two builds
//! of this program; run with no arguments it builds nothing, it runs them:
//!
//! ```text
//! cargo bench -p pgcast-benches --bench observe --no-run   # -> OFF binary
//! cargo bench -p pgcast-benches --bench observe --no-run --features tracing  # -> ON binary
//! PGCAST_OBSERVE_OFF=<off binary> PGCAST_OBSERVE_ON=<on binary> <either binary>
//! ```
//!
//! Rounds alternate between the two builds (off, on, off, on, …), each round
//! a fresh process that connects, warms up (the statement prepared and
//! kept), then times `PGCAST_BENCH_LOOKUPS` lookups (20,000 by default). The
//! report gives each build's median wall time and CPU time (the client
//! thread's, `CLOCK_THREAD_CPUTIME_ID`) per round, and on/off.

use std::process::Command;
use std::time::{Duration, Instant};

use pgcast::{FromRow, sql};
use pgcast_benches::{median, thread_cpu as cpu};
use pgcast_tokio_postgres::{ClientExt, PgClient};
use tokio_postgres::NoTls;

#[derive(FromRow, Debug, PartialEq)]
struct Item {
    id: i64,
    name: String,
    score: f64,
}

const TABLE_ROWS: i64 = 10_000;
const ROUNDS: usize = 9;

/// One round in this process: prints `wall_ns cpu_ns`.
fn round(url: &str, lookups: i64) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(url, NoTls).await.unwrap();
        tokio::spawn(conn);
        let client = PgClient::new(client);
        for id in 1..=2_000_i64 {
            let _: Item = client
                .fetch_one(&sql!(
                    "SELECT id, name, score FROM bench_observe WHERE id = {id}"
                ))
                .await
                .unwrap();
        }
        let (wall, cpu0) = (Instant::now(), cpu());
        for i in 0..lookups {
            let id = i % TABLE_ROWS + 1;
            let item: Item = client
                .fetch_one(&sql!(
                    "SELECT id, name, score FROM bench_observe WHERE id = {id}"
                ))
                .await
                .unwrap();
            assert_eq!(item.id, id);
        }
        let (wall, cpu) = (wall.elapsed(), cpu() - cpu0);
        println!("{} {}", wall.as_nanos(), cpu.as_nanos());
    });
}

fn main() {
    let lookups: i64 = std::env::var("PGCAST_BENCH_LOOKUPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    if std::env::var_os("PGCAST_OBSERVE_ROUND").is_some() {
        let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
        round(&url, lookups);
        return;
    }
    println!(
        "this build: tracing feature {}",
        if cfg!(feature = "tracing") {
            "on"
        } else {
            "off"
        }
    );
    let (Some(off), Some(on)) = (
        std::env::var_os("PGCAST_OBSERVE_OFF"),
        std::env::var_os("PGCAST_OBSERVE_ON"),
    ) else {
        println!("set PGCAST_OBSERVE_OFF and PGCAST_OBSERVE_ON to the two builds (see the docs)");
        return;
    };
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (setup, conn) = tokio_postgres::connect(db.url(), NoTls).await.unwrap();
        tokio::spawn(conn);
        setup
            .batch_execute(&pgcast_benches::lookup_table("bench_observe", TABLE_ROWS))
            .await
            .unwrap();
    });
    let run = |binary: &std::ffi::OsStr| -> (Duration, Duration) {
        let out = Command::new(binary)
            .env("PGCAST_OBSERVE_ROUND", "1")
            .env("DATABASE_URL", db.url())
            .env("PGCAST_BENCH_LOOKUPS", lookups.to_string())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {binary:?}: {e}"));
        let text = String::from_utf8_lossy(&out.stdout);
        let mut nums = text
            .split_whitespace()
            .filter_map(|n| n.parse::<u64>().ok());
        match (nums.next(), nums.next()) {
            (Some(w), Some(c)) => (Duration::from_nanos(w), Duration::from_nanos(c)),
            _ => panic!("{binary:?} printed no timing: {text}"),
        }
    };
    let (mut off_wall, mut off_cpu, mut on_wall, mut on_cpu) = (vec![], vec![], vec![], vec![]);
    for r in 0..ROUNDS {
        // alternate which goes first, so drift hits both alike
        let order = if r % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        };
        for tracing_on in order {
            let (wall, cpu) = run(if tracing_on { &on } else { &off });
            let (w, c) = if tracing_on {
                (&mut on_wall, &mut on_cpu)
            } else {
                (&mut off_wall, &mut off_cpu)
            };
            w.push(wall);
            c.push(cpu);
        }
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / lookups as f64;
    let (ow, oc, nw, nc) = (
        median(&mut off_wall),
        median(&mut off_cpu),
        median(&mut on_wall),
        median(&mut on_cpu),
    );
    println!("{lookups} point lookups per round, {ROUNDS} rounds each, interleaved; medians:");
    println!(
        "tracing off:                 wall {:8.2} µs/lookup   cpu {:8.2} µs/lookup",
        per(ow),
        per(oc)
    );
    println!(
        "tracing on, no subscriber:   wall {:8.2} µs/lookup   cpu {:8.2} µs/lookup",
        per(nw),
        per(nc)
    );
    println!(
        "on / off:                    wall {:8.3}             cpu {:8.3}",
        nw.as_secs_f64() / ow.as_secs_f64(),
        nc.as_secs_f64() / oc.as_secs_f64()
    );
}
