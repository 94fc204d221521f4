//! The three ways a referral arrives over FHIR, all read by `intake::parse_sent` and saved by
//! [`accept`]:
//!
//! - `POST /fhir/ServiceRequest`: a ServiceRequest with its Patient contained (201, the
//!   ServiceRequest as kept);
//! - `POST /fhir`: a UK Core `transaction` Bundle, the ServiceRequest with its Patient,
//!   Organization and PractitionerRole as other entries (200, a `transaction-response`);
//! - `POST /fhir/$process-message`: a BaRS referral `message` Bundle (`message.rs`).
//!
//! Each is saved once: a request that names itself (the ServiceRequest's `identifier`, or the
//! message's id) and comes again from the same organisation answers with the referral the first
//! made, as the web forms do (`linkwork_app::once`, kept a day).

use super::intake::{parse_sent, Intake};
use super::outcome::Issue;
use super::references::Sent;
use super::{fhir_response, BaseUrl, FhirClient, FhirError};
use crate::auth::ApiClient;
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use linkwork_app::clock::today;
use linkwork_app::fhir::code_systems::OwnCodeSystem;
use linkwork_app::fhir::intake::{destination, Destination};
use linkwork_app::fhir::resources::{self, PatientLink};
use linkwork_app::fhir::{load, Loaded};
use linkwork_app::once;
use linkwork_app::store::{FormClaim, NewReferral};
use linkwork_domain::casework::referral::ReferralSource;
use linkwork_domain::ids::ReferralId;
use serde_json::{json, Value};

/// A referral saved (or found saved by the same request before).
pub(super) struct Accepted {
    pub id: String,
    pub loaded: Loaded,
    /// The same request had been received before: nothing new was saved.
    pub replayed: bool,
}

/// The body as a JSON object, or the reason it is not one.
pub(super) fn json_body(headers: &HeaderMap, body: &Bytes, what: &str) -> Result<Value, FhirError> {
    if !is_json(headers) {
        return Err(FhirError::UnsupportedMediaType);
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| FhirError::Structure(format!("The body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(FhirError::Structure(format!("The body must be a JSON object: {what}")));
    }
    Ok(value)
}

/// `application/fhir+json` or `application/json`, with or without parameters.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/fhir+json" || essence == "application/json"
}

/// Reads the ServiceRequest of `sent` and saves its referral for `to` (the handler looked it up
/// first, so a role that may not refer is refused before the body is read) once per `key`. `at`
/// is the ServiceRequest's FHIRPath in what was posted (`Bundle.entry[1].resource`), where its
/// problems are reported.
pub(super) async fn accept(state: &AppState, client: &ApiClient, base: &str, to: Destination, sent: &Sent<'_>, at: &str, key: Option<String>) -> Result<Accepted, FhirError> {
    let intake = parse_sent(sent, &to.pcn, &to.practices, today(), &OwnCodeSystem::NeedDomain.url(base), &to.snomed_needs).map_err(|issues| FhirError::Invalid(located(issues, at)))?;
    // One sender's identifiers are its own: the key is kept per organisation, and only its hash.
    let key = key.map(|k| format!("fhir:{}:{k}", client.actor.org_id));
    if let Some(key) = &key {
        match once::claim(&*state.store, key).await? {
            FormClaim::Done(id) => {
                let loaded = load(&*state.store, &client.actor, &client.audit(), &ReferralId::from(id.clone())).await?;
                return Ok(Accepted { id, loaded, replayed: true });
            }
            FormClaim::InProgress => return Err(WebError::Conflict("This referral is being saved from an earlier request with the same identifier: wait a few seconds and send it again".into()).into()),
            FormClaim::New => {}
        }
    }
    let saved = save(state, client, to, intake).await;
    if let Some(key) = &key {
        // A failed save frees the key, so the corrected request can be sent.
        let recorded = match &saved {
            Ok((id, _)) => once::finish(&*state.store, key, id).await,
            Err(_) => once::release(&*state.store, key).await,
        };
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "could not record a FHIR request's identifier");
        }
    }
    let (id, loaded) = saved?;
    Ok(Accepted { id, loaded, replayed: false })
}

async fn save(state: &AppState, client: &ApiClient, to: Destination, intake: Intake) -> Result<(String, Loaded), FhirError> {
    // An ethnic category left out is "not stated", which never replaces one the service holds
    // (`linkwork_domain::person::identity::other_changes`).
    let referral = NewReferral {
        service_org_id: to.pcn.id.clone(),
        person: intake.person,
        practice_id: Some(intake.practice_id),
        source: ReferralSource::GpPractice,
        referrer_name: intake.referrer_name,
        reason: intake.reason,
        needs: intake.needs,
        needs_to_confirm: intake.needs_to_confirm,
        referred_on: intake.referred_on,
        assigned_worker_id: None,
        consent: Default::default(),
        contact: intake.contact,
    };
    Ok(linkwork_app::fhir::intake::create(&*state.store, &client.audit(), to, referral).await?)
}

/// Problems found in the ServiceRequest, re-rooted at where it was in what was posted.
fn located(issues: Vec<Issue>, at: &str) -> Vec<Issue> {
    issues
        .into_iter()
        .map(|mut issue| {
            issue.expression = issue.expression.map(|e| match e.strip_prefix("ServiceRequest") {
                Some(rest) if at != "ServiceRequest" && (rest.is_empty() || rest.starts_with('.')) => format!("{at}{rest}"),
                _ => e,
            });
            issue
        })
        .collect()
}

/// A request's own identity, for saving it once: its first identifier's `system|value` (a
/// ServiceRequest has a list of them, a Bundle one).
pub(super) fn identifier_key(resource: &Value) -> Option<String> {
    let identifiers = match resource.get("identifier")? {
        Value::Array(list) => list.iter().collect(),
        one @ Value::Object(_) => vec![one],
        _ => return None,
    };
    identifiers.into_iter().find_map(|i| {
        let value = i.get("value").and_then(Value::as_str).map(str::trim).filter(|v| !v.is_empty())?;
        Some(format!("{}|{value}", i.get("system").and_then(Value::as_str).unwrap_or_default()))
    })
}

/// `POST /fhir/ServiceRequest`: 201 with the ServiceRequest as kept, its address in `Location`
/// and its Task's in `Link`; 200 with the same when the identifier was sent before.
pub async fn create_service_request(State(state): State<AppState>, FhirClient(client): FhirClient, BaseUrl(base): BaseUrl, headers: HeaderMap, body: Bytes) -> Result<Response, FhirError> {
    let to = destination(&*state.store, &client.actor).await?;
    let value = json_body(&headers, &body, "a ServiceRequest resource")?;
    let accepted = accept(&state, &client, &base, to, &Sent::alone(&value), "ServiceRequest", identifier_key(&value)).await?;
    let status = if accepted.replayed { StatusCode::OK } else { StatusCode::CREATED };
    let mut response = fhir_response(status, &resources::service_request(&accepted.loaded.ctx(&base), PatientLink::Contained));
    let location = format!("{base}/fhir/ServiceRequest/{}", accepted.id);
    let task = format!("<{base}/fhir/Task/{}>; rel=\"related\"; type=\"{}\"", accepted.id, super::FHIR_JSON);
    for (name, value) in [(header::LOCATION, location), (header::LINK, task)] {
        let value = HeaderValue::from_str(&value).map_err(|e| WebError::Internal(e.to_string()))?;
        response.headers_mut().insert(name, value);
    }
    Ok(response)
}

/// The one ServiceRequest entry of a Bundle, with its index, or the problem.
pub(super) fn service_request_entry(bundle: &Value) -> Result<(usize, &Value), FhirError> {
    let entries = bundle.get("entry").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let requests: Vec<(usize, &Value)> =
        entries.iter().enumerate().filter_map(|(i, e)| e.get("resource").filter(|r| r.get("resourceType").and_then(Value::as_str) == Some("ServiceRequest")).map(|r| (i, r))).collect();
    match requests.as_slice() {
        [one] => Ok(*one),
        [] => Err(FhirError::Invalid(vec![Issue::invalid("Bundle.entry", "The Bundle has no ServiceRequest entry: a referral is sent as a ServiceRequest with its Patient")])),
        [_, second, ..] => Err(FhirError::Invalid(vec![Issue::invalid(
            format!("Bundle.entry[{}].resource", second.0),
            "The Bundle has more than one ServiceRequest: send one referral per Bundle",
        )])),
    }
}

/// `POST /fhir` with a `transaction` Bundle (UK Core): the referral in it saved in one go, or
/// nothing saved and every problem listed. The answer is a `transaction-response` with an entry
/// per entry sent: the ServiceRequest created (`201 Created`, its address), the others read into
/// it (`200 OK`; Linkwork keeps them as part of the referral, not as resources of their own).
pub async fn transaction(State(state): State<AppState>, FhirClient(client): FhirClient, BaseUrl(base): BaseUrl, headers: HeaderMap, body: Bytes) -> Result<Response, FhirError> {
    let to = destination(&*state.store, &client.actor).await?;
    let bundle = json_body(&headers, &body, "a Bundle of type transaction")?;
    if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Err(FhirError::Invalid(vec![Issue::invalid("resourceType", "Send a Bundle of type transaction to [base]/fhir (or a ServiceRequest to [base]/fhir/ServiceRequest)")]));
    }
    match bundle.get("type").and_then(Value::as_str) {
        Some("transaction") => {}
        Some("message") => return Err(FhirError::Invalid(vec![Issue::invalid("Bundle.type", "A message Bundle goes to [base]/fhir/$process-message")])),
        other => return Err(FhirError::Invalid(vec![Issue::invalid("Bundle.type", format!("Bundle.type must be \"transaction\", not {}", other.map_or("missing".into(), |t| format!("\"{t}\""))))])),
    }
    let (index, request) = service_request_entry(&bundle)?;
    let entries = bundle.get("entry").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut issues = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let method = entry.get("request").and_then(|r| r.get("method")).and_then(Value::as_str);
        if !matches!(method, Some("POST" | "PUT")) {
            issues.push(Issue::invalid(format!("Bundle.entry[{i}].request.method"), "Each entry of a transaction creates what it holds: request.method must be POST (or PUT)"));
        }
    }
    if !issues.is_empty() {
        return Err(FhirError::Invalid(issues));
    }
    let sent = Sent { request, bundle: Some(&bundle) };
    let key = identifier_key(request).or_else(|| identifier_key(&bundle));
    let accepted = accept(&state, &client, &base, to, &sent, &format!("Bundle.entry[{index}].resource"), key).await?;
    let answers: Vec<Value> = entries
        .iter()
        .enumerate()
        .map(|(i, _)| {
            if i == index {
                let status = if accepted.replayed { "200 OK" } else { "201 Created" };
                json!({ "response": { "status": status, "location": format!("ServiceRequest/{}", accepted.id) } })
            } else {
                json!({ "response": { "status": "200 OK" } })
            }
        })
        .collect();
    let mut response = fhir_response(StatusCode::OK, &json!({ "resourceType": "Bundle", "type": "transaction-response", "entry": answers }));
    let location = HeaderValue::from_str(&format!("{base}/fhir/ServiceRequest/{}", accepted.id)).map_err(|e| WebError::Internal(e.to_string()))?;
    response.headers_mut().insert(header::CONTENT_LOCATION, location);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_reported_where_the_request_was() {
        let issues = vec![Issue::invalid("ServiceRequest.subject", "x"), Issue::invalid("Bundle.entry[2].resource.birthDate", "y"), Issue::invalid("ServiceRequest", "z")];
        let paths: Vec<String> = located(issues, "Bundle.entry[1].resource").into_iter().filter_map(|i| i.expression).collect();
        assert_eq!(paths, ["Bundle.entry[1].resource.subject", "Bundle.entry[2].resource.birthDate", "Bundle.entry[1].resource"]);
    }

    #[test]
    fn a_request_is_known_by_its_first_identifier() {
        assert_eq!(identifier_key(&json!({"identifier": [{"value": " "}, {"system": "https://gp.example/referrals", "value": "R-1"}]})).as_deref(), Some("https://gp.example/referrals|R-1"));
        assert_eq!(identifier_key(&json!({"identifier": {"system": "urn:ietf:rfc:3986", "value": "urn:uuid:1"}})).as_deref(), Some("urn:ietf:rfc:3986|urn:uuid:1"));
        assert_eq!(identifier_key(&json!({"id": "x"})), None);
    }
}
