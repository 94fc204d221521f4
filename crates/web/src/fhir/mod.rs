//! The FHIR R4 interface (docs/fhir.md): a GP system sends a referral as a `ServiceRequest`, follows
//! it through its `Task` (the HL7 Gravity closed-loop pattern), and gets the coded events back for
//! the GP record.
//!
//! - `receive.rs`: the ways a referral comes in — `POST /fhir/ServiceRequest`, a UK Core
//!   `transaction` Bundle to `POST /fhir`, a BaRS message to `POST /fhir/$process-message`
//!   (`message.rs`) — each saved once.
//! - `intake.rs`: reading the referral out of the ServiceRequest; `references.rs`: following its
//!   references to the Patient, Organization and PractitionerRole sent with it.
//! - `task.rs`: `GET /fhir/ServiceRequest/{id}`, `GET /fhir/Task/{id}`, `GET /fhir/Task?focus=…`.
//! - `resources.rs`: the JSON builders (plain `serde_json`, no FHIR crate).
//! - `outcome.rs`: errors as `OperationOutcome`.
//! - `capability.rs`: `GET /fhir/metadata`, the CapabilityStatement, from the route table.
//! - `codes.rs`: `GET /fhir/CodeSystem/{id}` and `/fhir/ValueSet/{id}`, Linkwork's own codes.
//!
//! Authentication is the JSON API's bearer token ([`crate::auth::ApiClient`]); only roles that do
//! casework may use it, and only for their own PCN's referrals (others answer 404).

mod capability;
mod codes;
mod intake;
mod message;
mod outcome;
mod receive;
mod references;
mod task;

use crate::routes::Routes;
use crate::auth::ApiClient;
use crate::{AppState, WebError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub use linkwork_app::fhir::{export_gp_record, GpRecordFormat};
pub use outcome::FhirError;

/// The media type of every FHIR response.
pub use linkwork_app::fhir::FHIR_JSON;

/// Routes under `/fhir`.
pub fn routes() -> Routes {
    Routes::new()
        .get("/metadata", capability::metadata)
        .post("/", receive::transaction)
        .post("/$process-message", message::process_message)
        .post("/ServiceRequest", receive::create_service_request)
        .get("/ServiceRequest/{id}", task::read_service_request)
        .get("/Task", task::search_tasks)
        .get("/Task/{id}", task::read_task)
        .put("/Task/{id}", task::update_task)
        .get("/CodeSystem/{id}", codes::read_code_system)
        .get("/ValueSet/{id}", codes::read_value_set)
        .map_router(|r| r.fallback(|| async { FhirError::Web(WebError::NotFound) }))
}

/// A FHIR API client: the JSON API's bearer token, with failures answered as `OperationOutcome`.
pub struct FhirClient(pub ApiClient);

impl FromRequestParts<AppState> for FhirClient {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        ApiClient::from_request_parts(parts, state).await.map(FhirClient).map_err(|e| FhirError::Web(e.0))
    }
}

/// The address this server's FHIR resources are reached at (for `Location`, `Link` and
/// `Bundle.entry.fullUrl`): the configured public URL ([`crate::WebConfig::public_url`]), never
/// the request's `Host` header, which the client chooses (a forged one would put another site's
/// address in the links a GP system follows).
pub struct BaseUrl(pub String);

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(BaseUrl(state.config.public_url.trim_end_matches('/').to_owned()))
    }
}

/// The answer to a FHIR request refused at the boundary (`boundary::refuse_control_characters`):
/// field problems become issues located at their JSON path.
pub(crate) fn boundary_error(error: WebError) -> Response {
    match error {
        WebError::Invalid(fields) => FhirError::Invalid(fields.into_iter().map(|f| outcome::Issue::invalid(f.field, f.message)).collect()).into_response(),
        other => FhirError::Web(other).into_response(),
    }
}

/// Whether a request is the FHIR interface's (whose errors are `OperationOutcome`s): `/fhir`
/// itself (a transaction) or under it.
pub(crate) fn is_fhir_path(path: &str) -> bool {
    path == "/fhir" || path.starts_with("/fhir/")
}

/// A body over the size limit.
pub(crate) fn too_large() -> Response {
    let issue = outcome::Issue { code: "too-costly", diagnostics: "The body is too large: send at most 2 MiB".into(), expression: None };
    fhir_response(StatusCode::PAYLOAD_TOO_LARGE, &outcome::operation_outcome(&[issue]))
}

/// A FHIR JSON response with a status.
pub fn fhir_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))], body.to_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkwork_app::fhir::resources;
    use linkwork_domain::access::OrgKind;
    use linkwork_app::store::Org;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn org(id: &str, kind: OrgKind, ods: &str) -> Org {
        Org { id: id.into(), kind, name: format!("{id} name"), ods_code: Some(ods.into()), parent_id: None, list_size: None }
    }

    const NEED_SYSTEM: &str = "https://spl.example.nhs.uk/fhir/CodeSystem/need-domain";

    /// The example ServiceRequest of docs/fhir.md.
    fn service_request() -> Value {
        json!({
            "resourceType": "ServiceRequest",
            "contained": [{
                "resourceType": "Patient", "id": "patient",
                "identifier": [{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919" }],
                "name": [{ "use": "official", "family": "Test", "given": ["Ada"] }],
                "gender": "female", "birthDate": "1948-02-29",
                "address": [{ "postalCode": "LS1 4AP" }],
                "extension": [{ "url": resources::ETHNIC_CATEGORY_EXTENSION, "valueCodeableConcept": { "coding": [{ "system": resources::ETHNIC_CATEGORY_SYSTEM, "code": "A" }] } }],
                "generalPractitioner": [{ "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "Z00001" } }],
            }],
            "status": "active", "intent": "order",
            "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "871731000000106" }] },
            "subject": { "reference": "#patient" }, "authoredOn": "2026-11-02", "requester": { "display": "Dr Patel" },
            "performer": [{ "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "U99999" } }],
            "reasonCode": [{ "coding": [{ "system": NEED_SYSTEM, "code": "loneliness" }], "text": "Lonely" }],
            "note": [{ "text": "Mornings" }],
        })
    }

    fn json() -> impl Strategy<Value = Value> {
        let text = prop_oneof![any::<String>(), "[A-Za-z0-9 #/:.\\-\u{0}\u{1}]{0,12}", Just("9434765919".to_owned()), Just("2026-11-02".to_owned()), Just("#patient".to_owned())];
        let leaf = prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::Bool), any::<i64>().prop_map(Value::from), text.prop_map(Value::String)];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| pointers(v, format!("{at}/{k}"), out)),
            Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
            _ => {}
        }
    }

    #[test]
    fn the_example_parses() {
        let pcn = org("pcn", OrgKind::Pcn, "U99999");
        let practices = [org("prac", OrgKind::Practice, "Z00001")];
        assert!(intake::parse(&service_request(), &pcn, &practices, time::macros::date!(2026 - 11 - 20), NEED_SYSTEM).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512), ..ProptestConfig::default() })]

        /// A ServiceRequest with any one element replaced (or removed) is read or refused with
        /// located issues: never a panic, and what is read holds no control character.
        #[test]
        fn a_mutated_service_request_is_read_or_refused_with_issues(replacement in json(), at in any::<u32>(), remove in any::<bool>()) {
            let mut sr = service_request();
            let mut slots = Vec::new();
            pointers(&sr, String::new(), &mut slots);
            let pointer = slots[at as usize % slots.len()].clone();
            match pointer.rsplit_once('/') {
                Some((parent, key)) if remove => {
                    match sr.pointer_mut(parent) {
                        Some(Value::Object(map)) => { map.remove(key); }
                        Some(Value::Array(items)) => { if let Ok(i) = key.parse::<usize>() { if i < items.len() { items.remove(i); } } }
                        _ => {}
                    }
                }
                _ => { if let Some(slot) = sr.pointer_mut(&pointer) { *slot = replacement; } }
            }
            let pcn = org("pcn", OrgKind::Pcn, "U99999");
            let practices = [org("prac", OrgKind::Practice, "Z00001")];
            match intake::parse(&sr, &pcn, &practices, time::macros::date!(2026 - 11 - 20), NEED_SYSTEM) {
                Ok(intake) => {
                    for text in [intake.person.given_name.as_str(), intake.person.family_name.as_str(), intake.referrer_name.as_str(), intake.reason.as_str()] {
                        prop_assert!(linkwork_domain::forbidden_character(text, linkwork_domain::Lines::Many).is_none(), "{:?}", text);
                    }
                }
                Err(issues) => {
                    prop_assert!(!issues.is_empty());
                    prop_assert!(issues.iter().all(|i| !i.diagnostics.is_empty()));
                }
            }
        }
    }
}
