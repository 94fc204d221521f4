//! Aggregate pages: the dashboard and the evaluation report (HTML, with CSV/JSON downloads).
//! Every figure here is suppressed for small numbers by the domain's evaluation.

use super::{page, render};
use crate::auth::CurrentUser;
use crate::casework::{self as cases, today};
use crate::forms::{Checker, Fields};
use crate::views::*;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use linkwork_domain::disclosure::Shown;
use linkwork_domain::evaluation::{EvaluationSettings, Period, Report};
use linkwork_domain::person::parse_iso_date;
use linkwork_report::Format;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/report", get(report_page))
        .route("/report.csv", get(|s, u, q| download(s, u, q, Format::Csv)))
        .route("/report.json", get(|s, u, q| download(s, u, q, Format::Json)))
        .route("/report.html", get(|s, u, q| download(s, u, q, Format::Html)))
}

type Params = Query<HashMap<String, String>>;

/// The reporting period from `from`/`to` query values; the last 12 months by default.
pub fn period_from(q: &HashMap<String, String>) -> Result<Period, Vec<crate::forms::FieldError>> {
    let to_default = today();
    let from_default = to_default - time::Duration::days(364);
    let mut c = Checker::default();
    let from = match q.get("from").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(raw) => c.check(parse_iso_date("from", "start date", raw)),
        None => Some(from_default),
    };
    let to = match q.get("to").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(raw) => c.check(parse_iso_date("to", "end date", raw)),
        None => Some(to_default),
    };
    match (from, to) {
        (Some(from), Some(to)) => c.check(Period::new(from, to)).ok_or_else(|| c.into_errors()),
        _ => Err(c.into_errors()),
    }
}

async fn build(state: &AppState, user: &CurrentUser, period: Period) -> Result<Report, WebError> {
    let (scope, services) = cases::report_scope(&*state.store, &user.actor()).await?;
    Ok(linkwork_store::evaluation_report(&*state.store, &scope, &services, period, &EvaluationSettings::default()).await?)
}

fn shown_count(s: &Shown<u64>) -> String {
    match s {
        Shown::Value(v) => v.to_string(),
        Shown::Suppressed => "*".into(),
        Shown::NoData => "–".into(),
    }
}

fn shown_num(s: &Shown<f64>, decimals: usize, unit: &str) -> String {
    match s {
        Shown::Value(v) => format!("{v:.decimals$}{unit}"),
        Shown::Suppressed => "*".into(),
        Shown::NoData => "–".into(),
    }
}

async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    let period = period_from(&HashMap::new()).map_err(WebError::Invalid)?;
    let report = build(&state, &user, period).await?;
    let swemwbs = report.outcomes.iter().find(|o| o.score_key == "swemwbs_metric");
    let accepted_onward: u64 = report.onward.iter().filter_map(|p| p.accepted.value().copied()).sum();
    let tiles = vec![
        Tile { label: "Referrals", value: shown_count(&report.reach.referrals), note: " in the last 12 months".into() },
        Tile {
            label: "Referral rate",
            value: shown_num(&report.reach.annual_rate_pct, 2, "%"),
            note: format!(" of the registered list a year (target {}–{}%)", report.settings.target.low_pct, report.settings.target.high_pct),
        },
        Tile { label: "Median wait to first contact", value: shown_num(&report.waiting.median_days, 0, ""), note: " days".into() },
        Tile { label: "Waiting for first contact", value: shown_count(&report.waiting.still_waiting), note: " people now".into() },
        Tile {
            label: "SWEMWBS mean change",
            value: swemwbs.map(|s| shown_num(&s.mean_change, 1, "")).unwrap_or_default(),
            note: swemwbs.map(|s| format!(" points, {} people with baseline and follow-up", shown_count(&s.n_paired))).unwrap_or_default(),
        },
        Tile { label: "Onward referrals accepted", value: accepted_onward.to_string(), note: " by community partners (sum of rounded counts)".into() },
    ];
    render(&DashboardView {
        page: page(&state, &user, "Dashboard", "/dashboard").await?,
        scope: report.scope.clone(),
        period: format!("{} to {}", date(period.from), date(period.to)),
        tiles,
        report_href: format!("/report?from={}&to={}", period.from, period.to),
    })
}

async fn report_page(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Response, WebError> {
    let values = Fields::from_pairs(q.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    match period_from(&q) {
        Ok(period) => {
            let report = build(&state, &user, period).await?;
            let fragment = linkwork_report::html_fragment(&report, &linkwork_report::reproduce_command(period, Format::Html));
            let form = FormState::new(Fields::from_pairs(vec![("from".into(), period.from.to_string()), ("to".into(), period.to.to_string())]), vec![]);
            let page = page(&state, &user, "Evaluation report", "/report").await?;
            Ok(render(&ReportView { page, form, fragment, query: format!("from={}&to={}", period.from, period.to) })?.into_response())
        }
        Err(errors) => {
            let form = FormState::new(values, errors);
            let page = page(&state, &user, "Evaluation report", "/report").await?.with_form(&form);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&ReportView { page, form, fragment: String::new(), query: String::new() })?).into_response())
        }
    }
}

async fn download(State(state): State<AppState>, user: CurrentUser, Query(q): Params, format: Format) -> Result<Response, WebError> {
    let period = period_from(&q).map_err(WebError::Invalid)?;
    let report = build(&state, &user, period).await?;
    let (ext, content_type) = (format.extension(), format.media_type());
    let body = linkwork_report::render(&report, format, &linkwork_report::reproduce_command(period, format)).map_err(|e| WebError::Internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"linkwork-report-{}-{}.{ext}\"", period.from, period.to);
    Ok(([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body).into_response())
}
