//! Bulk import of referrals from a CSV file (a GP system's export): the use case the upload page
//! and `linkwork import referrals` share.
//!
//! The file is parsed by [`linkwork_domain::interop::import::referrals_csv`] (column layout and messages are
//! documented there and in `docs/import-referrals.md`). Here the rows are checked against the
//! service: each `practice_ods` must be one of the importing PCN's practices, and a referral the
//! service already holds for the same NHS number and date is refused (so importing a file twice
//! does not double it). Then:
//!
//! - any problem and no `skip_bad_rows`: nothing is written, every problem is reported;
//! - `skip_bad_rows`: the good rows are written and the report lists each skipped line and why;
//! - a problem with the file itself (its header, an empty file) always writes nothing;
//! - `dry_run` never writes, and reports what a real run would do.
//!
//! The write is one call to [`linkwork_store::CaseworkStore::create_referrals`], one transaction: if
//! the database refuses any referral, none is written.

use crate::access::require_casework;
use crate::clock::today;
use crate::AppError;
use linkwork_domain::access::{Actor, OrgKind};
use linkwork_domain::interop::import::referrals_csv::{self, ParsedRow};
use linkwork_store::{AuditActor, NewReferral, Store};
use std::collections::{HashMap, HashSet};

pub use linkwork_domain::interop::import::referrals_csv::RowProblem;

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportMode {
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Import the rows without problems and report the others, instead of importing nothing.
    pub skip_bad_rows: bool,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Referral rows in the file (empty lines are not counted).
    pub rows_read: usize,
    /// Rows with no problem: what was imported, or in a dry run what would be (0 when problems
    /// block the whole file).
    pub ready: usize,
    /// Referrals written.
    pub imported: usize,
    /// With `skip_bad_rows`: the problems of the rows left out (every problem of each such row).
    pub skipped: Vec<RowProblem>,
    /// Problems that stopped the import: nothing was written because of them.
    pub problems: Vec<RowProblem>,
    /// Whether anything was written to the database.
    pub written: bool,
}

impl ImportReport {
    /// The distinct lines that were (or would be) skipped, in file order.
    pub fn skipped_lines(&self) -> Vec<u64> {
        let mut lines: Vec<u64> = self.skipped.iter().map(|p| p.line).collect();
        lines.dedup();
        lines
    }

    /// Whether the import failed as a whole: there were problems and nothing was (or, in a dry
    /// run, would be) imported. The CLI exits non-zero then.
    pub fn failed(&self) -> bool {
        !self.problems.is_empty() || (!self.skipped.is_empty() && self.ready == 0)
    }
}

/// Imports the referrals in `csv` into the actor's service (a PCN). See the module documentation.
pub async fn import_referrals(store: &dyn Store, actor: &Actor, who: &AuditActor, csv: &[u8], mode: ImportMode) -> Result<ImportReport, AppError> {
    import_referrals_with_progress(store, actor, who, csv, mode, &|_| {}).await
}

/// [`import_referrals`], calling `progress` with how many bytes of the file have been checked.
pub async fn import_referrals_with_progress(store: &dyn Store, actor: &Actor, who: &AuditActor, csv: &[u8], mode: ImportMode, progress: &(dyn Fn(u64) + Sync)) -> Result<ImportReport, AppError> {
    require_casework(actor)?;
    let parsed = match referrals_csv::parse_with_progress(csv, today(), &mut |bytes| progress(bytes)) {
        Ok(parsed) => parsed,
        Err(file_error) => return Ok(ImportReport { problems: vec![file_error.to_problem()], ..ImportReport::default() }),
    };

    let pcn_name = store.org(&actor.org_id).await?.map(|o| o.name).unwrap_or_else(|| "this service".to_owned());
    let practices: HashMap<String, String> = store
        .orgs(OrgKind::Practice, Some(&actor.org_id))
        .await?
        .into_iter()
        .filter_map(|p| Some((p.ods_code?.trim().to_ascii_uppercase(), p.id)))
        .collect();
    let known: HashSet<(String, time::Date)> = store.caseload(&actor.org_id, None, false).await?.into_iter().map(|e| (e.nhs_number.as_str().to_owned(), e.referred_on)).collect();

    let rows_read = parsed.rows.len();
    let mut good: Vec<NewReferral> = Vec::new();
    let mut bad: Vec<RowProblem> = Vec::new();
    for mut row in parsed.rows {
        check_against_service(&mut row, &pcn_name, &practices, &known);
        match row.result {
            Ok(r) => good.push(NewReferral {
                service_org_id: actor.org_id.clone(),
                practice_id: practices.get(&r.practice_ods).cloned(),
                person: r.person,
                source: r.source,
                referrer_name: r.referrer_name.into_string(),
                reason: r.reason,
                needs: r.needs,
                needs_to_confirm: false,
                referred_on: r.referred_on,
                assigned_worker_id: None,
                consent: Default::default(),
                contact: Default::default(),
            }),
            Err(problems) => bad.extend(problems),
        }
    }

    let mut report = ImportReport { rows_read, ..ImportReport::default() };
    if !bad.is_empty() && !mode.skip_bad_rows {
        report.problems = bad;
        return Ok(report);
    }
    report.skipped = bad;
    report.ready = good.len();
    if mode.dry_run || good.is_empty() {
        return Ok(report);
    }
    let ids = store.create_referrals(who, &good).await?;
    report.imported = ids.len();
    report.written = true;
    tracing::info!(service = %actor.org_id, imported = report.imported, skipped = report.skipped_lines().len(), "referrals imported");
    Ok(report)
}

/// The checks that need the service: the practice (in every row where it parsed, so a row's
/// problems are all reported at once), and a referral the service already holds.
fn check_against_service(row: &mut ParsedRow, pcn_name: &str, practices: &HashMap<String, String>, known: &HashSet<(String, time::Date)>) {
    if let Some(ods) = &row.practice_ods {
        if !practices.contains_key(ods) {
            let message = format!("{ods} is not the ODS code of a GP practice in {pcn_name}. Check the code, or ask an administrator to add the practice");
            row.add_problem(RowProblem::new(row.line, Some("practice_ods"), message));
        }
    }
    if let Ok(r) = &row.result {
        if known.contains(&(r.person.nhs_number.as_str().to_owned(), r.referred_on)) {
            let message = "A referral for this NHS number on this date is already recorded. The file may have been imported before: leave this row out, or choose to skip rows with problems";
            row.add_problem(RowProblem::new(row.line, Some("nhs_number"), message));
        }
    }
}
