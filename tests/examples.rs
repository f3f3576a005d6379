//! Every program under `examples/` run end to end with `cargo run --example`
//! against the shared test server (passed as `DATABASE_URL`, so that no
//! example starts a cluster of its own): each must exit 0 and print what it
//! is there to show.

use std::process::Command;

/// Runs `cargo run --example name -- args` with `env`; its stdout and
/// stderr, after checking that it succeeded.
fn run(name: &str, args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let db = pgcast_tempdb::shared().unwrap_or_else(|e| panic!("{e}"));
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    // The features this test was built with: the same set again means cargo
    // reuses the build instead of compiling the workspace a second time.
    let features: Vec<&str> = [
        ("rust_decimal", cfg!(feature = "rust_decimal")),
        ("tokio-postgres", cfg!(feature = "tokio-postgres")),
        ("postgres", cfg!(feature = "postgres")),
        ("sqlx", cfg!(feature = "sqlx")),
        ("tracing", cfg!(feature = "tracing")),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect();
    let features = features.join(",");
    let output = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--manifest-path",
            manifest,
            "--features",
            &features,
            "--example",
            name,
            "--",
        ])
        .args(args)
        .env("DATABASE_URL", db.url())
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo for example {name}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "example {name} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    (stdout, stderr)
}

fn has_line(out: &str, line: &str) -> bool {
    out.lines().any(|l| l.trim_end() == line)
}

#[test]
fn quickstart() {
    let (out, _) = run("quickstart", &[], &[]);
    assert!(has_line(&out, "inserted 8 planets"), "{out}");
    assert!(
        has_line(
            &out,
            r#"hostile identifier renders as: SELECT "name"" FROM planets; DROP TABLE planets; --" FROM planets"#
        ),
        "{out}"
    );
    assert!(out.contains("bad value, Adapt(Nul)"), "{out}");
    assert!(has_line(&out, "still 8 planets"), "{out}");
    // run-time names are identifiers, whatever the arguments
    let (out, _) = run("quickstart", &["radius_km", "desc"], &[]);
    assert!(out.contains(r#"ORDER BY "radius_km" DESC, name"#), "{out}");
}

#[test]
fn dynamic_report() {
    let (out, err) = run(
        "dynamic_report",
        &["id,region,amount", "region=eu|apac", "id<=9"],
        &[],
    );
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let ids: Vec<i64> = rows.iter().filter_map(|r| r["id"].as_i64()).collect();
    // regions cycle eu, us, apac from id 0
    assert_eq!(ids, [2, 3, 5, 6, 8, 9], "{out}");
    assert_eq!(rows[0]["amount"], "74.99", "numeric as exact text: {out}");
    assert!(has_line(&err, "-- 6 rows"), "{err}");
    // the defaults run too
    let (out, _) = run("dynamic_report", &[], &[]);
    assert!(out.lines().all(|l| l.starts_with(r#"{"id":"#)), "{out}");
}

#[test]
fn custom_types() {
    let (out, _) = run("custom_types", &[], &[]);
    assert!(out.starts_with("registered hstore as OID "), "{out}");
    assert!(out.contains("Ada    Happy  London"), "{out}");
    assert!(
        has_line(&out, "sum(balance) as Numeric: 1234567847.723456789012"),
        "{out}"
    );
    assert!(
        has_line(
            &out,
            "sum(balance) as f64 under NumericPolicy::Float: 1234567847.7234569"
        ),
        "{out}"
    );
}

#[test]
fn bulk_copy() {
    let (out, err) = run("bulk_copy", &[], &[("PGCAST_EXAMPLE_ROWS", "20000")]);
    assert!(out.starts_with("COPY in:  20000 rows in "), "{out}");
    assert!(
        out.contains("checked: 20000 rows, 2000 NULL values"),
        "{out}"
    );
    assert!(err.contains("100%     20000/20000 rows"), "{err}");
}

#[test]
fn sync() {
    let (out, _) = run("sync", &[], &[]);
    assert!(has_line(&out, "moons in all: 288"), "{out}");
    assert!(has_line(&out, "cursor batch 3: Mars, Mercury"), "{out}");
    assert!(
        has_line(
            &out,
            "deleted 2 in a transaction, rolled back: 8 planets left"
        ),
        "{out}"
    );
}

#[test]
fn observability() {
    let (out, _) = run("observability", &[], &[]);
    // a span per statement, with OpenTelemetry's attributes
    assert!(out.contains("span pgcast.query"), "{out}");
    assert!(out.contains("db.system.name=\"postgresql\""), "{out}");
    assert!(
        out.contains("db.query.text=\"SELECT email FROM users WHERE id >= $1 ORDER BY id\""),
        "{out}"
    );
    assert!(out.contains("error.type=\"22012\""), "{out}");
    // the prepare nested under its statement
    assert!(out.contains("  span pgcast.prepare"), "{out}");
    // values redacted, int4 shown; secrets never printed
    assert!(
        out.contains("log: INSERT INTO users VALUES (1, '<redacted>', '<redacted>')"),
        "{out}"
    );
    assert!(!out.contains("secret-1"), "{out}");
    // the server saw the tags; the slow report carries the plan
    assert!(
        out.contains(
            "the server saw: SELECT current_query() /*application='observability-example'*/"
        ),
        "{out}"
    );
    assert!(out.contains("event WARN pgcast::slow"), "{out}");
    assert!(out.contains("pgcast.plan="), "{out}");
}

#[test]
fn sqlx() {
    let (out, _) = run("sqlx", &[], &[]);
    assert!(
        has_line(&out, "inserted 4 rows with sqlx, 1 with pgcast"),
        "{out}"
    );
    // sqlx::query_as and pgcast's fetch_all agree, into the same struct
    assert!(has_line(&out, "open, sqlx::query_as: [1, 4, 5]"), "{out}");
    assert!(has_line(&out, "open, pgcast fetch_all: [1, 4, 5]"), "{out}");
    assert!(
        has_line(
            &out,
            r#"SELECT * FROM tickets WHERE id >= $1 ORDER BY "id", id"#
        ),
        "{out}"
    );
    assert!(
        has_line(&out, " 2  Slow report        InProgress  perf,reports"),
        "{out}"
    );
    // a string against the enum column: refused as text by sqlx, inferred by the server for pgcast
    assert!(
        out.contains("string against the enum, sqlx: error"),
        "{out}"
    );
    assert!(
        has_line(&out, "string against the enum, pgcast: 1"),
        "{out}"
    );
    assert!(
        has_line(
            &out,
            "closed 2 in a transaction (2 not closed inside it), rolled back"
        ),
        "{out}"
    );
    assert!(
        has_line(
            &out,
            r#"as dynamic values: [["open","in_progress","closed","open","open"],[1,2,3,4,5]]"#
        ),
        "{out}"
    );
    assert!(
        has_line(&out, "streamed 5 titles, the last: Dark mode"),
        "{out}"
    );
    // a run-time name is only ever an identifier
    let (out, _) = run("sqlx", &["title"], &[]);
    assert!(out.contains(r#"ORDER BY "title", id"#), "{out}");
    assert!(out.contains(" 4  Export to CSV "), "{out}");
}
