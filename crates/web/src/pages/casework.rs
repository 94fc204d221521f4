//! Link workers' pages: caseload, new referral, a person's record, and the forms that record
//! support (conversation and plan, contacts, measures, onward referrals, discharge).

use linkwork_domain::ids::ReferralId;
use crate::routes::Routes;
use super::{notice, page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::casework::{self as cases};
use linkwork_app::clock::today;
use linkwork_app::forms::Fields;
use crate::views::*;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::person::identity::DetailsSource;
use linkwork_domain::access::Role;
use linkwork_domain::casework::contact::ContactMode;
use linkwork_domain::measurement::instruments::{Instrument, Timepoint};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{Ethnicity, Sex};
use linkwork_domain::casework::plan::GoalStatus;
use linkwork_domain::casework::referral::DeclineReason;
use linkwork_app::store::ReferralRecord;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/caseload", caseload)
        .get("/referrals/new", new_referral_form)
        .post("/referrals/new", new_referral)
        .get("/practice/referrals/new", new_referral_form)
        .post("/practice/referrals/new", new_referral)
        .get("/referrals/{id}", record)
        .post("/referrals/{id}/accept", accept)
        .get("/referrals/{id}/conversation", conversation_form)
        .post("/referrals/{id}/conversation", save_conversation)
        .get("/referrals/{id}/contacts/new", contact_form)
        .post("/referrals/{id}/contacts/new", save_contact)
        .get("/referrals/{id}/measures/new", measure_form)
        .post("/referrals/{id}/measures/new", save_measure)
        .get("/referrals/{id}/onward/new", onward_form)
        .post("/referrals/{id}/onward/new", save_onward)
}

type Params = Query<HashMap<String, String>>;

async fn caseload(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Html<String>, WebError> {
    use linkwork_app::caseload::{caseload_page, CaseloadQuery, StatusFilter};
    linkwork_app::access::require_casework(&user.actor())?;
    let notice_code = q.get("notice").cloned();
    let query = CaseloadQuery::from_query(&Fields::from_pairs(q.into_iter().collect()));
    // A link worker's caseload is their own people; a manager sees the service (filter by worker).
    let own = (user.role() == Role::LinkWorker).then_some(user.user.id.as_str());
    let found = caseload_page(&*state.store, &user.actor(), &user.audit(), own, &query).await?;
    let rows = found.entries.into_iter().map(|e| caseload_row(e.entry, today(), e.measures_due).1).collect();
    let workers = if own.is_none() {
        let mut w = vec![Choice::new("", "Everyone"), Choice::new("unassigned", "Not assigned")];
        w.extend(linkwork_app::team::workers(&*state.store, &user.actor(), Role::LinkWorker).await?.into_iter().map(|u| Choice::new(u.id, u.display_name)));
        w
    } else {
        vec![]
    };
    let heading = if own.is_some() { "My caseload" } else { "Caseloads" };
    let pagination = Pagination::new(found.page, found.pages, |p| query.href(p));
    render(&CaseloadView {
        page: page(&state, &user, heading, "/caseload").await?.with_notice(notice(notice_code.as_deref())),
        heading: heading.into(),
        rows,
        matching: found.matching,
        narrowed: query.is_narrowed(),
        text: query.text.clone(),
        status: query.status.code(),
        statuses: StatusFilter::ALL.iter().map(|s| Choice::new(s.code(), s.label())).collect(),
        attention: query.attention.map(|a| a.code()).unwrap_or(""),
        worker: query.worker.code().to_owned(),
        workers,
        pagination,
    })
}

/// A caseload line with its red/amber/green attention flags (closed referrals are green);
/// `measures_due` is what the schedule says is due for it (`cases::measures_due_by_referral`).
pub(crate) fn caseload_row(e: linkwork_app::store::CaseloadEntry, today: time::Date, measures_due: Vec<linkwork_domain::casework::schedule::DueMeasure>) -> (linkwork_domain::casework::caseload::Rag, CaseloadRow) {
    use linkwork_domain::casework::caseload::{flags, overall};
    let flags = if e.status.is_open() { flags(&e.case_facts(measures_due), today) } else { vec![] };
    let rag = overall(&flags);
    let mut messages: Vec<String> = flags.into_iter().map(|f| f.message).collect();
    if e.duplicate_of.is_some() {
        messages.push("Possible duplicate referral".into());
    }
    if e.identity_conflicts > 0 {
        messages.push("Check who this is: the referral's details do not match the person we hold".into());
    }
    (
        rag,
        CaseloadRow {
            rag_code: rag.code(),
            rag: rag.label(),
            flags: messages,
            href: format!("/referrals/{}", e.referral_id),
            name: format!("{} {}", e.given_name, e.family_name),
            nhs_number: e.nhs_number.to_string(),
            status_code: e.status.code(),
            status: e.status.label(),
            referred_on: date(e.referred_on),
            waiting_days: match e.first_contact_on {
                Some(c) => (c - e.referred_on).whole_days().to_string(),
                None if e.status.is_open() => format!("Waiting {}", days((today - e.referred_on).whole_days())),
                None => String::new(),
            },
            last_contact: opt_date(e.last_contact_on),
            unassigned: e.assigned_worker_id.is_none(),
            worker: e.worker_name.unwrap_or_else(|| "Unassigned".into()),
            support_level: if e.accompanied > 0 { "Accompanied access" } else { "" },
            log_contact_href: (e.status == linkwork_domain::casework::referral::ReferralStatus::Accepted).then(|| format!("/referrals/{}/contacts/new?from=caseload", e.referral_id)),
        },
    )
}

/// The full referral form, for link workers and managers (`/referrals/new`) and for GP practice
/// staff (`/practice/referrals/new`, their own practice only).
pub(crate) async fn new_referral_page(state: &AppState, user: &CurrentUser, form: FormState, action: &str) -> Result<Html<String>, WebError> {
    let practices = cases::referral_context(&*state.store, &user.actor()).await?.practices;
    let practice_form = user.role() == Role::PracticeStaff;
    let title = if practice_form { "Refer someone to social prescribing" } else { "Record a new referral" };
    let page = page(state, user, title, action).await?.with_form(&form);
    let rules = cases::ReferralRules::for_referrer(&user.actor(), DetailsSource::PracticeForm);
    render(&NewReferralView {
        page,
        form,
        action: action.to_owned(),
        practices: practices.into_iter().map(|p| Choice::new(p.id, p.name)).collect(),
        sexes: choices!(Sex),
        ethnicities: choices!(Ethnicity),
        sources: rules.sources.iter().map(|s| Choice::new(s.code(), s.label())).collect(),
        needs: choices!(NeedDomain),
        lawful_bases: choices!(linkwork_domain::person::consent::LawfulBasis),
        practice_form,
    })
}

async fn new_referral_form(State(state): State<AppState>, user: CurrentUser, uri: axum::http::Uri) -> Result<Html<String>, WebError> {
    let context = cases::referral_context(&*state.store, &user.actor()).await?;
    let mut defaults = vec![("referred_on".into(), today().to_string()), ("source".into(), "gp_practice".into()), ("lawful_basis".into(), "direct_care".into())];
    if let [only] = context.practices.as_slice() {
        defaults.push(("practice_id".into(), only.id.clone()));
    }
    new_referral_page(&state, &user, FormState::new(Fields::from_pairs(defaults), vec![]), uri.path()).await
}

async fn new_referral(State(state): State<AppState>, user: CurrentUser, uri: axum::http::Uri, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    let source = if user.role() == Role::PracticeStaff { DetailsSource::PracticeForm } else { DetailsSource::LinkWorkerForm };
    match cases::create_referral(&*state.store, &user.actor(), &user.audit(), &f, source).await {
        Ok(_) if user.role() == Role::PracticeStaff => Ok(Redirect::to("/practice/referrals?notice=referral_created").into_response()),
        Ok(id) => Ok(Redirect::to(&format!("/referrals/{id}?notice=referral_created")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, new_referral_page(&state, &user, FormState::new(f, errors), uri.path()).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

/// Reads a person's record for this user (audited), or fails as not found.
async fn read_record(state: &AppState, user: &CurrentUser, id: &ReferralId) -> Result<ReferralRecord, WebError> {
    Ok(cases::referral_record(&*state.store, &user.actor(), &user.audit(), id).await?)
}

async fn record(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, Query(q): Params) -> Result<Html<String>, WebError> {
    let cases::RecordPage { record: r, referred_by, open_conflicts, sharing, onward_events, not_taken, schedule } = cases::record_page(&*state.store, &user.actor(), &user.audit(), &id).await?;
    let name = format!("{} {}", r.person.given_name, r.person.family_name);
    let page = page(&state, &user, &name, "").await?.with_back("/caseload", "Back to caseload").with_notice(notice(q.get("notice").map(String::as_str)));
    let measures = r
        .measures
        .iter()
        .map(|m| MeasureRow {
            instrument: m.instrument.label(),
            timepoint: if m.entered_late { format!("{} (entered late)", m.timepoint.label()) } else { m.timepoint.label().to_owned() },
            taken_on: date(m.taken_on),
            scores: m
                .recorded
                .scores()
                .iter()
                .map(|s| format!("{}: {}", linkwork_domain::measurement::instruments::score_definition(s.key).map(|d| d.1.label).unwrap_or(s.key), s.value))
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let age = linkwork_domain::person::DateOfBirth::new(r.person.date_of_birth, today()).map(|d| d.age_on(today())).unwrap_or_default();
    let workers = if user.role() == Role::Manager {
        linkwork_app::team::workers(&*state.store, &user.actor(), Role::LinkWorker).await?.into_iter().map(|u| Choice::new(u.id, u.display_name)).collect()
    } else {
        vec![]
    };
    let accompanied = r.contacts.iter().filter(|c| c.accompanied).count();
    let onward_loop = super::onward_loop::record_panel(&r.onward, &onward_events);
    let instruments = Instrument::ALL.iter().map(|i| Choice::new(i.code(), i.short_name())).collect();
    let conflicts = open_conflicts
        .into_iter()
        .map(|c| crate::views::ConflictPanel {
            source: c.source.label(),
            rows: c.differences().into_iter().map(|d| (d.field.label(), super::privacy::shown(d.field, d.old_value.as_deref()), super::privacy::shown(d.field, d.new_value.as_deref()))).collect(),
            id: c.id,
        })
        .collect();
    let needs = linkwork_app::plan::needs_once(&r.needs, &r.person.given_name, !r.conversations.is_empty(), r.referral.needs_to_confirm);
    let (goals, plan_history) = (super::plan::goal_rows(&r), super::plan::plan_history(&r));
    let corrections = super::corrections::panel(&r, &schedule, &not_taken);
    render(&ReferralView { instruments, accompanied, page, r, age, decline_reasons: choices!(DeclineReason), measures, goal_statuses: choices!(GoalStatus), workers, referred_by, onward_loop, conflicts, sharing, needs, goals, plan_history, corrections })
}

async fn accept(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(_): CheckedForm) -> Result<Redirect, WebError> {
    let worker = (user.role() == Role::LinkWorker).then(|| user.user.id.clone());
    cases::accept(&*state.store, &user.actor(), &user.audit(), &id, worker).await?;
    Ok(Redirect::to(&format!("/referrals/{id}?notice=accepted")))
}

/// The support forms on a referral: each has its own route and handlers (below), which share
/// the page and the save.
#[derive(Clone, Copy, PartialEq)]
enum SupportForm {
    Conversation,
    Contact,
    Measure(Instrument),
    Onward,
}

impl SupportForm {
    /// The measure form for the questionnaire `?instrument=` names (404 for an unknown one).
    fn measure(q: &HashMap<String, String>) -> Result<Self, WebError> {
        Instrument::parse(q.get("instrument").map(String::as_str).unwrap_or("")).map(Self::Measure).map_err(|_| WebError::NotFound)
    }

    fn notice(self) -> &'static str {
        match self {
            Self::Conversation => "conversation",
            Self::Contact => "contact",
            Self::Measure(_) => "measure",
            Self::Onward => "onward",
        }
    }

    fn defaults(self) -> Fields {
        let today = today().to_string();
        Fields::from_pairs(match self {
            Self::Conversation => vec![("held_on".into(), today)],
            Self::Contact => vec![("contact_on".into(), today)],
            Self::Measure(_) => vec![("taken_on".into(), today)],
            Self::Onward => vec![],
        })
    }
}

async fn render_support_form(state: &AppState, user: &CurrentUser, r: &ReferralRecord, kind: SupportForm, action: String, form: FormState) -> Result<Html<String>, WebError> {
    let person = format!("{} {}", r.person.given_name, r.person.family_name);
    let back = format!("/referrals/{}", r.referral.id);
    let title = match kind {
        SupportForm::Conversation => "What matters to you",
        SupportForm::Contact => "Log a contact",
        SupportForm::Measure(i) => i.label(),
        SupportForm::Onward => "Refer to a community service",
    };
    let page = page(state, user, title, "").await?.with_back(back, "Back to the record").with_form(&form);
    match kind {
        SupportForm::Conversation => render(&ConversationView { page, form, person, action, needs: choices!(NeedDomain) }),
        SupportForm::Contact => render(&ContactView { page, form, person, action, modes: choices!(ContactMode), yes_no: vec![Choice::new("yes", "Yes"), Choice::new("no", "No")] }),
        SupportForm::Measure(instrument) => {
            let items = instrument
                .items()
                .iter()
                .enumerate()
                .map(|(i, item)| ItemView {
                    name: format!("item_{}", i + 1),
                    text: item.text,
                    options: (item.min..=item.max)
                        .map(|v| {
                            let label = item.answer_labels.get(usize::from(v - item.min)).map(|l| format!("{v} – {l}")).unwrap_or_else(|| v.to_string());
                            Choice::new(v.to_string(), label)
                        })
                        .collect(),
                })
                .collect();
            render(&MeasureView { page, form, person, action, instrument: instrument.label(), instructions: instrument.instructions(), timepoints: choices!(Timepoint), items })
        }
        SupportForm::Onward => super::onward_form::render_form(state, user, r, action, form).await,
    }
}

async fn conversation_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, uri: axum::http::Uri, Query(q): Params) -> Result<Html<String>, WebError> {
    form_page(SupportForm::Conversation, state, user, id, uri, q).await
}

async fn contact_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, uri: axum::http::Uri, Query(q): Params) -> Result<Html<String>, WebError> {
    form_page(SupportForm::Contact, state, user, id, uri, q).await
}

async fn measure_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, uri: axum::http::Uri, Query(q): Params) -> Result<Html<String>, WebError> {
    form_page(SupportForm::measure(&q)?, state, user, id, uri, q).await
}

async fn onward_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, uri: axum::http::Uri, Query(q): Params) -> Result<Html<String>, WebError> {
    form_page(SupportForm::Onward, state, user, id, uri, q).await
}

async fn form_page(kind: SupportForm, state: AppState, user: CurrentUser, id: ReferralId, uri: axum::http::Uri, q: HashMap<String, String>) -> Result<Html<String>, WebError> {
    let r = read_record(&state, &user, &id).await?;
    let mut defaults = kind.defaults();
    match kind {
        // A follow-up or discharge measure may still be entered late after discharge.
        SupportForm::Measure(_) => {
            r.referral.status.measure_entry(None, r.referral.discharged_on, today())?;
            if let Some(timepoint) = q.get("timepoint").and_then(|t| Timepoint::parse(t).ok()) {
                defaults.set("timepoint", timepoint.code());
            }
        }
        _ => r.referral.status.require_active()?,
    }
    let action = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let mut values = if kind == SupportForm::Contact { contact_defaults(&r) } else { defaults };
    match kind {
        // A service chosen in the directory comes chosen (issue 12).
        SupportForm::Onward => values.set("service_id", q.get("service").map(String::as_str).unwrap_or_default()),
        // The needs as they stand come ticked, so a conversation confirms them without re-ticking.
        SupportForm::Conversation => linkwork_app::plan::current_needs(&r.needs).into_iter().for_each(|n| values.add("needs", n.code())),
        _ => {}
    }
    render_support_form(&state, &user, &r, kind, action, FormState::new(values, vec![])).await
}

/// A contact is usually like the last one: today, the same way, about as long, not accompanied.
/// So logging it from the caseload is two clicks (open the form, save) plus any change.
fn contact_defaults(r: &ReferralRecord) -> Fields {
    let last = r.contacts.iter().max_by_key(|c| (c.contact_on, c.id.clone()));
    let (mode, minutes) = match last {
        Some(c) => (c.mode.code().to_owned(), c.minutes.to_string()),
        None => (linkwork_domain::casework::contact::ContactMode::Phone.code().to_owned(), TYPICAL_CONTACT_MINUTES.to_string()),
    };
    Fields::from_pairs(vec![("contact_on".into(), today().to_string()), ("mode".into(), mode), ("minutes".into(), minutes), ("accompanied".into(), "no".into())])
}

/// Minutes offered for a first contact (a typical first phone call).
const TYPICAL_CONTACT_MINUTES: u32 = 30;

async fn save_conversation(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, uri: axum::http::Uri, Query(q): Params, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    save(SupportForm::Conversation, state, user, id, uri, q, f).await
}

async fn save_contact(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, uri: axum::http::Uri, Query(q): Params, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    save(SupportForm::Contact, state, user, id, uri, q, f).await
}

async fn save_measure(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, uri: axum::http::Uri, Query(q): Params, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    save(SupportForm::measure(&q)?, state, user, id, uri, q, f).await
}

async fn save_onward(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, uri: axum::http::Uri, Query(q): Params, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    save(SupportForm::Onward, state, user, id, uri, q, f).await
}

/// Saves a support form; on a problem, shows it again with every error.
async fn save(kind: SupportForm, state: AppState, user: CurrentUser, id: ReferralId, uri: axum::http::Uri, q: HashMap<String, String>, f: Fields) -> Result<Response, WebError> {
    let (store, actor, who) = (&*state.store, user.actor(), user.audit());
    let result = match kind {
        SupportForm::Conversation => cases::record_conversation(store, &actor, &who, &id, &f).await.map(drop),
        SupportForm::Contact => cases::add_contact(store, &actor, &who, &id, &f).await.map(drop),
        SupportForm::Measure(instrument) => cases::add_measure(store, &actor, &who, &id, instrument, &f).await.map(drop),
        SupportForm::Onward => cases::refer_onward(store, &actor, &who, &id, &f).await.map(drop),
    };
    match result {
        // Logged from the caseload: back to it, to carry on down the list.
        Ok(()) if kind == SupportForm::Contact && q.get("from").map(String::as_str) == Some("caseload") => Ok(Redirect::to(&format!("/caseload?notice={}", kind.notice())).into_response()),
        // A closing measure recorded from the discharge walk-through goes back to it.
        Ok(()) if q.get("then").map(String::as_str) == Some("discharge") => Ok(Redirect::to(&format!("/referrals/{id}/discharge?notice={}", kind.notice())).into_response()),
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}?notice={}", kind.notice())).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => {
            let r = read_record(&state, &user, &id).await?;
            let action = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render_support_form(&state, &user, &r, kind, action, FormState::new(f, errors)).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
