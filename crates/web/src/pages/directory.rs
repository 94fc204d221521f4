//! The community directory for link workers, managers and VCSE partners: search (need, words,
//! in person or online, cost, complex needs, day, distance from a postcode or from the person a
//! referral is for), a service's page with what only staff see (waiting list, capacity, funding),
//! and editing of the link-worker fields by managers (any service) and partners (their own).

use super::{page, render};
use crate::auth::CurrentUser;
use crate::casework::{self as cases, today};
use crate::forms::{Checker, Fields};
use crate::views::{choices, date, opt_date, Choice, FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use linkwork_domain::access::Role;
use linkwork_domain::directory::{funding_ended, funding_ends_soon, is_stale, Coordinates, Delivery};
use linkwork_domain::need::NeedDomain;
use linkwork_domain::postcode::Postcode;
use linkwork_domain::DomainError;
use linkwork_store::{Service, ServiceProfile, ServiceWhereWhen, Store};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/directory", get(search))
        .route("/directory/mine", get(mine))
        .route("/directory/{id}", get(detail))
        .route("/directory/{id}/edit", get(edit_form).post(edit))
}

type Params = Query<HashMap<String, String>>;

/// The days a schedule may name, in order.
const DAYS: [(&str, &str); 7] = [("MO", "Monday"), ("TU", "Tuesday"), ("WE", "Wednesday"), ("TH", "Thursday"), ("FR", "Friday"), ("SA", "Saturday"), ("SU", "Sunday")];

/// What a search asked for, parsed from the query string.
#[derive(Debug, Default)]
struct Filters {
    need: Option<NeedDomain>,
    words: Vec<String>,
    delivery: Option<Delivery>,
    free_only: bool,
    complex: bool,
    day: Option<&'static str>,
    centre: Option<Coordinates>,
}

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
    let days = ww.map(|w| DAYS.iter().filter(|(code, _)| w.days.iter().any(|d| d == code)).map(|(_, name)| *name).collect::<Vec<_>>().join(", ")).unwrap_or_default();
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
}

#[derive(Template)]
#[template(path = "directory_service.html")]
struct DetailView {
    page: Page,
    s: ServiceCard,
    may_edit: bool,
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

async fn centre_of(store: &dyn Store, postcode: &Postcode) -> Result<Option<Coordinates>, WebError> {
    if let Some(c) = store.postcode_centre(postcode.as_str()).await? {
        return Ok(Some(c));
    }
    Ok(store.postcode_centre(postcode.outward()).await?)
}

async fn search(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Html<String>, WebError> {
    cases::require_casework(&user.actor())?;
    let get = |k: &str| q.get(k).map(|v| v.trim()).unwrap_or("");
    let mut values: Vec<(String, String)> = q.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    values.sort();
    let mut check = Checker::default();
    let mut filters = Filters::default();
    if !get("need").is_empty() {
        filters.need = check.check(NeedDomain::parse(get("need")).map_err(|_| DomainError::invalid("need", "Select a need from the list")));
    }
    filters.words = get("q").to_lowercase().split_whitespace().map(str::to_owned).collect();
    filters.delivery = match get("delivery") {
        "" | "any" => None,
        "in_person" => Some(Delivery::InPerson),
        "online" => Some(Delivery::Online),
        _ => {
            check.error("delivery", "Select in person, online or either");
            None
        }
    };
    filters.free_only = get("free") == "yes";
    filters.complex = get("complex") == "yes";
    if !get("day").is_empty() {
        match DAYS.iter().find(|(code, _)| code.eq_ignore_ascii_case(get("day"))) {
            Some((code, _)) => filters.day = Some(code),
            None => check.error("day", "Select a day of the week"),
        }
    }
    let mut from = String::new();
    let (mut for_referral, mut for_person) = (String::new(), String::new());
    if !get("for").is_empty() {
        let id = get("for").to_owned();
        cases::casework_referral(&*state.store, &user.actor(), &id).await?;
        let r = state.store.referral_record(&user.audit(), &id).await?.ok_or(WebError::NotFound)?;
        for_person = format!("{} {}", r.person.given_name, r.person.family_name);
        filters.centre = centre_of(&*state.store, &r.person.postcode).await?;
        from = if filters.centre.is_some() { format!("{for_person}'s postcode") } else { String::new() };
        for_referral = id;
        if filters.need.is_none() && get("need").is_empty() && !q.contains_key("need") {
            // Start from the person's first need when the search has not chosen one.
            if let Some(n) = r.needs.first() {
                filters.need = Some(n.need);
                values.push(("need".into(), n.need.code().into()));
            }
        }
    } else if !get("postcode").is_empty() {
        match Postcode::parse(get("postcode")) {
            Ok(pc) => {
                filters.centre = centre_of(&*state.store, &pc).await?;
                if filters.centre.is_some() {
                    from = pc.as_str().to_owned();
                } else {
                    check.error("postcode", "We do not know where this postcode is, so services are not sorted by distance");
                }
            }
            Err(e) => {
                check.check::<()>(Err(e));
            }
        }
    }
    let services = state.store.services().await?;
    let where_when: HashMap<String, ServiceWhereWhen> = state.store.services_where_when().await?.into_iter().map(|w| (w.service_id.clone(), w)).collect();
    let mut found: Vec<(Option<f64>, Service)> = services
        .into_iter()
        .filter(|s| s.status == "active")
        .filter_map(|s| {
            let ww = where_when.get(&s.id);
            matches(&s, ww, &filters).then(|| (distance(ww, filters.centre), s))
        })
        .collect();
    found.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.name.cmp(&b.1.name),
    });
    let results = found.into_iter().map(|(d, s)| { let ww = where_when.get(&s.id); card(s, ww, d) }).collect();
    let form = FormState::new(Fields::from_pairs(values), check.into_errors());
    let mut page = page(&state, &user, "Find a community service", "/directory").await?.with_form(&form);
    if !for_referral.is_empty() {
        page = page.with_back(format!("/referrals/{for_referral}/onward/new"), "Back to the referral");
    }
    render(&SearchView {
        page,
        form,
        needs: choices!(NeedDomain),
        days: DAYS.iter().map(|(c, n)| Choice::new(*c, *n)).collect(),
        deliveries: vec![Choice::new("any", "In person or online"), Choice::new("in_person", "In person"), Choice::new("online", "Online or by phone")],
        results,
        from,
        for_referral,
        for_person,
    })
}

fn distance(ww: Option<&ServiceWhereWhen>, centre: Option<Coordinates>) -> Option<f64> {
    let centre = centre?;
    ww?.places.iter().map(|p| p.distance_km(centre)).min_by(|a, b| a.total_cmp(b))
}

fn matches(s: &Service, ww: Option<&ServiceWhereWhen>, f: &Filters) -> bool {
    let text = format!("{} {} {}", s.name, s.description, s.org_name).to_lowercase();
    f.need.is_none_or(|n| s.needs.contains(&n))
        && f.words.iter().all(|w| text.contains(w.as_str()))
        && f.delivery.is_none_or(|d| s.profile.delivery.offers(d))
        && (!f.free_only || s.profile.is_free == Some(true))
        && (!f.complex || s.profile.complex_needs)
        && f.day.is_none_or(|d| ww.is_some_and(|w| w.days.iter().any(|x| x == d)))
}

/// A service this user may see the staff page of: link workers and managers any; VCSE partners
/// only their own organisation's (others are not found).
async fn visible_service(state: &AppState, user: &CurrentUser, id: &str) -> Result<Service, WebError> {
    let role = user.role();
    if !role.does_casework() && role != Role::VcsePartner {
        return Err(WebError::Forbidden);
    }
    let s = state.store.service(id).await?.ok_or(WebError::NotFound)?;
    if role == Role::VcsePartner && s.org_id != user.user.org_id {
        return Err(WebError::NotFound);
    }
    Ok(s)
}

/// A service this user may edit: managers any, VCSE partners their own organisation's.
async fn editable_service(state: &AppState, user: &CurrentUser, id: &str) -> Result<Service, WebError> {
    if !matches!(user.role(), Role::Manager | Role::VcsePartner) {
        return Err(WebError::Forbidden);
    }
    visible_service(state, user, id).await
}

fn may_edit(user: &CurrentUser) -> bool {
    matches!(user.role(), Role::Manager | Role::VcsePartner)
}

async fn detail(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Params) -> Result<Html<String>, WebError> {
    let s = visible_service(&state, &user, &id).await?;
    let ww = state.store.services_where_when().await?.into_iter().find(|w| w.service_id == s.id);
    let notice = (q.get("notice").map(String::as_str) == Some("saved")).then(|| "Service details saved".to_owned());
    let back = if user.role() == Role::VcsePartner { ("/directory/mine", "Back to your services") } else { ("/directory", "Back to the directory") };
    let page = page(&state, &user, &s.name, "").await?.with_back(back.0, back.1).with_notice(notice);
    render(&DetailView { page, s: card(s, ww.as_ref(), None), may_edit: may_edit(&user) })
}

async fn mine(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    if user.role() != Role::VcsePartner {
        return Err(WebError::Forbidden);
    }
    let where_when: HashMap<String, ServiceWhereWhen> = state.store.services_where_when().await?.into_iter().map(|w| (w.service_id.clone(), w)).collect();
    let results = state.store.services().await?.into_iter().filter(|s| s.org_id == user.user.org_id).map(|s| { let ww = where_when.get(&s.id); card(s, ww, None) }).collect();
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

/// The most characters a free-text field of the profile may hold.
const MAX_TEXT: usize = 1000;

/// Parses the edit form into a new profile, or every problem with it.
fn parse_profile(f: &Fields, old: &ServiceProfile, today: time::Date) -> Result<ServiceProfile, Vec<crate::forms::FieldError>> {
    let mut c = Checker::default();
    let delivery = c.check(Delivery::parse(f.get("delivery")));
    let mut count = |field: &'static str, label: &str| -> Option<i64> {
        let raw = f.get(field).trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i64>() {
            Ok(n) if (0..=100_000).contains(&n) => Some(n),
            _ => {
                c.error(field, format!("The {label} must be a whole number from 0 to 100000"));
                None
            }
        }
    };
    let capacity_places = count("capacity_places", "number of places");
    let waiting_list = count("waiting_list", "number of people waiting");
    let mut text = |field: &'static str, label: &str| -> Option<String> {
        let raw = f.get(field).trim();
        if raw.chars().count() > MAX_TEXT {
            c.error(field, format!("The {label} must be {MAX_TEXT} characters or fewer"));
        }
        (!raw.is_empty()).then(|| raw.to_owned())
    };
    let capacity_note = text("capacity_note", "note about capacity");
    let funding_source = text("funding_source", "funding source");
    let complex_needs_detail = text("complex_needs_detail", "description of the complex needs supported");
    let accessibility_description = text("accessibility_description", "accessibility description");
    let funding_ends_on = match f.get("funding_ends_on").trim() {
        "" => None,
        raw => c.check(linkwork_domain::person::parse_iso_date("funding_ends_on", "date funding ends", raw)),
    };
    let yes_no = |c: &mut Checker, field: &'static str, message: &str| -> Option<bool> {
        match f.get(field) {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                c.error(field, message);
                None
            }
        }
    };
    let complex_needs = yes_no(&mut c, "complex_needs", "Select yes if the service can support people with complex needs");
    let published = yes_no(&mut c, "published", "Select yes if the service should appear in the public directory");
    let is_free = match f.get("is_free") {
        "yes" => Some(Some(true)),
        "no" => Some(Some(false)),
        "unknown" => Some(None),
        _ => {
            c.error("is_free", "Select whether the service is free");
            None
        }
    };
    if complex_needs == Some(true) && complex_needs_detail.is_none() {
        c.error("complex_needs_detail", "Describe the complex needs the service can support");
    }
    let verified = match f.get("verified") {
        "" => false,
        "yes" => true,
        _ => {
            c.error("verified", "Tick the box if you have checked these details");
            false
        }
    };
    match (c.is_ok(), delivery, complex_needs, published, is_free) {
        (true, Some(delivery), Some(complex_needs), Some(published), Some(is_free)) => Ok(ServiceProfile {
            delivery,
            capacity_places,
            waiting_list,
            capacity_note,
            funding_source,
            funding_ends_on,
            complex_needs,
            complex_needs_detail,
            accessibility_description,
            last_verified_on: if verified { Some(today) } else { old.last_verified_on },
            published,
            is_free,
        }),
        _ => Err(c.into_errors()),
    }
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
    let s = editable_service(&state, &user, &id).await?;
    let form = FormState::new(profile_fields(&s.profile), vec![]);
    edit_page(&state, &user, &s, form).await
}

async fn edit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, body: Bytes) -> Result<Response, WebError> {
    let f = Fields::from_urlencoded(&body);
    user.check_csrf(f.get("csrf_token"))?;
    let s = editable_service(&state, &user, &id).await?;
    match parse_profile(&f, &s.profile, today()) {
        Ok(profile) => {
            state.store.set_service_profile(&s.id, &profile).await?;
            tracing::info!(service_id = %s.id, "directory.service_profile.updated");
            Ok(Redirect::to(&format!("/directory/{}?notice=saved", s.id)).into_response())
        }
        Err(errors) => Ok((StatusCode::UNPROCESSABLE_ENTITY, edit_page(&state, &user, &s, FormState::new(f, errors)).await?).into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        Fields::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn profile_form_is_checked_as_a_whole() {
        let old = ServiceProfile::default();
        let ok = form(&[("delivery", "online"), ("capacity_places", "12"), ("complex_needs", "no"), ("published", "yes"), ("is_free", "yes"), ("verified", "yes"), ("funding_ends_on", "2027-03-31")]);
        let p = parse_profile(&ok, &old, date!(2026 - 12 - 01)).unwrap();
        assert_eq!((p.delivery, p.capacity_places, p.is_free, p.last_verified_on), (Delivery::Online, Some(12), Some(true), Some(date!(2026 - 12 - 01))));
        let bad = form(&[("delivery", "pigeon"), ("capacity_places", "-1"), ("waiting_list", "lots"), ("complex_needs", "yes"), ("funding_ends_on", "2027-02-30")]);
        let errors = parse_profile(&bad, &old, date!(2026 - 12 - 01)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in ["delivery", "capacity_places", "waiting_list", "funding_ends_on", "published", "is_free", "complex_needs_detail"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }
}
