//! Errors of the FHIR interface, answered as an `OperationOutcome` with one issue per problem.

use super::fhir_response;
use crate::WebError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// One problem, in words for the person fixing the sending system, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// FHIR `issue.code`: `invalid`, `required`, `value`, `structure`, `not-supported`, …
    pub code: &'static str,
    pub diagnostics: String,
    /// A FHIRPath to the element at fault, e.g. `ServiceRequest.contained[0].birthDate`.
    pub expression: Option<String>,
}

impl Issue {
    pub fn invalid(expression: impl Into<String>, diagnostics: impl Into<String>) -> Self {
        Self { code: "invalid", diagnostics: diagnostics.into(), expression: Some(expression.into()) }
    }
}

#[derive(Debug)]
pub enum FhirError {
    /// Access, not found, conflict or internal errors shared with the rest of the web shell.
    Web(WebError),
    /// The resource parsed but its content is not acceptable: 422, every problem listed.
    Invalid(Vec<Issue>),
    /// The body is not a JSON resource at all: 400.
    Structure(String),
    /// A search without the parameters this server needs: 400.
    BadRequest(String),
    /// The body is not FHIR JSON: 415.
    UnsupportedMediaType,
}

impl From<linkwork_app::AppError> for FhirError {
    fn from(e: linkwork_app::AppError) -> Self {
        FhirError::Web(e.into())
    }
}

impl From<WebError> for FhirError {
    fn from(e: WebError) -> Self {
        FhirError::Web(e)
    }
}

impl From<linkwork_app::store::StoreError> for FhirError {
    fn from(e: linkwork_app::store::StoreError) -> Self {
        FhirError::Web(e.into())
    }
}

/// An `OperationOutcome` resource with error issues.
pub fn operation_outcome(issues: &[Issue]) -> Value {
    let issues: Vec<Value> = issues
        .iter()
        .map(|i| {
            let mut issue = json!({ "severity": "error", "code": i.code, "diagnostics": i.diagnostics });
            if let Some(expression) = &i.expression {
                issue["expression"] = json!([expression]);
            }
            issue
        })
        .collect();
    json!({ "resourceType": "OperationOutcome", "issue": issues })
}

impl FhirError {
    fn status_and_issues(&self) -> (StatusCode, Vec<Issue>) {
        let plain = |code: &'static str, diagnostics: String| vec![Issue { code, diagnostics, expression: None }];
        match self {
            FhirError::Invalid(issues) => (StatusCode::UNPROCESSABLE_ENTITY, issues.clone()),
            FhirError::Structure(message) => (StatusCode::BAD_REQUEST, plain("structure", message.clone())),
            FhirError::BadRequest(message) => (StatusCode::BAD_REQUEST, plain("invalid", message.clone())),
            FhirError::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, plain("not-supported", "Send the resource as JSON, with Content-Type: application/fhir+json".into())),
            FhirError::Web(e) => {
                let code = match e {
                    WebError::Unauthenticated => "login",
                    WebError::Forbidden | WebError::Csrf => "forbidden",
                    WebError::NotFound => "not-found",
                    WebError::Conflict(_) => "conflict",
                    WebError::Invalid(_) => "invalid",
                    WebError::Internal(_) => "exception",
                };
                let issues = match e {
                    WebError::Invalid(fields) => fields.iter().map(|f| Issue { code, diagnostics: f.message.clone(), expression: None }).collect(),
                    WebError::Unauthenticated => plain(code, "Send a bearer token from `linkwork token create` in the Authorization header".into()),
                    WebError::Forbidden => plain(code, "This token's role may not read or create people's referrals".into()),
                    WebError::NotFound => plain(code, "No such resource".into()),
                    other => plain(code, other.to_string()),
                };
                (e.status(), issues)
            }
        }
    }
}

impl FhirError {
    /// The status and issues this error is answered with (an internal error is logged), for an
    /// interface that frames its refusals its own way (BaRS, `message.rs`).
    pub(super) fn into_issues(self) -> (StatusCode, Vec<Issue>) {
        if let FhirError::Web(WebError::Internal(detail)) = &self {
            // A database or programming error, never a person's data.
            tracing::error!(%detail, "internal error");
        }
        self.status_and_issues()
    }
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        let (status, issues) = self.into_issues();
        let mut response = fhir_response(status, &operation_outcome(&issues));
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        response
    }
}
