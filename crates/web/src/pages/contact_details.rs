//! Changing how to reach a person, from a referral they are worked on under, and who else may:
//! the partner organisations they agreed to share their details with (and withdrawing that).
//! The use cases are in `crate::contact_details`.

use linkwork_domain::ids::ReferralId;
use super::{notice, page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::contact_details as uc;
use linkwork_app::forms::{FieldError, Fields};
use crate::routes::Routes;
use crate::views::{date, FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/referrals/{id}/contact-details", form)
        .post("/referrals/{id}/contact-details", save)
        .post("/referrals/{id}/sharing/withdraw", withdraw_sharing)
}

/// A partner organisation the person agreed to share their details with.
struct SharingRow {
    org_id: String,
    org_name: String,
    given_on: String,
}

#[derive(Template)]
#[template(path = "contact_details.html")]
struct ContactDetailsView {
    page: Page,
    form: FormState,
    referral_id: String,
    name: String,
    sharing: Vec<SharingRow>,
}

/// The form: as `submitted` (with its `errors`), or filled with what is held.
async fn form_page(state: &AppState, user: &CurrentUser, id: &ReferralId, submitted: Option<Fields>, errors: Vec<FieldError>, notice_code: Option<&str>) -> Result<Html<String>, WebError> {
    let record = uc::read(&*state.store, &user.actor(), &user.audit(), id).await?;
    let fields = submitted.unwrap_or_else(|| {
        let mut pairs: Vec<(String, String)> = record.details.form_pairs().into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        pairs.push(("postcode".into(), record.postcode.clone()));
        Fields::from_pairs(pairs)
    });
    let form = FormState::new(fields, errors);
    let name = format!("{} {}", record.given_name, record.family_name);
    let page = page(state, user, &format!("How to contact {name}"), "").await?.with_back(format!("/referrals/{id}"), "Back to the record").with_notice(notice(notice_code)).with_form(&form);
    let sharing = record.sharing.into_iter().map(|s| SharingRow { org_id: s.org_id, org_name: s.org_name, given_on: date(s.given_on) }).collect();
    render(&ContactDetailsView { page, form, referral_id: id.to_string(), name, sharing })
}

async fn form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    form_page(&state, &user, &id, None, vec![], q.get("notice").map(String::as_str)).await
}

async fn save(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match uc::change(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}?notice=contact_details")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, form_page(&state, &user, &id, Some(f), errors, None).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn withdraw_sharing(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match uc::withdraw_sharing(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}/contact-details?notice=sharing_withdrawn")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, form_page(&state, &user, &id, None, errors, None).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}
