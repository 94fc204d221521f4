//! The JSON API: the same use cases as the pages (`linkwork_app::casework`), authenticated with bearer
//! tokens (`linkwork token create`), described by the OpenAPI document at `/api/openapi.json`.
//! Request bodies are JSON objects whose fields have the same names as the HTML forms' fields.

pub(crate) mod contract;
mod gp_record;
mod directory;
mod handlers;
mod paging;
mod partnership;
mod privacy;
mod onward_loop;
mod team;

use crate::routes::Routes;
use linkwork_app::forms::FieldError;
use crate::WebError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::OpenApi;

pub use handlers::*;

pub fn routes() -> Routes {
    Routes::new()
        .get("/openapi.json", openapi_json)
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
        .post("/partner/onward-referrals/{id}/undo", partner_undo)
        .post("/referrals/{id}/reopen", reopen_referral)
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
        .get("/referrals/{id}/gp-record", gp_record::referral_gp_record)
        .get("/referrals/{id}/gp-message", gp_record::referral_gp_message)
        .get("/gp-record", gp_record::pcn_gp_record)
        .map_router(|r| r.fallback(|| async { ApiError(WebError::NotFound) }))
}

/// An API error: `{"error": code, "message": text, "fields": [{field, message}]}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable: bad_request, unauthenticated, forbidden, not_found, conflict, too_large,
    /// unsupported_media_type, invalid, internal.
    #[schema(value_type = String)]
    pub error: &'static str,
    pub message: String,
    /// For `invalid`: every field with a problem.
    pub fields: Vec<FieldError>,
}

impl From<linkwork_app::AppError> for ApiError {
    fn from(e: linkwork_app::AppError) -> Self {
        ApiError(e.into())
    }
}

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError(e)
    }
}

impl From<linkwork_app::store::StoreError> for ApiError {
    fn from(e: linkwork_app::store::StoreError) -> Self {
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

/// A body over the size limit, refused at the boundary (`boundary::refuse_control_characters`).
pub(crate) fn too_large() -> contract::RequestError {
    contract::too_large()
}

/// The OpenAPI document: built once (it never changes while the server runs).
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", security(()), responses((status = 200, description = "This document (OpenAPI 3.1)", body = Object)))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    Json(DOC.get_or_init(ApiDoc::openapi).clone())
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Linkwork API", description = "Social prescribing casework, partner responses and evaluation figures. Authenticate with `Authorization: Bearer <token>` from `linkwork token create`. Every error is an `ErrorBody`."),
    paths(
        openapi_json,
        handlers::list_referrals, handlers::create_referral, handlers::get_referral, handlers::accept_referral, handlers::decline_referral,
        handlers::record_conversation, handlers::add_contact, handlers::add_measure, handlers::refer_onward, handlers::discharge,
        handlers::partner_list, handlers::partner_respond, handlers::partner_undo, handlers::reopen_referral, handlers::report, onward_loop::partner_events, onward_loop::referral_events, onward_loop::attention,
        team::partner_refer, team::list_incoming, team::convert_incoming, team::decline_incoming, team::add_attempt, team::merge, team::reassign,
        team::goal_status, team::caseload, team::search, team::timeline, team::record_mdt, team::mdt_meetings,
        partnership::own_partner_report, partnership::partner_report, partnership::gaps, partnership::network,
        directory::search, directory::service, directory::update_profile,
        gp_record::referral_gp_record, gp_record::referral_gp_message, gp_record::pcn_gp_record,
        privacy::resolve_conflict, privacy::correct_details, privacy::subject_access, privacy::restrict, privacy::lift_restriction, privacy::erase, privacy::audit
    ),
    components(schemas(ErrorBody, FieldError)),
    modifiers(&CommonResponses),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// What every route shares, added to each operation so no route can leave it out: the bearer
/// scheme and 401 (routes that need a token), 400/413/415 (routes that read a JSON body: see
/// [`contract::JsonBody`]), 422 (any route: a control character in a query parameter is refused
/// before the route runs) and 500.
struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        use utoipa::openapi::{Ref, RefOr};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        for (name, response) in contract::error_components() {
            components.responses.insert(name.to_owned(), RefOr::T(response));
        }
        let global_security = openapi.security.clone();
        for item in openapi.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post, &mut item.put].into_iter().flatten() {
                // `security(())` on an operation (the document itself) means no token is needed.
                let public = op.security.as_ref().is_some_and(|s| s.iter().all(|r| r == &Default::default()));
                let mut add = |status: &str, name: &str| {
                    op.responses.responses.entry(status.to_owned()).or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
                };
                if !public && global_security.is_some() {
                    add("401", "Unauthenticated");
                }
                if op.request_body.is_some() {
                    add("400", "BadJson");
                    add("413", "TooLarge");
                    add("415", "NotJson");
                }
                add("422", "Invalid");
                add("500", "Internal");
            }
        }
    }
}
