//! Signing in (password or OpenID Connect) and out, each role's home page, your own account
//! (sign out everywhere) and setting a password through a single-use link.

use crate::auth::{CheckedPublicForm, ClientAddress};
use super::{page, render};
use crate::auth::CheckedForm;
use crate::auth::{self, CurrentUser};
use linkwork_app::accounts::{links, sessions};
use linkwork_app::forms::{FieldError, Fields};
use crate::routes::Routes;
use crate::views::{ErrorView, FormState, LoginView, Page};
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use linkwork_domain::access::Role;
use linkwork_app::store::{PasswordLinkPurpose, User};
use std::collections::HashMap;

pub fn routes() -> Routes {
    Routes::new()
        .get("/", home)
        .get("/login", login_form)
        .post("/login", login)
        .post("/logout", logout)
        .get("/login/oidc", oidc_begin)
        .get(auth::oidc::CALLBACK_PATH, oidc_callback)
        .get("/account", account)
        .post("/account/sign-out-everywhere", sign_out_everywhere)
        .get("/account/password/{token}", password_form)
        .post("/account/password/{token}", set_password)
}

async fn home(user: Result<CurrentUser, WebError>) -> Redirect {
    match user {
        Ok(user) => Redirect::to(home_of(user.role())),
        Err(_) => Redirect::to("/login"),
    }
}

pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::LinkWorker | Role::Manager => "/today",
        Role::VcsePartner => "/partner/referrals",
        Role::PracticeStaff => "/practice/referrals",
        Role::Commissioner => "/dashboard",
        Role::Admin => "/admin/users",
    }
}

/// Fixed messages the sign-in page shows after a redirect (never echoing input).
fn login_notice(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "password_set" => "Your password is set. Sign in with it now.",
        "signed_out_everywhere" => "You are signed out on every device and browser.",
        _ => return None,
    };
    Some(text.to_owned())
}

fn login_page(state: &AppState, form: FormState, status: StatusCode, notice: Option<String>) -> Result<Response, WebError> {
    let token = auth::random_secret();
    let page = Page::anonymous("Sign in").with_form(&form).with_notice(notice);
    let sso = state.oidc.as_ref().map(|o| o.provider_name().to_owned());
    let html = render(&LoginView { page, form, login_csrf: token.clone(), sso })?;
    Ok((status, [(header::SET_COOKIE, auth::form_csrf_cookie(&token, state.config.secure_cookies))], html).into_response())
}

/// The sign-in page with one message, e.g. after single sign-on did not work.
fn login_problem(state: &AppState, status: StatusCode, message: &str) -> Result<Response, WebError> {
    login_page(state, FormState::new(Fields::default(), vec![FieldError { field: "sso".into(), message: message.into() }]), status, None)
}

async fn login_form(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    login_page(&state, FormState::default(), StatusCode::OK, login_notice(q.get("notice").map(String::as_str)))
}

/// Starts a 12-hour session for `user` and sends them to their home page.
async fn start_session(state: &AppState, user: &User, extra_cookie: Option<String>) -> Result<Response, WebError> {
    let secret = sessions::start_session(&*state.store, user, auth::SESSION_HOURS).await?;
    tracing::info!(user_id = %user.id, "signed in");
    let mut cookies = vec![(header::SET_COOKIE, auth::session_cookie(&secret, state.config.secure_cookies))];
    cookies.extend(extra_cookie.map(|c| (header::SET_COOKIE, c)));
    Ok((AppendHeaders(cookies), Redirect::to(home_of(user.role))).into_response())
}

async fn login(State(state): State<AppState>, ClientAddress(client): ClientAddress, CheckedPublicForm(f): CheckedPublicForm) -> Result<Response, WebError> {
    let email = f.get("email").trim();
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(FieldError { field: "email".into(), message: "Enter your email address".into() });
    }
    if f.get("password").is_empty() {
        errors.push(FieldError { field: "password".into(), message: "Enter your password".into() });
    }
    if errors.is_empty() {
        match sessions::sign_in(&*state.store, email, f.get("password"), client).await? {
            sessions::SignIn::Account(user) => return start_session(&state, &user, None).await,
            // Refused without checking the password, whether or not the address has an account.
            sessions::SignIn::Locked => errors.push(FieldError { field: "email".into(), message: "Too many attempts to sign in. Wait 15 minutes and try again, or ask your administrator to reset your password".into() }),
            sessions::SignIn::Refused => {
                tracing::warn!("failed sign-in");
                errors.push(FieldError { field: "email".into(), message: "The email address or password is not right".into() });
            }
        }
    }
    let values = Fields::from_pairs(vec![("email".to_owned(), email.to_owned())]);
    login_page(&state, FormState::new(values, errors), StatusCode::UNPROCESSABLE_ENTITY, None)
}

async fn logout(State(state): State<AppState>, headers: HeaderMap, _user: CurrentUser, CheckedForm(_): CheckedForm) -> Result<Response, WebError> {
    if let Some(secret) = crate::auth::cookie(&headers, crate::auth::SESSION_COOKIE) {
        sessions::end_session(&*state.store, secret).await?;
    }
    Ok(([(header::SET_COOKIE, auth::clear_session_cookie(state.config.secure_cookies))], Redirect::to("/login")).into_response())
}

// ---- OpenID Connect ----

async fn oidc_begin(State(state): State<AppState>) -> Result<Response, WebError> {
    let oidc = state.oidc.clone().ok_or(WebError::NotFound)?;
    match oidc.begin().await {
        Ok((url, flow)) => Ok(([(header::SET_COOKIE, auth::oidc_flow_cookie(Some(&flow), state.config.secure_cookies))], Redirect::to(url.as_str())).into_response()),
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on could not start");
            login_problem(&state, StatusCode::SERVICE_UNAVAILABLE, &format!("Signing in with {} is not working just now. Try again later, or sign in with your password", oidc.provider_name()))
        }
    }
}

async fn oidc_callback(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Result<Response, WebError> {
    let oidc = state.oidc.clone().ok_or(WebError::NotFound)?;
    let name = oidc.provider_name().to_owned();
    let (Some(code), Some(returned_state)) = (q.get("code"), q.get("state")) else {
        // The provider sends `error` instead when the person cancels or it refuses.
        tracing::info!(error = q.get("error").map(String::as_str).unwrap_or("no code"), "single sign-on returned without a code");
        return login_problem(&state, StatusCode::FORBIDDEN, &format!("Signing in with {name} did not finish. Try again"));
    };
    let identity = match oidc.finish(code, returned_state, auth::cookie(&headers, auth::oidc::FLOW_COOKIE)).await {
        Ok(identity) => identity,
        Err(auth::oidc::OidcError::State) => {
            return login_problem(&state, StatusCode::FORBIDDEN, &format!("That sign-in with {name} was not started here or took too long. Try again"));
        }
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on failed");
            return login_problem(&state, StatusCode::FORBIDDEN, &format!("Signing in with {name} did not work. Try again, or sign in with your password"));
        }
    };
    let clear_flow = auth::oidc_flow_cookie(None, state.config.secure_cookies);
    match auth::oidc::account_for(&*state.store, &identity).await? {
        Ok(user) => start_session(&state, &user, Some(clear_flow)).await,
        Err(refusal) => {
            tracing::info!(?refusal, "single sign-on identity refused");
            let mut response = login_problem(&state, StatusCode::FORBIDDEN, &format!("Your {name} account is not linked to an active Linkwork account. Ask your Linkwork administrator to add you with the same e-mail address"))?;
            response.headers_mut().append(header::SET_COOKIE, clear_flow.parse().map_err(|_| WebError::Internal("cookie header".into()))?);
            Ok(response)
        }
    }
}

// ---- your account ----

#[derive(Template)]
#[template(path = "account.html")]
struct AccountView {
    page: Page,
    email: String,
    role: &'static str,
    org: String,
    sessions: i64,
}

async fn account(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>, WebError> {
    let page = page(&state, &user, "Your account", "").await?;
    let org = linkwork_app::orgs::org_name(&*state.store, &user.user.org_id).await?;
    let sessions = sessions::own_live_sessions(&*state.store, &user.user).await?;
    render(&AccountView { page, email: user.user.email.clone(), role: user.role().label(), org, sessions })
}

/// Ends every session of the signed-in user, this one included.
async fn sign_out_everywhere(State(state): State<AppState>, user: CurrentUser, CheckedForm(_): CheckedForm) -> Result<Response, WebError> {
    sessions::sign_out_everywhere(&*state.store, &user.user).await?;
    Ok(([(header::SET_COOKIE, auth::clear_session_cookie(state.config.secure_cookies))], Redirect::to("/login?notice=signed_out_everywhere")).into_response())
}

// ---- setting a password through a link ----

#[derive(Template)]
#[template(path = "set_password.html")]
struct SetPasswordView {
    page: Page,
    form: FormState,
    heading: &'static str,
    email: String,
    expires: String,
    action: String,
    form_csrf: String,
}

fn link_not_usable() -> Result<Response, WebError> {
    let heading = "This link does not work any more".to_owned();
    let message = "Links to set a password work once, for a limited time, and stop working when a newer one is sent or the account is deactivated. Ask your Linkwork administrator for a new link.".to_owned();
    let html = render(&ErrorView { page: Page::anonymous(&heading), heading, message })?;
    Ok((StatusCode::NOT_FOUND, html).into_response())
}

async fn password_page(state: &AppState, token: &str, form: FormState, status: StatusCode) -> Result<Response, WebError> {
    let Some(link) = links::usable_link(&*state.store, token).await? else { return link_not_usable() };
    let heading = match link.purpose {
        PasswordLinkPurpose::Invitation => "Choose your password",
        PasswordLinkPurpose::Reset => "Set a new password",
    };
    let csrf = auth::random_secret();
    let page = Page::anonymous(heading).with_form(&form);
    let html = render(&SetPasswordView {
        page,
        form,
        heading,
        email: link.user.email,
        expires: auth::links::when(link.expires_at),
        action: format!("{}{token}", auth::links::LINK_PATH),
        form_csrf: csrf.clone(),
    })?;
    Ok((status, [(header::SET_COOKIE, auth::form_csrf_cookie(&csrf, state.config.secure_cookies))], html).into_response())
}

async fn password_form(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, WebError> {
    password_page(&state, &token, FormState::default(), StatusCode::OK).await
}

async fn set_password(State(state): State<AppState>, Path(token): Path<String>, CheckedPublicForm(f): CheckedPublicForm) -> Result<Response, WebError> {
    let password = f.get("password");
    let mut errors = Vec::new();
    if let Err(message) = auth::check_new_password(password) {
        errors.push(FieldError { field: "password".into(), message });
    } else if f.get("confirm") != password {
        errors.push(FieldError { field: "confirm".into(), message: "Enter the same password twice".into() });
    }
    if !errors.is_empty() {
        return password_page(&state, &token, FormState::new(Fields::default(), errors), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match links::use_link(&*state.store, &token, password).await? {
        Some(user) => {
            tracing::info!(user_id = %user.id, "password set through a link");
            Ok(Redirect::to("/login?notice=password_set").into_response())
        }
        None => link_not_usable(),
    }
}
