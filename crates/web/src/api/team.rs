//! API routes for issue 3's casework: ways in without an NHS number, triage, the team's day.
//! Each is a thin layer over the same use cases as the pages.

use linkwork_domain::ids::GoalId;
use linkwork_domain::ids::PersonId;
use linkwork_domain::ids::ReferralId;
use super::contract::{codes, Conflict, Forbidden, Invalid, JsonBody, NotFound, RequestBody};
use super::handlers::Created;
use super::ApiError;
use crate::auth::ApiClient;
use linkwork_app::casework as cases;
use linkwork_app::forms::Fields;
use linkwork_app::intake::{self, Referrer};
use crate::{AppState, WebError};
use linkwork_app::team;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use std::collections::HashMap;

type ApiResult<T> = Result<T, ApiError>;

fn to_json<T: serde::Serialize>(value: T) -> ApiResult<Json<Value>> {
    Ok(Json(serde_json::to_value(value).map_err(|e| WebError::Internal(e.to_string()))?))
}

/// A referral from a VCSE partner, without an NHS number. At least a phone number or an e-mail.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct IncomingReferralRequest {
    /// Id of the service (PCN) to refer to; may be left out when there is only one.
    service_id: Option<String>,
    #[schema(required = true, nullable = false)]
    given_name: Option<String>,
    #[schema(required = true, nullable = false)]
    family_name: Option<String>,
    #[schema(format = Date)]
    date_of_birth: Option<String>,
    #[schema(example = "LS1 4AP")]
    postcode: Option<String>,
    #[schema(example = "0113 496 0000")]
    phone: Option<String>,
    #[schema(example = "name@example.org")]
    email: Option<String>,
    /// How the person would like to be contacted: `phone_call` or `text` (needs a phone number,
    /// a mobile for a text) or `email` (needs an email address).
    #[schema(schema_with = codes::contact_method)]
    preferred_contact: Option<String>,
    /// Best days or times to contact, in words (up to 200 characters).
    best_times: Option<String>,
    /// Whether a message may be left.
    leave_message: Option<super::contract::BoolOrText>,
    /// What help is wanted.
    #[schema(required = true, nullable = false)]
    reason: Option<String>,
    #[schema(schema_with = codes::needs)]
    needs: Option<Vec<String>>,
    /// `yes`: the person agrees to be referred.
    #[schema(schema_with = codes::yes, required = true)]
    consent: Option<String>,
}

impl RequestBody for IncomingReferralRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct AttemptRequest {
    #[schema(format = Date, required = true, nullable = false)]
    attempted_on: Option<String>,
    #[schema(schema_with = codes::attempt_mode, required = true)]
    mode: Option<String>,
    #[schema(schema_with = codes::attempt_outcome, required = true)]
    outcome: Option<String>,
    notes: Option<String>,
}

impl RequestBody for AttemptRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ReassignRequest {
    /// Id of a link worker of the service.
    #[schema(required = true, nullable = false)]
    worker_id: Option<String>,
}

impl RequestBody for ReassignRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct GoalStatusRequest {
    #[schema(schema_with = codes::goal_status, required = true)]
    goal_status: Option<String>,
}

impl RequestBody for GoalStatusRequest {}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct MdtRequest {
    #[schema(format = Date, required = true, nullable = false)]
    held_on: Option<String>,
    /// A practice of the PCN, or none for a PCN-wide meeting.
    practice_id: Option<String>,
    #[schema(schema_with = codes::attendees, required = true)]
    attendees: Option<Vec<String>>,
    notes: Option<String>,
    /// The referrals discussed.
    #[schema(required = true, nullable = false)]
    referral_ids: Option<Vec<String>>,
}

impl RequestBody for MdtRequest {}

/// `{"reference": "LW-XXXX-XXXX"}`: the reference to give the person.
#[derive(Serialize, ToSchema)]
pub struct Reference {
    pub reference: String,
}

/// `{"merged_into": id}`.
#[derive(Serialize, ToSchema)]
pub struct Merged {
    pub merged_into: String,
}

/// A VCSE partner refers someone to the link-worker service (no NHS number needed).
#[utoipa::path(post, path = "/api/incoming-referrals", tag = "intake", request_body = IncomingReferralRequest, responses((status = 201, body = Reference), Forbidden, Invalid))]
pub async fn partner_refer(State(state): State<AppState>, client: ApiClient, body: JsonBody<IncomingReferralRequest>) -> ApiResult<(StatusCode, Json<Reference>)> {
    // A token is not a user: it is recorded in the audit trail only.
    let reference = intake::refer_in(&*state.store, Referrer::Partner(&client.actor, None), &client.audit(), &body.fields).await?;
    Ok((StatusCode::CREATED, Json(Reference { reference })))
}

#[utoipa::path(get, path = "/api/incoming-referrals", tag = "intake", responses((status = 200, description = "For link workers: incoming referrals waiting for triage. For VCSE partners: the ones they made, with status.", body = Vec<Object>), Forbidden))]
pub async fn list_incoming(State(state): State<AppState>, client: ApiClient) -> ApiResult<Json<Value>> {
    if client.actor.role.does_casework() {
        return to_json(linkwork_app::reads::triage_queue(&*state.store, &client.actor, &client.audit()).await?);
    }
    to_json(linkwork_app::reads::incoming_made_by(&*state.store, &client.actor, &client.audit()).await?)
}

#[utoipa::path(post, path = "/api/incoming-referrals/{id}/convert", tag = "intake", params(("id" = String, Path)), request_body = super::handlers::ConvertRequest, responses((status = 201, body = Created), Forbidden, NotFound, Conflict, Invalid))]
pub async fn convert_incoming(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, body: JsonBody<super::handlers::ConvertRequest>) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = intake::convert(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(post, path = "/api/incoming-referrals/{id}/decline", tag = "intake", params(("id" = String, Path)), request_body = super::handlers::DeclineRequest, responses((status = 204, description = "Declined"), Forbidden, NotFound, Conflict, Invalid))]
pub async fn decline_incoming(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, body: JsonBody<super::handlers::DeclineRequest>) -> ApiResult<StatusCode> {
    intake::decline(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/referrals/{id}/attempts", tag = "casework", params(("id" = String, Path)), request_body = AttemptRequest, responses((status = 201, body = Created), Forbidden, NotFound, Conflict, Invalid))]
pub async fn add_attempt(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>, body: JsonBody<AttemptRequest>) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = team::add_attempt(&*state.store, &client.actor, &client.audit(), &id, &body.fields).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(post, path = "/api/referrals/{id}/merge", tag = "casework", params(("id" = String, Path)), responses((status = 200, body = Merged), Forbidden, NotFound, Conflict))]
pub async fn merge(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>) -> ApiResult<Json<Merged>> {
    let merged_into = team::merge(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(Json(Merged { merged_into }))
}

#[utoipa::path(post, path = "/api/referrals/{id}/reassign", tag = "casework", params(("id" = String, Path)), request_body = ReassignRequest, responses((status = 204, description = "Reassigned"), Forbidden, NotFound, Conflict, Invalid))]
pub async fn reassign(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>, body: JsonBody<ReassignRequest>) -> ApiResult<StatusCode> {
    team::reassign(&*state.store, &client.actor, &client.audit(), None, &id, &body.fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/referrals/{id}/goals/{goal_id}", tag = "casework", params(("id" = String, Path), ("goal_id" = String, Path)), request_body = GoalStatusRequest, responses((status = 204, description = "Changed"), Forbidden, NotFound, Conflict, Invalid))]
pub async fn goal_status(State(state): State<AppState>, client: ApiClient, Path((id, goal_id)): Path<(ReferralId, GoalId)>, body: JsonBody<GoalStatusRequest>) -> ApiResult<StatusCode> {
    team::set_goal_status(&*state.store, &client.actor, &client.audit(), &id, &goal_id, &body.fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/caseload", tag = "casework", params(super::paging::PageParams),
    responses((status = 200, description = "A page of the open referrals with their red/amber/green flags: `{rag, flags, referral}`, in the order of \
    `/api/referrals`; `X-Total-Count` has how many there are, `Link` the next page", body = Vec<Object>), Forbidden, Invalid))]
pub async fn caseload(State(state): State<AppState>, client: ApiClient, Query(q): Query<HashMap<String, String>>) -> ApiResult<axum::response::Response> {
    let paging = super::paging::paging(&q)?;
    let page = linkwork_app::reads::caseload(&*state.store, &client.actor, &client.audit(), None, true, paging).await?;
    let today = linkwork_app::clock::today();
    let mut due = cases::measures_due_by_referral(&*state.store, &client.actor.org_id, None, today).await?;
    super::paging::page_response(page, "/api/caseload", |e| {
        let measures_due = due.remove(&e.referral_id).unwrap_or_default();
        let flags = linkwork_domain::casework::caseload::flags(&e.case_facts(measures_due), today);
        json!({ "rag": linkwork_domain::casework::caseload::overall(&flags), "flags": flags, "referral": e })
    })
}

#[utoipa::path(get, path = "/api/people", tag = "casework", params(("name" = Option<String>, Query), ("nhs_number" = Option<String>, Query), ("date_of_birth" = Option<String>, Query, format = Date)), responses((status = 200, description = "People matching", body = Vec<Object>), Forbidden, Invalid))]
pub async fn search(State(state): State<AppState>, client: ApiClient, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Value>> {
    linkwork_app::access::require_casework(&client.actor)?;
    match team::parse_search(&Fields::from_pairs(q.into_iter().collect()))? {
        Some(query) => to_json(linkwork_app::reads::search_people(&*state.store, &client.actor, &client.audit(), &query).await?),
        None => Err(WebError::Invalid(vec![linkwork_app::forms::FieldError { field: "name".into(), message: "Enter a name, NHS number or date of birth".into() }]).into()),
    }
}

/// One event of a person's timeline.
#[derive(Serialize, ToSchema)]
pub struct TimelineEvent {
    #[schema(format = Date)]
    pub date: String,
    pub event: String,
    pub detail: String,
    pub referral_id: String,
}

#[utoipa::path(get, path = "/api/people/{id}/timeline", tag = "casework", params(("id" = String, Path)), responses((status = 200, description = "Everything recorded about the person, in date order (audited)", body = Vec<TimelineEvent>), Forbidden, NotFound))]
pub async fn timeline(State(state): State<AppState>, client: ApiClient, Path(id): Path<PersonId>) -> ApiResult<Json<Vec<TimelineEvent>>> {
    let records = team::person_history(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(Json(team::timeline(&records).into_iter().map(|e| TimelineEvent { date: e.date.to_string(), event: e.what, detail: e.detail, referral_id: e.referral_id }).collect()))
}

#[utoipa::path(post, path = "/api/mdt-meetings", tag = "casework", request_body = MdtRequest, responses((status = 201, body = Created), Forbidden, NotFound, Invalid))]
pub async fn record_mdt(State(state): State<AppState>, client: ApiClient, body: JsonBody<MdtRequest>) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = team::record_mdt(&*state.store, &client.actor, &client.audit(), &body.fields).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/mdt-meetings", tag = "casework", responses((status = 200, description = "The service's MDT meetings, newest first", body = Vec<Object>), Forbidden))]
pub async fn mdt_meetings(State(state): State<AppState>, client: ApiClient) -> ApiResult<Json<Value>> {
    to_json(linkwork_app::reads::mdt_meetings(&*state.store, &client.actor, &client.audit()).await?)
}
