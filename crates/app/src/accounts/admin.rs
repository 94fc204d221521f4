//! Administering accounts and API tokens: what the admin pages (`/admin`) and the command line
//! (`linkwork user …`, `linkwork token …`) both do, written once. Every function takes an
//! [`Administrator`], so nobody reaches these operations without the access check; each change is
//! audited by the store in the transaction that makes it.

use super::links::{self, Invitation, IssuedLink};
use crate::store::{ApiTokenInfo, AuditActor, NewApiToken, NewUser, Org, Store, TokenStatus, User, UserFilter, UserSummary};
use crate::AppError;
use linkwork_domain::access::{Actor, Role};
use time::{Duration, OffsetDateTime};

/// The days an API token may work: never open-ended (a token that never expires is never safe).
pub const TOKEN_DAYS: std::ops::RangeInclusive<i64> = 1..=366;

/// Who administers accounts: a signed-in administrator, or the operator at the command line (on
/// the server, with no user; trusted as the server's own account, as it always has been).
#[derive(Debug, Clone)]
pub struct Administrator {
    who: AuditActor,
    user_id: Option<String>,
}

impl Administrator {
    /// A signed-in user, if their role manages accounts (`Forbidden` otherwise).
    pub fn user(actor: &Actor, who: &AuditActor) -> Result<Self, AppError> {
        if !actor.role.manages_accounts() {
            return Err(AppError::Forbidden);
        }
        Ok(Administrator { who: who.clone(), user_id: who.user_id.clone() })
    }

    /// The command line, recorded in the audit trail as `who` (e.g. `cli:<account>`).
    pub fn command_line(who: AuditActor) -> Self {
        Administrator { who, user_id: None }
    }

    /// Who the audit trail records.
    pub fn audit(&self) -> &AuditActor {
        &self.who
    }
}

/// Accounts matching `filter` (at most `filter.limit`), by name then e-mail.
pub async fn list_users(store: &dyn Store, _by: &Administrator, filter: &UserFilter) -> Result<Vec<UserSummary>, AppError> {
    Ok(store.list_users(filter).await?)
}

/// One account by id (`NotFound` if there is none).
pub async fn user(store: &dyn Store, _by: &Administrator, id: &str) -> Result<User, AppError> {
    store.user(id).await?.ok_or(AppError::NotFound)
}

/// The account with this e-mail address (trimmed, any case), if there is one.
pub async fn user_by_email(store: &dyn Store, _by: &Administrator, email: &str) -> Result<Option<User>, AppError> {
    Ok(store.user_credentials(email).await?.map(|c| c.user))
}

/// How many sessions of the account are live now.
pub async fn live_sessions(store: &dyn Store, _by: &Administrator, user_id: &str) -> Result<i64, AppError> {
    Ok(store.live_sessions(user_id, OffsetDateTime::now_utc()).await?)
}

/// The organisation an operator named for an account or token in `role`, checked to be the kind
/// that role belongs to.
pub async fn org_for_role(store: &dyn Store, _by: &Administrator, key: &str, role: Role) -> Result<Org, AppError> {
    let org = store.find_org(key).await?.ok_or_else(|| AppError::Conflict(format!("no organisation with id, ODS code or name {key:?}")))?;
    if let Some(kind) = role.home_org_kind() {
        if org.kind != kind {
            return Err(AppError::Conflict(format!("a {} account must belong to a {} (\"{}\" is a {})", role.label().to_lowercase(), kind.label().to_lowercase(), org.name, org.kind.label().to_lowercase())));
        }
    }
    Ok(org)
}

/// Creates an account with a password (already checked with `check_new_password`); returns its
/// id. `Conflict` if the e-mail address is taken.
pub async fn add_user(store: &dyn Store, _by: &Administrator, account: &Invitation<'_>, password: &str) -> Result<String, AppError> {
    let password_hash = super::hash_password_blocking(password.to_owned()).await?;
    let user = NewUser { email: account.email.to_owned(), display_name: account.display_name.to_owned(), password_hash, role: account.role, org_id: account.org_id.to_owned() };
    Ok(store.create_user(&user).await?)
}

/// Creates an account without a password and its invitation link (see [`links::invite`]).
pub async fn invite(store: &dyn Store, by: &Administrator, invitation: &Invitation<'_>, public_url: &str, send_email: bool) -> Result<(String, IssuedLink), AppError> {
    links::invite(store, &by.who, invitation, public_url, send_email).await
}

/// A link for `user` to set a new password (see [`links::reset_password`]).
pub async fn reset_password(store: &dyn Store, by: &Administrator, user: &User, public_url: &str, send_email: bool) -> Result<IssuedLink, AppError> {
    links::reset_password(store, &by.who, user, public_url, send_email).await
}

/// Sets a password (already checked) for `user`: their sessions end, their links stop working and
/// the sign-in lockout on their address is lifted.
pub async fn set_password(store: &dyn Store, by: &Administrator, user: &User, password: &str) -> Result<(), AppError> {
    let hash = super::hash_password_blocking(password.to_owned()).await?;
    store.set_password(&by.who, &user.id, &hash).await?;
    Ok(super::lockout::password_changed(store, &user.email).await?)
}

/// Deactivates (ending every session) or reactivates an account; false if it already was so.
/// Administrators may not deactivate themselves, so one is always left to undo it.
pub async fn set_active(store: &dyn Store, by: &Administrator, user: &User, active: bool) -> Result<bool, AppError> {
    if !active && by.user_id.as_deref() == Some(user.id.as_str()) {
        return Err(AppError::Conflict("You cannot deactivate your own account: ask another administrator".into()));
    }
    Ok(store.set_user_active(&by.who, &user.id, active).await?)
}

/// Ends every session of an account, on every device; returns how many ended.
pub async fn end_sessions(store: &dyn Store, by: &Administrator, user_id: &str) -> Result<u64, AppError> {
    Ok(store.end_sessions(&by.who, user_id).await?)
}

/// A token just issued: its secret is shown once and never stored.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub id: String,
    pub secret: String,
    pub expires_at: OffsetDateTime,
}

/// The lifetime of a token of `days` days, refused outside [`TOKEN_DAYS`].
pub fn token_lifetime(days: i64) -> Result<Duration, AppError> {
    if !TOKEN_DAYS.contains(&days) {
        return Err(AppError::Conflict("--expires-in-days must be between 1 and 366 (a token that never expires is never safe)".into()));
    }
    Ok(Duration::days(days))
}

/// Issues a bearer token acting for `org` in `role`, working for `lifetime` (see [`token_lifetime`]).
pub async fn issue_api_token(store: &dyn Store, by: &Administrator, org: &Org, role: Role, label: Option<String>, lifetime: Duration) -> Result<IssuedToken, AppError> {
    let secret = super::new_api_token();
    let expires_at = OffsetDateTime::now_utc() + lifetime;
    let token = NewApiToken { token_hash: super::hash_api_token(&secret), org_id: org.id.clone(), role, label, expires_at };
    let id = store.issue_api_token(&by.who, &token).await?;
    Ok(IssuedToken { id, secret, expires_at })
}

/// Tokens (never their secrets), newest first, optionally of one organisation and in one state at `now`.
pub async fn api_tokens(store: &dyn Store, _by: &Administrator, org_id: Option<&str>, status: Option<TokenStatus>, now: OffsetDateTime) -> Result<Vec<ApiTokenInfo>, AppError> {
    Ok(store.api_tokens(org_id).await?.into_iter().filter(|t| status.is_none_or(|w| t.status(now) == w)).collect())
}

/// One token by id (`NotFound` if there is none).
pub async fn api_token(store: &dyn Store, _by: &Administrator, id: &str) -> Result<ApiTokenInfo, AppError> {
    store.api_token_info(id).await?.ok_or(AppError::NotFound)
}

/// Revokes a token; false if it was already revoked, `NotFound` if there is none.
pub async fn revoke_api_token(store: &dyn Store, by: &Administrator, id: &str) -> Result<bool, AppError> {
    Ok(store.revoke_api_token(&by.who, id).await?)
}
