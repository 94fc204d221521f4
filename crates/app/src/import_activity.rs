//! Bulk import of health-system activity (GP-system and hospital extracts, one row per contact):
//! the use case `linkwork import activity` (and the manager's upload page) share.
//!
//! The file is parsed by [`linkwork_domain::interop::import::activity_csv`] (layout in
//! `docs/import-activity.md`). Each row's NHS number is then looked up among the service's
//! people: rows for people the service does not know are *not* problems (an extract often covers
//! a whole practice list) but are left out and reported by line. Then, as for referrals:
//!
//! - any problem and no `skip_bad_rows`: nothing is written, every problem is reported;
//! - `skip_bad_rows`: the good rows are written and the skipped lines listed;
//! - `dry_run` never writes;
//! - the write is one transaction; contacts already stored (same person, date, type, source and
//!   occurrence) are counted as already recorded, so importing a file again adds nothing.
//!
//! Only service managers import activity: it is health data about many people at once.

use crate::clock::today;
use crate::import::{ImportMode, RowProblem};
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_domain::interop::import::activity_csv;
use linkwork_store::{AuditActor, NewHealthActivity, Store};
use std::collections::HashMap;

/// What an activity import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ActivityImportReport {
    /// Contact rows in the file (empty lines are not counted).
    pub rows_read: usize,
    /// Rows with no problem, for people the service knows: what was (or would be) imported.
    pub ready: usize,
    /// Contacts written.
    pub imported: usize,
    /// Contacts already stored by an earlier import, so not written again.
    pub already_recorded: usize,
    /// Lines whose NHS number is not one of the service's people (left out, not an error).
    pub unknown_people: Vec<u64>,
    /// With `skip_bad_rows`: the problems of the rows left out.
    pub skipped: Vec<RowProblem>,
    /// Problems that stopped the import: nothing was written.
    pub problems: Vec<RowProblem>,
    pub written: bool,
}

impl ActivityImportReport {
    pub fn skipped_lines(&self) -> Vec<u64> {
        let mut lines: Vec<u64> = self.skipped.iter().map(|p| p.line).collect();
        lines.dedup();
        lines
    }

    /// Whether the import failed as a whole (the CLI exits non-zero then).
    pub fn failed(&self) -> bool {
        !self.problems.is_empty()
    }
}

/// Service managers of their own service only.
pub fn require_manager(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::Manager {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Imports the contacts in `csv` for the actor's service (a PCN). See the module documentation.
pub async fn import_activity(
    store: &dyn Store,
    actor: &Actor,
    who: &AuditActor,
    csv: &[u8],
    mode: ImportMode,
) -> Result<ActivityImportReport, AppError> {
    require_manager(actor)?;
    let parsed = match activity_csv::parse(csv, today()) {
        Ok(parsed) => parsed,
        Err(file_error) => {
            return Ok(ActivityImportReport {
                problems: vec![file_error.to_problem()],
                ..ActivityImportReport::default()
            })
        }
    };
    let people: HashMap<String, String> = store
        .service_people_by_nhs(&actor.org_id)
        .await?
        .into_iter()
        .collect();

    let mut report = ActivityImportReport {
        rows_read: parsed.rows.len(),
        ..ActivityImportReport::default()
    };
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for row in parsed.rows {
        match row.result {
            Ok(r) => match people.get(r.nhs_number.as_str()) {
                Some(person_id) => good.push(NewHealthActivity {
                    person_id: person_id.clone(),
                    contact_on: r.contact_on,
                    contact_type: r.contact_type,
                    bed_days: r.bed_days,
                    source: r.source,
                    occurrence: r.occurrence,
                }),
                None => report.unknown_people.push(row.line),
            },
            Err(problems) => bad.extend(problems),
        }
    }
    if !bad.is_empty() && !mode.skip_bad_rows {
        report.problems = bad;
        return Ok(report);
    }
    report.skipped = bad;
    report.ready = good.len();
    if mode.dry_run || good.is_empty() {
        return Ok(report);
    }
    let write = store.add_health_activity(who, &actor.org_id, &good).await?;
    report.imported = write.added;
    report.already_recorded = write.already_recorded;
    report.written = write.added > 0;
    tracing::info!(service = %actor.org_id, imported = report.imported, already = report.already_recorded, unknown = report.unknown_people.len(), "health activity imported");
    Ok(report)
}
