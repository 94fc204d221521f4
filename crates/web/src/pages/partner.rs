//! VCSE partners' pages: the onward referrals sent to their organisation, and their answers.

use linkwork_domain::ids::OnwardId;
use crate::routes::Routes;
use super::{notice, page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::forms::Fields;
use crate::views::*;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::onward::{OnwardDeclineReason, OnwardStatus};
use linkwork_domain::casework::referral::ReferralStatus;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/partner/referrals", list)
        .get("/partner/referrals/{id}", detail)
        .post("/partner/referrals/{id}", respond)
}

async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    use linkwork_app::partner_list::{partner_page, PartnerQuery, PartnerStatusFilter, AGE_CHOICES};
    let today = linkwork_app::clock::today();
    let query = PartnerQuery::from_query(&linkwork_app::forms::Fields::from_pairs(q.into_iter().collect()));
    let found = partner_page(&*state.store, &user.actor(), &user.audit(), &query, today).await?;
    let rows = found
        .rows
        .into_iter()
        .map(|r| PartnerRow {
            href: format!("/partner/referrals/{}", r.onward.id),
            person: r.person_name,
            service: r.onward.service_name,
            sent_on: date(r.onward.sent_on),
            waiting: (r.onward.status == linkwork_domain::onward::OnwardStatus::Sent).then(|| linkwork_domain::onward::days_waiting(r.onward.sent_on, today)),
            status_code: r.onward.status.code(),
            status: r.onward.status.label(),
        })
        .collect();
    let referred = linkwork_app::reads::incoming_made_by(&*state.store, &user.actor(), &user.audit())
        .await?
        .into_iter()
        .map(|i| {
            // Once taken on, the partner follows the referral's own status (never its record).
            let status = match i.referral_status.as_deref().and_then(|s| ReferralStatus::parse(s).ok()) {
                Some(s) => s.label().to_owned(),
                None => i.status.label().to_owned(),
            };
            IncomingRow {
                href: String::new(),
                reference: i.reference,
                name: format!("{} {}", i.given_name, i.family_name),
                source: i.source.label(),
                from: String::new(),
                received: date(i.received_at.date()),
                waiting_days: 0,
                status_code: i.status.code(),
                status,
            }
        })
        .collect();
    render(&PartnerListView {
        page: page(&state, &user, "Referrals to your organisation", "/partner/referrals").await?,
        rows,
        referred,
        matching: found.matching,
        narrowed: query.is_narrowed(),
        text: query.text.clone(),
        status: query.status.code(),
        statuses: PartnerStatusFilter::choices().into_iter().map(|(c, l)| Choice::new(c, l)).collect(),
        older_than: query.older_than_days.map(|d| d.to_string()).unwrap_or_default(),
        ages: std::iter::once(Choice::new("", "Any time")).chain(AGE_CHOICES.iter().map(|(d, l)| Choice::new(d.to_string(), *l))).collect(),
        pagination: Pagination::new(found.page, found.pages, |p| query.href(p)),
    })
}

async fn detail_page(state: &AppState, user: &CurrentUser, id: &OnwardId, form: FormState, notice_code: Option<&str>) -> Result<Html<String>, WebError> {
    let r = linkwork_app::reads::partner_referral(&*state.store, &user.actor(), &user.audit(), id).await?;
    let page = page(state, user, &format!("Referral for {}", r.person_name), "").await?.with_back("/partner/referrals", "Back to referrals").with_notice(notice(notice_code)).with_form(&form);
    let status: OnwardStatus = r.onward.status;
    let events = linkwork_app::onward_loop::partner_events(&*state.store, &user.actor(), id).await?;
    // The last change, while this organisation may still undo it.
    let now = time::OffsetDateTime::now_utc();
    let undo = linkwork_app::corrections::undoable(&events, status, &user.user.org_id, now).ok().map(|(e, _)| {
        let until = e.at + time::Duration::hours(linkwork_domain::onward::UNDO_WITHIN_HOURS);
        (e.to_status.label().to_owned(), date_time(until))
    });
    render(&PartnerDetailView {
        page,
        form,
        status_code: status.code(),
        status: status.label(),
        decline_reasons: choices!(OnwardDeclineReason),
        sent_on: date(r.onward.sent_on),
        responded_on: opt_date(r.onward.responded_on),
        attended_on: opt_date(r.onward.attended_on),
        actions: status
            .next_responses()
            .into_iter()
            .filter(|a| !matches!(*a, "accept" | "decline"))
            .map(|a| Choice::new(a, format!("Mark as {}", OnwardStatus::parse(a).map(|s| s.label().to_lowercase()).unwrap_or_default())))
            .collect(),
        history: super::onward_loop::event_rows(&events),
        undo,
        r,
    })
}

async fn detail(State(state): State<AppState>, user: CurrentUser, Path(id): Path<OnwardId>, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    // The day it happened starts as today; the partner changes it when it happened earlier.
    let form = FormState::new(Fields::from_pairs(vec![("happened_on".into(), linkwork_app::clock::today().to_string())]), vec![]);
    detail_page(&state, &user, &id, form, q.get("notice").map(String::as_str)).await
}

async fn respond(State(state): State<AppState>, user: CurrentUser, Path(id): Path<OnwardId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match linkwork_app::partner::partner_respond(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(status) => Ok(Redirect::to(&format!("/partner/referrals/{id}?notice=partner_{}", status.code())).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, detail_page(&state, &user, &id, FormState::new(f, errors), None).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}
