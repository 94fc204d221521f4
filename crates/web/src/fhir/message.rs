//! `POST /fhir/$process-message`: a referral sent as an NHS Booking and Referral Standard (BaRS)
//! message — a `message` Bundle whose first entry is a MessageHeader naming the referral-request
//! event and pointing (`focus`) at the ServiceRequest, with the Patient, Organization,
//! Practitioner, PractitionerRole, HealthcareService, Encounter … as other entries.
//!
//! Answered as BaRS (API 1.4.0) asks of a receiver, synchronously:
//! - `X-Request-ID` and `X-Correlation-ID` are required and echoed back;
//! - accepted: 200, the request Bundle echoed (as the specification's example), with the
//!   referral's ServiceRequest in `Content-Location` and its Task in `Link`;
//! - refused: the HTTP status and an OperationOutcome listing every problem at its FHIRPath,
//!   `details` coded in BaRS's `http-error-codes` (`REC_BAD_REQUEST` …);
//! - the same message again (same request and correlation ids from the same organisation):
//!   409 `REC_CONFLICT`, issue `duplicate`, which BaRS lets a sender take as confirmation that
//!   the first was received; no second referral is made.

use super::intake::ods_identifier;
use super::outcome::{operation_outcome, Issue};
use super::receive::{accept, json_body};
use super::references::Sent;
use super::{fhir_response, BaseUrl, FhirClient, FhirError};
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

/// BaRS's message events (`MessageHeader.eventCoding`), and the referral request's.
pub const BARS_EVENTS: &str = "https://fhir.nhs.uk/CodeSystem/message-events-bars";
pub const REFERRAL_REQUEST: &str = "servicerequest-request";
/// BaRS's error codes (`OperationOutcome.issue.details`), spelt as BaRS spells it.
pub const BARS_ERROR_CODES: &str = "https://fhir.nhs.uk/Codesystem/http-error-codes";

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const CORRELATION_ID: HeaderName = HeaderName::from_static("x-correlation-id");

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The ServiceRequest entry the message's MessageHeader points at, once the header is checked:
/// the referral-request event, a focus on a ServiceRequest of the message, and a receiver that
/// is this service (when it names one by ODS code).
fn request_entry(bundle: &Value, service_ods: Option<&str>) -> Result<usize, Vec<Issue>> {
    if str_of(bundle, "resourceType") != Some("Bundle") {
        return Err(vec![Issue::invalid("resourceType", "Send a Bundle of type message whose first entry is a MessageHeader")]);
    }
    if str_of(bundle, "type") != Some("message") {
        return Err(vec![Issue::invalid("Bundle.type", format!("Bundle.type must be \"message\", not {}", str_of(bundle, "type").map_or("missing".into(), |t| format!("\"{t}\""))))]);
    }
    let entries = bundle.get("entry").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let Some(message_header) = entries.first().and_then(|e| e.get("resource")).filter(|r| str_of(r, "resourceType") == Some("MessageHeader")) else {
        return Err(vec![Issue::invalid("Bundle.entry[0]", "The first entry of a message must be its MessageHeader")]);
    };
    let at = "Bundle.entry[0].resource";
    let mut issues = Vec::new();
    let event = message_header.get("eventCoding");
    let (system, code) = (event.and_then(|e| str_of(e, "system")), event.and_then(|e| str_of(e, "code")));
    if (system, code) != (Some(BARS_EVENTS), Some(REFERRAL_REQUEST)) {
        issues.push(Issue {
            code: "not-supported",
            diagnostics: format!("Linkwork receives referrals: eventCoding must be {REFERRAL_REQUEST} in {BARS_EVENTS}, not {}", code.unwrap_or("missing")),
            expression: Some(format!("{at}.eventCoding")),
        });
    }
    let sent = Sent { request: &Value::Null, bundle: Some(bundle) };
    // "The receiver must initially ensure it is for them."
    if let Some(service_ods) = service_ods {
        for (d, destination) in message_header.get("destination").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
            let receiver = destination.get("receiver");
            let ods = receiver.and_then(|r| ods_identifier(r).or_else(|| sent.follow(r, "Organization").and_then(|o| ods_identifier(o.resource))));
            if let Some(ods) = ods.filter(|ods| !ods.eq_ignore_ascii_case(service_ods)) {
                issues.push(Issue::invalid(format!("{at}.destination[{d}].receiver"), format!("This message is for the organisation with ODS code {ods}, not for this service ({service_ods})")));
            }
        }
    }
    let focus = message_header.get("focus").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let request = focus.iter().find_map(|f| sent.follow(f, "ServiceRequest"));
    let index = request.and_then(|found| found.path.trim_start_matches("Bundle.entry[").split(']').next().and_then(|i| i.parse().ok()));
    if index.is_none() {
        issues.push(Issue::invalid(format!("{at}.focus"), "The MessageHeader's focus must reference the ServiceRequest entry of the message (by its fullUrl)"));
    }
    match index {
        Some(index) if issues.is_empty() => Ok(index),
        _ => Err(issues),
    }
}

/// BaRS's error code for an HTTP status a receiver answers with.
fn bars_error_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 415 | 422 => "REC_BAD_REQUEST",
        401 => "REC_UNAUTHORIZED",
        403 => "REC_FORBIDDEN",
        404 => "REC_NOT_FOUND",
        409 => "REC_CONFLICT",
        413 => "REC_BAD_REQUEST",
        _ => "REC_SERVER_ERROR",
    }
}

/// An error answer as BaRS gives it: `status` and an OperationOutcome whose every issue carries
/// BaRS's error code in `details`. A content problem is BaRS's 400, not FHIR's 422.
fn refusal(status: StatusCode, issues: &[Issue]) -> (StatusCode, Value) {
    let status = if status == StatusCode::UNPROCESSABLE_ENTITY { StatusCode::BAD_REQUEST } else { status };
    let mut outcome = operation_outcome(issues);
    add_error_code(&mut outcome, status);
    (status, outcome)
}

/// Puts BaRS's error code for `status` in every issue's `details`.
fn add_error_code(outcome: &mut Value, status: StatusCode) {
    let code = bars_error_code(status);
    for issue in outcome["issue"].as_array_mut().into_iter().flatten() {
        issue["details"] = json!({ "coding": [{ "system": BARS_ERROR_CODES, "code": code, "display": format!("{} - {code}", status.as_u16()) }] });
    }
}

fn with_ids(mut response: Response, ids: &[(HeaderName, HeaderValue)]) -> Response {
    for (name, value) in ids {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}

pub async fn process_message(State(state): State<AppState>, FhirClient(client): FhirClient, BaseUrl(base): BaseUrl, headers: HeaderMap, body: Bytes) -> Response {
    let ids: Vec<(HeaderName, HeaderValue)> = [REQUEST_ID, CORRELATION_ID].into_iter().filter_map(|name| headers.get(&name).cloned().map(|v| (name, v))).collect();
    // A token that is missing or refused never gets here: the FHIR interface's own 401 answers it.
    let answer = match receive(&state, &client, &base, &headers, &body).await {
        Ok(response) => response,
        Err(error) => {
            let (status, issues) = error.into_issues();
            let (status, outcome) = refusal(status, &issues);
            fhir_response(status, &outcome)
        }
    };
    with_ids(answer, &ids)
}

async fn receive(state: &AppState, client: &crate::auth::ApiClient, base: &str, headers: &HeaderMap, body: &Bytes) -> Result<Response, FhirError> {
    let to = linkwork_app::fhir::intake::destination(&*state.store, &client.actor).await?;
    let uuid_header = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| uuid::Uuid::parse_str(v).is_ok()).map(str::to_owned);
    let (request_id, correlation_id) = (uuid_header(&REQUEST_ID), uuid_header(&CORRELATION_ID));
    let missing: Vec<Issue> = [("X-Request-ID", &request_id), ("X-Correlation-ID", &correlation_id)]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(name, _)| Issue { code: "required", diagnostics: format!("Send the {name} header, a UUID, as BaRS requires"), expression: None })
        .collect();
    if !missing.is_empty() {
        return Err(FhirError::Invalid(missing));
    }
    let bundle = json_body(headers, body, "a message Bundle")?;
    let index = request_entry(&bundle, to.pcn.ods_code.as_deref()).map_err(FhirError::Invalid)?;
    let sent = Sent { request: &bundle["entry"][index]["resource"], bundle: Some(&bundle) };
    let key = format!("bars:{}:{}", correlation_id.unwrap_or_default(), request_id.unwrap_or_default());
    let accepted = accept(state, client, base, to, &sent, &format!("Bundle.entry[{index}].resource"), Some(key)).await?;
    if accepted.replayed {
        let issue = Issue { code: "duplicate", diagnostics: format!("The message has been identified as having already been processed: its referral is {base}/fhir/ServiceRequest/{}", accepted.id), expression: None };
        let (status, outcome) = refusal(StatusCode::CONFLICT, &[issue]);
        return with_location(fhir_response(status, &outcome), base, &accepted.id);
    }
    with_location(fhir_response(StatusCode::OK, &bundle), base, &accepted.id)
}

/// The referral's ServiceRequest (`Content-Location`) and its Task (`Link`).
fn with_location(mut response: Response, base: &str, id: &str) -> Result<Response, FhirError> {
    let location = format!("{base}/fhir/ServiceRequest/{id}");
    let task = format!("<{base}/fhir/Task/{id}>; rel=\"related\"; type=\"{}\"", super::FHIR_JSON);
    for (name, value) in [(header::CONTENT_LOCATION, location), (header::LINK, task)] {
        let value = HeaderValue::from_str(&value).map_err(|e| WebError::Internal(e.to_string()))?;
        response.headers_mut().insert(name, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Value {
        json!({"resourceType": "Bundle", "type": "message", "entry": [
            {"fullUrl": "urn:uuid:5b1ff3a6-0000-4000-8000-000000000001", "resource": {"resourceType": "MessageHeader", "id": "5b1ff3a6-0000-4000-8000-000000000001",
                "eventCoding": {"system": BARS_EVENTS, "code": REFERRAL_REQUEST}, "source": {"endpoint": "https://gp.example/fhir"},
                "destination": [{"endpoint": "https://fhir.nhs.uk/Id/dos-service-id|1", "receiver": {"reference": "urn:uuid:5b1ff3a6-0000-4000-8000-000000000003"}}],
                "focus": [{"reference": "urn:uuid:5b1ff3a6-0000-4000-8000-000000000002"}]}},
            {"fullUrl": "urn:uuid:5b1ff3a6-0000-4000-8000-000000000002", "resource": {"resourceType": "ServiceRequest"}},
            {"fullUrl": "urn:uuid:5b1ff3a6-0000-4000-8000-000000000003", "resource": {"resourceType": "Organization",
                "identifier": [{"system": "https://fhir.nhs.uk/id/ods-organization-code", "value": "U99999"}]}},
        ]})
    }

    #[test]
    fn the_header_points_at_the_service_request() {
        assert_eq!(request_entry(&message(), Some("U99999")), Ok(1));
    }

    #[test]
    fn a_message_for_another_organisation_is_refused() {
        let issues = request_entry(&message(), Some("U88888")).unwrap_err();
        assert_eq!(issues[0].expression.as_deref(), Some("Bundle.entry[0].resource.destination[0].receiver"));
        assert!(issues[0].diagnostics.contains("for the organisation with ODS code U99999, not for this service (U88888)"), "{}", issues[0].diagnostics);
    }

    #[test]
    fn only_a_referral_request_is_received() {
        let mut bundle = message();
        bundle["entry"][0]["resource"]["eventCoding"]["code"] = json!("booking-request");
        bundle["entry"][0]["resource"]["focus"][0]["reference"] = json!("urn:uuid:other");
        let issues = request_entry(&bundle, None).unwrap_err();
        let paths: Vec<&str> = issues.iter().filter_map(|i| i.expression.as_deref()).collect();
        assert_eq!(paths, ["Bundle.entry[0].resource.eventCoding", "Bundle.entry[0].resource.focus"]);
        assert_eq!(issues[0].code, "not-supported");
    }

    #[test]
    fn a_content_problem_is_barss_bad_request_with_its_code() {
        let (status, outcome) = refusal(StatusCode::UNPROCESSABLE_ENTITY, &[Issue::invalid("Bundle.entry[1].resource.subject", "x")]);
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(outcome["issue"][0]["details"]["coding"][0]["code"], "REC_BAD_REQUEST");
        assert_eq!(outcome["issue"][0]["details"]["coding"][0]["system"], BARS_ERROR_CODES);
        assert_eq!(outcome["issue"][0]["expression"][0], "Bundle.entry[1].resource.subject");
    }
}
