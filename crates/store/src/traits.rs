//! The storage traits the web and CLI shells program against.

use crate::model::*;
use crate::model_accounts::*;
use crate::Result;
use async_trait::async_trait;
use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::evaluation::EvaluationInput;
use linkwork_domain::referral::ReferralStatus;
use time::{Date, OffsetDateTime};

/// Everything Linkwork stores. One object-safe trait (split by concern into supertraits) so the
/// shells hold an `Arc<dyn Store>` and are compiled once for both databases.
pub trait Store: ContactStore + crate::traits_corrections::CorrectionStore + FormSubmissionStore + crate::traits_privacy::AuditStore + crate::traits_privacy::IdentityStore + crate::traits_privacy::PrivacyStore + BundleStore + AdminStore + ActivityStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore + IntakeStore + TeamStore + CommunityStore + LoopStore + OrukStore + PartnershipStore + StakeholderStore + MeasurementStore + EquityStore + WordCloudStore {}
impl<T: ContactStore + crate::traits_corrections::CorrectionStore + FormSubmissionStore + crate::traits_privacy::AuditStore + crate::traits_privacy::IdentityStore + crate::traits_privacy::PrivacyStore + BundleStore + AdminStore + ActivityStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore + IntakeStore + TeamStore + CommunityStore + LoopStore + OrukStore + PartnershipStore + StakeholderStore + MeasurementStore + EquityStore + WordCloudStore> Store for T {}

/// How to reach people (`linkwork_domain::contact_details`), who may, and how the public reach
/// the service.
#[async_trait]
pub trait ContactStore: Send + Sync {
    /// The person's contact details as held (empty when none were recorded). Not audited: callers
    /// show them within a read they audit (a record, a partner's referral, the edit form).
    async fn contact_details(&self, person_id: &str) -> Result<linkwork_domain::contact_details::ContactDetails>;
    /// Replaces the person's contact details and, when given, their postcode (the address's), in
    /// one transaction: each change kept in their details history with `source`, audited as
    /// `person.contact_update`. Returns how many details changed (none: nothing is written).
    /// `NotFound` for an unknown or erased person.
    async fn set_contact_details(
        &self,
        who: &AuditActor,
        person_id: &str,
        details: &linkwork_domain::contact_details::ContactDetails,
        postcode: Option<&linkwork_domain::Postcode>,
        source: linkwork_domain::identity::DetailsSource,
    ) -> Result<usize>;
    /// Records that the person withdrew their consent to share with `org_id` on this referral
    /// (audited); `NotFound` when no standing consent was given.
    async fn withdraw_sharing_consent(&self, who: &AuditActor, referral_id: &str, org_id: &str, on: Date) -> Result<()>;
    /// How the public reach a link-worker service, if it said.
    async fn service_contact(&self, service_org_id: &str) -> Result<Option<linkwork_domain::contact_details::ServiceContact>>;
    async fn set_service_contact(&self, who: &AuditActor, service_org_id: &str, contact: &linkwork_domain::contact_details::ServiceContact) -> Result<()>;
}

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
    async fn audit_events(&self, person_id: &str) -> Result<Vec<AuditEvent>>;
    async fn count_audit_events(&self, action: &str) -> Result<i64>;
}

/// Accounts, sessions, API tokens, password links and the sign-in lockout. Every change an
/// administrator (or the command line) makes writes its audit event in the same transaction.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, user: &NewUser) -> Result<String>;
    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>>;
    async fn users(&self, org_id: &str, role: Option<Role>) -> Result<Vec<User>>;
    /// One account by id.
    async fn user(&self, user_id: &str) -> Result<Option<User>>;
    /// Accounts for administrators, by name then e-mail, at most `filter.limit`.
    async fn list_users(&self, filter: &UserFilter) -> Result<Vec<UserSummary>>;
    /// Starts a session (and audits the sign-in); expired sessions of the user are removed.
    async fn create_session(&self, token_hash: &str, user_id: &str, csrf_token: &str, expires_at: OffsetDateTime) -> Result<()>;
    /// The live session with this token hash, if it has not expired and its user is active.
    async fn session(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<Session>>;
    /// Ends one session (signing out; audited).
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Ends every session of a user ("sign out everywhere"); returns how many ended.
    async fn end_sessions(&self, who: &AuditActor, user_id: &str) -> Result<u64>;
    /// Sessions of a user that have not expired at `now`.
    async fn live_sessions(&self, user_id: &str, now: OffsetDateTime) -> Result<i64>;
    /// Deactivates (ending every session) or reactivates an account; false if it already was so.
    async fn set_user_active(&self, who: &AuditActor, user_id: &str, active: bool) -> Result<bool>;
    /// Sets a password (from the command line), ends the user's sessions and spends their links.
    async fn set_password(&self, who: &AuditActor, user_id: &str, password_hash: &str) -> Result<()>;

    /// Stores a token that expires [`API_TOKEN_DEFAULT_DAYS`] from now.
    async fn create_api_token(&self, token_hash: &str, org_id: &str, role: Role, label: Option<&str>) -> Result<String> {
        let token = NewApiToken {
            token_hash: token_hash.to_owned(),
            org_id: org_id.to_owned(),
            role,
            label: label.map(str::to_owned),
            expires_at: OffsetDateTime::now_utc() + time::Duration::days(API_TOKEN_DEFAULT_DAYS),
        };
        self.issue_api_token(&AuditActor::default(), &token).await
    }
    /// Stores a token (audited); returns its id.
    async fn issue_api_token(&self, who: &AuditActor, token: &NewApiToken) -> Result<String>;
    /// The token with this hash if it is neither revoked nor expired now.
    async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        self.api_token_at(token_hash, OffsetDateTime::now_utc()).await
    }
    /// The token with this hash if it is neither revoked nor expired at `now`.
    async fn api_token_at(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<ApiToken>>;
    /// Tokens, newest first, optionally of one organisation.
    async fn api_tokens(&self, org_id: Option<&str>) -> Result<Vec<ApiTokenInfo>>;
    async fn api_token_info(&self, token_id: &str) -> Result<Option<ApiTokenInfo>>;
    /// Revokes a token (audited); false if it was already revoked, `NotFound` if there is none.
    async fn revoke_api_token(&self, who: &AuditActor, token_id: &str) -> Result<bool>;

    /// Creates an account with no password and its invitation link (for the new account: the
    /// link's `user_id` is not used), in one transaction; returns the new account's id.
    async fn invite_user(&self, who: &AuditActor, user: &NewUser, link: &NewPasswordLink) -> Result<String>;
    /// Stores a password link (and its e-mail in the outbox), replacing the user's unused ones.
    async fn create_password_link(&self, who: &AuditActor, link: &NewPasswordLink) -> Result<()>;
    /// The usable link with this hash.
    async fn password_link(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<PasswordLink>>;
    /// Spends a usable link (once, even under concurrent use): sets the password, ends the user's
    /// sessions and redacts the link's e-mail. `None` if the link
    /// is not usable.
    async fn use_password_link(&self, token_hash: &str, password_hash: &str, now: OffsetDateTime) -> Result<Option<User>>;

    /// Failed sign-ins since `since` for an account key, overall and from one address.
    async fn login_failures(&self, account_key: &str, client_address: &str, since: OffsetDateTime) -> Result<LoginFailureCounts>;
    /// Records a failed sign-in, forgetting those older than `forget_before`.
    async fn record_login_failure(&self, account_key: &str, client_address: &str, at: OffsetDateTime, forget_before: OffsetDateTime) -> Result<()>;
    /// Forgets the failures of an account key from one address (after a successful sign-in), or
    /// from every address (after a new password is set).
    async fn clear_login_failures(&self, account_key: &str, client_address: Option<&str>) -> Result<()>;

    /// The account linked to this OpenID Connect identity.
    async fn oidc_account_by_subject(&self, issuer: &str, subject: &str) -> Result<Option<OidcAccount>>;
    /// The account with this e-mail address, with the identity it is linked to.
    async fn oidc_account_by_email(&self, email: &str) -> Result<Option<OidcAccount>>;
    /// Links an account to an identity if it is linked to none yet; false otherwise.
    async fn link_oidc_identity(&self, user_id: &str, issuer: &str, subject: &str) -> Result<bool>;
}

#[async_trait]
pub trait DirectoryStore: Send + Sync {
    async fn create_service(&self, service: &NewService) -> Result<String>;
    async fn services(&self) -> Result<Vec<Service>>;
    async fn service(&self, id: &str) -> Result<Option<Service>>;
}

#[async_trait]
pub trait CaseworkStore: Send + Sync {
    /// Records a referral (from the link workers' form), creating the person, or matching the
    /// person the service holds under that NHS number (`linkwork_domain::identity`: details
    /// updated with history when the person matches, an identity conflict raised when not).
    /// Returns the referral id.
    async fn create_referral(&self, who: &AuditActor, referral: &NewReferral) -> Result<String>;
    /// Like [`CaseworkStore::create_referral`], remembering the organisation that referred (a GP
    /// practice or VCSE organisation) so its staff can follow the referral's status.
    /// `source` says where the person's details came from (for the details history).
    async fn create_referral_from(&self, who: &AuditActor, referral: &NewReferral, referred_by_org_id: Option<&str>, source: linkwork_domain::identity::DetailsSource) -> Result<String>;
    /// Records many referrals in one transaction: all of them, or none if any fails (bulk import).
    async fn create_referrals(&self, who: &AuditActor, referrals: &[NewReferral]) -> Result<Vec<String>>;
    async fn referral_header(&self, referral_id: &str) -> Result<Option<ReferralHeader>>;
    /// Referrals of a service: with `worker_id`, only that link worker's own (unassigned ones are in triage).
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
    /// Changes a goal's status (the change kept in the plan's history; nothing written when it is unchanged).
    async fn set_goal_status(&self, who: &AuditActor, referral_id: &str, goal_id: &str, status: linkwork_domain::plan::GoalStatus) -> Result<()>;
    /// Adds a goal to a referral's plan without a conversation, agreed on `agreed_on`; audited and kept in the plan's history.
    async fn add_goal(&self, who: &AuditActor, referral_id: &str, goal: &NewGoal, agreed_on: Date) -> Result<String>;
    /// One goal of a referral's plan.
    async fn goal(&self, referral_id: &str, goal_id: &str) -> Result<Option<Goal>>;
    /// Changes a goal's wording, review date and status in one transaction: refused with
    /// `Conflict` when the goal is no longer at `change.version`; each changed field kept in the
    /// plan's history; audited. Returns how many fields changed (none: nothing written).
    async fn change_goal(&self, who: &AuditActor, referral_id: &str, goal_id: &str, change: &GoalChange) -> Result<usize>;
    /// Agrees needs with the person (`add`) or withdraws that agreement (`remove`) without a
    /// conversation; the referrer's needs are kept as given. Kept in the plan's history; audited.
    async fn change_needs(&self, who: &AuditActor, referral_id: &str, add: &[linkwork_domain::need::NeedDomain], remove: &[linkwork_domain::need::NeedDomain]) -> Result<()>;
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

/// The stakeholder slice of the evaluation: link workers' own wellbeing check-ins.
#[async_trait]
pub trait StakeholderStore: Send + Sync {
    async fn add_check_in(&self, check_in: &crate::model_stakeholders::NewCheckIn) -> Result<String>;
    /// A link worker's own check-ins, newest first. Only ever shown to that link worker.
    async fn own_check_ins(&self, worker_id: &str) -> Result<Vec<crate::model_stakeholders::StoredCheckIn>>;
    async fn add_stakeholder(&self, stakeholder: &crate::model_stakeholders::NewStakeholder) -> Result<String>;
    /// A service's evaluation plan: its stakeholders (by name) with their statements (oldest first).
    async fn stakeholder_plan(&self, service_org_id: &str) -> Result<Vec<linkwork_domain::stakeholders::scorecard::Stakeholder>>;
    /// One stakeholder with its statements, only if it belongs to `service_org_id`.
    async fn stakeholder(&self, service_org_id: &str, stakeholder_id: &str) -> Result<Option<linkwork_domain::stakeholders::scorecard::Stakeholder>>;
    /// Adds a statement to a stakeholder of `service_org_id`; `StoreError::NotFound` otherwise.
    async fn add_success_statement(&self, service_org_id: &str, stakeholder_id: &str, statement: &crate::model_stakeholders::NewSuccessStatement) -> Result<String>;
    /// The id of the person with this NHS number in `service_org_id` (no record is read).
    async fn person_id_by_nhs_number(&self, service_org_id: &str, nhs_number: &linkwork_domain::NhsNumber) -> Result<Option<String>>;
    /// Records qualitative evidence (audited against the person when linked to one).
    async fn add_evidence(&self, who: &AuditActor, evidence: &crate::model_stakeholders::NewEvidence) -> Result<String>;
    /// A service's evidence items, newest first (no person's identifiers).
    async fn evidence_items(&self, service_org_id: &str) -> Result<Vec<crate::model_stakeholders::EvidenceItem>>;
    /// One item of `service_org_id` with the linked person's identifiers for anonymising; reading
    /// them writes an audit event.
    async fn evidence_for_review(&self, who: &AuditActor, service_org_id: &str, id: &str) -> Result<Option<(crate::model_stakeholders::EvidenceItem, linkwork_domain::stakeholders::evidence::KnownIdentifiers)>>;
    /// Approves `approved_text` (the anonymised text the manager read) for publication.
    /// `StoreError::NotFound` when the item is not the service's.
    async fn approve_evidence(&self, who: &AuditActor, service_org_id: &str, id: &str, approved_text: &str) -> Result<()>;
}

/// One open referral as the "Measures due" list sees it: who, the dates the schedule is read
/// against, and the measures already taken.
#[derive(Debug, Clone)]
pub struct OpenMeasureFacts {
    pub referral_id: String,
    pub person_id: String,
    pub given_name: String,
    pub family_name: String,
    pub worker_name: Option<String>,
    pub dates: linkwork_domain::schedule::ReferralDates,
    pub taken: Vec<linkwork_domain::schedule::TakenMeasure>,
}

/// Measurement (issue 5): each service's schedule of outcome measures, the facts of open referrals
/// the due/overdue list is computed from, and measures a person completed themselves.
#[async_trait]
pub trait MeasurementStore: Send + Sync {
    /// The service's schedule; `None` when it has not set one (callers use the default).
    async fn measurement_schedule(&self, service_org_id: &str) -> Result<Option<linkwork_domain::schedule::MeasurementSchedule>>;
    /// Replaces the service's schedule (audited, without a person).
    async fn set_measurement_schedule(&self, who: &AuditActor, service_org_id: &str, schedule: &linkwork_domain::schedule::MeasurementSchedule) -> Result<()>;
    /// The service's open referrals (optionally one link worker's, with the unassigned ones),
    /// oldest referral first. Reads no record, so writes no audit event: callers show names only.
    async fn open_measure_facts(&self, service_org_id: &str, worker_id: Option<&str>) -> Result<Vec<OpenMeasureFacts>>;
    /// As [`CaseworkStore::add_measure`], marked as completed by the person themselves.
    async fn add_self_completed_measure(&self, who: &AuditActor, referral_id: &str, measure: &NewMeasure) -> Result<String>;
    /// Discharges a referral (as [`CaseworkStore::change_referral`] with a discharge:
    /// compare-and-set on `from`, audited) and records what happened with each need, in one transaction.
    async fn discharge_with_resolutions(&self, who: &AuditActor, referral_id: &str, from: ReferralStatus, discharge: &Discharge<'_>) -> Result<()>;
    /// The distinct needs identified on a referral (at referral or in conversation), in list order.
    async fn referral_needs(&self, referral_id: &str) -> Result<Vec<linkwork_domain::need::NeedDomain>>;
    /// Records what happened with needs of an already discharged referral (corrections, demo data),
    /// replacing earlier answers for the same needs; audited, in one transaction.
    async fn record_need_resolutions(&self, who: &AuditActor, referral_id: &str, resolutions: &[(linkwork_domain::need::NeedDomain, linkwork_domain::resolution::NeedResolution)]) -> Result<()>;
    /// The service's discharged referrals: id, assigned link worker, discharge reason and needs.
    async fn discharged_referrals(&self, service_org_id: &str) -> Result<Vec<DischargedReferral>>;
    /// Stores a service's own questionnaire under its code (unique); returns its id.
    async fn create_custom_instrument(&self, who: &AuditActor, service_org_id: &str, instrument: &linkwork_domain::custom_instrument::CustomInstrument) -> Result<String>;
    /// A service's own questionnaires (id and definition), oldest first.
    async fn custom_instruments(&self, service_org_id: &str) -> Result<Vec<(String, linkwork_domain::custom_instrument::CustomInstrument)>>;
    /// Records answers to a service's own questionnaire (audited); `answers` must have been checked
    /// with `CustomInstrument::parse_answers`.
    async fn add_custom_measure(&self, who: &AuditActor, referral_id: &str, instrument_id: &str, measure: &NewCustomMeasure) -> Result<String>;
    /// A referral's answers to the service's own questionnaires: instrument code, timepoint, date, answers.
    async fn custom_measures(&self, referral_id: &str) -> Result<Vec<linkwork_domain::custom_instrument::CustomMeasureFacts>>;
    /// What was recorded at discharge about each need of a referral.
    async fn need_resolutions(&self, referral_id: &str) -> Result<Vec<(linkwork_domain::need::NeedDomain, linkwork_domain::resolution::NeedResolution)>>;
}

/// Answers to a service's own questionnaire, checked against its definition.
#[derive(Debug, Clone)]
pub struct NewCustomMeasure {
    pub timepoint: linkwork_domain::instruments::Timepoint,
    pub taken_on: Date,
    pub answers: Vec<i64>,
    pub version: String,
    pub self_completed: bool,
}

/// A discharged referral, for recording its needs' outcomes afterwards.
#[derive(Debug, Clone)]
pub struct DischargedReferral {
    pub referral_id: String,
    pub assigned_worker_id: Option<String>,
    pub reason: Option<linkwork_domain::referral::DischargeReason>,
    pub needs: Vec<linkwork_domain::need::NeedDomain>,
    pub first_contact_on: Option<Date>,
    pub discharged_on: Option<Date>,
}

/// A discharge with the outcome of each need (needs left out were not recorded).
#[derive(Debug, Clone)]
pub struct Discharge<'a> {
    pub on: Date,
    pub reason: linkwork_domain::referral::DischargeReason,
    pub summary: Option<&'a str>,
    pub resolutions: &'a [(linkwork_domain::need::NeedDomain, linkwork_domain::resolution::NeedResolution)],
}

// ---- health-system activity, tariff and SROI model (issue 5, H2) ----

/// One imported contact, for a person the service knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHealthActivity {
    pub person_id: String,
    pub contact_on: Date,
    pub contact_type: linkwork_domain::health_system::ContactType,
    pub bed_days: Option<u32>,
    /// The system or extract; empty when not given.
    pub source: String,
    /// See `linkwork_domain::import::activity_csv` (identical rows of a file).
    pub occurrence: u32,
}

/// What [`ActivityStore::add_health_activity`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActivityWrite {
    /// Contacts written.
    pub added: usize,
    /// Contacts whose natural key (person, date, type, source, occurrence) was already stored.
    pub already_recorded: usize,
}

#[async_trait]
pub trait ActivityStore: Send + Sync {
    /// The service's people as (NHS number, person id): who an activity row can belong to.
    async fn service_people_by_nhs(&self, service_org_id: &str) -> Result<Vec<(String, String)>>;
    /// Writes the contacts in one transaction; a contact already stored is counted, not written
    /// again. One audit event (`health_activity.import`) per person given contacts.
    async fn add_health_activity(&self, who: &AuditActor, service_org_id: &str, rows: &[NewHealthActivity]) -> Result<ActivityWrite>;
    /// Every stored contact of the service's people, oldest first.
    async fn health_activity(&self, service_org_id: &str) -> Result<Vec<linkwork_domain::health_system::ActivityFact>>;
    /// The service's tariff; the default (verified) figures when it never saved one.
    async fn health_tariff(&self, service_org_id: &str) -> Result<linkwork_domain::health_system::Tariff>;
    /// Replaces the service's tariff (every item; items left out become uncosted), audited.
    async fn set_health_tariff(&self, who: &AuditActor, service_org_id: &str, tariff: &linkwork_domain::health_system::Tariff) -> Result<()>;
    /// The service's SROI model as the domain's JSON document, if it saved one.
    async fn sroi_model(&self, service_org_id: &str) -> Result<Option<String>>;
    async fn set_sroi_model(&self, who: &AuditActor, service_org_id: &str, model_json: &str) -> Result<()>;
}

/// Equity reference data (issue 5): postcode → LSOA (NSPL), LSOA → IMD 2019 decile, and the
/// registered list's make-up per practice. Reference files are public data about places, not
/// people, so their imports are not audited.
#[async_trait]
pub trait EquityStore: Send + Sync {
    /// Inserts or updates NSPL rows in one transaction (callers send large files in batches).
    async fn upsert_postcode_lsoas(&self, rows: &[linkwork_domain::equity::PostcodeLsoa]) -> Result<u64>;
    /// Inserts or updates IMD File 7 rows in one transaction.
    async fn upsert_lsoa_deprivation(&self, rows: &[linkwork_domain::equity::LsoaDeprivation]) -> Result<u64>;
    /// The IMD decile of a postcode's LSOA, when both lookups know it.
    async fn imd_decile(&self, postcode: &linkwork_domain::Postcode) -> Result<Option<linkwork_domain::equity::ImdDecile>>;
    /// Every imported LSOA with its decile (about 33,000 rows), to turn a list by LSOA into quintiles.
    async fn lsoa_deciles(&self) -> Result<Vec<(String, linkwork_domain::equity::ImdDecile)>>;
    /// Replaces, in one transaction, each (practice, dimension) present in `rows` with these counts.
    async fn set_list_profile(&self, rows: &[linkwork_domain::equity::ListCount]) -> Result<u64>;
    /// A practice's list profile, by dimension and group.
    async fn list_profile(&self, practice_id: &str) -> Result<Vec<linkwork_domain::equity::ListCount>>;
    /// Sets (or clears) a link worker's whole-time equivalent, audited. `NotFound` unless the user
    /// is a link worker of `service_org_id`.
    async fn set_worker_wte(&self, who: &AuditActor, service_org_id: &str, user_id: &str, wte: Option<f64>) -> Result<()>;
    /// Link workers' WTEs and a year's referral-rate target, saved together: all or nothing
    /// (`NotFound`, and nothing saved, if any user is not a link worker of `service_org_id`).
    async fn save_workforce(&self, who: &AuditActor, service_org_id: &str, wtes: &[(String, Option<f64>)], target: Option<&linkwork_domain::workforce::YearTarget>) -> Result<()>;
    /// Link workers' WTE by user id (`None` when not recorded), for the team page.
    async fn worker_wtes(&self, service_org_id: &str) -> Result<Vec<(String, Option<f64>)>>;
    /// Sets the service's referral-rate target band for one financial year (replacing any).
    async fn set_referral_target(&self, service_org_id: &str, target: &linkwork_domain::workforce::YearTarget) -> Result<()>;
    async fn referral_targets(&self, service_org_id: &str) -> Result<Vec<linkwork_domain::workforce::YearTarget>>;
}

/// What the database already holds that a bundle's rows must merge with rather than duplicate:
/// organisations by ODS code, staff by e-mail, people by (service, NHS number), services' own
/// questionnaires by code (codes are unique across the database).
#[derive(Debug, Clone, Default)]
pub struct ExistingIds {
    pub orgs_by_ods: std::collections::HashMap<String, String>,
    pub users_by_email: std::collections::HashMap<String, String>,
    pub people: std::collections::HashMap<(String, String), String>,
    /// Code → (service id, instrument id).
    pub custom_instruments_by_code: std::collections::HashMap<String, (String, String)>,
}

/// Batches of checked bundle rows for [`BundleStore::import_bundle`]: each row's values in the
/// file's column order (references already turned into stored ids), then the values the importer
/// derived (a referral's service, a measure's instrument version, an event's id). An `Err` stops the
/// import and rolls it back.
pub trait BundleSource {
    fn next_batch(&mut self) -> std::result::Result<Option<BundleBatch>, String>;
}

/// Rows of one bundle file, each its values as [`BundleSource`] describes.
pub type BundleBatch = (&'static linkwork_domain::bundle::spec::FileSpec, Vec<Vec<linkwork_domain::bundle::read::Value>>);

/// Where [`BundleStore::export_bundle`] writes rows, file by file in import order.
pub trait BundleRowSink {
    fn start_file(&mut self, file: &'static linkwork_domain::bundle::spec::FileSpec) -> std::result::Result<(), String>;
    fn row(&mut self, file: &'static linkwork_domain::bundle::spec::FileSpec, values: Vec<String>) -> std::result::Result<(), String>;
}

/// Bulk import and export of a whole service's history (`docs/bundle.md`).
#[async_trait]
pub trait BundleStore: Send + Sync {
    /// Organisations, staff and questionnaires already in the database (`people` left empty).
    async fn existing_ids(&self) -> Result<ExistingIds>;
    /// The people these services already hold, by (service id, NHS number), for [`ExistingIds::people`].
    async fn existing_people(&self, service_org_ids: &[String]) -> Result<std::collections::HashMap<(String, String), String>>;
    /// Writes every batch in one transaction: all or nothing. Returns the rows written.
    async fn import_bundle(&self, source: &mut (dyn BundleSource + Send)) -> Result<u64>;
    /// How many rows each table a bundle writes to holds (by table name), for checks and summaries.
    async fn bundle_table_counts(&self) -> Result<Vec<(&'static str, i64)>>;
    /// Streams one service's records (stored ids as references) to `sink`.
    async fn export_bundle(&self, service_org_id: &str, sink: &mut (dyn BundleRowSink + Send)) -> Result<()>;
}

/// The "what matters to you" conversation text behind the dashboard's word cloud. Read only to be
/// counted: the words leave only through `linkwork_domain::word_cloud::count_words`.
#[async_trait]
pub trait WordCloudStore: Send + Sync {
    /// The conversations held in `from..=to` for referrals of these services (of one practice, if
    /// given), keyed by person, and the given and family names of everyone those services hold, so
    /// names can be removed.
    async fn what_matters_texts(
        &self,
        service_org_ids: &[String],
        practice_id: Option<&str>,
        from: Date,
        to: Date,
    ) -> Result<(Vec<linkwork_domain::word_cloud::Utterance>, Vec<String>)>;
}
