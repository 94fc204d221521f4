//! The JSON API: the same use cases as the pages (`crate::casework`), authenticated with bearer
//! tokens (`linkwork token create`), described by the OpenAPI document at `/api/openapi.json`.
//! Request bodies are JSON objects whose fields have the same names as the HTML forms' fields.

mod directory;
mod handlers;
mod partnership;
mod privacy;
mod onward_loop;
mod team;

use crate::routes::Routes;
use crate::forms::FieldError;
use crate::WebError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::OpenApi;

pub use handlers::*;

pub fn routes() -> Routes {
    Routes::new()
        .get("/openapi.json", || async { Json(ApiDoc::openapi()) })
        .get("/referrals", list_referrals)
        .post("/referrals", create_referral)
        .get("/referrals/{id}", get_referral)
        .post("/referrals/{id}/accept", accept_referral)
        .post("/referrals/{id}/decline", decline_referral)
        .post("/referrals/{id}/conversations", record_conversation)
        .post("/referrals/{id}/contacts", add_contact)
        .post("/referrals/{id}/measures/{instrument}", add_measure)
        .post("/referrals/{id}/onward-referrals", refer_onward)
        .post("/referrals/{id}/discharge", discharge)
        .get("/partner/onward-referrals", partner_list)
        .post("/partner/onward-referrals/{id}", partner_respond)
        .get("/partner/onward-referrals/{id}/events", onward_loop::partner_events)
        .get("/referrals/{id}/onward-events", onward_loop::referral_events)
        .get("/onward/attention", onward_loop::attention)
        .get("/report", report)
        .get("/incoming-referrals", team::list_incoming)
        .post("/incoming-referrals", team::partner_refer)
        .post("/incoming-referrals/{id}/convert", team::convert_incoming)
        .post("/incoming-referrals/{id}/decline", team::decline_incoming)
        .post("/referrals/{id}/attempts", team::add_attempt)
        .post("/referrals/{id}/merge", team::merge)
        .post("/referrals/{id}/reassign", team::reassign)
        .post("/referrals/{id}/goals/{goal_id}", team::goal_status)
        .get("/caseload", team::caseload)
        .get("/people", team::search)
        .get("/people/{id}/timeline", team::timeline)
        .get("/mdt-meetings", team::mdt_meetings)
        .post("/mdt-meetings", team::record_mdt)
        .get("/partner/report", partnership::own_partner_report)
        .get("/reports/partners/{org_id}", partnership::partner_report)
        .get("/reports/gaps", partnership::gaps)
        .get("/reports/network", partnership::network)
        .get("/directory/services", directory::search)
        .get("/directory/services/{id}", directory::service)
        .put("/directory/services/{id}/profile", directory::update_profile)
        .post("/referrals/{id}/identity-conflicts/{conflict_id}", privacy::resolve_conflict)
        .put("/people/{id}/details", privacy::correct_details)
        .get("/people/{id}/subject-access", privacy::subject_access)
        .post("/people/{id}/restrict", privacy::restrict)
        .post("/people/{id}/lift-restriction", privacy::lift_restriction)
        .post("/people/{id}/erase", privacy::erase)
        .get("/audit", privacy::audit)
        .merge(crate::fhir::api_routes())
        .map_router(|r| r.fallback(|| async { ApiError(WebError::NotFound) }))
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
        directory::search, directory::service, directory::update_profile,
        privacy::resolve_conflict, privacy::correct_details, privacy::subject_access, privacy::restrict, privacy::lift_restriction, privacy::erase, privacy::audit
    ),
    components(schemas(ErrorBody, FieldError, handlers::Created, handlers::ReferralRequest, handlers::DeclineRequest, handlers::ConversationRequest, handlers::ContactRequest, handlers::MeasureRequest, handlers::OnwardRequest, handlers::DischargeRequest, handlers::PartnerResponseRequest, privacy::ResolutionRequest, privacy::DetailsRequest, privacy::ReasonRequest, privacy::EraseRequest)),
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
