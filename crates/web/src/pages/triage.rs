//! Triage: incoming referrals waiting to be taken on, new referrals waiting for first contact,
//! contact attempts, duplicates, reassignment and goal progress on a referral.

use linkwork_domain::ids::GoalId;
use linkwork_domain::ids::ReferralId;
use crate::routes::Routes;
use super::casework::caseload_row;
use super::{notice, page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::casework::{self as cases};
use linkwork_app::clock::today;
use linkwork_app::forms::Fields;
use crate::views::*;
use crate::{AppState, WebError};
use linkwork_app::{intake, team};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::casework::intake::IncomingSource;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{Ethnicity, Sex};
use linkwork_domain::casework::referral::DeclineReason;
use linkwork_domain::casework::triage::{AttemptMode, AttemptOutcome};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/triage", queue)
        .get("/incoming/{id}", incoming)
        .post("/incoming/{id}/convert", convert)
        .get("/referrals/{id}/attempts/new", attempt_form)
        .post("/referrals/{id}/attempts/new", add_attempt)
        .post("/referrals/{id}/keep-separate", keep_separate)
        .post("/referrals/{id}/reassign", reassign)
        .post("/referrals/{id}/goals/{goal_id}", goal_status)
}

async fn queue(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    linkwork_app::access::require_casework(&user.actor())?;
    let today = today();
    let incoming = linkwork_app::reads::triage_queue(&*state.store, &user.actor(), &user.audit())
        .await?
        .into_iter()
        .map(|i| IncomingRow {
            href: format!("/incoming/{}", i.id),
            reference: i.reference,
            name: format!("{} {}", i.given_name, i.family_name),
            source: i.source.label(),
            from: i.referred_by_org_name.unwrap_or_default(),
            received: date(i.received_at.date()),
            waiting_days: (today - i.received_at.date()).whole_days(),
            status_code: i.status.code(),
            status: i.status.label().into(),
        })
        .collect();
    // New referrals, and open ones nobody holds (a link worker's caseload is only their own people).
    let received = linkwork_app::caseload::awaiting_triage(&*state.store, &user.actor(), &user.audit()).await?;
    let mut due = cases::measures_due_by_referral(&*state.store, &user.user.org_id, None, today).await?;
    let mut new_referrals: Vec<_> = received.into_iter().map(|e| {
        let measures_due = due.remove(&e.referral_id).unwrap_or_default();
        caseload_row(e, today, measures_due)
    }).collect();
    new_referrals.sort_by_key(|(rag, _)| std::cmp::Reverse(*rag));
    let page = page(&state, &user, "Triage", "/triage").await?.with_notice(notice(q.get("notice").map(String::as_str)));
    let manager = user.role() == Role::Manager;
    let workers = if manager { team::workers(&*state.store, &user.actor(), Role::LinkWorker).await?.into_iter().map(|u| Choice::new(u.id, u.display_name)).collect() } else { vec![] };
    render(&TriageView { page, incoming, new_referrals: new_referrals.into_iter().map(|(_, r)| r).collect(), manager, workers, me: user.user.id.clone() })
}

async fn incoming_page(state: &AppState, user: &CurrentUser, id: &str, form: Option<FormState>) -> Result<Html<String>, WebError> {
    let i = linkwork_app::reads::incoming(&*state.store, &user.actor(), &user.audit(), id).await?;
    let practices = linkwork_app::orgs::orgs(&*state.store, OrgKind::Practice, Some(&user.user.org_id)).await?;
    let needs: Vec<NeedDomain> = i.needs.split(',').filter_map(|n| NeedDomain::parse(n).ok()).collect();
    let form = form.unwrap_or_else(|| {
        let mut pairs = vec![
            ("given_name".to_owned(), i.given_name.clone()),
            ("family_name".to_owned(), i.family_name.clone()),
            ("date_of_birth".to_owned(), i.date_of_birth.map(|d| d.to_string()).unwrap_or_default()),
            ("postcode".to_owned(), i.postcode.clone().unwrap_or_default()),
            ("referred_on".to_owned(), i.received_at.date().to_string()),
            ("reason".to_owned(), i.reason.clone()),
            ("referrer_name".to_owned(), match i.source {
                IncomingSource::SelfReferral => "Self-referral".to_owned(),
                IncomingSource::Vcse => i.referred_by_org_name.clone().unwrap_or_default(),
            }),
        ];
        pairs.extend(needs.iter().map(|n| ("needs".to_owned(), n.code().to_owned())));
        // The phone, e-mail and preferred way it came with, to confirm and take on with it.
        pairs.extend(intake::incoming_contact(&i).form_pairs().into_iter().map(|(k, v)| (k.to_owned(), v)));
        FormState::new(Fields::from_pairs(pairs), vec![])
    });
    let name = format!("{} {}", i.given_name, i.family_name);
    let page = page(state, user, &name, "").await?.with_back("/triage", "Back to triage").with_form(&form);
    render(&IncomingView {
        page,
        form,
        received: date(i.received_at.date()),
        needs_text: if needs.is_empty() { "Not said".into() } else { cases::need_labels(&needs) },
        practices: practices.into_iter().map(|p| Choice::new(p.id, p.name)).collect(),
        sexes: choices!(Sex),
        ethnicities: choices!(Ethnicity),
        needs: choices!(NeedDomain),
        decline_reasons: choices!(DeclineReason),
        i,
    })
}

async fn incoming(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Html<String>, WebError> {
    incoming_page(&state, &user, &id, None).await
}

async fn convert(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match intake::convert(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(referral_id) => Ok(Redirect::to(&format!("/referrals/{referral_id}?notice=referral_created")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, incoming_page(&state, &user, &id, Some(FormState::new(f, errors))).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn attempt_page(state: &AppState, user: &CurrentUser, id: &ReferralId, form: FormState) -> Result<Html<String>, WebError> {
    let r = cases::referral_record(&*state.store, &user.actor(), &user.audit(), id).await?;
    let page = page(state, user, "Log a contact attempt", "").await?.with_back(format!("/referrals/{id}"), "Back to the record").with_form(&form);
    render(&AttemptView {
        page,
        form,
        person: format!("{} {}", r.person.given_name, r.person.family_name),
        action: format!("/referrals/{id}/attempts/new"),
        modes: choices!(AttemptMode),
        outcomes: choices!(AttemptOutcome),
        attempts_so_far: team::unsuccessful_attempts(&*state.store, &user.actor(), id).await?,
    })
}

async fn attempt_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>) -> Result<Html<String>, WebError> {
    attempt_page(&state, &user, &id, FormState::new(Fields::from_pairs(vec![("attempted_on".into(), today().to_string())]), vec![])).await
}

async fn add_attempt(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match team::add_attempt(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}?notice=attempt")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, attempt_page(&state, &user, &id, FormState::new(f, errors)).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn keep_separate(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(_): CheckedForm) -> Result<Redirect, WebError> {
    team::keep_separate(&*state.store, &user.actor(), &user.audit(), &id).await?;
    Ok(Redirect::to(&format!("/referrals/{id}?notice=kept_separate")))
}

async fn reassign(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Redirect, WebError> {
    team::reassign(&*state.store, &user.actor(), &user.audit(), Some(&user.user.id), &id, &f).await?;
    // Assigned from the triage list: back to it, to carry on down the list.
    if f.get("return_to") == "triage" {
        return Ok(Redirect::to("/triage?notice=assigned"));
    }
    Ok(Redirect::to(&format!("/referrals/{id}?notice=reassigned")))
}

async fn goal_status(State(state): State<AppState>, user: CurrentUser, Path((id, goal_id)): Path<(ReferralId, GoalId)>, CheckedForm(f): CheckedForm) -> Result<Redirect, WebError> {
    team::set_goal_status(&*state.store, &user.actor(), &user.audit(), &id, &goal_id, &f).await?;
    Ok(Redirect::to(&format!("/referrals/{id}?notice=goal")))
}
