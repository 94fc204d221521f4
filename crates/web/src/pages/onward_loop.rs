//! The onward-referral loop's own pages: what needs a link worker's attention (stuck referrals,
//! bounced people) and everyone's notifications. The loop on a record and the partner's pages are
//! in `casework.rs` and `partner.rs`; the helpers here build their history and prompts.

use crate::routes::Routes;
use super::{page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::clock::today;
use linkwork_app::onward_loop as rules;
use crate::views::*;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::response::{Html, Redirect};
use linkwork_domain::onward;
use linkwork_app::store::{LoopOnward, OnwardEvent, OnwardReferral};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/onward/attention", attention)
        .get("/notifications", notifications)
        .post("/notifications/read", mark_read)
}

/// One onward referral's history, with its corrections said: a change undone as a mistake, and
/// the entry that undid it (both stay).
pub(crate) fn event_rows(events: &[OnwardEvent]) -> Vec<EventRow> {
    events
        .iter()
        .map(|e| {
            let mut row = event_row(e);
            if let Some(undone) = e.undoes_event_id.as_deref().and_then(|id| events.iter().find(|x| x.id == id)) {
                row.note = format!("Correction: \"{}\" was recorded by mistake and undone", undone.to_status.label());
            } else if events.iter().any(|x| x.undoes_event_id.as_deref() == Some(e.id.as_str())) {
                row.note = "Undone: recorded by mistake".into();
            }
            row
        })
        .collect()
}

pub(crate) fn event_row(e: &OnwardEvent) -> EventRow {
    EventRow {
        status_code: e.to_status.code(),
        status: e.to_status.label(),
        reason: e.reason_label().unwrap_or_default().to_owned(),
        note: String::new(),
        happened_on: date(e.happened_on),
        recorded: date_time(e.at),
        by: rules::actor_label(e),
    }
}

pub(crate) fn stuck_row(o: &LoopOnward, today: time::Date) -> StuckRow {
    StuckRow {
        href: rules::record_link(&o.referral_id),
        person: format!("{} {}", o.given_name, o.family_name),
        worker: o.worker_name.clone().unwrap_or_else(|| "Unassigned".into()),
        service: o.service_name.clone(),
        provider: o.provider_name.clone(),
        sent_on: date(o.sent_on),
        days: onward::days_waiting(o.sent_on, today),
    }
}

/// The loop's panel on a person's record: stuck referrals, whether they are bounced, and every
/// onward referral's history (`events`: the referral's, from `casework::record_page`).
pub(crate) fn record_panel(onward: &[OnwardReferral], events: &[OnwardEvent]) -> OnwardLoopPanel {
    let today = today();
    let stuck = onward
        .iter()
        .filter(|o| onward::is_stuck(o.status, o.sent_on, today))
        .map(|o| StuckRow {
            href: String::new(),
            person: String::new(),
            worker: String::new(),
            service: o.service_name.clone(),
            provider: o.provider_name.clone(),
            sent_on: date(o.sent_on),
            days: onward::days_waiting(o.sent_on, today),
        })
        .collect();
    let declining = onward::declining_services(onward.iter().map(|o| (o.service_id.as_str(), o.status)));
    let histories = onward
        .iter()
        .map(|o| OnwardHistory {
            id: o.id.clone(),
            service: o.service_name.clone(),
            provider: o.provider_name.clone(),
            events: event_rows(&events.iter().filter(|e| e.onward_referral_id == o.id).cloned().collect::<Vec<_>>()),
        })
        .collect();
    OnwardLoopPanel { stuck, bounced_by: (declining >= onward::BOUNCED_AFTER_DECLINES).then_some(declining), histories }
}

async fn attention(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    let today = today();
    let found = rules::attention(&*state.store, &user.actor(), &user.audit(), Some(&user.user.id), today).await?;
    let stuck = found.stuck.iter().map(|o| stuck_row(o, today)).collect();
    let bounced = found
        .bounced
        .into_iter()
        .map(|b| BouncedRow {
            href: rules::record_link(&b.referral_id),
            person: b.name,
            worker: b.worker_name.unwrap_or_else(|| "Unassigned".into()),
            declines: b
                .declines
                .iter()
                .map(|o| match o.decline_reason.as_deref().and_then(|c| onward::OnwardDeclineReason::parse(c).ok()) {
                    Some(reason) => format!("{} ({})", o.service_name, reason.label().to_lowercase()),
                    None => o.service_name.clone(),
                })
                .collect(),
        })
        .collect();
    let page = page(&state, &user, "Onward referrals needing attention", "/onward/attention").await?;
    render(&OnwardAttentionView { page, stuck, bounced, stuck_after: onward::STUCK_AFTER_DAYS })
}

async fn notifications(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    let list = rules::notifications(&*state.store, &user.user.id, &user.user.org_id).await?;
    let unread = list.iter().filter(|n| n.read_at.is_none()).count();
    let rows = list
        .into_iter()
        .map(|n| NotificationRow { unread: n.read_at.is_none(), id: n.id, subject: n.subject, body: n.body, link: n.link, created: date_time(n.created_at) })
        .collect();
    let notice = match q.get("notice").map(String::as_str) {
        Some("read") => Some("Marked as read".to_owned()),
        Some("all_read") => Some("All notifications marked as read".to_owned()),
        _ => None,
    };
    let page = page(&state, &user, "Notifications", "/notifications").await?.with_notice(notice);
    render(&NotificationsView { page, rows, unread })
}

/// Marks one notification (field `id`) or all of them read.
async fn mark_read(State(state): State<AppState>, user: CurrentUser, CheckedForm(f): CheckedForm) -> Result<Redirect, WebError> {
    let id = f.get("id").trim();
    let one = (!id.is_empty()).then_some(id);
    rules::mark_notifications_read(&*state.store, &user.user.id, &user.user.org_id, one).await?;
    Ok(Redirect::to(if one.is_some() { "/notifications?notice=read" } else { "/notifications?notice=all_read" }))
}

