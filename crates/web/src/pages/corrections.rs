//! "Are you sure?" and "put it right" pages (issue 12). Actions a link worker cannot take back
//! (declining a referral or an incoming one, merging a duplicate, discharging) first show what
//! will happen, with Confirm and Cancel; only Confirm acts. Mistakes can be corrected: a declined
//! referral is reopened, a partner undoes its last change. The discharge walk-through (closing
//! measures, goal review) lives here too, as does the record's panel of corrections.

use linkwork_domain::ids::OnwardId;
use linkwork_domain::ids::ReferralId;
use super::{notice, page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::casework::{self as cases};
use linkwork_app::clock::today;
use linkwork_app::corrections::{self, goal_field, not_taken_field};
use linkwork_app::forms::{FieldError, Fields};
use crate::once::NothingSaved;
use crate::routes::Routes;
use crate::views::{CorrectionsPanel, choices, days, Choice, FormState, Page};
use crate::{AppState, WebError};
use linkwork_app::{intake, team};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use linkwork_domain::casework::discharge::NotTakenReason;
use linkwork_domain::casework::plan::GoalStatus;
use linkwork_domain::casework::referral::{self, DeclineReason, DischargeReason, ReferralStatus};
use linkwork_app::store::{MeasureNotTaken, ReferralRecord};
use linkwork_domain::casework::schedule::MeasurementSchedule;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .post("/referrals/{id}/decline", decline)
        .get("/referrals/{id}/reopen", reopen_form)
        .post("/referrals/{id}/reopen", reopen)
        .post("/referrals/{id}/merge", merge)
        .post("/incoming/{id}/decline", decline_incoming)
        .get("/referrals/{id}/discharge", discharge_form)
        .post("/referrals/{id}/discharge", discharge)
        .post("/partner/referrals/{id}/undo", partner_undo)
}

type Params = Query<HashMap<String, String>>;

/// Whether the post is the "Confirm" of a confirmation page.
fn confirmed(f: &Fields) -> bool {
    f.get("confirm") == "yes"
}

// ---- the confirmation page ----

/// A choice the confirmation page still asks (the reason for declining), with an empty first option.
struct SelectField {
    name: &'static str,
    label: &'static str,
    prompt: &'static str,
    options: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmView {
    page: Page,
    form: FormState,
    caption: String,
    heading: String,
    /// What will happen, one sentence each.
    consequences: Vec<String>,
    /// What was chosen, as a summary list.
    rows: Vec<(String, String)>,
    /// The submitted fields, sent again with Confirm.
    hidden: Vec<(String, String)>,
    select: Option<SelectField>,
    action: String,
    confirm_label: String,
    /// Offer "Change" (back to the form, with what was entered).
    change: bool,
    cancel_href: String,
    cancel_label: String,
}

impl ConfirmView {
    /// The page, answered so the form's one-time key is freed (nothing was saved).
    fn respond(self, status: StatusCode) -> Result<Response, WebError> {
        Ok((status, Extension(NothingSaved), render(&self)?).into_response())
    }
}

/// The fields to send again with Confirm: everything but the form's own keys.
fn carried(f: &Fields, except: &[&str]) -> Vec<(String, String)> {
    f.pairs()
        .filter(|(k, _)| !["csrf_token", "form_key", "confirm", "change"].contains(k) && !except.contains(k))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

async fn read_record(state: &AppState, user: &CurrentUser, id: &ReferralId) -> Result<ReferralRecord, WebError> {
    Ok(cases::referral_record(&*state.store, &user.actor(), &user.audit(), id).await?)
}

/// Who outside the service sees a referral's status (the practice or partner that referred).
async fn referrer_org(state: &AppState, r: &ReferralRecord) -> Result<Option<String>, WebError> {
    Ok(match &r.referral.referred_by_org_id {
        Some(org) => linkwork_app::orgs::org(&*state.store, org).await?.map(|o| o.name),
        None => None,
    })
}

fn decline_select() -> SelectField {
    SelectField { name: "decline_reason", label: "Reason for declining", prompt: "Select a reason", options: choices!(DeclineReason) }
}

// ---- declining a referral, and reopening it ----

async fn decline_page(state: &AppState, user: &CurrentUser, id: &ReferralId, f: Fields, errors: Vec<FieldError>) -> Result<Response, WebError> {
    let r = read_record(state, user, id).await?;
    r.referral.status.decline()?;
    let name = r.person.given_name.clone();
    let mut consequences = vec![format!("The referral closes: {name} leaves triage and is not taken onto a caseload.")];
    consequences.push(match referrer_org(state, &r).await? {
        Some(org) => format!("{org}, who referred {name}, will see the referral as declined."),
        None => format!("Linkwork does not tell the referrer ({}): tell them yourself.", r.referral.referrer_name),
    });
    consequences.push(format!("Linkwork does not tell {name}: tell them yourself if you have not already."));
    consequences.push(format!("If it was a mistake, you can reopen the referral within {}.", days(referral::REOPEN_WITHIN_DAYS)));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = page(state, user, "Decline this referral?", "").await?.with_back(format!("/referrals/{id}"), "Back to the record");
    let form = FormState::new(f, errors);
    ConfirmView {
        page: page.with_form(&form),
        hidden: vec![],
        form,
        caption: format!("{} {}", r.person.given_name, r.person.family_name),
        heading: "Decline this referral?".into(),
        consequences,
        rows: vec![],
        select: Some(decline_select()),
        action: format!("/referrals/{id}/decline"),
        confirm_label: "Decline referral".into(),
        change: false,
        cancel_href: format!("/referrals/{id}"),
        cancel_label: "Cancel: keep the referral in triage".into(),
    }
    .respond(status)
}

/// The decline reason's error, if none (or an unknown one) was chosen: shown on the confirmation.
fn decline_reason_errors(f: &Fields) -> Vec<FieldError> {
    match DeclineReason::parse(f.get("decline_reason")) {
        Ok(_) => vec![],
        Err(e) => vec![FieldError { field: "decline_reason".into(), message: e.to_string() }],
    }
}

/// "Decline referral" on the record asks first (with the reason chosen, or an error if none
/// was); only the confirmation's "Decline referral" declines.
async fn decline(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    if !confirmed(&f) {
        let errors = decline_reason_errors(&f);
        return decline_page(&state, &user, &id, f, errors).await;
    }
    match cases::decline(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}?notice=declined")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => decline_page(&state, &user, &id, f, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "reopen.html")]
struct ReopenView {
    page: Page,
    form: FormState,
    person: String,
    declined: String,
    until: String,
    consequences: Vec<String>,
    action: String,
    cancel_href: String,
}

async fn reopen_page(state: &AppState, user: &CurrentUser, id: &ReferralId, form: FormState) -> Result<Response, WebError> {
    let r = read_record(state, user, id).await?;
    r.referral.status.reopen(r.referral.declined_on, today())?;
    let declined_on = r.referral.declined_on.unwrap_or_else(today);
    let name = r.person.given_name.clone();
    let mut consequences = vec![
        format!("The referral goes back to triage, as a new referral: {name} can then be accepted onto a caseload, or the referral declined again."),
        "The decline is kept in the record and on the timeline, with your reason for reopening.".to_owned(),
    ];
    if let Some(org) = referrer_org(state, &r).await? {
        consequences.push(format!("{org}, who referred {name}, will see the referral as new again."));
    }
    let status = if form.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = page(state, user, "Reopen this referral", "").await?.with_back(format!("/referrals/{id}"), "Back to the record").with_form(&form);
    let view = ReopenView {
        page,
        form,
        person: format!("{} {}", r.person.given_name, r.person.family_name),
        declined: format!("{}: {}", crate::views::date(declined_on), r.referral.decline_reason_label().unwrap_or("Declined")),
        until: crate::views::date(referral::reopen_until(declined_on)),
        consequences,
        action: format!("/referrals/{id}/reopen"),
        cancel_href: format!("/referrals/{id}"),
    };
    Ok((status, render(&view)?).into_response())
}

async fn reopen_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>) -> Result<Response, WebError> {
    reopen_page(&state, &user, &id, FormState::default()).await
}

async fn reopen(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match corrections::reopen(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}?notice=reopened")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => reopen_page(&state, &user, &id, FormState::new(f, errors)).await,
        Err(e) => Err(e.into()),
    }
}

// ---- merging a duplicate ----

/// "Merge into the open referral" asks first; only Confirm merges.
async fn merge(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    if confirmed(&f) {
        let into = team::merge(&*state.store, &user.actor(), &user.audit(), &id).await?;
        return Ok(Redirect::to(&format!("/referrals/{into}?notice=merged")).into_response());
    }
    let r = read_record(&state, &user, &id).await?;
    r.referral.duplicate_of.as_ref().ok_or_else(|| WebError::Conflict("This referral is not flagged as a duplicate".into()))?;
    let name = r.person.given_name.clone();
    let consequences = vec![
        format!("This referral is declined as a duplicate of {name}'s open referral."),
        "Its needs are added to the open referral; nothing else is copied.".to_owned(),
        format!("If it was a mistake, you can reopen this referral within {}.", days(referral::REOPEN_WITHIN_DAYS)),
    ];
    let page = page(&state, &user, "Merge this referral?", "").await?.with_back(format!("/referrals/{id}"), "Back to the record");
    ConfirmView {
        page,
        form: FormState::default(),
        caption: format!("{} {}", r.person.given_name, r.person.family_name),
        heading: "Merge this referral into the open one?".into(),
        consequences,
        rows: vec![],
        hidden: vec![],
        select: None,
        action: format!("/referrals/{id}/merge"),
        confirm_label: "Merge into the open referral".into(),
        change: false,
        cancel_href: format!("/referrals/{id}"),
        cancel_label: "Cancel: keep both referrals for now".into(),
    }
    .respond(StatusCode::OK)
}

// ---- declining an incoming referral ----

async fn decline_incoming_page(state: &AppState, user: &CurrentUser, id: &str, f: Fields, errors: Vec<FieldError>) -> Result<Response, WebError> {
    let i = linkwork_app::reads::incoming(&*state.store, &user.actor(), &user.audit(), id).await?;
    if i.status != linkwork_domain::casework::intake::IncomingStatus::Pending {
        return Err(WebError::Conflict("This referral has already been triaged".into()));
    }
    let name = i.given_name.clone();
    let mut consequences = vec![format!("The referral closes without being taken on: {name} leaves triage.")];
    match &i.referred_by_org_name {
        Some(org) => consequences.push(format!("{org}, who referred {name}, will see the referral as declined.")),
        None => consequences.push(format!("Linkwork does not tell {name}: contact them to say so, with their reference {}.", i.reference)),
    }
    consequences.push("This cannot be undone: if it was a mistake, record a new referral.".into());
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = page(state, user, "Decline this referral?", "").await?.with_back(format!("/incoming/{id}"), "Back to the referral");
    let form = FormState::new(f, errors);
    ConfirmView {
        page: page.with_form(&form),
        form,
        caption: format!("{} {}", i.given_name, i.family_name),
        heading: "Decline this referral?".into(),
        consequences,
        rows: vec![],
        hidden: vec![],
        select: Some(decline_select()),
        action: format!("/incoming/{id}/decline"),
        confirm_label: "Decline referral".into(),
        change: false,
        cancel_href: format!("/incoming/{id}"),
        cancel_label: "Cancel: keep the referral in triage".into(),
    }
    .respond(status)
}

async fn decline_incoming(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    if !confirmed(&f) {
        let errors = decline_reason_errors(&f);
        return decline_incoming_page(&state, &user, &id, f, errors).await;
    }
    match intake::decline(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(()) => Ok(Redirect::to("/triage?notice=declined").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => decline_incoming_page(&state, &user, &id, f, errors).await,
        Err(e) => Err(e.into()),
    }
}

// ---- the discharge walk-through ----

/// A closing questionnaire due at discharge: how to record it, or why it was not taken.
struct ClosingQuestion {
    field: String,
    instrument: &'static str,
    legend: String,
    record_href: String,
}

/// One goal to review: where it ended.
struct GoalQuestion {
    field: String,
    description: String,
    /// "Recorded now as: in progress".
    now: String,
}

#[derive(Template)]
#[template(path = "discharge.html")]
struct DischargeView {
    page: Page,
    form: FormState,
    person: String,
    action: String,
    reasons: Vec<Choice>,
    /// One question per need identified on the referral: what happened with it (issue 5).
    resolutions: Vec<super::measurement::ResolutionQuestion>,
    closing: Vec<ClosingQuestion>,
    /// Closing questionnaires already recorded: "SWEMWBS on 1 December 2026".
    recorded: Vec<String>,
    not_taken_reasons: Vec<Choice>,
    goals: Vec<GoalQuestion>,
    goal_outcomes: Vec<Choice>,
    consequences: Vec<String>,
}

/// What discharging does, said before it is done.
fn discharge_consequences(name: &str, referrer: Option<String>) -> Vec<String> {
    let mut out = vec![
        format!("{name} leaves the caseload: contacts, plans and onward referrals can no longer be recorded."),
        format!(
            "Follow-up and discharge measures can still be entered for {} after discharge (until {}), marked as entered late.",
            days(referral::LATE_ENTRY_DAYS),
            crate::views::date(referral::late_entry_until(today()))
        ),
    ];
    if let Some(org) = referrer {
        out.push(format!("{org}, who referred {name}, will see the referral as discharged."));
    }
    out.push("A discharge cannot be undone: if the person needs support again, record a new referral.".into());
    out
}

async fn discharge_page(state: &AppState, user: &CurrentUser, id: &ReferralId, form: FormState, notice_code: Option<&str>) -> Result<Response, WebError> {
    let r = read_record(state, user, id).await?;
    r.referral.status.discharge()?;
    let questions = corrections::discharge_questions(&*state.store, &r).await?;
    let mut form = form;
    // Goals already ended start with where they ended.
    for g in r.goals.iter().filter(|g| g.status.is_final()) {
        let field = goal_field(&g.id);
        if form.values.get(&field).is_empty() {
            form.values.set(&field, g.status.code());
        }
    }
    let status = if form.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = page(state, user, "Discharge", "").await?.with_back(format!("/referrals/{id}"), "Back to the record").with_form(&form).with_notice(notice(notice_code));
    let view = DischargeView {
        page,
        person: format!("{} {}", r.person.given_name, r.person.family_name),
        action: format!("/referrals/{id}/discharge"),
        reasons: choices!(DischargeReason),
        resolutions: super::measurement::resolution_questions(&r),
        closing: questions
            .closing
            .iter()
            .map(|i| ClosingQuestion {
                field: not_taken_field(*i),
                instrument: i.short_name(),
                legend: format!("If {} was not taken, why not?", i.short_name()),
                record_href: format!("/referrals/{id}/measures/new?instrument={}&timepoint=discharge&then=discharge", i.code()),
            })
            .collect(),
        recorded: questions.recorded.iter().map(|(i, on)| format!("{} on {}", i.short_name(), crate::views::date(on))).collect(),
        not_taken_reasons: choices!(NotTakenReason),
        goals: r.goals.iter().map(|g| GoalQuestion { field: goal_field(&g.id), description: g.description.clone(), now: format!("Recorded now as: {}", g.status.label().to_lowercase()) }).collect(),
        goal_outcomes: GoalStatus::FINAL.iter().map(|s| Choice::new(s.code(), s.label())).collect(),
        consequences: discharge_consequences(&r.person.given_name, referrer_org(state, &r).await?),
        form,
    };
    Ok((status, Extension(NothingSaved), render(&view)?).into_response())
}

async fn discharge_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, Query(q): Params) -> Result<Response, WebError> {
    discharge_page(&state, &user, &id, FormState::default(), q.get("notice").map(String::as_str)).await
}

/// The walk-through's answers are checked, then shown back with what will happen (Confirm,
/// Change or Cancel); only Confirm discharges.
async fn discharge(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    if f.get("change") == "yes" {
        return discharge_page(&state, &user, &id, FormState::new(f, vec![]), None).await;
    }
    let (store, actor, who) = (&*state.store, user.actor(), user.audit());
    if confirmed(&f) {
        return match corrections::discharge(store, &actor, &who, &id, &f).await {
            Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}?notice=discharged")).into_response()),
            Err(linkwork_app::AppError::Invalid(errors)) => discharge_page(&state, &user, &id, FormState::new(f, errors), None).await,
            Err(e) => Err(e.into()),
        };
    }
    let d = match corrections::check_discharge(store, &actor, &who, &id, &f).await {
        Ok(d) => d,
        Err(linkwork_app::AppError::Invalid(errors)) => return discharge_page(&state, &user, &id, FormState::new(f, errors), None).await,
        Err(e) => return Err(e.into()),
    };
    let r = read_record(&state, &user, &id).await?;
    let questions = corrections::discharge_questions(store, &r).await?;
    let mut rows = vec![("Reason".to_owned(), d.reason.label().to_owned())];
    for (_, description, status) in &d.goals {
        rows.push((format!("Goal: {description}"), status.label().to_owned()));
    }
    for (instrument, on) in &questions.recorded {
        rows.push((instrument.short_name().to_owned(), format!("Recorded at discharge on {}", crate::views::date(on))));
    }
    for (instrument, why) in &d.not_taken {
        rows.push((instrument.short_name().to_owned(), format!("Not taken: {}", why.label().to_lowercase())));
    }
    if let Some(summary) = &d.summary {
        rows.push(("Summary".to_owned(), summary.clone()));
    }
    let name = format!("{} {}", r.person.given_name, r.person.family_name);
    let page = page(&state, &user, "Check and confirm the discharge", "").await?.with_back(format!("/referrals/{id}/discharge"), "Back to the discharge form");
    ConfirmView {
        page,
        form: FormState::default(),
        caption: name.clone(),
        heading: "Check and confirm the discharge".into(),
        consequences: discharge_consequences(&r.person.given_name, referrer_org(&state, &r).await?),
        rows,
        hidden: carried(&f, &[]),
        select: None,
        action: format!("/referrals/{id}/discharge"),
        confirm_label: format!("Discharge {name}"),
        change: true,
        cancel_href: format!("/referrals/{id}"),
        cancel_label: "Cancel: keep the person on the caseload".into(),
    }
    .respond(StatusCode::OK)
}

// ---- a partner undoing its last change ----

async fn partner_undo(State(state): State<AppState>, user: CurrentUser, Path(id): Path<OnwardId>, CheckedForm(_): CheckedForm) -> Result<Redirect, WebError> {
    corrections::partner_undo(&*state.store, &user.actor(), &user.audit(), &id).await?;
    Ok(Redirect::to(&format!("/partner/referrals/{id}?notice=partner_undone")))
}

// ---- the record's panel ----


/// The record's corrections panel, from what `casework::record_page` read: the service's
/// `schedule` and the closing measures `not_taken`.
pub(crate) fn panel(r: &ReferralRecord, schedule: &MeasurementSchedule, not_taken: &[MeasureNotTaken]) -> CorrectionsPanel {
    let today = today();
    let id = &r.referral.id;
    let reopen_until = (r.referral.status == ReferralStatus::Declined && r.referral.status.reopen(r.referral.declined_on, today).is_ok())
        .then(|| r.referral.declined_on.map(|d| crate::views::date(referral::reopen_until(d))))
        .flatten();
    let reopenings = r
        .reopenings
        .iter()
        .map(|x| {
            let by = x.reopened_by_name.as_ref().map(|n| format!(" by {n}")).unwrap_or_default();
            format!("Declined on {} ({}); reopened on {}{by}: {}", crate::views::date(x.declined_on), x.decline_reason_label().to_lowercase(), crate::views::date(x.reopened_on), x.reason)
        })
        .collect();
    let late = r.referral.status.measure_entry(None, r.referral.discharged_on, today).is_ok() && r.referral.status == ReferralStatus::Discharged;
    let (late_until, late_links) = match (late, r.referral.discharged_on) {
        (true, Some(on)) => {
            let links = schedule
                .instruments()
                .iter()
                .flat_map(|i| {
                    [("discharge", "at discharge"), ("follow_up", "follow-up")]
                        .map(|(code, label)| (format!("/referrals/{id}/measures/new?instrument={}&timepoint={code}", i.code()), format!("Enter a late {} ({label})", i.short_name())))
                })
                .collect();
            (Some(crate::views::date(referral::late_entry_until(on))), links)
        }
        _ => (None, vec![]),
    };
    let not_taken = not_taken
        .iter()
        .map(|m| format!("{} {}: not taken ({})", m.instrument.short_name(), m.timepoint.label().to_lowercase(), m.reason.label().to_lowercase()))
        .collect();
    CorrectionsPanel { reopen_until, reopenings, late_until, late_links, not_taken }
}
