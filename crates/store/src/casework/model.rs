//! Inputs and read models of casework: new referrals and their changes, conversations, contacts
//! and goals, the person's record as a link worker sees it, caseload lines, incoming referrals,
//! contact attempts, MDT meetings, search, reopenings and reviewed discharges. Inputs are built from
//! parsed domain values, so the store never sees an invalid NHS number.

use crate::measurement::Measure;
use crate::onward::OnwardReferral;
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_domain::casework::discharge::NotTakenReason;
use linkwork_domain::measurement::instruments::Instrument;
use linkwork_domain::casework::intake::{EmailAddress, IncomingSource, IncomingStatus, PhoneNumber};
use linkwork_domain::casework::mdt::AttendeeRole;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{Ethnicity, PersonDetails, Sex};
use linkwork_domain::casework::plan::{GoalStatus, GoalText, WhatMatters};
use linkwork_domain::casework::referral::{DeclineReason, DischargeReason, ReferralReason, ReferralSource, ReferralStatus, ReopenReason};
use linkwork_domain::evaluation::resolution::NeedResolution;
use linkwork_domain::casework::triage::{AttemptMode, AttemptOutcome};
use linkwork_domain::{NhsNumber, Postcode};
use serde::Serialize;
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone)]
pub struct NewReferral {
    pub service_org_id: String,
    pub person: PersonDetails,
    pub practice_id: Option<String>,
    pub source: ReferralSource,
    pub referrer_name: String,
    pub reason: ReferralReason,
    pub needs: Vec<NeedDomain>,
    /// The referrer gave no coded need: `needs` are what their words suggest (perhaps none), for
    /// the link worker to confirm at triage (`needs_in_words`).
    pub needs_to_confirm: bool,
    pub referred_on: Date,
    pub assigned_worker_id: Option<String>,
    /// The person's agreement and the lawful basis (not recorded for system-to-system referrals).
    pub consent: linkwork_domain::person::consent::ReferralConsent,
    /// How to reach the person, as the referral gives it (added to what the service holds, never
    /// clearing it; nothing changes when the referral raises an identity conflict).
    pub contact: linkwork_domain::person::contact_details::ContactDetails,
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

/// A lifecycle change of a referral, applied only if its status is still `from`.
#[derive(Debug, Clone)]
pub enum ReferralChange {
    Accept { on: Date, worker_id: Option<String> },
    Decline { on: Date, reason: DeclineReason },
    Discharge { on: Date, reason: DischargeReason, summary: Option<String> },
}

impl Referral {
    /// The decline reason's label, for people (the code is stored).
    pub fn decline_reason_label(&self) -> Option<&'static str> {
        self.decline_reason.as_deref().and_then(|c| DeclineReason::parse(c).ok()).map(DeclineReason::label)
    }
    pub fn discharge_reason_label(&self) -> Option<&'static str> {
        self.discharge_reason.as_deref().and_then(|c| DischargeReason::parse(c).ok()).map(DischargeReason::label)
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
    pub fn case_facts(&self, measures_due: Vec<linkwork_domain::casework::schedule::DueMeasure>) -> linkwork_domain::casework::caseload::CaseFacts {
        linkwork_domain::casework::caseload::CaseFacts {
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
    pub consent: linkwork_domain::person::consent::ConsentStatus,
    pub consent_on: Option<Date>,
    #[sqlx(try_from = "String")]
    pub lawful_basis: linkwork_domain::person::consent::LawfulBasis,
    /// The needs were suggested from the referrer's words, not coded by them, and nobody has
    /// agreed needs with the person yet.
    pub needs_to_confirm: bool,
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
    pub kind: linkwork_domain::casework::plan::PlanChangeKind,
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
    pub reopenings: Vec<Reopening>,
    /// How to reach the person (with `person.postcode` for the address).
    pub contact: linkwork_domain::person::contact_details::ContactDetails,
}

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
    pub preferred_contact: Option<linkwork_domain::person::contact_details::ContactMethod>,
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
    /// A `linkwork_domain::person::contact_details::ContactMethod` code.
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

/// A declined referral taken back to triage: the decline it undid, and who reopened it, when and why.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Reopening {
    pub id: String,
    pub referral_id: String,
    pub declined_on: Date,
    pub decline_reason: String,
    pub reopened_on: Date,
    pub reason: String,
    /// The user's display name (none for API tokens).
    pub reopened_by_name: Option<String>,
    pub at: OffsetDateTime,
}

impl Reopening {
    pub fn decline_reason_label(&self) -> &'static str {
        DeclineReason::parse(&self.decline_reason).map(DeclineReason::label).unwrap_or("Declined")
    }
}

/// Reopening a referral declined on `declined_on` for `decline_reason` (what the caller checked).
#[derive(Debug, Clone)]
pub struct NewReopening {
    pub on: Date,
    pub declined_on: Date,
    pub decline_reason: String,
    pub reason: ReopenReason,
}

/// A discharge after the walk-through: the reason, the needs' outcomes, where each goal ended
/// (goal id, final status) and the closing questionnaires not taken, written in one transaction.
#[derive(Debug, Clone)]
pub struct ReviewedDischarge<'a> {
    pub on: Date,
    pub reason: DischargeReason,
    pub summary: Option<&'a str>,
    pub resolutions: &'a [(NeedDomain, NeedResolution)],
    pub goals: &'a [(String, GoalStatus)],
    pub not_taken: &'a [(Instrument, NotTakenReason)],
}

/// How a referral closed, for the rules that may reopen it or add to it afterwards.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Closure {
    pub declined_on: Option<Date>,
    pub decline_reason: Option<String>,
    pub discharged_on: Option<Date>,
}
