//! The database itself and the organisations in it: migrating, health checks, organisations
//! ([`AdminStore`]) and the one-time form keys that make every form save once ([`FormSubmissionStore`]).

pub mod model;
pub use model::*;

use crate::Result;
use crate::audit::AuditEvent;
use async_trait::async_trait;
use linkwork_domain::access::OrgKind;
use time::OffsetDateTime;

/// One-time form keys: every form is saved once, however often it is posted.
#[async_trait]
pub trait FormSubmissionStore: Send + Sync {
    /// Claims a key for the post about to be handled.
    async fn claim_form(&self, key_hash: &str, now: OffsetDateTime) -> Result<FormClaim>;
    /// Records where the post led (its redirect), for later posts of the same key.
    async fn finish_form(&self, key_hash: &str, location: &str) -> Result<()>;
    /// Frees a key whose post saved nothing (the form came back with errors), so it can be sent again.
    async fn release_form(&self, key_hash: &str) -> Result<()>;
}

#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Creates or upgrades the schema.
    async fn migrate(&self) -> Result<()>;
    /// Succeeds when the database answers.
    async fn ping(&self) -> Result<()>;
    /// Which database this is (`sqlite` or `postgres`), for logs and `/healthz`.
    fn backend(&self) -> &'static str;
    async fn create_org(&self, org: &NewOrg) -> Result<String>;
    async fn org(&self, id: &str) -> Result<Option<Org>>;
    /// Finds an organisation by id, ODS code or exact name (how CLI users name one).
    async fn find_org(&self, key: &str) -> Result<Option<Org>>;
    async fn orgs(&self, kind: OrgKind, parent_id: Option<&str>) -> Result<Vec<Org>>;
    /// The organisations of `kind` whose parent's parent is `grandparent_id` (an ICB's practices,
    /// through its PCNs), in one query: by their parent's name, then their own.
    async fn grandchild_orgs(&self, kind: OrgKind, grandparent_id: &str) -> Result<Vec<Org>>;
    async fn audit_events(&self, person_id: &str) -> Result<Vec<AuditEvent>>;
    async fn count_audit_events(&self, action: &str) -> Result<i64>;
}
