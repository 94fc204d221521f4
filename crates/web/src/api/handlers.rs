use super::ApiError;
use crate::auth::ApiClient;
use crate::casework as cases;
use crate::forms::Fields;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use linkwork_domain::evaluation::EvaluationSettings;
use linkwork_domain::instruments::Instrument;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use utoipa::ToSchema;

type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

fn created(id: String) -> (StatusCode, Json<Created>) {
    (StatusCode::CREATED, Json(Created { id }))
}

/// A new referral. Codes as in the web form: sex `1|2|9|X`, ethnicity NHS ethnic category `A`–`S`,
/// `Z`, `99`; source `gp_practice|other_health|vcse|council|self`; needs are need-domain codes.
#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
pub struct ReferralRequest {
    #[schema(example = "9434765919")]
    nhs_number: String,
    given_name: String,
    family_name: String,
    #[schema(example = "1950-05-01")]
    date_of_birth: String,
    sex: String,
    ethnicity: String,
    #[schema(example = "LS1 4AP")]
    postcode: String,
    /// Id of a GP practice in the service's PCN.
    practice_id: String,
    #[schema(example = "2026-11-20")]
    referred_on: String,
    source: String,
    referrer_name: String,
    reason: String,
    needs: Vec<String>,
}

#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
pub struct DeclineRequest {
    /// not_eligible | person_declined | no_contact | duplicate | other
    decline_reason: String,
}

#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
pub struct ConversationRequest {
    held_on: String,
    what_matters: String,
    needs: Vec<String>,
    /// Up to three goals: goal_0..goal_2, with optional review_0..review_2 dates.
    goal_0: String,
    review_0: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
pub struct ContactRequest {
    contact_on: String,
    /// face_to_face | phone | video | home_visit | group
    mode: String,
    minutes: u32,
    accompanied: bool,
    notes: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
pub struct MeasureRequest {
    /// baseline | follow_up | discharge
    timepoint: String,
    taken_on: String,
    /// item_1 … item_n: each answer in the instrument's range (ONS4 0–10, SWEMWBS 1–5).
    item_1: u8,
}

#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
pub struct OnwardRequest {
    service_id: String,
    note: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
pub struct DischargeRequest {
    /// goals_met | disengaged | moved_away | referred_elsewhere | died | other
    discharge_reason: String,
    summary: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
pub struct PartnerResponseRequest {
    /// accept | decline | started | attended | completed | dropped_out (see docs/onward-referrals.md)
    action: String,
    /// With decline: no_capacity | not_eligible | person_declined | unable_to_contact | other
    decline_reason: Option<String>,
}

#[utoipa::path(get, path = "/api/referrals", tag = "casework", responses((status = 200, description = "The service's open referrals"), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn list_referrals(State(state): State<AppState>, client: ApiClient) -> ApiResult<Json<Value>> {
    let caseload = crate::reads::caseload(&*state.store, &client.actor, &client.audit(), None, true).await?;
    Ok(Json(serde_json::to_value(caseload).map_err(|e| WebError::Internal(e.to_string()))?))
}

#[utoipa::path(post, path = "/api/referrals", tag = "casework", request_body = ReferralRequest, responses((status = 201, body = Created), (status = 422, body = super::ErrorBody)))]
pub async fn create_referral(State(state): State<AppState>, client: ApiClient, Json(body): Json<Value>) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok(created(cases::create_referral(&*state.store, &client.actor, &client.audit(), &Fields::from_json(&body), linkwork_domain::identity::DetailsSource::Api).await?))
}

#[utoipa::path(get, path = "/api/referrals/{id}", tag = "casework", params(("id" = String, Path)), responses((status = 200, description = "The person's record (audited)"), (status = 404, body = super::ErrorBody)))]
pub async fn get_referral(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    cases::casework_referral(&*state.store, &client.actor, &id).await?;
    let record = state.store.referral_record(&client.audit(), &id).await?.ok_or(WebError::NotFound)?;
    Ok(Json(serde_json::to_value(record).map_err(|e| WebError::Internal(e.to_string()))?))
}

#[utoipa::path(post, path = "/api/referrals/{id}/accept", tag = "casework", params(("id" = String, Path)), responses((status = 204), (status = 409, body = super::ErrorBody)))]
pub async fn accept_referral(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>) -> ApiResult<StatusCode> {
    cases::accept(&*state.store, &client.actor, &client.audit(), &id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/referrals/{id}/decline", tag = "casework", params(("id" = String, Path)), request_body = DeclineRequest, responses((status = 204), (status = 409, body = super::ErrorBody)))]
pub async fn decline_referral(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<StatusCode> {
    cases::decline(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/referrals/{id}/conversations", tag = "casework", params(("id" = String, Path)), request_body = ConversationRequest, responses((status = 201, body = Created), (status = 422, body = super::ErrorBody)))]
pub async fn record_conversation(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok(created(cases::record_conversation(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?))
}

#[utoipa::path(post, path = "/api/referrals/{id}/contacts", tag = "casework", params(("id" = String, Path)), request_body = ContactRequest, responses((status = 201, body = Created), (status = 422, body = super::ErrorBody)))]
pub async fn add_contact(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok(created(cases::add_contact(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?))
}

#[utoipa::path(post, path = "/api/referrals/{id}/measures/{instrument}", tag = "casework", params(("id" = String, Path), ("instrument" = String, Path, description = "ons4 | swemwbs")), request_body = MeasureRequest, responses((status = 201, body = Created), (status = 422, body = super::ErrorBody)))]
pub async fn add_measure(State(state): State<AppState>, client: ApiClient, Path((id, instrument)): Path<(String, String)>, Json(body): Json<Value>) -> ApiResult<(StatusCode, Json<Created>)> {
    let instrument = Instrument::parse(&instrument).map_err(|_| WebError::NotFound)?;
    Ok(created(cases::add_measure(&*state.store, &client.actor, &client.audit(), &id, instrument, &Fields::from_json(&body)).await?))
}

#[utoipa::path(post, path = "/api/referrals/{id}/onward-referrals", tag = "casework", params(("id" = String, Path)), request_body = OnwardRequest, responses((status = 201, body = Created), (status = 422, body = super::ErrorBody)))]
pub async fn refer_onward(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok(created(cases::refer_onward(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?))
}

#[utoipa::path(post, path = "/api/referrals/{id}/discharge", tag = "casework", params(("id" = String, Path)), request_body = DischargeRequest, responses((status = 204), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn discharge(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<StatusCode> {
    cases::discharge(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/partner/onward-referrals", tag = "partner", responses((status = 200, description = "Onward referrals to the token's organisation"), (status = 403, body = super::ErrorBody)))]
pub async fn partner_list(State(state): State<AppState>, client: ApiClient) -> ApiResult<Json<Value>> {
    let rows = crate::reads::partner_referrals(&*state.store, &client.actor, &client.audit()).await?;
    Ok(Json(serde_json::to_value(rows).map_err(|e| WebError::Internal(e.to_string()))?))
}

#[utoipa::path(post, path = "/api/partner/onward-referrals/{id}", tag = "partner", params(("id" = String, Path)), request_body = PartnerResponseRequest, responses((status = 200, description = "The new status"), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn partner_respond(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, Json(body): Json<Value>) -> ApiResult<Json<Value>> {
    let status = cases::partner_respond(&*state.store, &client.actor, &client.audit(), &id, &Fields::from_json(&body)).await?;
    Ok(Json(serde_json::json!({ "status": status })))
}

#[utoipa::path(get, path = "/api/report", tag = "evaluation", params(("from" = Option<String>, Query), ("to" = Option<String>, Query), ("scope" = Option<String>, Query, description = "practice:<id or ODS code>, pcn:<…> or icb:<…> within the caller's organisation; the whole organisation if omitted")), responses((status = 200, description = "The evaluation report and its figures, small numbers suppressed"), (status = 403, body = super::ErrorBody)))]
pub async fn report(State(state): State<AppState>, client: ApiClient, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Value>> {
    let period = crate::pages::period_from(&q).map_err(WebError::Invalid)?;
    let (scope, _) = crate::report_scopes::resolve(&*state.store, &client.actor, q.get("scope").map(String::as_str)).await?;
    let report = linkwork_store::scoped_report(&*state.store, &scope, period, &EvaluationSettings::default()).await?;
    Ok(Json(linkwork_report::to_json(&report)))
}
