//! Read models of a person's identity and rights: identity conflicts, changes to their details,
//! sharing consents, erasure and restriction state, and what else is held about them.

use crate::casework::Incoming;
use linkwork_domain::person::identity::{ConflictResolution, DetailsSource, FieldChange, PersonField, StoredDetails};
use serde::Serialize;
use time::{Date, OffsetDateTime};

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
    pub incoming: Vec<Incoming>,
    /// GP and hospital activity imported for the person: date, type, bed days, source.
    pub health_activity: Vec<(Date, String, Option<i64>, String)>,
    /// Qualitative evidence linked to the person: title, kind, the text, when recorded.
    pub evidence: Vec<(String, String, String, Date)>,
}
