//! Single-use, time-limited links to set a password: a reset an administrator asks for, or the
//! invitation of a new account. Only the SHA-256 of the link's secret is stored. When e-mail is
//! delivered the link goes to the person through the notification outbox; otherwise it is shown
//! once to the administrator who made it, to pass on by a safe route.

use super::{hash_secret, random_secret};
use crate::AppError;
use linkwork_domain::access::Role;
use crate::store::{AuditActor, LinkEmail, NewPasswordLink, NewUser, PasswordLink, PasswordLinkPurpose, Store, User, NO_PASSWORD};
use time::{Duration, OffsetDateTime};

/// How long a reset link works.
pub const RESET_LINK_LIFETIME: Duration = Duration::hours(24);
/// How long an invitation works (people may not read their e-mail the same day).
pub const INVITATION_LIFETIME: Duration = Duration::days(7);

/// The path a link opens, under the public URL.
pub const LINK_PATH: &str = "/account/password/";

/// A link just made.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    /// The full link: to show once when it was not e-mailed. Never stored or logged.
    pub url: String,
    pub expires_at: OffsetDateTime,
    /// Whether it was put in the e-mail outbox (and so is not to be shown).
    pub emailed: bool,
}

/// `5 December 2026 at 21:13 UTC`.
pub fn when(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} at {:02}:{:02} UTC", linkwork_domain::format_date_long(at.date()), at.hour(), at.minute())
}

fn link(public_url: &str, email_to: Option<&str>, purpose: PasswordLinkPurpose, user_id: &str, intro: &str) -> (NewPasswordLink, IssuedLink) {
    let secret = random_secret();
    let url = format!("{}{LINK_PATH}{secret}", public_url.trim_end_matches('/'));
    let lifetime = match purpose {
        PasswordLinkPurpose::Reset => RESET_LINK_LIFETIME,
        PasswordLinkPurpose::Invitation => INVITATION_LIFETIME,
    };
    let expires_at = OffsetDateTime::now_utc() + lifetime;
    let email = email_to.map(|to| LinkEmail {
        to_address: to.to_owned(),
        subject: match purpose {
            PasswordLinkPurpose::Reset => "Set a new password for Linkwork".to_owned(),
            PasswordLinkPurpose::Invitation => "Your Linkwork account: choose a password".to_owned(),
        },
        body: format!(
            "{intro} Open this link to choose your password. It works once, until {}:\n\n{url}\n\nIf you did not expect this e-mail, tell your Linkwork administrator.",
            when(expires_at)
        ),
    });
    let emailed = email.is_some();
    (NewPasswordLink { token_hash: hash_secret(&secret), user_id: user_id.to_owned(), purpose, expires_at, email }, IssuedLink { url, expires_at, emailed })
}

/// Makes a reset link for `user` (replacing any unused one). With `send_email` the link is
/// e-mailed to them; either way the returned link says whether it was.
pub async fn reset_password(store: &dyn Store, who: &AuditActor, user: &User, public_url: &str, send_email: bool) -> Result<IssuedLink, AppError> {
    if !user.active {
        return Err(AppError::Conflict("This account is deactivated: reactivate it before resetting its password".into()));
    }
    let intro = "A Linkwork administrator has sent you a link to set a new password. Your current password, if you have one, keeps working until you use it.";
    let (new, issued) = link(public_url, send_email.then_some(user.email.as_str()), PasswordLinkPurpose::Reset, &user.id, intro);
    store.create_password_link(who, &new).await?;
    Ok(issued)
}

/// A new account, as an administrator describes it.
pub struct Invitation<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub org_id: &'a str,
    pub org_name: &'a str,
}

/// Creates an account without a password and its invitation link; returns the new user's id.
pub async fn invite(store: &dyn Store, who: &AuditActor, invitation: &Invitation<'_>, public_url: &str, send_email: bool) -> Result<(String, IssuedLink), AppError> {
    let intro = format!("A Linkwork administrator has made you an account ({}, {}).", invitation.role.label().to_lowercase(), invitation.org_name);
    let (new, issued) = link(public_url, send_email.then_some(invitation.email), PasswordLinkPurpose::Invitation, "", &intro);
    let user = NewUser {
        email: invitation.email.to_owned(),
        display_name: invitation.display_name.to_owned(),
        password_hash: NO_PASSWORD.to_owned(),
        role: invitation.role,
        org_id: invitation.org_id.to_owned(),
    };
    let id = store.invite_user(who, &user, &new).await?;
    Ok((id, issued))
}

/// The usable link whose secret is `token` (not used, not replaced, not expired, its account active).
pub async fn usable_link(store: &dyn Store, token: &str) -> Result<Option<PasswordLink>, AppError> {
    Ok(store.password_link(&hash_secret(token), OffsetDateTime::now_utc()).await?)
}

/// Sets the password (already checked) through the link whose secret is `token`, once: the
/// account's sessions end and the sign-in lockout on its address is lifted. `None` if the link is
/// not usable.
pub async fn use_link(store: &dyn Store, token: &str, password: &str) -> Result<Option<User>, AppError> {
    let hash = super::hash_password_blocking(password.to_owned()).await?;
    let Some(user) = store.use_password_link(&hash_secret(token), &hash, OffsetDateTime::now_utc()).await? else { return Ok(None) };
    super::lockout::password_changed(store, &user.email).await?;
    Ok(Some(user))
}
