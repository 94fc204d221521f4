//! `linkwork import comparison`: a comparison extract from the GP system (registered patients who
//! were not referred, pseudonymised, and their contacts), through the same use case any other way
//! in would use (`linkwork_app::import_comparison`). The layout is in `docs/import-comparison.md`.
//!
//! Like `import activity`, the command acts for the service (PCN) named by `--org` with a service
//! manager's rights, as no user.

use crate::commands::DatabaseArgs;
use crate::detail::Detailed;
use anyhow::{bail, Context};
use clap::Args;
use linkwork_app::import::ImportMode;
use linkwork_app::import_comparison::ComparisonImportReport;
use linkwork_app::store::AuditActor;
use linkwork_app::AppError;
use linkwork_domain::access::{Actor, Role};
use std::path::PathBuf;

#[derive(Args)]
pub struct ComparisonArgs {
    /// The people file (CSV, UTF-8, header row first): one row per registered patient not referred.
    #[arg(long)]
    pub people: PathBuf,
    /// The contacts file (CSV): one row per GP or hospital contact of those people.
    #[arg(long)]
    pub activity: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN) whose practices the people are registered with: its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// Check the files and list their problems without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the rows without problems and list those left out (otherwise one problem stops the import).
    #[arg(long)]
    pub skip_bad_rows: bool,
}

pub async fn run(args: ComparisonArgs) -> anyhow::Result<()> {
    let read = |path: &PathBuf| std::fs::read(path).with_context(|| format!("could not read {}", path.display()));
    let (people, activity) = (read(&args.people)?, read(&args.activity)?);
    let store = crate::commands::open(&args.db.database).await?;
    let pcn = linkwork_app::service_settings::find_service(&*store, &args.org).await.detailed()?;
    let actor = Actor { org_id: pcn.id.clone(), role: Role::Manager };
    let who = AuditActor { org_id: Some(pcn.id.clone()), ..AuditActor::default() };
    let mode = ImportMode { dry_run: args.dry_run, skip_bad_rows: args.skip_bad_rows };
    let report = match linkwork_app::import_comparison::import_comparison(&*store, &actor, &who, &people, &activity, mode).await {
        Ok(report) => report,
        Err(AppError::Internal(detail)) => bail!("the database refused the import, so nothing was imported: {detail}"),
        Err(e) => bail!("{e}"),
    };
    for problem in report.problems.iter().chain(&report.skipped) {
        println!("{problem}");
    }
    for line in summary(&report, mode, &pcn.name) {
        println!("{line}");
    }
    if report.failed() {
        bail!("nothing was imported");
    }
    Ok(())
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What happened, one sentence a line.
fn summary(report: &ComparisonImportReport, mode: ImportMode, service: &str) -> Vec<String> {
    if !report.problems.is_empty() {
        let hint = if mode.skip_bad_rows { "" } else { ", or use --skip-bad-rows to import the rows without problems" };
        return vec![format!("Nothing imported: {}. Fix the files and run again{hint}.", count(report.problems.len(), "problem", "problems"))];
    }
    let mut out = Vec::new();
    if mode.dry_run {
        out.push(format!(
            "Check only: {} and {} would be imported into {service}. Nothing was written.",
            count(report.people_ready, "person", "people"),
            count(report.contacts_ready, "contact", "contacts")
        ));
    } else {
        out.push(format!(
            "Imported {} ({} already there, updated) and {} into {service}; {} already recorded.",
            count(report.people_added, "new person", "new people"),
            report.people_updated,
            count(report.contacts_added, "contact", "contacts"),
            count(report.contacts_already_recorded, "contact was", "contacts were")
        ));
    }
    if !report.skipped.is_empty() {
        out.push(format!("Skipped {} with problems (listed above).", count(report.skipped.len(), "problem row", "problem rows")));
    }
    out
}
