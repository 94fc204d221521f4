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
pub trait Store: AdminStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore + IntakeStore + TeamStore + CommunityStore + LoopStore + OrukStore + PartnershipStore {}
impl<T: AdminStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore + IntakeStore + TeamStore + CommunityStore + LoopStore + OrukStore + PartnershipStore> Store for T {}

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

/// The closed loop of onward referrals: sending and answering with their history and
/// notifications in one transaction, the link worker's prompts, in-app notifications and the
/// e-mail outbox.
#[async_trait]
pub trait LoopStore: Send + Sync {
    /// Sends an onward referral (as [`CaseworkStore::create_onward`]: the referral, its `sent`
    /// event and audit) and creates `notify` in the same transaction. Returns the id.
    async fn send_onward(&self, who: &AuditActor, onward: &NewOnward, notify: &[NewNotification]) -> Result<String>;
    /// Applies a partner's change (as [`PartnerStore::change_onward`]: compare-and-set, event,
    /// audit) and creates `notify` in the same transaction; nothing is written on a conflict.
    async fn answer_onward(&self, who: &AuditActor, onward_id: &str, change: &OnwardChange, notify: &[NewNotification]) -> Result<()>;
    /// The history of one onward referral, oldest first.
    async fn onward_events(&self, onward_id: &str) -> Result<Vec<OnwardEvent>>;
    /// The history of every onward referral of a referral, oldest first.
    async fn referral_onward_events(&self, referral_id: &str) -> Result<Vec<OnwardEvent>>;
    async fn loop_onward(&self, onward_id: &str) -> Result<Option<LoopOnward>>;
    /// Every onward referral of a referral, oldest first.
    async fn referral_onward(&self, referral_id: &str) -> Result<Vec<LoopOnward>>;
    /// Onward referrals of a service's open referrals (optionally one link worker's, with the
    /// unassigned ones), oldest first: what the stuck and bounced rules look at.
    async fn service_onward(&self, service_org_id: &str, worker_id: Option<&str>) -> Result<Vec<LoopOnward>>;
    /// Onward referrals of open referrals still waiting for an answer, sent on or before `sent_on_or_before`.
    async fn waiting_onward(&self, sent_on_or_before: Date) -> Result<Vec<LoopOnward>>;
    /// Creates a notification and its e-mails in one transaction. With a `dedup_key` already
    /// used, creates nothing and returns false.
    async fn notify(&self, notification: &NewNotification) -> Result<bool>;
    /// Notifications for a user: their own and their organisation's shared ones, newest first.
    async fn notifications(&self, user_id: &str, org_id: &str, limit: i64) -> Result<Vec<Notification>>;
    async fn unread_notifications(&self, user_id: &str, org_id: &str) -> Result<i64>;
    /// Marks one notification (or, with `None`, all) of this user read; returns how many changed.
    async fn mark_notifications_read(&self, user_id: &str, org_id: &str, notification_id: Option<&str>) -> Result<u64>;
    /// E-mails in the outbox, oldest first: only those not yet sent with fewer than
    /// `max_attempts` attempts, or (with `pending_only` false) all.
    async fn outbox(&self, pending_only: bool, max_attempts: i64, limit: i64) -> Result<Vec<OutboxEmail>>;
    /// Claims an e-mail for one delivery attempt, if nobody else has since it was read with
    /// `seen_attempts` (several servers may drain one outbox); counts the attempt.
    async fn claim_email(&self, id: &str, seen_attempts: i64, retry_at: OffsetDateTime) -> Result<bool>;
    async fn email_sent(&self, id: &str, at: OffsetDateTime) -> Result<()>;
    async fn email_failed(&self, id: &str, error: &str, retry_at: OffsetDateTime) -> Result<()>;
}

/// The directory as Open Referral UK 3.0 sees it (docs/oruk.md): whole service records written by
/// an import, keyed by their ORUK ids, and the reads behind the public `/oruk` API (published
/// services only; never the link worker's [`ServiceProfile`]).
#[async_trait]
pub trait OrukStore: Send + Sync {
    /// Creates or updates a service record (its organisation, locations, schedules, phones and
    /// taxonomy terms, and the taxonomies described with them) in one transaction, keyed by the
    /// record's ids; says whether anything changed. Lists the record does not carry are kept.
    /// `StoreError::NotFound` when the record only names an `organization_id` that is unknown.
    async fn upsert_oruk_service(&self, record: &linkwork_domain::import::oruk::ServiceRecord, taxonomies: &[linkwork_domain::import::oruk::Taxonomy]) -> Result<Upserted>;
    /// Sets what a link worker knows about a service beyond the standard.
    async fn set_service_profile(&self, service_id: &str, profile: &ServiceProfile) -> Result<()>;
    /// A page of published services (one-to-one fields and organisation), by name.
    async fn oruk_services(&self, query: &OrukQuery) -> Result<Listing<linkwork_domain::import::oruk::ServiceRecord>>;
    /// A published service's whole record, by its published id.
    async fn oruk_service(&self, id: &str) -> Result<Option<linkwork_domain::import::oruk::ServiceRecord>>;
    /// A page of published services at their locations; nearest first with `query.near`.
    async fn oruk_service_at_locations(&self, query: &OrukQuery) -> Result<Listing<ServiceAtLocationItem>>;
    /// A published service at one of its locations, with the service's whole record.
    async fn oruk_service_at_location(&self, id: &str) -> Result<Option<ServiceAtLocationItem>>;
    async fn oruk_taxonomies(&self, page: linkwork_domain::directory::PageRequest) -> Result<Listing<linkwork_domain::import::oruk::Taxonomy>>;
    /// A taxonomy and all its terms.
    async fn oruk_taxonomy(&self, id: &str) -> Result<Option<(linkwork_domain::import::oruk::Taxonomy, Vec<linkwork_domain::import::oruk::TaxonomyTerm>)>>;
    async fn oruk_taxonomy_terms(&self, page: linkwork_domain::directory::PageRequest, taxonomy_id: Option<&str>) -> Result<Listing<linkwork_domain::import::oruk::TaxonomyTerm>>;
    async fn oruk_taxonomy_term(&self, id: &str) -> Result<Option<linkwork_domain::import::oruk::TaxonomyTerm>>;
    /// Where a postcode is, as the centre of the directory's locations there (a full, normalised
    /// postcode) or in that outward code (no space); `None` when none has coordinates.
    async fn postcode_centre(&self, postcode: &str) -> Result<Option<linkwork_domain::directory::Coordinates>>;
    /// Every service's location coordinates and schedule days (published or not), for search.
    async fn services_where_when(&self) -> Result<Vec<ServiceWhereWhen>>;
}

/// The facts the partnership reports (issue 4: partner feedback, gaps, network) are computed from.
#[derive(Debug, Clone, Default)]
pub struct PartnershipInput {
    /// Onward referrals made by the services, sent in the period.
    pub onward: Vec<linkwork_domain::partnership::OnwardFact>,
    /// Every service in the directory.
    pub services: Vec<linkwork_domain::partnership::ServiceFact>,
    /// Per referral received in the period: the needs identified (in conversation, else at referral).
    pub needs: Vec<(String, Vec<linkwork_domain::need::NeedDomain>)>,
    /// Referrals into the services from organisations: the referring organisation's name and the day.
    pub referred_in: Vec<(String, Date)>,
    /// Organisation id → name.
    pub org_names: std::collections::BTreeMap<String, String>,
    /// SWEMWBS measures of the services' referrals, taken up to the end of the period.
    pub measures: Vec<linkwork_domain::evaluation::MeasureFacts>,
}

#[async_trait]
pub trait PartnershipStore: Send + Sync {
    /// The partnership facts for the given services (PCNs) over `period`.
    async fn partnership_input(&self, service_org_ids: &[String], period: linkwork_domain::evaluation::Period) -> Result<PartnershipInput>;
}
