//! The use-case layer's one error type. Each shell turns it into its own answer (an error page,
//! a JSON body with a machine-readable `code`, a FHIR OperationOutcome, a CLI message).

use crate::forms::FieldError;
use linkwork_domain::DomainError;
use linkwork_store::StoreError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// No valid session or token.
    #[error("Sign in to continue")]
    Unauthenticated,
    /// Signed in, but this role or organisation may not do this.
    #[error("You do not have permission to see this page")]
    Forbidden,
    /// Missing, or not visible to this user (we do not say which, so ids cannot be probed).
    #[error("Page not found")]
    NotFound,
    /// The action does not fit the record's state, or someone else changed it first.
    #[error("{0}")]
    Conflict(String),
    /// Input that did not parse; the form is shown again with these messages.
    #[error("There is a problem with what was entered")]
    Invalid(Vec<FieldError>),
    #[error("Something went wrong on our side")]
    Internal(String),
}

impl AppError {
    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Invalid(_) => "invalid",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => AppError::Invalid(vec![FieldError { field: field.to_owned(), message }]),
            DomainError::NotAllowed(m) => AppError::Conflict(m),
        }
    }
}
