//! The FHIR R4 interface (docs/fhir.md): a GP system sends a referral as a `ServiceRequest`, follows
//! it through its `Task` (the HL7 Gravity closed-loop pattern), and gets the coded events back for
//! the GP record.
//!
//! - `intake.rs`: `POST /fhir/ServiceRequest` — parse, check, create the referral.
//! - `task.rs`: `GET /fhir/ServiceRequest/{id}`, `GET /fhir/Task/{id}`, `GET /fhir/Task?focus=…`.
//! - `gp_record.rs`: `GET /api/referrals/{id}/gp-record`, `GET /api/gp-record` (FHIR `Bundle` or CSV),
//!   and [`export_gp_record`] for `linkwork export gp-record`.
//! - `resources.rs`: the JSON builders (plain `serde_json`, no FHIR crate).
//! - `outcome.rs`: errors as `OperationOutcome`.
//!
//! Authentication is the JSON API's bearer token ([`crate::auth::ApiClient`]); only roles that do
//! casework may use it, and only for their own PCN's referrals (others answer 404).

mod gp_record;
mod intake;
mod outcome;
mod resources;
mod task;

use crate::routes::Routes;
use crate::auth::ApiClient;
use crate::{AppState, WebError};
use linkwork_domain::access::Actor;
use linkwork_store::{AuditActor, Org, ReferralRecord, Store};
use resources::RecordContext;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub use gp_record::{export_gp_record, GpRecordFormat};
pub use outcome::FhirError;

/// The media type of every FHIR response.
pub const FHIR_JSON: &str = "application/fhir+json";

/// Routes under `/fhir`.
pub fn routes() -> Routes {
    Routes::new()
        .post("/ServiceRequest", intake::create_service_request)
        .get("/ServiceRequest/{id}", task::read_service_request)
        .get("/Task", task::search_tasks)
        .get("/Task/{id}", task::read_task)
        .map_router(|r| r.fallback(|| async { FhirError::Web(WebError::NotFound) }))
}

/// Routes merged into `/api`: the GP-record return (FHIR or CSV).
pub fn api_routes() -> Routes {
    Routes::new()
        .get("/referrals/{id}/gp-record", gp_record::referral_gp_record)
        .get("/gp-record", gp_record::pcn_gp_record)
}

/// A FHIR API client: the JSON API's bearer token, with failures answered as `OperationOutcome`.
pub struct FhirClient(pub ApiClient);

impl FromRequestParts<AppState> for FhirClient {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        ApiClient::from_request_parts(parts, state).await.map(FhirClient).map_err(|e| FhirError::Web(e.0))
    }
}

/// The address this server's FHIR resources are reached at (for `Bundle.entry.fullUrl`), from
/// the request's `Host` and, behind a proxy, `X-Forwarded-Proto`. Without a forwarded scheme,
/// `https` when cookies are marked secure (the server is meant to be reached over TLS).
pub struct BaseUrl(pub String);

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header_str = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty());
        let host = header_str(header::HOST.as_str()).filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))).unwrap_or("localhost");
        let scheme = match header_str("x-forwarded-proto") {
            Some("https") => "https",
            Some("http") => "http",
            _ if state.config.secure_cookies => "https",
            _ => "http",
        };
        Ok(BaseUrl(format!("{scheme}://{host}")))
    }
}

/// A referral this client may read, with the organisations its resources name.
pub(crate) struct Loaded {
    pub record: ReferralRecord,
    pub pcn: Org,
    pub practice: Option<Org>,
}

impl Loaded {
    pub fn ctx(&self) -> RecordContext<'_> {
        RecordContext { record: &self.record, pcn: &self.pcn, practice: self.practice.as_ref() }
    }
}

/// Reads a referral's record (audited as `referral.read`) for a casework actor of its PCN or the
/// GP practice that referred it ([`Actor::may_read_referral`]): 403 for every id for other roles
/// (VCSE partners included), 404 for other organisations' referrals and unknown ids.
pub(crate) async fn load(store: &dyn Store, actor: &Actor, who: &AuditActor, referral_id: &str) -> Result<Loaded, WebError> {
    if !actor.role.reads_referral_records() {
        return Err(WebError::Forbidden);
    }
    let header = store.referral_header(referral_id).await?.ok_or(WebError::NotFound)?;
    if !actor.may_read_referral(&header.service_org_id, header.referred_by_org_id.as_deref()) {
        return Err(WebError::NotFound);
    }
    let mut record = store.referral_record(who, referral_id).await?.ok_or(WebError::NotFound)?;
    if !actor.role.does_casework() {
        // A practice whose referral named someone the service holds with another name or date
        // of birth sees the person it sent until a link worker settles who it is.
        if let Some(conflict) = store.referral_identity_conflicts(referral_id).await?.into_iter().find(|c| c.open) {
            show_stored_person(&mut record, &conflict.incoming);
        }
    }
    load_orgs(store, record).await
}

/// Shows the details a referral was sent with in place of the held person's.
pub(crate) fn show_sent_person(record: &mut ReferralRecord, sent: &linkwork_domain::person::PersonDetails) {
    let practice_id = record.referral.practice_id.clone();
    let stored = linkwork_domain::identity::StoredDetails::of(&linkwork_domain::identity::HeldDetails { person: sent.clone(), practice_id });
    show_stored_person(record, &stored);
}

fn show_stored_person(record: &mut ReferralRecord, sent: &linkwork_domain::identity::StoredDetails) {
    let p = &mut record.person;
    p.given_name = sent.given_name.clone();
    p.family_name = sent.family_name.clone();
    p.date_of_birth = sent.date_of_birth;
    if let Ok(sex) = linkwork_domain::person::Sex::parse(&sent.sex) {
        p.sex = sex;
    }
    if let Ok(ethnicity) = linkwork_domain::person::Ethnicity::parse(&sent.ethnicity) {
        p.ethnicity = ethnicity;
    }
    if let Ok(postcode) = linkwork_domain::Postcode::parse(&sent.postcode) {
        p.postcode = postcode;
    }
}

/// Looks up the PCN and practice of a record already read.
pub(crate) async fn load_orgs(store: &dyn Store, record: ReferralRecord) -> Result<Loaded, WebError> {
    let pcn = store.org(&record.referral.service_org_id).await?.ok_or(WebError::NotFound)?;
    let practice = match &record.referral.practice_id {
        Some(id) => store.org(id).await?,
        None => None,
    };
    Ok(Loaded { record, pcn, practice })
}

/// A FHIR JSON response with a status.
pub fn fhir_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))], body.to_string()).into_response()
}
