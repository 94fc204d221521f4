//! The service manager's workforce settings (`/team/workforce`): each link worker's whole-time
//! equivalent (for caseload per WTE in the evaluation) and the service's referral-rate target band
//! for a financial year. Managers only, and only for their own service's link workers.

use crate::auth::CheckedForm;
use crate::routes::Routes;
use super::{page, render};
use crate::auth::CurrentUser;
use linkwork_app::forms::{FieldError, Fields};
use crate::views::{FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::access::Role;
use linkwork_domain::evaluation::workforce::{financial_year, YearTarget};
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

fn manager(user: &CurrentUser) -> Result<(), WebError> {
    if user.role() == Role::Manager {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Parses a WTE field: empty clears it; otherwise more than 0 and at most 1.5.
fn parse_wte(raw: &str) -> Result<Option<f64>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.5 => Ok(Some(v)),
        _ => Err("Enter the whole-time equivalent as a number like 0.8 (more than 0, at most 1.5), or leave it empty"),
    }
}

async fn view(state: &AppState, user: &CurrentUser, form: FormState, notice: Option<String>) -> Result<Html<String>, WebError> {
    let org = &user.user.org_id;
    let workers = state.store.users(org, Some(Role::LinkWorker)).await?.into_iter().filter(|u| u.active).map(|u| WorkerInput { field: format!("wte_{}", u.id), name: u.display_name }).collect();
    let targets = state.store.referral_targets(org).await?.into_iter().map(|t| format!("{}/{:02}: {}–{}% of the list a year", t.year, (t.year + 1) % 100, t.low_pct, t.high_pct)).collect();
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
    manager(&user)?;
    let org = &user.user.org_id;
    let mut pairs: Vec<(String, String)> = state.store.worker_wtes(org).await?.into_iter().map(|(id, wte)| (format!("wte_{id}"), wte.map(|v| v.to_string()).unwrap_or_default())).collect();
    let year = financial_year(linkwork_app::clock::today());
    let current = state.store.referral_targets(org).await?.into_iter().find(|t| t.year == year);
    let (low, high) = current.map(|t| (t.low_pct, t.high_pct)).unwrap_or((0.8, 1.2));
    pairs.extend([("year".to_owned(), year.to_string()), ("low".to_owned(), low.to_string()), ("high".to_owned(), high.to_string())]);
    let notice = q.get("notice").filter(|n| *n == "saved").map(|_| "Workforce settings saved".to_owned());
    view(&state, &user, FormState::new(Fields::from_pairs(pairs), vec![]), notice).await
}

async fn save(State(state): State<AppState>, user: CurrentUser, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    manager(&user)?;
    let org = user.user.org_id.clone();
    // Parse everything first; write nothing unless all of it is valid.
    let mut errors = Vec::new();
    let mut wtes = Vec::new();
    // Only the active link workers the page lists; others keep what they had.
    for id in state.store.users(&org, Some(Role::LinkWorker)).await?.into_iter().filter(|u| u.active).map(|u| u.id) {
        let field = format!("wte_{id}");
        match parse_wte(f.get(&field)) {
            Ok(v) => wtes.push((id, v)),
            Err(message) => errors.push(FieldError { field, message: message.to_owned() }),
        }
    }
    let number = |name: &str| f.get(name).trim().parse::<f64>().ok();
    let target = match (f.get("year").trim().parse::<i32>().ok(), number("low"), number("high")) {
        (Some(year), Some(low), Some(high)) => match YearTarget::new(year, low, high) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(FieldError { field: e.field().unwrap_or("low").to_owned(), message: e.to_string() });
                None
            }
        },
        _ if [f.get("year"), f.get("low"), f.get("high")].iter().all(|v| v.trim().is_empty()) => None,
        _ => {
            errors.push(FieldError { field: "low".into(), message: "Enter the financial year and both ends of the target band as numbers, like 2026, 0.8 and 1.2".into() });
            None
        }
    };
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, view(&state, &user, FormState::new(f, errors), None).await?).into_response());
    }
    state.store.save_workforce(&user.audit(), &org, &wtes, target.as_ref()).await?;
    Ok(Redirect::to("/team/workforce?notice=saved").into_response())
}
