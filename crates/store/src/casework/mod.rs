//! A referral's life in the service: intake of referrals without an NHS number ([`IntakeStore`]),
//! the referral and its record ([`CaseworkStore`]), triage, plans, caseloads, MDT meetings and search
//! ([`TeamStore`]), and corrections that put a mistake right without losing what happened
//! ([`CorrectionStore`]). Lifecycle changes are compare-and-set on the status the caller saw.

pub mod model;
pub use model::*;

use crate::Result;
use crate::audit::AuditActor;
use crate::measurement::{MeasureNotTaken, NewMeasure};
use crate::onward::{NewNotification, OnwardUndo};
use async_trait::async_trait;
use linkwork_domain::casework::referral::ReferralStatus;
use time::Date;

#[async_trait]
pub trait CaseworkStore: Send + Sync {
    /// Records a referral (from the link workers' form), creating the person, or matching the
    /// person the service holds under that NHS number (`linkwork_domain::person::identity`: details
    /// updated with history when the person matches, an identity conflict raised when not).
    /// Returns the referral id.
    async fn create_referral(&self, who: &AuditActor, referral: &NewReferral) -> Result<String>;
    /// Like [`CaseworkStore::create_referral`], remembering the organisation that referred (a GP
    /// practice or VCSE organisation) so its staff can follow the referral's status.
    /// `source` says where the person's details came from (for the details history).
    async fn create_referral_from(&self, who: &AuditActor, referral: &NewReferral, referred_by_org_id: Option<&str>, source: linkwork_domain::person::identity::DetailsSource) -> Result<String>;
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

/// Referrals that arrive without an NHS number (self and VCSE), and what referrers may see.
#[async_trait]
pub trait IntakeStore: Send + Sync {
    /// The service's SNOMED CT → need-domain mapping (empty when it has none), for reading the
    /// reasons of referrals sent coded in SNOMED CT.
    async fn snomed_need_map(&self, service_org_id: &str) -> Result<linkwork_domain::interop::snomed_maps::SnomedNeedMap>;
    /// Replaces the service's mapping (an empty one removes it); audited.
    async fn set_snomed_need_map(&self, who: &AuditActor, service_org_id: &str, map: &linkwork_domain::interop::snomed_maps::SnomedNeedMap) -> Result<()>;
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
    async fn set_goal_status(&self, who: &AuditActor, referral_id: &str, goal_id: &str, status: linkwork_domain::casework::plan::GoalStatus) -> Result<()>;
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
    async fn change_needs(&self, who: &AuditActor, referral_id: &str, add: &[linkwork_domain::casework::need::NeedDomain], remove: &[linkwork_domain::casework::need::NeedDomain]) -> Result<()>;
    async fn workloads(&self, service_org_id: &str, today: Date) -> Result<Vec<WorkerLoad>>;
    async fn create_mdt(&self, who: &AuditActor, meeting: &NewMdtMeeting) -> Result<String>;
    async fn mdt_meetings(&self, service_org_id: &str) -> Result<Vec<MdtMeeting>>;
    /// People of a service matching a name, NHS number or date of birth.
    async fn search_people(&self, service_org_id: &str, query: &PersonQuery) -> Result<Vec<PersonMatch>>;
    /// A person's referrals, newest first (ids only; records are read one by one, audited).
    async fn referrals_of_person(&self, person_id: &str) -> Result<Vec<ReferralHeader>>;
}

#[async_trait]
pub trait CorrectionStore: Send + Sync {
    /// How a referral closed (its decline or discharge), `None` for an unknown referral.
    async fn referral_closure(&self, referral_id: &str) -> Result<Option<Closure>>;
    /// Reopens a declined referral (compare-and-set on `declined`, and on the decline the caller
    /// saw): back to received, its decline cleared and kept in `referral_reopenings`; audited.
    async fn reopen_referral(&self, who: &AuditActor, referral_id: &str, reopening: &NewReopening) -> Result<()>;
    /// A referral's reopenings, oldest first.
    async fn referral_reopenings(&self, referral_id: &str) -> Result<Vec<Reopening>>;
    /// Discharges a referral (compare-and-set on `from`) with its needs' outcomes, goal review and
    /// closing questionnaires not taken, in one transaction; audited.
    async fn discharge_reviewed(&self, who: &AuditActor, referral_id: &str, from: ReferralStatus, discharge: &ReviewedDischarge<'_>) -> Result<()>;
    /// Closing questionnaires not taken on a referral.
    async fn measures_not_taken(&self, referral_id: &str) -> Result<Vec<MeasureNotTaken>>;
    /// Records a measure entered after discharge, marked as entered late; audited.
    async fn add_late_measure(&self, who: &AuditActor, referral_id: &str, measure: &NewMeasure) -> Result<String>;
    /// Undoes a partner's change: the referral goes back (compare-and-set on `undo.from`), an
    /// event naming the undone one is added (both stay in the history), `notify` is written in
    /// the same transaction; audited.
    async fn undo_onward(&self, who: &AuditActor, onward_id: &str, undo: &OnwardUndo, notify: &[NewNotification]) -> Result<()>;
}
