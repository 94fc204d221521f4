//! Who a person is and their rights over their record: identity conflicts and the history of their
//! details ([`IdentityStore`]), how to reach them and the service ([`ContactStore`]), and consent to
//! share, restriction, erasure and retention ([`PrivacyStore`]).

pub mod model;
pub use model::*;

use crate::Result;
use crate::audit::AuditActor;
use async_trait::async_trait;
use time::Date;

/// How to reach people (`linkwork_domain::person::contact_details`), who may, and how the public reach
/// the service.
#[async_trait]
pub trait ContactStore: Send + Sync {
    /// The person's contact details as held (empty when none were recorded). Not audited: callers
    /// show them within a read they audit (a record, a partner's referral, the edit form).
    async fn contact_details(&self, person_id: &str) -> Result<linkwork_domain::person::contact_details::ContactDetails>;
    /// Replaces the person's contact details and, when given, their postcode (the address's), in
    /// one transaction: each change kept in their details history with `source`, audited as
    /// `person.contact_update`. Returns how many details changed (none: nothing is written).
    /// `NotFound` for an unknown or erased person.
    async fn set_contact_details(
        &self,
        who: &AuditActor,
        person_id: &str,
        details: &linkwork_domain::person::contact_details::ContactDetails,
        postcode: Option<&linkwork_domain::Postcode>,
        source: linkwork_domain::person::identity::DetailsSource,
    ) -> Result<usize>;
    /// Records that the person withdrew their consent to share with `org_id` on this referral
    /// (audited); `NotFound` when no standing consent was given.
    async fn withdraw_sharing_consent(&self, who: &AuditActor, referral_id: &str, org_id: &str, on: Date) -> Result<()>;
    /// How the public reach a link-worker service, if it said.
    async fn service_contact(&self, service_org_id: &str) -> Result<Option<linkwork_domain::person::contact_details::ServiceContact>>;
    async fn set_service_contact(&self, who: &AuditActor, service_org_id: &str, contact: &linkwork_domain::person::contact_details::ServiceContact) -> Result<()>;
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
    async fn resolve_identity_conflict(&self, who: &AuditActor, conflict_id: &str, resolution: linkwork_domain::person::identity::ConflictResolution) -> Result<()>;
    /// Every change to a person's details, oldest first.
    async fn person_changes(&self, person_id: &str) -> Result<Vec<PersonChange>>;
    /// The person's details as held (for a correction form); `None` for an unknown id.
    async fn person_details(&self, person_id: &str) -> Result<Option<(linkwork_domain::NhsNumber, linkwork_domain::person::identity::StoredDetails)>>;
    /// The latest referral of the person with this NHS number in the service that is still open
    /// or was made on or after `since` (a likely duplicate): (referral id, referred on, status).
    async fn likely_duplicate(&self, service_org_id: &str, nhs_number: &linkwork_domain::NhsNumber, since: time::Date) -> Result<Option<(String, time::Date, String)>>;
    /// For every person of these services: (service id, NHS number) → their
    /// `linkwork_domain::person::identity::identity_key`, so a bundle import can refuse rows that would
    /// give a held NHS number to someone else.
    async fn identity_keys(&self, service_org_ids: &[String]) -> Result<std::collections::HashMap<(String, String), u64>>;
    /// Applies `details` to the person, keeping each change with `source`; returns how many
    /// details changed.
    async fn correct_person(&self, who: &AuditActor, person_id: &str, details: &linkwork_domain::person::identity::HeldDetails, source: linkwork_domain::person::identity::DetailsSource) -> Result<usize>;
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
