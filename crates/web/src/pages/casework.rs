//! Link workers' pages: caseload, new referral, a person's record, and the forms that record
//! support (conversation and plan, contacts, measures, onward referrals, discharge).

use crate::routes::Routes;
use super::{notice, page, render};
use crate::auth::CurrentUser;
use crate::casework::{self as cases, today};
use crate::forms::Fields;
use crate::views::*;
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::identity::DetailsSource;
use linkwork_domain::access::Role;
use linkwork_domain::contact::ContactMode;
use linkwork_domain::instruments::{Instrument, Timepoint};
use linkwork_domain::need::NeedDomain;
use linkwork_domain::person::{Ethnicity, Sex};
use linkwork_domain::plan::GoalStatus;
use linkwork_domain::referral::{DeclineReason, DischargeReason};
use linkwork_store::ReferralRecord;
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
        .post("/referrals/{id}/decline", decline)
        .get("/referrals/{id}/conversation", form_page)
        .post("/referrals/{id}/conversation", submit)
        .get("/referrals/{id}/contacts/new", form_page)
        .post("/referrals/{id}/contacts/new", submit)
        .get("/referrals/{id}/measures/new", form_page)
        .post("/referrals/{id}/measures/new", submit)
        .get("/referrals/{id}/onward/new", form_page)
        .post("/referrals/{id}/onward/new", submit)
        .get("/referrals/{id}/discharge", form_page)
        .post("/referrals/{id}/discharge", submit)
}

type Params = Query<HashMap<String, String>>;

async fn caseload(State(state): State<AppState>, user: CurrentUser, Query(q): Params) -> Result<Html<String>, WebError> {
    cases::require_casework(&user.actor())?;
    let show_all = q.contains_key("all");
    // Link workers see their own people and new, unassigned referrals; managers see everyone.
    let worker = (user.role() == Role::LinkWorker).then_some(user.user.id.as_str());
    let entries = crate::reads::caseload(&*state.store, &user.actor(), &user.audit(), worker, !show_all).await?;
    let schedule = state.store.measurement_schedule(&user.user.org_id).await?;
    let mut rows: Vec<(linkwork_domain::caseload::Rag, CaseloadRow)> = entries.into_iter().map(|e| caseload_row(e, today(), schedule.as_ref())).collect();
    rows.sort_by_key(|(rag, _)| std::cmp::Reverse(*rag));
    let rows = rows.into_iter().map(|(_, row)| row).collect();
    let heading = if worker.is_some() { "My caseload" } else { "Caseloads" };
    render(&CaseloadView { page: page(&state, &user, heading, "/caseload").await?, heading: heading.into(), rows, show_all })
}

/// A caseload line with its red/amber/green attention flags (closed referrals are green).
pub(crate) fn caseload_row(e: linkwork_store::CaseloadEntry, today: time::Date, schedule: Option<&linkwork_domain::schedule::MeasurementSchedule>) -> (linkwork_domain::caseload::Rag, CaseloadRow) {
    use linkwork_domain::caseload::{flags, overall};
    let flags = if e.status.is_open() { flags(&e.case_facts(schedule), today) } else { vec![] };
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
                None if e.status.is_open() => format!("Waiting {} days", (today - e.referred_on).whole_days()),
                None => String::new(),
            },
            last_contact: opt_date(e.last_contact_on),
            worker: e.worker_name.unwrap_or_else(|| "Unassigned".into()),
            support_level: if e.accompanied > 0 { "Accompanied access" } else { "" },
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
        lawful_bases: choices!(linkwork_domain::consent::LawfulBasis),
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

async fn new_referral(State(state): State<AppState>, user: CurrentUser, uri: axum::http::Uri, body: Bytes) -> Result<Response, WebError> {
    let f = Fields::from_urlencoded(&body);
    user.check_csrf(f.get("csrf_token"))?;
    let source = if user.role() == Role::PracticeStaff { DetailsSource::PracticeForm } else { DetailsSource::LinkWorkerForm };
    match cases::create_referral(&*state.store, &user.actor(), &user.audit(), &f, source).await {
        Ok(_) if user.role() == Role::PracticeStaff => Ok(Redirect::to("/practice/referrals?notice=referral_created").into_response()),
        Ok(id) => Ok(Redirect::to(&format!("/referrals/{id}?notice=referral_created")).into_response()),
        Err(WebError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, new_referral_page(&state, &user, FormState::new(f, errors), uri.path()).await?).into_response()),
        Err(e) => Err(e),
    }
}

/// Reads a person's record for this user (audited), or fails as not found.
async fn read_record(state: &AppState, user: &CurrentUser, id: &str) -> Result<ReferralRecord, WebError> {
    cases::casework_referral(&*state.store, &user.actor(), id).await?;
    state.store.referral_record(&user.audit(), id).await?.ok_or(WebError::NotFound)
}

async fn record(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Params) -> Result<Html<String>, WebError> {
    let r = read_record(&state, &user, &id).await?;
    let name = format!("{} {}", r.person.given_name, r.person.family_name);
    let page = page(&state, &user, &name, "").await?.with_back("/caseload", "Back to caseload").with_notice(notice(q.get("notice").map(String::as_str)));
    let measures = r
        .measures
        .iter()
        .map(|m| MeasureRow {
            instrument: m.instrument.label(),
            timepoint: m.timepoint.label(),
            taken_on: date(m.taken_on),
            scores: m
                .recorded
                .scores()
                .iter()
                .map(|s| format!("{}: {}", linkwork_domain::instruments::score_definition(s.key).map(|d| d.1.label).unwrap_or(s.key), s.value))
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let age = linkwork_domain::person::DateOfBirth::new(r.person.date_of_birth, today()).map(|d| d.age_on(today())).unwrap_or_default();
    let workers = if user.role() == Role::Manager {
        state.store.users(&user.user.org_id, Some(Role::LinkWorker)).await?.into_iter().map(|u| Choice::new(u.id, u.display_name)).collect()
    } else {
        vec![]
    };
    let referred_by = match &r.referral.referred_by_org_id {
        Some(org) => state.store.org(org).await?.map(|o| o.name),
        None => None,
    };
    let accompanied = r.contacts.iter().filter(|c| c.accompanied).count();
    let onward_loop = super::onward_loop::record_panel(&*state.store, &id, &r.onward).await?;
    let instruments = Instrument::ALL.iter().map(|i| Choice::new(i.code(), i.short_name())).collect();
    let conflicts = state
        .store
        .referral_identity_conflicts(&id)
        .await?
        .into_iter()
        .filter(|c| c.open)
        .map(|c| crate::views::ConflictPanel {
            source: c.source.label(),
            rows: c.differences().into_iter().map(|d| (d.field.label(), super::privacy::shown(d.field, d.old_value.as_deref()), super::privacy::shown(d.field, d.new_value.as_deref()))).collect(),
            id: c.id,
        })
        .collect();
    let sharing = state.store.sharing_consents(&id).await?.into_iter().filter(|s| s.withdrawn_on.is_none()).collect();
    render(&ReferralView { instruments, accompanied, page, r, age, decline_reasons: choices!(DeclineReason), measures, goal_statuses: choices!(GoalStatus), workers, referred_by, onward_loop, conflicts, sharing })
}

async fn accept(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, body: Bytes) -> Result<Redirect, WebError> {
    let f = Fields::from_urlencoded(&body);
    user.check_csrf(f.get("csrf_token"))?;
    let worker = (user.role() == Role::LinkWorker).then(|| user.user.id.clone());
    cases::accept(&*state.store, &user.actor(), &user.audit(), &id, worker).await?;
    Ok(Redirect::to(&format!("/referrals/{id}?notice=accepted")))
}

async fn decline(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, body: Bytes) -> Result<Redirect, WebError> {
    let f = Fields::from_urlencoded(&body);
    user.check_csrf(f.get("csrf_token"))?;
    cases::decline(&*state.store, &user.actor(), &user.audit(), &id, &f).await?;
    Ok(Redirect::to(&format!("/referrals/{id}?notice=declined")))
}

/// The support forms on a referral, told apart by the last part of the path.
#[derive(Clone, Copy, PartialEq)]
enum SupportForm {
    Conversation,
    Contact,
    Measure(Instrument),
    Onward,
    Discharge,
}

impl SupportForm {
    fn from_path(path: &str, q: &HashMap<String, String>) -> Result<Self, WebError> {
        Ok(if path.ends_with("/conversation") {
            Self::Conversation
        } else if path.ends_with("/contacts/new") {
            Self::Contact
        } else if path.ends_with("/measures/new") {
            Self::Measure(Instrument::parse(q.get("instrument").map(String::as_str).unwrap_or("")).map_err(|_| WebError::NotFound)?)
        } else if path.ends_with("/onward/new") {
            Self::Onward
        } else {
            Self::Discharge
        })
    }

    fn notice(self) -> &'static str {
        match self {
            Self::Conversation => "conversation",
            Self::Contact => "contact",
            Self::Measure(_) => "measure",
            Self::Onward => "onward",
            Self::Discharge => "discharged",
        }
    }

    fn defaults(self) -> Fields {
        let today = today().to_string();
        Fields::from_pairs(match self {
            Self::Conversation => vec![("held_on".into(), today)],
            Self::Contact => vec![("contact_on".into(), today)],
            Self::Measure(_) => vec![("taken_on".into(), today)],
            Self::Onward | Self::Discharge => vec![],
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
        SupportForm::Discharge => "Discharge",
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
        SupportForm::Onward => {
            let needs: Vec<NeedDomain> = r.needs.iter().map(|n| n.need).collect();
            let mut services: Vec<ServiceOption> = state
                .store
                .services()
                .await?
                .into_iter()
                .filter(|s| s.status == "active")
                .map(|s| ServiceOption {
                    matches: s.needs.iter().any(|n| needs.contains(n)),
                    needs: cases::need_labels(&s.needs),
                    id: s.id,
                    name: s.name,
                    org: s.org_name,
                })
                .collect();
            services.sort_by_key(|s| !s.matches);
            render(&OnwardView { page, form, person, action, services, referral_id: r.referral.id.clone() })
        }
        SupportForm::Discharge => render(&DischargeView { page, form, person, action, reasons: choices!(DischargeReason), resolutions: super::measurement::resolution_questions(r) }),
    }
}

async fn form_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, uri: axum::http::Uri, Query(q): Params) -> Result<Html<String>, WebError> {
    let kind = SupportForm::from_path(uri.path(), &q)?;
    let r = read_record(&state, &user, &id).await?;
    if kind != SupportForm::Discharge {
        r.referral.status.require_active()?;
    }
    let action = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    render_support_form(&state, &user, &r, kind, action, FormState::new(kind.defaults(), vec![])).await
}

async fn submit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, uri: axum::http::Uri, Query(q): Params, body: Bytes) -> Result<Response, WebError> {
    let kind = SupportForm::from_path(uri.path(), &q)?;
    let f = Fields::from_urlencoded(&body);
    user.check_csrf(f.get("csrf_token"))?;
    let (store, actor, who) = (&*state.store, user.actor(), user.audit());
    let result = match kind {
        SupportForm::Conversation => cases::record_conversation(store, &actor, &who, &id, &f).await.map(drop),
        SupportForm::Contact => cases::add_contact(store, &actor, &who, &id, &f).await.map(drop),
        SupportForm::Measure(instrument) => cases::add_measure(store, &actor, &who, &id, instrument, &f).await.map(drop),
        SupportForm::Onward => cases::refer_onward(store, &actor, &who, &id, &f).await.map(drop),
        SupportForm::Discharge => cases::discharge(store, &actor, &who, &id, &f).await,
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}?notice={}", kind.notice())).into_response()),
        Err(WebError::Invalid(errors)) => {
            let r = read_record(&state, &user, &id).await?;
            let action = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render_support_form(&state, &user, &r, kind, action, FormState::new(f, errors)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
