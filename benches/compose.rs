//! Building and rendering one dynamic SELECT — 10 identifiers (given at run
//! time), 5 bound values, 2 literals — with `sql!`, with runtime
//! `Sql::format`, with sea-query, with a hand-written `format!` plus manual
//! quoting, and with `String::with_capacity` + `push_str` (the floor).
//!
//! `cargo bench -p pgcast-benches --bench compose`, then
//! `cargo run -p pgcast-benches -- --baseline push_str-floor compose`.
//! Interleaved rounds, which spread a loaded machine's noise over every
//! contender alike: `PGCAST_BENCH_ROUNDS=21 cargo bench -p pgcast-benches
//! --bench compose`. Instruction counts, which load does not disturb:
//! `benches/count-compose` (valgrind).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use pgcast::sql;
use pgcast::sql::{Args, Identifier, Literal, Sql, bind, bind_ref};
use postgres_types::ToSql;
use sea_query::{Alias, Expr, ExprTrait, PostgresQueryBuilder, Query};

/// The run-time inputs: column names as a user might choose them, and values.
struct Input {
    cols: [&'static str; 5],
    schema: &'static str,
    table: &'static str,
    email: String,
    name: String,
}

const EXPECTED: &str = r#"SELECT "id", "email", "name", "status", 'it''s',  -5 FROM "public"."users" WHERE "id" = $1 AND "email" = $2 AND "name" = $3 AND "status" = $4 AND "created_at" > $5"#;

fn build_macro(i: &Input) -> pgcast::sql::Composed<'_> {
    let [a, b, c, d, e] = i.cols;
    let t = Identifier::qualified([i.schema, i.table]);
    // The strings are borrowed for the query's life, the scalars copied.
    let (v1, v2, v3, v4, v5) = (42_i64, &i.email, &i.name, 3_i32, 1_700_000_000_i64);
    let (l1, l2) = ("it's", -5_i32);
    sql!(
        "SELECT {a:i}, {b:i}, {c:i}, {d:i}, {l1:l}, {l2:l} FROM {t:i} WHERE {a:i} = {v1} \
         AND {b:i} = {v2} AND {c:i} = {v3} AND {d:i} = {v4} AND {e:i} > {v5}"
    )
}

#[inline(never)]
fn with_macro(i: &Input) -> pgcast::sql::Rendered<'_> {
    let [a, b, c, d, e] = i.cols;
    let t = Identifier::qualified([i.schema, i.table]);
    let (v1, v2, v3, v4, v5) = (42_i64, &i.email, &i.name, 3_i32, 1_700_000_000_i64);
    let (l1, l2) = ("it's", -5_i32);
    let q = sql!(
        "SELECT {a:i}, {b:i}, {c:i}, {d:i}, {l1:l}, {l2:l} FROM {t:i} WHERE {a:i} = {v1} \
         AND {b:i} = {v2} AND {c:i} = {v3} AND {d:i} = {v4} AND {e:i} > {v5}"
    );
    q.into_rendered().unwrap()
}

#[inline(never)]
fn with_format(i: &Input) -> pgcast::sql::Rendered<'_> {
    let [a, b, c, d, e] = i.cols;
    Sql::new(
        "SELECT {}, {}, {}, {}, {}, {} FROM {} WHERE {} = {} AND {} = {} AND {} = {} AND {} = {} AND {} > {}",
    )
    .format(
        Args::new()
            .arg(Identifier::new(a))
            .arg(Identifier::new(b))
            .arg(Identifier::new(c))
            .arg(Identifier::new(d))
            .arg(Literal::new("it's"))
            .arg(Literal::new(-5_i32))
            .arg(Identifier::qualified([i.schema, i.table]))
            .arg(Identifier::new(a))
            .arg(bind(42_i64))
            .arg(Identifier::new(b))
            .arg(bind_ref(&i.email))
            .arg(Identifier::new(c))
            .arg(bind_ref(&i.name))
            .arg(Identifier::new(d))
            .arg(bind(3_i32))
            .arg(Identifier::new(e))
            .arg(bind(1_700_000_000_i64)),
    )
    .unwrap()
    .render()
    .unwrap()
}

#[inline(never)]
fn with_sea_query(i: &Input) -> (String, sea_query::Values) {
    let [a, b, c, d, e] = i.cols;
    Query::select()
        .columns([Alias::new(a), Alias::new(b), Alias::new(c), Alias::new(d)])
        .expr(Expr::val("it's"))
        .expr(Expr::val(-5_i32))
        .from((Alias::new(i.schema), Alias::new(i.table)))
        .and_where(Expr::col(Alias::new(a)).eq(42_i64))
        .and_where(Expr::col(Alias::new(b)).eq(i.email.clone()))
        .and_where(Expr::col(Alias::new(c)).eq(i.name.clone()))
        .and_where(Expr::col(Alias::new(d)).eq(3_i32))
        .and_where(Expr::col(Alias::new(e)).gt(1_700_000_000_i64))
        .build(PostgresQueryBuilder)
}

fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn quote_literal(s: &str) -> String {
    if s.contains('\\') {
        format!(" E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

type Params<'a> = [&'a (dyn ToSql + Sync); 5];

#[inline(never)]
fn with_format_macro<'a>(
    i: &Input,
    values: &'a (i64, String, String, i32, i64),
) -> (String, Params<'a>) {
    let [a, b, c, d, e] = i.cols.map(quote_ident);
    let text = format!(
        "SELECT {a}, {b}, {c}, {d}, {}, {} FROM {}.{} WHERE {a} = $1 AND {b} = $2 AND {c} = $3 AND {d} = $4 AND {e} > $5",
        quote_literal("it's"),
        " -5",
        quote_ident(i.schema),
        quote_ident(i.table),
    );
    (
        text,
        [&values.0, &values.1, &values.2, &values.3, &values.4],
    )
}

fn push_quoted(out: &mut String, s: &str, q: char) {
    out.push(q);
    for ch in s.chars() {
        if ch == q {
            out.push(q);
        }
        out.push(ch);
    }
    out.push(q);
}

#[inline(never)]
fn with_push_str<'a>(
    i: &Input,
    values: &'a (i64, String, String, i32, i64),
) -> (String, Params<'a>) {
    let [a, b, c, d, e] = i.cols;
    let mut out = String::with_capacity(192);
    out.push_str("SELECT ");
    for (n, col) in [a, b, c, d].into_iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        push_quoted(&mut out, col, '"');
    }
    out.push_str(", ");
    push_quoted(&mut out, "it's", '\'');
    out.push_str(",  -5 FROM ");
    push_quoted(&mut out, i.schema, '"');
    out.push('.');
    push_quoted(&mut out, i.table, '"');
    for (n, (col, op)) in [
        (a, " = $1"),
        (b, " = $2"),
        (c, " = $3"),
        (d, " = $4"),
        (e, " > $5"),
    ]
    .into_iter()
    .enumerate()
    {
        out.push_str(if n == 0 { " WHERE " } else { " AND " });
        push_quoted(&mut out, col, '"');
        out.push_str(op);
    }
    (out, [&values.0, &values.1, &values.2, &values.3, &values.4])
}

/// The run-time inputs, and the values the hand-written contenders bind.
//
// Every contender is a function of its own (`#[inline(never)]`), so that its
// code, and the floor's above all (a tight loop), depends less on what else
// changes in the binary: inlined into the caller, the floor took from 103
// to 150 ns from one build of unrelated code to the next. Where its loop
// lands still matters (`-C llvm-args=-align-loops=64` gives its best time).
fn inputs() -> (Input, (i64, String, String, i32, i64)) {
    let input = Input {
        cols: ["id", "email", "name", "status", "created_at"],
        schema: "public",
        table: "users",
        email: "ann@example.com".into(),
        name: "Ann".into(),
    };
    let values = (
        42_i64,
        input.email.clone(),
        input.name.clone(),
        3_i32,
        1_700_000_000_i64,
    );
    (input, values)
}

fn compose(c: &mut Criterion) {
    let (input, values) = inputs();
    // Every contender writes the same statement (sea-query binds the two literals instead).
    assert_eq!(with_macro(&input).text(), EXPECTED);
    assert_eq!(with_format(&input).text(), EXPECTED);
    assert_eq!(with_format_macro(&input, &values).0, EXPECTED);
    assert_eq!(with_push_str(&input, &values).0, EXPECTED);
    let (sea, _) = with_sea_query(&input);
    assert!(
        sea.starts_with(r#"SELECT "id", "email", "name", "status", $1, $2 FROM "public"."users""#),
        "{sea}"
    );

    let mut g = c.benchmark_group("compose_select");
    g.bench_function("sql-macro", |b| {
        b.iter(|| black_box(with_macro(black_box(&input))))
    });
    g.bench_function("x-build-only", |b| {
        b.iter(|| black_box(build_macro(black_box(&input))))
    });
    let built = build_macro(&input);
    g.bench_function("x-render-only", |b| {
        b.iter(|| black_box(built.render().unwrap()))
    });
    g.bench_function("sql-format", |b| {
        b.iter(|| black_box(with_format(black_box(&input))))
    });
    g.bench_function("sea-query", |b| {
        b.iter(|| black_box(with_sea_query(black_box(&input))))
    });
    g.bench_function("format-macro", |b| {
        b.iter(|| black_box(with_format_macro(black_box(&input), &values).0))
    });
    g.bench_function("push_str-floor", |b| {
        b.iter(|| black_box(with_push_str(black_box(&input), &values).0))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(500));
    targets = compose
}

/// Runs one contender `n` times and nothing else, for counting its
/// instructions under valgrind (`PGCAST_COUNT=<contender>:<n>`; see
/// `benches/count-compose`).
fn count(spec: &str) {
    let (name, n) = spec.split_once(':').unwrap_or((spec, "10000"));
    let n: usize = n.parse().expect("PGCAST_COUNT=<contender>:<iterations>");
    let (input, values) = inputs();
    assert!(run(name, n, &input, &values), "no contender {name}");
}

/// Runs `f` `n` times.
#[inline(always)]
fn repeat(n: usize, mut f: impl FnMut()) {
    for _ in 0..n {
        f();
    }
}

/// Runs contender `name` `n` times (chosen once, not in the loop, so no
/// contender pays for the choice); `false` for no such contender.
fn run(name: &str, n: usize, input: &Input, values: &(i64, String, String, i32, i64)) -> bool {
    match name {
        "x-build-only" => repeat(n, || drop(black_box(build_macro(black_box(input))))),
        "x-render-only" => {
            let built = build_macro(input);
            repeat(n, || drop(black_box(built.render().unwrap())));
        }
        "sql-macro" => repeat(n, || drop(black_box(with_macro(black_box(input))))),
        "sql-format" => repeat(n, || drop(black_box(with_format(black_box(input))))),
        "sea-query" => repeat(n, || drop(black_box(with_sea_query(black_box(input))))),
        "format-macro" => repeat(n, || {
            drop(black_box(with_format_macro(black_box(input), values).0))
        }),
        "push_str-floor" => repeat(n, || {
            drop(black_box(with_push_str(black_box(input), values).0))
        }),
        _ => return false,
    }
    true
}

/// The contenders of the interleaved run, floor first.
const CONTENDERS: [&str; 5] = [
    "push_str-floor",
    "sql-macro",
    "format-macro",
    "sql-format",
    "sea-query",
];

/// Runs contender `name` `n` times; its wall and thread CPU time.
fn batch(
    name: &str,
    n: usize,
    input: &Input,
    values: &(i64, String, String, i32, i64),
) -> [Duration; 2] {
    let (start, cpu) = (Instant::now(), pgcast_benches::thread_cpu());
    run(name, n, input, values);
    [start.elapsed(), pgcast_benches::thread_cpu() - cpu]
}

/// Interleaved rounds (`PGCAST_BENCH_ROUNDS=<rounds>`): every round runs a
/// batch of each contender, in an order that turns each round, so that load
/// on the machine falls on all of them alike; prints per-iteration medians
/// of wall and thread CPU time, their ratios to the floor, and the median
/// of the per-round wall ratios.
fn interleaved(rounds: usize) {
    let (input, values) = inputs();
    let n = 20_000;
    let k = CONTENDERS.len();
    let mut times = vec![[Vec::new(), Vec::new()]; k];
    for round in 0..rounds {
        for i in 0..k {
            let c = (round + i) % k;
            let [wall, cpu] = batch(CONTENDERS[c], n, &input, &values);
            times[c][0].push(wall / n as u32);
            times[c][1].push(cpu / n as u32);
        }
    }
    let per_round: Vec<f64> = times
        .iter()
        .map(|[wall, _]| pgcast_benches::paired_median(wall, &times[0][0]))
        .collect();
    let floor = [
        pgcast_benches::median(&mut times[0][0].clone()),
        pgcast_benches::median(&mut times[0][1].clone()),
    ];
    println!("{rounds} rounds of {n} iterations each");
    println!("| contender | wall | × floor | per round | CPU | × floor |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (c, [wall, cpu]) in times.iter_mut().enumerate() {
        let (wall, cpu) = (pgcast_benches::median(wall), pgcast_benches::median(cpu));
        println!(
            "| {} | {} ns | {:.2} | {:.2} | {} ns | {:.2} |",
            CONTENDERS[c],
            wall.as_nanos(),
            wall.as_secs_f64() / floor[0].as_secs_f64(),
            per_round[c],
            cpu.as_nanos(),
            cpu.as_secs_f64() / floor[1].as_secs_f64(),
        );
    }
}

fn main() {
    if let Ok(spec) = std::env::var("PGCAST_COUNT") {
        count(&spec);
        return;
    }
    if let Some(rounds) = std::env::var("PGCAST_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
    {
        interleaved(rounds);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
