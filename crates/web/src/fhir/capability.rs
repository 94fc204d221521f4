//! `GET /fhir/metadata`: the FHIR R4 CapabilityStatement, built from the same route table the
//! server answers from ([`super::routes`]), so what it lists cannot drift from what answers. A
//! route's method and path say its interaction (`POST /{type}` create, `GET /{type}/{id}` read,
//! `PUT /{type}/{id}` update, `GET /{type}` search, `POST /${operation}` a system operation);
//! what only the handlers know (search parameters, includes) is in [`SEARCHES`], and a test fails
//! on a searchable resource without an entry there.

use super::{fhir_response, BaseUrl};
use crate::routes::Route;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One search parameter a resource's search handler reads.
pub struct SearchParam {
    pub name: &'static str,
    /// A FHIR search parameter type (`token`, `reference`, …).
    pub kind: &'static str,
    pub documentation: &'static str,
}

/// The search parameters and `_include` values of each searchable resource.
pub const SEARCHES: &[(&str, &[SearchParam], &[&str])] = &[(
    "Task",
    &[
        SearchParam { name: "_id", kind: "token", documentation: "The Task's id, which is its referral's id." },
        SearchParam { name: "focus", kind: "reference", documentation: "The referral's ServiceRequest, as ServiceRequest/{id}." },
        SearchParam { name: "part-of", kind: "reference", documentation: "The referral's Task, as Task/{id}: the Tasks of its onward referrals to community services." },
        SearchParam { name: "status", kind: "token", documentation: "For a partner organisation's token: its onward referrals' Tasks in these statuses (comma-separated); without it, all of them." },
    ],
    &["Task:focus"],
)];

/// What a FHIR route does, from its method and path (relative to `/fhir`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interaction {
    /// `GET /metadata`.
    Capabilities,
    /// On a resource type: `create`, `read`, `update` or `search-type`.
    Type { resource: String, code: &'static str },
    /// `POST /$name`.
    Operation(String),
    /// On the whole server: `POST /` is `transaction`.
    System(&'static str),
}

/// Where an operation Linkwork implements is defined: FHIR's own definitions.
fn operation_definition(name: &str) -> String {
    match name {
        "process-message" => "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message".to_owned(),
        other => format!("http://hl7.org/fhir/OperationDefinition/{other}"),
    }
}

/// The interaction of one route; `None` for a path that is not FHIR's (none is, today).
pub fn interaction(route: &Route) -> Option<Interaction> {
    let parts: Vec<&str> = route.path.trim_start_matches('/').split('/').collect();
    let is_type = |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    match (route.method, parts.as_slice()) {
        ("GET", ["metadata"]) => Some(Interaction::Capabilities),
        ("POST", [""]) => Some(Interaction::System("transaction")),
        ("POST", [op]) if op.starts_with('$') => Some(Interaction::Operation(op.trim_start_matches('$').to_owned())),
        (method, [t]) if is_type(t) => {
            let code = match method {
                "POST" => "create",
                "GET" => "search-type",
                _ => return None,
            };
            Some(Interaction::Type { resource: (*t).to_owned(), code })
        }
        (method, [t, "{id}"]) if is_type(t) => {
            let code = match method {
                "GET" => "read",
                "PUT" => "update",
                _ => return None,
            };
            Some(Interaction::Type { resource: (*t).to_owned(), code })
        }
        _ => None,
    }
}

/// The CapabilityStatement of a server answering `table` (the `/fhir` routes).
pub fn capability_statement(table: &[Route], base: &str) -> Value {
    let mut resources: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    let mut operations: Vec<String> = Vec::new();
    let mut system: Vec<&'static str> = Vec::new();
    for route in table {
        match interaction(route) {
            Some(Interaction::Type { resource, code }) => resources.entry(resource).or_default().push(code),
            Some(Interaction::Operation(name)) => operations.push(name),
            Some(Interaction::System(code)) => system.push(code),
            Some(Interaction::Capabilities) | None => {}
        }
    }
    let resources: Vec<Value> = resources
        .into_iter()
        .map(|(resource, mut codes)| {
            codes.sort_unstable();
            let mut r = json!({
                "type": resource,
                "interaction": codes.iter().map(|c| json!({ "code": c })).collect::<Vec<_>>(),
            });
            if let Some((_, params, includes)) = SEARCHES.iter().find(|(t, _, _)| *t == resource) {
                r["searchParam"] = params.iter().map(|p| json!({ "name": p.name, "type": p.kind, "documentation": p.documentation })).collect();
                if !includes.is_empty() {
                    r["searchInclude"] = json!(includes);
                }
            }
            r
        })
        .collect();
    let mut rest = json!({
        "mode": "server",
        "documentation": "Linkwork's FHIR R4 interface for social prescribing referrals: an NHS system sends a referral as a ServiceRequest (on its own, in a UK Core transaction Bundle, or in a BaRS message to $process-message) and follows it through its Task; a community organisation's system reads and moves the Tasks of the onward referrals made to it (docs/fhir.md).",
        "security": {
            "cors": false,
            "description": "Every request but this one carries a bearer token (Authorization: Bearer …) issued to a system by the service's administrator. Only roles that make referrals may use it, and a token sees only its own organisation's referrals (others answer 404). Reads of a person's record are audited.",
        },
        "resource": resources,
    });
    if !system.is_empty() {
        rest["interaction"] = system.iter().map(|code| json!({ "code": code })).collect();
    }
    if !operations.is_empty() {
        rest["operation"] = operations.iter().map(|name| json!({ "name": name, "definition": operation_definition(name) })).collect();
    }
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        // An instance's statement describes the server as it runs: dated when it is asked for.
        "date": time::OffsetDateTime::now_utc().date().to_string(),
        "publisher": "Linkwork",
        "kind": "instance",
        "software": { "name": "Linkwork", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": "Linkwork social prescribing service", "url": format!("{base}/fhir") },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [rest],
    })
}

/// `GET /fhir/metadata`, open to all as FHIR servers' capabilities are: it says what the server
/// does, never whose data it holds.
pub async fn metadata(BaseUrl(base): BaseUrl) -> Response {
    fhir_response(StatusCode::OK, &capability_statement(super::routes().table(), &base))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &'static str, path: &str) -> Route {
        Route { method, path: path.to_owned() }
    }

    #[test]
    fn each_route_says_its_interaction() {
        let t = |resource: &str, code| Some(Interaction::Type { resource: resource.into(), code });
        assert_eq!(interaction(&route("POST", "/ServiceRequest")), t("ServiceRequest", "create"));
        assert_eq!(interaction(&route("GET", "/ServiceRequest/{id}")), t("ServiceRequest", "read"));
        assert_eq!(interaction(&route("PUT", "/Task/{id}")), t("Task", "update"));
        assert_eq!(interaction(&route("GET", "/Task")), t("Task", "search-type"));
        assert_eq!(interaction(&route("GET", "/metadata")), Some(Interaction::Capabilities));
        assert_eq!(interaction(&route("POST", "/$process-message")), Some(Interaction::Operation("process-message".into())));
        assert_eq!(interaction(&route("POST", "/")), Some(Interaction::System("transaction")));
        assert_eq!(interaction(&route("GET", "/gp-record")), None);
    }

    #[test]
    fn every_route_of_the_fhir_table_is_described_and_every_search_has_its_parameters() {
        let table = super::super::routes();
        for r in table.table() {
            let i = interaction(r).unwrap_or_else(|| panic!("{} {} is not a FHIR interaction the CapabilityStatement can describe", r.method, r.path));
            if let Interaction::Type { resource, code: "search-type" } = i {
                assert!(SEARCHES.iter().any(|(t, _, _)| *t == resource), "{resource} is searchable: list its parameters in SEARCHES");
            }
        }
    }
}
