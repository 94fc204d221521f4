//! Corrections (issue 12): putting a mistake right without losing what happened. A declined
//! referral reopened, a partner's change undone, a discharge with its goal review and closing
//! measures, a measure entered late. Each writes its audit event in the same transaction, and
//! what was corrected stays in the record.

use crate::model::AuditActor;
use crate::Result;
use async_trait::async_trait;
use linkwork_domain::discharge::NotTakenReason;
use linkwork_domain::instruments::{Instrument, Timepoint};
use linkwork_domain::need::NeedDomain;
use linkwork_domain::onward::{OnwardStatus, Undo};
use linkwork_domain::plan::GoalStatus;
use linkwork_domain::referral::{DeclineReason, DischargeReason, ReferralStatus, ReopenReason};
use linkwork_domain::resolution::NeedResolution;
use serde::Serialize;
use time::{Date, OffsetDateTime};

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

/// A closing questionnaire not taken at discharge, and why.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureNotTaken {
    pub instrument: Instrument,
    pub timepoint: Timepoint,
    pub reason: NotTakenReason,
    pub recorded_on: Date,
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

/// Undoing an onward referral's latest standing change (`event_id`), now in `from`.
#[derive(Debug, Clone)]
pub struct OnwardUndo {
    pub event_id: String,
    pub from: OnwardStatus,
    pub undo: Undo,
    pub on: Date,
}

/// How a referral closed, for the rules that may reopen it or add to it afterwards.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Closure {
    pub declined_on: Option<Date>,
    pub decline_reason: Option<String>,
    pub discharged_on: Option<Date>,
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
    async fn add_late_measure(&self, who: &AuditActor, referral_id: &str, measure: &crate::model::NewMeasure) -> Result<String>;
    /// Undoes a partner's change: the referral goes back (compare-and-set on `undo.from`), an
    /// event naming the undone one is added (both stay in the history), `notify` is written in
    /// the same transaction; audited.
    async fn undo_onward(&self, who: &AuditActor, onward_id: &str, undo: &OnwardUndo, notify: &[crate::model::NewNotification]) -> Result<()>;
}
