use super::constant_time_eq;
use crate::{AppState, WebError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::header;
use linkwork_domain::access::{Actor, Role};
use linkwork_app::store::{AuditActor, User};

pub const SESSION_COOKIE: &str = "linkwork_session";
pub const FORM_CSRF_COOKIE: &str = "linkwork_form_csrf";
pub const SESSION_HOURS: i64 = 12;

/// The signed-in user of a browser request. Extracting it fails with `Unauthenticated` (the
/// pages turn that into a redirect to the sign-in page).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub csrf_token: String,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor { org_id: self.user.org_id.clone(), role: self.user.role }
    }

    pub fn audit(&self) -> AuditActor {
        AuditActor { user_id: Some(self.user.id.clone()), token_id: None, org_id: Some(self.user.org_id.clone()) }
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Checks the CSRF token a form sent against this session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        if constant_time_eq(submitted, &self.csrf_token) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }
}

/// The value of a cookie in the request's `Cookie` header.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl CurrentUser {
    /// The user whose session cookie is among `headers`, if it is a live session.
    pub async fn from_headers(headers: &axum::http::HeaderMap, state: &AppState) -> Result<Self, WebError> {
        let secret = cookie(headers, SESSION_COOKIE).ok_or(WebError::Unauthenticated)?;
        let session = linkwork_app::accounts::sessions::session(&*state.store, secret).await?.ok_or(WebError::Unauthenticated)?;
        Ok(CurrentUser { user: session.user, csrf_token: session.csrf_token })
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Kept for the request, so a handler and its form extractor look the session up once.
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let user = Self::from_headers(&parts.headers, state).await?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

fn cookie_header(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}", if secure { "; Secure" } else { "" })
}

pub fn session_cookie(secret: &str, secure: bool) -> String {
    cookie_header(SESSION_COOKIE, secret, SESSION_HOURS * 3600, secure)
}

pub fn clear_session_cookie(secure: bool) -> String {
    cookie_header(SESSION_COOKIE, "", 0, secure)
}

/// Double-submit cookie protecting forms used without a session (sign-in, self-referral).
pub fn form_csrf_cookie(value: &str, secure: bool) -> String {
    cookie_header(FORM_CSRF_COOKIE, value, 3600, secure)
}

/// The cookie of an unfinished OpenID Connect sign-in (see `oidc`); `None` clears it.
pub fn oidc_flow_cookie(value: Option<&str>, secure: bool) -> String {
    match value {
        Some(value) => cookie_header(super::oidc::FLOW_COOKIE, value, super::oidc::FLOW_SECONDS, secure),
        None => cookie_header(super::oidc::FLOW_COOKIE, "", 0, secure),
    }
}
