//! Audit inputs and read models: the actor, reads to record, stored events and entries, the
//! chain check's report, and the subject id of an incoming referral.

use linkwork_domain::audit_chain::Break;
use serde::Serialize;
use time::OffsetDateTime;

/// Who is acting, for the audit trail: a signed-in user or an API token, of one organisation.
#[derive(Debug, Clone, Default)]
pub struct AuditActor {
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub org_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: String,
    pub at: OffsetDateTime,
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub person_id: Option<String>,
}

/// The subject id under which audit events about an incoming referral are kept (it has no
/// person yet; once converted, its events belong with the person's).
pub fn incoming_subject(incoming_id: &str) -> String {
    format!("incoming:{incoming_id}")
}

/// A read of personal data to record: one person, or everyone a list showed.
#[derive(Debug, Clone)]
pub struct ReadAudit {
    /// What was read, e.g. `caseload.read`, `people.search`.
    pub action: String,
    /// For a single record, its kind (`referral`, `incoming`, …); lists are recorded as `list`.
    pub entity: String,
    /// The record read, or for a list what it was a list of (a service id, a query kind).
    pub entity_id: String,
    /// The people shown (person ids). Empty when the read showed nobody.
    pub people: Vec<String>,
}

impl ReadAudit {
    /// A list read showing `people`.
    pub fn list(action: &str, of: &str, people: impl IntoIterator<Item = String>) -> Self {
        Self { action: action.to_owned(), entity: "list".to_owned(), entity_id: of.to_owned(), people: people.into_iter().collect() }
    }

    /// A read of one record about one person.
    pub fn one(action: &str, entity: &str, entity_id: &str, person_id: &str) -> Self {
        Self { action: action.to_owned(), entity: entity.to_owned(), entity_id: entity_id.to_owned(), people: vec![person_id.to_owned()] }
    }
}

/// The outcome of walking the audit chain.
#[derive(Debug, Clone)]
pub struct ChainReport {
    /// Events checked before the end or the first break.
    pub checked: u64,
    /// The head the database records: the last event's sequence number and hash.
    pub head_seq: i64,
    pub head_hash: String,
    /// The first broken link, if any.
    pub broken: Option<Break>,
}

/// Filters for a service's audit trail (the manager's audit view).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub service_org_id: String,
    pub person_id: Option<String>,
    pub user_id: Option<String>,
    /// Actions starting with this (e.g. `referral.`).
    pub action: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    pub limit: i64,
    pub offset: i64,
}

/// One audit event with the names a person reading the trail needs.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub seq: Option<i64>,
    pub at: OffsetDateTime,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub person_id: Option<String>,
    /// For a list read: the person ids shown, space-separated.
    pub people: Option<String>,
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub org_id: Option<String>,
    pub user_name: Option<String>,
    pub org_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nhs_number: Option<String>,
}

impl AuditEntry {
    /// How many people the event concerns.
    pub fn people_count(&self) -> usize {
        match &self.people {
            Some(list) => list.split(' ').filter(|p| !p.is_empty()).count(),
            None => usize::from(self.person_id.is_some()),
        }
    }
}
