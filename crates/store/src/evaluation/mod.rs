//! The facts the evaluation and its sections are computed from: the core evaluation input
//! ([`EvaluationStore`]), equity reference data and the workforce ([`EquityStore`]), link workers'
//! wellbeing, stakeholder plans and evidence ([`StakeholderStore`]), the word cloud's texts
//! ([`WordCloudStore`]), community work ([`CommunityStore`]) and health-system activity, tariff and
//! SROI model ([`ActivityStore`]).

pub mod model;
mod scope;
pub use model::*;
pub use scope::{evaluation_report, icb_scope, pcn_scope, practice_scope, scope_for_org, scoped_input, scoped_report};

use crate::Result;
use crate::audit::AuditActor;
use async_trait::async_trait;
use linkwork_domain::evaluation::EvaluationInput;
use time::Date;

#[async_trait]
pub trait EvaluationStore: Send + Sync {
    /// The facts the evaluation needs for the given services (PCNs), for referrals up to `to`.
    async fn evaluation_input(&self, scope_name: &str, service_org_ids: &[String], to: Date) -> Result<EvaluationInput>;
    /// A token that changes with every committed write that may change what the evaluation
    /// reads (and only then, give or take a write that changed nothing): figures computed after
    /// reading it are current until it changes, so caches of figures are keyed by it.
    async fn data_version(&self) -> Result<String>;
}

/// Link workers' community work.
#[async_trait]
pub trait CommunityStore: Send + Sync {
    async fn add_community_activity(&self, activity: &NewCommunityActivity) -> Result<String>;
    /// A service's community activities from `from` on, newest first.
    async fn community_activities(&self, service_org_id: &str, from: Date) -> Result<Vec<CommunityActivity>>;
    /// Per link worker of the service: community and contact minutes between `from` and `to`.
    async fn worker_time(&self, service_org_id: &str, from: Date, to: Date) -> Result<Vec<WorkerTime>>;
}

/// The stakeholder slice of the evaluation: link workers' own wellbeing check-ins.
#[async_trait]
pub trait StakeholderStore: Send + Sync {
    async fn add_check_in(&self, check_in: &NewCheckIn) -> Result<String>;
    /// A link worker's own check-ins, newest first. Only ever shown to that link worker.
    async fn own_check_ins(&self, worker_id: &str) -> Result<Vec<StoredCheckIn>>;
    async fn add_stakeholder(&self, stakeholder: &NewStakeholder) -> Result<String>;
    /// A service's evaluation plan: its stakeholders (by name) with their statements (oldest first).
    async fn stakeholder_plan(&self, service_org_id: &str) -> Result<Vec<linkwork_domain::evaluation::stakeholders::scorecard::Stakeholder>>;
    /// One stakeholder with its statements, only if it belongs to `service_org_id`.
    async fn stakeholder(&self, service_org_id: &str, stakeholder_id: &str) -> Result<Option<linkwork_domain::evaluation::stakeholders::scorecard::Stakeholder>>;
    /// Adds a statement to a stakeholder of `service_org_id`; `StoreError::NotFound` otherwise.
    async fn add_success_statement(&self, service_org_id: &str, stakeholder_id: &str, statement: &NewSuccessStatement) -> Result<String>;
    /// The id of the person with this NHS number in `service_org_id` (no record is read).
    async fn person_id_by_nhs_number(&self, service_org_id: &str, nhs_number: &linkwork_domain::NhsNumber) -> Result<Option<String>>;
    /// Records qualitative evidence (audited against the person when linked to one).
    async fn add_evidence(&self, who: &AuditActor, evidence: &NewEvidence) -> Result<String>;
    /// A service's evidence items, newest first (no person's identifiers).
    async fn evidence_items(&self, service_org_id: &str) -> Result<Vec<EvidenceItem>>;
    /// One item of `service_org_id` with the linked person's identifiers for anonymising; reading
    /// them writes an audit event.
    async fn evidence_for_review(&self, who: &AuditActor, service_org_id: &str, id: &str) -> Result<Option<(EvidenceItem, linkwork_domain::evaluation::stakeholders::evidence::KnownIdentifiers)>>;
    /// Approves `approved_text` (the anonymised text the manager read) for publication.
    /// `StoreError::NotFound` when the item is not the service's.
    async fn approve_evidence(&self, who: &AuditActor, service_org_id: &str, id: &str, approved_text: &str) -> Result<()>;
}

#[async_trait]
pub trait ActivityStore: Send + Sync {
    /// The service's people as (NHS number, person id): who an activity row can belong to.
    async fn service_people_by_nhs(&self, service_org_id: &str) -> Result<Vec<(String, String)>>;
    /// Writes the contacts in one transaction; a contact already stored is counted, not written
    /// again. One audit event (`health_activity.import`) per person given contacts.
    async fn add_health_activity(&self, who: &AuditActor, service_org_id: &str, rows: &[NewHealthActivity]) -> Result<ActivityWrite>;
    /// Every stored contact of the service's people, oldest first.
    async fn health_activity(&self, service_org_id: &str) -> Result<Vec<linkwork_domain::evaluation::health_system::ActivityFact>>;
    /// The service's tariff; the default (verified) figures when it never saved one.
    async fn health_tariff(&self, service_org_id: &str) -> Result<linkwork_domain::evaluation::health_system::Tariff>;
    /// Replaces the service's tariff (every item; items left out become uncosted), audited.
    async fn set_health_tariff(&self, who: &AuditActor, service_org_id: &str, tariff: &linkwork_domain::evaluation::health_system::Tariff) -> Result<()>;
    /// The service's SROI model as the domain's JSON document, if it saved one.
    async fn sroi_model(&self, service_org_id: &str) -> Result<Option<String>>;
    async fn set_sroi_model(&self, who: &AuditActor, service_org_id: &str, model_json: &str) -> Result<()>;
}

/// Equity reference data (issue 5): postcode → LSOA (NSPL), LSOA → IMD 2019 decile, and the
/// registered list's make-up per practice. Reference files are public data about places, not
/// people, so their imports are not audited.
#[async_trait]
pub trait EquityStore: Send + Sync {
    /// Inserts or updates NSPL rows in one transaction (callers send large files in batches).
    async fn upsert_postcode_lsoas(&self, rows: &[linkwork_domain::evaluation::equity::PostcodeLsoa]) -> Result<u64>;
    /// Inserts or updates IMD File 7 rows in one transaction.
    async fn upsert_lsoa_deprivation(&self, rows: &[linkwork_domain::evaluation::equity::LsoaDeprivation]) -> Result<u64>;
    /// The IMD decile of a postcode's LSOA, when both lookups know it.
    async fn imd_decile(&self, postcode: &linkwork_domain::Postcode) -> Result<Option<linkwork_domain::evaluation::equity::ImdDecile>>;
    /// Every imported LSOA with its decile (about 33,000 rows), to turn a list by LSOA into quintiles.
    async fn lsoa_deciles(&self) -> Result<Vec<(String, linkwork_domain::evaluation::equity::ImdDecile)>>;
    /// Replaces, in one transaction, each (practice, dimension) present in `rows` with these counts.
    async fn set_list_profile(&self, rows: &[linkwork_domain::evaluation::equity::ListCount]) -> Result<u64>;
    /// A practice's list profile, by dimension and group.
    async fn list_profile(&self, practice_id: &str) -> Result<Vec<linkwork_domain::evaluation::equity::ListCount>>;
    /// Sets (or clears) a link worker's whole-time equivalent, audited. `NotFound` unless the user
    /// is a link worker of `service_org_id`.
    async fn set_worker_wte(&self, who: &AuditActor, service_org_id: &str, user_id: &str, wte: Option<f64>) -> Result<()>;
    /// Link workers' WTEs and a year's referral-rate target, saved together: all or nothing
    /// (`NotFound`, and nothing saved, if any user is not a link worker of `service_org_id`).
    async fn save_workforce(&self, who: &AuditActor, service_org_id: &str, wtes: &[(String, Option<f64>)], target: Option<&linkwork_domain::evaluation::workforce::YearTarget>) -> Result<()>;
    /// Link workers' WTE by user id (`None` when not recorded), for the team page.
    async fn worker_wtes(&self, service_org_id: &str) -> Result<Vec<(String, Option<f64>)>>;
    /// Sets the service's referral-rate target band for one financial year (replacing any).
    async fn set_referral_target(&self, service_org_id: &str, target: &linkwork_domain::evaluation::workforce::YearTarget) -> Result<()>;
    async fn referral_targets(&self, service_org_id: &str) -> Result<Vec<linkwork_domain::evaluation::workforce::YearTarget>>;
}

/// The "what matters to you" conversation text behind the dashboard's word cloud. Read only to be
/// counted: the words leave only through `linkwork_domain::evaluation::word_cloud::count_words`.
#[async_trait]
pub trait WordCloudStore: Send + Sync {
    /// The conversations held in `from..=to` for referrals of these services (of one practice, if
    /// given), keyed by person, and the given and family names of everyone those services hold, so
    /// names can be removed.
    async fn what_matters_texts(
        &self,
        service_org_ids: &[String],
        practice_id: Option<&str>,
        from: Date,
        to: Date,
    ) -> Result<(Vec<linkwork_domain::evaluation::word_cloud::Utterance>, Vec<String>)>;
}
