//! What goes into and comes out of the store for privacy: the audit trail, the history of a
//! person's details and identity conflicts, consent, and the people's rights (subject access,
//! erasure, restriction, retention).

use linkwork_domain::audit_chain::Break;
use linkwork_domain::identity::{ConflictResolution, DetailsSource, FieldChange, PersonField, StoredDetails};
use serde::Serialize;
use time::{Date, OffsetDateTime};

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

// ---- identity: conflicts and the history of a person's details ----

/// A referral whose person did not match the person held under its NHS number.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityConflict {
    pub id: String,
    pub person_id: String,
    pub referral_id: String,
    pub source: DetailsSource,
    pub raised_at: OffsetDateTime,
    /// What the referral brought.
    pub incoming: StoredDetails,
    /// What is held now.
    pub held: StoredDetails,
    pub open: bool,
    pub resolution: Option<ConflictResolution>,
    pub resolved_at: Option<OffsetDateTime>,
}

impl IdentityConflict {
    /// The details that differ, held first.
    pub fn differences(&self) -> Vec<FieldChange> {
        let (h, i) = (&self.held, &self.incoming);
        let mut out = Vec::new();
        let mut add = |field, old: String, new: String| {
            if old != new {
                out.push(FieldChange { field, old_value: Some(old), new_value: Some(new) });
            }
        };
        add(PersonField::GivenName, h.given_name.clone(), i.given_name.clone());
        add(PersonField::FamilyName, h.family_name.clone(), i.family_name.clone());
        add(PersonField::DateOfBirth, h.date_of_birth.to_string(), i.date_of_birth.to_string());
        add(PersonField::Sex, h.sex.clone(), i.sex.clone());
        add(PersonField::Ethnicity, h.ethnicity.clone(), i.ethnicity.clone());
        add(PersonField::Postcode, h.postcode.clone(), i.postcode.clone());
        add(PersonField::Practice, h.practice_id.clone().unwrap_or_default(), i.practice_id.clone().unwrap_or_default());
        out
    }
}

/// One change to a person's details, as the history shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PersonChange {
    pub at: OffsetDateTime,
    #[sqlx(try_from = "String")]
    pub source: DetailsSource,
    #[sqlx(try_from = "String")]
    pub field: PersonField,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub user_id: Option<String>,
    pub token_id: Option<String>,
    pub by_name: Option<String>,
    pub by_org: Option<String>,
    pub conflict_id: Option<String>,
}

// ---- consent, restriction, erasure, retention ----

/// The person's consent to share with one partner organisation.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SharingConsent {
    pub org_id: String,
    pub org_name: String,
    pub given_on: Date,
    pub withdrawn_on: Option<Date>,
}

/// Where a person's record stands on erasure and restriction.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PersonPrivacy {
    pub person_id: String,
    pub service_org_id: String,
    pub erased_at: Option<OffsetDateTime>,
    pub erasure_reason: Option<String>,
    pub restricted_at: Option<OffsetDateTime>,
    pub restriction_reason: Option<String>,
}

/// Why a record is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureGround {
    /// The person asked (UK GDPR article 17), recorded by a manager with a reason.
    Request,
    /// The service's retention period ended.
    Retention,
}

impl ErasureGround {
    pub fn code(self) -> &'static str {
        match self {
            ErasureGround::Request => "request",
            ErasureGround::Retention => "retention",
        }
    }
}

/// What else is held about a person besides their referral records, for subject access.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PersonExtras {
    /// Incoming referrals (self or partner) that became the person's referrals.
    pub incoming: Vec<crate::model::Incoming>,
    /// GP and hospital activity imported for the person: date, type, bed days, source.
    pub health_activity: Vec<(Date, String, Option<i64>, String)>,
    /// Qualitative evidence linked to the person: title, kind, the text, when recorded.
    pub evidence: Vec<(String, String, String, Date)>,
}

