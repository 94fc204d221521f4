//! `GET /fhir/CodeSystem/{id}` and `GET /fhir/ValueSet/{id}`: Linkwork's own code systems
//! (`linkwork_app::fhir::code_systems`) at the canonical URLs every coding of them names. Open
//! without a token, as terminology is: it says what codes mean, never whose data they are.

use super::{fhir_response, BaseUrl, FhirError};
use crate::WebError;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use linkwork_app::fhir::code_systems::OwnCodeSystem;

pub async fn read_code_system(BaseUrl(base): BaseUrl, Path(id): Path<String>) -> Result<Response, FhirError> {
    let system = OwnCodeSystem::find(&id).ok_or(FhirError::Web(WebError::NotFound))?;
    Ok(fhir_response(StatusCode::OK, &system.code_system(&base)))
}

pub async fn read_value_set(BaseUrl(base): BaseUrl, Path(id): Path<String>) -> Result<Response, FhirError> {
    let system = OwnCodeSystem::find(&id).ok_or(FhirError::Web(WebError::NotFound))?;
    Ok(fhir_response(StatusCode::OK, &system.value_set(&base)))
}
