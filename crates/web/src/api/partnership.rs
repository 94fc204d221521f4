//! API routes for the partnership reports (issue 4), over the same use cases as the pages.
//! Every count is disclosure-controlled by the domain before it gets here.

use super::contract::{Forbidden, Invalid, NotFound};
use super::ApiError;
use crate::auth::ApiClient;
use crate::pages::period_from;
use crate::{AppState, WebError};
use linkwork_app::partnership;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

type ApiResult<T> = Result<T, ApiError>;
type Params = Query<HashMap<String, String>>;

fn period(q: &HashMap<String, String>) -> Result<linkwork_domain::evaluation::Period, WebError> {
    period_from(q).map_err(WebError::Invalid)
}

fn to_json<T: serde::Serialize>(value: T) -> ApiResult<Json<Value>> {
    Ok(Json(serde_json::to_value(value).map_err(|e| WebError::Internal(e.to_string()))?))
}

#[utoipa::path(get, path = "/api/partner/report", tag = "partnership", params(("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date)), responses((status = 200, description = "The calling VCSE organisation's feedback report", body = Object), Forbidden, Invalid))]
pub async fn own_partner_report(State(state): State<AppState>, client: ApiClient, Query(q): Params) -> ApiResult<Json<Value>> {
    to_json(partnership::feedback(&*state.store, &client.actor, None, period(&q)?).await?)
}

#[utoipa::path(get, path = "/api/reports/partners/{org_id}", tag = "partnership", params(("org_id" = String, Path), ("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date)), responses((status = 200, description = "A partner's feedback report, for managers and commissioners", body = Object), Forbidden, NotFound, Invalid))]
pub async fn partner_report(State(state): State<AppState>, client: ApiClient, Path(org_id): Path<String>, Query(q): Params) -> ApiResult<Json<Value>> {
    to_json(partnership::feedback(&*state.store, &client.actor, Some(&org_id), period(&q)?).await?)
}

#[utoipa::path(get, path = "/api/reports/gaps", tag = "partnership", params(("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date)), responses((status = 200, description = "The gap report: `{scope, report}`", body = Object), Forbidden, Invalid))]
pub async fn gaps(State(state): State<AppState>, client: ApiClient, Query(q): Params) -> ApiResult<Json<Value>> {
    let (scope, report) = partnership::gap_report(&*state.store, &client.actor, period(&q)?).await?;
    Ok(Json(json!({ "scope": scope, "report": report })))
}

#[utoipa::path(get, path = "/api/reports/network", tag = "partnership", params(("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date)), responses((status = 200, description = "Referral routes between the service and organisations: `{scope, edges}`", body = Object), Forbidden, Invalid))]
pub async fn network(State(state): State<AppState>, client: ApiClient, Query(q): Params) -> ApiResult<Json<Value>> {
    let (scope, edges) = partnership::network_edges(&*state.store, &client.actor, period(&q)?).await?;
    Ok(Json(json!({ "scope": scope, "edges": edges })))
}
