//! Who may see and change what, for the use cases: the role is checked before any id is looked up
//! (the same 403 for a real id as for a made-up one), and another organisation's record answers
//! `NotFound` like an unknown id, so ids cannot be probed. The rules themselves are
//! `linkwork_domain::access`; this applies them to what the store holds.

use linkwork_domain::ids::OnwardId;
use linkwork_domain::ids::ReferralId;
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_store::{PartnerReferral, ReferralHeader, Store};

/// The header of a referral this actor may work on. A role that does no casework is refused
/// before the id is looked up (the same 403 for a real id as for a made-up one); another
/// service's referral answers `NotFound`, like an unknown id, so ids cannot be probed.
pub async fn casework_referral(store: &dyn Store, actor: &Actor, referral_id: &ReferralId) -> Result<ReferralHeader, AppError> {
    require_casework(actor)?;
    let header = store.referral_header(referral_id).await?.ok_or(AppError::NotFound)?;
    if !actor.may_access_casework(&header.service_org_id) {
        return Err(AppError::NotFound);
    }
    Ok(header)
}

/// The header of a referral this actor may change: as [`casework_referral`], and refused while
/// the person's record is restricted (UK GDPR article 18).
pub async fn casework_change(store: &dyn Store, actor: &Actor, referral_id: &ReferralId) -> Result<ReferralHeader, AppError> {
    let header = casework_referral(store, actor, referral_id).await?;
    if header.restricted {
        return Err(AppError::Conflict("This person's record is restricted at their request: it cannot be changed until a manager lifts the restriction".into()));
    }
    Ok(header)
}

pub fn require_casework(actor: &Actor) -> Result<(), AppError> {
    if actor.role.does_casework() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// An onward referral this partner may act on; `NotFound` for anyone else's.
pub async fn partner_referral(store: &dyn Store, actor: &Actor, onward_id: &OnwardId) -> Result<PartnerReferral, AppError> {
    if actor.role != Role::VcsePartner {
        return Err(AppError::Forbidden);
    }
    let referral = store.partner_referral(onward_id).await?.ok_or(AppError::NotFound)?;
    if !actor.may_answer_onward(&referral.onward.provider_org_id) {
        return Err(AppError::NotFound);
    }
    Ok(referral)
}

