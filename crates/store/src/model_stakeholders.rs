//! Inputs and read models of the stakeholder slice of the evaluation (`StakeholderStore`): link
//! workers' own wellbeing check-ins, stakeholder plans and qualitative evidence.

use linkwork_domain::stakeholders::staff_wellbeing::CheckIn;
use serde::Serialize;
use time::Date;

/// A check-in a link worker records about themselves.
#[derive(Debug, Clone)]
pub struct NewCheckIn {
    pub service_org_id: String,
    pub worker_id: String,
    pub checked_in_on: Date,
    pub check_in: CheckIn,
}

/// One of a link worker's own check-ins, read back only for them.
#[derive(Debug, Clone, Serialize)]
pub struct StoredCheckIn {
    pub id: String,
    pub checked_in_on: Date,
    pub check_in: CheckIn,
}

/// A stakeholder group a manager adds to the service's evaluation plan.
#[derive(Debug, Clone)]
pub struct NewStakeholder {
    pub service_org_id: String,
    pub kind: linkwork_domain::stakeholders::scorecard::StakeholderKind,
    pub name: String,
    pub created_by: String,
}

/// A success statement of a stakeholder.
#[derive(Debug, Clone)]
pub struct NewSuccessStatement {
    pub statement: String,
    pub measure: linkwork_domain::stakeholders::scorecard::Measure,
    pub applies: linkwork_domain::evaluation::Period,
}

/// Qualitative evidence as entered by a link worker or manager, with its consent.
#[derive(Debug, Clone)]
pub struct NewEvidence {
    pub service_org_id: String,
    /// The person it is about (whose identifiers are removed), if any.
    pub person_id: Option<String>,
    pub kind: linkwork_domain::stakeholders::evidence::EvidenceKind,
    pub title: String,
    pub text: String,
    pub outcome_domains: Vec<linkwork_domain::stakeholders::evidence::OutcomeDomain>,
    pub needs: Vec<linkwork_domain::need::NeedDomain>,
    pub stakeholders: Vec<linkwork_domain::stakeholders::scorecard::StakeholderKind>,
    pub consent_given_on: Date,
    pub consent_by: linkwork_domain::stakeholders::evidence::ConsentGivenBy,
    pub consent_use: linkwork_domain::stakeholders::evidence::ConsentUse,
    pub recorded_by: String,
    pub recorded_on: Date,
}

/// An evidence item for the service's list and the manager's review. `known` holds the linked
/// person's identifiers (read with an audit event) so the anonymised text can be shown.
#[derive(Debug, Clone)]
pub struct EvidenceItem {
    pub id: String,
    pub kind: linkwork_domain::stakeholders::evidence::EvidenceKind,
    pub title: String,
    pub text: String,
    pub outcome_domains: Vec<linkwork_domain::stakeholders::evidence::OutcomeDomain>,
    pub needs: Vec<linkwork_domain::need::NeedDomain>,
    pub stakeholders: Vec<linkwork_domain::stakeholders::scorecard::StakeholderKind>,
    pub consent_given_on: Date,
    pub consent_by: linkwork_domain::stakeholders::evidence::ConsentGivenBy,
    pub consent_use: linkwork_domain::stakeholders::evidence::ConsentUse,
    pub recorded_on: Date,
    pub linked_to_person: bool,
    pub approved_text: Option<String>,
}
