//! A service's history moved between the two databases with the real binary: the demo (plus the
//! settings it leaves at their defaults) on one database, `linkwork export bundle`, `linkwork
//! import bundle` into the other, and `linkwork export bundle` again. The second export must hold
//! exactly the first one's rows, file by file, once the first one's references are replaced by the
//! ids the import derives from them (docs/bundle.md, "References"); and the report must be the same.
//! These tests need both databases: run them through `scripts/with-postgres`.

use linkwork_domain::interop::bundle::spec::{self, Kind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::seeded;
use seeded::{seeded, today};

fn linkwork(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linkwork-bundle-across-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A new database of `backend` ("sqlite" or "postgres"); `None` when PostgreSQL is explicitly
/// skipped (`LINKWORK_SKIP_POSTGRES=1`; otherwise a missing server fails the test).
async fn fresh(backend: &str, dir: &Path) -> Option<String> {
    let url = linkwork_store::testing::fresh_database_urls(dir).await.into_iter().find(|(b, _)| *b == backend).map(|(_, url)| url);
    if url.is_none() {
        eprintln!("skipped: this test moves a bundle between SQLite and PostgreSQL, and PostgreSQL was skipped");
    }
    url
}

fn export(url: &str, folder: &Path) {
    let o = linkwork(&["export", "bundle", folder.to_str().unwrap(), "--database", url, "--org", "U12345"]);
    assert!(o.status.success(), "export from {url}: {}", text(&o.stderr));
}

fn import(folder: &Path, url: &str) {
    let o = linkwork(&["import", "bundle", folder.to_str().unwrap(), "--database", url]);
    assert!(o.status.success(), "import into {url}: {}{}", text(&o.stdout), text(&o.stderr));
}

/// The moved history: the source's export, the target's export after importing it, and the
/// databases' URLs.
struct Moved {
    source: String,
    target: String,
    first: PathBuf,
    second: PathBuf,
}

/// Seeds a `from` database, exports it, imports that into a new `to` database and exports again.
async fn move_history(from: &str, to: &str, dir: &Path) -> Option<Moved> {
    let (source, target) = (fresh(from, dir).await?, fresh(to, dir).await?);
    seeded(&source).await;
    let (first, second) = (dir.join("first"), dir.join("second"));
    export(&source, &first);
    import(&first, &target);
    export(&target, &second);
    Some(Moved { source, target, first, second })
}

fn manifest(folder: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap()).unwrap()
}

/// Each CSV file of a bundle as its header and its rows, sorted (the order of rows follows the
/// stored ids, which differ between the copies); with `derive`, the references (each file's own
/// keys, and references to other files) replaced by the ids importing the bundle stores for them.
use linkwork_domain::interop::bundle::is_natural_key;

fn csv_files(folder: &Path, derive: Option<&str>) -> BTreeMap<String, (Vec<String>, Vec<Vec<String>>)> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".csv") {
            continue;
        }
        let spec = spec::file(&name).unwrap_or_else(|| panic!("{name} is not a bundle file"));
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let kinds: Vec<Option<Kind>> = header.iter().map(|h| spec.column(h).map(|i| spec.columns[i].kind)).collect();
        let mut rows: Vec<Vec<String>> = reader
            .records()
            .map(|record| {
                record
                    .unwrap()
                    .iter()
                    .zip(&kinds)
                    .map(|(value, kind)| match (derive, kind) {
                        (Some(source), Some(Kind::Key)) if !value.is_empty() && !is_natural_key(spec.name) => linkwork_domain::interop::bundle::stored_id(source, spec.name, value),
                        (Some(source), Some(Kind::Ref(file))) if !value.is_empty() && !is_natural_key(file) => linkwork_domain::interop::bundle::stored_id(source, file, value),
                        _ => value.to_owned(),
                    })
                    .collect()
            })
            .collect();
        rows.sort();
        files.insert(name, (header, rows));
    }
    files
}

/// How values are compared: as written, or decimals by their value ("1" and "1.0" the same).
#[derive(Clone, Copy, PartialEq)]
enum Decimals {
    AsWritten,
    ByValue,
}

/// The second export must be the first one, file by file, with the references the import derived.
fn assert_same_files(moved: &Moved, decimals: Decimals) {
    let source_name = manifest(&moved.first)["source"].as_str().unwrap().to_owned();
    let expected = csv_files(&moved.first, Some(&source_name));
    let actual = csv_files(&moved.second, None);
    assert_eq!(expected.keys().collect::<Vec<_>>(), actual.keys().collect::<Vec<_>>(), "the same files are exported");
    assert!(expected.len() >= spec::files().len(), "the demo fills every file: {:?}", expected.keys());
    let mut problems = Vec::new();
    for (name, (header, rows)) in &expected {
        let (other_header, other_rows) = &actual[name];
        assert_eq!(header, other_header, "{name}: the same columns");
        assert_eq!(rows.len(), other_rows.len(), "{name}: the same number of rows");
        let spec = spec::file(name).unwrap();
        let same = |column: &str, a: &str, b: &str| match spec.column(column).map(|i| spec.columns[i].kind) {
            Some(Kind::Decimal(..)) if decimals == Decimals::ByValue => a.parse::<f64>().ok() == b.parse::<f64>().ok() && (a.is_empty() == b.is_empty()),
            _ => a == b,
        };
        let differing: Vec<String> = rows
            .iter()
            .zip(other_rows)
            .filter(|(a, b)| !header.iter().zip(a.iter().zip(b.iter())).all(|(column, (x, y))| same(column, x, y)))
            .take(3)
            .map(|(a, b)| format!("{name}:\n  first:  {}\n  second: {}", a.join(","), b.join(",")))
            .collect();
        problems.extend(differing);
    }
    assert!(problems.is_empty(), "rows differ after the move (at most 3 a file):\n{}", problems.join("\n"));
    let (first, second) = (manifest(&moved.first), manifest(&moved.second));
    for name in expected.keys() {
        assert_eq!(first["files"][name]["rows"], second["files"][name]["rows"], "{name}: the manifests count the same rows");
    }
}

/// The report's body as JSON, without when it was produced.
fn report(url: &str, dir: &Path) -> serde_json::Value {
    let out = dir.join(format!("report-{}.json", linkwork_store::new_id()));
    let o = linkwork(&["report", "--database", url, "--from", "2020-01-01", "--to", &today().to_string(), "--format", "json", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    json.as_object_mut().unwrap().remove("generated_at");
    json
}

/// The report of the source, with the stakeholder plan's stored ids replaced by those the import
/// derives, must be the target's, exactly (numbers to the last bit).
fn assert_same_report(moved: &Moved, dir: &Path) {
    let source_name = manifest(&moved.first)["source"].as_str().unwrap().to_owned();
    let mut original = report(&moved.source, dir);
    let copy = report(&moved.target, dir);
    let derive = |id: &mut serde_json::Value, file: &str| {
        if let Some(reference) = id.as_str() {
            *id = linkwork_domain::interop::bundle::stored_id(&source_name, file, reference).into();
        }
    };
    let plan = original["report"]["stakeholder_plan"].as_array_mut().expect("a stakeholder plan");
    assert!(!plan.is_empty(), "the demo has a stakeholder plan");
    for stakeholder in plan {
        derive(&mut stakeholder["id"], "stakeholders.csv");
        for statement in stakeholder["statements"].as_array_mut().into_iter().flatten() {
            derive(&mut statement["id"], "success_statements.csv");
        }
    }
    assert_eq!(original["report"], copy["report"], "the report differs after the move");
    assert_eq!(original["figures"], copy["figures"], "the figures differ after the move");
}

#[tokio::test]
async fn sqlite_history_imported_into_postgresql_exports_the_same_files() {
    let dir = temp_dir("sqlite-to-postgres-files");
    let Some(moved) = move_history("sqlite", "postgres", &dir).await else { return };
    assert_same_files(&moved, Decimals::AsWritten);
}

#[tokio::test]
async fn postgresql_history_imported_into_sqlite_exports_the_same_files() {
    let dir = temp_dir("postgres-to-sqlite-files");
    let Some(moved) = move_history("postgres", "sqlite", &dir).await else { return };
    assert_same_files(&moved, Decimals::AsWritten);
}

#[tokio::test]
async fn sqlite_history_imported_into_postgresql_gives_the_same_report() {
    let dir = temp_dir("sqlite-to-postgres-report");
    let Some(moved) = move_history("sqlite", "postgres", &dir).await else { return };
    assert_same_report(&moved, &dir);
}

#[tokio::test]
async fn postgresql_history_imported_into_sqlite_gives_the_same_report() {
    let dir = temp_dir("postgres-to-sqlite-report");
    let Some(moved) = move_history("postgres", "sqlite", &dir).await else { return };
    assert_same_report(&moved, &dir);
}

/// A bundle can multiply a table's rows a hundredfold: PostgreSQL's planner statistics are
/// refreshed as the import ends (`reltuples` is -1 for a table never analysed), so the report
/// read right after an import is planned on the rows the import wrote.
#[tokio::test]
async fn a_bundle_imported_into_postgresql_leaves_the_planner_statistics_current() {
    let dir = temp_dir("postgres-statistics");
    let Some(moved) = move_history("sqlite", "postgres", &dir).await else { return };
    let pool = sqlx::PgPool::connect(&moved.target).await.unwrap();
    let (rows, estimated): (i64, f32) = sqlx::query_as("SELECT (SELECT COUNT(*) FROM referrals), (SELECT reltuples FROM pg_class WHERE relname = 'referrals')").fetch_one(&pool).await.unwrap();
    assert!(rows > 0);
    assert_eq!(estimated as i64, rows, "the planner's estimate of the referrals imported");
}
