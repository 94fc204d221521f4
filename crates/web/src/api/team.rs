//! API routes for issue 3's casework: ways in without an NHS number, triage, the team's day.
//! Each is a thin layer over the same use cases as the pages.

use super::ApiError;
use crate::auth::ApiClient;
use crate::casework as cases;
use crate::forms::Fields;
use crate::intake::{self, Referrer};
use crate::{team, AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

type ApiResult<T> = Result<T, ApiError>;

fn to_json<T: serde::Serialize>(value: T) -> ApiResult<Json<Value>> {
    Ok(Json(serde_json::to_value(value).map_err(|e| WebError::Internal(e.to_string()))?))
}

/// A VCSE partner refers someone to the link-worker service (no NHS number needed).
#[utoipa::path(post, path = "/api/incoming-referrals", tag = "intake", responses((status = 201, description = "`{\"reference\": \"LW-…\"}`"), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn partner_refer(State(state): State<AppState>, client: ApiClient, Json(body): Json<Value>) -> ApiResult<(StatusCode, Json<Value>)> {
    // A token is not a user: it is recorded in the audit trail only.
    let reference = intake::refer_in(&*state.store, Referrer::Partner(&client.actor, None), &client.audit(), &Fields::from_json(&body)).await?;
    Ok((StatusCode::CREATED, Json(json!({ "reference": reference }))))
}

#[utoipa::path(get, path = "/api/incoming-referrals", tag = "intake", responses((status = 200, description = "For link workers: incoming referrals waiting for triage. For VCSE partners: the ones they made, with status.")))]
pub async fn list_incoming(State(state): State<AppState>, client: ApiClient) -> ApiResult<Json<Value>> {
    if client.actor.role.does_casework() {
        return to_json(crate::reads::triage_queue(&*state.store, &client.actor, &client.audit()).await?);
    }
    to_json(crate::reads::incoming_made_by(&*state.store, &client.actor, &client.audit()).await?)
}

#[utoipa::path(post, path = "/api/incoming-referrals/{id}/convert", tag = "intake", params(("id" = String, Path)), request_body = super::handlers::ReferralRequest, responses((status = 201, body = super::handlers::Created), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn convert_incoming(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<(StatusCode, Json<Value>)> {
    let referral = intake::convert(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": referral }))))
}

#[utoipa::path(post, path = "/api/incoming-referrals/{id}/decline", tag = "intake", params(("id" = String, Path)), request_body = super::handlers::DeclineRequest, responses((status = 204), (status = 409, body = super::ErrorBody)))]
pub async fn decline_incoming(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<StatusCode> {
    intake::decline(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/referrals/{id}/attempts", tag = "casework", params(("id" = String, Path)), responses((status = 201, body = super::handlers::Created), (status = 422, body = super::ErrorBody)))]
pub async fn add_attempt(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<(StatusCode, Json<Value>)> {
    let attempt = team::add_attempt(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": attempt }))))
}

#[utoipa::path(post, path = "/api/referrals/{id}/merge", tag = "casework", params(("id" = String, Path)), responses((status = 200, description = "`{\"merged_into\": id}`"), (status = 409, body = super::ErrorBody)))]
pub async fn merge(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let into = team::merge(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(Json(json!({ "merged_into": into })))
}

#[utoipa::path(post, path = "/api/referrals/{id}/reassign", tag = "casework", params(("id" = String, Path)), responses((status = 204), (status = 403, body = super::ErrorBody)))]
pub async fn reassign(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<StatusCode> {
    team::reassign(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/referrals/{id}/goals/{goal_id}", tag = "casework", params(("id" = String, Path), ("goal_id" = String, Path)), responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn goal_status(State(state): State<AppState>, client: ApiClient, Path((id, goal_id)): Path<(String, String)>, Json(body): Json<Value>) -> ApiResult<StatusCode> {
    team::set_goal_status(&*state.store, &client.actor, &client.audit(), &id, &goal_id, &Fields::from_json(&body)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/caseload", tag = "casework", responses((status = 200, description = "Open referrals with their red/amber/green flags")))]
pub async fn caseload(State(state): State<AppState>, client: ApiClient) -> ApiResult<Json<Value>> {
    let entries = crate::reads::caseload(&*state.store, &client.actor, &client.audit(), None, true).await?;
    let today = cases::today();
    let schedule = state.store.measurement_schedule(&client.actor.org_id).await?;
    let rows: Vec<Value> = entries
        .into_iter()
        .map(|e| {
            let flags = linkwork_domain::caseload::flags(&e.case_facts(schedule.as_ref()), today);
            json!({ "rag": linkwork_domain::caseload::overall(&flags), "flags": flags, "referral": e })
        })
        .collect();
    Ok(Json(Value::Array(rows)))
}

#[utoipa::path(get, path = "/api/people", tag = "casework", params(("name" = Option<String>, Query), ("nhs_number" = Option<String>, Query), ("date_of_birth" = Option<String>, Query)), responses((status = 200, description = "People matching"), (status = 422, body = super::ErrorBody)))]
pub async fn search(State(state): State<AppState>, client: ApiClient, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Value>> {
    cases::require_casework(&client.actor)?;
    match team::parse_search(&Fields::from_pairs(q.into_iter().collect()))? {
        Some(query) => to_json(crate::reads::search_people(&*state.store, &client.actor, &client.audit(), &query).await?),
        None => Err(WebError::Invalid(vec![crate::forms::FieldError { field: "name".into(), message: "Enter a name, NHS number or date of birth".into() }]).into()),
    }
}

#[utoipa::path(get, path = "/api/people/{id}/timeline", tag = "casework", params(("id" = String, Path)), responses((status = 200, description = "Everything recorded about the person, in date order (audited)"), (status = 404, body = super::ErrorBody)))]
pub async fn timeline(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let records = team::person_history(&*state.store, &client.actor, &client.audit(), &id).await?;
    let events: Vec<Value> = team::timeline(&records).into_iter().map(|e| json!({ "date": e.date.to_string(), "event": e.what, "detail": e.detail, "referral_id": e.referral_id })).collect();
    Ok(Json(Value::Array(events)))
}

#[utoipa::path(post, path = "/api/mdt-meetings", tag = "casework", responses((status = 201, body = super::handlers::Created), (status = 422, body = super::ErrorBody)))]
pub async fn record_mdt(State(state): State<AppState>, client: ApiClient, Json(body): Json<Value>) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = team::record_mdt(&*state.store, &client.actor, &client.audit(), &Fields::from_json(&body)).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[utoipa::path(get, path = "/api/mdt-meetings", tag = "casework", responses((status = 200, description = "The service's MDT meetings, newest first")))]
pub async fn mdt_meetings(State(state): State<AppState>, client: ApiClient) -> ApiResult<Json<Value>> {
    to_json(crate::reads::mdt_meetings(&*state.store, &client.actor, &client.audit()).await?)
}
