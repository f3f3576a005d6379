//! Fixtures shared by the benchmarks: the mixed-type row of the issue
//! (int8, text, float8, numeric, timestamptz, bool, text[], jsonb, uuid), the
//! server-side query that makes such rows, and the mapping a tokio-postgres
//! user writes by hand.

use pgcast::{FromRow, ToRow};
use postgres_types::{FromSql, Type};
use rust_decimal::Decimal;
use time::OffsetDateTime;
use uuid::Uuid;

/// One mixed-type row, owned.
#[derive(FromRow, ToRow, Debug, PartialEq, Clone)]
pub struct Mixed {
    /// int8
    pub id: i64,
    /// text
    pub name: String,
    /// float8
    pub score: f64,
    /// numeric
    pub price: Decimal,
    /// timestamptz
    pub created: OffsetDateTime,
    /// bool
    pub active: bool,
    /// text[]
    pub tags: Vec<String>,
    /// jsonb
    pub doc: serde_json::Value,
    /// uuid
    pub key: Uuid,
}

/// The column names and types of [`Mixed`], in order.
pub const COLUMNS: [(&str, Type); 9] = [
    ("id", Type::INT8),
    ("name", Type::TEXT),
    ("score", Type::FLOAT8),
    ("price", Type::NUMERIC),
    ("created", Type::TIMESTAMPTZ),
    ("active", Type::BOOL),
    ("tags", Type::TEXT_ARRAY),
    ("doc", Type::JSONB),
    ("key", Type::UUID),
];

/// A `SELECT` producing `n` mixed rows on the server.
pub fn select_mixed(n: usize) -> String {
    format!(
        "SELECT i::int8 AS id, 'user-' || i AS name, i / 7.0::float8 AS score, \
         ((i % 100000) / 100.0)::numeric(12,2) AS price, \
         '2024-01-01'::timestamptz + i * interval '1 second' AS created, i % 2 = 0 AS active, \
         ARRAY['a', 'tag-' || (i % 10)] AS tags, \
         jsonb_build_object('id', i, 'kind', 'k' || (i % 5)) AS doc, md5(i::text)::uuid AS key \
         FROM generate_series(1, {n}) i"
    )
}

/// The `CREATE TABLE` matching [`Mixed`].
pub const CREATE_MIXED: &str = "CREATE UNLOGGED TABLE IF NOT EXISTS bench_mixed (id int8, name text, \
     score float8, price numeric(12,2), created timestamptz, active bool, tags text[], doc jsonb, key uuid)";

/// Row `i` of the data set, made on the client (for COPY in).
pub fn mixed(i: i64) -> Mixed {
    Mixed {
        id: i,
        name: format!("user-{i}"),
        score: i as f64 / 7.0,
        price: Decimal::new(i % 100_000, 2),
        created: OffsetDateTime::from_unix_timestamp(1_704_067_200 + i)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
        active: i % 2 == 0,
        tags: vec!["a".into(), format!("tag-{}", i % 10)],
        doc: serde_json::json!({"id": i, "kind": format!("k{}", i % 5)}),
        key: Uuid::from_u64_pair(i as u64, !(i as u64)),
    }
}

/// The hand-written mapping over postgres-types `FromSql`, given each
/// column's raw bytes.
pub fn hand_written(row: &[Option<&[u8]>; 9]) -> Mixed {
    fn get<'a, T: FromSql<'a>>(ty: &Type, raw: Option<&'a [u8]>) -> T {
        T::from_sql_nullable(ty, raw).expect("the benchmark's own data decodes")
    }
    Mixed {
        id: get(&Type::INT8, row[0]),
        name: get(&Type::TEXT, row[1]),
        score: get(&Type::FLOAT8, row[2]),
        price: get(&Type::NUMERIC, row[3]),
        created: get(&Type::TIMESTAMPTZ, row[4]),
        active: get(&Type::BOOL, row[5]),
        tags: get(&Type::TEXT_ARRAY, row[6]),
        doc: get(&Type::JSONB, row[7]),
        key: get(&Type::UUID, row[8]),
    }
}

/// The hand-written mapping of a tokio-postgres row (`row.get` per column).
pub fn from_tokio_row(row: &tokio_postgres::Row) -> Mixed {
    Mixed {
        id: row.get(0),
        name: row.get(1),
        score: row.get(2),
        price: row.get(3),
        created: row.get(4),
        active: row.get(5),
        tags: row.get(6),
        doc: row.get(7),
        key: row.get(8),
    }
}

/// The row count from `PGCAST_BENCH_ROWS`, or `default`.
pub fn row_count(default: usize) -> usize {
    std::env::var("PGCAST_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// This thread's CPU time so far (`CLOCK_THREAD_CPUTIME_ID`, exact to the
/// nanosecond, unlike the scheduler's tick-granular counters; zero where the
/// clock is missing), for reports of client CPU beside wall time.
pub fn thread_cpu() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// The median of `v` (sorted in place); zero for none.
pub fn median(v: &mut [std::time::Duration]) -> std::time::Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// This process's CPU time so far, every thread summed
/// (`/proc/self/task/*/schedstat`; zero where missing): the client CPU of a
/// multi-threaded runtime.
pub fn process_cpu() -> std::time::Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return std::time::Duration::ZERO;
    };
    let ns: u64 = tasks
        .filter_map(Result::ok)
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|text| text.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    std::time::Duration::from_nanos(ns)
}

/// A field of `/proc/self/status` in kB (`VmRSS`, `VmHWM`); zero where
/// missing.
pub fn status_kb(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|line| {
            let rest = line.strip_prefix(field)?.strip_prefix(':')?;
            rest.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0)
}

/// The statements that make the point-lookup table `table`: `rows` rows of
/// `(id int8 PRIMARY KEY, name text, score float8)`, analyzed.
pub fn lookup_table(table: &str, rows: i64) -> String {
    format!(
        "DROP TABLE IF EXISTS {table};
         CREATE TABLE {table} (id int8 PRIMARY KEY, name text NOT NULL, score float8 NOT NULL);
         INSERT INTO {table} SELECT i, 'item-' || i, i / 3.0 FROM generate_series(1, {rows}) i;
         ANALYZE {table};"
    )
}

/// The median over rounds of `ours[r] / base[r]`: each round against the
/// round beside it, so that what drifts over a run (the machine's load)
/// cancels in a pair; NaN for no rounds.
pub fn paired_median(ours: &[std::time::Duration], base: &[std::time::Duration]) -> f64 {
    let mut ratios: Vec<f64> = ours
        .iter()
        .zip(base)
        .map(|(o, b)| o.as_secs_f64() / b.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN)
}
