//! Link workers' community work: the log of visits and relationship-building, and the form.

use crate::routes::Routes;
use super::{page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::clock::today;
use linkwork_app::forms::Fields;
use crate::views::*;
use crate::{AppState, WebError};
use linkwork_app::team;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::directory::community::ActivityKind;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/community", list)
        .get("/community/new", form)
        .post("/community/new", create)
}

/// The period the community log and the time shares cover: the last 3 months.
pub(crate) fn community_period() -> (time::Date, time::Date) {
    let to = today();
    (to - time::Duration::days(91), to)
}

async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    let (from, _) = community_period();
    let rows = linkwork_app::team::community_log(&*state.store, &user.actor(), from)
        .await?
        .into_iter()
        .map(|a| CommunityRow {
            date: date(a.activity_on),
            worker: a.worker_name,
            kind: a.kind.label(),
            organisation: a.organisation_name,
            minutes: a.minutes,
            assets: a.assets_found.unwrap_or_default(),
        })
        .collect();
    let page = page(&state, &user, "Community work", "/community").await?.with_notice(q.get("notice").filter(|n| *n == "community").map(|_| "Community work logged".to_owned()));
    render(&CommunityView { page, rows, from: date(from) })
}

async fn form_page(state: &AppState, user: &CurrentUser, form: FormState) -> Result<Html<String>, WebError> {
    let page = page(state, user, "Log community work", "/community").await?.with_back("/community", "Back to community work").with_form(&form);
    render(&CommunityFormView { page, form, kinds: choices!(ActivityKind) })
}

async fn form(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    linkwork_app::access::require_casework(&user.actor())?;
    form_page(&state, &user, FormState::new(Fields::from_pairs(vec![("activity_on".into(), today().to_string())]), vec![])).await
}

async fn create(State(state): State<AppState>, user: CurrentUser, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match team::log_community(&*state.store, &user.actor(), &user.user.id, &f).await {
        Ok(_) => Ok(Redirect::to("/community?notice=community").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, form_page(&state, &user, FormState::new(f, errors)).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}
