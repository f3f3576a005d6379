//! Inserting many mixed rows (`Mixed`: int8, text, float8, numeric,
//! timestamptz, bool, text[], jsonb, uuid) from `#[derive(ToRow)]` values,
//! each way pgcast offers, in the same run:
//!
//! - `unnest`: one `INSERT … SELECT … FROM UNNEST($1::int8[], …)`
//!   (`Insert::rows`), one array parameter per column;
//! - `copy`: binary `COPY … FROM STDIN` (`copy_in_rows`);
//! - `values`: multi-row `INSERT … VALUES` pages of 1,000 rows
//!   (`Values::from_rows`, 9,000 parameters a page), in a transaction;
//! - `row-by-row`: one `INSERT` per row in a transaction (on fewer rows,
//!   scaled: it is slow);
//! - `batch`: the same per-row `INSERT` pipelined (`BatchExt::exec_rows`),
//!   in a transaction (on the same fewer rows, scaled).
//!
//! The contenders take turns round by round (so drifting load on the
//! machine hits them alike), each into a freshly truncated unlogged table.
//! Reported per contender: the median wall time and the median CPU time of
//! this process (user + system: the client's encoding work, not the
//! server's), and the wall time relative to `copy`.
//!
//! `cargo bench -p pgcast-benches --bench bulk`; `PGCAST_BENCH_ROWS` (default
//! 1,000,000), `PGCAST_BENCH_SLOW_ROWS` (default 100,000) and
//! `PGCAST_BENCH_ROUNDS` (default 3) change the sizes.

use std::time::{Duration, Instant};

use pgcast::sql::{Identifier, Insert, Placeholder, Sql, Values};
use pgcast::{ToRow, sql};
use pgcast_benches::{CREATE_MIXED, Mixed, mixed, row_count};
use pgcast_tokio_postgres::{
    BatchExt, ClientExt, CopyExt, PgClient, TransactionEnd, TransactionExt,
};
use tokio_postgres::{Client, NoTls};

/// The CPU time this process has used (user + system), from
/// `/proc/self/stat` (clock ticks, 100 a second on Linux).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn connect() -> PgClient<Client> {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let (client, connection) = tokio_postgres::connect(db.url(), NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    tokio::spawn(connection);
    PgClient::new(client)
}

#[derive(Clone, Copy, PartialEq)]
enum Way {
    Unnest,
    Copy,
    Values,
    RowByRow,
    Batch,
}

impl Way {
    const ALL: [Way; 5] = [
        Way::Unnest,
        Way::Copy,
        Way::Values,
        Way::RowByRow,
        Way::Batch,
    ];

    fn name(self) -> &'static str {
        match self {
            Way::Unnest => "unnest (Insert::rows)",
            Way::Copy => "binary COPY (copy_in_rows)",
            Way::Values => "VALUES pages of 1,000 rows",
            Way::RowByRow => "one INSERT per row, in a transaction",
            Way::Batch => "one INSERT per row, pipelined (exec_rows)",
        }
    }

    fn slow(self) -> bool {
        matches!(self, Way::RowByRow | Way::Batch)
    }
}

/// `INSERT INTO bench_bulk (…) VALUES ($1, …)` with a named placeholder
/// per column, filled from each row.
fn insert_one() -> pgcast::sql::Composed<'static> {
    let cols = Identifier::list(Mixed::columns().iter().copied());
    let holes = Sql::join(
        ", ",
        Mixed::columns().iter().map(|c| Placeholder::named(*c)),
    );
    sql!("INSERT INTO bench_bulk ({cols:q}) VALUES ({holes:q})")
}

async fn run(way: Way, client: &mut PgClient<Client>, rows: &[Mixed]) -> u64 {
    match way {
        Way::Unnest => client
            .exec(&Insert::rows("bench_bulk", rows).expect("dumps"))
            .await
            .expect("unnest"),
        Way::Copy => client
            .copy_in_rows(&Identifier::new("bench_bulk"), rows)
            .await
            .expect("copy"),
        Way::Values => {
            let cols = Identifier::list(Mixed::columns().iter().copied());
            let tx = client.pg_transaction().await.expect("begin");
            let mut n = 0;
            for page in Values::from_rows(rows).expect("dumps").page_size(1000) {
                let page = page.expect("page");
                n += tx
                    .exec(&sql!("INSERT INTO bench_bulk ({cols:q}) VALUES {page:q}"))
                    .await
                    .expect("values");
            }
            tx.commit().await.expect("commit");
            n
        }
        Way::RowByRow => {
            let insert = insert_one();
            let tx = client.pg_transaction().await.expect("begin");
            let mut n = 0;
            for row in rows {
                let mut q = insert.clone();
                for (name, value) in Mixed::columns()
                    .iter()
                    .zip(pgcast::sql::Dumped::row(row, &Default::default()).expect("dumps"))
                {
                    q = q.with(name, value);
                }
                n += tx.exec(&q).await.expect("insert");
            }
            tx.commit().await.expect("commit");
            n
        }
        Way::Batch => {
            let tx = client.pg_transaction().await.expect("begin");
            let n = tx.exec_rows(&insert_one(), rows).await.expect("batch");
            tx.commit().await.expect("commit");
            n
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let n = row_count(1_000_000);
    let slow_n = env_count("PGCAST_BENCH_SLOW_ROWS", 100_000).min(n);
    let rounds = env_count("PGCAST_BENCH_ROUNDS", 3).max(1);
    let rows: Vec<Mixed> = (1..=n as i64).map(mixed).collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut client = connect().await;
        let create = CREATE_MIXED.replace("bench_mixed", "bench_bulk");
        client
            .batch_execute(&format!("DROP TABLE IF EXISTS bench_bulk; {create}"))
            .await
            .expect("create");
        let mut wall: Vec<Vec<Duration>> = vec![Vec::new(); Way::ALL.len()];
        let mut cpu: Vec<Vec<Duration>> = vec![Vec::new(); Way::ALL.len()];
        for round in 1..=rounds {
            for (k, way) in Way::ALL.into_iter().enumerate() {
                let rows = if way.slow() {
                    &rows[..slow_n]
                } else {
                    &rows[..]
                };
                client
                    .batch_execute("TRUNCATE bench_bulk; CHECKPOINT")
                    .await
                    .expect("truncate");
                let (c0, t0) = (cpu_time(), Instant::now());
                let inserted = run(way, &mut client, rows).await;
                let (t, c) = (t0.elapsed(), cpu_time() - c0);
                assert_eq!(inserted, rows.len() as u64, "{}", way.name());
                // Per n rows, scaled for the contenders run on fewer.
                let scale = n as f64 / rows.len() as f64;
                wall[k].push(t.mul_f64(scale));
                cpu[k].push(c.mul_f64(scale));
                eprintln!(
                    "round {round}: {:<45} {:>6} rows {:>9.3} s wall {:>9.3} s cpu",
                    way.name(),
                    rows.len(),
                    t.as_secs_f64(),
                    c.as_secs_f64()
                );
            }
        }
        let copy_wall = median(wall[1].clone()).as_secs_f64();
        println!(
            "\ninserting {n} mixed rows, median of {rounds} rounds \
             (row-by-row and batch measured on {slow_n} rows, scaled):\n"
        );
        println!(
            "{:<45} {:>10} {:>10} {:>8}",
            "contender", "wall s", "client cpu s", "× copy"
        );
        for (k, way) in Way::ALL.into_iter().enumerate() {
            let w = median(wall[k].clone()).as_secs_f64();
            let c = median(cpu[k].clone()).as_secs_f64();
            println!(
                "{:<45} {:>10.2} {:>10.2} {:>8.2}",
                way.name(),
                w,
                c,
                w / copy_wall
            );
        }
    });
}
