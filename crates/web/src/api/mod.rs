//! The JSON API: the same use cases as the pages (`crate::casework`), authenticated with bearer
//! tokens (`linkwork token create`), described by the OpenAPI document at `/api/openapi.json`.
//! Request bodies are JSON objects whose fields have the same names as the HTML forms' fields.

mod directory;
mod handlers;
mod partnership;
mod onward_loop;
mod team;

use crate::forms::FieldError;
use crate::{AppState, WebError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::OpenApi;

pub use handlers::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/referrals", get(list_referrals).post(create_referral))
        .route("/referrals/{id}", get(get_referral))
        .route("/referrals/{id}/accept", post(accept_referral))
        .route("/referrals/{id}/decline", post(decline_referral))
        .route("/referrals/{id}/conversations", post(record_conversation))
        .route("/referrals/{id}/contacts", post(add_contact))
        .route("/referrals/{id}/measures/{instrument}", post(add_measure))
        .route("/referrals/{id}/onward-referrals", post(refer_onward))
        .route("/referrals/{id}/discharge", post(discharge))
        .route("/partner/onward-referrals", get(partner_list))
        .route("/partner/onward-referrals/{id}", post(partner_respond))
        .route("/partner/onward-referrals/{id}/events", get(onward_loop::partner_events))
        .route("/referrals/{id}/onward-events", get(onward_loop::referral_events))
        .route("/onward/attention", get(onward_loop::attention))
        .route("/report", get(report))
        .route("/incoming-referrals", get(team::list_incoming).post(team::partner_refer))
        .route("/incoming-referrals/{id}/convert", post(team::convert_incoming))
        .route("/incoming-referrals/{id}/decline", post(team::decline_incoming))
        .route("/referrals/{id}/attempts", post(team::add_attempt))
        .route("/referrals/{id}/merge", post(team::merge))
        .route("/referrals/{id}/reassign", post(team::reassign))
        .route("/referrals/{id}/goals/{goal_id}", post(team::goal_status))
        .route("/caseload", get(team::caseload))
        .route("/people", get(team::search))
        .route("/people/{id}/timeline", get(team::timeline))
        .route("/mdt-meetings", get(team::mdt_meetings).post(team::record_mdt))
        .route("/partner/report", get(partnership::own_partner_report))
        .route("/reports/partners/{org_id}", get(partnership::partner_report))
        .route("/reports/gaps", get(partnership::gaps))
        .route("/reports/network", get(partnership::network))
        .route("/directory/services", get(directory::search))
        .route("/directory/services/{id}", get(directory::service))
        .route("/directory/services/{id}/profile", axum::routing::put(directory::update_profile))
        .merge(crate::fhir::api_routes())
        .fallback(|| async { ApiError(WebError::NotFound) })
}

/// An API error: `{"error": code, "message": text, "fields": [{field, message}]}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable: unauthenticated, forbidden, not_found, csrf, conflict, invalid, internal.
    pub error: &'static str,
    pub message: String,
    /// For `invalid`: every field with a problem.
    pub fields: Vec<FieldError>,
}

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError(e)
    }
}

impl From<linkwork_store::StoreError> for ApiError {
    fn from(e: linkwork_store::StoreError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status: StatusCode = self.0.status();
        if let WebError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "internal error");
        }
        let fields = match &self.0 {
            WebError::Invalid(fields) => fields.clone(),
            _ => vec![],
        };
        let message = match &self.0 {
            WebError::Internal(_) => "Something went wrong on our side".to_owned(),
            other => other.to_string(),
        };
        (status, Json(ErrorBody { error: self.0.code(), message, fields })).into_response()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Linkwork API", description = "Social prescribing casework, partner responses and evaluation figures. Authenticate with `Authorization: Bearer <token>` from `linkwork token create`."),
    paths(
        handlers::list_referrals, handlers::create_referral, handlers::get_referral, handlers::accept_referral, handlers::decline_referral,
        handlers::record_conversation, handlers::add_contact, handlers::add_measure, handlers::refer_onward, handlers::discharge,
        handlers::partner_list, handlers::partner_respond, handlers::report, onward_loop::partner_events, onward_loop::referral_events, onward_loop::attention,
        team::partner_refer, team::list_incoming, team::convert_incoming, team::decline_incoming, team::add_attempt, team::merge, team::reassign,
        team::goal_status, team::caseload, team::search, team::timeline, team::record_mdt, team::mdt_meetings,
        partnership::own_partner_report, partnership::partner_report, partnership::gaps, partnership::network,
        directory::search, directory::service, directory::update_profile
    ),
    components(schemas(ErrorBody, FieldError, handlers::Created, handlers::ReferralRequest, handlers::DeclineRequest, handlers::ConversationRequest, handlers::ContactRequest, handlers::MeasureRequest, handlers::OnwardRequest, handlers::DischargeRequest, handlers::PartnerResponseRequest)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}
