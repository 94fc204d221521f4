//! The closed loop's use cases beyond a single answer (which is `casework::partner_respond`): who
//! hears about what, the link worker's prompts (stuck and bounced), the periodic reminders, and
//! notifications. The rules themselves are in `linkwork_domain::onward`; this module applies them
//! to stored referrals and turns them into notifications.

use linkwork_domain::ids::OnwardId;
use linkwork_domain::ids::ReferralId;
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use linkwork_domain::onward::{self, Notice, OnwardDeclineReason, OnwardStatus, WaitingPrompt};
use linkwork_store::{LoopOnward, NewNotification, Notification, OnwardEvent, Recipient, Store, StoreError};
use time::{Date, Duration};

/// Roles e-mailed when a notification goes to a link-worker service as a whole.
const SERVICE_ROLES: &[Role] = &[Role::LinkWorker, Role::Manager];

/// Where a link worker reads a referral.
pub fn record_link(referral_id: &str) -> String {
    format!("/referrals/{referral_id}")
}

/// Where a partner reads an onward referral.
pub fn partner_link(onward_id: &str) -> String {
    format!("/partner/referrals/{onward_id}")
}

/// The provider's organisation: a shared inbox, e-mailed to its partner staff.
pub fn provider_recipient(provider_org_id: &str) -> Recipient {
    Recipient::Org { org_id: provider_org_id.to_owned(), roles: vec![Role::VcsePartner] }
}

/// Who hears about an onward referral's progress: the referral's link worker, else whoever sent
/// it, else the whole service.
pub fn link_worker_recipient(o: &LoopOnward) -> Recipient {
    match o.worker_id.clone().or_else(|| o.sent_by.clone()) {
        Some(user_id) => Recipient::User { user_id, org_id: o.service_org_id.clone() },
        None => Recipient::Org { org_id: o.service_org_id.clone(), roles: SERVICE_ROLES.to_vec() },
    }
}

fn notification(recipient: Recipient, notice: Notice, link: String, dedup_key: Option<String>) -> NewNotification {
    NewNotification { recipient, kind: notice.kind, subject: notice.subject, body: notice.body, link: Some(link), dedup_key }
}

/// The notification of a new onward referral, for the provider.
pub fn sent_notification(onward_id: &str, provider_org_id: &str, service_name: &str) -> NewNotification {
    notification(provider_recipient(provider_org_id), onward::sent_notice(service_name), partner_link(onward_id), None)
}

/// The notification of a partner's change, for the link worker. `others` are the referral's
/// onward referrals as they were before the change.
pub fn change_notification(o: &LoopOnward, to: OnwardStatus, reason: Option<OnwardDeclineReason>, others: &[LoopOnward]) -> NewNotification {
    let after = others.iter().map(|x| (x.service_id.as_str(), if x.onward_id == o.onward_id { to } else { x.status }));
    let declining = onward::declining_services(after);
    let notice = onward::change_notice(to, reason, &o.service_name, Some(&o.given_name), declining);
    notification(link_worker_recipient(o), notice, record_link(&o.referral_id), None)
}

/// Sends the prompts due today for referrals waiting for an answer: a reminder to the service
/// after [`onward::REMIND_AFTER_DAYS`], and to the link worker when stuck after
/// [`onward::STUCK_AFTER_DAYS`]. Each is sent once, however often this runs (a `dedup_key` per
/// referral and prompt). Returns how many notifications were created.
pub async fn send_due_prompts(store: &dyn Store, today: Date) -> Result<usize, StoreError> {
    let mut created = 0;
    for o in store.waiting_onward(today - Duration::days(onward::REMIND_AFTER_DAYS)).await? {
        let Some(prompt) = onward::waiting_prompt(o.status, o.sent_on, today) else { continue };
        let days = onward::days_waiting(o.sent_on, today);
        let reminder = notification(provider_recipient(&o.provider_org_id), onward::reminder_notice(&o.service_name, days), partner_link(&o.onward_id), Some(format!("onward.reminder:{}", o.onward_id)));
        created += usize::from(store.notify(&reminder).await?);
        if prompt == WaitingPrompt::Stuck {
            let notice = onward::stuck_notice(&o.service_name, Some(&o.given_name), days);
            let stuck = notification(link_worker_recipient(&o), notice, record_link(&o.referral_id), Some(format!("onward.stuck:{}", o.onward_id)));
            created += usize::from(store.notify(&stuck).await?);
        }
    }
    Ok(created)
}

/// A person declined by two or more services within one referral.
#[derive(serde::Serialize)]
pub struct Bounced {
    pub referral_id: String,
    pub name: String,
    pub worker_name: Option<String>,
    /// The declined onward referrals.
    pub declines: Vec<LoopOnward>,
}

/// What needs a link worker's attention in the loop: stuck referrals and bounced people.
#[derive(serde::Serialize)]
pub struct Attention {
    pub stuck: Vec<LoopOnward>,
    pub bounced: Vec<Bounced>,
}

/// Stuck and bounced for a signed-in link worker (their people and unassigned ones), or for a
/// manager or an API token (the whole service).
pub async fn attention(store: &dyn Store, actor: &Actor, who: &linkwork_store::AuditActor, user_id: Option<&str>, today: Date) -> Result<Attention, AppError> {
    crate::access::require_casework(actor)?;
    let worker = user_id.filter(|_| actor.role == Role::LinkWorker);
    let all = store.service_onward(&actor.org_id, worker).await?;
    let stuck: Vec<LoopOnward> = all.iter().filter(|o| onward::is_stuck(o.status, o.sent_on, today)).cloned().collect();
    let mut bounced: Vec<Bounced> = Vec::new();
    let mut referral_ids: Vec<&str> = all.iter().map(|o| o.referral_id.as_str()).collect();
    referral_ids.sort_unstable();
    referral_ids.dedup();
    for referral_id in referral_ids {
        let of_referral: Vec<&LoopOnward> = all.iter().filter(|o| o.referral_id == referral_id).collect();
        if onward::is_bounced(of_referral.iter().map(|o| (o.service_id.as_str(), o.status))) {
            let first = of_referral[0];
            bounced.push(Bounced {
                referral_id: referral_id.to_owned(),
                name: format!("{} {}", first.given_name, first.family_name),
                worker_name: first.worker_name.clone(),
                declines: of_referral.into_iter().filter(|o| o.status == OnwardStatus::Declined).cloned().collect(),
            });
        }
    }
    bounced.sort_by(|a, b| b.declines.len().cmp(&a.declines.len()).then_with(|| a.name.cmp(&b.name)));
    let shown = stuck.iter().map(|o| o.person_id.clone()).chain(bounced.iter().flat_map(|b| b.declines.first().map(|o| o.person_id.clone())));
    store.record_read(who, &linkwork_store::ReadAudit::list("onward.attention.read", &actor.org_id, shown)).await?;
    Ok(Attention { stuck, bounced })
}

/// How an event's actor reads in a history: "Sam Jones (Walk & Talk)", or the API for tokens.
pub fn actor_label(e: &OnwardEvent) -> String {
    match (&e.actor_name, &e.actor_org_name) {
        (Some(name), Some(org)) => format!("{name} ({org})"),
        (Some(name), None) => name.clone(),
        (None, Some(org)) if e.token_id.is_some() => format!("{org}'s system, through the API"),
        (None, Some(org)) => org.clone(),
        (None, None) => "Not recorded".into(),
    }
}

/// The signed-in user's notifications, newest first.
pub async fn notifications(store: &dyn Store, user_id: &str, org_id: &str) -> Result<Vec<Notification>, AppError> {
    Ok(store.notifications(user_id, org_id, 200).await?)
}

/// How many of the signed-in user's notifications are unread (for the header of every page).
pub async fn unread_notifications(store: &dyn Store, user_id: &str, org_id: &str) -> Result<i64, AppError> {
    Ok(store.unread_notifications(user_id, org_id).await?)
}

/// Marks one of the signed-in user's notifications read, or all of them (`None`).
pub async fn mark_notifications_read(store: &dyn Store, user_id: &str, org_id: &str, notification_id: Option<&str>) -> Result<u64, AppError> {
    Ok(store.mark_notifications_read(user_id, org_id, notification_id).await?)
}

/// One onward referral's history, oldest first, for the partner it was sent to.
pub async fn partner_events(store: &dyn Store, actor: &Actor, onward_id: &OnwardId) -> Result<Vec<OnwardEvent>, AppError> {
    crate::access::partner_referral(store, actor, onward_id).await?;
    Ok(store.onward_events(onward_id).await?)
}

/// The history of every onward referral of a referral, oldest first, for a casework user of its service.
pub async fn referral_events(store: &dyn Store, actor: &Actor, referral_id: &ReferralId) -> Result<Vec<OnwardEvent>, AppError> {
    crate::access::casework_referral(store, actor, referral_id).await?;
    Ok(store.referral_onward_events(referral_id).await?)
}
