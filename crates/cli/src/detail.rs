//! The use cases' errors as the command line prints them. `AppError` keeps an internal error's
//! detail out of what it displays (a web page must not show it); the operator at the command line
//! is on the server and needs it, as they saw it when the commands called the store themselves.

use linkwork_app::AppError;

/// `e` with its detail: an internal error's own message, each problem of invalid input.
pub(crate) fn detailed(e: AppError) -> anyhow::Error {
    match e {
        AppError::Internal(detail) => anyhow::anyhow!(detail),
        AppError::Invalid(problems) => anyhow::anyhow!(problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; ")),
        other => anyhow::anyhow!(other),
    }
}

/// [`detailed`] for a use case's result, so `?` and `.context(…)` keep the detail.
pub(crate) trait Detailed<T> {
    fn detailed(self) -> anyhow::Result<T>;
}

impl<T> Detailed<T> for Result<T, AppError> {
    fn detailed(self) -> anyhow::Result<T> {
        self.map_err(detailed)
    }
}
