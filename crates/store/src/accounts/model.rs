//! Inputs and read models of accounts: users and their credentials, sessions, API tokens (expiry
//! and revocation), password links (reset and invitation), sign-in failures, administrators'
//! lists, OpenID Connect links.

use linkwork_domain::access::Role;
use serde::Serialize;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    /// An argon2 PHC string; the store never sees a password.
    pub password_hash: String,
    pub role: Role,
    pub org_id: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub org_id: String,
    pub active: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserCredentials {
    #[sqlx(flatten)]
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiToken {
    pub id: String,
    pub org_id: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub label: Option<String>,
}

/// How long an API token lives when its maker does not say.
pub const API_TOKEN_DEFAULT_DAYS: i64 = 90;

/// The stored password of an account that has none yet (staff brought in by a bundle, invited
/// users): not an argon2 string, so no password matches it.
pub const NO_PASSWORD: &str = "!";

/// An API token to store (only the hash of its secret).
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub token_hash: String,
    pub org_id: String,
    pub role: Role,
    pub label: Option<String>,
    pub expires_at: OffsetDateTime,
}

/// A token as administrators see it (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct ApiTokenInfo {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub role: Role,
    pub label: Option<String>,
    pub created_at: OffsetDateTime,
    /// When it stops working (tokens from before expiry existed: 90 days after creation).
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// Where a token stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn label(self) -> &'static str {
        match self {
            TokenStatus::Active => "Active",
            TokenStatus::Expired => "Expired",
            TokenStatus::Revoked => "Revoked",
        }
    }

    /// `active`, `expired` or `revoked`, as filters name them.
    pub fn code(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [TokenStatus::Active, TokenStatus::Expired, TokenStatus::Revoked].into_iter().find(|s| s.code() == code)
    }
}

impl ApiTokenInfo {
    pub fn status(&self, now: OffsetDateTime) -> TokenStatus {
        if self.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if self.expires_at <= now {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }
}

/// Which users an administrator lists. Every field narrows; all `None` lists everyone.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the name or e-mail address (case-insensitive).
    pub text: Option<String>,
    pub role: Option<Role>,
    pub org_id: Option<String>,
    /// `Some(true)`: active accounts only; `Some(false)`: deactivated only.
    pub active: Option<bool>,
    pub limit: i64,
}

/// A user as administrators see them in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UserSummary {
    #[sqlx(flatten)]
    pub user: User,
    pub org_name: String,
    /// Whether a password has been set (staff from a bundle and invited users have none yet).
    pub has_password: bool,
    pub created_at: OffsetDateTime,
    /// Whether the account is linked to an OpenID Connect identity.
    pub single_sign_on: bool,
}

/// What a password link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordLinkPurpose {
    /// An administrator reset the password (or gave a password-less account a way in).
    Reset,
    /// A new account's first password.
    Invitation,
}

impl PasswordLinkPurpose {
    pub fn code(self) -> &'static str {
        match self {
            PasswordLinkPurpose::Reset => "reset",
            PasswordLinkPurpose::Invitation => "invitation",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "reset" => Some(PasswordLinkPurpose::Reset),
            "invitation" => Some(PasswordLinkPurpose::Invitation),
            _ => None,
        }
    }
}

/// An e-mail to put in the outbox with a password link (delivered by the server's notifier).
#[derive(Debug, Clone)]
pub struct LinkEmail {
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

/// A password link to store: only the hash of its secret.
#[derive(Debug, Clone)]
pub struct NewPasswordLink {
    pub token_hash: String,
    pub user_id: String,
    pub purpose: PasswordLinkPurpose,
    pub expires_at: OffsetDateTime,
    /// The e-mail carrying the link, when e-mail is delivered; otherwise the link is shown once.
    pub email: Option<LinkEmail>,
}

/// A usable password link (not used, not replaced, not expired, its account active).
#[derive(Debug, Clone)]
pub struct PasswordLink {
    pub user: User,
    pub purpose: PasswordLinkPurpose,
    pub expires_at: OffsetDateTime,
}

/// Failed sign-ins within the lockout window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFailureCounts {
    /// For this account key from this client address.
    pub from_address: i64,
    /// For this account key from anywhere.
    pub for_account: i64,
}

/// An account with the OpenID Connect identity it is linked to, if any.
#[derive(Debug, Clone)]
pub struct OidcAccount {
    pub user: User,
    pub issuer: Option<String>,
    pub subject: Option<String>,
}
