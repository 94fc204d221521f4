//! Accounts, sessions, API tokens, password links, the sign-in lockout and OpenID Connect links
//! ([`AccountStore`]).

pub mod model;
pub use model::*;

use crate::Result;
use crate::audit::AuditActor;
use async_trait::async_trait;
use linkwork_domain::access::Role;
use time::OffsetDateTime;

/// Accounts, sessions, API tokens, password links and the sign-in lockout. Every change an
/// administrator (or the command line) makes writes its audit event in the same transaction.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, user: &NewUser) -> Result<String>;
    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>>;
    async fn users(&self, org_id: &str, role: Option<Role>) -> Result<Vec<User>>;
    /// One account by id.
    async fn user(&self, user_id: &str) -> Result<Option<User>>;
    /// Accounts for administrators, by name then e-mail, at most `filter.limit`.
    async fn list_users(&self, filter: &UserFilter) -> Result<Vec<UserSummary>>;
    /// Starts a session (and audits the sign-in); expired sessions of the user are removed.
    async fn create_session(&self, token_hash: &str, user_id: &str, csrf_token: &str, expires_at: OffsetDateTime) -> Result<()>;
    /// The live session with this token hash, if it has not expired and its user is active.
    async fn session(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<Session>>;
    /// Ends one session (signing out; audited).
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Ends every session of a user ("sign out everywhere"); returns how many ended.
    async fn end_sessions(&self, who: &AuditActor, user_id: &str) -> Result<u64>;
    /// Sessions of a user that have not expired at `now`.
    async fn live_sessions(&self, user_id: &str, now: OffsetDateTime) -> Result<i64>;
    /// Deactivates (ending every session) or reactivates an account; false if it already was so.
    async fn set_user_active(&self, who: &AuditActor, user_id: &str, active: bool) -> Result<bool>;
    /// Sets a password (from the command line), ends the user's sessions and spends their links.
    async fn set_password(&self, who: &AuditActor, user_id: &str, password_hash: &str) -> Result<()>;

    /// Stores a token that expires [`API_TOKEN_DEFAULT_DAYS`] from now.
    async fn create_api_token(&self, token_hash: &str, org_id: &str, role: Role, label: Option<&str>) -> Result<String> {
        let token = NewApiToken {
            token_hash: token_hash.to_owned(),
            org_id: org_id.to_owned(),
            role,
            label: label.map(str::to_owned),
            expires_at: OffsetDateTime::now_utc() + time::Duration::days(API_TOKEN_DEFAULT_DAYS),
        };
        self.issue_api_token(&AuditActor::default(), &token).await
    }
    /// Stores a token (audited); returns its id.
    async fn issue_api_token(&self, who: &AuditActor, token: &NewApiToken) -> Result<String>;
    /// The token with this hash if it is neither revoked nor expired now.
    async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        self.api_token_at(token_hash, OffsetDateTime::now_utc()).await
    }
    /// The token with this hash if it is neither revoked nor expired at `now`.
    async fn api_token_at(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<ApiToken>>;
    /// Tokens, newest first, optionally of one organisation.
    async fn api_tokens(&self, org_id: Option<&str>) -> Result<Vec<ApiTokenInfo>>;
    async fn api_token_info(&self, token_id: &str) -> Result<Option<ApiTokenInfo>>;
    /// Revokes a token (audited); false if it was already revoked, `NotFound` if there is none.
    async fn revoke_api_token(&self, who: &AuditActor, token_id: &str) -> Result<bool>;

    /// Creates an account with no password and its invitation link (for the new account: the
    /// link's `user_id` is not used), in one transaction; returns the new account's id.
    async fn invite_user(&self, who: &AuditActor, user: &NewUser, link: &NewPasswordLink) -> Result<String>;
    /// Stores a password link (and its e-mail in the outbox), replacing the user's unused ones.
    async fn create_password_link(&self, who: &AuditActor, link: &NewPasswordLink) -> Result<()>;
    /// The usable link with this hash.
    async fn password_link(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<PasswordLink>>;
    /// Spends a usable link (once, even under concurrent use): sets the password, ends the user's
    /// sessions and redacts the link's e-mail. `None` if the link
    /// is not usable.
    async fn use_password_link(&self, token_hash: &str, password_hash: &str, now: OffsetDateTime) -> Result<Option<User>>;

    /// Failed sign-ins since `since` for an account key, overall and from one address.
    async fn login_failures(&self, account_key: &str, client_address: &str, since: OffsetDateTime) -> Result<LoginFailureCounts>;
    /// Records a failed sign-in, forgetting those older than `forget_before`.
    async fn record_login_failure(&self, account_key: &str, client_address: &str, at: OffsetDateTime, forget_before: OffsetDateTime) -> Result<()>;
    /// Takes one of `max` attempts `client_key` may make at `bucket` in the `window` before `at`
    /// (attempts older than the window are forgotten): false, recording nothing, when none is
    /// left. Every app server on the database shares the count. Two servers answering the same
    /// client in the same instant may both take the last attempt: a limit against abuse, not a
    /// quota.
    async fn take_rate_limited_attempt(&self, bucket: &str, client_key: &str, at: OffsetDateTime, window: time::Duration, max: i64) -> Result<bool>;
    /// Forgets the failures of an account key from one address (after a successful sign-in), or
    /// from every address (after a new password is set).
    async fn clear_login_failures(&self, account_key: &str, client_address: Option<&str>) -> Result<()>;

    /// The account linked to this OpenID Connect identity.
    async fn oidc_account_by_subject(&self, issuer: &str, subject: &str) -> Result<Option<OidcAccount>>;
    /// The account with this e-mail address, with the identity it is linked to.
    async fn oidc_account_by_email(&self, email: &str) -> Result<Option<OidcAccount>>;
    /// Links an account to an identity if it is linked to none yet; false otherwise.
    async fn link_oidc_identity(&self, user_id: &str, issuer: &str, subject: &str) -> Result<bool>;
}
