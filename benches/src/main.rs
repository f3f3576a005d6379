//! Prints the ratios of the last `cargo bench -p pgcast-benches` run as a
//! Markdown table: every contender's mean time over the baseline of its group.
//!
//! Criterion writes `target/criterion/<group>/<function>/new/estimates.json`;
//! a group's baseline is the function named by `--baseline` (default
//! `postgres-types`). Run from the workspace root:
//!
//! ```text
//! cargo bench -p pgcast-benches && cargo run -p pgcast-benches -- [--baseline NAME] [GROUP-PREFIX]
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn mean_ns(path: &Path) -> Option<f64> {
    let text = fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("mean")?.get("point_estimate")?.as_f64()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut baseline = "postgres-types".to_owned();
    let mut prefix = String::new();
    while let Some(arg) = args.next() {
        if arg == "--baseline" {
            baseline = args.next().unwrap_or(baseline);
        } else {
            prefix = arg;
        }
    }
    let root = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let root = Path::new(&root).join("criterion");
    let Ok(groups) = fs::read_dir(&root) else {
        eprintln!(
            "no results under {}: run `cargo bench -p pgcast-benches` first",
            root.display()
        );
        std::process::exit(1);
    };
    // Criterion flattens "decode/int8" into the directory "decode_int8".
    let mut table: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for group in groups.flatten() {
        let name = group.file_name().to_string_lossy().into_owned();
        if name == "report" || !name.starts_with(&prefix) {
            continue;
        }
        for function in fs::read_dir(group.path()).into_iter().flatten().flatten() {
            let fname = function.file_name().to_string_lossy().into_owned();
            if let Some(ns) = mean_ns(&function.path().join("new/estimates.json")) {
                table.entry(name.clone()).or_default().insert(fname, ns);
            }
        }
    }
    println!("| benchmark | contender | mean | × {baseline} |");
    println!("|---|---|---:|---:|");
    for (group, results) in &table {
        let base = results.get(&baseline).copied();
        for (function, ns) in results {
            let ratio = base.map_or("—".to_owned(), |b| format!("{:.2}", ns / b));
            println!("| {group} | {function} | {} | {ratio} |", human(*ns));
        }
    }
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}
