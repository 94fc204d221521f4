//! People's rights and identity in the JSON API: settling an identity conflict, correcting
//! details, subject access, restriction, erasure, and the service's audit trail. The same use
//! cases as the pages (`linkwork_app::privacy`).

use linkwork_domain::ids::PersonId;
use linkwork_domain::ids::ReferralId;
use super::contract::{codes, Conflict, Forbidden, Invalid, JsonBody, NotFound, RequestBody};
use super::ApiError;
use crate::auth::ApiClient;
use linkwork_app::privacy as uc;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, ApiError>;

// The request types are the OpenAPI schemas of the bodies and the check `JsonBody` makes (see
// `super::contract`); the use cases read the submitted values as they do a form's.

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ResolutionRequest {
    /// keep_recorded (the details held are right) or use_referral (update the person from the referral)
    #[schema(schema_with = codes::conflict_resolution, required = true)]
    pub resolution: Option<String>,
}

impl RequestBody for ResolutionRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct DetailsRequest {
    #[schema(required = true, nullable = false)]
    pub given_name: Option<String>,
    #[schema(required = true, nullable = false)]
    pub family_name: Option<String>,
    #[schema(format = Date, required = true, nullable = false)]
    pub date_of_birth: Option<String>,
    #[schema(schema_with = codes::sex, required = true)]
    pub sex: Option<String>,
    #[schema(schema_with = codes::ethnicity, required = true)]
    pub ethnicity: Option<String>,
    #[schema(example = "LS1 4AP", required = true, nullable = false)]
    pub postcode: Option<String>,
    /// The GP practice's organisation id
    #[schema(required = true, nullable = false)]
    pub practice_id: Option<String>,
}

impl RequestBody for DetailsRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ReasonRequest {
    /// Why: for example the date and reference of the person's request
    #[schema(required = true, nullable = false)]
    pub reason: Option<String>,
}

impl RequestBody for ReasonRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct EraseRequest {
    /// Why: for example the date and reference of the person's request
    #[schema(required = true, nullable = false)]
    pub reason: Option<String>,
    /// Must be "yes": erasure cannot be undone
    #[schema(schema_with = codes::yes, required = true)]
    pub confirm: Option<String>,
}

impl RequestBody for EraseRequest {}

#[derive(Deserialize, IntoParams)]
#[allow(dead_code)] // documents the query: `audit_query` reads it with the audit page's messages
pub struct AuditParams {
    /// A person id: events about them, including lists that showed them
    person: Option<String>,
    /// A user id
    user: Option<String>,
    /// Actions starting with this, e.g. `referral.`
    action: Option<String>,
    /// From this day (YYYY-MM-DD)
    from: Option<String>,
    /// Up to and including this day (YYYY-MM-DD)
    to: Option<String>,
    /// Page number, 100 events a page
    page: Option<i64>,
}

#[utoipa::path(post, path = "/api/referrals/{id}/identity-conflicts/{conflict_id}", tag = "casework", params(("id" = String, Path), ("conflict_id" = String, Path)), request_body = ResolutionRequest,
    responses((status = 200, description = "`{\"resolution\": …}`", body = Object), Forbidden, NotFound, Conflict, Invalid))]
pub async fn resolve_conflict(State(state): State<AppState>, client: ApiClient, Path((id, conflict_id)): Path<(ReferralId, String)>, body: JsonBody<ResolutionRequest>) -> ApiResult<Json<Value>> {
    let resolution = uc::resolve_conflict(&*state.store, &client.actor, &client.audit(), &id, &conflict_id, &body.fields).await?;
    Ok(Json(json!({ "resolution": resolution })))
}

#[utoipa::path(put, path = "/api/people/{id}/details", tag = "casework", params(("id" = String, Path)), request_body = DetailsRequest,
    responses((status = 200, description = "`{\"changed\": n}`: how many details changed (each kept in the person's history)", body = Object), Forbidden, NotFound, Conflict, Invalid))]
pub async fn correct_details(State(state): State<AppState>, client: ApiClient, Path(id): Path<PersonId>, body: JsonBody<DetailsRequest>) -> ApiResult<Json<Value>> {
    let changed = uc::correct_details(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok(Json(json!({ "changed": changed })))
}

#[utoipa::path(get, path = "/api/people/{id}/subject-access", tag = "rights", params(("id" = String, Path)),
    responses((status = 200, description = "Everything held about the person, with who has read or changed their record (managers)", body = Object), Forbidden, NotFound))]
pub async fn subject_access(State(state): State<AppState>, client: ApiClient, Path(id): Path<PersonId>) -> ApiResult<Json<Value>> {
    let sa = uc::subject_access_for(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(Json(serde_json::to_value(sa).map_err(|e| WebError::Internal(e.to_string()))?))
}

#[utoipa::path(post, path = "/api/people/{id}/restrict", tag = "rights", params(("id" = String, Path)), request_body = ReasonRequest,
    responses((status = 204, description = "Restricted"), Forbidden, NotFound, Conflict, Invalid))]
pub async fn restrict(State(state): State<AppState>, client: ApiClient, Path(id): Path<PersonId>, body: JsonBody<ReasonRequest>) -> ApiResult<StatusCode> {
    uc::restrict(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/people/{id}/lift-restriction", tag = "rights", params(("id" = String, Path)),
    responses((status = 204, description = "Restriction lifted"), Forbidden, NotFound, Conflict))]
pub async fn lift_restriction(State(state): State<AppState>, client: ApiClient, Path(id): Path<PersonId>) -> ApiResult<StatusCode> {
    uc::lift_restriction(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/people/{id}/erase", tag = "rights", params(("id" = String, Path)), request_body = EraseRequest,
    responses((status = 204, description = "Erased: identity and notes removed, de-identified rows kept"), Forbidden, NotFound, Conflict, Invalid))]
pub async fn erase(State(state): State<AppState>, client: ApiClient, Path(id): Path<PersonId>, body: JsonBody<EraseRequest>) -> ApiResult<StatusCode> {
    uc::erase(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/audit", tag = "rights", params(AuditParams),
    responses((status = 200, description = "A page of the service's audit trail, newest first (managers)", body = Vec<Object>), Forbidden, Invalid))]
pub async fn audit(State(state): State<AppState>, client: ApiClient, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Value>> {
    uc::require_manager(&client.actor)?;
    let (query, _) = crate::pages::privacy::audit_query(&q)?;
    let mut entries = uc::audit_trail(&*state.store, &client.actor, query).await?;
    entries.truncate(100);
    Ok(Json(serde_json::to_value(entries).map_err(|e| WebError::Internal(e.to_string()))?))
}
