//! Signing in and out: checking a password under the lockout, sessions (only the hash of the
//! cookie's secret is stored), API bearer tokens, and who an OpenID Connect identity signs in as.
//! The web shell keeps the cookies and redirects; what is allowed is decided here.

use super::{hash_secret, lockout, random_secret, verify_password_evenly_blocking};
use crate::store::{ApiToken, AuditActor, Session, Store, StoreError, User};
use crate::AppError;
use std::net::IpAddr;
use time::OffsetDateTime;

/// The answer to a password sign-in.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// The account, active and with this password.
    Account(User),
    /// Too many failures for the address: refused without checking the password.
    Locked,
    /// No such account, a deactivated one, or the wrong password (not said which).
    Refused,
}

/// Checks an e-mail address and password from `client`, applying the lockout (see
/// [`lockout`]). The same argon2 work is done whether or not the account exists, is deactivated
/// or has no password, so the answer's timing does not tell.
pub async fn sign_in(store: &dyn Store, email: &str, password: &str, client: IpAddr) -> Result<SignIn, AppError> {
    let now = OffsetDateTime::now_utc();
    if lockout::is_locked(store, email, client, now).await? {
        return Ok(SignIn::Locked);
    }
    let credentials = store.user_credentials(email).await?;
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let matches = verify_password_evenly_blocking(password.to_owned(), stored).await?;
    match credentials.filter(|c| matches && c.user.active) {
        Some(c) => {
            lockout::signed_in(store, email, client).await?;
            Ok(SignIn::Account(c.user))
        }
        None => {
            lockout::record_failure(store, email, client, now).await?;
            Ok(SignIn::Refused)
        }
    }
}

/// Starts a session of `hours` for `user` (audited by the store); returns the cookie's secret.
pub async fn start_session(store: &dyn Store, user: &User, hours: i64) -> Result<String, AppError> {
    let secret = random_secret();
    let expires = OffsetDateTime::now_utc() + time::Duration::hours(hours);
    store.create_session(&hash_secret(&secret), &user.id, &random_secret(), expires).await?;
    Ok(secret)
}

/// The live session whose cookie holds `secret` (not expired, its user active).
pub async fn session(store: &dyn Store, secret: &str) -> Result<Option<Session>, AppError> {
    Ok(store.session(&hash_secret(secret), OffsetDateTime::now_utc()).await?)
}

/// Signs out the session whose cookie holds `secret`.
pub async fn end_session(store: &dyn Store, secret: &str) -> Result<(), AppError> {
    Ok(store.delete_session(&hash_secret(secret)).await?)
}

/// How many sessions of the signed-in `user` are live now (their own account page).
pub async fn own_live_sessions(store: &dyn Store, user: &User) -> Result<i64, AppError> {
    Ok(store.live_sessions(&user.id, OffsetDateTime::now_utc()).await?)
}

/// Ends every session of the signed-in `user`, this one included (audited as them).
pub async fn sign_out_everywhere(store: &dyn Store, user: &User) -> Result<u64, AppError> {
    let who = AuditActor { user_id: Some(user.id.clone()), token_id: None, org_id: Some(user.org_id.clone()) };
    Ok(store.end_sessions(&who, &user.id).await?)
}

/// The API token presented as `Bearer <token>`, if it is neither revoked nor expired.
pub async fn api_client(store: &dyn Store, token: &str) -> Result<Option<ApiToken>, AppError> {
    Ok(store.api_token(&hash_secret(token.trim())).await?)
}

/// Why an OpenID Connect identity may not sign in (for the log; the person sees one sentence for all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No account has the identity or its verified e-mail address.
    NoAccount,
    /// The account is deactivated.
    Inactive,
    /// The account is linked to another identity of the provider.
    LinkedElsewhere,
}

/// The active account an OpenID Connect identity (issuer, subject, and its e-mail address when
/// the provider says it is verified) signs in as: the one linked to it, or (the first time) the
/// one with its verified e-mail address, which is then linked to it. Accounts are never created
/// from a sign-in.
pub async fn single_sign_on_account(store: &dyn Store, issuer: &str, subject: &str, verified_email: Option<&str>) -> Result<Result<User, Refusal>, AppError> {
    if let Some(account) = store.oidc_account_by_subject(issuer, subject).await? {
        return Ok(if account.user.active { Ok(account.user) } else { Err(Refusal::Inactive) });
    }
    let Some(email) = verified_email else { return Ok(Err(Refusal::NoAccount)) };
    let Some(account) = store.oidc_account_by_email(email).await? else { return Ok(Err(Refusal::NoAccount)) };
    if !account.user.active {
        return Ok(Err(Refusal::Inactive));
    }
    if account.subject.is_some() {
        // Linked to another identity: an e-mail address moved to someone else at the provider
        // must not take the account over.
        return Ok(Err(Refusal::LinkedElsewhere));
    }
    match store.link_oidc_identity(&account.user.id, issuer, subject).await {
        Ok(true) => Ok(Ok(account.user)),
        Ok(false) => Ok(Err(Refusal::LinkedElsewhere)),
        Err(StoreError::Conflict(_)) => Ok(Err(Refusal::LinkedElsewhere)),
        Err(e) => Err(e.into()),
    }
}
