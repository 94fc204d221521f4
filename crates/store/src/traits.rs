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
pub trait Store: AdminStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore + IntakeStore + TeamStore + CommunityStore {}
impl<T: AdminStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore + IntakeStore + TeamStore + CommunityStore> Store for T {}

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
    /// Like [`CaseworkStore::create_referral`], remembering the organisation that referred (a GP
    /// practice or VCSE organisation) so its staff can follow the referral's status.
    async fn create_referral_from(&self, who: &AuditActor, referral: &NewReferral, referred_by_org_id: Option<&str>) -> Result<String>;
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

/// Referrals that arrive without an NHS number (self and VCSE), and what referrers may see.
#[async_trait]
pub trait IntakeStore: Send + Sync {
    /// Stores an incoming referral; returns its id and the reference shown to the referrer.
    async fn create_incoming(&self, who: &AuditActor, incoming: &NewIncoming, reference: &str) -> Result<String>;
    async fn incoming(&self, id: &str) -> Result<Option<Incoming>>;
    /// Incoming referrals of a service still waiting for triage, oldest first.
    async fn pending_incoming(&self, service_org_id: &str) -> Result<Vec<Incoming>>;
    /// Incoming referrals made by an organisation (a VCSE partner's own), newest first.
    async fn incoming_from(&self, referred_by_org_id: &str) -> Result<Vec<Incoming>>;
    /// Turns a pending incoming referral into a referral, in one transaction.
    async fn convert_incoming(&self, who: &AuditActor, incoming_id: &str, referral: &NewReferral) -> Result<String>;
    async fn decline_incoming(&self, who: &AuditActor, incoming_id: &str, reason: &str) -> Result<()>;
    /// Referrals an organisation (a GP practice) made, newest first: status only.
    async fn referrals_from(&self, referred_by_org_id: &str) -> Result<Vec<ReferrerView>>;
}

/// Triage, caseload management, MDT meetings and search.
#[async_trait]
pub trait TeamStore: Send + Sync {
    async fn add_attempt(&self, who: &AuditActor, referral_id: &str, attempt: &NewAttempt) -> Result<String>;
    /// Attempts that did not reach the person.
    async fn unsuccessful_attempts(&self, referral_id: &str) -> Result<usize>;
    /// Declines `duplicate_id` as a duplicate of `into_id` and copies its needs across.
    async fn merge_duplicate(&self, who: &AuditActor, duplicate_id: &str, into_id: &str) -> Result<()>;
    /// Keeps a referral flagged as a possible duplicate as a separate episode.
    async fn clear_duplicate(&self, who: &AuditActor, referral_id: &str) -> Result<()>;
    async fn reassign(&self, who: &AuditActor, referral_id: &str, worker_id: &str) -> Result<()>;
    async fn set_goal_status(&self, who: &AuditActor, referral_id: &str, goal_id: &str, status: linkwork_domain::plan::GoalStatus) -> Result<()>;
    async fn workloads(&self, service_org_id: &str, today: Date) -> Result<Vec<WorkerLoad>>;
    async fn create_mdt(&self, who: &AuditActor, meeting: &NewMdtMeeting) -> Result<String>;
    async fn mdt_meetings(&self, service_org_id: &str) -> Result<Vec<MdtMeeting>>;
    /// People of a service matching a name, NHS number or date of birth.
    async fn search_people(&self, service_org_id: &str, query: &PersonQuery) -> Result<Vec<PersonMatch>>;
    /// A person's referrals, newest first (ids only; records are read one by one, audited).
    async fn referrals_of_person(&self, person_id: &str) -> Result<Vec<ReferralHeader>>;
}

/// Link workers' community work.
#[async_trait]
pub trait CommunityStore: Send + Sync {
    async fn add_community_activity(&self, activity: &NewCommunityActivity) -> Result<String>;
    /// A service's community activities from `from` on, newest first.
    async fn community_activities(&self, service_org_id: &str, from: Date) -> Result<Vec<CommunityActivity>>;
    /// Per link worker of the service: community and contact minutes between `from` and `to`.
    async fn worker_time(&self, service_org_id: &str, from: Date, to: Date) -> Result<Vec<WorkerTime>>;
}
