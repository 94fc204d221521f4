//! The browser UI's routes, one file per area. Handlers parse, call a use case in
//! `linkwork_app::casework`, and render a template from `crate::views`; on invalid input they show the
//! same form again with an error summary and status 422, having written nothing.

mod admin;
mod casework;
mod community;
pub(crate) mod corrections;
mod contact_details;
mod directory;
pub(crate) mod gp_letter;
mod import;
mod health;
pub(crate) mod measurement;
mod intake;
mod partner;
mod partnership;
pub(crate) mod plan;
pub(crate) mod privacy;
pub(crate) mod reports;
mod session;
mod stakeholders;
mod team;
mod workforce;
mod today;
mod triage;
pub(crate) mod onward_loop;
mod onward_form;

use crate::routes::Routes;
use crate::auth::CurrentUser;
use crate::views::{ErrorView, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

pub(crate) use reports::period_from;

pub fn routes() -> Routes {
    Routes::new()
        .get("/healthz", healthz)
        .merge(session::routes())
        .merge(admin::routes())
        .merge(casework::routes())
        .merge(gp_letter::routes())
        .merge(plan::routes())
        .merge(corrections::routes())
        .merge(contact_details::routes())
        .merge(directory::routes())
        .merge(import::routes())
        .merge(health::routes())
        .merge(partner::routes())
        .merge(partnership::routes())
        .merge(intake::routes())
        .merge(today::routes())
        .merge(triage::routes())
        .merge(team::routes())
        .merge(workforce::routes())
        .merge(community::routes())
        .merge(stakeholders::routes())
        .merge(measurement::routes())
        .merge(measurement::custom_routes())
        .merge(reports::routes())
        .merge(onward_loop::routes())
        .merge(privacy::routes())
        .map_router(|r| r.fallback(|| async { WebError::NotFound }))
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match linkwork_app::status::database(&*state.store).await {
        Ok(backend) => (StatusCode::OK, format!("ok ({backend})\n")).into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}

pub(crate) fn render(template: &impl Template) -> Result<Html<String>, WebError> {
    template.render().map(Html).map_err(|e| WebError::Internal(format!("template: {e}")))
}

/// A page for the signed-in user, with their organisation's name in the header.
pub(crate) async fn page(state: &AppState, user: &CurrentUser, title: &str, here: &str) -> Result<Page, WebError> {
    let org = linkwork_app::orgs::org_name(&*state.store, &user.user.org_id).await?;
    let mut page = Page::for_user(title, user, &org, here);
    page.unread = linkwork_app::onward_loop::unread_notifications(&*state.store, &user.user.id, &user.user.org_id).await?;
    Ok(page)
}

/// Fixed confirmation messages, chosen by a code in the redirect (never echoing user input).
pub(crate) fn notice(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "referral_created" => "Referral recorded",
        "accepted" => "Referral accepted onto the caseload",
        "declined" => "Referral declined",
        "reopened" => "Referral reopened: it is back in triage",
        "partner_undone" => "Change undone: the link worker has been told",
        "conversation" => "Conversation and plan saved",
        "contact" => "Contact saved",
        "measure" => "Measure saved",
        "onward" => "Referral sent to the service",
        "discharged" => "Person discharged",
        "partner_accepted" => "Referral accepted",
        "partner_declined" => "Referral declined",
        "partner_attended" => "Marked as attended",
        "partner_started" => "Marked as started",
        "partner_completed" => "Marked as completed",
        "partner_dropped_out" => "Marked as dropped out",
        "attempt" => "Contact attempt saved",
        "merged" => "Duplicate referral merged into this one",
        "kept_separate" => "Kept as a separate referral",
        "reassigned" => "Referral reassigned",
        "assigned" => "Referral assigned",
        "goal" => "Goal updated",
        "goal_added" => "Goal added to the plan",
        "goal_changed" => "Goal changed",
        "goal_unchanged" => "Nothing was changed",
        "needs" => "Needs saved",
        "identity_settled" => "Identity settled",
        "details_corrected" => "Details corrected",
        "restricted" => "Record restricted: it cannot be changed until a manager lifts the restriction",
        "restriction_lifted" => "Restriction lifted",
        "erased" => "Record erased",
        "contact_details" => "Contact details saved",
        "sharing_withdrawn" => "Sharing stopped: the organisation will be told to contact the link worker",
        _ => return None,
    };
    Some(text.to_owned())
}

/// How an error looks in the browser. Unauthenticated requests go to the sign-in page.
pub(crate) fn error_page(error: &WebError) -> Response {
    if matches!(error, WebError::Unauthenticated) {
        return Redirect::to("/login").into_response();
    }
    let (heading, message) = match error {
        WebError::NotFound => ("Page not found".to_owned(), "If you typed the web address, check it is correct. The record may also belong to another service.".to_owned()),
        WebError::Forbidden => ("You cannot see this page".to_owned(), "Your role does not give access to this page. Ask your service manager if you think it should.".to_owned()),
        WebError::Invalid(errors) => ("There is a problem".to_owned(), errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(". ")),
        WebError::Internal(_) => ("Sorry, there is a problem with the service".to_owned(), "Try again later. Nothing you entered has been saved.".to_owned()),
        other => ("There is a problem".to_owned(), other.to_string()),
    };
    let mut response = error_view(Page::anonymous(&heading), heading.clone(), message.clone(), error.status());
    // Kept on the response so `signed_in_error_pages` can draw the page again with the user's menu.
    response.extensions_mut().insert(ErrorShown { heading, message });
    response
}

fn error_view(page: Page, heading: String, message: String, status: StatusCode) -> Response {
    let view = ErrorView { page, heading, message };
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, view.heading).into_response(),
    }
}

/// What an error page said, carried on its response.
#[derive(Clone)]
struct ErrorShown {
    heading: String,
    message: String,
}

/// Error pages (404, 403, 409, 422, 500) keep the signed-in user's header and menu, so the way on
/// is one click away. A handler's error knows nothing of the request, so its page is drawn there
/// without a user and drawn again here, for the user the session cookie names; without a live
/// session the page stays as it was.
pub(crate) async fn signed_in_error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut cookies = HeaderMap::new();
    for value in request.headers().get_all(header::COOKIE) {
        cookies.append(header::COOKIE, value.clone());
    }
    let response = next.run(request).await;
    let Some(shown) = response.extensions().get::<ErrorShown>().cloned() else { return response };
    let Ok(user) = CurrentUser::from_headers(&cookies, &state).await else { return response };
    match page(&state, &user, &shown.heading, "").await {
        Ok(page) => error_view(page, shown.heading, shown.message, response.status()),
        Err(_) => response,
    }
}
