//! The storage traits for privacy: the audit trail, identity and details history, consent, and
//! people's rights. Kept apart from `traits.rs` so each concern's surface stays small.

use crate::model::AuditActor;
use crate::model_privacy::*;
use crate::Result;
use async_trait::async_trait;
use time::Date;

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

/// Who a person is: identity conflicts raised by referrals, the history of every change to a
/// person's details, and corrections made on request.
#[async_trait]
pub trait IdentityStore: Send + Sync {
    /// The identity conflicts raised by one referral, oldest first.
    async fn referral_identity_conflicts(&self, referral_id: &str) -> Result<Vec<IdentityConflict>>;
    async fn identity_conflict(&self, conflict_id: &str) -> Result<Option<IdentityConflict>>;
    /// Settles an open conflict: keeps the held details, or applies the referral's (every change
    /// kept in the history). `StoreError::Conflict` if it was settled meanwhile.
    async fn resolve_identity_conflict(&self, who: &AuditActor, conflict_id: &str, resolution: linkwork_domain::identity::ConflictResolution) -> Result<()>;
    /// Every change to a person's details, oldest first.
    async fn person_changes(&self, person_id: &str) -> Result<Vec<PersonChange>>;
    /// The person's details as held (for a correction form); `None` for an unknown id.
    async fn person_details(&self, person_id: &str) -> Result<Option<(linkwork_domain::NhsNumber, linkwork_domain::identity::StoredDetails)>>;
    /// The latest referral of the person with this NHS number in the service that is still open
    /// or was made on or after `since` (a likely duplicate): (referral id, referred on, status).
    async fn likely_duplicate(&self, service_org_id: &str, nhs_number: &linkwork_domain::NhsNumber, since: time::Date) -> Result<Option<(String, time::Date, String)>>;
    /// For every person of these services: (service id, NHS number) → their
    /// `linkwork_domain::identity::identity_key`, so a bundle import can refuse rows that would
    /// give a held NHS number to someone else.
    async fn identity_keys(&self, service_org_ids: &[String]) -> Result<std::collections::HashMap<(String, String), u64>>;
    /// Applies `details` to the person, keeping each change with `source`; returns how many
    /// details changed.
    async fn correct_person(&self, who: &AuditActor, person_id: &str, details: &linkwork_domain::identity::HeldDetails, source: linkwork_domain::identity::DetailsSource) -> Result<usize>;
}

/// People's rights over their records: consent to share, restriction, erasure and retention.
#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Consents to share given for one referral (one per partner organisation).
    async fn sharing_consents(&self, referral_id: &str) -> Result<Vec<SharingConsent>>;
    /// A person's erasure and restriction state; `None` for an unknown id.
    async fn person_privacy(&self, person_id: &str) -> Result<Option<PersonPrivacy>>;
    /// Restricts the record (no changes until lifted), with the reason.
    async fn restrict_person(&self, who: &AuditActor, person_id: &str, reason: &str) -> Result<()>;
    async fn lift_restriction(&self, who: &AuditActor, person_id: &str) -> Result<()>;
    /// Removes the person's identity and everything written about them in words, keeping the
    /// de-identified rows the figures are computed from (docs/security.md, "Erasure"). One
    /// transaction; `StoreError::Conflict` if already erased.
    async fn erase_person(&self, who: &AuditActor, person_id: &str, ground: ErasureGround, reason: &str) -> Result<()>;
    /// The service's retention period in years, if set.
    async fn retention_years(&self, service_org_id: &str) -> Result<Option<i64>>;
    async fn set_retention_years(&self, who: &AuditActor, service_org_id: &str, years: i64) -> Result<()>;
    /// People of the service not yet erased whose referrals are all closed, the last one before `closed_before`.
    async fn retention_due(&self, service_org_id: &str, closed_before: Date) -> Result<Vec<String>>;
    /// Incoming referrals, health activity and evidence held about the person.
    async fn person_extras(&self, person_id: &str) -> Result<PersonExtras>;
    /// The ids of people with this NHS number, in every service (subject access from the command line).
    async fn people_by_nhs_number(&self, nhs_number: &linkwork_domain::NhsNumber) -> Result<Vec<PersonPrivacy>>;
}
