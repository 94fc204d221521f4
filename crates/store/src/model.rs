//! What goes into and comes out of the store. Inputs are built from parsed domain values, so the
//! store never sees an invalid NHS number or an out-of-range answer.

use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::contact::{ContactMode, Minutes};
use linkwork_domain::instruments::{AnswerSet, Instrument, Recorded, Timepoint};
use linkwork_domain::need::NeedDomain;
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus};
use linkwork_domain::person::{Ethnicity, PersonDetails, Sex};
use linkwork_domain::plan::{GoalStatus, GoalText, WhatMatters};
use linkwork_domain::referral::{DeclineReason, DischargeReason, ReferralReason, ReferralSource, ReferralStatus};
use linkwork_domain::intake::{EmailAddress, IncomingSource, IncomingStatus, PhoneNumber};
use linkwork_domain::mdt::AttendeeRole;
use linkwork_domain::triage::{AttemptMode, AttemptOutcome};
use linkwork_domain::{NhsNumber, Postcode};
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// What posting a form's one-time key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormClaim {
    /// The first post with this key: go on and save.
    New,
    /// Already saved: this is where the first post led.
    Done(String),
    /// The first post is still being saved (a double click).
    InProgress,
}

/// Who is acting, for the audit trail: a signed-in user or an API token, of one organisation.
#[derive(Debug, Clone, Default)]
pub struct AuditActor {
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub org_id: Option<String>,
}

// ---- organisations and accounts ----

#[derive(Debug, Clone)]
pub struct NewOrg {
    pub kind: OrgKind,
    pub name: String,
    pub ods_code: Option<String>,
    pub parent_id: Option<String>,
    pub list_size: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Org {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub kind: OrgKind,
    pub name: String,
    pub ods_code: Option<String>,
    pub parent_id: Option<String>,
    pub list_size: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    /// An argon2 PHC string; the store never sees a password.
    pub password_hash: String,
    pub role: Role,
    pub org_id: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub org_id: String,
    pub active: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserCredentials {
    #[sqlx(flatten)]
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiToken {
    pub id: String,
    pub org_id: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub label: Option<String>,
}

// ---- directory ----

#[derive(Debug, Clone)]
pub struct NewService {
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub needs: Vec<NeedDomain>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub needs: Vec<NeedDomain>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Open Referral UK fields beyond the above (docs/oruk.md).
    pub url: Option<String>,
    pub eligibility_description: Option<String>,
    pub minimum_age: Option<i64>,
    pub maximum_age: Option<i64>,
    pub fees_description: Option<String>,
    /// The service's id in the feed it was imported from; `None` for Linkwork's own services.
    pub oruk_id: Option<String>,
    /// What a link worker needs beyond the standard; never published.
    pub profile: ServiceProfile,
}

// ---- casework: inputs ----

#[derive(Debug, Clone)]
pub struct NewReferral {
    pub service_org_id: String,
    pub person: PersonDetails,
    pub practice_id: Option<String>,
    pub source: ReferralSource,
    pub referrer_name: String,
    pub reason: ReferralReason,
    pub needs: Vec<NeedDomain>,
    pub referred_on: Date,
    pub assigned_worker_id: Option<String>,
    /// The person's agreement and the lawful basis (not recorded for system-to-system referrals).
    pub consent: linkwork_domain::consent::ReferralConsent,
    /// How to reach the person, as the referral gives it (added to what the service holds, never
    /// clearing it; nothing changes when the referral raises an identity conflict).
    pub contact: linkwork_domain::contact_details::ContactDetails,
}

#[derive(Debug, Clone)]
pub struct NewGoal {
    pub description: GoalText,
    pub review_on: Option<Date>,
}

/// A goal as changed on its own form: the whole goal as it should now stand, and the version of
/// it the form was opened on (a change made meanwhile by someone else is refused, not overwritten).
#[derive(Debug, Clone)]
pub struct GoalChange {
    pub description: GoalText,
    pub review_on: Option<Date>,
    pub status: GoalStatus,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewConversation {
    pub held_on: Date,
    pub what_matters: WhatMatters,
    pub needs: Vec<NeedDomain>,
    pub goals: Vec<NewGoal>,
}

#[derive(Debug, Clone)]
pub struct NewContact {
    pub contact_on: Date,
    pub mode: ContactMode,
    pub minutes: Minutes,
    pub accompanied: bool,
    pub notes: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewMeasure {
    pub timepoint: Timepoint,
    pub taken_on: Date,
    pub answers: AnswerSet,
}

/// A lifecycle change of a referral, applied only if its status is still `from`.
#[derive(Debug, Clone)]
pub enum ReferralChange {
    Accept { on: Date, worker_id: Option<String> },
    Decline { on: Date, reason: DeclineReason },
    Discharge { on: Date, reason: DischargeReason, summary: Option<String> },
}

/// A partner's answer to an onward referral, applied only if its status is still `from`.
#[derive(Debug, Clone)]
pub struct OnwardChange {
    pub from: OnwardStatus,
    pub to: OnwardStatus,
    pub on: Date,
    pub decline_reason: Option<OnwardDeclineReason>,
}

// ---- casework: read models ----

impl Referral {
    /// The decline reason's label, for people (the code is stored).
    pub fn decline_reason_label(&self) -> Option<&'static str> {
        self.decline_reason.as_deref().and_then(|c| DeclineReason::parse(c).ok()).map(DeclineReason::label)
    }
    pub fn discharge_reason_label(&self) -> Option<&'static str> {
        self.discharge_reason.as_deref().and_then(|c| DischargeReason::parse(c).ok()).map(DischargeReason::label)
    }
}

impl OnwardReferral {
    pub fn decline_reason_label(&self) -> Option<&'static str> {
        self.decline_reason.as_deref().and_then(|c| OnwardDeclineReason::parse(c).ok()).map(OnwardDeclineReason::label)
    }
}

/// Enough about a referral to decide who may touch it, without reading the person's record.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferralHeader {
    pub id: String,
    pub person_id: String,
    pub service_org_id: String,
    pub referred_by_org_id: Option<String>,
    /// The link worker holding it, if anyone does.
    pub assigned_worker_id: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ReferralStatus,
    /// The person's record is restricted (UK GDPR article 18): kept, but not changed.
    pub restricted: bool,
}

/// One line of a caseload.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseloadEntry {
    pub referral_id: String,
    pub assigned_worker_id: Option<String>,
    pub person_id: String,
    pub given_name: String,
    pub family_name: String,
    #[sqlx(try_from = "String")]
    pub nhs_number: NhsNumber,
    #[sqlx(try_from = "String")]
    pub status: ReferralStatus,
    pub referred_on: Date,
    pub worker_name: Option<String>,
    pub first_contact_on: Option<Date>,
    pub last_contact_on: Option<Date>,
    /// Earliest review date of a goal still being worked on.
    pub next_review_on: Option<Date>,
    pub baseline_on: Option<Date>,
    pub follow_ups: i64,
    /// Contacts where the link worker went with the person to an activity (accompanied access).
    pub accompanied: i64,
    pub duplicate_of: Option<String>,
    /// Open identity conflicts this referral raised (its details did not match the person's).
    pub identity_conflicts: i64,
}

impl CaseloadEntry {
    /// What the caseload's red/amber/green flags are computed from; `measures_due` is what the
    /// service's measurement schedule says is due for this referral today (as "Measures due" shows).
    pub fn case_facts(&self, measures_due: Vec<linkwork_domain::schedule::DueMeasure>) -> linkwork_domain::caseload::CaseFacts {
        linkwork_domain::caseload::CaseFacts {
            accepted: self.status == ReferralStatus::Accepted,
            referred_on: Some(self.referred_on),
            first_contact_on: self.first_contact_on,
            last_contact_on: self.last_contact_on,
            next_review_on: self.next_review_on,
            measures_due,
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Person {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub nhs_number: NhsNumber,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
    #[sqlx(try_from = "String")]
    pub sex: Sex,
    #[sqlx(try_from = "String")]
    pub ethnicity: Ethnicity,
    #[sqlx(try_from = "String")]
    pub postcode: Postcode,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Referral {
    pub id: String,
    pub service_org_id: String,
    pub practice_id: Option<String>,
    pub practice_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub source: ReferralSource,
    pub referrer_name: String,
    pub reason: String,
    pub referred_on: Date,
    #[sqlx(try_from = "String")]
    pub status: ReferralStatus,
    pub assigned_worker_id: Option<String>,
    pub worker_name: Option<String>,
    pub accepted_on: Option<Date>,
    pub declined_on: Option<Date>,
    pub decline_reason: Option<String>,
    pub discharged_on: Option<Date>,
    pub discharge_reason: Option<String>,
    pub discharge_summary: Option<String>,
    /// The organisation that referred through Linkwork (practice or VCSE), if any.
    pub referred_by_org_id: Option<String>,
    /// Set while this referral duplicates another open referral of the same person.
    pub duplicate_of: Option<String>,
    #[sqlx(try_from = "String")]
    pub consent: linkwork_domain::consent::ConsentStatus,
    pub consent_on: Option<Date>,
    #[sqlx(try_from = "String")]
    pub lawful_basis: linkwork_domain::consent::LawfulBasis,
}

#[derive(Debug, Clone, Serialize)]
pub struct NeedRecord {
    pub need: NeedDomain,
    /// `referral` (given by the referrer) or `conversation` (identified with the person).
    pub identified_at: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Conversation {
    pub id: String,
    pub held_on: Date,
    pub what_matters: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Goal {
    pub id: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub status: GoalStatus,
    pub review_on: Option<Date>,
    pub agreed_on: Date,
    /// Bumped by every change (see [`GoalChange`]).
    pub version: i64,
}

/// One line of a plan's history: a goal added or changed, a need agreed or withdrawn.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PlanChange {
    /// The goal changed; `None` for a change of needs.
    pub goal_id: Option<String>,
    #[sqlx(try_from = "String")]
    pub kind: linkwork_domain::plan::PlanChangeKind,
    /// As stored: wording, ISO date, status or need code.
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub changed_at: OffsetDateTime,
    pub by_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Contact {
    pub id: String,
    pub contact_on: Date,
    #[sqlx(try_from = "String")]
    pub mode: ContactMode,
    pub minutes: i64,
    pub accompanied: bool,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    pub id: String,
    pub instrument: Instrument,
    pub timepoint: Timepoint,
    pub taken_on: Date,
    /// The answers, or only the scores for history imported from another system (named
    /// `answers` in JSON, as before scores-only records existed).
    #[serde(rename = "answers")]
    pub recorded: Recorded,
    /// Entered after the person was discharged (a late entry).
    pub entered_late: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OnwardReferral {
    pub id: String,
    pub referral_id: String,
    pub service_id: String,
    pub service_name: String,
    pub provider_org_id: String,
    pub provider_name: String,
    #[sqlx(try_from = "String")]
    pub status: OnwardStatus,
    pub note: Option<String>,
    pub sent_on: Date,
    pub responded_on: Option<Date>,
    pub decline_reason: Option<String>,
    pub attended_on: Option<Date>,
}

/// A person's record as a link worker sees it. Reading one is audited.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralRecord {
    pub person: Person,
    pub referral: Referral,
    pub needs: Vec<NeedRecord>,
    pub conversations: Vec<Conversation>,
    pub goals: Vec<Goal>,
    /// Changes to the goals and needs made since they were agreed, oldest first.
    pub plan_changes: Vec<PlanChange>,
    pub contacts: Vec<Contact>,
    pub measures: Vec<Measure>,
    pub onward: Vec<OnwardReferral>,
    pub attempts: Vec<ContactAttempt>,
    pub mdt: Vec<MdtDiscussion>,
    /// Declines undone: each reopening, with the decline it undid.
    pub reopenings: Vec<crate::traits_corrections::Reopening>,
    /// How to reach the person (with `person.postcode` for the address).
    pub contact: linkwork_domain::contact_details::ContactDetails,
}

/// What a VCSE partner sees of an onward referral: enough to contact the person and act, never
/// the person's record (no NHS number, date of birth, notes or measures).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PartnerReferral {
    #[sqlx(flatten)]
    pub onward: OnwardReferral,
    /// For the audit trail only; never sent to the partner.
    #[serde(skip)]
    pub person_id: String,
    pub person_name: String,
    pub link_worker_name: Option<String>,
    /// How to reach the person: filled in by the one use case that shows partners their referrals
    /// (`linkwork_web::reads`), and only while the person's consent to share with the partner's
    /// organisation stands (`linkwork_domain::contact_details::partner_may_see`); `null` otherwise.
    #[sqlx(skip)]
    pub contact_details: Option<linkwork_domain::contact_details::SharedContact>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: String,
    pub at: OffsetDateTime,
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub person_id: Option<String>,
}

// ---- intake, triage and the team's day ----

#[derive(Debug, Clone)]
pub struct NewIncoming {
    pub service_org_id: String,
    pub source: IncomingSource,
    pub referred_by_org_id: Option<String>,
    pub referred_by_user_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<Date>,
    pub postcode: Option<Postcode>,
    pub phone: Option<PhoneNumber>,
    pub email: Option<EmailAddress>,
    pub reason: String,
    pub needs: Vec<NeedDomain>,
    /// How the person would like to be contacted, and when (carried into their contact details
    /// when triage takes the referral on).
    pub preferred_contact: Option<linkwork_domain::contact_details::ContactMethod>,
    pub best_times: Option<String>,
    pub leave_message: Option<bool>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Incoming {
    pub id: String,
    pub reference: String,
    pub service_org_id: String,
    #[sqlx(try_from = "String")]
    pub source: IncomingSource,
    pub referred_by_org_id: Option<String>,
    pub referred_by_org_name: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<Date>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub reason: String,
    /// Need-domain codes as submitted, comma-separated.
    pub needs: String,
    #[sqlx(try_from = "String")]
    pub status: IncomingStatus,
    pub referral_id: Option<String>,
    /// Status of the referral it became, if converted.
    pub referral_status: Option<String>,
    pub decline_reason: Option<String>,
    pub received_at: OffsetDateTime,
    /// A `linkwork_domain::contact_details::ContactMethod` code.
    pub preferred_contact: Option<String>,
    pub best_times: Option<String>,
    pub leave_message: Option<bool>,
}

/// What a referrer (practice staff) sees of a referral they made: status, not the record.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReferrerView {
    pub referral_id: String,
    /// For the audit trail only; never shown to the referrer.
    #[serde(skip)]
    pub person_id: String,
    pub person_name: String,
    pub referred_on: Date,
    #[sqlx(try_from = "String")]
    pub status: ReferralStatus,
    pub first_contact_on: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub attempted_on: Date,
    pub mode: AttemptMode,
    pub outcome: AttemptOutcome,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ContactAttempt {
    pub id: String,
    pub attempted_on: Date,
    #[sqlx(try_from = "String")]
    pub mode: AttemptMode,
    #[sqlx(try_from = "String")]
    pub outcome: AttemptOutcome,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MdtDiscussion {
    pub meeting_id: String,
    pub held_on: Date,
    pub practice_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewMdtMeeting {
    pub service_org_id: String,
    pub practice_id: Option<String>,
    pub held_on: Date,
    pub attendees: Vec<AttendeeRole>,
    pub notes: Option<String>,
    pub referral_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MdtMeeting {
    pub id: String,
    pub held_on: Date,
    pub practice_name: Option<String>,
    pub attendees: Vec<AttendeeRole>,
    pub notes: Option<String>,
    /// Names of the people discussed.
    pub people: Vec<String>,
    /// Their person ids, for the audit trail only.
    #[serde(skip)]
    pub person_ids: Vec<String>,
}

/// One link worker's caseload in numbers, for the manager.
#[derive(Debug, Clone, Serialize)]
pub struct WorkerLoad {
    pub worker_id: String,
    pub name: String,
    pub open: i64,
    /// People taken on (accepted) in each of the last 6 months, oldest first.
    pub accepted_by_month: Vec<(String, i64)>,
    /// People taken on in the last 12 months.
    pub accepted_last_year: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PersonMatch {
    pub person_id: String,
    pub given_name: String,
    pub family_name: String,
    #[sqlx(try_from = "String")]
    pub nhs_number: NhsNumber,
    pub date_of_birth: Date,
    pub latest_referral_id: String,
    #[sqlx(try_from = "String")]
    pub latest_status: ReferralStatus,
    pub referrals: i64,
}

/// A search for people: any combination; at least one part is given.
#[derive(Debug, Clone, Default)]
pub struct PersonQuery {
    pub name: Option<String>,
    pub nhs_number: Option<NhsNumber>,
    pub date_of_birth: Option<Date>,
}

// ---- community work ----

#[derive(Debug, Clone)]
pub struct NewCommunityActivity {
    pub service_org_id: String,
    pub worker_id: String,
    pub activity_on: Date,
    pub kind: linkwork_domain::community::ActivityKind,
    pub organisation_name: String,
    pub org_id: Option<String>,
    pub minutes: i64,
    pub assets_found: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CommunityActivity {
    pub id: String,
    pub worker_id: String,
    pub worker_name: String,
    pub activity_on: Date,
    #[sqlx(try_from = "String")]
    pub kind: linkwork_domain::community::ActivityKind,
    pub organisation_name: String,
    pub minutes: i64,
    pub assets_found: Option<String>,
    pub notes: Option<String>,
}

/// Minutes a link worker recorded in a period: community work and contacts with people.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct WorkerTime {
    pub worker_id: String,
    pub name: String,
    pub community_minutes: i64,
    pub contact_minutes: i64,
}

// ---- the onward-referral loop: history, prompts, notifications, e-mail outbox ----

/// A new onward referral; the caller chooses its id (with [`crate::new_id`]) so that the
/// notifications sent with it can link to it.
#[derive(Debug, Clone)]
pub struct NewOnward {
    pub id: String,
    pub referral_id: String,
    pub service_id: String,
    pub sent_on: Date,
    pub note: Option<String>,
}

/// One change of an onward referral's status, with who made it and when.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OnwardEvent {
    pub id: String,
    pub onward_referral_id: String,
    /// `None` for the first event (`sent`).
    pub from_status: Option<String>,
    #[sqlx(try_from = "String")]
    pub to_status: OnwardStatus,
    /// The decline reason's code, with `declined`.
    pub reason: Option<String>,
    /// The day the change took effect, as recorded.
    pub happened_on: Date,
    /// When it was recorded.
    pub at: OffsetDateTime,
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub org_id: Option<String>,
    /// The user's display name (none for API tokens).
    pub actor_name: Option<String>,
    pub actor_org_name: Option<String>,
    /// Set on an event that undoes an earlier one (a change recorded by mistake): that event's id.
    pub undoes_event_id: Option<String>,
}

impl OnwardEvent {
    pub fn reason_label(&self) -> Option<&'static str> {
        self.reason.as_deref().and_then(|c| OnwardDeclineReason::parse(c).ok()).map(OnwardDeclineReason::label)
    }
}

/// An onward referral with what the loop's rules and messages need: the referral's service and
/// link worker, the person's name (for link workers' pages; notifications use the first name at
/// most) and the provider.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LoopOnward {
    pub onward_id: String,
    pub referral_id: String,
    pub service_org_id: String,
    #[sqlx(try_from = "String")]
    pub referral_status: ReferralStatus,
    pub worker_id: Option<String>,
    pub worker_name: Option<String>,
    pub sent_by: Option<String>,
    pub person_id: String,
    pub given_name: String,
    pub family_name: String,
    pub service_id: String,
    pub service_name: String,
    pub provider_org_id: String,
    pub provider_name: String,
    #[sqlx(try_from = "String")]
    pub status: OnwardStatus,
    pub sent_on: Date,
    pub decline_reason: Option<String>,
}

/// Who a notification is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// One user, of `org_id`.
    User { user_id: String, org_id: String },
    /// Everyone in an organisation (a shared inbox); e-mailed to its active users with one of `roles`.
    Org { org_id: String, roles: Vec<Role> },
}

#[derive(Debug, Clone)]
pub struct NewNotification {
    pub recipient: Recipient,
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// A path in the app.
    pub link: Option<String>,
    /// Set for prompts that must be sent once only: a second notification with the same key is
    /// not created (and not e-mailed).
    pub dedup_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: String,
    pub recipient_user_id: Option<String>,
    pub recipient_org_id: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

/// An e-mail in the outbox.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OutboxEmail {
    pub id: String,
    pub notification_id: Option<String>,
    /// The notification's link (a path in the app), for the e-mail to point to.
    pub link: Option<String>,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub attempts: i64,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
}

// ---- the directory as Open Referral UK sees it (docs/oruk.md) ----

/// What a link worker knows about a service beyond what Open Referral UK publishes. Never
/// published; an import never changes it (a new imported service starts with `delivery` judged
/// from its locations, `published` true and the rest empty).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ServiceProfile {
    #[sqlx(try_from = "String")]
    pub delivery: linkwork_domain::directory::Delivery,
    pub capacity_places: Option<i64>,
    /// How many people are waiting.
    pub waiting_list: Option<i64>,
    pub capacity_note: Option<String>,
    pub funding_source: Option<String>,
    pub funding_ends_on: Option<Date>,
    /// Whether it can support people with complex needs, and which (`complex_needs_detail`).
    pub complex_needs: bool,
    pub complex_needs_detail: Option<String>,
    pub accessibility_description: Option<String>,
    pub last_verified_on: Option<Date>,
    /// Whether the service appears in the public `/oruk` feed.
    pub published: bool,
    /// `None`: not known.
    pub is_free: Option<bool>,
}

impl Default for ServiceProfile {
    fn default() -> Self {
        Self {
            delivery: linkwork_domain::directory::Delivery::InPerson,
            capacity_places: None,
            waiting_list: None,
            capacity_note: None,
            funding_source: None,
            funding_ends_on: None,
            complex_needs: false,
            complex_needs_detail: None,
            accessibility_description: None,
            last_verified_on: None,
            published: true,
            is_free: None,
        }
    }
}

/// What an import did with one service record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Upserted {
    Created,
    Updated,
    Unchanged,
}

/// Filters of the `/oruk` listings (all optional; only published services are ever listed).
#[derive(Debug, Clone, Default)]
pub struct OrukQuery {
    pub page: linkwork_domain::directory::PageRequest,
    /// Words that must all appear in the service's name or description or its organisation's name.
    pub search: Option<String>,
    pub taxonomy_term_id: Option<String>,
    pub taxonomy_id: Option<String>,
    /// The organisation's published id.
    pub organization_id: Option<String>,
    pub modified_after: Option<OffsetDateTime>,
    /// Services whose minimum age is at least this.
    pub minimum_age: Option<i64>,
    /// Services whose maximum age is at most this.
    pub maximum_age: Option<i64>,
    /// A schedule on this day (`MO` … `SU`).
    pub day: Option<String>,
    /// A schedule opening at or after this time (`HH:MM:SS`).
    pub start_time: Option<String>,
    /// A schedule closing at or before this time (`HH:MM:SS`).
    pub end_time: Option<String>,
    /// Service at locations: at this normalised postcode, or in this outward code (no space).
    pub postcode: Option<String>,
    /// Service at locations: within a distance of a point, nearest first.
    pub near: Option<Near>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub centre: linkwork_domain::directory::Coordinates,
    pub within_km: f64,
}

/// One page of a listing, and how many items all pages hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub total: u64,
    pub items: Vec<T>,
}

/// A service at one of its locations.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAtLocationItem {
    pub service_at_location: linkwork_domain::import::oruk::ServiceAtLocation,
    /// The service's one-to-one fields in listings; its whole record (but its locations) when read by id.
    pub service: linkwork_domain::import::oruk::ServiceRecord,
    /// From the centre of a proximity search.
    pub distance_km: Option<f64>,
}

/// Where and when a service runs, for the link workers' directory search: the coordinates of
/// its locations and the days of its schedules (`MO` … `SU`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceWhereWhen {
    pub service_id: String,
    pub places: Vec<linkwork_domain::directory::Coordinates>,
    pub days: Vec<String>,
}
