//! Measurement pages (issue 5): the service's measurement schedule (managers edit it), the
//! "Measures due" list of open referrals, and self-completion — a questionnaire page the person
//! fills in themselves on the link worker's device.

use linkwork_domain::ids::ReferralId;
use crate::routes::Routes;
use super::{notice, page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::casework::{self as cases};
use linkwork_app::clock::today;
use linkwork_app::forms::Fields;
use crate::views::{DueRow, Choice, FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::access::Role;
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::casework::schedule::{DueState, MeasurementSchedule, DUE_FROM_DAYS_BEFORE, OVERDUE_AFTER_DAYS};
use linkwork_app::measurement;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/measures/due", due)
        .get("/measures/schedule", schedule_form)
        .post("/measures/schedule", save_schedule)
        .get("/referrals/{id}/self-complete", self_complete_form)
        .post("/referrals/{id}/self-complete", self_complete_submit)
        .get("/referrals/{id}/self-complete/done", self_complete_done)
}

type Params = Query<HashMap<String, String>>;

#[derive(Template)]
#[template(path = "measures_due.html")]
struct DueView {
    page: Page,
    heading: String,
    schedule: String,
    rows: Vec<DueRow>,
    overdue: usize,
    manager: bool,
    due_days: i64,
    overdue_days: i64,
}


async fn due(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    let (rows, overdue) = due_rows(&state, &user).await?;
    let schedule = measurement::schedule(&*state.store, &user.user.org_id).await?;
    let heading = if user.role() == Role::LinkWorker { "Measures due" } else { "Measures due in the team" };
    render(&DueView {
        page: page(&state, &user, heading, "/measures/due").await?,
        heading: heading.into(),
        schedule: describe(&schedule),
        rows,
        overdue,
        manager: user.role() == Role::Manager,
        due_days: DUE_FROM_DAYS_BEFORE,
        overdue_days: OVERDUE_AFTER_DAYS,
    })
}

/// The measures due for this user's people (a link worker's own, a manager's whole team), overdue
/// first then by due date, with how many are overdue. The people listed are audited.
pub(crate) async fn due_rows(state: &AppState, user: &CurrentUser) -> Result<(Vec<DueRow>, usize), WebError> {
    linkwork_app::access::require_casework(&user.actor())?;
    let worker = (user.role() == Role::LinkWorker).then_some(user.user.id.as_str());
    let today = today();
    let mut rows: Vec<(DueState, time::Date, DueRow)> = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    for (facts, due) in cases::measures_due(&*state.store, &user.user.org_id, worker, today).await? {
        if !due.is_empty() {
            shown.push(facts.person_id.clone());
        }
        for d in due {
            rows.push((
                d.state,
                d.due_on,
                DueRow {
                    name: format!("{} {}", facts.given_name, facts.family_name),
                    record_href: format!("/referrals/{}", facts.referral_id),
                    worker: facts.worker_name.clone().unwrap_or_else(|| "Unassigned".into()),
                    instrument: d.instrument.short_name(),
                    point: d.point.label(),
                    // The caseload's words for the same rule (`linkwork_domain::casework::urgency`).
                    due_on: d.deadline().when(today).map(|(_, when)| crate::views::sentence_case(&when)).unwrap_or_default(),
                    state: d.state.label(),
                    state_code: d.state.code(),
                    entry_href: format!("/referrals/{}/measures/new?instrument={}&timepoint={}", facts.referral_id, d.instrument.code(), d.point.timepoint().code()),
                },
            ));
        }
    }
    linkwork_app::reads::record_list(&*state.store, &user.audit(), "measures_due.read", &user.user.org_id, shown).await?;
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let overdue = rows.iter().filter(|r| r.0 == DueState::Overdue).count();
    Ok((rows.into_iter().map(|r| r.2).collect(), overdue))
}

/// The schedule in words: "ONS4 and SWEMWBS at baseline, 3 and 6 months after referral, and at discharge".
fn describe(s: &MeasurementSchedule) -> String {
    let names: Vec<&str> = s.instruments().iter().map(|i| i.short_name()).collect();
    let months = match s.follow_up_months() {
        [] => String::new(),
        [only] => format!(", {only} months after referral"),
        more => format!(", {} months after referral", and_list(&more.iter().map(u8::to_string).collect::<Vec<_>>())),
    };
    format!("{} at baseline{months} and at discharge", and_list(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[derive(Template)]
#[template(path = "measurement_schedule.html")]
struct ScheduleView {
    page: Page,
    form: FormState,
    instruments: Vec<Choice>,
}

fn require_manager(user: &CurrentUser) -> Result<(), WebError> {
    if user.role() == Role::Manager {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn schedule_page(state: &AppState, user: &CurrentUser, form: FormState, notice_code: Option<&str>) -> Result<Html<String>, WebError> {
    let page = page(state, user, "Measurement schedule", "/measures/due").await?.with_back("/measures/due", "Back to measures due").with_form(&form).with_notice(notice(notice_code).or_else(|| (notice_code == Some("schedule")).then(|| "Measurement schedule saved".to_owned())));
    render(&ScheduleView { page, form, instruments: Instrument::ALL.iter().map(|i| Choice::new(i.code(), i.label())).collect() })
}

async fn schedule_form(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Html<String>, WebError> {
    require_manager(&user)?;
    let s = measurement::schedule(&*state.store, &user.user.org_id).await?;
    let mut pairs: Vec<(String, String)> = s.instruments().iter().map(|i| ("instruments".to_owned(), i.code().to_owned())).collect();
    pairs.push(("months".into(), s.months_text()));
    schedule_page(&state, &user, FormState::new(Fields::from_pairs(pairs), vec![]), q.get("notice").map(String::as_str)).await
}

async fn save_schedule(State(state): State<AppState>, user: CurrentUser, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    require_manager(&user)?;
    match measurement::set_schedule(&*state.store, &user.actor(), &user.audit(), &f).await {
        Ok(()) => Ok(Redirect::to("/measures/schedule?notice=schedule").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, schedule_page(&state, &user, FormState::new(f, errors), None).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---- Self-completion -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "self_complete_choose.html")]
struct ChooseView {
    page: Page,
    person: String,
    referral_id: String,
    instruments: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "self_complete.html")]
struct SelfCompleteView {
    page: Page,
    form: FormState,
    csrf: String,
    action: String,
    first_name: String,
    instrument: &'static str,
    instructions: &'static str,
    items: Vec<SelfItem>,
}

struct SelfItem {
    name: String,
    number: usize,
    text: &'static str,
    options: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "self_complete_done.html")]
struct DoneView {
    page: Page,
    record_href: String,
}

/// The page the person sees: the layout without the menu, account or back link, so nothing leads
/// to the record; the session's CSRF token is carried in the form only.
fn person_page(title: &str, form: &FormState) -> Page {
    Page::anonymous(title).with_form(form)
}

async fn self_complete_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, Query(q): Params) -> Result<Html<String>, WebError> {
    let header = linkwork_app::access::casework_referral(&*state.store, &user.actor(), &id).await?;
    header.status.require_active()?;
    match q.get("instrument") {
        None => {
            let r = cases::referral_record(&*state.store, &user.actor(), &user.audit(), &id).await?;
            let schedule = measurement::schedule(&*state.store, &user.user.org_id).await?;
            let mut instruments: Vec<Instrument> = schedule.instruments().to_vec();
            instruments.extend(Instrument::ALL.iter().filter(|i| !schedule.instruments().contains(i)));
            let page = page(&state, &user, "Hand the device to the person", "").await?.with_back(format!("/referrals/{id}"), "Back to the record");
            render(&ChooseView { page, person: format!("{} {}", r.person.given_name, r.person.family_name), referral_id: id.into_string(), instruments: instruments.iter().map(|i| Choice::new(i.code(), i.short_name())).collect() })
        }
        Some(code) => {
            let instrument = Instrument::parse(code).map_err(|_| WebError::NotFound)?;
            let first_name = first_name(&state, &user, &id).await?;
            render_self_complete(&user, &id, instrument, first_name, FormState::new(Fields::default(), vec![]))
        }
    }
}

/// The person's first name only (the one piece of the record the person's page shows); reading it
/// is audited like any read of the record.
async fn first_name(state: &AppState, user: &CurrentUser, id: &ReferralId) -> Result<String, WebError> {
    Ok(cases::referral_record(&*state.store, &user.actor(), &user.audit(), id).await?.person.given_name)
}

fn render_self_complete(user: &CurrentUser, id: &str, instrument: Instrument, first_name: String, form: FormState) -> Result<Html<String>, WebError> {
    let items = instrument
        .items()
        .iter()
        .enumerate()
        .map(|(i, item)| SelfItem {
            name: format!("item_{}", i + 1),
            number: i + 1,
            text: item.text,
            options: (item.min..=item.max)
                .map(|v| {
                    let label = item.answer_labels.get(usize::from(v - item.min)).map(|l| format!("{v} – {l}")).unwrap_or_else(|| v.to_string());
                    Choice::new(v.to_string(), label)
                })
                .collect(),
        })
        .collect();
    let page = person_page(instrument.short_name(), &form);
    render(&SelfCompleteView {
        page,
        form,
        csrf: user.csrf_token.clone(),
        action: format!("/referrals/{id}/self-complete?instrument={}", instrument.code()),
        first_name,
        instrument: instrument.label(),
        instructions: instrument.instructions(),
        items,
    })
}

/// The timepoint a self-completed measure is recorded at: baseline if the person has none of this
/// instrument yet, otherwise a follow-up. The link worker can correct it on the record later.
async fn self_complete_submit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, Query(q): Params, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    let instrument = Instrument::parse(q.get("instrument").map(String::as_str).unwrap_or("")).map_err(|_| WebError::NotFound)?;
    match measurement::add_self_completed(&*state.store, &user.actor(), &user.audit(), &id, instrument, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}/self-complete/done")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => {
            let first_name = first_name(&state, &user, &id).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render_self_complete(&user, &id, instrument, first_name, FormState::new(f, errors))?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// "Thank you": the only way on is back to the record, which needs the link worker's session.
async fn self_complete_done(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>) -> Result<Html<String>, WebError> {
    linkwork_app::access::casework_referral(&*state.store, &user.actor(), &id).await?;
    render(&DoneView { page: Page::anonymous("Thank you"), record_href: format!("/referrals/{id}?notice=measure") })
}

// ---- Needs at discharge ----------------------------------------------------------------------

/// One need's question on the discharge form.
pub struct ResolutionQuestion {
    pub field: &'static str,
    pub legend: String,
    pub options: Vec<Choice>,
}

/// The discharge form's questions: one per distinct need on the referral, in the need list's order.
pub(crate) fn resolution_questions(r: &linkwork_app::store::ReferralRecord) -> Vec<ResolutionQuestion> {
    use linkwork_domain::evaluation::resolution::{field, NeedResolution};
    let mut needs: Vec<_> = r.needs.iter().map(|n| n.need).collect();
    needs.sort();
    needs.dedup();
    needs
        .into_iter()
        .map(|need| ResolutionQuestion {
            field: field(need),
            legend: need.label().to_owned(),
            options: NeedResolution::ALL.iter().map(|o| Choice::new(o.code(), o.label())).collect(),
        })
        .collect()
}

// ---- The service's own questionnaires ---------------------------------------------------------

pub fn custom_routes() -> Routes {
    Routes::new()
        .get("/measures/instruments", custom_list)
        .get("/measures/instruments/new", custom_new_form)
        .post("/measures/instruments/new", custom_create)
        .get("/referrals/{id}/custom-measures", custom_choose)
        .get("/referrals/{id}/custom-measures/new", custom_measure_form)
        .post("/referrals/{id}/custom-measures/new", custom_measure_submit)
}

#[derive(Template)]
#[template(path = "custom_instruments.html")]
struct CustomListView {
    page: Page,
    manager: bool,
    rows: Vec<CustomRowView>,
}

struct CustomRowView {
    name: String,
    version: String,
    licence: String,
    questions: usize,
    scoring: &'static str,
    better: &'static str,
    threshold: String,
    concern: String,
}

async fn custom_list(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Html<String>, WebError> {
    let rows = measurement::custom_instruments(&*state.store, &user.actor())
        .await?
        .into_iter()
        .map(|(_, c)| CustomRowView {
            name: c.name().to_owned(),
            version: c.version().to_owned(),
            licence: c.licence().to_owned(),
            questions: c.items().len(),
            scoring: c.scoring().label(),
            better: if c.direction() == linkwork_domain::measurement::instruments::Direction::HigherIsBetter { "Higher" } else { "Lower" },
            threshold: format!("{}", c.threshold()),
            concern: c.concern_at().map(|v| v.to_string()).unwrap_or_else(|| "None".into()),
        })
        .collect();
    let page = page(&state, &user, "Our own questionnaires", "/measures/due").await?.with_back("/measures/due", "Back to measures due").with_notice((q.get("notice").map(String::as_str) == Some("instrument")).then(|| "Questionnaire saved".to_owned()));
    render(&CustomListView { page, manager: user.role() == Role::Manager, rows })
}

#[derive(Template)]
#[template(path = "custom_instrument_new.html")]
struct CustomNewView {
    page: Page,
    form: FormState,
    scorings: Vec<Choice>,
    directions: Vec<Choice>,
}

async fn custom_new_page(state: &AppState, user: &CurrentUser, form: FormState) -> Result<Html<String>, WebError> {
    let page = page(state, user, "Define a questionnaire", "/measures/due").await?.with_back("/measures/instruments", "Back to our own questionnaires").with_form(&form);
    render(&CustomNewView {
        page,
        form,
        scorings: linkwork_domain::measurement::custom_instrument::Scoring::ALL.iter().map(|s| Choice::new(s.code(), s.label())).collect(),
        directions: vec![Choice::new("higher", "A higher score is better"), Choice::new("lower", "A lower score is better")],
    })
}

async fn custom_new_form(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    require_manager(&user)?;
    custom_new_page(&state, &user, FormState::new(Fields::from_pairs(vec![("version".into(), "1".into()), ("scoring".into(), "sum".into()), ("better".into(), "higher".into())]), vec![])).await
}

async fn custom_create(State(state): State<AppState>, user: CurrentUser, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match measurement::create_custom_instrument(&*state.store, &user.actor(), &user.audit(), &f).await {
        Ok(_) => Ok(Redirect::to("/measures/instruments?notice=instrument").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, custom_new_page(&state, &user, FormState::new(f, errors)).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "custom_measure_choose.html")]
struct CustomChooseView {
    page: Page,
    person: String,
    referral_id: String,
    instruments: Vec<Choice>,
    recorded: Vec<(String, String, String, String)>,
}

async fn custom_choose(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>) -> Result<Html<String>, WebError> {
    let r = cases::referral_record(&*state.store, &user.actor(), &user.audit(), &id).await?;
    let instruments = measurement::custom_instruments(&*state.store, &user.actor()).await?;
    let recorded = measurement::custom_measures(&*state.store, &user.actor(), &id)
        .await?
        .into_iter()
        .filter_map(|m| {
            let (_, c) = instruments.iter().find(|(_, c)| c.code() == m.instrument_code)?;
            let scores = c.scores().iter().zip(c.score(&m.answers)).map(|(s, v)| format!("{}: {v}", s.label)).collect::<Vec<_>>().join("; ");
            Some((c.name().to_owned(), m.timepoint.label().to_owned(), linkwork_domain::format_date_long(m.taken_on), scores))
        })
        .collect();
    let page = page(&state, &user, "Our own questionnaires", "").await?.with_back(format!("/referrals/{id}"), "Back to the record");
    render(&CustomChooseView {
        page,
        person: format!("{} {}", r.person.given_name, r.person.family_name),
        referral_id: id.into_string(),
        instruments: instruments.iter().map(|(_, c)| Choice::new(c.code(), c.name())).collect(),
        recorded,
    })
}

#[derive(Template)]
#[template(path = "custom_measure.html")]
struct CustomMeasureView {
    page: Page,
    form: FormState,
    person: String,
    action: String,
    name: String,
    instructions: String,
    timepoints: Vec<Choice>,
    items: Vec<CustomItemView>,
}

struct CustomItemView {
    name: String,
    text: String,
    options: Vec<Choice>,
}

async fn render_custom_measure(state: &AppState, user: &CurrentUser, id: &ReferralId, c: &linkwork_domain::measurement::custom_instrument::CustomInstrument, form: FormState) -> Result<Html<String>, WebError> {
    let r = cases::referral_record(&*state.store, &user.actor(), &user.audit(), id).await?;
    let items = c
        .items()
        .iter()
        .enumerate()
        .map(|(i, item)| CustomItemView { name: format!("item_{}", i + 1), text: item.text.clone(), options: item.options.iter().map(|o| Choice::new(o.value.to_string(), format!("{} – {}", o.value, o.label))).collect() })
        .collect();
    let page = page(state, user, c.name(), "").await?.with_back(format!("/referrals/{id}/custom-measures"), "Back to our own questionnaires").with_form(&form);
    render(&CustomMeasureView {
        page,
        form,
        person: format!("{} {}", r.person.given_name, r.person.family_name),
        action: format!("/referrals/{id}/custom-measures/new?instrument={}", c.code()),
        name: c.name().to_owned(),
        instructions: c.instructions().to_owned(),
        timepoints: Timepoint::ALL.iter().map(|t| Choice::new(t.code(), t.label())).collect(),
        items,
    })
}

async fn custom_measure_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, Query(q): Params) -> Result<Html<String>, WebError> {
    let (_, c) = measurement::custom_instrument_for(&*state.store, &user.actor(), &id, q.get("instrument").map(String::as_str)).await?;
    render_custom_measure(&state, &user, &id, &c, FormState::new(Fields::from_pairs(vec![("taken_on".into(), today().to_string())]), vec![])).await
}

async fn custom_measure_submit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, Query(q): Params, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    let code = q.get("instrument").map(String::as_str);
    match measurement::add_custom_measure(&*state.store, &user.actor(), &user.audit(), &id, code, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}?notice=measure")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => {
            let (_, c) = measurement::custom_instrument_for(&*state.store, &user.actor(), &id, code).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render_custom_measure(&state, &user, &id, &c, FormState::new(f, errors)).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
