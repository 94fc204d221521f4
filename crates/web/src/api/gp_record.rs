//! The return to the GP record: each referral's events (`linkwork_domain::interop::gp_record`) as a FHIR
//! `Bundle` (Patient, ServiceRequest, Task, one Observation per score) or as CSV (one row per
//! event). For one referral (`GET /api/referrals/{id}/gp-record`), for all of a PCN's referrals
//! (`GET /api/gp-record`), and for `linkwork export gp-record`. Every record is read through the
//! store's audited `referral_record`.

use linkwork_domain::ids::ReferralId;
use linkwork_app::fhir::load;
use crate::fhir::BaseUrl;
use linkwork_app::fhir::gp_record::{export_gp_record, render, GpRecordFormat};
use super::ApiError;
use crate::auth::ApiClient;
use linkwork_app::access::require_casework;
use linkwork_app::forms::FieldError;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// `?format=fhir|csv`, else `Accept: text/csv`, else FHIR.
fn chosen_format(query: &HashMap<String, String>, headers: &HeaderMap) -> Result<GpRecordFormat, WebError> {
    if let Some(format) = query.get("format") {
        return format.parse().map_err(|message| WebError::Invalid(vec![FieldError { field: "format".into(), message }]));
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    Ok(if accept.contains("text/csv") { GpRecordFormat::Csv } else { GpRecordFormat::Fhir })
}

fn respond(format: GpRecordFormat, body: String) -> Response {
    let mut response = ([(header::CONTENT_TYPE, format.content_type())], body).into_response();
    if format == GpRecordFormat::Csv {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, axum::http::HeaderValue::from_static("attachment; filename=\"gp-record.csv\""));
    }
    response
}

/// The `format` query parameter and the two bodies, for the OpenAPI document.
const FORMAT: &str = "fhir (a FHIR R4 Bundle of type collection, the default) or csv (one row per event); without it, `Accept: text/csv` chooses CSV";

/// `GET /api/referrals/{id}/gp-record`: one referral's return to the GP record.
#[utoipa::path(get, path = "/api/referrals/{id}/gp-record", tag = "gp-record", params(("id" = String, Path), ("format" = Option<String>, Query, description = FORMAT)),
    responses((status = 200, description = "The referral's events for the GP record (audited)", content((Object = "application/fhir+json"), (String = "text/csv"))), super::contract::Forbidden, super::contract::NotFound, super::contract::Invalid))]
pub async fn referral_gp_record(
    State(state): State<AppState>,
    client: ApiClient,
    BaseUrl(base): BaseUrl,
    Path(id): Path<ReferralId>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_casework(&client.actor)?;
    let format = chosen_format(&query, &headers)?;
    let loaded = load(&*state.store, &client.actor, &client.audit(), &id).await?;
    Ok(respond(format, render(std::slice::from_ref(&loaded), format, &base)))
}

/// `GET /api/referrals/{id}/gp-message`: the message back to the GP about one referral, with the
/// PRSB standard's content: a FHIR `document` Bundle, or (`?format=html`) the readable letter.
#[utoipa::path(get, path = "/api/referrals/{id}/gp-message", tag = "gp-record", params(("id" = String, Path), ("format" = Option<String>, Query, description = "fhir (a FHIR R4 document Bundle, the default) or html (the letter)")),
    responses((status = 200, description = "The message to the GP (audited)", content((Object = "application/fhir+json"), (String = "text/html"))), super::contract::Forbidden, super::contract::NotFound, super::contract::Invalid))]
pub async fn referral_gp_message(State(state): State<AppState>, client: ApiClient, BaseUrl(base): BaseUrl, Path(id): Path<ReferralId>, Query(query): Query<HashMap<String, String>>) -> Result<Response, ApiError> {
    require_casework(&client.actor)?;
    let html = match query.get("format").map(|f| f.trim().to_ascii_lowercase()).as_deref() {
        None | Some("fhir" | "json") => false,
        Some("html") => true,
        Some(other) => return Err(WebError::Invalid(vec![FieldError { field: "format".into(), message: format!("Unknown format \"{other}\": use fhir or html") }]).into()),
    };
    let (message, loaded) = linkwork_app::gp_message::gp_message(&*state.store, &client.actor, &client.audit(), &id, linkwork_app::clock::today()).await?;
    Ok(if html {
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], crate::pages::gp_letter::render(&message, None)?).into_response()
    } else {
        let document = linkwork_app::fhir::gp_message::document(&loaded, &message, &base);
        ([(header::CONTENT_TYPE, linkwork_app::fhir::FHIR_JSON)], document.to_string()).into_response()
    })
}

/// `GET /api/gp-record`: the return to the GP record for every referral of the token's PCN.
#[utoipa::path(get, path = "/api/gp-record", tag = "gp-record", params(("format" = Option<String>, Query, description = FORMAT)),
    responses((status = 200, description = "The events of every referral of the token's PCN, oldest referral first (each record read is audited)", content((Object = "application/fhir+json"), (String = "text/csv"))), super::contract::Forbidden, super::contract::Invalid))]
pub async fn pcn_gp_record(State(state): State<AppState>, client: ApiClient, BaseUrl(base): BaseUrl, Query(query): Query<HashMap<String, String>>, headers: HeaderMap) -> Result<Response, ApiError> {
    require_casework(&client.actor)?;
    let format = chosen_format(&query, &headers)?;
    Ok(respond(format, export_gp_record(&*state.store, &client.audit(), &client.actor.org_id, format, &base).await?))
}

