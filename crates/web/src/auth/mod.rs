//! Who is asking. Browser users sign in with a password (or, when configured, through an OpenID
//! Connect provider: `oidc`) and get a session cookie; API clients send a bearer token issued with
//! `linkwork token create`, which expires and can be revoked. Both become an [`Actor`] (role and
//! organisation), which the access rules in `linkwork_domain::access` judge. Signing in, the lockout
//! and sessions are decided in `linkwork_app::accounts::sessions`; passwords are set through
//! single-use links (`links`).

mod checked_form;
mod client_address;
pub mod oidc;
mod session;
mod token;

pub use oidc::{Oidc, OidcSettings};
pub use linkwork_app::accounts::{check_new_password, links};
pub use session::{cookie, form_csrf_cookie, oidc_flow_cookie, session_cookie, clear_session_cookie, CurrentUser, FORM_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS};
pub use token::ApiClient;
pub use checked_form::{CheckedForm, CheckedPublicForm};
pub use client_address::ClientAddress;


pub use linkwork_app::accounts::{constant_time_eq, random_secret};
