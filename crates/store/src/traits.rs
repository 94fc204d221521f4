//! The storage traits the web and CLI shells program against.

use crate::model::*;
use crate::Result;
use async_trait::async_trait;
use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::evaluation::EvaluationInput;
use linkwork_domain::referral::ReferralStatus;
use time::{Date, OffsetDateTime};

/// Everything Linkwork stores. One object-safe trait (split by concern into supertraits) so the
/// shells hold an `Arc<dyn Store>` and are compiled once for both databases.
pub trait Store: AdminStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore {}
impl<T: AdminStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore> Store for T {}

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
    async fn audit_events(&self, person_id: &str) -> Result<Vec<AuditEvent>>;
    async fn count_audit_events(&self, action: &str) -> Result<i64>;
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, user: &NewUser) -> Result<String>;
    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>>;
    async fn users(&self, org_id: &str, role: Option<Role>) -> Result<Vec<User>>;
    async fn create_session(&self, token_hash: &str, user_id: &str, csrf_token: &str, expires_at: OffsetDateTime) -> Result<()>;
    /// The live session with this token hash, if it has not expired and its user is active.
    async fn session(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<Session>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn create_api_token(&self, token_hash: &str, org_id: &str, role: Role, label: Option<&str>) -> Result<String>;
    async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>>;
}

#[async_trait]
pub trait DirectoryStore: Send + Sync {
    async fn create_service(&self, service: &NewService) -> Result<String>;
    async fn services(&self) -> Result<Vec<Service>>;
    async fn service(&self, id: &str) -> Result<Option<Service>>;
}

#[async_trait]
pub trait CaseworkStore: Send + Sync {
    /// Records a referral, creating the person or updating their details if the service already
    /// knows their NHS number. Returns the referral id.
    async fn create_referral(&self, who: &AuditActor, referral: &NewReferral) -> Result<String>;
    /// Records many referrals in one transaction: all of them, or none if any fails (bulk import).
    async fn create_referrals(&self, who: &AuditActor, referrals: &[NewReferral]) -> Result<Vec<String>>;
    async fn referral_header(&self, referral_id: &str) -> Result<Option<ReferralHeader>>;
    /// The referrals of a service, optionally only one link worker's, optionally only open ones.
    async fn caseload(&self, service_org_id: &str, worker_id: Option<&str>, open_only: bool) -> Result<Vec<CaseloadEntry>>;
    /// The whole record; writes a `referral.read` audit event.
    async fn referral_record(&self, who: &AuditActor, referral_id: &str) -> Result<Option<ReferralRecord>>;
    /// Moves a referral from `from` (the status the caller checked the change against).
    async fn change_referral(&self, who: &AuditActor, referral_id: &str, from: ReferralStatus, change: &ReferralChange) -> Result<()>;
    async fn record_conversation(&self, who: &AuditActor, referral_id: &str, conversation: &NewConversation) -> Result<String>;
    async fn add_contact(&self, who: &AuditActor, referral_id: &str, contact: &NewContact) -> Result<String>;
    async fn add_measure(&self, who: &AuditActor, referral_id: &str, measure: &NewMeasure) -> Result<String>;
    async fn create_onward(&self, who: &AuditActor, referral_id: &str, service_id: &str, sent_on: Date, note: Option<&str>) -> Result<String>;
}

#[async_trait]
pub trait PartnerStore: Send + Sync {
    /// Onward referrals to services run by `provider_org_id`, newest first.
    async fn partner_referrals(&self, provider_org_id: &str) -> Result<Vec<PartnerReferral>>;
    async fn partner_referral(&self, onward_id: &str) -> Result<Option<PartnerReferral>>;
    async fn change_onward(&self, who: &AuditActor, onward_id: &str, change: &OnwardChange) -> Result<()>;
}

#[async_trait]
pub trait EvaluationStore: Send + Sync {
    /// The facts the evaluation needs for the given services (PCNs), for referrals up to `to`.
    async fn evaluation_input(&self, scope_name: &str, service_org_ids: &[String], to: Date) -> Result<EvaluationInput>;
}
