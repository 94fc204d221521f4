//! `linkwork import oruk`: imports a directory published in Open Referral UK 3.0 format — a saved
//! `/services` page, a full service record, a JSON array of them, or a folder of such `.json`
//! files (feeds are often pulled page by page and saved) — through the same use case the tests
//! drive (`linkwork_app::oruk_import`). Importing again updates and never duplicates; what is
//! skipped is listed with its file, JSON path and reason. See docs/oruk.md.

use crate::commands::DatabaseArgs;
use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use linkwork_app::oruk_import::{import_oruk, OrukDocument, OrukImportReport};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args)]
pub struct OrukArgs {
    /// A .json file (a saved /services page, a service record or an array of them), or a folder
    /// of such files (read with its subfolders, in name order).
    pub path: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

pub async fn run(args: OrukArgs) -> anyhow::Result<()> {
    let documents = read_documents(&args.path)?;
    let store = crate::commands::open(&args.db.database).await?;

    // Drawn on standard error, and only when it is a terminal.
    let progress = ProgressBar::new(0).with_message("Importing services");
    progress.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed})").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
    let started = Instant::now();
    let report = import_oruk(&*store, &documents, &|done, total| {
        progress.set_length(total);
        progress.set_position(done);
    })
    .await;
    progress.finish_and_clear();
    let elapsed = started.elapsed();

    for problem in &report.skipped {
        println!("skipped: {problem}");
    }
    for note in &report.notes {
        println!("note: {note}");
    }
    println!("{}", summary(&report, elapsed.as_secs_f64()));
    if let Some(detail) = &report.failed {
        bail!("the database refused a record, so the import stopped there (the records before it were imported): {detail}");
    }
    if report.imported() == 0 && !report.skipped.is_empty() {
        bail!("nothing could be imported");
    }
    Ok(())
}

/// The file, or every `.json` file under the folder, as documents named by their path.
fn read_documents(path: &Path) -> anyhow::Result<Vec<OrukDocument>> {
    let meta = std::fs::metadata(path).with_context(|| format!("could not read {}", path.display()))?;
    if meta.is_file() {
        let bytes = std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
        return Ok(vec![OrukDocument { name: path.display().to_string(), bytes }]);
    }
    let mut files = Vec::new();
    collect_json(path, &mut files).with_context(|| format!("could not read the folder {}", path.display()))?;
    files.sort();
    if files.is_empty() {
        bail!("there are no .json files in {}", path.display());
    }
    files
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(&file).with_context(|| format!("could not read {}", file.display()))?;
            Ok(OrukDocument { name: file.display().to_string(), bytes })
        })
        .collect()
}

fn collect_json(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json(&path, files)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            files.push(path);
        }
    }
    Ok(())
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line saying what happened.
fn summary(report: &OrukImportReport, seconds: f64) -> String {
    let skipped = if report.skipped.is_empty() { String::new() } else { format!("; {} skipped", report.skipped.len()) };
    format!(
        "Imported {} from {} in {seconds:.2} s: {} created, {} updated, {} unchanged{skipped}.",
        count(report.imported(), "service", "services"),
        count(report.documents, "file", "files"),
        report.created,
        report.updated,
        report.unchanged,
    )
}
