//! Outcome measurement: each service's schedule of measures, the facts the due/overdue list is
//! computed from, self-completed and custom questionnaires, and discharges with what happened to
//! each need ([`MeasurementStore`]).

pub mod model;
pub use model::*;

use crate::Result;
use crate::audit::AuditActor;
use async_trait::async_trait;
use linkwork_domain::casework::referral::ReferralStatus;

/// Measurement (issue 5): each service's schedule of outcome measures, the facts of open referrals
/// the due/overdue list is computed from, and measures a person completed themselves.
#[async_trait]
pub trait MeasurementStore: Send + Sync {
    /// The SNOMED CT concepts the service sends its questionnaire scores as (empty: none).
    async fn snomed_score_map(&self, service_org_id: &str) -> Result<linkwork_domain::interop::snomed_maps::SnomedScoreMap>;
    /// Replaces the service's score mapping (an empty one removes it); audited.
    async fn set_snomed_score_map(&self, who: &AuditActor, service_org_id: &str, map: &linkwork_domain::interop::snomed_maps::SnomedScoreMap) -> Result<()>;
    /// The service's schedule; `None` when it has not set one (callers use the default).
    async fn measurement_schedule(&self, service_org_id: &str) -> Result<Option<linkwork_domain::casework::schedule::MeasurementSchedule>>;
    /// Replaces the service's schedule (audited, without a person).
    async fn set_measurement_schedule(&self, who: &AuditActor, service_org_id: &str, schedule: &linkwork_domain::casework::schedule::MeasurementSchedule) -> Result<()>;
    /// The service's open referrals (optionally one link worker's, with the unassigned ones),
    /// oldest referral first. Reads no record, so writes no audit event: callers show names only.
    async fn open_measure_facts(&self, service_org_id: &str, worker_id: Option<&str>) -> Result<Vec<OpenMeasureFacts>>;
    /// As [`CaseworkStore::add_measure`], marked as completed by the person themselves.
    async fn add_self_completed_measure(&self, who: &AuditActor, referral_id: &str, measure: &NewMeasure) -> Result<String>;
    /// Discharges a referral (as [`CaseworkStore::change_referral`] with a discharge:
    /// compare-and-set on `from`, audited) and records what happened with each need, in one transaction.
    async fn discharge_with_resolutions(&self, who: &AuditActor, referral_id: &str, from: ReferralStatus, discharge: &Discharge<'_>) -> Result<()>;
    /// The distinct needs identified on a referral (at referral or in conversation), in list order.
    async fn referral_needs(&self, referral_id: &str) -> Result<Vec<linkwork_domain::casework::need::NeedDomain>>;
    /// Records what happened with needs of an already discharged referral (corrections, demo data),
    /// replacing earlier answers for the same needs; audited, in one transaction.
    async fn record_need_resolutions(&self, who: &AuditActor, referral_id: &str, resolutions: &[(linkwork_domain::casework::need::NeedDomain, linkwork_domain::evaluation::resolution::NeedResolution)]) -> Result<()>;
    /// The service's discharged referrals: id, assigned link worker, discharge reason and needs.
    async fn discharged_referrals(&self, service_org_id: &str) -> Result<Vec<DischargedReferral>>;
    /// Stores a service's own questionnaire under its code (unique); returns its id.
    async fn create_custom_instrument(&self, who: &AuditActor, service_org_id: &str, instrument: &linkwork_domain::measurement::custom_instrument::CustomInstrument) -> Result<String>;
    /// A service's own questionnaires (id and definition), oldest first.
    async fn custom_instruments(&self, service_org_id: &str) -> Result<Vec<(String, linkwork_domain::measurement::custom_instrument::CustomInstrument)>>;
    /// Records answers to a service's own questionnaire (audited); `answers` must have been checked
    /// with `CustomInstrument::parse_answers`.
    async fn add_custom_measure(&self, who: &AuditActor, referral_id: &str, instrument_id: &str, measure: &NewCustomMeasure) -> Result<String>;
    /// A referral's answers to the service's own questionnaires: instrument code, timepoint, date, answers.
    async fn custom_measures(&self, referral_id: &str) -> Result<Vec<linkwork_domain::measurement::custom_instrument::CustomMeasureFacts>>;
    /// What was recorded at discharge about each need of a referral.
    async fn need_resolutions(&self, referral_id: &str) -> Result<Vec<(linkwork_domain::casework::need::NeedDomain, linkwork_domain::evaluation::resolution::NeedResolution)>>;
}
