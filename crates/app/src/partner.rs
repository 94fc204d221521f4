//! What a VCSE partner does with an onward referral sent to them: accept or decline it, and report
//! progress (started, attended, completed, dropped out).

use linkwork_domain::ids::OnwardId;
use crate::access::partner_referral;
use crate::clock::today;
use crate::forms::{Checker, Fields};
use crate::AppError;
use linkwork_domain::access::Actor;
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus, PartnerResponse};
use linkwork_store::{AuditActor, OnwardChange, Store};

/// A partner's answer or progress report: `action` is accept, decline (with `decline_reason`),
/// started, attended, completed or dropped_out, on `happened_on` (today when not given; never in
/// the future, before the referral was sent or before the last change). The change, its history row and the link
/// worker's notification are written in one transaction; a change the lifecycle does not allow
/// (or that someone else made first) is refused with nothing written.
pub async fn partner_respond(store: &dyn Store, actor: &Actor, who: &AuditActor, onward_id: &OnwardId, f: &Fields) -> Result<OnwardStatus, AppError> {
    let referral = partner_referral(store, actor, onward_id).await?;
    // The answer and the day it happened are checked together, so the form shows both problems.
    let events = store.onward_events(onward_id).await?;
    let mut c = Checker::default();
    let response = c.check(PartnerResponse::parse(f.get("action"), || OnwardDeclineReason::parse(f.get("decline_reason"))));
    let on = c.check(crate::corrections::happened_on(f, referral.onward.sent_on, &events, today()));
    let (Some(response), Some(on)) = (response, on) else {
        return Err(AppError::Invalid(c.into_errors()));
    };
    let from = referral.onward.status;
    let to = from.respond(response)?;
    let decline_reason = response.decline_reason();
    let others = store.referral_onward(&referral.onward.referral_id).await?;
    let this = others.iter().find(|o| o.onward_id == onward_id.as_str()).ok_or(AppError::NotFound)?;
    let notify = [crate::onward_loop::change_notification(this, to, decline_reason, &others)];
    store.answer_onward(who, onward_id, &OnwardChange { from, to, on, decline_reason }, &notify).await?;
    Ok(to)
}

