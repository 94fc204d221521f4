//! What each partner and each funder sees (issue 4): the feedback report for one VCSE
//! organisation, the gap report and the partnership network, as HTML with an SVG chart and as CSV.
//! The domain (`linkwork_domain::onward::partnership`) does the counting and the disclosure control; this
//! file only gathers the scope, formats and draws. Nothing here is about an individual person.

use crate::routes::Routes;
use super::{page, period_from, render};
use crate::auth::CurrentUser;

use linkwork_app::forms::Fields;
use crate::views::{date, FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use linkwork_domain::access::OrgKind;
use linkwork_domain::evaluation::disclosure::Shown;
use linkwork_domain::evaluation::Period;
use linkwork_domain::onward::partnership::{GapReport, PartnerFeedback};

use std::collections::HashMap;
use std::fmt::Write;

pub fn routes() -> Routes {
    Routes::new()
        .get("/partner/report", own_partner_report)
        .get("/partner/report.csv", own_partner_csv)
        .get("/reports/partners", partners_index)
        .get("/reports/partners/{org_id}", partner_report)
        .get("/reports/partners/{org_id}/report.csv", partner_csv)
        .get("/reports/gaps", gaps_page)
        .get("/reports/gaps.csv", gaps_csv)
        .get("/reports/network", network_page)
        .get("/reports/network.csv", network_csv)
}

type Params = Query<HashMap<String, String>>;

// ---- views ----

#[derive(Template)]
#[template(path = "partnership_partner.html")]
pub struct PartnerReportView {
    pub page: Page,
    pub form: FormState,
    pub action: String,
    pub csv_href: String,
    pub partner: String,
    pub period: String,
    pub summary: Vec<(&'static str, String)>,
    pub decline_reasons: Vec<(&'static str, String)>,
    pub by_service: Vec<(String, String, String)>,
    pub chart: String,
}

#[derive(Template)]
#[template(path = "partnership_partners.html")]
pub struct PartnersIndexView {
    pub page: Page,
    pub partners: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "partnership_gaps.html")]
pub struct GapsView {
    pub page: Page,
    pub form: FormState,
    pub csv_href: String,
    pub scope: String,
    pub period: String,
    pub unmet: Vec<(&'static str, String)>,
    pub coverage: Vec<(&'static str, String, u64)>,
    pub capacity: Vec<(String, String)>,
    pub waiting: Vec<(String, i64)>,
    pub funding: Vec<(String, String, String)>,
    pub bounced: Vec<(&'static str, String)>,
    pub chart: String,
}

pub struct EdgeRow {
    pub from: String,
    pub to: String,
    pub referrals: String,
    pub trend: String,
}

#[derive(Template)]
#[template(path = "partnership_network.html")]
pub struct NetworkView {
    pub page: Page,
    pub form: FormState,
    pub csv_href: String,
    pub scope: String,
    pub period: String,
    pub edges: Vec<EdgeRow>,
    pub chart: String,
}

// ---- formatting ----

fn count(s: &Shown<u64>) -> String {
    match s {
        Shown::Value(v) => v.to_string(),
        Shown::Suppressed => "*".into(),
        Shown::NoData => "–".into(),
    }
}

fn num(s: &Shown<f64>, decimals: usize) -> String {
    match s {
        Shown::Value(v) => format!("{v:.decimals$}"),
        Shown::Suppressed => "*".into(),
        Shown::NoData => "–".into(),
    }
}

fn period_text(period: Period) -> String {
    format!("{} to {}", date(period.from), date(period.to))
}

fn query(period: Period) -> String {
    format!("from={}&to={}", period.from, period.to)
}

fn period_form(period: Period) -> FormState {
    FormState::new(Fields::from_pairs(vec![("from".into(), period.from.to_string()), ("to".into(), period.to.to_string())]), vec![])
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Service and organisation names come from imports: every cell is escaped against formulas.
fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    linkwork_domain::interop::csv_safe::csv_document(header, rows)
}

fn csv_response(name: &str, period: Period, body: String) -> Response {
    let disposition = format!("attachment; filename=\"linkwork-{name}-{}-{}.csv\"", period.from, period.to);
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

/// A horizontal bar chart of disclosure-controlled counts: an `<svg role="img">` labelled by its
/// title and description, with each bar's value written beside it (suppressed counts draw no bar
/// and show `*`). The page shows a table of the same figures next to it.
fn bar_chart(id: &str, title: &str, desc: &str, rows: &[(String, Shown<u64>, String)]) -> String {
    const WIDTH: f64 = 720.0;
    const LABEL: f64 = 300.0;
    const ROW: f64 = 28.0;
    let height = 20.0 + ROW * rows.len().max(1) as f64;
    let max = rows.iter().filter_map(|(_, v, _)| v.value().copied()).max().unwrap_or(0).max(1) as f64;
    // Room to the right of the longest bar for its value and note (about 8 units a character).
    let reserve = 30.0 + 8.0 * rows.iter().map(|(_, _, note)| note.chars().count()).max().unwrap_or(0) as f64;
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-size="14" fill="#212b32"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc><rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##,
        escape(title),
        escape(desc)
    );
    if rows.is_empty() {
        let _ = write!(out, r#"<text x="10" y="30">No data for this period</text>"#);
    }
    for (i, (label, value, note)) in rows.iter().enumerate() {
        let y = 10.0 + ROW * i as f64;
        let short: String = if label.chars().count() > 42 { label.chars().take(41).chain(['…']).collect() } else { label.clone() };
        let _ = write!(out, r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#, LABEL - 8.0, y + 18.0, escape(&short));
        let bar = value.value().map(|v| (*v as f64 / max) * (WIDTH - LABEL - 40.0 - reserve)).unwrap_or(0.0);
        if bar > 0.0 {
            let _ = write!(out, r##"<rect x="{LABEL}" y="{:.1}" width="{bar:.1}" height="20" fill="#005eb8"/>"##, y + 4.0);
        }
        let _ = write!(out, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, LABEL + bar + 6.0, y + 18.0, escape(&format!("{}{note}", count(value))));
    }
    out.push_str("</svg>");
    out
}

// ---- partner feedback ----

fn partner_view(page: Page, report: &PartnerFeedback, action: String, csv_href: String) -> PartnerReportView {
    let summary = partner_rows(report).into_iter().map(|(_, label, value)| (label, value)).collect();
    let chart_rows: Vec<(String, Shown<u64>, String)> = [
        ("Accepted", report.accepted),
        ("Declined", report.declined),
        ("Awaiting a reply", report.awaiting),
        ("Started", report.started),
        ("Attended", report.attended),
        ("Completed", report.completed),
        ("Dropped out", report.dropped_out),
    ]
    .into_iter()
    .map(|(l, v)| (l.to_owned(), v, String::new()))
    .collect();
    let chart = bar_chart(
        "partner-outcomes",
        "What happened to the referrals received",
        "Horizontal bars: referrals accepted, declined, awaiting a reply, started, attended, completed and dropped out. Counts of 1 to 7 show as *.",
        &chart_rows,
    );
    PartnerReportView {
        page,
        form: period_form(report.period),
        action,
        csv_href,
        partner: report.partner.clone(),
        period: period_text(report.period),
        summary,
        decline_reasons: report.decline_reasons.iter().map(|(r, c)| (r.label(), count(c))).collect(),
        by_service: report.by_service.iter().map(|(s, sent, acc)| (s.clone(), count(sent), count(acc))).collect(),
        chart,
    }
}

/// The feedback figures with stable ids, for the page and the CSV.
fn partner_rows(r: &PartnerFeedback) -> Vec<(&'static str, &'static str, String)> {
    vec![
        ("received", "Referrals received", count(&r.received)),
        ("accepted", "Accepted", count(&r.accepted)),
        ("declined", "Declined", count(&r.declined)),
        ("awaiting", "Awaiting a reply", count(&r.awaiting)),
        ("median_days_to_respond", "Median days to respond", num(&r.median_days_to_respond, 1)),
        ("started", "Started the activity", count(&r.started)),
        ("attended", "Attended", count(&r.attended)),
        ("completed", "Completed", count(&r.completed)),
        ("dropped_out", "Dropped out", count(&r.dropped_out)),
        ("swemwbs_n", "People taken on with SWEMWBS before and after", count(&r.swemwbs_n)),
        ("swemwbs_mean_change", "SWEMWBS mean change (points)", num(&r.swemwbs_mean_change, 1)),
        ("swemwbs_ci95_low", "SWEMWBS change, 95% CI lower", num(&r.swemwbs_ci95.0, 1)),
        ("swemwbs_ci95_high", "SWEMWBS change, 95% CI upper", num(&r.swemwbs_ci95.1, 1)),
    ]
}

fn partner_csv_body(r: &PartnerFeedback) -> String {
    let mut rows: Vec<Vec<String>> = partner_rows(r).into_iter().map(|(id, label, v)| vec![id.to_owned(), label.to_owned(), String::new(), v]).collect();
    rows.extend(r.decline_reasons.iter().map(|(reason, c)| vec!["decline_reason".into(), reason.label().into(), reason.code().into(), count(c)]));
    for (service, sent, accepted) in &r.by_service {
        rows.push(vec!["service_received".into(), "Referrals received by service".into(), service.clone(), count(sent)]);
        rows.push(vec!["service_accepted".into(), "Referrals accepted by service".into(), service.clone(), count(accepted)]);
    }
    csv(&["figure", "label", "breakdown", "value"], &rows)
}

async fn show_partner(state: &AppState, user: &CurrentUser, org_id: Option<&str>, q: &HashMap<String, String>) -> Result<Response, WebError> {
    let (here, action) = match org_id {
        None => ("/partner/report".to_owned(), "/partner/report".to_owned()),
        Some(id) => ("/reports/partners".to_owned(), format!("/reports/partners/{id}")),
    };
    let csv_base = match org_id {
        None => "/partner/report.csv".to_owned(),
        Some(id) => format!("/reports/partners/{id}/report.csv"),
    };
    match period_from(q) {
        Ok(period) => {
            let report = linkwork_app::partnership::feedback(&*state.store, &user.actor(), org_id, period).await?;
            let page = page(state, user, "Partner feedback report", &here).await?;
            Ok(render(&partner_view(page, &report, action, format!("{csv_base}?{}", query(period))))?.into_response())
        }
        Err(errors) => {
            linkwork_app::partnership::partner_scope(&*state.store, &user.actor(), org_id).await?;
            let form = FormState::new(Fields::from_pairs(q.iter().map(|(k, v)| (k.clone(), v.clone())).collect()), errors);
            let page = page(state, user, "Partner feedback report", &here).await?.with_form(&form);
            let view = PartnerReportView { page, form, action, csv_href: csv_base, partner: String::new(), period: String::new(), summary: vec![], decline_reasons: vec![], by_service: vec![], chart: String::new() };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
    }
}

async fn own_partner_report(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Response, WebError> {
    show_partner(&state, &user, None, &q).await
}

async fn partner_report(State(state): State<AppState>, user: CurrentUser, Path(org_id): Path<String>, Query(q): Params) -> Result<Response, WebError> {
    show_partner(&state, &user, Some(&org_id), &q).await
}

async fn partner_csv_for(state: &AppState, user: &CurrentUser, org_id: Option<&str>, q: &HashMap<String, String>) -> Result<Response, WebError> {
    let period = period_from(q).map_err(WebError::Invalid)?;
    let report = linkwork_app::partnership::feedback(&*state.store, &user.actor(), org_id, period).await?;
    Ok(csv_response("partner-feedback", period, partner_csv_body(&report)))
}

async fn own_partner_csv(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Response, WebError> {
    partner_csv_for(&state, &user, None, &q).await
}

async fn partner_csv(State(state): State<AppState>, user: CurrentUser, Path(org_id): Path<String>, Query(q): Params) -> Result<Response, WebError> {
    partner_csv_for(&state, &user, Some(&org_id), &q).await
}

async fn partners_index(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    linkwork_app::partnership::funder_scope(&*state.store, &user.actor()).await?;
    let partners = linkwork_app::orgs::orgs(&*state.store, OrgKind::Vcse, None).await?.into_iter().map(|o| (format!("/reports/partners/{}", o.id), o.name)).collect();
    render(&PartnersIndexView { page: page(&state, &user, "Partner feedback reports", "/reports/partners").await?, partners })
}

// ---- gaps ----

fn gap_rows(g: &GapReport) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (need, c) in &g.unmet_needs {
        rows.push(vec!["unmet_need".into(), need.label().into(), count(c)]);
    }
    for (need, people, services) in &g.need_coverage {
        rows.push(vec!["need_people".into(), need.label().into(), count(people)]);
        rows.push(vec!["need_services_listed".into(), need.label().into(), services.to_string()]);
    }
    for (service, c) in &g.capacity_declines {
        rows.push(vec!["capacity_declines".into(), service.clone(), count(c)]);
    }
    for (service, w) in &g.waiting_lists {
        rows.push(vec!["waiting_list".into(), service.clone(), w.to_string()]);
    }
    for (service, ends, c) in &g.funding_ending {
        rows.push(vec!["funding_ends_on".into(), service.clone(), ends.to_string()]);
        rows.push(vec!["funding_ending_referrals".into(), service.clone(), count(c)]);
    }
    for (need, c) in &g.bounced_by_need {
        rows.push(vec!["bounced_people".into(), need.label().into(), count(c)]);
    }
    rows
}

async fn gaps_page(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Response, WebError> {
    let period = match period_from(&q) {
        Ok(p) => p,
        Err(errors) => {
            linkwork_app::partnership::funder_scope(&*state.store, &user.actor()).await?;
            return Err(WebError::Invalid(errors));
        }
    };
    let (scope, g) = linkwork_app::partnership::gap_report(&*state.store, &user.actor(), period).await?;
    let chart_rows: Vec<(String, Shown<u64>, String)> = g
        .need_coverage
        .iter()
        .map(|(need, people, services)| (need.label().to_owned(), *people, format!(" people; {services} service{} listed", if *services == 1 { "" } else { "s" })))
        .collect();
    let chart = bar_chart(
        "need-coverage",
        "People with each need, and services listed for it",
        "Horizontal bars: the number of people referred in the period with each need, each followed by how many active services in the directory are listed for that need. Counts of 1 to 7 show as *.",
        &chart_rows,
    );
    let view = GapsView {
        page: page(&state, &user, "Gap report", "/reports/gaps").await?,
        form: period_form(period),
        csv_href: format!("/reports/gaps.csv?{}", query(period)),
        scope,
        period: period_text(period),
        unmet: g.unmet_needs.iter().map(|(n, c)| (n.label(), count(c))).collect(),
        coverage: g.need_coverage.iter().map(|(n, c, s)| (n.label(), count(c), *s)).collect(),
        capacity: g.capacity_declines.iter().map(|(s, c)| (s.clone(), count(c))).collect(),
        waiting: g.waiting_lists.clone(),
        funding: g.funding_ending.iter().map(|(s, d, c)| (s.clone(), date(*d), count(c))).collect(),
        bounced: g.bounced_by_need.iter().map(|(n, c)| (n.label(), count(c))).collect(),
        chart,
    };
    Ok(render(&view)?.into_response())
}

async fn gaps_csv(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Response, WebError> {
    let period = period_from(&q).map_err(WebError::Invalid)?;
    let (_, g) = linkwork_app::partnership::gap_report(&*state.store, &user.actor(), period).await?;
    Ok(csv_response("gaps", period, csv(&["figure", "item", "value"], &gap_rows(&g))))
}

// ---- network ----

async fn network_page(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Response, WebError> {
    let period = match period_from(&q) {
        Ok(p) => p,
        Err(errors) => {
            linkwork_app::partnership::funder_scope(&*state.store, &user.actor()).await?;
            return Err(WebError::Invalid(errors));
        }
    };
    let (scope, edges) = linkwork_app::partnership::network_edges(&*state.store, &user.actor(), period).await?;
    let chart_rows: Vec<(String, Shown<u64>, String)> = edges.iter().take(12).map(|e| (format!("{} → {}", e.from, e.to), e.referrals, String::new())).collect();
    let chart = bar_chart(
        "network-edges",
        "Referrals between the link-worker service and organisations",
        "Horizontal bars: the most frequent referral routes in the period, from one party to another, with the number of referrals. Counts of 1 to 7 show as *.",
        &chart_rows,
    );
    let view = NetworkView {
        page: page(&state, &user, "Partnership network", "/reports/network").await?,
        form: period_form(period),
        csv_href: format!("/reports/network.csv?{}", query(period)),
        scope,
        period: period_text(period),
        edges: edges
            .iter()
            .map(|e| EdgeRow {
                from: e.from.clone(),
                to: e.to.clone(),
                referrals: count(&e.referrals),
                trend: e.by_quarter.iter().map(|(q, c)| format!("{q}: {}", linkwork_report::with_unit(&count(c), "referrals"))).collect::<Vec<_>>().join(", "),
            })
            .collect(),
        chart,
    };
    Ok(render(&view)?.into_response())
}

async fn network_csv(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Response, WebError> {
    let period = period_from(&q).map_err(WebError::Invalid)?;
    let (_, edges) = linkwork_app::partnership::network_edges(&*state.store, &user.actor(), period).await?;
    let mut rows = Vec::new();
    for e in &edges {
        rows.push(vec![e.from.clone(), e.to.clone(), "all".into(), count(&e.referrals)]);
        for (q, c) in &e.by_quarter {
            rows.push(vec![e.from.clone(), e.to.clone(), q.clone(), count(c)]);
        }
    }
    Ok(csv_response("network", period, csv(&["from", "to", "quarter", "referrals"], &rows)))
}
