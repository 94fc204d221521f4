//! Reading a referral's record for FHIR and the GP record: access decided here (the PCN's casework
//! staff, or the GP practice that referred), the read audited by the store.

use linkwork_domain::ids::ReferralId;
use super::resources::RecordContext;
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::interop::snomed_maps::SnomedScoreMap;
use linkwork_store::{AuditActor, Org, ReferralRecord, Store};

/// A referral this client may read, with the organisations its resources name.
pub struct Loaded {
    pub record: ReferralRecord,
    pub pcn: Org,
    pub practice: Option<Org>,
    /// The SNOMED CT concepts the PCN's service sends scores as (`linkwork settings snomed-scores`).
    pub score_codes: SnomedScoreMap,
}

impl Loaded {
    /// The record's context for the resource builders; `base` is the deployment's public address.
    pub fn ctx<'a>(&'a self, base: &'a str) -> RecordContext<'a> {
        RecordContext { record: &self.record, pcn: &self.pcn, practice: self.practice.as_ref(), base, score_codes: &self.score_codes }
    }
}

/// Reads a referral's record (audited as `referral.read`) for a casework actor of its PCN or the
/// GP practice that referred it ([`Actor::may_read_referral`]): 403 for every id for other roles
/// (VCSE partners included), 404 for other organisations' referrals and unknown ids.
pub async fn load(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &ReferralId) -> Result<Loaded, AppError> {
    if !actor.role.reads_referral_records() {
        return Err(AppError::Forbidden);
    }
    let header = store.referral_header(referral_id).await?.ok_or(AppError::NotFound)?;
    if !actor.may_read_referral(&header.service_org_id, header.referred_by_org_id.as_deref()) {
        return Err(AppError::NotFound);
    }
    let mut record = store.referral_record(who, referral_id).await?.ok_or(AppError::NotFound)?;
    if !actor.role.does_casework() {
        // A practice whose referral named someone the service holds with another name or date
        // of birth sees the person it sent until a link worker settles who it is.
        if let Some(conflict) = store.referral_identity_conflicts(referral_id).await?.into_iter().find(|c| c.open) {
            show_stored_person(&mut record, &conflict.incoming);
        }
    }
    load_orgs(store, record).await
}

/// Shows the details a referral was sent with in place of the held person's.
pub fn show_sent_person(record: &mut ReferralRecord, sent: &linkwork_domain::person::PersonDetails) {
    let practice_id = record.referral.practice_id.clone();
    let stored = linkwork_domain::person::identity::StoredDetails::of(&linkwork_domain::person::identity::HeldDetails { person: sent.clone(), practice_id });
    show_stored_person(record, &stored);
}

fn show_stored_person(record: &mut ReferralRecord, sent: &linkwork_domain::person::identity::StoredDetails) {
    let p = &mut record.person;
    p.given_name = sent.given_name.clone();
    p.family_name = sent.family_name.clone();
    p.date_of_birth = sent.date_of_birth;
    if let Ok(sex) = linkwork_domain::person::Sex::parse(&sent.sex) {
        p.sex = sex;
    }
    if let Ok(ethnicity) = linkwork_domain::person::Ethnicity::parse(&sent.ethnicity) {
        p.ethnicity = ethnicity;
    }
    if let Ok(postcode) = linkwork_domain::Postcode::parse(&sent.postcode) {
        p.postcode = postcode;
    }
}

/// Looks up the PCN and practice of a record already read.
pub async fn load_orgs(store: &dyn Store, record: ReferralRecord) -> Result<Loaded, AppError> {
    let pcn = store.org(&record.referral.service_org_id).await?.ok_or(AppError::NotFound)?;
    let practice = match &record.referral.practice_id {
        Some(id) => store.org(id).await?,
        None => None,
    };
    let score_codes = store.snomed_score_map(&pcn.id).await?;
    Ok(Loaded { record, pcn, practice, score_codes })
}

