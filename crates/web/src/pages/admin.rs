//! Administrators' pages (`/admin`): users (list with filters, invite, deactivate, reactivate,
//! send a password link, sign out everywhere) and API tokens (list, revoke). Administrators only
//! (`Role::manages_accounts`). High-impact actions ask for confirmation on a page of their own
//! first. The access check and the operations are `linkwork_app::accounts::admin` (shared with
//! the command line); every change is audited by the store in the transaction that makes it.

use crate::auth::CheckedForm;
use super::{page, render};
use linkwork_app::accounts::admin::{self as accounts, Administrator};
use linkwork_app::accounts::links::{self, Invitation, IssuedLink};
use crate::auth::CurrentUser;
use linkwork_app::forms::{FieldError, Fields};
use crate::routes::Routes;
use crate::views::{Choice, FormState, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::casework::intake::EmailAddress;
use linkwork_app::store::{ApiTokenInfo, TokenStatus, User, UserFilter};
use std::collections::HashMap;
use time::OffsetDateTime;

pub fn routes() -> Routes {
    Routes::new()
        .get("/admin/users", users)
        .get("/admin/users/invite", invite_form)
        .post("/admin/users/invite", invite)
        .get("/admin/users/{id}", user_page)
        .get("/admin/users/{id}/deactivate", |s: State<AppState>, u: CurrentUser, p: Path<String>| confirm(s, u, p, UserAction::Deactivate))
        .post("/admin/users/{id}/deactivate", |s: State<AppState>, u: CurrentUser, p: Path<String>, f: CheckedForm| act(s, u, p, f, UserAction::Deactivate))
        .post("/admin/users/{id}/reactivate", |s: State<AppState>, u: CurrentUser, p: Path<String>, f: CheckedForm| act(s, u, p, f, UserAction::Reactivate))
        .get("/admin/users/{id}/reset-password", |s: State<AppState>, u: CurrentUser, p: Path<String>| confirm(s, u, p, UserAction::ResetPassword))
        .post("/admin/users/{id}/reset-password", |s: State<AppState>, u: CurrentUser, p: Path<String>, f: CheckedForm| act(s, u, p, f, UserAction::ResetPassword))
        .get("/admin/users/{id}/sign-out", |s: State<AppState>, u: CurrentUser, p: Path<String>| confirm(s, u, p, UserAction::SignOut))
        .post("/admin/users/{id}/sign-out", |s: State<AppState>, u: CurrentUser, p: Path<String>, f: CheckedForm| act(s, u, p, f, UserAction::SignOut))
        .get("/admin/tokens", tokens)
        .get("/admin/tokens/{id}/revoke", confirm_revoke)
        .post("/admin/tokens/{id}/revoke", revoke)
}

/// The one access check of this area (decided by the use case).
fn admin(user: &CurrentUser) -> Result<Administrator, WebError> {
    Ok(Administrator::user(&user.actor(), &user.audit())?)
}

/// How many users one list shows (filters narrow it).
const LIST_LIMIT: i64 = 200;

fn notice(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "deactivated" => "Account deactivated: its sessions have ended",
        "reactivated" => "Account reactivated",
        "signed_out" => "Signed out everywhere",
        "revoked" => "Token revoked",
        "emailed" => "A link to set a password has been e-mailed",
        _ => return None,
    };
    Some(text.to_owned())
}

fn filter_value(q: &HashMap<String, String>, name: &str) -> Option<String> {
    q.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Every organisation, for choosing one (by kind, then name).
async fn org_choices(state: &AppState) -> Result<Vec<Choice>, WebError> {
    let mut choices = Vec::new();
    for kind in OrgKind::ALL {
        for org in linkwork_app::orgs::orgs(&*state.store, *kind, None).await? {
            choices.push(Choice::new(org.id, format!("{} ({})", org.name, kind.label())));
        }
    }
    Ok(choices)
}

fn role_choices() -> Vec<Choice> {
    Role::ALL.iter().map(|r| Choice::new(r.code(), r.label())).collect()
}

// ---- users ----

pub struct UserRow {
    pub href: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub org: String,
    pub status: &'static str,
    pub sign_in: &'static str,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersView {
    page: Page,
    filters: FormState,
    roles: Vec<Choice>,
    orgs: Vec<Choice>,
    statuses: Vec<Choice>,
    rows: Vec<UserRow>,
    truncated: bool,
}

async fn users(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    let by = admin(&user)?;
    let filter = UserFilter {
        text: filter_value(&q, "q"),
        role: filter_value(&q, "role").and_then(|r| Role::parse(&r).ok()),
        org_id: filter_value(&q, "org"),
        active: match filter_value(&q, "status").as_deref() {
            Some("active") => Some(true),
            Some("deactivated") => Some(false),
            _ => None,
        },
        limit: LIST_LIMIT + 1,
    };
    let mut found = accounts::list_users(&*state.store, &by, &filter).await?;
    let truncated = found.len() as i64 > LIST_LIMIT;
    found.truncate(LIST_LIMIT as usize);
    let rows = found
        .into_iter()
        .map(|s| UserRow {
            href: format!("/admin/users/{}", s.user.id),
            name: s.user.display_name,
            email: s.user.email,
            role: s.user.role.label(),
            org: s.org_name,
            status: if s.user.active { "Active" } else { "Deactivated" },
            sign_in: match (s.has_password, s.single_sign_on) {
                (true, true) => "Password and single sign-on",
                (true, false) => "Password",
                (false, true) => "Single sign-on",
                (false, false) => "No password yet",
            },
        })
        .collect();
    let values: Vec<(String, String)> = ["q", "role", "org", "status"].iter().filter_map(|k| q.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect();
    let page = page(&state, &user, "Users", "/admin/users").await?.with_notice(notice(q.get("notice").map(String::as_str)));
    render(&UsersView {
        page,
        filters: FormState::new(Fields::from_pairs(values), vec![]),
        roles: role_choices(),
        orgs: org_choices(&state).await?,
        statuses: vec![Choice::new("active", "Active"), Choice::new("deactivated", "Deactivated")],
        rows,
        truncated,
    })
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserView {
    page: Page,
    u: User,
    org: String,
    role: &'static str,
    sessions: i64,
    is_self: bool,
}

/// The user `id`, or "not found".
async fn target(state: &AppState, by: &Administrator, id: &str) -> Result<User, WebError> {
    Ok(accounts::user(&*state.store, by, id).await?)
}

async fn user_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    let by = admin(&user)?;
    let u = target(&state, &by, &id).await?;
    let org = linkwork_app::orgs::org_name(&*state.store, &u.org_id).await?;
    let sessions = accounts::live_sessions(&*state.store, &by, &u.id).await?;
    let page = page(&state, &user, &u.display_name, "/admin/users").await?.with_back("/admin/users", "Back to users").with_notice(notice(q.get("notice").map(String::as_str)));
    let is_self = u.id == user.user.id;
    render(&UserView { page, role: u.role.label(), org, sessions, is_self, u })
}

/// What an administrator may do to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserAction {
    Deactivate,
    Reactivate,
    ResetPassword,
    SignOut,
}

impl UserAction {
    fn path(self) -> &'static str {
        match self {
            UserAction::Deactivate => "deactivate",
            UserAction::Reactivate => "reactivate",
            UserAction::ResetPassword => "reset-password",
            UserAction::SignOut => "sign-out",
        }
    }
}

#[derive(Template)]
#[template(path = "admin_confirm.html")]
struct ConfirmView {
    page: Page,
    heading: String,
    explanation: Vec<String>,
    action: String,
    button: &'static str,
    warning: bool,
    cancel: String,
}

async fn confirm(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, action: UserAction) -> Result<Html<String>, WebError> {
    let by = admin(&user)?;
    let u = target(&state, &by, &id).await?;
    let who = format!("{} ({})", u.display_name, u.email);
    let (heading, explanation, button, warning) = match action {
        UserAction::Deactivate => (
            format!("Deactivate {who}?"),
            vec!["They will be signed out at once and will not be able to sign in, by password or single sign-on. Any link to set a password stops working.".to_owned(), "Their records and everything they recorded stay. You can reactivate the account later.".to_owned()],
            "Deactivate account",
            true,
        ),
        UserAction::ResetPassword => (
            format!("Send {who} a link to set a new password?"),
            vec![
                if state.config.email_enabled {
                    format!("The link is e-mailed to {}.", u.email)
                } else {
                    "E-mail is not set up, so the link is shown to you once, on the next page: give it to them by a safe route (in person, or by phone after checking who they are).".to_owned()
                },
                format!("It works once, for {} hours, and replaces any earlier link. Their current password, if they have one, keeps working until they use it.", links::RESET_LINK_LIFETIME.whole_hours()),
            ],
            "Send a password link",
            false,
        ),
        UserAction::SignOut => (
            format!("Sign {who} out everywhere?"),
            vec!["Every session of this account ends now, on every device. They can sign in again.".to_owned()],
            "Sign out everywhere",
            true,
        ),
        UserAction::Reactivate => return Err(WebError::NotFound),
    };
    let page = page(&state, &user, &heading, "/admin/users").await?.with_back(format!("/admin/users/{}", u.id), "Back");
    render(&ConfirmView { page, heading, explanation, action: format!("/admin/users/{}/{}", u.id, action.path()), button, warning, cancel: format!("/admin/users/{}", u.id) })
}

#[derive(Template)]
#[template(path = "admin_link.html")]
struct LinkView {
    page: Page,
    heading: String,
    name: String,
    email: String,
    url: String,
    expires: String,
    user_href: String,
}

fn show_link(page: Page, heading: String, u_name: &str, u_email: &str, u_id: &str, link: IssuedLink) -> Result<Html<String>, WebError> {
    render(&LinkView { page, heading, name: u_name.to_owned(), email: u_email.to_owned(), url: link.url, expires: links::when(link.expires_at), user_href: format!("/admin/users/{u_id}") })
}

async fn act(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, _form: CheckedForm, action: UserAction) -> Result<Response, WebError> {
    let by = admin(&user)?;
    let u = target(&state, &by, &id).await?;
    let done = |code: &str| -> Result<Response, WebError> { Ok(Redirect::to(&format!("/admin/users/{}?notice={code}", u.id)).into_response()) };
    match action {
        UserAction::Deactivate => {
            accounts::set_active(&*state.store, &by, &u, false).await?;
            tracing::info!(user_id = %u.id, by = %user.user.id, "account deactivated");
            done("deactivated")
        }
        UserAction::Reactivate => {
            accounts::set_active(&*state.store, &by, &u, true).await?;
            tracing::info!(user_id = %u.id, by = %user.user.id, "account reactivated");
            done("reactivated")
        }
        UserAction::SignOut => {
            accounts::end_sessions(&*state.store, &by, &u.id).await?;
            tracing::info!(user_id = %u.id, by = %user.user.id, "signed out everywhere by an administrator");
            done("signed_out")
        }
        UserAction::ResetPassword => {
            let link = accounts::reset_password(&*state.store, &by, &u, &state.config.public_url, state.config.email_enabled).await?;
            tracing::info!(user_id = %u.id, by = %user.user.id, emailed = link.emailed, "password link made");
            if link.emailed {
                return done("emailed");
            }
            let page = page(&state, &user, "Password link", "/admin/users").await?;
            Ok(show_link(page, format!("Password link for {}", u.display_name), &u.display_name, &u.email, &u.id, link)?.into_response())
        }
    }
}

// ---- inviting a user ----

#[derive(Template)]
#[template(path = "admin_invite.html")]
struct InviteView {
    page: Page,
    form: FormState,
    roles: Vec<Choice>,
    orgs: Vec<Choice>,
    email_enabled: bool,
}

async fn invite_page(state: &AppState, user: &CurrentUser, form: FormState, status: StatusCode) -> Result<Response, WebError> {
    let page = page(state, user, "Invite a user", "/admin/users").await?.with_back("/admin/users", "Back to users").with_form(&form);
    let html = render(&InviteView { page, form, roles: role_choices(), orgs: org_choices(state).await?, email_enabled: state.config.email_enabled })?;
    Ok((status, html).into_response())
}

async fn invite_form(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    admin(&user)?;
    invite_page(&state, &user, FormState::default(), StatusCode::OK).await
}

async fn invite(State(state): State<AppState>, user: CurrentUser, CheckedForm(f): CheckedForm) -> Result<Response, WebError> {
    let by = admin(&user)?;
    let mut errors = Vec::new();
    let email = EmailAddress::parse(f.get("email")).map_err(|e| errors.push(field_error(e))).ok();
    let name = f.get("name").trim();
    if name.is_empty() {
        errors.push(FieldError { field: "name".into(), message: "Enter the person's name as colleagues know it".into() });
    } else if name.chars().count() > 200 {
        errors.push(FieldError { field: "name".into(), message: "Enter a name of at most 200 characters".into() });
    }
    let role = Role::parse(f.get("role")).map_err(|e| errors.push(field_error(e))).ok();
    let org = match f.get("org") {
        "" => {
            errors.push(FieldError { field: "org".into(), message: "Select the organisation they work for".into() });
            None
        }
        id => linkwork_app::orgs::org(&*state.store, id).await?.or_else(|| {
            errors.push(FieldError { field: "org".into(), message: "Select the organisation they work for".into() });
            None
        }),
    };
    if let (Some(role), Some(org)) = (role, &org) {
        if let Some(kind) = role.home_org_kind().filter(|kind| *kind != org.kind) {
            errors.push(FieldError { field: "org".into(), message: format!("A {} belongs to a {}: select one", role.label().to_lowercase(), kind.label().to_lowercase()) });
        }
    }
    let (Some(email), Some(role), Some(org), true) = (email, role, org, errors.is_empty()) else {
        return invite_page(&state, &user, FormState::new(f, errors), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let invitation = Invitation { email: email.as_str(), display_name: name, role, org_id: &org.id, org_name: &org.name };
    let (id, link) = match accounts::invite(&*state.store, &by, &invitation, &state.config.public_url, state.config.email_enabled).await {
        Ok(done) => done,
        Err(linkwork_app::AppError::Conflict(_)) => {
            let message = "An account with this email address already exists: find it in the list of users and send it a password link instead".to_owned();
            return invite_page(&state, &user, FormState::new(f, vec![FieldError { field: "email".into(), message }]), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(user_id = %id, by = %user.user.id, emailed = link.emailed, "user invited");
    if link.emailed {
        return Ok(Redirect::to(&format!("/admin/users/{id}?notice=emailed")).into_response());
    }
    let page = page(&state, &user, "Invitation link", "/admin/users").await?;
    Ok(show_link(page, format!("Invitation link for {name}"), name, email.as_str(), &id, link)?.into_response())
}

fn field_error(e: linkwork_domain::DomainError) -> FieldError {
    match e {
        linkwork_domain::DomainError::Invalid { field, message } => FieldError { field: field.to_owned(), message },
        other => FieldError { field: "email".into(), message: other.to_string() },
    }
}

// ---- API tokens ----

pub struct TokenRow {
    pub id: String,
    pub label: String,
    pub org: String,
    pub role: &'static str,
    pub created: String,
    pub expires: String,
    pub status: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_tokens.html")]
struct TokensView {
    page: Page,
    filters: FormState,
    orgs: Vec<Choice>,
    statuses: Vec<Choice>,
    rows: Vec<TokenRow>,
}

fn token_row(t: &ApiTokenInfo, now: OffsetDateTime) -> TokenRow {
    let status = t.status(now);
    TokenRow {
        id: t.id.clone(),
        label: t.label.clone().unwrap_or_else(|| "(no label)".into()),
        org: t.org_name.clone(),
        role: t.role.label(),
        created: links::when(t.created_at),
        expires: links::when(t.expires_at),
        status: status.label(),
        active: status == TokenStatus::Active,
    }
}

async fn tokens(State(state): State<AppState>, user: CurrentUser, Query(q): Query<HashMap<String, String>>) -> Result<Html<String>, WebError> {
    let by = admin(&user)?;
    let now = OffsetDateTime::now_utc();
    let wanted = filter_value(&q, "status").and_then(|s| TokenStatus::parse(&s));
    let org = filter_value(&q, "org");
    let rows = accounts::api_tokens(&*state.store, &by, org.as_deref(), wanted, now).await?.iter().map(|t| token_row(t, now)).collect();
    let values: Vec<(String, String)> = ["status", "org"].iter().filter_map(|k| q.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect();
    let page = page(&state, &user, "API tokens", "/admin/tokens").await?.with_notice(notice(q.get("notice").map(String::as_str)));
    render(&TokensView {
        page,
        filters: FormState::new(Fields::from_pairs(values), vec![]),
        orgs: org_choices(&state).await?,
        statuses: [TokenStatus::Active, TokenStatus::Expired, TokenStatus::Revoked].iter().map(|s| Choice::new(s.code(), s.label())).collect(),
        rows,
    })
}

async fn confirm_revoke(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Html<String>, WebError> {
    let by = admin(&user)?;
    let t = accounts::api_token(&*state.store, &by, &id).await?;
    let heading = format!("Revoke the token \"{}\"?", t.label.as_deref().unwrap_or("(no label)"));
    let explanation = vec![
        format!("It acts for {} as {}. Every system using it gets \"401 Unauthorized\" from now on.", t.org_name, t.role.label().to_lowercase()),
        "A revoked token cannot be restored: make a new one with `linkwork token create` if it is needed again.".to_owned(),
    ];
    let page = page(&state, &user, &heading, "/admin/tokens").await?.with_back("/admin/tokens", "Back to API tokens");
    render(&ConfirmView { page, heading, explanation, action: format!("/admin/tokens/{}/revoke", t.id), button: "Revoke token", warning: true, cancel: "/admin/tokens".into() })
}

async fn revoke(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, CheckedForm(_): CheckedForm) -> Result<Response, WebError> {
    let by = admin(&user)?;
    accounts::revoke_api_token(&*state.store, &by, &id).await?;
    tracing::info!(token_id = %id, by = %user.user.id, "token revoked");
    Ok(Redirect::to("/admin/tokens?notice=revoked").into_response())
}
