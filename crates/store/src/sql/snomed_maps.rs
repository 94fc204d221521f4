//! A service's SNOMED CT mappings (`linkwork_domain::interop::snomed_maps`): each kept whole, in
//! its text form, one row per service in its own table; written only after parsing, so a row
//! that does not parse back was changed outside Linkwork.

use super::{audit, Audit, SqlStore};
use crate::{AuditActor, Result, StoreError};
use linkwork_domain::interop::snomed_maps::SnomedMapping;

/// Where a mapping is kept, and the audit action that changes it.
#[derive(Clone, Copy)]
pub(super) struct Kept {
    table: &'static str,
    action: &'static str,
}

pub(super) const NEEDS: Kept = Kept { table: "snomed_need_maps", action: "snomed_need_map.update" };
pub(super) const SCORES: Kept = Kept { table: "snomed_score_maps", action: "snomed_score_map.update" };

/// The service's mapping; empty when it has none.
pub(super) async fn read<M: SnomedMapping>(store: &SqlStore, kept: Kept, service_org_id: &str) -> Result<M> {
    let text: Option<String> = sqlx::query_scalar(&format!("SELECT mappings FROM {} WHERE service_org_id = $1", kept.table)).bind(service_org_id).fetch_optional(&mut *store.conn().await?).await?;
    text.map_or(Ok(M::default()), |t| M::parse(&t).map_err(|e| StoreError::Corrupt(format!("{}: {}", kept.table, e.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")))))
}

/// Replaces the service's mapping whole (an empty one removes it); audited.
pub(super) async fn write<M: SnomedMapping>(store: &SqlStore, who: &AuditActor, kept: Kept, service_org_id: &str, map: &M) -> Result<()> {
    let mut tx = store.write_tx().await?;
    sqlx::query(&format!("DELETE FROM {} WHERE service_org_id = $1", kept.table)).bind(service_org_id).execute(&mut **tx).await?;
    if !map.is_empty() {
        sqlx::query(&format!("INSERT INTO {} (service_org_id, mappings, updated_at) VALUES ($1, $2, $3)", kept.table))
            .bind(service_org_id)
            .bind(map.to_text())
            .bind(super::now())
            .execute(&mut **tx)
            .await?;
    }
    audit(&mut tx, who, Audit { action: kept.action, entity: "organisation", entity_id: service_org_id, person_id: None }).await?;
    tx.commit().await?;
    Ok(())
}
