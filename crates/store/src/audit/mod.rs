//! The audit trail: who did what to whose record. [`AuditStore`] records reads and events in the
//! tamper-evident chain, verifies it and pages through it; [`AuditActor`] (who is acting) is what
//! every other context's writes take so each change writes its audit event in its transaction.

pub mod model;
pub use model::*;

use crate::Result;
use async_trait::async_trait;

/// The tamper-evident audit trail.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Records a read of personal data that the read itself did not record (lists, pages that
    /// show people, exports): one event naming every person shown.
    async fn record_read(&self, who: &AuditActor, read: &ReadAudit) -> Result<()>;
    /// Records an event that is not a read (an export, an account action) in the chain.
    async fn record_event(&self, who: &AuditActor, action: &str, entity: &str, entity_id: &str, person_id: Option<&str>) -> Result<()>;
    /// Walks the whole chain in order, from the first event; `anchor` is a (seq, hash) recorded
    /// earlier that must still be there. `progress` is told how many events were checked.
    async fn verify_audit_chain(&self, anchor: Option<(i64, String)>, progress: &(dyn Fn(u64) + Send + Sync)) -> Result<ChainReport>;
    /// A page of a service's audit trail, newest first: events about its people and events by
    /// its own staff and tokens.
    async fn audit_trail(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>>;
    /// Every event about one person (reads of their record and of lists that showed them), oldest first.
    async fn person_audit(&self, person_id: &str) -> Result<Vec<AuditEntry>>;
}
