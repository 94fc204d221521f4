//! API routes for the staff directory (issue 4): search with the staff-only details, a service's
//! record, and editing its link-worker fields. The public directory is the ORUK feed at `/oruk`.

use super::contract::{codes, Forbidden, Invalid, JsonBody, NotFound, NumberOrText, RequestBody};
use super::ApiError;
use crate::auth::ApiClient;
use crate::{AppState, WebError};
use linkwork_app::directory;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use std::collections::HashMap;

type ApiResult<T> = Result<T, ApiError>;

fn service_json(s: &linkwork_app::store::Service, distance_km: Option<f64>) -> Value {
    let today = linkwork_app::clock::today();
    json!({
        "service": s,
        "distance_km": distance_km,
        "stale": linkwork_domain::directory::is_stale(s.profile.last_verified_on, today),
        "funding_ends_soon": linkwork_domain::directory::funding_ends_soon(s.profile.funding_ends_on, today),
    })
}

#[utoipa::path(get, path = "/api/directory/services", tag = "directory", params(("need" = Option<String>, Query), ("q" = Option<String>, Query), ("delivery" = Option<String>, Query, description = "in_person | online"), ("free" = Option<String>, Query, description = "yes"), ("complex" = Option<String>, Query, description = "yes"), ("day" = Option<String>, Query, description = "MO … SU"), ("postcode" = Option<String>, Query), ("for" = Option<String>, Query, description = "a referral id: distances from the person's postcode (audited)")), responses((status = 200, description = "Matching active services, nearest first: `{service, distance_km, stale, funding_ends_soon}`", body = Vec<Object>), Forbidden, NotFound, Invalid))]
pub async fn search(State(state): State<AppState>, client: ApiClient, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Value>> {
    let found = directory::search(&*state.store, &client.actor, &client.audit(), &q).await?;
    if !found.errors.is_empty() {
        return Err(WebError::Invalid(found.errors).into());
    }
    Ok(Json(Value::Array(found.results.iter().map(|(s, _, d)| service_json(s, *d)).collect())))
}

#[utoipa::path(get, path = "/api/directory/services/{id}", tag = "directory", params(("id" = String, Path)), responses((status = 200, description = "The service with its staff-only details", body = Object), Forbidden, NotFound))]
pub async fn service(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let s = directory::visible_service(&*state.store, &client.actor, &id).await?;
    Ok(Json(service_json(&s, None)))
}

/// The link-worker fields of a service (capacity, waiting list, funding, complex needs,
/// accessibility, publication); the whole profile is replaced.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct ProfileRequest {
    #[schema(schema_with = codes::delivery, required = true)]
    delivery: Option<String>,
    /// 0 to 100000.
    capacity_places: Option<NumberOrText>,
    capacity_note: Option<String>,
    /// People waiting: 0 to 100000.
    waiting_list: Option<NumberOrText>,
    funding_source: Option<String>,
    #[schema(format = Date)]
    funding_ends_on: Option<String>,
    #[schema(schema_with = codes::yes_no, required = true)]
    complex_needs: Option<String>,
    /// Required when `complex_needs` is `yes`.
    complex_needs_detail: Option<String>,
    accessibility_description: Option<String>,
    /// Whether the service appears in the public directory (`/oruk`).
    #[schema(schema_with = codes::yes_no, required = true)]
    published: Option<String>,
    #[schema(schema_with = codes::yes_no_unknown, required = true)]
    is_free: Option<String>,
    /// `yes`: the details were checked today.
    #[schema(schema_with = codes::yes)]
    verified: Option<String>,
}

impl RequestBody for ProfileRequest {}

#[utoipa::path(put, path = "/api/directory/services/{id}/profile", tag = "directory", params(("id" = String, Path)), request_body = ProfileRequest, responses((status = 200, description = "The service as saved", body = Object), Forbidden, NotFound, Invalid))]
pub async fn update_profile(State(state): State<AppState>, client: ApiClient, Path(id): Path<String>, body: JsonBody<ProfileRequest>) -> ApiResult<Json<Value>> {
    directory::update_profile(&*state.store, &client.actor, &id, &body.fields).await?;
    let s = directory::visible_service(&*state.store, &client.actor, &id).await?;
    Ok(Json(service_json(&s, None)))
}
