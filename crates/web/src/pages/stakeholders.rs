//! Pages of the stakeholder slice: "My wellbeing check-in" for link workers (their form and their
//! own history, seen by nobody else).

use crate::auth::CheckedForm;
use crate::routes::Routes;
use super::{page, render};
use crate::auth::CurrentUser;
use linkwork_app::clock::today;
use linkwork_app::forms::Fields;
use linkwork_app::stakeholders as uc;
use crate::views::{date, Choice, FormState, ItemView, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::measurement::instruments::Instrument;
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/wellbeing", check_in_page)
        .post("/wellbeing", check_in)
        .get("/stakeholders", plan_page)
        .post("/stakeholders", add_stakeholder)
        .get("/stakeholders/{id}", stakeholder_page)
        .post("/stakeholders/{id}", add_statement)
        .get("/evidence", evidence_list)
        .get("/evidence/new", evidence_form)
        .post("/evidence/new", evidence_create)
        .get("/evidence/{id}", evidence_review)
        .post("/evidence/{id}", evidence_approve)
}

#[derive(Template)]
#[template(path = "staff_wellbeing.html")]
struct CheckInView {
    page: Page,
    form: FormState,
    instructions: &'static str,
    items: Vec<ItemView>,
    scale: Vec<Choice>,
    yes_no: Vec<Choice>,
    reminder: Option<String>,
    history: Vec<HistoryRow>,
}

struct HistoryRow {
    date: String,
    swemwbs: String,
    satisfaction: u8,
    pressure: u8,
    supervision: &'static str,
}

fn swemwbs_items() -> Vec<ItemView> {
    Instrument::Swemwbs
        .items()
        .iter()
        .enumerate()
        .map(|(i, item)| ItemView {
            name: format!("item_{}", i + 1),
            text: item.text,
            options: (item.min..=item.max)
                .map(|v| {
                    let label = item
                        .answer_labels
                        .get(usize::from(v - item.min))
                        .map(|l| format!("{v} – {l}"))
                        .unwrap_or_else(|| v.to_string());
                    Choice::new(v.to_string(), label)
                })
                .collect(),
        })
        .collect()
}

async fn show(
    state: &AppState,
    user: &CurrentUser,
    form: FormState,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let own = uc::own_check_ins(&*state.store, &user.actor(), &user.user.id).await?;
    let reminder = match own.first() {
        None => Some("You have not checked in yet.".to_owned()),
        Some(last) if (today() - last.checked_in_on).whole_days() >= uc::CHECK_IN_EVERY_DAYS => {
            Some(format!(
                "Your last check-in was on {}. The service suggests one every 3 months.",
                date(last.checked_in_on)
            ))
        }
        Some(_) => None,
    };
    let history = own
        .iter()
        .map(|c| HistoryRow {
            date: date(c.checked_in_on),
            swemwbs: format!("{:.2}", c.check_in.swemwbs_metric()),
            satisfaction: c.check_in.job_satisfaction().get(),
            pressure: c.check_in.caseload_pressure().get(),
            supervision: if c.check_in.supervision() {
                "Yes"
            } else {
                "No"
            },
        })
        .collect();
    let page = page(state, user, "My wellbeing check-in", "/wellbeing")
        .await?
        .with_form(&form)
        .with_notice(notice);
    let scale = (1..=5)
        .map(|v| Choice::new(v.to_string(), v.to_string()))
        .collect();
    render(&CheckInView {
        page,
        form,
        instructions: "Below are some statements about feelings and thoughts. Choose the answer that best describes your experience of each over the last 2 weeks.",
        items: swemwbs_items(),
        scale,
        yes_no: vec![Choice::new("yes", "Yes"), Choice::new("no", "No")],
        reminder,
        history,
    })
}

async fn check_in_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    let notice = q
        .get("notice")
        .filter(|n| *n == "checked_in")
        .map(|_| "Check-in saved. Thank you.".to_owned());
    show(&state, &user, FormState::default(), notice).await
}

async fn check_in(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(f): CheckedForm,
) -> Result<Response, WebError> {
    match uc::record_check_in(&*state.store, &user.actor(), &user.user.id, &f).await {
        Ok(_) => Ok(Redirect::to("/wellbeing?notice=checked_in").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            show(&state, &user, FormState::new(f, errors), None).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---- the stakeholder evaluation plan (managers) ----

use linkwork_domain::evaluation::stakeholders::scorecard::{
    Comparison, Measure, Stakeholder, StakeholderKind, SuccessStatement,
};

#[derive(Template)]
#[template(path = "stakeholder_plan.html")]
struct PlanView {
    page: Page,
    form: FormState,
    kinds: Vec<Choice>,
    stakeholders: Vec<StakeholderRow>,
}

struct StakeholderRow {
    href: String,
    kind: &'static str,
    name: String,
    statements: Vec<StatementRow>,
}

struct StatementRow {
    statement: String,
    indicator: String,
    target: String,
    applies: String,
}

#[derive(Template)]
#[template(path = "stakeholder.html")]
struct StakeholderView {
    page: Page,
    form: FormState,
    action: String,
    kind: &'static str,
    name: String,
    statements: Vec<StatementRow>,
    indicators: Vec<Choice>,
    comparisons: Vec<Choice>,
}

fn statement_rows(s: &Stakeholder, labels: &[(String, String)]) -> Vec<StatementRow> {
    s.statements
        .iter()
        .map(|st: &SuccessStatement| {
            let (indicator, target) = match &st.measure {
                Measure::Figure { figure_id, target } => {
                    let label = labels
                        .iter()
                        .find(|(id, _)| id == figure_id)
                        .map(|(_, l)| l.clone())
                        .unwrap_or_else(|| figure_id.clone());
                    (
                        label,
                        format!(
                            "{} {}",
                            target.comparison.label().to_lowercase(),
                            target.value
                        ),
                    )
                }
                Measure::Qualitative => ("Qualitative evidence".to_owned(), "–".to_owned()),
            };
            StatementRow {
                statement: st.statement.clone(),
                indicator,
                target,
                applies: format!("{} to {}", date(st.applies.from), date(st.applies.to)),
            }
        })
        .collect()
}

async fn show_plan(
    state: &AppState,
    user: &CurrentUser,
    form: FormState,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let plan = uc::plan(&*state.store, &user.actor()).await?;
    let labels = uc::indicator_choices(&*state.store, &user.actor()).await?;
    let stakeholders = plan
        .iter()
        .map(|s| StakeholderRow {
            href: format!("/stakeholders/{}", s.id),
            kind: s.kind.label(),
            name: s.name.clone(),
            statements: statement_rows(s, &labels),
        })
        .collect();
    let page = page(state, user, "Stakeholder evaluation plan", "/stakeholders")
        .await?
        .with_form(&form)
        .with_notice(notice);
    render(&PlanView {
        page,
        form,
        kinds: crate::views::choices!(StakeholderKind),
        stakeholders,
    })
}

async fn plan_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    show_plan(&state, &user, FormState::default(), None).await
}

async fn add_stakeholder(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(f): CheckedForm,
) -> Result<Response, WebError> {
    match uc::add_stakeholder(&*state.store, &user.actor(), &user.user.id, &f).await {
        Ok(id) => {
            Ok(Redirect::to(&format!("/stakeholders/{id}?notice=stakeholder")).into_response())
        }
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            show_plan(&state, &user, FormState::new(f, errors), None).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn show_stakeholder(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    form: FormState,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let s = uc::stakeholder(&*state.store, &user.actor(), id).await?;
    let labels = uc::indicator_choices(&*state.store, &user.actor()).await?;
    let mut indicators = vec![Choice::new(
        linkwork_domain::evaluation::stakeholders::scorecard::QUALITATIVE,
        "Qualitative evidence (quotes, case studies)",
    )];
    indicators.extend(
        labels
            .iter()
            .map(|(id, label)| Choice::new(id.clone(), format!("{label} ({id})"))),
    );
    let page = page(state, user, &s.name, "/stakeholders")
        .await?
        .with_back("/stakeholders", "Back to the evaluation plan")
        .with_form(&form)
        .with_notice(notice);
    render(&StakeholderView {
        page,
        form,
        action: format!("/stakeholders/{}", s.id),
        kind: s.kind.label(),
        name: s.name.clone(),
        statements: statement_rows(&s, &labels),
        indicators,
        comparisons: crate::views::choices!(Comparison),
    })
}

fn plan_notice(q: &HashMap<String, String>) -> Option<String> {
    match q.get("notice").map(String::as_str) {
        Some("stakeholder") => {
            Some("Stakeholder added. Now add what success looks like for them.".to_owned())
        }
        Some("statement") => Some("Success statement added".to_owned()),
        _ => None,
    }
}

async fn stakeholder_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    let to = today();
    // A new statement applies to the coming year by default.
    let defaults = Fields::from_pairs(vec![
        ("applies_from".into(), to.to_string()),
        (
            "applies_to".into(),
            (to + time::Duration::days(364)).to_string(),
        ),
    ]);
    show_stakeholder(
        &state,
        &user,
        &id,
        FormState::new(defaults, vec![]),
        plan_notice(&q),
    )
    .await
}

async fn add_statement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(f): CheckedForm,
) -> Result<Response, WebError> {
    let choices = uc::indicator_choices(&*state.store, &user.actor()).await?;
    match uc::add_statement(&*state.store, &user.actor(), &id, &f, &choices).await {
        Ok(_) => Ok(Redirect::to(&format!("/stakeholders/{id}?notice=statement")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            show_stakeholder(&state, &user, &id, FormState::new(f, errors), None).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

// ---- qualitative evidence ----

use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::evaluation::stakeholders::evidence::{
    ConsentGivenBy, ConsentUse, EvidenceKind, OutcomeDomain,
};

#[derive(Template)]
#[template(path = "evidence_list.html")]
struct EvidenceListView {
    page: Page,
    is_manager: bool,
    rows: Vec<EvidenceRow>,
}

struct EvidenceRow {
    href: String,
    title: String,
    kind: &'static str,
    recorded: String,
    consent: &'static str,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "evidence_new.html")]
struct EvidenceFormView {
    page: Page,
    form: FormState,
    kinds: Vec<Choice>,
    domains: Vec<Choice>,
    needs: Vec<Choice>,
    stakeholders: Vec<Choice>,
    consent_by: Vec<Choice>,
    consent_use: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "evidence_review.html")]
struct EvidenceReviewView {
    page: Page,
    form: FormState,
    action: String,
    title: String,
    kind: &'static str,
    original: String,
    tags: String,
    consent: String,
    approved: Option<String>,
    publishable: bool,
}

async fn evidence_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    let items = uc::evidence_items(&*state.store, &user.actor()).await?;
    let is_manager = user.role() == linkwork_domain::access::Role::Manager;
    let rows = items
        .into_iter()
        .map(|e| EvidenceRow {
            href: format!("/evidence/{}", e.id),
            title: e.title,
            kind: e.kind.label(),
            recorded: date(e.recorded_on),
            consent: e.consent_use.label(),
            status: match (&e.approved_text, e.consent_use) {
                (Some(_), _) => "Approved for publication",
                (None, ConsentUse::InReports) => "Waiting for a manager's review",
                (None, ConsentUse::InternalOnly) => "Internal only",
            },
        })
        .collect();
    let notice = match q.get("notice").map(String::as_str) {
        Some("recorded") => Some("Evidence recorded. A manager will review the anonymised text before it can appear in a report.".to_owned()),
        Some("approved") => Some("Approved for publication".to_owned()),
        _ => None,
    };
    let page = page(&state, &user, "Qualitative evidence", "/evidence")
        .await?
        .with_notice(notice);
    render(&EvidenceListView {
        page,
        is_manager,
        rows,
    })
}

async fn show_evidence_form(
    state: &AppState,
    user: &CurrentUser,
    form: FormState,
) -> Result<Html<String>, WebError> {
    uc::require_casework(&user.actor())?;
    let page = page(state, user, "Record evidence", "/evidence")
        .await?
        .with_back("/evidence", "Back to qualitative evidence")
        .with_form(&form);
    render(&EvidenceFormView {
        page,
        form,
        kinds: crate::views::choices!(EvidenceKind),
        domains: crate::views::choices!(OutcomeDomain),
        needs: crate::views::choices!(NeedDomain),
        stakeholders: crate::views::choices!(StakeholderKind),
        consent_by: crate::views::choices!(ConsentGivenBy),
        consent_use: crate::views::choices!(ConsentUse),
    })
}

async fn evidence_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    show_evidence_form(
        &state,
        &user,
        FormState::new(
            Fields::from_pairs(vec![("consent_given_on".into(), today().to_string())]),
            vec![],
        ),
    )
    .await
}

async fn evidence_create(
    State(state): State<AppState>,
    user: CurrentUser,
    CheckedForm(f): CheckedForm,
) -> Result<Response, WebError> {
    match uc::record_evidence(&*state.store, &user.actor(), &user.user.id, &f).await {
        Ok(_) => Ok(Redirect::to("/evidence?notice=recorded").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            show_evidence_form(&state, &user, FormState::new(f, errors)).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn show_review(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    form: Option<FormState>,
) -> Result<Html<String>, WebError> {
    let (item, _, anonymised) =
        uc::evidence_for_review(&*state.store, &user.actor(), &user.user.id, id).await?;
    let form = form.unwrap_or_else(|| {
        FormState::new(
            Fields::from_pairs(vec![("approved_text".into(), anonymised)]),
            vec![],
        )
    });
    let mut tags: Vec<&str> = item.outcome_domains.iter().map(|d| d.label()).collect();
    tags.extend(item.needs.iter().map(|n| n.label()));
    tags.extend(item.stakeholders.iter().map(|s| s.label()));
    let page = page(state, user, &item.title, "/evidence")
        .await?
        .with_back("/evidence", "Back to qualitative evidence")
        .with_form(&form);
    render(&EvidenceReviewView {
        page,
        form,
        action: format!("/evidence/{}", item.id),
        title: item.title,
        kind: item.kind.label(),
        original: item.text,
        tags: tags.join(", "),
        consent: format!(
            "{}, given on {} by {}",
            item.consent_use.label(),
            date(item.consent_given_on),
            item.consent_by.label().to_lowercase()
        ),
        approved: item.approved_text,
        publishable: item.consent_use == ConsentUse::InReports,
    })
}

async fn evidence_review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    show_review(&state, &user, &id, None).await
}

async fn evidence_approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CheckedForm(f): CheckedForm,
) -> Result<Response, WebError> {
    match uc::approve_evidence(&*state.store, &user.actor(), &user.user.id, &id, &f).await {
        Ok(()) => Ok(Redirect::to("/evidence?notice=approved").into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            show_review(&state, &user, &id, Some(FormState::new(f, errors))).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
