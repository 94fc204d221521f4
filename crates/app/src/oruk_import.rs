//! Importing a directory published in Open Referral UK format: the use case behind
//! `linkwork import oruk`. Each document (a saved `/services` page, a full service record, or an
//! array of them) is parsed by [`linkwork_domain::interop::import::oruk`]; then every record is written by
//! [`linkwork_store::OrukStore::upsert_oruk_service`], one transaction each, keyed by its ORUK
//! ids, so importing again updates and never duplicates. A record that cannot be imported is
//! skipped and reported with its file, JSON path and the reason; a database failure stops the
//! import (what was written before it stays, and is reported).

use linkwork_domain::interop::import::oruk::parse_document;
use linkwork_store::{Store, StoreError, Upserted};
use std::fmt;

/// A file (or anything else) to import: a name to report problems against, and its bytes.
#[derive(Debug, Clone)]
pub struct OrukDocument {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A skipped record, or a note about something left out of an imported one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrukProblem {
    pub file: String,
    /// JSON path in the file: `$`, `$[3]`, `$.contents[3].service_at_locations[0]`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for OrukProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.file, self.path, self.message)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct OrukImportReport {
    pub documents: usize,
    /// Service records found in the documents.
    pub records: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: Vec<OrukProblem>,
    pub notes: Vec<OrukProblem>,
    /// Set when the database failed and the import stopped.
    pub failed: Option<String>,
}

impl OrukImportReport {
    pub fn imported(&self) -> usize {
        self.created + self.updated + self.unchanged
    }
}

/// Imports `documents`, calling `progress(done, total)` after each record.
pub async fn import_oruk(store: &dyn Store, documents: &[OrukDocument], progress: &(dyn Fn(u64, u64) + Send + Sync)) -> OrukImportReport {
    let mut report = OrukImportReport { documents: documents.len(), ..OrukImportReport::default() };
    let mut found = Vec::new();
    for document in documents {
        let parsed = parse_document(&document.bytes);
        let problem = |path: String, message: String| OrukProblem { file: document.name.clone(), path, message };
        report.skipped.extend(parsed.skipped.into_iter().map(|s| problem(s.path, s.reason)));
        report.notes.extend(parsed.notes.into_iter().map(|n| problem(n.path, n.message)));
        found.extend(parsed.services.into_iter().map(|f| (document.name.clone(), f)));
    }
    // Records that only name their organisation's id come after those that describe it.
    found.sort_by_key(|(_, f)| f.record.organization.is_none());
    report.records = found.len();
    let total = found.len() as u64;
    for (done, (file, f)) in found.iter().enumerate() {
        match store.upsert_oruk_service(&f.record, &f.taxonomies).await {
            Ok(Upserted::Created) => report.created += 1,
            Ok(Upserted::Updated) => report.updated += 1,
            Ok(Upserted::Unchanged) => report.unchanged += 1,
            Err(StoreError::NotFound) => report.skipped.push(OrukProblem {
                file: file.clone(),
                path: f.path.clone(),
                message: format!("organization_id {:?} names no organization given with a service in this import or already in the directory", f.record.organization_id),
            }),
            Err(StoreError::Conflict(message)) => report.skipped.push(OrukProblem { file: file.clone(), path: f.path.clone(), message }),
            Err(e) => {
                report.failed = Some(format!("{file} {}: {e}", f.path));
                break;
            }
        }
        progress(done as u64 + 1, total);
    }
    report
}
