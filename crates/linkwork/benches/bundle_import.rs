//! How fast `linkwork import bundle` loads a service's history, against the floor it should be
//! compared with: a raw batched insert of the same rows into the same SQLite schema (no checking,
//! no id derivation, no second pass, the same statements and transaction).
//!
//! `cargo bench -p linkwork --bench bundle_import` (release build). The size is
//! `LINKWORK_BENCH_REFERRALS` referrals (default 20,000, about 340,000 rows).
//! Runs both `LINKWORK_BENCH_RUNS` times (default 3), alternating, and prints each run and the
//! medians' rows per second and ratio; the target is a ratio of at least 0.5.
//!
//! `-- --bundle DIR --database URL` does only the raw insert, of that bundle into that empty
//! database (SQLite or PostgreSQL), and prints one JSON line: how `bench/run` measures the floor
//! beside `linkwork import bundle` on each database.

use linkwork_domain::interop::bundle::read::Value;
use linkwork_domain::interop::bundle::spec::{self, FileSpec, Kind};
use linkwork_store::BundleSource;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The bundle's rows exactly as written, as text: no checking and no id derivation (references
/// are used as ids, which keeps every foreign key satisfied).
struct RawSource {
    files: std::slice::Iter<'static, FileSpec>,
    folder: PathBuf,
    current: Option<(&'static FileSpec, csv::Reader<std::fs::File>)>,
    person_service: HashMap<String, String>,
    /// A comparison person's service, for their contacts' rows.
    comparison_service: HashMap<String, String>,
}

impl BundleSource for RawSource {
    fn next_batch(&mut self) -> Result<Option<(&'static FileSpec, Vec<Vec<Value>>)>, String> {
        loop {
            if self.current.is_none() {
                let Some(spec) = self.files.next() else { return Ok(None) };
                let Ok(reader) = csv::Reader::from_path(self.folder.join(spec.name)) else { continue };
                self.current = Some((spec, reader));
            }
            let Some((spec, mut reader)) = self.current.take() else { continue };
            let mut batch = Vec::new();
            let mut record = csv::StringRecord::new();
            let mut finished = false;
            while batch.len() < 5_000 {
                if !reader.read_record(&mut record).map_err(|e| e.to_string())? {
                    finished = true;
                    break;
                }
                let mut values: Vec<Value> = record.iter().zip(spec.columns).map(|(v, column)| typed(&column.kind, v)).collect();
                // Columns the file leaves out (the generator writes the spec's order) are empty.
                values.resize(spec.columns.len(), Value::Null);
                match spec.name {
                    "people.csv" => {
                        self.person_service.insert(record[0].to_owned(), record[1].to_owned());
                    }
                    "referrals.csv" => values.push(Value::Text(self.person_service.get(&record[1]).cloned().unwrap_or_default())),
                    "measures.csv" => values.push(Value::Text("1".into())),
                    "health_activity.csv" => {
                        values.push(Value::Text(self.person_service.get(&record[0]).cloned().unwrap_or_default()));
                        values.push(Value::Text(format!("{}|{}|{}|{}|{}", &record[0], &record[1], &record[2], &record[4], &record[5])));
                    }
                    "comparison_people.csv" => {
                        self.comparison_service.insert(record[0].to_owned(), record[1].to_owned());
                    }
                    "comparison_activity.csv" => values.push(Value::Text(self.comparison_service.get(&record[0]).cloned().unwrap_or_default())),
                    "onward_events.csv" => values.push(Value::Text(format!("{}|{}|{}", &record[0], &record[2], &record[3]))),
                    _ => {}
                }
                batch.push(values);
            }
            if !finished {
                self.current = Some((spec, reader));
            }
            if !batch.is_empty() {
                return Ok(Some((spec, batch)));
            }
        }
    }
}

/// A cell as the database column takes it, with no checking: PostgreSQL, unlike SQLite, will not
/// store text in a number or date column.
fn typed(kind: &Kind, raw: &str) -> Value {
    if raw.is_empty() {
        return Value::Null;
    }
    let text = || Value::Text(raw.to_owned());
    match kind {
        Kind::Int(..) => raw.parse().map_or_else(|_| text(), Value::Int),
        Kind::Decimal(..) => raw.parse().map_or_else(|_| text(), Value::Float),
        Kind::Bool => Value::Bool(matches!(raw, "true" | "yes" | "1")),
        Kind::Date | Kind::PlannedDate => time::Date::parse(raw, time::macros::format_description!("[year]-[month]-[day]")).map_or_else(|_| text(), Value::Date),
        _ => text(),
    }
}

fn fresh_sqlite(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite://{}", path.display())
}

/// The raw insert alone, of `folder` into the empty database `url`: `{"what": "raw insert", …}`.
async fn raw_insert_only(folder: PathBuf, url: &str) {
    let store = linkwork_store::testing::migrated(url).await.expect("an empty database to insert into");
    let mut raw = RawSource { files: spec::files().iter(), folder, current: None, person_service: HashMap::new(), comparison_service: HashMap::new() };
    let started = Instant::now();
    let rows = store.import_bundle(&mut raw).await.expect("the raw insert");
    println!("{}", serde_json::json!({"what": "raw insert", "seconds": started.elapsed().as_secs_f64(), "rows": rows}));
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if let [flag_b, bundle, flag_d, url] = args.as_slice() {
        assert!(flag_b == "--bundle" && flag_d == "--database", "usage: bundle_import [--bundle DIR --database URL]");
        return raw_insert_only(PathBuf::from(bundle), url).await;
    }
    let referrals: usize = std::env::var("LINKWORK_BENCH_REFERRALS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let dir = std::env::temp_dir().join("linkwork-bundle-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let folder = dir.join(format!("bundle-{referrals}"));
    let today = time::OffsetDateTime::now_utc().date();
    if !folder.join("manifest.json").exists() {
        linkwork_demo::synthetic::write_bundle(&folder, referrals, 2026, today, &mut |_| {}).unwrap();
    }
    let rows: u64 = spec::files().iter().filter_map(|f| std::fs::read_to_string(folder.join(f.name)).ok()).map(|t| t.lines().count().saturating_sub(1) as u64).sum();
    let bytes: u64 = spec::files().iter().filter_map(|f| std::fs::metadata(folder.join(f.name)).ok()).map(|m| m.len()).sum();
    println!("bundle: {referrals} referrals, {rows} rows, {:.1} MB", bytes as f64 / 1e6);

    // Alternate the two, several times, and compare medians: the machine is shared with builds.
    let runs: usize = std::env::var("LINKWORK_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3).max(1);
    let (mut raw_times, mut import_times) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        // The floor: raw batched inserts of the same rows in one transaction.
        let url = fresh_sqlite(&dir, "raw.db");
        let store = linkwork_store::testing::migrated(&url).await.unwrap();
        let mut raw = RawSource { files: spec::files().iter(), folder: folder.clone(), current: None, person_service: HashMap::new(), comparison_service: HashMap::new() };
        let started = Instant::now();
        let written = store.import_bundle(&mut raw).await.unwrap();
        let raw_secs = started.elapsed().as_secs_f64();
        assert_eq!(written, rows);
        drop(store);

        // The real command: check everything, then write (a fresh process, as a user runs it).
        let url = fresh_sqlite(&dir, "import.db");
        let started = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_linkwork")).args(["import", "bundle", folder.to_str().unwrap(), "--database", &url]).output().unwrap();
        let import_secs = started.elapsed().as_secs_f64();
        assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        println!("run {run}: raw {raw_secs:>6.2} s, import {import_secs:>6.2} s, ratio {:.2}", raw_secs / import_secs);
        raw_times.push(raw_secs);
        import_times.push(import_secs);
    }
    let (raw_secs, import_secs) = (median(&mut raw_times), median(&mut import_times));
    println!("raw batched insert:       {:>8.2} s  {:>9.0} rows/s (median of {runs})", raw_secs, rows as f64 / raw_secs);
    println!("linkwork import bundle:   {:>8.2} s  {:>9.0} rows/s (median of {runs})", import_secs, rows as f64 / import_secs);
    println!("ratio (import / raw rate): {:.2}  (target ≥ 0.50)", raw_secs / import_secs);
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
