//! `linkwork import referrals`: bulk import of referrals from a CSV file, through the same use case
//! as the upload page (`linkwork_app::import::import_referrals`). The file layout and rules are in
//! `docs/import-referrals.md`.
//!
//! The command acts for the service (PCN) named by `--org` with a service manager's rights, as no
//! user: the audit trail records each referral's creation with the organisation only (no user or
//! token id), which is how an import from the command line can be told apart from one made on the
//! upload page.

use crate::commands::DatabaseArgs;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use crate::detail::Detailed;
use linkwork_domain::access::{Actor, Role};
use linkwork_app::store::AuditActor;
use linkwork_app::import::{ImportMode, ImportReport};
use linkwork_app::AppError;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import referrals from a CSV file (a GP system's export). One problem stops the whole import
    /// unless --skip-bad-rows; see docs/import-referrals.md for the columns.
    Referrals(ReferralsArgs),
    /// Import a community directory published in Open Referral UK 3.0 format: a saved /services
    /// page, service records, or a folder of them. Importing again updates, never duplicates; see
    /// docs/oruk.md.
    Oruk(crate::import_oruk::OrukArgs),
    /// Import health-system activity (GP-system or hospital extracts, one row per contact) for the
    /// service's people; importing again adds nothing twice. See docs/import-activity.md.
    Activity(crate::import_activity::ActivityArgs),
    /// Import a comparison extract from the GP system: registered patients of the service's
    /// practices who were not referred (pseudonymised) and their contacts, for the evaluation's
    /// matched comparison group. Importing again adds nothing twice. See docs/import-comparison.md.
    Comparison(crate::import_comparison::ComparisonArgs),
    /// Import the ONS National Statistics Postcode Lookup (NSPL): postcode → 2011 LSOA, for
    /// deprivation. Streams the 1 GB file; importing again updates. See docs/import-reference-data.md.
    Postcodes(crate::import_equity::ReferenceArgs),
    /// Import File 7 of the English Indices of Deprivation 2019: each LSOA's IMD decile.
    Imd(crate::import_equity::ReferenceArgs),
    /// Import practices' registered list make-up (age band, sex, ethnicity, IMD quintile), the
    /// expected shares for the equity section; NHS Digital's list files are accepted too (give the
    /// male and female single-year-of-age files together).
    ListProfile(crate::import_equity::ListProfileArgs),
    /// Import a whole service's history from a bundle folder (docs/bundle.md): everything is
    /// checked first and nothing is written if anything is wrong; importing again updates, never duplicates.
    Bundle(crate::bundle::ImportBundleArgs),
}

#[derive(Args)]
pub struct ReferralsArgs {
    /// The CSV file (UTF-8, header row first).
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN) the referrals are for: its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// Check the file and list its problems without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the rows without problems and list the lines left out (otherwise one problem stops the import).
    #[arg(long)]
    pub skip_bad_rows: bool,
}

pub async fn run(command: ImportCommand) -> anyhow::Result<()> {
    let args = match command {
        ImportCommand::Referrals(args) => args,
        ImportCommand::Oruk(args) => return crate::import_oruk::run(args).await,
        ImportCommand::Activity(args) => return crate::import_activity::run(args).await,
        ImportCommand::Comparison(args) => return crate::import_comparison::run(args).await,
        ImportCommand::Bundle(args) => return crate::bundle::import(args).await,
        ImportCommand::Postcodes(args) => return crate::import_equity::postcodes(args).await,
        ImportCommand::Imd(args) => return crate::import_equity::imd(args).await,
        ImportCommand::ListProfile(args) => return crate::import_equity::list_profile(args).await,
    };
    let csv = std::fs::read(&args.file).with_context(|| format!("could not read {}", args.file.display()))?;
    let store = crate::commands::open(&args.db.database).await?;
    let pcn = linkwork_app::service_settings::find_service(&*store, &args.org).await.detailed()?;
    let actor = Actor { org_id: pcn.id.clone(), role: Role::Manager };
    let who = AuditActor { org_id: Some(pcn.id.clone()), ..AuditActor::default() };
    let mode = ImportMode { dry_run: args.dry_run, skip_bad_rows: args.skip_bad_rows };

    // Drawn on standard error, and only when it is a terminal.
    let progress = ProgressBar::new(csv.len() as u64).with_message("Checking");
    progress.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({elapsed})").unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> "));
    let total = csv.len() as u64;
    let on_progress = |bytes: u64| {
        progress.set_position(bytes);
        if bytes >= total && !mode.dry_run {
            progress.set_message("Checked; saving");
        }
    };
    let result = linkwork_app::import::import_referrals_with_progress(&*store, &actor, &who, &csv, mode, &on_progress).await;
    progress.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(AppError::Internal(detail)) => bail!("the database refused the import, so nothing was imported: {detail}"),
        Err(e) => bail!("{e}"),
    };
    for problem in report.problems.iter().chain(&report.skipped) {
        println!("{problem}");
    }
    println!("{}", summary(&report, mode, &pcn.name));
    if report.failed() {
        bail!("nothing was imported");
    }
    Ok(())
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn lines(report: &ImportReport) -> String {
    let lines: Vec<String> = report.skipped_lines().iter().map(u64::to_string).collect();
    const SHOWN: usize = 20;
    if lines.len() > SHOWN {
        format!("lines {} and {} more", lines[..SHOWN].join(", "), lines.len() - SHOWN)
    } else {
        format!("{} {}", if lines.len() == 1 { "line" } else { "lines" }, lines.join(", "))
    }
}

/// One line saying what happened.
fn summary(report: &ImportReport, mode: ImportMode, service: &str) -> String {
    if !report.problems.is_empty() {
        let bad = {
            let mut lines: Vec<u64> = report.problems.iter().map(|p| p.line).collect();
            lines.dedup();
            lines.len()
        };
        if report.rows_read == 0 {
            return "Nothing imported: the file cannot be read as referrals.".to_owned();
        }
        let good = report.rows_read.saturating_sub(bad);
        let hint = if good > 0 { format!(", or use --skip-bad-rows to import the other {}", count(good, "row", "rows")) } else { String::new() };
        return format!("Nothing imported: {} in {bad} of {}. Fix the file and run again{hint}.", count(report.problems.len(), "problem", "problems"), count(report.rows_read, "row", "rows"));
    }
    let skipped = report.skipped_lines().len();
    let skipped_text = if skipped > 0 { format!(", skipped {} with problems ({})", count(skipped, "row", "rows"), lines(report)) } else { String::new() };
    if mode.dry_run {
        let would_skip = if skipped > 0 { format!(" and {} would be skipped ({})", count(skipped, "row", "rows"), lines(report)) } else { String::new() };
        format!("Check only: {} would be imported into {service}{would_skip}. Nothing was written.", count(report.ready, "referral", "referrals"))
    } else if report.imported == 0 {
        format!("Nothing imported into {service}{skipped_text}.")
    } else {
        format!("Imported {} into {service}{skipped_text}.", count(report.imported, "referral", "referrals"))
    }
}
