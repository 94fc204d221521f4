//! `linkwork import activity`: health-system contacts (GP-system or hospital extracts) from a CSV
//! file, through the same use case as the manager's upload page
//! (`linkwork_app::import_activity`). The layout is in `docs/import-activity.md`.
//!
//! Like `import referrals`, the command acts for the service (PCN) named by `--org` with a
//! service manager's rights, as no user.

use crate::commands::DatabaseArgs;
use anyhow::{bail, Context};
use clap::Args;
use linkwork_domain::access::{Actor, Role};
use linkwork_app::store::AuditActor;
use crate::detail::Detailed;
use linkwork_app::import::ImportMode;
use linkwork_app::import_activity::ActivityImportReport;
use linkwork_app::AppError;
use std::path::PathBuf;

#[derive(Args)]
pub struct ActivityArgs {
    /// The CSV file (UTF-8, header row first): one row per contact.
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The service (PCN) the people belong to: its id, ODS code or exact name.
    #[arg(long)]
    pub org: String,
    /// Check the file and list its problems without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the rows without problems and list the lines left out (otherwise one problem stops the import).
    #[arg(long)]
    pub skip_bad_rows: bool,
}

pub async fn run(args: ActivityArgs) -> anyhow::Result<()> {
    let csv = std::fs::read(&args.file)
        .with_context(|| format!("could not read {}", args.file.display()))?;
    let store = crate::commands::open(&args.db.database).await?;
    let pcn = linkwork_app::service_settings::find_service(&*store, &args.org).await.detailed()?;
    let actor = Actor {
        org_id: pcn.id.clone(),
        role: Role::Manager,
    };
    let who = AuditActor {
        org_id: Some(pcn.id.clone()),
        ..AuditActor::default()
    };
    let mode = ImportMode {
        dry_run: args.dry_run,
        skip_bad_rows: args.skip_bad_rows,
    };
    let report = match linkwork_app::import_activity::import_activity(&*store, &actor, &who, &csv, mode).await {
        Ok(report) => report,
        Err(AppError::Internal(detail)) => {
            bail!("the database refused the import, so nothing was imported: {detail}")
        }
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

fn lines(lines: &[u64]) -> String {
    const SHOWN: usize = 20;
    let text: Vec<String> = lines.iter().take(SHOWN).map(u64::to_string).collect();
    let word = if lines.len() == 1 { "line" } else { "lines" };
    if lines.len() > SHOWN {
        format!("lines {} and {} more", text.join(", "), lines.len() - SHOWN)
    } else {
        format!("{word} {}", text.join(", "))
    }
}

/// What happened, one sentence a line.
fn summary(report: &ActivityImportReport, mode: ImportMode, service: &str) -> Vec<String> {
    if !report.problems.is_empty() {
        if report.rows_read == 0 {
            return vec!["Nothing imported: the file cannot be read as contacts.".to_owned()];
        }
        let mut bad: Vec<u64> = report.problems.iter().map(|p| p.line).collect();
        bad.dedup();
        let good = report.rows_read.saturating_sub(bad.len());
        let hint = if good > 0 {
            format!(
                ", or use --skip-bad-rows to import the other {}",
                count(good, "row", "rows")
            )
        } else {
            String::new()
        };
        return vec![format!(
            "Nothing imported: {} in {} of {}. Fix the file and run again{hint}.",
            count(report.problems.len(), "problem", "problems"),
            bad.len(),
            count(report.rows_read, "row", "rows")
        )];
    }
    let mut out = Vec::new();
    let skipped = report.skipped_lines();
    if mode.dry_run {
        out.push(format!(
            "Check only: {} would be imported into {service}. Nothing was written.",
            count(report.ready, "contact", "contacts")
        ));
    } else {
        let already = if report.already_recorded > 0 {
            format!(
                "; {} already recorded",
                count(report.already_recorded, "contact was", "contacts were")
            )
        } else {
            String::new()
        };
        out.push(format!(
            "Imported {} into {service}{already}.",
            count(report.imported, "contact", "contacts")
        ));
    }
    if !skipped.is_empty() {
        out.push(format!(
            "Skipped {} with problems ({}).",
            count(skipped.len(), "row", "rows"),
            lines(&skipped)
        ));
    }
    if !report.unknown_people.is_empty() {
        out.push(format!(
            "Left out {} for people {service} does not know ({}).",
            count(report.unknown_people.len(), "row", "rows"),
            lines(&report.unknown_people)
        ));
    }
    out
}
