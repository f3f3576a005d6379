//! A million rows in by binary `COPY` from `#[derive(ToRow)]` values, and
//! out again by binary `COPY` streamed into `#[derive(FromRow)]` rows, in
//! flat memory both ways: rows are encoded as the iterator yields them and
//! decoded as the data arrives. A progress bar goes to stderr, the
//! throughput to stdout at the end.
//!
//! Runs against `DATABASE_URL` when set, otherwise against a throwaway
//! server started for the occasion; `PGCAST_EXAMPLE_ROWS` changes the
//! number of rows (default 1,000,000):
//!
//! ```text
//! cargo run --release --example bulk_copy
//! PGCAST_EXAMPLE_ROWS=50000 cargo run --example bulk_copy
//! ```

use std::error::Error;
use std::io::Write;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use pgcast::sql::{Identifier, Sql};
use pgcast::tokio_postgres::{ClientExt, CopyExt, PgClient};
use pgcast::{FromRow, ToRow};
use time::OffsetDateTime;

#[derive(ToRow, FromRow, Debug)]
struct Reading {
    id: i64,
    sensor: i32,
    label: String,
    taken_at: OffsetDateTime,
    value: Option<f64>,
}

fn reading(id: i64, start: OffsetDateTime) -> Reading {
    Reading {
        id,
        sensor: (id % 97) as i32,
        label: format!("sensor-{}", id % 97),
        taken_at: start + Duration::from_millis(id as u64 * 250),
        value: (id % 10 != 0).then(|| (id % 1000) as f64 / 8.0),
    }
}

/// A progress bar on stderr, redrawn in place with `\r`, at most ten times
/// a second.
struct Progress {
    label: &'static str,
    total: u64,
    started: Instant,
    drawn: Instant,
}

impl Progress {
    fn new(label: &'static str, total: u64) -> Progress {
        let now = Instant::now();
        Progress {
            label,
            total,
            started: now,
            drawn: now,
        }
    }

    fn tick(&mut self, done: u64) {
        if self.drawn.elapsed() >= Duration::from_millis(100) {
            self.draw(done);
        }
    }

    fn draw(&mut self, done: u64) {
        self.drawn = Instant::now();
        let share = if self.total == 0 {
            1.0
        } else {
            done as f64 / self.total as f64
        };
        let filled = (share * 30.0).round() as usize;
        let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        let mut err = std::io::stderr().lock();
        // A failed write to stderr is no reason to stop copying.
        let _ = write!(
            err,
            "\r{:<9} [{:<30}] {:>3.0}% {done:>9}/{} rows, {:>9.0} rows/s",
            self.label,
            "#".repeat(filled.min(30)),
            share * 100.0,
            self.total,
            rate,
        );
        let _ = err.flush();
    }

    /// Draws the final state and ends the line; the elapsed time.
    fn finish(mut self, done: u64) -> Duration {
        self.draw(done);
        let _ = writeln!(std::io::stderr());
        self.started.elapsed()
    }
}

fn rate(rows: u64, took: Duration) -> String {
    let secs = took.as_secs_f64();
    format!(
        "{rows} rows in {secs:.2} s ({:.0} rows/s)",
        rows as f64 / secs.max(1e-9)
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let rows: u64 = match std::env::var("PGCAST_EXAMPLE_ROWS") {
        Ok(n) => n
            .replace('_', "")
            .parse()
            .map_err(|e| format!("PGCAST_EXAMPLE_ROWS={n:?}: {e}"))?,
        Err(_) => 1_000_000,
    };
    let count = i64::try_from(rows)?;
    let db = pgcast_tempdb::shared()?;
    let (client, connection) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let client = PgClient::new(client);
    client
        .exec(
            &Sql::new("CREATE TEMP TABLE readings (id int8 PRIMARY KEY, sensor int4 NOT NULL, label text NOT NULL, taken_at timestamptz NOT NULL, value float8)")
)
        .await?;

    // In: rows made lazily and encoded as the iterator yields them.
    let start = OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut progress = Progress::new("COPY in", rows);
    let made = (0..count).map(|id| {
        progress.tick(id as u64);
        reading(id, start)
    });
    let copied = client
        .copy_in_rows(&Identifier::new("readings"), made)
        .await?;
    let took_in = progress.finish(copied);

    // Out: binary COPY decoded into `Reading`s as the data arrives.
    let mut progress = Progress::new("COPY out", rows);
    let mut stream = client
        .copy_out_as::<Reading>(&Sql::new(
            "SELECT id, sensor, label, taken_at, value FROM readings",
        ))
        .await?;
    let (mut read, mut id_sum, mut nulls, mut latest) = (0_u64, 0_i64, 0_u64, start);
    while let Some(row) = stream.next().await {
        let row = row?;
        read += 1;
        id_sum = id_sum.wrapping_add(row.id);
        nulls += u64::from(row.value.is_none());
        latest = latest.max(row.taken_at);
        progress.tick(read);
    }
    let took_out = progress.finish(read);

    let expected_sum = (0..count).fold(0_i64, |s, id| s.wrapping_add(id));
    if read != rows || id_sum != expected_sum {
        return Err(format!(
            "read {read} rows (id sum {id_sum}), expected {rows} ({expected_sum})"
        )
        .into());
    }
    let size: i64 = client
        .fetch_scalar(&Sql::new("SELECT pg_total_relation_size('readings')"))
        .await?;
    println!("COPY in:  {}", rate(copied, took_in));
    println!("COPY out: {}", rate(read, took_out));
    println!(
        "checked: {read} rows, {nulls} NULL values, latest reading at {latest}, table {:.1} MB",
        size as f64 / 1e6
    );
    Ok(())
}
