//! The onward-referral loop in the JSON API: each referral's history, and what needs a link
//! worker's attention. Partners answer through `POST /api/partner/onward-referrals/{id}`.

use linkwork_domain::ids::OnwardId;
use linkwork_domain::ids::ReferralId;
use super::contract::{Forbidden, NotFound};
use super::ApiError;
use crate::auth::ApiClient;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::Json;
use serde_json::Value;

type ApiResult<T> = Result<T, ApiError>;

fn json(value: impl serde::Serialize) -> ApiResult<Json<Value>> {
    Ok(Json(serde_json::to_value(value).map_err(|e| WebError::Internal(e.to_string()))?))
}

#[utoipa::path(get, path = "/api/partner/onward-referrals/{id}/events", tag = "partner", params(("id" = String, Path)),
    responses((status = 200, description = "The referral's history, oldest first: from_status, to_status, reason, happened_on, at, who", body = Vec<Object>), Forbidden, NotFound))]
pub async fn partner_events(State(state): State<AppState>, client: ApiClient, Path(id): Path<OnwardId>) -> ApiResult<Json<Value>> {
    json(linkwork_app::onward_loop::partner_events(&*state.store, &client.actor, &id).await?)
}

#[utoipa::path(get, path = "/api/referrals/{id}/onward-events", tag = "casework", params(("id" = String, Path)),
    responses((status = 200, description = "The history of every onward referral of the referral, oldest first", body = Vec<Object>), Forbidden, NotFound))]
pub async fn referral_events(State(state): State<AppState>, client: ApiClient, Path(id): Path<ReferralId>) -> ApiResult<Json<Value>> {
    json(linkwork_app::onward_loop::referral_events(&*state.store, &client.actor, &id).await?)
}

#[utoipa::path(get, path = "/api/onward/attention", tag = "casework",
    responses((status = 200, description = "The service's stuck onward referrals (no answer in 14 days) and bounced people (declined by two or more services)", body = Object), Forbidden))]
pub async fn attention(State(state): State<AppState>, client: ApiClient) -> ApiResult<Json<Value>> {
    json(linkwork_app::onward_loop::attention(&*state.store, &client.actor, &client.audit(), None, linkwork_app::clock::today()).await?)
}
