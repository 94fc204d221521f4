//! What the service's stakeholders (link workers themselves, commissioners, GPs, partners, the
//! people it supports) say success looks like, and the evidence beside the figures: staff
//! wellbeing check-ins ([`staff_wellbeing`]), stakeholder evaluation plans and their scorecards
//! ([`scorecard`]), and consented, anonymised qualitative evidence ([`evidence`]).
//!
//! The evaluation takes these as [`StakeholderFacts`] and returns [`StakeholderSections`], already
//! disclosure-controlled, flattened into the `Report` so its JSON keeps one key per section.

pub mod evidence;
pub mod scorecard;
pub mod staff_wellbeing;

use crate::evaluation::disclosure::SuppressionPolicy;
use crate::evaluation::facts::Period;
use serde::Serialize;

/// The facts the storage layer loads for these sections.
#[derive(Debug, Clone, Default)]
pub struct StakeholderFacts {
    /// Link workers' own wellbeing check-ins (never linked to a name here: only a stable id, so
    /// each person's latest check-in can be picked).
    pub check_ins: Vec<staff_wellbeing::CheckInFacts>,
    /// The service's stakeholder evaluation plan.
    pub plan: Vec<scorecard::Stakeholder>,
    /// Qualitative evidence, without any link to a person.
    pub evidence: Vec<evidence::EvidenceFacts>,
}

/// The report sections computed from [`StakeholderFacts`].
#[derive(Debug, Clone, Serialize)]
pub struct StakeholderSections {
    pub staff_wellbeing: staff_wellbeing::StaffWellbeing,
    /// The plan's statements that apply to the period, not yet scored: the report crate scores
    /// them against its published figures (see [`scorecard`] for why).
    pub stakeholder_plan: Vec<scorecard::Stakeholder>,
    /// Consented, approved, anonymised evidence recorded in the period.
    pub evidence: Vec<evidence::PublishedEvidence>,
}

/// Computes every section for `period`; small numbers are suppressed with `policy`.
pub fn sections(
    facts: &StakeholderFacts,
    period: Period,
    policy: SuppressionPolicy,
) -> StakeholderSections {
    StakeholderSections {
        staff_wellbeing: staff_wellbeing::summarise(&facts.check_ins, period, policy),
        stakeholder_plan: scorecard::applicable(&facts.plan, period),
        evidence: evidence::publishable(&facts.evidence, period),
    }
}
