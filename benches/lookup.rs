//! Point lookups by primary key, 20,000 per round (`PGCAST_BENCH_LOOKUPS`),
//! the contenders interleaved round by round on one current-thread runtime,
//! each on its own connection:
//!
//! - `tokio-postgres prepared`: the statement prepared once, reused
//!   (`query_one(&statement, …)`): the floor;
//! - `pgcast`: `sql!` with the id bound, through a `PgClient` (default
//!   [`Prepare`](pgcast::exec::Prepare): described on first sight, prepared
//!   and kept when it repeats);
//! - `pgcast Never`: the same, never keeping a statement (transaction
//!   poolers): one unnamed round trip per lookup;
//! - `tokio-postgres query_typed`: unprepared, one round trip;
//! - `sqlx`: `query_as` with its statement cache;
//! - `pgcast-sqlx`: the same `sql!` and `fetch_one` as `pgcast`, through
//!   pgcast-sqlx on a sqlx `PgConnection` (its ratio to `sqlx` is printed
//!   too).
//!
//! Reports each contender's median wall time and client CPU time (this
//! thread's, `CLOCK_THREAD_CPUTIME_ID`) per round, its ratio to
//! the prepared floor, and the median of its per-round ratios (each round
//! against the floor's round beside it). `cargo bench -p pgcast-benches
//! --bench lookup`. `PGCAST_BENCH_ROUNDS` sets the rounds (11, after one
//! that warms up); `PGCAST_BENCH_ONLY=<index>` runs one contender alone
//! (for counting its instructions under valgrind).

use std::time::Instant;

use pgcast::exec::Prepare;
use pgcast::{FromRow, sql};
use pgcast_benches::{median, paired_median, thread_cpu as cpu};
use pgcast_tokio_postgres::{ClientExt, PgClient};
use tokio_postgres::types::Type;
use tokio_postgres::{Client, NoTls};

#[derive(FromRow, Debug, PartialEq)]
struct Item {
    id: i64,
    name: String,
    score: f64,
}

#[derive(sqlx::FromRow)]
#[allow(dead_code)]
struct SqlxItem {
    id: i64,
    name: String,
    score: f64,
}

const TABLE_ROWS: i64 = 10_000;

async fn connect() -> Client {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let (client, conn) = tokio_postgres::connect(db.url(), NoTls).await.unwrap();
    tokio::spawn(conn);
    client
}

fn main() {
    let lookups: i64 = std::env::var("PGCAST_BENCH_LOOKUPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let rounds = std::env::var("PGCAST_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    // One contender alone (its index), for profiling it under valgrind.
    let only: Option<usize> = std::env::var("PGCAST_BENCH_ONLY")
        .ok()
        .and_then(|v| v.parse().ok());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let setup = connect().await;
        setup
            .batch_execute(&pgcast_benches::lookup_table("bench_lookup", TABLE_ROWS))
            .await
            .unwrap();
        let prepared_client = connect().await;
        let statement = prepared_client
            .prepare_typed(
                "SELECT id, name, score FROM bench_lookup WHERE id = $1",
                &[Type::INT8],
            )
            .await
            .unwrap();
        let typed_client = connect().await;
        let pg = PgClient::new(connect().await);
        let never = PgClient::new(connect().await);
        never.pg_session().set_prepare(Prepare::Never);
        let url = pgcast_tempdb::shared().unwrap().url().to_owned();
        let mut sqlx_conn = {
            use sqlx::Connection;
            sqlx::PgConnection::connect(&url).await.unwrap()
        };
        let mut pgcast_sqlx_conn = {
            use sqlx::Connection;
            sqlx::PgConnection::connect(&url).await.unwrap()
        };
        // The same row every way.
        let id = 42_i64;
        let ours: Item = pg
            .fetch_one(sql!(
                "SELECT id, name, score FROM bench_lookup WHERE id = {id}"
            ))
            .await
            .unwrap();
        assert_eq!(
            ours,
            Item {
                id: 42,
                name: "item-42".into(),
                score: 14.0
            }
        );

        let names = [
            "tokio-postgres prepared",
            "pgcast",
            "pgcast Never",
            "tokio-postgres query_typed",
            "sqlx",
            "pgcast-sqlx",
        ];
        let mut wall = vec![Vec::new(); names.len()];
        let mut cpus = vec![Vec::new(); names.len()];
        for round in 0..=rounds {
            for (k, _) in names.iter().enumerate() {
                if only.is_some_and(|o| o != k) {
                    continue;
                }
                let (t0, c0) = (Instant::now(), cpu());
                for i in 0..lookups {
                    let id = i % TABLE_ROWS + 1;
                    match k {
                        0 => {
                            let row = prepared_client.query_one(&statement, &[&id]).await.unwrap();
                            std::hint::black_box((
                                row.get::<_, i64>(0),
                                row.get::<_, String>(1),
                                row.get::<_, f64>(2),
                            ));
                        }
                        1 | 2 => {
                            let client = if k == 1 { &pg } else { &never };
                            let item: Item = client
                                .fetch_one(sql!(
                                    "SELECT id, name, score FROM bench_lookup WHERE id = {id}"
                                ))
                                .await
                                .unwrap();
                            std::hint::black_box(item);
                        }
                        3 => {
                            let row = typed_client
                                .query_typed_one(
                                    "SELECT id, name, score FROM bench_lookup WHERE id = $1",
                                    &[(&id, Type::INT8)],
                                )
                                .await
                                .unwrap();
                            std::hint::black_box((
                                row.get::<_, i64>(0),
                                row.get::<_, String>(1),
                                row.get::<_, f64>(2),
                            ));
                        }
                        4 => {
                            let item: SqlxItem = sqlx::query_as(
                                "SELECT id, name, score FROM bench_lookup WHERE id = $1",
                            )
                            .bind(id)
                            .fetch_one(&mut sqlx_conn)
                            .await
                            .unwrap();
                            std::hint::black_box(item);
                        }
                        _ => {
                            let item: Item = pgcast_sqlx::ClientExt::fetch_one(
                                &mut pgcast_sqlx_conn,
                                sql!("SELECT id, name, score FROM bench_lookup WHERE id = {id}"),
                            )
                            .await
                            .unwrap();
                            std::hint::black_box(item);
                        }
                    }
                }
                // Round 0 warms up every contender.
                if round > 0 {
                    wall[k].push(t0.elapsed());
                    cpus[k].push(cpu() - c0);
                }
            }
        }
        if let Some(k) = only {
            println!("{}: {lookups} lookups per round, {rounds} rounds", names[k]);
            return;
        }
        println!("{lookups} point lookups per round, median of {rounds} interleaved rounds:\n");
        println!("| contender | wall | ratio | per-round ratio | client CPU | ratio |");
        println!("|---|---|---|---|---|---|");
        let base_wall = median(&mut wall[0].clone());
        let base_cpu = median(&mut cpus[0].clone());
        for (k, name) in names.iter().enumerate() {
            // Each round's time over the floor's in the same round: what
            // drifts over the run (the machine's load) cancels in a pair.
            let paired = paired_median(&wall[k], &wall[0]);
            let w = median(&mut wall[k]);
            let c = median(&mut cpus[k]);
            println!(
                "| {name} | {:.1} ms | {:.2} | {paired:.2} | {:.1} ms | {:.2} |",
                w.as_secs_f64() * 1e3,
                w.as_secs_f64() / base_wall.as_secs_f64(),
                c.as_secs_f64() * 1e3,
                c.as_secs_f64() / base_cpu.as_secs_f64()
            );
        }
        let paired = paired_median(&wall[5], &wall[4]);
        let (sw, sc) = (median(&mut wall[4]), median(&mut cpus[4]));
        let (pw, pc) = (median(&mut wall[5]), median(&mut cpus[5]));
        println!(
            "\npgcast-sqlx over sqlx: wall {:.2} (per round {paired:.2}), client CPU {:.2}",
            pw.as_secs_f64() / sw.as_secs_f64(),
            pc.as_secs_f64() / sc.as_secs_f64()
        );
    });
}
