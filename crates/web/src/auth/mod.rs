//! Who is asking. Browser users sign in with a password (or, when configured, through an OpenID
//! Connect provider: `oidc`) and get a session cookie; API clients send a bearer token issued with
//! `linkwork token create`, which expires and can be revoked. Both become an [`Actor`] (role and
//! organisation), which the access rules in `linkwork_domain::access` judge. Failed sign-ins lock
//! out in the database (`lockout`); passwords are set through single-use links (`links`).

pub mod links;
pub mod lockout;
pub mod oidc;
mod password;
mod session;
mod token;

pub use oidc::{Oidc, OidcSettings};
pub use password::{check_new_password, hash_password, hash_password_blocking, verify_password, verify_password_evenly_blocking};
pub use session::{cookie, form_csrf_cookie, oidc_flow_cookie, session_cookie, clear_session_cookie, CurrentUser, FORM_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS};
pub use token::ApiClient;

/// Checks a form posted without a session against its double-submit cookie.
pub fn check_form_csrf(headers: &axum::http::HeaderMap, submitted: &str) -> Result<(), crate::WebError> {
    let cookie = cookie(headers, FORM_CSRF_COOKIE).unwrap_or_default();
    if cookie.is_empty() || !constant_time_eq(cookie, submitted) {
        return Err(crate::WebError::Csrf);
    }
    Ok(())
}

use sha2::{Digest, Sha256};

/// A random secret for a cookie, token or CSRF value: 32 bytes, URL-safe base64.
pub fn random_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Only hashes of session cookies and API tokens are stored, so a copy of the database does not
/// let anyone sign in. SHA-256 is enough: the secrets are 256 random bits, not passwords.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
