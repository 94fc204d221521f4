//! [`EvaluationInput`]: everything one evaluation reads, as the storage layer loads it — the shared
//! facts ([`super::facts`]) and each section's own facts. Sections never take the whole input (they
//! take the parts they read), so this module may import every section's facts type.

use crate::evaluation::facts::{MeasureFacts, OnwardFacts, PracticeFacts, ReferralFacts};

#[derive(Debug, Clone, Default)]
pub struct EvaluationInput {
    pub scope_name: String,
    pub practices: Vec<PracticeFacts>,
    pub referrals: Vec<ReferralFacts>,
    pub measures: Vec<MeasureFacts>,
    pub onward: Vec<OnwardFacts>,
    /// The list profile and referred people's groups (`equity`).
    pub equity: crate::evaluation::equity::EquityFacts,
    /// Link workers, casework and the service's own referral-rate targets (`workforce`).
    pub workforce: crate::evaluation::workforce::WorkforceFacts,
    /// Needs, onward referrals with their activity types, contacts (`what_works`).
    pub what_works: crate::evaluation::what_works::WhatWorksFacts,
    /// Staff check-ins, stakeholder plans and qualitative evidence (`stakeholders`).
    pub stakeholders: crate::evaluation::stakeholders::StakeholderFacts,
    /// Discharged referrals' needs and what happened with each (`resolution`).
    pub sdoh: Vec<crate::evaluation::resolution::ResolutionFacts>,
    /// The services' own questionnaires and their answers (`evaluation_custom`).
    pub custom_instruments: Vec<crate::measurement::custom_instrument::CustomInstrument>,
    pub custom_measures: Vec<crate::measurement::custom_instrument::CustomMeasureFacts>,
    /// Health-system contacts, referral dates and the tariff (`health_system`).
    pub health: crate::evaluation::health_system::HealthSystemInput,
    /// Registered patients who were not referred, with their contacts (`comparison`).
    pub comparison: crate::evaluation::comparison::ComparisonFacts,
    /// The service's SROI model (`sroi`), or why there is none.
    pub sroi: crate::evaluation::sroi::SroiSetting,
}
