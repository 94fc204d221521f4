//! The community directory for link workers, managers and VCSE partners: search (need, words,
//! in person or online, cost, complex needs, day, distance from a postcode or from the person a
//! referral is for), a service's page with what only staff see (waiting list, capacity, funding),
//! and editing of the link-worker fields by managers (any service) and partners (their own).

use linkwork_domain::ids::ReferralId;
use crate::routes::Routes;
use super::{page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::casework::{self as cases};
use linkwork_app::clock::today;
use linkwork_app::forms::Fields;
use crate::views::{choices, date, opt_date, Choice, FormState, Page};
use crate::{AppState, WebError};
use linkwork_app::directory;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::access::Role;
use linkwork_domain::directory::{funding_ended, funding_ends_soon, is_stale, Delivery};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_app::store::{Service, ServiceProfile, ServiceWhereWhen};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/directory", search)
        .get("/directory/mine", mine)
        .get("/directory/{id}", detail)
        .get("/directory/{id}/edit", edit_form)
        .post("/directory/{id}/edit", edit)
}

type Params = Query<HashMap<String, String>>;

/// A service on the search page or its own page, formatted for templates.
pub struct ServiceCard {
    pub id: String,
    pub name: String,
    pub org: String,
    pub description: String,
    pub needs: String,
    pub delivery: &'static str,
    pub cost: &'static str,
    pub days: String,
    pub distance: Option<String>,
    pub stale: bool,
    pub last_verified: String,
    pub funding_soon: bool,
    pub funding_ended: bool,
    pub funding_ends: String,
    pub funding_source: String,
    pub places: String,
    pub waiting_list: String,
    pub capacity_note: String,
    pub complex_needs: bool,
    pub complex_needs_detail: String,
    pub accessibility: String,
    pub published: bool,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub url: String,
    pub eligibility: String,
    pub fees: String,
}

fn card(s: Service, ww: Option<&ServiceWhereWhen>, distance_km: Option<f64>) -> ServiceCard {
    let p = &s.profile;
    let now = today();
    let days = ww.map(|w| directory::DAYS.iter().filter(|(code, _)| w.days.iter().any(|d| d == code)).map(|(_, name)| *name).collect::<Vec<_>>().join(", ")).unwrap_or_default();
    ServiceCard {
        needs: cases::need_labels(&s.needs),
        delivery: p.delivery.label(),
        cost: match p.is_free {
            Some(true) => "Free",
            Some(false) => "There is a cost",
            None => "Not known",
        },
        days,
        distance: distance_km.map(|d| format!("{:.1} km ({:.1} miles)", d, d / 1.609_344)),
        stale: is_stale(p.last_verified_on, now),
        last_verified: p.last_verified_on.map(date).unwrap_or_else(|| "Never".into()),
        funding_soon: funding_ends_soon(p.funding_ends_on, now),
        funding_ended: funding_ended(p.funding_ends_on, now),
        funding_ends: opt_date(p.funding_ends_on),
        funding_source: p.funding_source.clone().unwrap_or_default(),
        places: p.capacity_places.map(|n| n.to_string()).unwrap_or_default(),
        waiting_list: p.waiting_list.map(|n| n.to_string()).unwrap_or_default(),
        capacity_note: p.capacity_note.clone().unwrap_or_default(),
        complex_needs: p.complex_needs,
        complex_needs_detail: p.complex_needs_detail.clone().unwrap_or_default(),
        accessibility: p.accessibility_description.clone().unwrap_or_default(),
        published: p.published,
        address: [s.address.clone(), s.postcode.clone()].into_iter().flatten().collect::<Vec<_>>().join(", "),
        phone: s.phone.clone().unwrap_or_default(),
        email: s.email.clone().unwrap_or_default(),
        url: s.url.clone().unwrap_or_default(),
        eligibility: s.eligibility_description.clone().unwrap_or_default(),
        fees: s.fees_description.clone().unwrap_or_default(),
        id: s.id,
        name: s.name,
        org: s.org_name,
        description: s.description,
    }
}

#[derive(Template)]
#[template(path = "directory_search.html")]
struct SearchView {
    page: Page,
    form: FormState,
    needs: Vec<Choice>,
    days: Vec<Choice>,
    deliveries: Vec<Choice>,
    results: Vec<ServiceCard>,
    /// Where distances are measured from, in words ("" when not known).
    from: String,
    /// The person a referral is for, when searching for one (`?for=`).
    for_referral: String,
    for_person: String,
    /// The search's query string (`?…`), carried to each service's page so its way back, and
    /// the person it is for, are kept.
    search_query: String,
}

#[derive(Template)]
#[template(path = "directory_service.html")]
struct DetailView {
    page: Page,
    s: ServiceCard,
    may_edit: bool,
    /// The person this page was opened for, when this user may refer them on now: (referral id, name).
    referring: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "directory_edit.html")]
struct EditView {
    page: Page,
    form: FormState,
    service: String,
    org: String,
    action: String,
    deliveries: Vec<Choice>,
    yes_no: Vec<Choice>,
    cost: Vec<Choice>,
    last_verified: String,
}

#[derive(Template)]
#[template(path = "directory_mine.html")]
struct MineView {
    page: Page,
    results: Vec<ServiceCard>,
}

async fn search(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Html<String>, WebError> {
    let found = directory::search(&*state.store, &user.actor(), &user.audit(), &q).await?;
    let results = found.results.into_iter().map(|(s, ww, d)| card(s, ww.as_ref(), d)).collect();
    let (for_referral, for_person, from) = (found.for_referral, found.for_person, found.from);
    let search_query = query_string(found.values.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let form = FormState::new(Fields::from_pairs(found.values), found.errors);
    let mut page = page(&state, &user, "Find a community service", "/directory").await?.with_form(&form);
    if !for_referral.is_empty() {
        page = page.with_back(format!("/referrals/{for_referral}/onward/new"), "Back to the referral");
    }
    render(&SearchView {
        page,
        form,
        needs: choices!(NeedDomain),
        days: directory::DAYS.iter().map(|(c, n)| Choice::new(*c, *n)).collect(),
        deliveries: vec![Choice::new("any", "In person or online"), Choice::new("in_person", "In person"), Choice::new("online", "Online or by phone")],
        results,
        from,
        for_referral,
        for_person,
        search_query,
    })
}

/// The directory search's own fields, as a query string (`?…`, or "" when there are none). An
/// empty need is kept: with `for`, it means "any need" rather than the person's first.
fn query_string<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    const SEARCH_FIELDS: [&str; 8] = ["for", "q", "need", "delivery", "day", "postcode", "free", "complex"];
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in pairs.filter(|(k, v)| SEARCH_FIELDS.contains(k) && (!v.is_empty() || *k == "need")) {
        query.append_pair(k, v);
        any = true;
    }
    if any { format!("?{}", query.finish()) } else { String::new() }
}


async fn detail(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Params) -> Result<Html<String>, WebError> {
    let (s, ww) = directory::service_page(&*state.store, &user.actor(), &id).await?;
    let notice = (q.get("notice").map(String::as_str) == Some("saved")).then(|| "Service details saved".to_owned());
    // Opened while working with a person (`?for=`): the way back keeps them and the search.
    let referring = directory::referring_for(&*state.store, &user.actor(), &user.audit(), &ReferralId::from(q.get("for").map(String::as_str).unwrap_or(""))).await?;
    let mut pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.sort();
    if referring.is_none() {
        pairs.retain(|(k, _)| *k != "for");
    }
    let search = query_string(pairs.into_iter());
    let back = match (&referring, user.role()) {
        (_, Role::VcsePartner) => ("/directory/mine".to_owned(), "Back to your services".to_owned()),
        (Some((_, name)), _) => (format!("/directory{search}"), format!("Back to the search for {name}")),
        (None, _) if !search.is_empty() => (format!("/directory{search}"), "Back to the search".to_owned()),
        (None, _) => ("/directory".to_owned(), "Back to the directory".to_owned()),
    };
    let page = page(&state, &user, &s.name, "").await?.with_back(back.0, &back.1).with_notice(notice);
    render(&DetailView { page, s: card(s, ww.as_ref(), None), may_edit: directory::may_edit(user.role()), referring })
}

async fn mine(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    let results = directory::own_services(&*state.store, &user.actor()).await?.into_iter().map(|(s, ww)| card(s, ww.as_ref(), None)).collect();
    render(&MineView { page: page(&state, &user, "Our services", "/directory/mine").await?, results })
}

fn profile_fields(p: &ServiceProfile) -> Fields {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let n = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    Fields::from_pairs(vec![
        ("delivery".into(), p.delivery.code().into()),
        ("capacity_places".into(), n(p.capacity_places)),
        ("waiting_list".into(), n(p.waiting_list)),
        ("capacity_note".into(), p.capacity_note.clone().unwrap_or_default()),
        ("funding_source".into(), p.funding_source.clone().unwrap_or_default()),
        ("funding_ends_on".into(), p.funding_ends_on.map(|d| d.to_string()).unwrap_or_default()),
        ("complex_needs".into(), yes_no(p.complex_needs)),
        ("complex_needs_detail".into(), p.complex_needs_detail.clone().unwrap_or_default()),
        ("accessibility_description".into(), p.accessibility_description.clone().unwrap_or_default()),
        ("is_free".into(), match p.is_free { Some(true) => "yes", Some(false) => "no", None => "unknown" }.into()),
        ("published".into(), yes_no(p.published)),
    ])
}

async fn edit_page(state: &AppState, user: &CurrentUser, s: &Service, form: FormState) -> Result<Html<String>, WebError> {
    let page = page(state, user, &format!("Edit {}", s.name), "").await?.with_back(format!("/directory/{}", s.id), "Back to the service").with_form(&form);
    render(&EditView {
        page,
        form,
        service: s.name.clone(),
        org: s.org_name.clone(),
        action: format!("/directory/{}/edit", s.id),
        deliveries: choices!(Delivery),
        yes_no: vec![Choice::new("yes", "Yes"), Choice::new("no", "No")],
        cost: vec![Choice::new("yes", "Free"), Choice::new("no", "There is a cost"), Choice::new("unknown", "Not known")],
        last_verified: s.profile.last_verified_on.map(date).unwrap_or_else(|| "never".into()),
    })
}

async fn edit_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Html<String>, WebError> {
    let s = directory::editable_service(&*state.store, &user.actor(), &id).await?;
    let form = FormState::new(profile_fields(&s.profile), vec![]);
    edit_page(&state, &user, &s, form).await
}

async fn edit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match directory::update_profile(&*state.store, &user.actor(), &id, &f).await {
        Ok(s) => Ok(Redirect::to(&format!("/directory/{}?notice=saved", s.id)).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => {
            let s = directory::editable_service(&*state.store, &user.actor(), &id).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, edit_page(&state, &user, &s, FormState::new(f, errors)).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

