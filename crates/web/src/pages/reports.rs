//! Aggregate pages: the dashboard and the evaluation report (HTML, with CSV/JSON downloads).
//! Every figure here is suppressed for small numbers by the domain's evaluation.

use crate::routes::Routes;
use super::{page, render};
use crate::auth::CurrentUser;
use linkwork_app::clock::today;
use linkwork_app::forms::{Checker, Fields};
use crate::views::*;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::{EvaluationSettings, Period, Report};
use linkwork_domain::person::parse_iso_date;
use linkwork_report::Format;
use linkwork_domain::measurement::instruments::Instrument;
use linkwork_domain::evaluation::report_scope::{ReportScope, ScopeKind};
use linkwork_report::sparkline::{sparkline, trend_text, TrendPoint};
use linkwork_report::DocumentMeta;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/dashboard", dashboard)
        .get("/report", report_page)
        .get("/report.csv", |s, u, q| download(s, u, q, Format::Csv))
        .get("/report.json", |s, u, q| download(s, u, q, Format::Json))
        .get("/report.html", |s, u, q| download(s, u, q, Format::Html))
        .get("/report.pdf", download_pdf)
}

type Params = Query<HashMap<String, String>>;

/// The reporting period from `from`/`to` query values; the last 12 months by default.
pub fn period_from(q: &HashMap<String, String>) -> Result<Period, Vec<linkwork_app::forms::FieldError>> {
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


/// The scope the user asked for (`scope` in the query), checked against their organisation.
async fn scope_of(state: &AppState, user: &CurrentUser, q: &HashMap<String, String>) -> Result<(ReportScope, Vec<ReportScope>), WebError> {
    linkwork_app::report_scopes::resolve(&*state.store, &user.actor(), q.get("scope").map(String::as_str)).await.map_err(WebError::from)
}

/// The evaluation of the scope the query names (`scope`), for `period`, with the scopes allowed.
async fn report_of(state: &AppState, user: &CurrentUser, q: &HashMap<String, String>, period: Period) -> Result<(ReportScope, Vec<ReportScope>, Report), WebError> {
    Ok(linkwork_app::report_scopes::report(&*state.store, &user.actor(), q.get("scope").map(String::as_str), period, &EvaluationSettings::default()).await?)
}

/// The scopes offered in the select: the user's whole organisation, its PCNs, and the practices
/// of the PCN in view (the chosen PCN or practice's). Practices of other PCNs are left out: an
/// ICB's every practice made the select thousands of options long at the national size, and the
/// dashboard page nearly a megabyte. Choosing a PCN lists its practices.
fn scope_options(chosen: &ReportScope, allowed: &[ReportScope]) -> Vec<ScopeOption> {
    allowed
        .iter()
        .filter(|s| s.kind != ScopeKind::Practice || in_view(chosen, s))
        .map(|s| {
            let label = match s.kind {
                ScopeKind::Practice => format!("Practice: {}", s.name),
                ScopeKind::Pcn => format!("PCN: {}", s.name),
                ScopeKind::Icb => format!("All PCNs: {}", s.name),
            };
            ScopeOption { value: s.select_value(), label, selected: s == chosen }
        })
        .collect()
}

/// Whether `practice` belongs to the PCN in view: the chosen PCN, or the chosen practice's PCN.
fn in_view(chosen: &ReportScope, practice: &ReportScope) -> bool {
    chosen.kind != ScopeKind::Icb && chosen.services == practice.services
}

/// The hint under the scope select: how to reach a practice the select does not list yet.
fn scope_hint(chosen: &ReportScope, allowed: &[ReportScope]) -> &'static str {
    if allowed.iter().any(|s| s.kind == ScopeKind::Practice && !in_view(chosen, s)) {
        "All PCNs, one PCN, or a practice of the PCN shown. To choose another PCN's practice, show that PCN first."
    } else {
        "The whole service, or one of its practices."
    }
}

/// Whether the scope is the user's default (so URLs and commands need not name it).
fn is_default(scope: &ReportScope, allowed: &[ReportScope]) -> bool {
    allowed.first() == Some(scope)
}

fn query_for(scope: &ReportScope, allowed: &[ReportScope], period: Period) -> String {
    let scope_part = if is_default(scope, allowed) { String::new() } else { format!("&scope={}", scope.select_value()) };
    format!("from={}&to={}{scope_part}", period.from, period.to)
}

fn meta_for(scope: &ReportScope) -> DocumentMeta {
    DocumentMeta { produced_on: Some(today()), scope_kind: Some(scope.kind.label().to_owned()), scope_argument: Some(scope.argument()) }
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

fn as_f64(s: &Shown<u64>) -> Shown<f64> {
    s.map(|v| v as f64)
}

/// Accepted and sent onward referrals over all partners, from the published (rounded) counts.
fn onward_acceptance(report: &Report) -> (Shown<f64>, u64) {
    let sent: u64 = report.onward.iter().filter_map(|p| p.sent.value().copied()).sum();
    let accepted: u64 = report.onward.iter().filter_map(|p| p.accepted.value().copied()).sum();
    if sent == 0 {
        (if report.onward.is_empty() { Shown::NoData } else { Shown::Suppressed }, 0)
    } else {
        (Shown::Value(accepted as f64 * 100.0 / sent as f64), sent)
    }
}

fn swemwbs(report: &Report) -> Option<&linkwork_domain::evaluation::OutcomeChange> {
    report.outcomes.iter().find(|o| o.score_key == "swemwbs_metric")
}

fn loneliness(report: &Report) -> Option<&linkwork_domain::evaluation::OutcomeChange> {
    report.outcomes.iter().find(|o| o.instrument == Instrument::Ucla3).or_else(|| report.outcomes.iter().find(|o| o.instrument == Instrument::OnsLoneliness))
}

/// One tile's trend from per-quarter reports, each value with its `unit` (`%`, `referrals`, …).
fn trend(id: &str, title: &str, reports: &[(String, Report)], decimals: usize, unit: &str, value: impl Fn(&Report) -> Shown<f64>) -> (String, String) {
    let points: Vec<TrendPoint> = reports.iter().map(|(label, r)| TrendPoint { label: label.clone(), value: value(r) }).collect();
    (sparkline(id, title, &points, decimals, unit), format!("By quarter: {}.", trend_text(&points, decimals, unit)))
}

fn tiles(report: &Report, by_quarter: &[(String, Report)]) -> Vec<Tile> {
    let mut out = Vec::new();
    let mut push = |label: &'static str, value: String, note: String, t: Option<(String, String)>| {
        let (trend_svg, trend_text) = t.unwrap_or_default();
        out.push(Tile { label, value, note, trend_svg, trend_text });
    };
    push("Referrals", shown_count(&report.reach.referrals), " in the period".into(), Some(trend("lw-trend-referrals", "Referrals by quarter", by_quarter, 0, "referrals", |r| as_f64(&r.reach.referrals))));
    // Rounded and judged against the target band as the evaluation report does.
    let (rate, note) = match (linkwork_report::referral_rate(report), &report.reach.annual_rate_pct) {
        (Some((rate, position)), _) => (format!("{rate}%"), format!(" of the registered list a year: {position} the target band of {}", linkwork_report::band_text(report))),
        (None, Shown::Suppressed) => ("*".into(), " (too few referrals to show a rate)".into()),
        (None, _) => ("–".into(), " (no list size is recorded for the practices in scope)".into()),
    };
    push("Referral rate", rate, note, Some(trend("lw-trend-rate", "Annual referral rate by quarter, % of the registered list", by_quarter, 1, "%", |r| r.reach.annual_rate_pct)));
    push("People supported", shown_count(&report.waiting.n), " referrals with a first contact".into(), Some(trend("lw-trend-supported", "People supported by quarter", by_quarter, 0, "people", |r| as_f64(&r.waiting.n))));
    push(
        "Median wait to first contact",
        shown_num(&report.waiting.median_days, 0, ""),
        format!(" days ({} still waiting now)", shown_count(&report.waiting.still_waiting)),
        Some(trend("lw-trend-wait", "Median days to first contact by quarter", by_quarter, 0, "days", |r| r.waiting.median_days)),
    );
    let sw = swemwbs(report);
    push(
        "SWEMWBS mean change",
        sw.map(|s| shown_num(&s.mean_change, 1, "")).unwrap_or_else(|| "–".into()),
        sw.map(|s| {
            format!(
                " points (95% CI {} to {}), {} people with baseline and follow-up ({} of those with a baseline)",
                shown_num(&s.ci95_low, 1, ""),
                shown_num(&s.ci95_high, 1, ""),
                shown_count(&s.n_paired),
                shown_num(&s.pct_followed_up, 0, "%")
            )
        })
            .unwrap_or_else(|| " no wellbeing measures yet".into()),
        Some(trend("lw-trend-swemwbs", "SWEMWBS mean change by quarter, points", by_quarter, 1, "points", |r| swemwbs(r).map_or(Shown::NoData, |s| s.mean_change))),
    );
    let lone = loneliness(report);
    push(
        "Out of the loneliness band",
        lone.map(|o| shown_num(&o.pct_out_of_concern, 0, "%")).unwrap_or_else(|| "–".into()),
        lone.map(|o| format!(" of {} people lonely at baseline ({})", shown_count(&o.n_in_concern_at_baseline), o.label)).unwrap_or_else(|| " no loneliness measures yet".into()),
        Some(trend("lw-trend-lonely", "% out of the loneliness band by quarter", by_quarter, 0, "%", |r| loneliness(r).map_or(Shown::NoData, |o| o.pct_out_of_concern))),
    );
    let (acceptance, sent) = onward_acceptance(report);
    push(
        "Onward referrals accepted",
        shown_num(&acceptance, 0, "%"),
        format!(" of about {sent} sent to community partners (from rounded counts)"),
        Some(trend("lw-trend-onward", "% of onward referrals accepted by quarter", by_quarter, 0, "%", |r| onward_acceptance(r).0)),
    );
    out
}

async fn dashboard(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Html<String>, WebError> {
    let period = period_from(&HashMap::new()).map_err(WebError::Invalid)?;
    let shown = linkwork_app::dashboard::dashboard(&state.store, &state.dashboards, &user.actor(), q.get("scope").map(String::as_str), period).await?;
    let (scope, allowed, figures, updating) = (shown.scope, shown.allowed, shown.figures, shown.updating);
    render(&DashboardView {
        page: page(&state, &user, "Dashboard", "/dashboard").await?,
        scope: figures.year.scope.clone(),
        period: format!("{} to {}", date(period.from), date(period.to)),
        tiles: tiles(&figures.year, &figures.by_quarter),
        report_href: format!("/report?{}", query_for(&scope, &allowed, period)),
        scopes: scope_options(&scope, &allowed), scope_hint: scope_hint(&scope, &allowed),
        word_cloud: figures.word_cloud_html.clone(),
        as_at: date_time(figures.computed_at),
        updating,
    })
}

async fn report_page(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Response, WebError> {
    let values = Fields::from_pairs(q.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    match period_from(&q) {
        Ok(period) => {
            let (scope, allowed, report) = report_of(&state, &user, &q, period).await?;
            let reproduce = linkwork_report::reproduce_command_scoped(Some(&scope.argument()), period, Format::Html.name());
            let fragment = linkwork_report::html_fragment(&report, &reproduce);
            let contents = contents_list(&fragment);
            let form = FormState::new(Fields::from_pairs(vec![("from".into(), period.from.to_string()), ("to".into(), period.to.to_string())]), vec![]);
            let page = page(&state, &user, "Evaluation report", "/report").await?;
            let query = query_for(&scope, &allowed, period);
            Ok(render(&ReportView { page, form, fragment, query, scopes: scope_options(&scope, &allowed), scope_hint: scope_hint(&scope, &allowed), contents })?.into_response())
        }
        Err(errors) => {
            let (scope, allowed) = scope_of(&state, &user, &q).await?;
            let form = FormState::new(values, errors);
            let page = page(&state, &user, "Evaluation report", "/report").await?.with_form(&form);
            let view = ReportView { page, form, fragment: String::new(), query: String::new(), scopes: scope_options(&scope, &allowed), scope_hint: scope_hint(&scope, &allowed), contents: String::new() };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
    }
}

/// Links to the report's sections, for the page (the printed document has its own).
fn contents_list(fragment: &str) -> String {
    let items: String = linkwork_report::section_headings(fragment).into_iter().map(|(id, heading)| format!(r##"<li><a href="#{id}">{heading}</a></li>"##)).collect();
    format!(r#"<nav class="nhsuk-contents-list" aria-label="Report sections"><h2 class="nhsuk-u-visually-hidden">Contents</h2><ol class="nhsuk-contents-list__list">{items}</ol></nav>"#)
}

fn attachment(scope: &ReportScope, period: Period, ext: &str) -> String {
    let slug: String = scope.argument().chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("attachment; filename=\"linkwork-report-{slug}-{}-{}.{ext}\"", period.from, period.to)
}

async fn download(State(state): State<AppState>, user: CurrentUser, Query(q): Params, format: Format) -> Result<Response, WebError> {
    let period = period_from(&q).map_err(WebError::Invalid)?;
    let (scope, _, report) = report_of(&state, &user, &q, period).await?;
    let reproduce = linkwork_report::reproduce_command_scoped(Some(&scope.argument()), period, format.name());
    let body = match format {
        Format::Html => linkwork_report::annual_report_document(&report, &reproduce, &meta_for(&scope)),
        other => linkwork_report::render(&report, other, &reproduce).map_err(|e| WebError::Internal(e.to_string()))?,
    };
    Ok(([(header::CONTENT_TYPE, format.media_type().to_owned()), (header::CONTENT_DISPOSITION, attachment(&scope, period, format.extension()))], body).into_response())
}

async fn download_pdf(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Response, WebError> {
    let period = period_from(&q).map_err(WebError::Invalid)?;
    let (scope, _, report) = report_of(&state, &user, &q, period).await?;
    let reproduce = linkwork_report::reproduce_command_scoped(Some(&scope.argument()), period, "pdf");
    let html = linkwork_report::annual_report_document(&report, &reproduce, &meta_for(&scope));
    let pdf = tokio::task::spawn_blocking(move || linkwork_report::pdf::html_to_pdf(&html)).await.map_err(|e| WebError::Internal(e.to_string()))?.map_err(|e| match e {
        linkwork_report::pdf::PdfError::NoBrowser => WebError::Conflict("The PDF download is not available on this server. Download the standalone HTML report and print it instead.".into()),
        other => WebError::Internal(other.to_string()),
    })?;
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, attachment(&scope, period, "pdf"))], pdf).into_response())
}
