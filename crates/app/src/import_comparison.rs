//! Import of a comparison extract: registered patients of the service's practices who were not
//! referred (pseudonymised by the GP system) and their contacts, the comparison group of the
//! evaluation. The use case `linkwork import comparison` goes through; layout in
//! `docs/import-comparison.md`.
//!
//! As for the other imports: every problem is listed by file, line and column, and nothing is
//! written if any row has one, unless `skip_bad_rows` (then the good rows are written and the
//! others listed); `dry_run` never writes; the write is one transaction; importing the same
//! extract again adds nothing twice (a person already stored gets the extract's practice, age
//! band, sex and LSOA, and is counted as updated). Only service managers import it.

use crate::clock::today;
use crate::import::ImportMode;
use crate::import_activity::require_manager;
use crate::AppError;
use linkwork_domain::access::{Actor, OrgKind};
use linkwork_domain::interop::import::comparison_csv::{self, RowProblem};
use linkwork_store::{AuditActor, NewComparisonContact, NewComparisonPerson, Store};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// A problem in one of the two files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileProblem {
    /// `people` or `activity`.
    pub file: &'static str,
    pub problem: RowProblem,
}

/// `people file line 7, column sex: …`
impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} file {}", self.file, self.problem)
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ComparisonImportReport {
    pub people_read: usize,
    pub contacts_read: usize,
    /// Rows without problems: what was (or would be) imported.
    pub people_ready: usize,
    pub contacts_ready: usize,
    pub people_added: usize,
    pub people_updated: usize,
    pub contacts_added: usize,
    pub contacts_already_recorded: usize,
    /// With `skip_bad_rows`: the problems of the rows left out.
    pub skipped: Vec<FileProblem>,
    /// Problems that stopped the import: nothing was written.
    pub problems: Vec<FileProblem>,
    pub written: bool,
}

impl ComparisonImportReport {
    pub fn failed(&self) -> bool {
        !self.problems.is_empty()
    }
}

fn in_file(file: &'static str) -> impl Fn(RowProblem) -> FileProblem {
    move |problem| FileProblem { file, problem }
}

/// Imports a comparison extract for the actor's service (a PCN). See the module documentation.
pub async fn import_comparison(store: &dyn Store, actor: &Actor, who: &AuditActor, people_csv: &[u8], activity_csv: &[u8], mode: ImportMode) -> Result<ComparisonImportReport, AppError> {
    require_manager(actor)?;
    let mut report = ComparisonImportReport::default();
    let people = comparison_csv::parse_people(people_csv).map_err(|e| e.to_problem());
    let contacts = comparison_csv::parse_activity(activity_csv, today()).map_err(|e| e.to_problem());
    let (people, contacts) = match (people, contacts) {
        (Ok(p), Ok(c)) => (p, c),
        (p, c) => {
            report.problems.extend(p.err().map(in_file("people")));
            report.problems.extend(c.err().map(in_file("activity")));
            return Ok(report);
        }
    };
    report.people_read = people.len();
    report.contacts_read = contacts.len();

    // The service's practices, by ODS code and by name (ignoring case).
    let mut practices: HashMap<String, String> = HashMap::new();
    for p in store.orgs(OrgKind::Practice, Some(&actor.org_id)).await? {
        if let Some(ods) = &p.ods_code {
            practices.insert(ods.to_lowercase(), p.id.clone());
        }
        practices.insert(p.name.to_lowercase(), p.id);
    }
    let mut bad = Vec::new();
    let mut good_people = Vec::new();
    for row in people {
        match row.result {
            Ok(p) => match practices.get(&p.practice.to_lowercase()) {
                Some(practice_id) => good_people.push(NewComparisonPerson { person_key: p.person_key, practice_id: practice_id.clone(), age: p.age, sex: p.sex, lsoa: p.lsoa }),
                None => bad.push(FileProblem { file: "people", problem: RowProblem::new(row.line, Some("practice"), format!("{:?} is not a practice of this service: use its ODS code or name", p.practice)) }),
            },
            Err(problems) => bad.extend(problems.into_iter().map(in_file("people"))),
        }
    }
    let keys: HashSet<&str> = good_people.iter().map(|p| p.person_key.as_str()).collect();
    let mut good_contacts = Vec::new();
    for row in contacts {
        match row.result {
            Ok(c) if keys.contains(c.person_key.as_str()) => good_contacts.push(NewComparisonContact { person_key: c.person_key, contact_on: c.contact_on, contact_type: c.contact_type, bed_days: c.bed_days, occurrence: c.occurrence }),
            Ok(_) => bad.push(FileProblem { file: "activity", problem: RowProblem::new(row.line, Some("person_key"), "This person is not in the people file (or their row there has a problem): every contact's person is listed there") }),
            Err(problems) => bad.extend(problems.into_iter().map(in_file("activity"))),
        }
    }
    if !bad.is_empty() && !mode.skip_bad_rows {
        report.problems = bad;
        return Ok(report);
    }
    report.skipped = bad;
    report.people_ready = good_people.len();
    report.contacts_ready = good_contacts.len();
    if mode.dry_run || good_people.is_empty() {
        return Ok(report);
    }
    let write = store.add_comparison_population(who, &actor.org_id, &good_people, &good_contacts).await?;
    report.people_added = write.people_added;
    report.people_updated = write.people_updated;
    report.contacts_added = write.contacts_added;
    report.contacts_already_recorded = write.contacts_already_recorded;
    report.written = write.people_added + write.people_updated + write.contacts_added > 0;
    tracing::info!(service = %actor.org_id, people = report.people_ready, contacts = report.contacts_added, "comparison extract imported");
    Ok(report)
}
