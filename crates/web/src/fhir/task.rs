//! Following a referral: its `ServiceRequest` and its `Task` (status, reason, outputs), read by id
//! or searched by focus. Reading either reads the person's record, so it is audited.

use linkwork_domain::ids::ReferralId;
use linkwork_app::fhir::resources::{self, entry, PatientLink};
use super::{fhir_response, BaseUrl, FhirClient, FhirError};
use linkwork_app::fhir::load;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

pub async fn read_service_request(State(state): State<AppState>, FhirClient(client): FhirClient, BaseUrl(base): BaseUrl, Path(id): Path<ReferralId>) -> Result<Response, FhirError> {
    let loaded = load(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(fhir_response(StatusCode::OK, &resources::service_request(&loaded.ctx(&base), PatientLink::Contained)))
}

pub async fn read_task(State(state): State<AppState>, FhirClient(client): FhirClient, BaseUrl(base): BaseUrl, Path(id): Path<ReferralId>) -> Result<Response, FhirError> {
    let loaded = load(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(fhir_response(StatusCode::OK, &resources::task(&loaded.ctx(&base), PatientLink::Identifier)))
}

/// `GET /fhir/Task?focus=ServiceRequest/{id}` or `?_id={id}`, optionally `&_include=Task:focus`:
/// a `searchset` Bundle with the referral's Task (and its ServiceRequest). Unknown ids and other
/// organisations' referrals give an empty Bundle, as a search that matched nothing.
pub async fn search_tasks(
    State(state): State<AppState>,
    FhirClient(client): FhirClient,
    BaseUrl(base): BaseUrl,
    RawQuery(raw): RawQuery,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, FhirError> {
    if !client.actor.role.reads_referral_records() {
        return Err(WebError::Forbidden.into());
    }
    let param = |name: &str| params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim()).collect::<Vec<_>>();
    let focus: Vec<Option<&str>> = param("focus").into_iter().map(|f| f.rsplit_once("ServiceRequest/").map(|(_, id)| id)).collect();
    let ids: Vec<Option<&str>> = param("_id").into_iter().map(Some).chain(focus).collect();
    let Some(first) = ids.first() else {
        return Err(FhirError::BadRequest("Search for a referral's Task with focus=ServiceRequest/{id} or _id={id}".into()));
    };
    // Every criterion must name the same referral (a focus that is not a ServiceRequest matches nothing).
    let id = first.filter(|id| !id.is_empty() && ids.iter().all(|other| other == first));
    let include_focus = param("_include").contains(&"Task:focus");
    let mut entries = Vec::new();
    let mut total = 0;
    if let Some(id) = id {
        match load(&*state.store, &client.actor, &client.audit(), &ReferralId::from(id.to_string())).await {
            Ok(loaded) => {
                total = 1;
                entries.push(search_entry(&base, resources::task(&loaded.ctx(&base), PatientLink::Identifier), "match"));
                if include_focus {
                    entries.push(search_entry(&base, resources::service_request(&loaded.ctx(&base), PatientLink::Contained), "include"));
                }
            }
            Err(linkwork_app::AppError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    let query = raw.map(|q| format!("?{q}")).unwrap_or_default();
    let mut bundle = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{ "relation": "self", "url": format!("{base}/fhir/Task{query}") }],
    });
    // FHIR JSON has no empty arrays: a search that matched nothing has no `entry`.
    if !entries.is_empty() {
        bundle["entry"] = json!(entries);
    }
    Ok(fhir_response(StatusCode::OK, &bundle))
}

fn search_entry(base: &str, resource: Value, mode: &str) -> Value {
    let mut e = entry(base, resource);
    e["search"] = json!({ "mode": mode });
    e
}
