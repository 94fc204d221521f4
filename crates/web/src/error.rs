//! The web layer's one error type, and how each kind becomes a response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use linkwork_domain::DomainError;
use linkwork_app::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No valid session or token.
    #[error("Sign in to continue")]
    Unauthenticated,
    /// Signed in, but this role or organisation may not do this.
    #[error("You do not have permission to see this page")]
    Forbidden,
    /// Missing, or not visible to this user (we do not say which, so ids cannot be probed).
    #[error("Page not found")]
    NotFound,
    #[error("The form has expired. Go back, reload the page and try again")]
    Csrf,
    /// The action does not fit the record's state, or someone else changed it first.
    #[error("{0}")]
    Conflict(String),
    /// Input that did not parse; the form is shown again with these messages.
    #[error("There is a problem with what was entered")]
    Invalid(Vec<linkwork_app::forms::FieldError>),
    #[error("Something went wrong on our side")]
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::Unauthenticated => "unauthenticated",
            WebError::Forbidden => "forbidden",
            WebError::NotFound => "not_found",
            WebError::Csrf => "csrf",
            WebError::Conflict(_) => "conflict",
            WebError::Invalid(_) => "invalid",
            WebError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Conflict(m) => WebError::Conflict(m),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<DomainError> for WebError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => WebError::Invalid(vec![linkwork_app::forms::FieldError { field: field.to_owned(), message }]),
            DomainError::NotAllowed(m) => WebError::Conflict(m),
        }
    }
}

impl From<linkwork_app::AppError> for WebError {
    fn from(e: linkwork_app::AppError) -> Self {
        use linkwork_app::AppError;
        match e {
            AppError::Unauthenticated => WebError::Unauthenticated,
            AppError::Forbidden => WebError::Forbidden,
            AppError::NotFound => WebError::NotFound,
            AppError::Conflict(m) => WebError::Conflict(m),
            AppError::Invalid(errors) => WebError::Invalid(errors),
            AppError::Internal(detail) => WebError::Internal(detail),
        }
    }
}

/// HTML pages render errors with the site layout (see `pages::error_page`); this fallback is used
/// where no page context exists.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self {
            // The detail is a database or programming error, never a person's data.
            tracing::error!(%detail, "internal error");
        }
        crate::pages::error_page(&self).into_response()
    }
}
