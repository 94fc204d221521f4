//! Inputs and read models of the evaluation's slices: health activity rows, check-ins, stakeholders
//! and success statements, qualitative evidence, community activities and link workers' time.

use linkwork_domain::evaluation::stakeholders::staff_wellbeing::CheckIn;
use serde::Serialize;
use time::Date;

#[derive(Debug, Clone)]
pub struct NewCommunityActivity {
    pub service_org_id: String,
    pub worker_id: String,
    pub activity_on: Date,
    pub kind: linkwork_domain::directory::community::ActivityKind,
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
    pub kind: linkwork_domain::directory::community::ActivityKind,
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
    pub kind: linkwork_domain::evaluation::stakeholders::scorecard::StakeholderKind,
    pub name: String,
    pub created_by: String,
}

/// A success statement of a stakeholder.
#[derive(Debug, Clone)]
pub struct NewSuccessStatement {
    pub statement: String,
    pub measure: linkwork_domain::evaluation::stakeholders::scorecard::Measure,
    pub applies: linkwork_domain::evaluation::Period,
}

/// Qualitative evidence as entered by a link worker or manager, with its consent.
#[derive(Debug, Clone)]
pub struct NewEvidence {
    pub service_org_id: String,
    /// The person it is about (whose identifiers are removed), if any.
    pub person_id: Option<String>,
    pub kind: linkwork_domain::evaluation::stakeholders::evidence::EvidenceKind,
    pub title: String,
    pub text: String,
    pub outcome_domains: Vec<linkwork_domain::evaluation::stakeholders::evidence::OutcomeDomain>,
    pub needs: Vec<linkwork_domain::casework::need::NeedDomain>,
    pub stakeholders: Vec<linkwork_domain::evaluation::stakeholders::scorecard::StakeholderKind>,
    pub consent_given_on: Date,
    pub consent_by: linkwork_domain::evaluation::stakeholders::evidence::ConsentGivenBy,
    pub consent_use: linkwork_domain::evaluation::stakeholders::evidence::ConsentUse,
    pub recorded_by: String,
    pub recorded_on: Date,
}

/// An evidence item for the service's list and the manager's review. `known` holds the linked
/// person's identifiers (read with an audit event) so the anonymised text can be shown.
#[derive(Debug, Clone)]
pub struct EvidenceItem {
    pub id: String,
    pub kind: linkwork_domain::evaluation::stakeholders::evidence::EvidenceKind,
    pub title: String,
    pub text: String,
    pub outcome_domains: Vec<linkwork_domain::evaluation::stakeholders::evidence::OutcomeDomain>,
    pub needs: Vec<linkwork_domain::casework::need::NeedDomain>,
    pub stakeholders: Vec<linkwork_domain::evaluation::stakeholders::scorecard::StakeholderKind>,
    pub consent_given_on: Date,
    pub consent_by: linkwork_domain::evaluation::stakeholders::evidence::ConsentGivenBy,
    pub consent_use: linkwork_domain::evaluation::stakeholders::evidence::ConsentUse,
    pub recorded_on: Date,
    pub linked_to_person: bool,
    pub approved_text: Option<String>,
}

/// One imported contact, for a person the service knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHealthActivity {
    pub person_id: String,
    pub contact_on: Date,
    pub contact_type: linkwork_domain::evaluation::health_system::ContactType,
    pub bed_days: Option<u32>,
    /// The system or extract; empty when not given.
    pub source: String,
    /// See `linkwork_domain::interop::import::activity_csv` (identical rows of a file).
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
