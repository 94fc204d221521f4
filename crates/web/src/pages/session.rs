//! Signing in and out, and each role's home page.

use crate::routes::Routes;
use super::render;
use crate::auth::{self, CurrentUser};
use crate::forms::{FieldError, Fields};
use crate::views::{FormState, LoginView, Page};
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use linkwork_domain::access::Role;

pub fn routes() -> Routes {
    Routes::new()
        .get("/", home)
        .get("/login", login_form)
        .post("/login", login)
        .post("/logout", logout)
}

async fn home(user: Result<CurrentUser, WebError>) -> Redirect {
    match user {
        Ok(user) => Redirect::to(home_of(user.role())),
        Err(_) => Redirect::to("/login"),
    }
}

pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::LinkWorker | Role::Manager => "/caseload",
        Role::VcsePartner => "/partner/referrals",
        Role::PracticeStaff => "/practice/referrals",
        Role::Commissioner | Role::Admin => "/dashboard",
    }
}

fn login_page(state: &AppState, form: FormState, status: StatusCode) -> Result<Response, WebError> {
    let token = auth::random_secret();
    let page = Page::anonymous("Sign in").with_form(&form);
    let html = render(&LoginView { page, form, login_csrf: token.clone() })?;
    Ok((status, [(header::SET_COOKIE, auth::form_csrf_cookie(&token, state.config.secure_cookies))], html).into_response())
}

async fn login_form(State(state): State<AppState>) -> Result<Response, WebError> {
    login_page(&state, FormState::default(), StatusCode::OK)
}

async fn login(State(state): State<AppState>, ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>, headers: HeaderMap, body: Bytes) -> Result<Response, WebError> {
    let f = Fields::from_urlencoded(&body);
    auth::check_form_csrf(&headers, f.get("csrf_token"))?;
    let email = f.get("email").trim();
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(FieldError { field: "email".into(), message: "Enter your email address".into() });
    }
    if f.get("password").is_empty() {
        errors.push(FieldError { field: "password".into(), message: "Enter your password".into() });
    }
    let throttle_key = (addr.ip(), email.to_lowercase());
    if errors.is_empty() && state.login_failures.is_blocked(&throttle_key, std::time::Instant::now()) {
        // Too many wrong passwords for this account from here: refuse without checking, for 15 minutes.
        errors.push(FieldError { field: "email".into(), message: "Too many attempts to sign in. Wait 15 minutes and try again, or ask your administrator to reset your password".into() });
    } else if errors.is_empty() {
        let credentials = state.store.user_credentials(email).await?;
        match credentials.filter(|c| c.user.active && auth::verify_password(f.get("password"), &c.password_hash)) {
            Some(c) => {
                let secret = auth::random_secret();
                let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(auth::SESSION_HOURS);
                state.store.create_session(&auth::hash_secret(&secret), &c.user.id, &auth::random_secret(), expires).await?;
                tracing::info!(user_id = %c.user.id, "signed in");
                return Ok((
                    [(header::SET_COOKIE, auth::session_cookie(&secret, state.config.secure_cookies))],
                    Redirect::to(home_of(c.user.role)),
                )
                    .into_response());
            }
            None => {
                state.login_failures.allow(throttle_key, std::time::Instant::now());
                tracing::warn!("failed sign-in");
                errors.push(FieldError { field: "email".into(), message: "The email address or password is not right".into() });
            }
        }
    }
    let values = Fields::from_pairs(vec![("email".to_owned(), email.to_owned())]);
    login_page(&state, FormState::new(values, errors), StatusCode::UNPROCESSABLE_ENTITY)
}

async fn logout(State(state): State<AppState>, headers: HeaderMap, user: CurrentUser, body: Bytes) -> Result<Response, WebError> {
    let f = Fields::from_urlencoded(&body);
    user.check_csrf(f.get("csrf_token"))?;
    if let Some(secret) = crate::auth::cookie(&headers, crate::auth::SESSION_COOKIE) {
        state.store.delete_session(&auth::hash_secret(secret)).await?;
    }
    Ok(([(header::SET_COOKIE, auth::clear_session_cookie(state.config.secure_cookies))], Redirect::to("/login")).into_response())
}
