//! Streaming a million rows keeps peak memory flat: the process's peak
//! resident set (VmHWM) grows by far less than the result's size.
//!
//! Alone in its binary so that no other test moves the peak.

#[path = "../../../tests/support/mod.rs"]
mod support;

use futures_util::StreamExt;
use pgcast::FromRow;
use pgcast::sql::Sql;
use pgcast_tokio_postgres::{ClientExt, CopyExt};

#[derive(FromRow)]
struct Mixed {
    id: i64,
    name: String,
    score: f64,
    flag: bool,
    note: Option<String>,
}

/// Peak resident set size in kB.
fn vm_hwm_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

const QUERY: &str = "SELECT n AS id, 'name-' || n || repeat('x', 40) AS name, n * 0.5::float8 AS score, \
     n % 2 = 0 AS flag, CASE WHEN n % 3 = 0 THEN NULL ELSE 'note' END AS note \
     FROM generate_series(1::int8, 1000000) n";

#[tokio::test]
async fn a_million_rows_stream_in_flat_memory() {
    let client = support::connect().await;
    // warm up: connection buffers, the runtime
    let _: i64 = client
        .fetch_scalar(&Sql::new("SELECT 1::int8"))
        .await
        .unwrap();

    let before = vm_hwm_kb();
    let mut stream = client
        .fetch_stream::<Mixed>(&Sql::new(QUERY))
        .await
        .unwrap();
    let (mut rows, mut bytes, mut checksum) = (0_u64, 0_usize, 0_i64);
    while let Some(row) = stream.next().await {
        let row = row.unwrap();
        rows += 1;
        bytes += row.name.len() + row.note.as_ref().map_or(0, String::len) + 8 + 8 + 1;
        checksum += row.id + i64::from(row.flag) + row.score as i64;
    }
    let after_stream = vm_hwm_kb();
    assert_eq!(rows, 1_000_000);
    assert!(checksum > 0);

    // the same through a binary COPY out
    let mut copied = client.copy_out_as::<Mixed>(&Sql::new(QUERY)).await.unwrap();
    let mut copy_rows = 0_u64;
    while let Some(row) = copied.next().await {
        row.unwrap();
        copy_rows += 1;
    }
    let after_copy = vm_hwm_kb();
    assert_eq!(copy_rows, 1_000_000);

    let stream_growth = after_stream.saturating_sub(before);
    let copy_growth = after_copy.saturating_sub(before);
    eprintln!(
        "1M rows, {} MB decoded: peak RSS {before} kB before, +{stream_growth} kB streaming, +{copy_growth} kB after COPY out",
        bytes / 1_000_000
    );
    // the decoded data is over 60 MB; holding it would show
    assert!(bytes > 60_000_000);
    assert!(
        stream_growth < 50_000,
        "streaming grew the peak by {stream_growth} kB"
    );
    assert!(
        copy_growth < 50_000,
        "COPY out grew the peak by {copy_growth} kB"
    );
}
