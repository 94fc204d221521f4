//! The service manager's workforce settings (`/team/workforce`): each link worker's whole-time
//! equivalent (for caseload per WTE in the evaluation) and the service's referral-rate target band
//! for a financial year. Managers only, and only for their own service's link workers.

use crate::auth::CheckedForm;
use crate::routes::Routes;
use super::{page, render};
use crate::auth::CurrentUser;
use linkwork_app::forms::Fields;
use linkwork_app::workforce as uc;
use linkwork_app::AppError;
use crate::views::{FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::evaluation::workforce::financial_year;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/team/workforce", show)
        .post("/team/workforce", save)
}

pub struct WorkerInput {
    pub name: String,
    pub field: String,
}

#[derive(Template)]
#[template(path = "workforce_settings.html")]
pub struct WorkforceView {
    pub page: Page,
    pub form: FormState,
    pub workers: Vec<WorkerInput>,
    /// Bands already set, e.g. `2026/27: 0.8–1.2%`.
    pub targets: Vec<String>,
    pub target_fields: Vec<(&'static str, &'static str)>,
}

async fn view(state: &AppState, user: &CurrentUser, form: FormState, notice: Option<String>) -> Result<Html<String>, WebError> {
    let settings = uc::workforce(&*state.store, &user.actor()).await?;
    let workers = settings.workers.into_iter().map(|u| WorkerInput { field: format!("wte_{}", u.id), name: u.display_name }).collect();
    let targets = settings.targets.into_iter().map(|t| format!("{}/{:02}: {}–{}% of the list a year", t.year, (t.year + 1) % 100, t.low_pct, t.high_pct)).collect();
    let page = page(state, user, "Workforce settings", "/team").await?.with_form(&form).with_notice(notice);
    render(&WorkforceView {
        page,
        form,
        workers,
        targets,
        target_fields: vec![("year", "Financial year it starts in (2026 for 2026/27)"), ("low", "Lower end of the band (%)"), ("high", "Upper end of the band (%)")],
    })
}

async fn show(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    let settings = uc::workforce(&*state.store, &user.actor()).await?;
    let mut pairs: Vec<(String, String)> = settings.wtes.into_iter().map(|(id, wte)| (format!("wte_{id}"), wte.map(|v| v.to_string()).unwrap_or_default())).collect();
    let year = financial_year(linkwork_app::clock::today());
    let current = settings.targets.into_iter().find(|t| t.year == year);
    let (low, high) = current.map(|t| (t.low_pct, t.high_pct)).unwrap_or((0.8, 1.2));
    pairs.extend([("year".to_owned(), year.to_string()), ("low".to_owned(), low.to_string()), ("high".to_owned(), high.to_string())]);
    let notice = q.get("notice").filter(|n| *n == "saved").map(|_| "Workforce settings saved".to_owned());
    view(&state, &user, FormState::new(Fields::from_pairs(pairs), vec![]), notice).await
}

async fn save(State(state): State<AppState>, user: CurrentUser, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match uc::save(&*state.store, &user.actor(), &user.audit(), &f).await {
        Ok(()) => Ok(Redirect::to("/team/workforce?notice=saved").into_response()),
        Err(AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, view(&state, &user, FormState::new(f, errors), None).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}
