//! Pages for who a person is and their rights: settling an identity conflict, correcting
//! details, subject access, restriction, erasure, the retention period, and the manager's
//! audit trail. The use cases are in `linkwork_app::privacy`.

use linkwork_domain::ids::PersonId;
use linkwork_domain::ids::ReferralId;
use super::{page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::forms::Fields;
use linkwork_app::privacy as uc;
use crate::routes::Routes;
use crate::views::{date, Choice, FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::access::Role;
use linkwork_domain::person::identity::{PersonField, StoredDetails};
use linkwork_domain::person::{Ethnicity, Sex};
use linkwork_app::store::{AuditEntry, AuditQuery};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .post("/referrals/{id}/identity-conflicts/{conflict_id}", resolve_conflict)
        .get("/people/{id}/details", details_form)
        .post("/people/{id}/details", details_save)
        .get("/people/{id}/subject-access", subject_access_page)
        .get("/people/{id}/subject-access.json", subject_access_json)
        .get("/people/{id}/restrict", restrict_form)
        .post("/people/{id}/restrict", restrict)
        .post("/people/{id}/lift-restriction", lift_restriction)
        .get("/people/{id}/erase", erase_form)
        .post("/people/{id}/erase", erase)
        .get("/audit", audit_page)
        .get("/audit.csv", audit_csv)
        .get("/privacy/retention", retention_form)
        .post("/privacy/retention", retention_save)
}

/// A detail's stored value as people read it (codes become labels).
pub(crate) fn shown(field: PersonField, value: Option<&str>) -> String {
    let Some(value) = value.filter(|v| !v.is_empty()) else { return "Not recorded".into() };
    match field {
        PersonField::Sex => Sex::parse(value).map(|s| s.label().to_owned()).unwrap_or_else(|_| value.to_owned()),
        PersonField::Ethnicity => Ethnicity::parse(value).map(|e| e.label().to_owned()).unwrap_or_else(|_| value.to_owned()),
        PersonField::DateOfBirth => time::Date::parse(value, time::macros::format_description!("[year]-[month]-[day]")).map(date).unwrap_or_else(|_| value.to_owned()),
        field if field.is_contact() => linkwork_domain::person::contact_details::shown_value(field, value),
        _ => value.to_owned(),
    }
}

async fn resolve_conflict(State(state): State<AppState>, user: CurrentUser, Path((id, conflict_id)): Path<(ReferralId, String)>, CheckedForm(f): CheckedForm) -> Result<Redirect, WebError> {
    uc::resolve_conflict(&*state.store, &user.actor(), &user.audit(), &id, &conflict_id, &f).await?;
    Ok(Redirect::to(&format!("/referrals/{id}?notice=identity_settled")))
}

#[derive(Template)]
#[template(path = "person_details.html")]
struct DetailsView {
    page: Page,
    form: FormState,
    person_id: String,
    nhs_number: String,
    sexes: Vec<Choice>,
    ethnicities: Vec<Choice>,
    practices: Vec<Choice>,
}

async fn details_page(state: &AppState, user: &CurrentUser, person_id: &PersonId, form: Option<FormState>) -> Result<Html<String>, WebError> {
    let (nhs_number, held) = uc::held_details(&*state.store, &user.actor(), &user.audit(), person_id).await?;
    let form = form.unwrap_or_else(|| FormState::new(Fields::from_pairs(details_pairs(&held)), vec![]));
    let practices = uc::service_practices(&*state.store, &user.actor()).await?.into_iter().map(|p| Choice::new(p.id, p.name)).collect();
    let page = page(state, user, "Correct the person's details", "/people").await?.with_back(format!("/people/{person_id}"), "Back to the person").with_form(&form);
    render(&DetailsView { page, form, person_id: person_id.to_string(), nhs_number: nhs_number.to_string(), sexes: crate::views::choices!(Sex), ethnicities: crate::views::choices!(Ethnicity), practices })
}

fn details_pairs(d: &StoredDetails) -> Vec<(String, String)> {
    vec![
        ("given_name".into(), d.given_name.clone()),
        ("family_name".into(), d.family_name.clone()),
        ("date_of_birth".into(), d.date_of_birth.to_string()),
        ("sex".into(), d.sex.clone()),
        ("ethnicity".into(), d.ethnicity.clone()),
        ("postcode".into(), d.postcode.clone()),
        ("practice_id".into(), d.practice_id.clone().unwrap_or_default()),
    ]
}

async fn details_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<PersonId>) -> Result<Html<String>, WebError> {
    details_page(&state, &user, &id, None).await
}

async fn details_save(State(state): State<AppState>, user: CurrentUser, Path(id): Path<PersonId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match uc::correct_details(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}?notice=details_corrected")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, details_page(&state, &user, &id, Some(FormState::new(f, errors))).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "subject_access.html")]
struct SubjectAccessView {
    page: Page,
    person_id: String,
    sa: uc::SubjectAccess,
}

impl SubjectAccessView {
    fn field(&self, field: &PersonField, value: &Option<String>) -> String {
        shown(*field, value.as_deref())
    }
}

async fn subject_access_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<PersonId>) -> Result<Html<String>, WebError> {
    let sa = uc::subject_access_for(&*state.store, &user.actor(), &user.audit(), &id).await?;
    let page = page(&state, &user, "Subject access: everything held about the person", "/people").await?.with_back(format!("/people/{id}"), "Back to the person");
    render(&SubjectAccessView { page, person_id: id.into_string(), sa })
}

/// The printable subject access document on its own (for `linkwork subject-access`).
pub fn subject_access_document(sa: uc::SubjectAccess, person_id: &str) -> Result<String, WebError> {
    let page = Page::anonymous("Subject access: everything held about the person");
    Ok(render(&SubjectAccessView { page, person_id: person_id.to_owned(), sa })?.0)
}

async fn subject_access_json(State(state): State<AppState>, user: CurrentUser, Path(id): Path<PersonId>) -> Result<Response, WebError> {
    let sa = uc::subject_access_for(&*state.store, &user.actor(), &user.audit(), &id).await?;
    let body = serde_json::to_string_pretty(&sa).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json"), (header::CONTENT_DISPOSITION, "attachment; filename=\"subject-access.json\"")], body).into_response())
}

#[derive(Template)]
#[template(path = "person_rights.html")]
struct RightsView {
    page: Page,
    form: FormState,
    person_id: String,
    name: String,
    /// `restrict` or `erase`.
    action: &'static str,
}

async fn rights_page(state: &AppState, user: &CurrentUser, person_id: &PersonId, action: &'static str, form: FormState) -> Result<Html<String>, WebError> {
    uc::require_manager(&user.actor())?;
    let (_, held) = uc::held_details(&*state.store, &user.actor(), &user.audit(), person_id).await?;
    let title = if action == "erase" { "Erase the person's record" } else { "Restrict the person's record" };
    let page = page(state, user, title, "/people").await?.with_back(format!("/people/{person_id}"), "Back to the person").with_form(&form);
    render(&RightsView { page, form, person_id: person_id.to_string(), name: format!("{} {}", held.given_name, held.family_name), action })
}

async fn restrict_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<PersonId>) -> Result<Html<String>, WebError> {
    rights_page(&state, &user, &id, "restrict", FormState::default()).await
}

async fn restrict(State(state): State<AppState>, user: CurrentUser, Path(id): Path<PersonId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match uc::restrict(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?notice=restricted")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, rights_page(&state, &user, &id, "restrict", FormState::new(f, errors)).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn lift_restriction(State(state): State<AppState>, user: CurrentUser, Path(id): Path<PersonId>, CheckedForm(_): CheckedForm) -> Result<Redirect, WebError> {
    uc::lift_restriction(&*state.store, &user.actor(), &user.audit(), &id).await?;
    Ok(Redirect::to(&format!("/people/{id}?notice=restriction_lifted")))
}

async fn erase_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<PersonId>) -> Result<Html<String>, WebError> {
    rights_page(&state, &user, &id, "erase", FormState::default()).await
}

async fn erase(State(state): State<AppState>, user: CurrentUser, Path(id): Path<PersonId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match uc::erase(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(()) => Ok(Redirect::to("/people?notice=erased").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, rights_page(&state, &user, &id, "erase", FormState::new(f, errors)).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---- the audit trail ----

const AUDIT_PAGE: i64 = 100;

/// Filters of the audit view, from the query string.
pub(crate) fn audit_query(q: &HashMap<String, String>) -> Result<(AuditQuery, i64), WebError> {
    let text = |k: &str| q.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let day = |k: &str| -> Result<Option<time::OffsetDateTime>, WebError> {
        match text(k) {
            None => Ok(None),
            Some(raw) => {
                let d = linkwork_domain::person::parse_iso_date(if k == "from" { "from" } else { "to" }, "date", &raw)?;
                let d = if k == "to" { d.next_day().unwrap_or(d) } else { d };
                Ok(Some(d.midnight().assume_utc()))
            }
        }
    };
    let page: i64 = q.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1);
    Ok((
        AuditQuery { service_org_id: String::new(), person_id: text("person"), user_id: text("user"), action: text("action"), from: day("from")?, to: day("to")?, limit: AUDIT_PAGE + 1, offset: (page - 1) * AUDIT_PAGE },
        page,
    ))
}

pub(crate) struct AuditRow {
    pub at: String,
    pub by: String,
    pub action: String,
    pub about: String,
    pub person_href: Option<String>,
}

fn audit_row(e: &AuditEntry) -> AuditRow {
    let about = match (&e.given_name, &e.family_name, e.people_count()) {
        (Some(g), Some(f), _) if !g.is_empty() => format!("{g} {f}"),
        (Some(_), _, _) => "Erased record".into(),
        (None, _, n) if n > 1 || e.people.is_some() => format!("{n} people (a list)"),
        (None, _, _) if e.person_id.as_deref().is_some_and(|p| p.starts_with("incoming:")) => "An incoming referral".into(),
        _ => format!("{} {}", e.entity, e.entity_id),
    };
    AuditRow {
        at: crate::views::date_time(e.at),
        by: uc::actor_label(e),
        action: e.action.clone(),
        about,
        person_href: e.person_id.as_ref().filter(|p| !p.starts_with("incoming:") && e.given_name.as_deref().is_some_and(|g| !g.is_empty())).map(|p| format!("/people/{p}")),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditView {
    page: Page,
    form: FormState,
    rows: Vec<AuditRow>,
    users: Vec<Choice>,
    page_number: i64,
    previous: Option<String>,
    next: Option<String>,
    csv: String,
}

async fn audit_page(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    uc::require_manager(&user.actor())?;
    let values = Fields::from_pairs(q.clone().into_iter().collect());
    let (query, page_number) = match audit_query(&q) {
        Ok(v) => v,
        Err(WebError::Invalid(errors)) => {
            let page = page(&state, &user, "Audit trail", "/audit").await?;
            let view = AuditView { page, form: FormState::new(values, errors), rows: vec![], users: vec![], page_number: 1, previous: None, next: None, csv: String::new() };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response());
        }
        Err(e) => return Err(e),
    };
    let mut entries = uc::audit_trail(&*state.store, &user.actor(), query).await?;
    let more = entries.len() as i64 > AUDIT_PAGE;
    entries.truncate(AUDIT_PAGE as usize);
    let rows = entries.iter().map(audit_row).collect();
    let mut users: Vec<Choice> = vec![Choice::new("", "Anyone")];
    for role in [Role::LinkWorker, Role::Manager] {
        users.extend(linkwork_app::team::workers(&*state.store, &user.actor(), role).await?.into_iter().map(|u| Choice::new(u.id, u.display_name)));
    }
    let link = |p: i64| {
        let mut pairs: Vec<(String, String)> = q.iter().filter(|(k, _)| k.as_str() != "page").map(|(k, v)| (k.clone(), v.clone())).collect();
        pairs.sort();
        pairs.push(("page".into(), p.to_string()));
        format!("/audit?{}", form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish())
    };
    let csv_pairs: Vec<(String, String)> = { let mut p: Vec<_> = q.iter().filter(|(k, _)| k.as_str() != "page").map(|(k, v)| (k.clone(), v.clone())).collect(); p.sort(); p };
    let csv = format!("/audit.csv?{}", form_urlencoded::Serializer::new(String::new()).extend_pairs(csv_pairs).finish());
    let page = page(&state, &user, "Audit trail", "/audit").await?;
    let view = AuditView { page, form: FormState::new(values, vec![]), rows, users, page_number, previous: (page_number > 1).then(|| link(page_number - 1)), next: more.then(|| link(page_number + 1)), csv };
    Ok(render(&view)?.into_response())
}

async fn audit_csv(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    uc::require_manager(&user.actor())?;
    let (mut query, _) = audit_query(&q)?;
    query.limit = 100_000;
    query.offset = 0;
    let entries = uc::audit_trail(&*state.store, &user.actor(), query).await?;
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let row = audit_row(e);
            vec![e.seq.map(|s| s.to_string()).unwrap_or_default(), e.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(), row.by, row.action, row.about, e.person_id.clone().unwrap_or_default(), e.people_count().to_string()]
        })
        .collect();
    let body = linkwork_domain::interop::csv_safe::csv_document(&["event", "at", "by", "action", "about", "person_id", "people_shown"], &rows);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"linkwork-audit-trail.csv\"")], body).into_response())
}

// ---- retention ----

#[derive(Template)]
#[template(path = "retention.html")]
struct RetentionView {
    page: Page,
    form: FormState,
    years: i64,
    set: bool,
    due_now: usize,
}

async fn retention_page(state: &AppState, user: &CurrentUser, form: Option<FormState>, notice: Option<String>) -> Result<Html<String>, WebError> {
    let (set, due_now) = uc::retention_status(&*state.store, &user.actor()).await?;
    let years = set.unwrap_or(uc::DEFAULT_RETENTION_YEARS);
    let form = form.unwrap_or_else(|| FormState::new(Fields::from_pairs(vec![("years".into(), years.to_string())]), vec![]));
    let page = page(state, user, "How long records are kept", "/audit").await?.with_notice(notice).with_form(&form);
    render(&RetentionView { page, form, years, set: set.is_some(), due_now })
}

async fn retention_form(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    retention_page(&state, &user, None, q.get("notice").filter(|n| *n == "saved").map(|_| "Retention period saved".to_owned())).await
}

async fn retention_save(State(state): State<AppState>, user: CurrentUser, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match uc::set_retention(&*state.store, &user.actor(), &user.audit(), &f).await {
        Ok(_) => Ok(Redirect::to("/privacy/retention?notice=saved").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, retention_page(&state, &user, Some(FormState::new(f, errors)), None).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}
