//! Bulk import and export of a whole service's history as the documented CSV bundle
//! (`docs/bundle.md`), for an operator on the server (`linkwork import bundle`, `linkwork export
//! bundle`). The shell reads and writes the files; here the rows meet the store, and who did it is
//! recorded: an export is a read of every person of the service, an import an event.

use crate::store::{AuditActor, BundleRowSink, BundleSource, ExistingIds, Org, ReadAudit, Store};
use crate::AppError;
use std::collections::HashMap;

/// Organisations, staff and questionnaires already stored (`people` left empty: see [`people_of`]).
pub async fn existing_ids(store: &dyn Store) -> Result<ExistingIds, AppError> {
    Ok(store.existing_ids().await?)
}

/// Fills `existing.people` with the people the bundle's `services` already hold, and returns how
/// many people hold each (service, NHS number) identity key, so a bundle cannot give a held NHS
/// number to someone else.
pub async fn people_of(store: &dyn Store, existing: &mut ExistingIds, services: &[String]) -> Result<HashMap<(String, String), u64>, AppError> {
    existing.people = store.existing_people(services).await?;
    Ok(store.identity_keys(services).await?)
}

/// Writes every row `source` gives in one transaction (all or nothing); returns the rows written.
/// Record it with [`record_import`] once the source has finished.
pub async fn import(store: &dyn Store, source: &mut (dyn BundleSource + Send)) -> Result<u64, AppError> {
    Ok(store.import_bundle(source).await?)
}

/// Records in the audit trail that `who` imported the bundle named `source` (its manifest's source).
pub async fn record_import(store: &dyn Store, who: &AuditActor, source: &str) -> Result<(), AppError> {
    Ok(store.record_event(who, "bundle.import", "bundle", source, None).await?)
}

/// Streams the records of `service` to `sink` and records the export as a read of every person
/// of the service by `who` (pseudonymised ones too: they are still personal data).
pub async fn export(store: &dyn Store, who: &AuditActor, service: &Org, pseudonymised: bool, sink: &mut (dyn BundleRowSink + Send)) -> Result<(), AppError> {
    store.export_bundle(&service.id, sink).await?;
    let people = store.existing_people(std::slice::from_ref(&service.id)).await?.into_values();
    let action = if pseudonymised { "bundle.export_pseudonymised" } else { "bundle.export" };
    Ok(store.record_read(who, &ReadAudit::list(action, &service.id, people)).await?)
}
