//! Decode and encode throughput of each type family: pgcast's static path
//! (`Load` / `Dump`, inlined) and its registry-resolved path (the dynamic
//! `Value` through a loader resolved once; a `dyn Dump` behind a registry
//! lookup) against postgres-types' own `FromSql` / `ToSql` on the same bytes.
//!
//! `cargo bench -p pgcast-benches --bench codecs`, then
//! `cargo run -p pgcast-benches -- decode` for the ratios.

use std::any::TypeId;
use std::hint::black_box;

use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pgcast_core::{Adapters, Ctx, Dump, Load};
use postgres_types::{FromSql, ToSql, Type};

const N: usize = 10_000;

/// Benchmarks one family: `$pt` is the postgres-types Rust type, `$ct` the
/// pgcast one (often the same), `$values` a `Vec<$pt>` of N values.
macro_rules! family {
    ($c:expr, $name:literal, $ty:expr, $pt:ty, $ct:ty, $values:expr, $to_cast:expr) => {{
        let ty: Type = $ty;
        let values: Vec<$pt> = $values;
        let ours: Vec<$ct> = values.iter().map($to_cast).collect();
        let raws: Vec<Vec<u8>> = values
            .iter()
            .map(|v| {
                let mut buf = BytesMut::new();
                v.to_sql(&ty, &mut buf).expect("postgres-types encodes");
                buf.to_vec()
            })
            .collect();
        // Both sides must agree on every value, or the comparison means nothing.
        for (v, raw) in ours.iter().zip(&raws) {
            let loaded = <$ct as Load>::load(&Ctx::binary(&ty), raw).expect("pgcast decodes");
            assert!(loaded == *v, "{}: decodes differ", $name);
            let mut buf = BytesMut::new();
            v.dump(&Ctx::binary(&ty), &mut buf).expect("pgcast encodes");
            let back = <$ct as Load>::load(&Ctx::binary(&ty), &buf).expect("pgcast decodes its own");
            assert!(back == *v, "{}: round trip differs", $name);
        }
        let total: usize = raws.iter().map(Vec::len).sum();
        let ctx = Ctx::binary(&ty);
        let adapters = Adapters::global();

        let mut g = $c.benchmark_group(concat!("decode_", $name));
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function("postgres-types", |b| {
            b.iter(|| {
                for raw in &raws {
                    black_box(<$pt as FromSql>::from_sql(&ty, raw).unwrap());
                }
            })
        });
        g.bench_function("pgcast", |b| {
            b.iter(|| {
                for raw in &raws {
                    black_box(<$ct as Load>::load(&ctx, raw).unwrap());
                }
            })
        });
        g.bench_function("pgcast-registry", |b| {
            let loader = adapters.value_loader(&ty);
            b.iter(|| {
                for raw in &raws {
                    black_box(loader.load(&ctx, Some(raw)).unwrap());
                }
            })
        });
        g.finish();

        let mut g = $c.benchmark_group(concat!("encode_", $name));
        g.throughput(Throughput::Elements(N as u64));
        let mut buf = BytesMut::with_capacity(total + 4 * N);
        g.bench_function("postgres-types", |b| {
            b.iter(|| {
                buf.clear();
                for v in &values {
                    v.to_sql(&ty, &mut buf).unwrap();
                }
                black_box(&buf);
            })
        });
        g.bench_function("pgcast", |b| {
            b.iter(|| {
                buf.clear();
                for v in &ours {
                    v.dump(&ctx, &mut buf).unwrap();
                }
                black_box(&buf);
            })
        });
        g.bench_function("pgcast-registry", |b| {
            b.iter(|| {
                buf.clear();
                for v in &ours {
                    // What a render with a scope does: look for an override, else the value's own dumper.
                    match adapters.dumper(TypeId::of::<$ct>()) {
                        Some(d) => d.dump(v, &ctx, &mut buf).unwrap(),
                        None => (v as &dyn Dump).dump(&ctx, &mut buf).unwrap(),
                    };
                }
                black_box(&buf);
            })
        });
        g.finish();
    }};
}

fn seq(n: usize) -> impl Iterator<Item = u64> {
    // A cheap deterministic spread of values (splitmix64).
    let mut x = 0x9E37_79B9_7F4A_7C15_u64;
    (0..n).map(move |_| {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
}

fn codecs(c: &mut Criterion) {
    family!(
        c,
        "bool",
        Type::BOOL,
        bool,
        bool,
        seq(N).map(|x| x & 1 == 1).collect(),
        |v| *v
    );
    family!(
        c,
        "int4",
        Type::INT4,
        i32,
        i32,
        seq(N).map(|x| x as i32).collect(),
        |v| *v
    );
    family!(
        c,
        "int8",
        Type::INT8,
        i64,
        i64,
        seq(N).map(|x| x as i64).collect(),
        |v| *v
    );
    family!(
        c,
        "text",
        Type::TEXT,
        String,
        String,
        seq(N).map(|x| format!("user-{x:x}@example.com")).collect(),
        Clone::clone
    );
    family!(
        c,
        "bytea",
        Type::BYTEA,
        Vec<u8>,
        Vec<u8>,
        seq(N).map(|x| x.to_le_bytes().repeat(4)).collect(),
        Clone::clone
    );
    family!(
        c,
        "float8",
        Type::FLOAT8,
        f64,
        f64,
        seq(N).map(|x| (x as i64) as f64 / 1e6).collect(),
        |v| *v
    );
    family!(
        c,
        "numeric",
        Type::NUMERIC,
        rust_decimal::Decimal,
        rust_decimal::Decimal,
        seq(N)
            .map(|x| rust_decimal::Decimal::new((x >> 16) as i64, (x % 10) as u32))
            .collect(),
        |v| *v
    );
    family!(
        c,
        "timestamptz",
        Type::TIMESTAMPTZ,
        time::OffsetDateTime,
        time::OffsetDateTime,
        seq(N)
            .map(|x| {
                time::OffsetDateTime::from_unix_timestamp((x % 4_000_000_000) as i64).unwrap()
                    + time::Duration::microseconds((x % 1_000_000) as i64)
            })
            .collect(),
        |v| *v
    );
    family!(
        c,
        "uuid",
        Type::UUID,
        uuid::Uuid,
        uuid::Uuid,
        seq(N).map(|x| uuid::Uuid::from_u64_pair(x, !x)).collect(),
        |v| *v
    );
    family!(
        c,
        "jsonb",
        Type::JSONB,
        serde_json::Value,
        serde_json::Value,
        seq(N)
            .map(|x| serde_json::json!({"id": x % 1000, "name": format!("n{x:x}"), "tags": ["a", "b"], "score": 1.5}))
            .collect(),
        Clone::clone
    );
    family!(
        c,
        "inet",
        Type::INET,
        std::net::IpAddr,
        std::net::IpAddr,
        seq(N)
            .map(|x| std::net::IpAddr::from((x as u32).to_be_bytes()))
            .collect(),
        |v| *v
    );
    family!(
        c,
        "int4_array",
        Type::INT4_ARRAY,
        Vec<i32>,
        Vec<i32>,
        seq(N).map(|x| (0..(x % 16) as i32).collect()).collect(),
        Clone::clone
    );
    family!(
        c,
        "text_array",
        Type::TEXT_ARRAY,
        Vec<String>,
        Vec<String>,
        seq(N)
            .map(|x| (0..x % 8).map(|i| format!("tag{i}")).collect())
            .collect(),
        Clone::clone
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(500));
    targets = codecs
}
criterion_main!(benches);
