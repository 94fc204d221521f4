//! The team: managers' view of caseloads, MDT meetings, finding a person and their timeline.

use linkwork_domain::ids::PersonId;
use crate::routes::Routes;
use super::{page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::clock::today;
use linkwork_app::forms::Fields;
use crate::views::*;
use crate::{AppState, WebError};
use linkwork_app::team;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::casework::caseload::RECOMMENDED_PEOPLE_PER_YEAR;
use linkwork_domain::casework::mdt::AttendeeRole;
use linkwork_app::store::{CaseloadEntry, WorkerLoad};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/team", team_page)
        .get("/mdt", mdt_list)
        .get("/mdt/new", mdt_form)
        .post("/mdt/new", mdt_create)
        .get("/people", search)
        .get("/people/{id}", timeline)
}

async fn team_page(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    let (from, to) = super::community::community_period();
    let team::TeamOverview { loads, unassigned, pending_incoming, time_shares } = team::overview(&*state.store, &user.actor(), from, to).await?;
    let (low, high) = RECOMMENDED_PEOPLE_PER_YEAR;
    let months = loads.first().map(|l| l.accepted_by_month.iter().map(|(m, _)| m.clone()).collect()).unwrap_or_default();
    let chart = workload_chart(&loads);
    let rows = loads
        .into_iter()
        .map(|l| WorkerRow {
            against: if l.accepted_last_year < i64::from(low) {
                "Below"
            } else if l.accepted_last_year > i64::from(high) {
                "Above"
            } else {
                "Within"
            },
            months: l.accepted_by_month.iter().map(|(_, n)| *n).collect(),
            id: l.worker_id,
            name: l.name,
            open: l.open,
            last_year: l.accepted_last_year,
        })
        .collect();
    let time_shares = time_shares
        .into_iter()
        .map(|t| TimeShareRow {
            share: linkwork_domain::directory::community::community_share_pct(t.community_minutes, t.contact_minutes).map(|p| format!("{p:.0}%")).unwrap_or_else(|| "–".into()),
            community_hours: format!("{:.1}", t.community_minutes as f64 / 60.0),
            contact_hours: format!("{:.1}", t.contact_minutes as f64 / 60.0),
            name: t.name,
        })
        .collect();
    render(&TeamView {
        time_shares,
        time_period: format!("{} to {}", date(from), date(to)),
        page: page(&state, &user, "Team caseloads", "/team").await?,
        rows,
        chart,
        months,
        unassigned,
        pending_incoming,
        recommended: format!("{low}–{high} people taken on a year per full-time link worker (NHS England reference guide)"),
    })
}

/// Horizontal bars of people taken on in the last 12 months per link worker, with the
/// recommended band shaded, as an accessible SVG (the table below repeats the figures).
fn workload_chart(loads: &[WorkerLoad]) -> String {
    let (low, high) = RECOMMENDED_PEOPLE_PER_YEAR;
    let max = loads.iter().map(|l| l.accepted_last_year).max().unwrap_or(0).max(i64::from(high) + 50) as f64;
    let (left, width, row) = (180.0, 480.0, 36.0);
    let height = 40.0 + row * loads.len() as f64 + 30.0;
    let x = |v: f64| left + v / max * width;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 700 {height}" role="img" aria-labelledby="team-chart-title team-chart-desc"><title id="team-chart-title">People taken on in the last 12 months, by link worker</title><desc id="team-chart-desc">Bars show each link worker's number; the shaded band is the recommended {low} to {high} a year. The same figures are in the table.</desc><rect x="0" y="0" width="700" height="{height}" fill="#ffffff"/><rect x="{bx}" y="20" width="{bw}" height="{bh}" fill="#e8edee" stroke="#4c6272" stroke-dasharray="4 3"/><text x="{bx}" y="14" font-size="12" fill="#212b32">recommended {low}–{high}</text>"##,
        bx = x(f64::from(low)),
        bw = x(f64::from(high)) - x(f64::from(low)),
        bh = row * loads.len() as f64 + 10.0,
    );
    for (i, l) in loads.iter().enumerate() {
        let y = 26.0 + row * i as f64;
        let name = crate::views::escape(&l.name);
        svg.push_str(&format!(
            r##"<text x="{tx}" y="{ty}" font-size="14" text-anchor="end" fill="#212b32">{name}</text><rect x="{left}" y="{y}" width="{w}" height="22" fill="#005eb8"/><text x="{vx}" y="{ty}" font-size="14" fill="#212b32">{v}</text>"##,
            tx = left - 8.0,
            ty = y + 16.0,
            w = x(l.accepted_last_year as f64) - left,
            vx = x(l.accepted_last_year as f64) + 6.0,
            v = l.accepted_last_year,
        ));
    }
    svg.push_str("</svg>");
    svg
}

async fn mdt_list(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    linkwork_app::access::require_casework(&user.actor())?;
    let meetings = linkwork_app::reads::mdt_meetings(&*state.store, &user.actor(), &user.audit())
        .await?
        .into_iter()
        .map(|m| MdtRow {
            held_on: date(m.held_on),
            place: m.practice_name.unwrap_or_else(|| "PCN-wide".into()),
            attendees: m.attendees.iter().map(|a| a.label()).collect::<Vec<_>>().join(", "),
            people: m.people.join(", "),
            notes: m.notes.unwrap_or_default(),
        })
        .collect();
    let page = page(&state, &user, "MDT meetings", "/mdt").await?.with_notice(q.get("notice").filter(|n| *n == "mdt").map(|_| "MDT meeting saved".to_owned()));
    render(&MdtListView { page, meetings })
}

async fn mdt_page(state: &AppState, user: &CurrentUser, form: FormState) -> Result<Html<String>, WebError> {
    let org = &user.user.org_id;
    let practices = linkwork_app::orgs::orgs(&*state.store, OrgKind::Practice, Some(org)).await?.into_iter().map(|p| Choice::new(p.id, p.name)).collect();
    let find = form.value("find").trim().to_owned();
    let people = team::mdt_people(&*state.store, &user.actor(), &user.audit(), &find, &form.values.all("referral_ids")).await?;
    let person = |e: CaseloadEntry| MdtPerson { id: e.referral_id, name: format!("{} {}", e.given_name, e.family_name), nhs_number: e.nhs_number.to_string() };
    let page = page(state, user, "Record an MDT meeting", "/mdt").await?.with_back("/mdt", "Back to MDT meetings").with_form(&form);
    render(&MdtNewView {
        page,
        form,
        practices,
        roles: choices!(AttendeeRole),
        searched: !find.is_empty(),
        more: people.more,
        found: people.found.into_iter().map(person).collect(),
        selected: people.selected.into_iter().map(person).collect(),
    })
}

async fn mdt_form(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    linkwork_app::access::require_casework(&user.actor())?;
    mdt_page(&state, &user, FormState::new(Fields::from_pairs(vec![("held_on".into(), today().to_string()), ("attendees".into(), "link_worker".into())]), vec![])).await
}

/// The MDT form is one form: its buttons search the open caseload (`step=find`), add a person
/// (`add`) or take one off (`remove`) and show the form again with everything typed kept, or save
/// the meeting. Nothing is saved until "Save meeting".
async fn mdt_create(State(state): State<AppState>, user: CurrentUser, CheckedForm(mut f): CheckedForm) -> Result<Response, WebError> {
    let (add, remove) = (f.get("add").to_owned(), f.get("remove").to_owned());
    if !add.is_empty() || !remove.is_empty() || f.get("step") == "find" {
        let mut chosen: Vec<String> = Vec::new();
        for id in f.all("referral_ids").into_iter().chain([add.as_str()]) {
            if !id.is_empty() && id != remove && !chosen.iter().any(|c| c == id) {
                chosen.push(id.to_owned());
            }
        }
        f.remove("referral_ids");
        chosen.iter().for_each(|id| f.add("referral_ids", id));
        return Ok(mdt_page(&state, &user, FormState::new(f, vec![])).await?.into_response());
    }
    match team::record_mdt(&*state.store, &user.actor(), &user.audit(), &f).await {
        Ok(_) => Ok(Redirect::to("/mdt?notice=mdt").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, mdt_page(&state, &user, FormState::new(f, errors)).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn search(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    linkwork_app::access::require_casework(&user.actor())?;
    let values = Fields::from_pairs(q.into_iter().collect());
    let (status, form, searched, results) = match team::parse_search(&values) {
        Ok(None) => (StatusCode::OK, FormState::new(values, vec![]), false, vec![]),
        Ok(Some(query)) => {
            let results = linkwork_app::reads::search_people(&*state.store, &user.actor(), &user.audit(), &query)
                .await?
                .into_iter()
                .map(|p| SearchRow {
                    href: format!("/people/{}", p.person_id),
                    name: format!("{} {}", p.given_name, p.family_name),
                    nhs_number: p.nhs_number.to_string(),
                    date_of_birth: date(p.date_of_birth),
                    status_code: p.latest_status.code(),
                    status: p.latest_status.label(),
                    referrals: p.referrals,
                })
                .collect();
            (StatusCode::OK, FormState::new(values, vec![]), true, results)
        }
        Err(linkwork_app::AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, FormState::new(values, errors), false, vec![]),
        Err(e) => return Err(e.into()),
    };
    let page = page(&state, &user, "Find a person", "/people").await?.with_form(&form);
    Ok((status, render(&SearchView { page, form, searched, results })?).into_response())
}

async fn timeline(State(state): State<AppState>, user: CurrentUser, Path(person_id): Path<PersonId>, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    let records = team::person_history(&*state.store, &user.actor(), &user.audit(), &person_id).await?;
    let person = &records[0].person;
    let name = format!("{} {}", person.given_name, person.family_name);
    let events = team::timeline(&records)
        .into_iter()
        .map(|e| TimelineRow { date: date(e.date), what: e.what, detail: e.detail, href: format!("/referrals/{}", e.referral_id) })
        .collect();
    let page = page(&state, &user, &format!("{name}: timeline"), "/people").await?.with_back("/people", "Back to search").with_notice(super::notice(q.get("notice").map(String::as_str)));
    let (changes, restricted) = team::person_changes(&*state.store, &user.actor(), &person_id).await?;
    let changes = changes
        .into_iter()
        .map(|c| {
            let by = c.by_name.clone().or(c.by_org.clone()).unwrap_or_else(|| "Not recorded".into());
            [crate::views::date_time(c.at), c.field.label().to_owned(), super::privacy::shown(c.field, c.old_value.as_deref()), super::privacy::shown(c.field, c.new_value.as_deref()), c.source.label().to_owned(), by]
        })
        .collect();
    // Every record read above carries the person's contact details; the newest referral is where they are changed.
    let contact = records[0].contact.summary(Some(person.postcode.as_str()));
    let contact_href = crate::contact_details::change_href(&records[0].referral.id);
    render(&TimelineView { page, person_id: person_id.to_string(), nhs_number: person.nhs_number.to_string(), name, events, changes, restricted, manager: user.role() == Role::Manager, contact, contact_href })
}
