//! The plan's own forms on a person's record (issue 12): add a goal, change a goal (wording,
//! review date, status), and the needs agreed with the person, none of which needs a new "what
//! matters" conversation. Post/redirect/get; the forms carry the page's one-time key.

use linkwork_domain::ids::GoalId;
use linkwork_domain::ids::ReferralId;
use super::{page, render};
use crate::auth::CheckedForm;
use crate::auth::CurrentUser;
use linkwork_app::forms::{FieldError, Fields};
use linkwork_app::plan::{self, HistoryLine};
use crate::routes::Routes;
use crate::views::{GoalRow, choices, date, opt_date, Choice, FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::plan::GoalStatus;
use linkwork_app::store::{Goal, ReferralRecord};

pub fn routes() -> Routes {
    Routes::new()
        .get("/referrals/{id}/goals/new", new_goal_form)
        .post("/referrals/{id}/goals/new", new_goal)
        .get("/referrals/{id}/goals/{goal_id}/edit", edit_goal_form)
        .post("/referrals/{id}/goals/{goal_id}/edit", edit_goal)
        .get("/referrals/{id}/needs", needs_form)
        .post("/referrals/{id}/needs", change_needs)
}

#[derive(Template)]
#[template(path = "goal.html")]
struct GoalView {
    page: Page,
    form: FormState,
    person: String,
    heading: String,
    action: String,
    button: &'static str,
    /// Editing an existing goal (its status and version are on the form).
    editing: bool,
    statuses: Vec<Choice>,
    agreed: String,
    history: Vec<HistoryLine>,
}

#[derive(Template)]
#[template(path = "needs.html")]
struct NeedsView {
    page: Page,
    form: FormState,
    person: String,
    given_name: String,
    legend: String,
    action: String,
    needs: Vec<Choice>,
    /// The referrer's needs, in words ("" when they named none).
    from_referral: String,
}

/// The record, read for a form about it (audited; the person is shown), while the person is on the caseload.
async fn record_for_form(state: &AppState, user: &CurrentUser, id: &ReferralId) -> Result<ReferralRecord, WebError> {
    Ok(linkwork_app::casework::active_record(&*state.store, &user.actor(), &user.audit(), id).await?)
}

fn person(r: &ReferralRecord) -> String {
    format!("{} {}", r.person.given_name, r.person.family_name)
}

async fn form_page(state: &AppState, user: &CurrentUser, title: &str, r: &ReferralRecord) -> Result<Page, WebError> {
    Ok(page(state, user, title, "").await?.with_back(format!("/referrals/{}#plan", r.referral.id), "Back to the record"))
}

async fn new_goal_page(state: &AppState, user: &CurrentUser, r: &ReferralRecord, form: FormState) -> Result<Html<String>, WebError> {
    let page = form_page(state, user, "Add a goal", r).await?.with_form(&form);
    render(&GoalView {
        page,
        form,
        person: person(r),
        heading: "Add a goal".into(),
        action: format!("/referrals/{}/goals/new", r.referral.id),
        button: "Add goal",
        editing: false,
        statuses: vec![],
        agreed: String::new(),
        history: vec![],
    })
}

async fn new_goal_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>) -> Result<Html<String>, WebError> {
    let r = record_for_form(&state, &user, &id).await?;
    new_goal_page(&state, &user, &r, FormState::default()).await
}

async fn new_goal(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match plan::add_goal(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}?notice=goal_added#plan")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => {
            let r = record_for_form(&state, &user, &id).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, new_goal_page(&state, &user, &r, FormState::new(f, errors)).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The goal's fields as stored, for the form.
fn goal_fields(g: &Goal) -> Fields {
    Fields::from_pairs(vec![
        ("description".into(), g.description.clone()),
        ("review_on".into(), g.review_on.map(|d| d.to_string()).unwrap_or_default()),
        ("goal_status".into(), g.status.code().into()),
        ("version".into(), g.version.to_string()),
    ])
}

async fn edit_goal_page(state: &AppState, user: &CurrentUser, r: &ReferralRecord, goal: &Goal, form: FormState, status: StatusCode) -> Result<Response, WebError> {
    let page = form_page(state, user, "Change a goal", r).await?.with_form(&form);
    let changes: Vec<_> = r.plan_changes.iter().filter(|c| c.goal_id.as_deref() == Some(goal.id.as_str())).cloned().collect();
    let history = plan::history(&changes, |_| None);
    let view = GoalView {
        page,
        form,
        person: person(r),
        heading: "Change a goal".into(),
        action: format!("/referrals/{}/goals/{}/edit", r.referral.id, goal.id),
        button: "Save changes",
        editing: true,
        statuses: choices!(GoalStatus),
        agreed: date(goal.agreed_on),
        history,
    };
    Ok((status, render(&view)?).into_response())
}

async fn edit_goal_form(State(state): State<AppState>, user: CurrentUser, Path((id, goal_id)): Path<(ReferralId, GoalId)>) -> Result<Response, WebError> {
    let goal = plan::goal_to_change(&*state.store, &user.actor(), &id, &goal_id).await?;
    let r = record_for_form(&state, &user, &id).await?;
    edit_goal_page(&state, &user, &r, &goal, FormState::new(goal_fields(&goal), vec![]), StatusCode::OK).await
}

async fn edit_goal(State(state): State<AppState>, user: CurrentUser, Path((id, goal_id)): Path<(ReferralId, GoalId)>, CheckedForm(mut f): CheckedForm) -> Result<Response, WebError> {
    let (status, errors) = match plan::change_goal(&*state.store, &user.actor(), &user.audit(), &id, &goal_id, &f).await {
        Ok(0) => return Ok(Redirect::to(&format!("/referrals/{id}?notice=goal_unchanged#plan")).into_response()),
        Ok(_) => return Ok(Redirect::to(&format!("/referrals/{id}?notice=goal_changed#plan")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(linkwork_app::AppError::Conflict(_)) => {
            // Someone else saved a change first: show theirs (in the history) and keep what this
            // person typed, on the goal's new version, so they can decide and save again.
            let message = "Someone else changed this goal after you opened it, so your change was not saved. Their change is listed under \u{201c}Changes to this goal\u{201d}. Check your wording, then save again";
            (StatusCode::CONFLICT, vec![FieldError { field: "description".into(), message: message.into() }])
        }
        Err(e) => return Err(e.into()),
    };
    let goal = plan::goal_to_change(&*state.store, &user.actor(), &id, &goal_id).await?;
    if status == StatusCode::CONFLICT {
        f.set("version", &goal.version.to_string());
    }
    let r = record_for_form(&state, &user, &id).await?;
    edit_goal_page(&state, &user, &r, &goal, FormState::new(f, errors), status).await
}

async fn needs_page(state: &AppState, user: &CurrentUser, r: &ReferralRecord, form: FormState) -> Result<Html<String>, WebError> {
    let page = form_page(state, user, "Needs agreed with the person", r).await?.with_form(&form);
    let from_referral: Vec<&str> = r.needs.iter().filter(|n| n.identified_at == "referral").map(|n| n.need.label()).collect();
    render(&NeedsView {
        page,
        form,
        person: person(r),
        given_name: r.person.given_name.clone(),
        legend: format!("Which needs does {} agree they have?", r.person.given_name),
        action: format!("/referrals/{}/needs", r.referral.id),
        needs: choices!(NeedDomain),
        from_referral: from_referral.join(", "),
    })
}

async fn needs_form(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>) -> Result<Html<String>, WebError> {
    let r = record_for_form(&state, &user, &id).await?;
    // Start from what is agreed; before anything is, from what the referrer said.
    let mut ticked = plan::agreed_needs(&r.needs);
    if ticked.is_empty() {
        ticked = r.needs.iter().map(|n| n.need).collect();
    }
    let form = FormState::new(Fields::from_pairs(ticked.into_iter().map(|n| ("needs".to_owned(), n.code().to_owned())).collect()), vec![]);
    needs_page(&state, &user, &r, form).await
}

async fn change_needs(State(state): State<AppState>, user: CurrentUser, Path(id): Path<ReferralId>, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    match plan::change_needs(&*state.store, &user.actor(), &user.audit(), &id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!("/referrals/{id}?notice=needs")).into_response()),
        Err(linkwork_app::AppError::Invalid(errors)) => {
            let r = record_for_form(&state, &user, &id).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, needs_page(&state, &user, &r, FormState::new(f, errors)).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}


pub(crate) fn goal_rows(r: &ReferralRecord) -> Vec<GoalRow> {
    r.goals
        .iter()
        .map(|g| GoalRow {
            changed: r
                .plan_changes
                .iter()
                .filter(|c| c.goal_id.as_deref() == Some(g.id.as_str()) && c.kind != linkwork_domain::casework::plan::PlanChangeKind::GoalAdded)
                .map(plan::changed_on)
                .max()
                .map(date)
                .unwrap_or_default(),
            id: g.id.clone(),
            description: g.description.clone(),
            status_code: g.status.code(),
            status: g.status.label(),
            agreed: date(g.agreed_on),
            review: opt_date(g.review_on),
        })
        .collect()
}

/// The plan's history on the record: every change, naming the goal it was about.
pub(crate) fn plan_history(r: &ReferralRecord) -> Vec<HistoryLine> {
    plan::history(&r.plan_changes, |id| r.goals.iter().find(|g| g.id == id).map(|g| g.description.clone()))
}
