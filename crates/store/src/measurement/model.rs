//! Measures taken and to record (shipped and services' own questionnaires), closing measures not
//! taken, open referrals' measurement facts and discharges with their needs' outcomes.

use linkwork_domain::casework::discharge::NotTakenReason;
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument, Recorded, Timepoint};
use serde::Serialize;
use time::Date;

#[derive(Debug, Clone)]
pub struct NewMeasure {
    pub timepoint: Timepoint,
    pub taken_on: Date,
    pub answers: AnswerSet,
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

/// One open referral as the "Measures due" list sees it: who, the dates the schedule is read
/// against, and the measures already taken.
#[derive(Debug, Clone)]
pub struct OpenMeasureFacts {
    pub referral_id: String,
    pub person_id: String,
    pub given_name: String,
    pub family_name: String,
    pub worker_name: Option<String>,
    pub dates: linkwork_domain::casework::schedule::ReferralDates,
    pub taken: Vec<linkwork_domain::casework::schedule::TakenMeasure>,
}

/// Answers to a service's own questionnaire, checked against its definition.
#[derive(Debug, Clone)]
pub struct NewCustomMeasure {
    pub timepoint: linkwork_domain::measurement::instruments::Timepoint,
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
    pub reason: Option<linkwork_domain::casework::referral::DischargeReason>,
    pub needs: Vec<linkwork_domain::casework::need::NeedDomain>,
    pub first_contact_on: Option<Date>,
    pub discharged_on: Option<Date>,
}

/// A discharge with the outcome of each need (needs left out were not recorded).
#[derive(Debug, Clone)]
pub struct Discharge<'a> {
    pub on: Date,
    pub reason: linkwork_domain::casework::referral::DischargeReason,
    pub summary: Option<&'a str>,
    pub resolutions: &'a [(linkwork_domain::casework::need::NeedDomain, linkwork_domain::evaluation::resolution::NeedResolution)],
}

/// A closing questionnaire not taken at discharge, and why.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureNotTaken {
    pub instrument: Instrument,
    pub timepoint: Timepoint,
    pub reason: NotTakenReason,
    pub recorded_on: Date,
}
