//! Decoding captured rows into a struct: the bytes of a `COPY … TO STDOUT
//! (FORMAT binary)` of mixed-type rows (int8, text, float8, numeric,
//! timestamptz, bool, text[], jsonb, uuid), decoded by a hand-written mapping
//! over postgres-types `FromSql` and by `#[derive(FromRow)]` with a plan
//! resolved once — owned fields, and borrowed ones (`&str`, raw jsonb).
//!
//! Needs a server: `DATABASE_URL`, or a throwaway one (see pgcast-tempdb).
//! `PGCAST_BENCH_ROWS` sets the row count (default 1,000,000).
//! `cargo bench -p pgcast-benches --bench rows`, then
//! `cargo run -p pgcast-benches -- --baseline hand-written rows`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::{StreamExt, pin_mut};
use pgcast::row::{Column, Columns};
use pgcast::types::RawJson;
use pgcast::{Adapters, Format, FromRow};
use pgcast_benches::{COLUMNS, Mixed, hand_written, row_count, select_mixed};
use rust_decimal::Decimal;
use time::OffsetDateTime;
use uuid::Uuid;

// Fields are only decoded, never read: the decode is what is measured.
#[allow(dead_code)]
#[derive(FromRow)]
struct Borrowed<'r> {
    id: i64,
    name: &'r str,
    score: f64,
    price: Decimal,
    created: OffsetDateTime,
    active: bool,
    tags: Vec<String>,
    doc: RawJson<'r>,
    key: Uuid,
}

/// One row's nine values as byte ranges of the capture; `None` for NULL.
type RowOffsets = [Option<(usize, usize)>; 9];

fn capture(n: usize) -> (Vec<u8>, Vec<RowOffsets>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let bytes = rt.block_on(async {
        let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
        let (client, conn) = tokio_postgres::connect(db.url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let sql = format!("COPY ({}) TO STDOUT (FORMAT binary)", select_mixed(n));
        let stream = client.copy_out(sql.as_str()).await.unwrap();
        pin_mut!(stream);
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.unwrap());
        }
        bytes
    });
    // PGCOPY\n\xff\r\n\0, flags, header extension; then per row: i16 count, (i32 len, bytes)*
    let mut pos = 11 + 4;
    let ext = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
    pos += 4 + ext;
    let mut rows = Vec::with_capacity(n);
    loop {
        let count = i16::from_be_bytes([bytes[pos], bytes[pos + 1]]);
        pos += 2;
        if count == -1 {
            break;
        }
        let mut row = [None; 9];
        for slot in row.iter_mut().take(count as usize) {
            let len = i32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap());
            pos += 4;
            if len >= 0 {
                *slot = Some((pos, pos + len as usize));
                pos += len as usize;
            }
        }
        rows.push(row);
    }
    (bytes, rows)
}

fn rows(c: &mut Criterion) {
    let n = row_count(1_000_000);
    let (bytes, offsets) = capture(n);
    let rows: Vec<[Option<&[u8]>; 9]> = offsets
        .iter()
        .map(|r| r.map(|o| o.map(|(a, b)| &bytes[a..b])))
        .collect();
    let desc: Vec<Column> = COLUMNS
        .iter()
        .map(|(name, ty)| Column::new(*name, ty.clone(), Format::Binary))
        .collect();
    let adapters = Adapters::global();
    let columns = Columns::new(&desc, &adapters);
    let owned_plan = <Mixed as FromRow>::plan(&columns).unwrap();
    let borrowed_plan = <Borrowed as FromRow>::plan(&columns).unwrap();
    // Same values both ways, or the comparison means nothing.
    for row in rows.iter().step_by(997) {
        assert_eq!(
            Mixed::from_row(&owned_plan, &row[..]).unwrap(),
            hand_written(row)
        );
    }

    let mut g = c.benchmark_group("rows_decode");
    g.throughput(Throughput::Elements(rows.len() as u64));
    g.sample_size(10);
    g.bench_function("hand-written", |b| {
        b.iter(|| {
            for row in &rows {
                black_box(hand_written(row));
            }
        })
    });
    g.bench_function("derive", |b| {
        b.iter(|| {
            for row in &rows {
                black_box(Mixed::from_row(&owned_plan, &row[..]).unwrap());
            }
        })
    });
    g.bench_function("derive-borrowed", |b| {
        b.iter(|| {
            for row in &rows {
                black_box(Borrowed::from_row(&borrowed_plan, &row[..]).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(8)).warm_up_time(std::time::Duration::from_secs(1));
    targets = rows
}
criterion_main!(benches);
