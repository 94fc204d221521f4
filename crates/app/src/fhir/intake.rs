//! A referral sent as a FHIR ServiceRequest: where it may go (the sender's PCN, and the practices
//! it may name), and saving it like any other referral (the identity rule decides whether the
//! NHS number's person is the one held). The FHIR parsing is the web shell's (`fhir::intake`).

use super::records::{show_sent_person, Loaded};
use crate::casework::referral_context;
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::interop::snomed_maps::SnomedNeedMap;
use linkwork_domain::person::identity::DetailsSource;
use linkwork_store::{AuditActor, NewReferral, Org, Store};

/// Where a ServiceRequest from this actor goes: the PCN, the practices it may name, and the
/// organisation to remember as the referrer. Roles that may not refer are refused.
pub struct Destination {
    pub pcn: Org,
    pub practices: Vec<Org>,
    pub referred_by_org_id: Option<String>,
    /// How the service reads reasons coded in SNOMED CT as needs.
    pub snomed_needs: SnomedNeedMap,
}

/// Link workers and managers send for their PCN; GP practice staff for their own practice.
pub async fn destination(store: &dyn Store, actor: &Actor) -> Result<Destination, AppError> {
    let context = referral_context(store, actor).await?;
    let pcn = store.org(&context.service_org_id).await?.ok_or(AppError::Forbidden)?;
    let snomed_needs = store.snomed_need_map(&pcn.id).await?;
    Ok(Destination { pcn, practices: context.practices, referred_by_org_id: context.referred_by_org_id, snomed_needs })
}

/// Saves the referral (source: FHIR) and reads it back as the sender may see it: when the NHS
/// number belongs to someone held with another name or date of birth, with what was sent, never
/// the details the service holds.
pub async fn create(store: &dyn Store, who: &AuditActor, to: Destination, referral: NewReferral) -> Result<(String, Loaded), AppError> {
    let sent = referral.person.clone();
    let id = store.create_referral_from(who, &referral, to.referred_by_org_id.as_deref(), DetailsSource::Fhir).await?;
    let mut record = store.referral_record(who, &id).await?.ok_or_else(|| AppError::Internal("referral missing after create".into()))?;
    if store.referral_identity_conflicts(&id).await?.iter().any(|c| c.open) {
        show_sent_person(&mut record, &sent);
    }
    let practice = to.practices.into_iter().find(|p| Some(&p.id) == record.referral.practice_id.as_ref());
    let score_codes = store.snomed_score_map(&to.pcn.id).await?;
    Ok((id, Loaded { record, pcn: to.pcn, practice, score_codes }))
}
