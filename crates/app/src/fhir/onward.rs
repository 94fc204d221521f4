//! Onward referrals as FHIR Tasks (the closed loop of the HL7 Gravity SDOH guide): each is a Task
//! `partOf` its referral's Task, owned by the community organisation. Read here with access
//! decided and audited as every other read: the partner organisation sees its own, naming the
//! person only by name (as the partner portal does, never the NHS number); the referral's service
//! sees them in full. Moving a Task goes through `crate::partner::partner_respond`, the use case
//! behind the partner portal.

use super::records::{load, Loaded};
use super::resources::{self, OnwardParties};
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_domain::ids::{OnwardId, ReferralId};
use linkwork_store::{AuditActor, OnwardReferral, PartnerReferral, Store};
use serde_json::{json, Value};

/// A partner's view: the person by name, the link worker who sent it, how to reach the person
/// while they agree to share with the partner (as `input`s).
fn partner_task(p: &PartnerReferral, base: &str) -> Value {
    let requester = json!({ "display": p.link_worker_name.clone().unwrap_or_else(|| "Social prescribing link worker".into()) });
    let mut task = resources::onward_task(&p.onward, OnwardParties { person: json!({ "display": p.person_name }), requester, focus: None }, base);
    if let (Some(contact), Some(inputs)) = (&p.contact_details, task["input"].as_array_mut()) {
        inputs.extend(contact.summary().into_iter().map(|(label, value)| json!({ "type": { "text": label }, "valueString": value })));
    }
    task
}

/// The service's view of one of its referral's onward Tasks.
fn service_task(loaded: &Loaded, o: &OnwardReferral, base: &str) -> Value {
    let r = &loaded.record.referral;
    let requester = json!({ "display": r.worker_name.clone().unwrap_or_else(|| loaded.pcn.name.clone()) });
    let person = json!({ "identifier": { "system": resources::NHS_NUMBER_SYSTEM, "value": loaded.record.person.nhs_number.as_str() } });
    let focus = Some(json!({ "reference": format!("ServiceRequest/{}", r.id) }));
    resources::onward_task(o, OnwardParties { person, requester, focus }, base)
}

/// One onward referral's Task, as `actor` may see it; `NotFound` when it may not.
pub async fn onward_task(store: &dyn Store, actor: &Actor, who: &AuditActor, onward_id: &OnwardId, base: &str) -> Result<Value, AppError> {
    if actor.role == Role::VcsePartner {
        let referral = crate::reads::partner_referral(store, actor, who, onward_id).await?;
        return Ok(partner_task(&referral, base));
    }
    if !actor.role.does_casework() {
        return Err(AppError::NotFound);
    }
    let referral_id = store.partner_referral(onward_id).await?.ok_or(AppError::NotFound)?.onward.referral_id;
    let loaded = load(store, actor, who, &ReferralId::from(referral_id)).await?;
    let onward = loaded.record.onward.iter().find(|o| o.id == onward_id.as_str()).ok_or(AppError::NotFound)?;
    Ok(service_task(&loaded, onward, base))
}

/// The onward Tasks of the partner's organisation, every one (the caller filters).
pub async fn partner_tasks(store: &dyn Store, actor: &Actor, who: &AuditActor, base: &str) -> Result<Vec<Value>, AppError> {
    let referrals = crate::reads::partner_referrals(store, actor, who).await?;
    Ok(referrals.iter().map(|p| partner_task(p, base)).collect())
}

/// The onward Tasks of a referral the service holds (none for a practice, which follows its
/// referral's own Task).
pub fn referral_onward_tasks(actor: &Actor, loaded: &Loaded, base: &str) -> Vec<Value> {
    if !actor.role.does_casework() {
        return Vec::new();
    }
    loaded.record.onward.iter().map(|o| service_task(loaded, o, base)).collect()
}
