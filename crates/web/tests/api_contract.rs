//! The JSON API keeps to its OpenAPI document (`/api/openapi.json`): every route under `/api` is
//! documented and every documented operation is a route; every operation documents the error
//! answers it can give (each an `ErrorBody`) and every request body has a schema; and the answers
//! to malformed requests are the documented ones, on SQLite and PostgreSQL. Schemathesis
//! (`tests/schemathesis/`) then checks the running server against the whole document.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_store::testing::fresh_database_urls;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use support::*;
use utoipa::OpenApi;

fn document() -> Value {
    serde_json::to_value(linkwork_web::api::ApiDoc::openapi()).unwrap()
}

/// (METHOD, path) of every operation in the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.to_ascii_uppercase(), path.clone()));
        }
    }
    out
}

#[test]
fn every_api_route_is_documented_and_every_documented_operation_is_a_route() {
    let routes: BTreeSet<(String, String)> = linkwork_web::route_table().into_iter().filter(|r| r.path.starts_with("/api/")).map(|r| (r.method.to_owned(), r.path)).collect();
    let doc = documented(&document());
    let undocumented: Vec<_> = routes.difference(&doc).collect();
    let not_routes: Vec<_> = doc.difference(&routes).collect();
    assert!(undocumented.is_empty(), "routes missing from /api/openapi.json: {undocumented:?}");
    assert!(not_routes.is_empty(), "documented operations the server does not answer: {not_routes:?}");
    assert!(routes.len() >= 46, "the route table lists the API: {}", routes.len());
}

/// Resolves `{"$ref": "#/components/responses/X"}` within the document.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(reference) => reference.trim_start_matches("#/").split('/').fold(doc, |v, part| &v[part]),
        None => value,
    }
}

#[test]
fn every_operation_documents_its_error_answers_as_error_bodies() {
    let doc = document();
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_ascii_uppercase());
            let responses = op["responses"].as_object().unwrap();
            let has = |status: &str| responses.contains_key(status);
            let public = path == "/api/openapi.json";
            let mut expected = vec!["422", "500"];
            if !public {
                expected.push("401");
            }
            if op.get("requestBody").is_some() {
                expected.extend(["400", "413", "415"]);
            }
            if path.contains('{') {
                expected.push("404");
            }
            problems.extend(expected.iter().filter(|s| !has(s)).map(|s| format!("{name}: no {s}")));
            if !responses.keys().any(|s| s.starts_with('2')) {
                problems.push(format!("{name}: no success answer"));
            }
            for (status, response) in responses {
                let response = resolve(&doc, response);
                if !status.starts_with('2') && response["content"]["application/json"]["schema"]["$ref"] != "#/components/schemas/ErrorBody" {
                    problems.push(format!("{name}: {status} is not an ErrorBody"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Operations that read a body: each has a schema with properties, and the ones that change a
/// record say which fields are required.
#[test]
fn every_request_body_has_a_schema() {
    let doc = document();
    let mut bodies = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let reads_body = matches!(method.as_str(), "post" | "put") && !["/accept", "/merge", "/lift-restriction", "/undo"].iter().any(|end| path.ends_with(end));
            let Some(body) = op.get("requestBody") else {
                assert!(!reads_body, "{method} {path} reads a body but documents none");
                continue;
            };
            bodies += 1;
            let (properties, required) = object_schema(&doc, &body["content"]["application/json"]["schema"]);
            assert!(!properties.is_empty(), "{method} {path}: no properties");
            assert!(!required.is_empty(), "{method} {path} names no required field");
            assert!(required.iter().all(|r| properties.contains(r)), "{method} {path}: {required:?} not all in {properties:?}");
        }
    }
    assert_eq!(bodies, 21, "operations with a JSON body");
}

/// The property names and required names of an object schema, following `$ref` and `allOf`.
fn object_schema(doc: &Value, schema: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let schema = match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => schema,
    };
    let mut properties: BTreeSet<String> = schema["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    let mut required: BTreeSet<String> = schema["required"].as_array().map(|r| r.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect()).unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        let (p, r) = object_schema(doc, part);
        properties.extend(p);
        required.extend(r);
    }
    (properties, required)
}

#[test]
fn the_discharge_schema_names_every_need_resolution() {
    let doc = document();
    let properties = &doc["components"]["schemas"]["DischargeRequest"]["properties"];
    for need in linkwork_domain::casework::need::NeedDomain::ALL {
        let field = linkwork_domain::evaluation::resolution::field(*need);
        assert!(properties.get(field).is_some(), "{field} missing from DischargeRequest");
    }
}

#[test]
fn required_fields_are_not_nullable() {
    let doc = document();
    let referral = &doc["components"]["schemas"]["ReferralRequest"];
    assert!(referral["required"].as_array().unwrap().iter().any(|f| f == "given_name"), "{referral}");
    assert_eq!(referral["properties"]["given_name"]["type"], "string", "{referral}");
    assert_eq!(referral["properties"]["sex"]["enum"], json!(["1", "2", "9", "X"]), "codes come from the domain: {referral}");
}

/// The answers to requests that are not what the document asks for are its documented ones.
#[tokio::test]
async fn malformed_requests_get_the_documented_error_bodies() {
    let dir = std::env::temp_dir();
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = spawn(&url).await;
        let token = linkwork_app::accounts::new_api_token();
        w.store.create_api_token(&linkwork_app::accounts::hash_api_token(&token), &w.pcn, Role::LinkWorker, Some("test")).await.unwrap();
        let http = reqwest::Client::new();
        let url = format!("{}/api/referrals", w.base);
        let error_of = |r: reqwest::Response| async move {
            let status = r.status();
            let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
            let body: Value = r.json().await.unwrap();
            assert!(ct.starts_with("application/json"), "{backend}: {ct}");
            assert!(body["error"].is_string() && body["message"].is_string() && body["fields"].is_array(), "{backend}: {body}");
            (status, body)
        };

        let (status, body) = error_of(http.post(&url).bearer_auth(&token).header("content-type", "text/plain").body("{}").send().await.unwrap()).await;
        assert_eq!((status, body["error"].as_str().unwrap()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"), "{backend}");

        let (status, body) = error_of(http.post(&url).bearer_auth(&token).header("content-type", "application/json").body("{\"given_name\": ").send().await.unwrap()).await;
        assert_eq!((status, body["error"].as_str().unwrap()), (StatusCode::BAD_REQUEST, "bad_request"), "{backend}");

        let big = format!("{{\"reason\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
        let (status, body) = error_of(http.post(&url).bearer_auth(&token).header("content-type", "application/json").body(big).send().await.unwrap()).await;
        assert_eq!((status, body["error"].as_str().unwrap()), (StatusCode::PAYLOAD_TOO_LARGE, "too_large"), "{backend}");

        // A field of the wrong type is named, without echoing the value.
        let (status, body) = error_of(http.post(&url).bearer_auth(&token).json(&json!({"given_name": ["Ann"], "needs": "money"})).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        // The first field of the body that does not fit is named (the body is read in order).
        assert_eq!(body["fields"][0]["field"], "given_name", "{backend}: {body}");
        assert!(!body.to_string().contains("Ann"), "{backend}: {body}");

        let (status, _) = error_of(http.post(&url).bearer_auth(&token).json(&json!(["not", "an", "object"])).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");

        // Missing fields are all listed at once, in the forms' words (the schema's `required`).
        let (status, body) = error_of(http.post(&url).bearer_auth(&token).json(&json!({})).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(body["fields"].as_array().unwrap().len() >= 8, "{backend}: {body}");

        // Numbers may come as text, as the forms send them.
        let (status, _) = error_of(http.post(format!("{}/api/referrals/no-such/contacts", w.base)).bearer_auth(&token).json(&json!({"contact_on": "2026-01-01", "mode": "phone", "minutes": "20", "accompanied": false})).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend}: a number as text passes the schema, the id does not exist");

        // No token.
        let (status, body) = error_of(http.get(&url).send().await.unwrap()).await;
        assert_eq!((status, body["error"].as_str().unwrap()), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{backend}");

        // The document is served, without a token.
        let served: Value = http.get(format!("{}/api/openapi.json", w.base)).send().await.unwrap().json().await.unwrap();
        assert_eq!(documented(&served), documented(&document()), "{backend}");
    }
}

#[test]
#[ignore = "prints the document, for reading"]
fn print_document() {
    println!("{}", serde_json::to_string_pretty(&document()).unwrap());
}
