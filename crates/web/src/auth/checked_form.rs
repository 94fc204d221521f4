//! Form posts, checked once: the body read as [`Fields`] and its CSRF token compared with the
//! session's (signed-in forms, [`CheckedForm`]) or with the double-submit cookie (sign-in and the
//! public self-referral form, [`CheckedPublicForm`]). A handler that takes one of these cannot forget
//! the check, and no handler compares tokens itself.

use super::{constant_time_eq, cookie, CurrentUser, FORM_CSRF_COOKIE};
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use linkwork_app::forms::Fields;

/// The fields of a form posted by a signed-in user, its CSRF token checked.
pub struct CheckedForm(pub Fields);

impl FromRequest<AppState> for CheckedForm {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let fields = read_fields(Request::from_parts(parts, body), state).await?;
        user.check_csrf(fields.get("csrf_token"))?;
        Ok(Self(fields))
    }
}

/// The fields of a form posted without a session, checked against its double-submit cookie.
pub struct CheckedPublicForm(pub Fields);

impl FromRequest<AppState> for CheckedPublicForm {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = cookie(request.headers(), FORM_CSRF_COOKIE).unwrap_or_default().to_owned();
        let fields = read_fields(request, state).await?;
        if expected.is_empty() || !constant_time_eq(&expected, fields.get("csrf_token")) {
            return Err(WebError::Csrf);
        }
        Ok(Self(fields))
    }
}

async fn read_fields(request: Request, state: &AppState) -> Result<Fields, WebError> {
    let body = Bytes::from_request(request, state).await.map_err(|_| WebError::Invalid(vec![linkwork_app::forms::FieldError { field: "body".into(), message: "The form could not be read: send it again".into() }]))?;
    Ok(Fields::from_urlencoded(&body))
}
