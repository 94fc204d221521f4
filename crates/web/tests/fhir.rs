//! FHIR tests: the real application on a random port, each test on SQLite and PostgreSQL, driven
//! as a GP system would drive it — a ServiceRequest in, its Task followed, the coded record back.
//!
//! With `LINKWORK_FHIR_SAMPLES=<dir>`, every FHIR resource received is also written to `<dir>` so
//! an independent validator can check it (`tests/fhir/validate.py`, run by `scripts/test`).

use crate::support;

use linkwork_domain::access::{OrgKind, Role};
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_domain::measurement::instruments::{AnswerSet, Instrument, Timepoint};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::Ethnicity;
use linkwork_domain::casework::plan::{GoalText, WhatMatters};
use linkwork_domain::casework::referral::{DeclineReason, DischargeReason, ReferralStatus};
use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use reqwest::header::{CONTENT_TYPE, LINK, LOCATION};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;
use time::macros::date;

const ODS: &str = "https://fhir.nhs.uk/Id/ods-organization-code";
const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number";

pub(crate) struct World {
    pub(crate) backend: &'static str,
    pub(crate) base: String,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) http: reqwest::Client,
    pub(crate) pcn: String,
    pub(crate) service: String,
    pub(crate) lw: String,
    pub(crate) other_lw: String,
    pub(crate) partner: String,
    pub(crate) commissioner: String,
}

async fn token(store: &Arc<dyn Store>, org: &str, role: Role) -> String {
    let token = linkwork_app::accounts::new_api_token();
    store.create_api_token(&linkwork_app::accounts::hash_api_token(&token), org, role, Some("fhir test")).await.unwrap();
    token
}

/// The shared test world (see `support`), plus a practice in the other PCN and API tokens.
pub(crate) async fn spawn(backend: &'static str, url: &str) -> World {
    let shared = support::spawn(url).await;
    let store = shared.store.clone();
    store
        .create_org(&NewOrg { kind: OrgKind::Practice, name: "Other Surgery".into(), ods_code: Some("Z00002".into()), parent_id: Some(shared.other_pcn.clone()), list_size: None })
        .await
        .unwrap();
    let lw = token(&store, &shared.pcn, Role::LinkWorker).await;
    let other_lw = token(&store, &shared.other_pcn, Role::Manager).await;
    let partner = token(&store, &shared.vcse, Role::VcsePartner).await;
    let commissioner = token(&store, &shared.icb, Role::Commissioner).await;
    World { backend, base: shared.base, store, http: reqwest::Client::new(), pcn: shared.pcn, service: shared.service, lw, other_lw, partner, commissioner }
}

impl World {
    /// Keeps a FHIR resource for the independent validator, when asked to.
    pub(crate) fn sample(&self, name: &str, resource: &Value) {
        if let Ok(dir) = std::env::var("LINKWORK_FHIR_SAMPLES") {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(std::path::Path::new(&dir).join(format!("{}-{name}.json", self.backend)), serde_json::to_string_pretty(resource).unwrap()).unwrap();
        }
    }

    async fn post(&self, token: &str, body: &Value) -> reqwest::Response {
        self.http.post(format!("{}/fhir/ServiceRequest", self.base)).bearer_auth(token).header(CONTENT_TYPE, "application/fhir+json").body(body.to_string()).send().await.unwrap()
    }

    /// GET with a token: status, content type and body.
    async fn get(&self, token: &str, path: &str) -> (StatusCode, String, String) {
        let r = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        let content_type = r.headers().get(CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (r.status(), content_type, r.text().await.unwrap())
    }

    pub(crate) async fn get_json(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let (status, content_type, body) = self.get(token, path).await;
        assert!(content_type.starts_with("application/fhir+json"), "{path}: {content_type}");
        (status, serde_json::from_str(&body).unwrap())
    }

    async fn task(&self, id: &str) -> Value {
        let (status, task) = self.get_json(&self.lw, &format!("/fhir/Task/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{task}");
        task
    }
}

/// A referral as a GP system sends it (the example in docs/fhir.md).
fn service_request(base: &str, nhs_number: &str, practice_ods: &str) -> Value {
    let need_system = format!("{base}/fhir/CodeSystem/need-domain");
    json!({
        "resourceType": "ServiceRequest",
        "contained": [{
            "resourceType": "Patient",
            "id": "patient",
            "identifier": [{ "system": NHS, "value": nhs_number }],
            "name": [{ "use": "official", "family": "Test", "given": ["Ada"] }],
            "gender": "female",
            "birthDate": "1948-02-29",
            "address": [{ "postalCode": "LS1 4AP" }],
            "generalPractitioner": [{ "identifier": { "system": ODS, "value": practice_ods }, "display": "Test Surgery" }],
        }],
        "status": "active",
        "intent": "order",
        "category": [{ "coding": [{ "system": "http://snomed.info/sct", "code": "410606002", "display": "Social service procedure" }] }],
        "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "871731000000106", "display": "Referral to social prescribing service" }] },
        "subject": { "reference": "#patient" },
        "authoredOn": "2026-11-02",
        "requester": { "display": "Dr Patel" },
        "performer": [{ "identifier": { "system": ODS, "value": "U99999" } }],
        "reasonCode": [
            { "coding": [{ "system": need_system, "code": "loneliness" }], "text": "Lonely since her husband died" },
            { "coding": [{ "system": need_system, "code": "bereavement" }] },
        ],
        "note": [{ "text": "Prefers morning appointments" }],
    })
}

pub(crate) fn issue_paths(outcome: &Value) -> Vec<String> {
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    outcome["issue"].as_array().unwrap().iter().map(|i| i["expression"][0].as_str().unwrap_or_default().to_owned()).collect()
}

/// Runs `test` once per database, each time on a new world.
pub(crate) async fn on_each<F, Fut>(test: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = std::env::temp_dir().join("linkwork-fhir-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        test(spawn(backend, &url).await).await;
    }
}

/// The example referral sent by the link worker's system: its id.
pub(crate) async fn received(w: &World) -> String {
    let r = w.post(&w.lw, &service_request(&w.base, "9434765919", "Z00001")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

/// The referral worked and discharged: accepted on 3 November, a contact, a conversation with one
/// goal, SWEMWBS and ONS4 at baseline, SWEMWBS at discharge, an onward referral to the walks,
/// discharged with goals met on 30 November.
pub(crate) async fn discharged(w: &World) -> String {
    let id = received(w).await;
    let who = AuditActor::default();
    w.store.change_referral(&who, &id, ReferralStatus::Received, &ReferralChange::Accept { on: date!(2026 - 11 - 03), worker_id: None }).await.unwrap();
    w.store.add_contact(&who, &id, &NewContact { contact_on: date!(2026 - 11 - 04), mode: ContactMode::parse("face_to_face").unwrap(), minutes: Minutes::new(45).unwrap(), accompanied: false, notes: None }).await.unwrap();
    let conversation = NewConversation {
        held_on: date!(2026 - 11 - 04),
        what_matters: WhatMatters::parse("what_matters", "what matters", "Seeing people again").unwrap(),
        needs: vec![NeedDomain::Loneliness],
        goals: vec![NewGoal { description: GoalText::parse("goal_0", "goal", "Go to a walking group").unwrap(), review_on: None }],
    };
    w.store.record_conversation(&who, &id, &conversation).await.unwrap();
    let measure = |timepoint, taken_on, instrument, answers: &[&str]| NewMeasure { timepoint, taken_on, answers: AnswerSet::parse(instrument, answers).unwrap() };
    w.store.add_measure(&who, &id, &measure(Timepoint::Baseline, date!(2026 - 11 - 04), Instrument::Swemwbs, &["3"; 7])).await.unwrap();
    w.store.add_measure(&who, &id, &measure(Timepoint::Baseline, date!(2026 - 11 - 04), Instrument::Ons4, &["5", "6", "4", "7"])).await.unwrap();
    w.store.add_measure(&who, &id, &measure(Timepoint::Discharge, date!(2026 - 11 - 30), Instrument::Swemwbs, &["4"; 7])).await.unwrap();
    w.store.create_onward(&who, &id, &w.service, date!(2026 - 11 - 05), None).await.unwrap();
    let discharge = ReferralChange::Discharge { on: date!(2026 - 11 - 30), reason: DischargeReason::GoalsMet, summary: Some("Walking weekly with a friend".into()) };
    w.store.change_referral(&who, &id, ReferralStatus::Accepted, &discharge).await.unwrap();
    id
}

/// A second person's referral, sent with an ethnic category (H), that the person declines on
/// 6 November: its id.
async fn declined(w: &World) -> String {
    let mut sr = service_request(&w.base, "9434760003", "Z00001");
    sr["contained"][0]["extension"] = json!([{
        "url": "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory",
        "valueCodeableConcept": { "coding": [{ "system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland", "code": "H" }] },
    }]);
    let r = w.post(&w.lw, &sr).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let change = ReferralChange::Decline { on: date!(2026 - 11 - 06), reason: DeclineReason::PersonDeclined };
    w.store.change_referral(&AuditActor::default(), &id, ReferralStatus::Received, &change).await.unwrap();
    id
}

// Referrals in

/// Every code Linkwork sends in its own systems can be looked up where its `system` points: the
/// CodeSystem (and a ValueSet of all its codes) is served at that URL, under the deployment's
/// public address, without a token.
#[tokio::test]
async fn linkworks_own_codes_are_served_at_the_urls_it_sends() {
    on_each(|w| async move {
        let r = w.post(&w.lw, &service_request(&w.base, "9434765919", "Z00001")).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let sent: Value = r.json().await.unwrap();
        let system = sent["reasonCode"].as_array().unwrap().iter().flat_map(|c| c["coding"].as_array().cloned().unwrap_or_default()).find_map(|c| c["system"].as_str().filter(|s| s.ends_with("/need-domain")).map(str::to_owned)).expect("a need domain coding");
        assert_eq!(system, format!("{}/fhir/CodeSystem/need-domain", w.base));
        let cs = w.http.get(&system).send().await.unwrap();
        assert_eq!((cs.status(), cs.headers()[CONTENT_TYPE].to_str().unwrap().to_owned()), (StatusCode::OK, "application/fhir+json".to_owned()));
        let cs: Value = cs.json().await.unwrap();
        w.sample("code-system-need-domain", &cs);
        assert_eq!((cs["resourceType"].as_str(), cs["url"].as_str(), cs["content"].as_str()), (Some("CodeSystem"), Some(system.as_str()), Some("complete")));
        assert!(cs["concept"].as_array().unwrap().iter().any(|c| c["code"] == "loneliness" && c["display"].is_string()));
        let scores: Value = w.http.get(format!("{}/fhir/CodeSystem/score", w.base)).send().await.unwrap().json().await.unwrap();
        w.sample("code-system-score", &scores);
        assert!(scores["concept"].as_array().unwrap().iter().any(|c| c["code"] == "swemwbs_metric"));
        let vs: Value = w.http.get(format!("{}/fhir/ValueSet/need-domain", w.base)).send().await.unwrap().json().await.unwrap();
        w.sample("value-set-need-domain", &vs);
        assert_eq!(vs["compose"]["include"][0]["system"].as_str(), Some(system.as_str()));
        let unknown = w.http.get(format!("{}/fhir/CodeSystem/not-ours", w.base)).send().await.unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        assert_eq!(unknown.json::<Value>().await.unwrap()["resourceType"], "OperationOutcome");
    })
    .await;
}

/// A FHIR client discovers what the server does without a token: every route under /fhir, and
/// only those, as its interaction (the CapabilityStatement is built from the route table).
#[tokio::test]
async fn the_capability_statement_lists_exactly_the_fhir_routes_that_answer() {
    on_each(|w| async move {
        let r = w.http.get(format!("{}/fhir/metadata", w.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/fhir+json");
        let cs: Value = r.json().await.unwrap();
        w.sample("capability-statement", &cs);
        assert_eq!((cs["resourceType"].as_str(), cs["kind"].as_str(), cs["fhirVersion"].as_str()), (Some("CapabilityStatement"), Some("instance"), Some("4.0.1")));
        let rest = &cs["rest"][0];
        assert!(rest["security"]["description"].as_str().unwrap().contains("bearer token"));
        let mut listed: Vec<(String, String)> = Vec::new();
        for resource in rest["resource"].as_array().unwrap() {
            for i in resource["interaction"].as_array().unwrap() {
                listed.push((resource["type"].as_str().unwrap().to_owned(), i["code"].as_str().unwrap().to_owned()));
            }
        }
        for i in rest["interaction"].as_array().unwrap() {
            listed.push(("(system)".to_owned(), i["code"].as_str().unwrap().to_owned()));
        }
        for op in rest["operation"].as_array().unwrap() {
            listed.push(("(operation)".to_owned(), op["name"].as_str().unwrap().to_owned()));
        }
        listed.sort();
        let want = |t: &str, c: &str| (t.to_owned(), c.to_owned());
        assert_eq!(
            listed,
            [
                want("(operation)", "process-message"),
                want("(system)", "transaction"),
                want("CodeSystem", "read"),
                want("ServiceRequest", "create"),
                want("ServiceRequest", "read"),
                want("Task", "read"),
                want("Task", "search-type"),
                want("Task", "update"),
                want("ValueSet", "read")
            ]
        );
        assert_eq!(rest["operation"][0]["definition"], "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message");
        let task = rest["resource"].as_array().unwrap().iter().find(|r| r["type"] == "Task").unwrap();
        let params: Vec<&str> = task["searchParam"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(params, ["_id", "focus", "part-of", "status"]);
        assert_eq!(task["searchInclude"], json!(["Task:focus"]));
        // Each listed interaction answers (not 404 or 405) at its route, and every /fhir route is listed.
        let fhir_routes: Vec<_> = linkwork_web::route_table().into_iter().filter(|r| (r.path == "/fhir" || r.path.starts_with("/fhir/")) && r.path != "/fhir/metadata").collect();
        assert_eq!(fhir_routes.len(), listed.len(), "{fhir_routes:?}");
        for route in fhir_routes {
            let id = if route.path.contains("CodeSystem") || route.path.contains("ValueSet") { "need-domain" } else { "none" };
            let url = format!("{}{}", w.base, route.path.replace("{id}", id));
            let request = if route.method == "POST" { w.http.post(&url).bearer_auth(&w.lw).header(CONTENT_TYPE, "application/fhir+json").body("{}") } else { w.http.get(&url).bearer_auth(&w.lw) };
            let status = request.send().await.unwrap().status();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{route:?}");
            if !route.path.contains("{id}") {
                assert_ne!(status, StatusCode::NOT_FOUND, "{route:?}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_service_request_without_a_token_is_refused_with_a_login_issue() {
    on_each(|w| async move {
        let r = w.http.post(format!("{}/fhir/ServiceRequest", w.base)).header(CONTENT_TYPE, "application/fhir+json").body(service_request(&w.base, "9434765919", "Z00001").to_string()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.json::<Value>().await.unwrap()["issue"][0]["code"], "login");
    })
    .await;
}

#[tokio::test]
async fn partners_and_commissioners_cannot_send_referrals() {
    on_each(|w| async move {
        for token in [&w.partner, &w.commissioner] {
            let r = w.post(token, &service_request(&w.base, "9434765919", "Z00001")).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN);
            assert_eq!(r.json::<Value>().await.unwrap()["issue"][0]["code"], "forbidden");
        }
    })
    .await;
}

#[tokio::test]
async fn a_body_that_is_not_fhir_json_is_refused() {
    on_each(|w| async move {
        let url = format!("{}/fhir/ServiceRequest", w.base);
        let r = w.http.post(&url).bearer_auth(&w.lw).header(CONTENT_TYPE, "text/plain").body(service_request(&w.base, "9434765919", "Z00001").to_string()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let r = w.http.post(&url).bearer_auth(&w.lw).header(CONTENT_TYPE, "application/json").body("{not json").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(r.json::<Value>().await.unwrap()["issue"][0]["code"], "structure");
    })
    .await;
}

#[tokio::test]
async fn every_problem_of_a_service_request_is_reported_at_its_path_and_nothing_written() {
    on_each(|w| async move {
        // Bad NHS number, no date of birth, a practice this PCN does not have.
        let mut bad = service_request(&w.base, "9434765918", "Z99999");
        bad["contained"][0].as_object_mut().unwrap().remove("birthDate");
        let r = w.post(&w.lw, &bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("application/fhir+json"));
        let outcome: Value = r.json().await.unwrap();
        w.sample("operation-outcome-invalid", &outcome);
        assert_eq!(
            issue_paths(&outcome),
            vec!["ServiceRequest.contained[0].identifier[0].value", "ServiceRequest.contained[0].birthDate", "ServiceRequest.contained[0].generalPractitioner[0].identifier.value"]
        );
        let issues = outcome["issue"].as_array().unwrap();
        assert!(issues.iter().all(|i| i["severity"] == "error" && i["code"] == "invalid"));
        assert!(issues[0]["diagnostics"].as_str().unwrap().contains("not a valid NHS number"));
        assert!(issues[1]["diagnostics"].as_str().unwrap().contains("date of birth"));
        assert!(issues[2]["diagnostics"].as_str().unwrap().contains("Z99999"));
        assert!(w.store.caseload(&w.pcn, None, false).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_referral_for_another_pcns_practice_is_refused() {
    on_each(|w| async move {
        assert_eq!(w.post(&w.lw, &service_request(&w.base, "9434765919", "Z00002")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(w.store.caseload(&w.pcn, None, false).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_service_request_is_created_with_its_location_and_a_link_to_its_task() {
    on_each(|w| async move {
        let r = w.post(&w.lw, &service_request(&w.base, "9434765919", "Z00001")).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        assert!(r.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("application/fhir+json"));
        let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
        let link = r.headers()[LINK].to_str().unwrap().to_owned();
        let created: Value = r.json().await.unwrap();
        w.sample("service-request-created", &created);
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(location, format!("{}/fhir/ServiceRequest/{id}", w.base));
        assert!(link.contains(&format!("/fhir/Task/{id}>")), "{link}");
        assert_eq!((&created["resourceType"], &created["status"]), (&json!("ServiceRequest"), &json!("active")));
        assert_eq!(created["code"]["coding"][0]["code"], "871731000000106");
        assert_eq!(created["subject"]["reference"], "#patient");
        assert_eq!(created["contained"][0]["identifier"][0]["value"], "9434765919");
        assert_eq!(created["performer"][0]["identifier"]["value"], "U99999");
        assert_eq!(created["contained"][0]["generalPractitioner"][0]["identifier"]["value"], "Z00001");
        // Absent ethnicity is recorded as "not stated".
        assert_eq!(created["contained"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"], "Z");
        let (status, read) = w.get_json(&w.lw, &format!("/fhir/ServiceRequest/{id}")).await;
        assert_eq!((status, read), (StatusCode::OK, created), "it reads back the same");
    })
    .await;
}

#[tokio::test]
async fn a_received_referral_is_on_the_caseload_as_sent() {
    on_each(|w| async move {
        let id = received(&w).await;
        let caseload = w.store.caseload(&w.pcn, None, false).await.unwrap();
        assert_eq!(caseload.len(), 1);
        assert_eq!((caseload[0].referral_id.as_str(), caseload[0].nhs_number.as_str(), caseload[0].status), (id.as_str(), "9434765919", ReferralStatus::Received));
        let record = w.store.referral_record(&AuditActor::default(), &id).await.unwrap().unwrap();
        assert_eq!((record.referral.referred_on, record.referral.referrer_name.as_str()), (date!(2026 - 11 - 02), "Dr Patel"));
        assert_eq!(record.referral.reason, "Lonely since her husband died\n\nPrefers morning appointments");
        assert_eq!((record.person.ethnicity, record.needs.len()), (Ethnicity::NotStated, 2));
    })
    .await;
}

// The Task follows the referral: requested, in progress, completed or rejected.

#[tokio::test]
async fn a_new_referrals_task_is_requested() {
    on_each(|w| async move {
        let id = received(&w).await;
        let task = w.task(&id).await;
        w.sample("task-requested", &task);
        assert_eq!((&task["resourceType"], &task["id"], &task["status"], &task["intent"]), (&json!("Task"), &json!(id), &json!("requested"), &json!("order")));
        assert_eq!(task["code"]["coding"][0]["code"], "fulfill");
        assert_eq!(task["focus"]["reference"], format!("ServiceRequest/{id}"));
        assert_eq!(task["for"]["identifier"], json!({ "system": NHS, "value": "9434765919" }));
        assert_eq!(task["owner"]["identifier"], json!({ "system": ODS, "value": "U99999" }));
        assert_eq!(task["authoredOn"], "2026-11-02");
    })
    .await;
}

#[tokio::test]
async fn tasks_are_found_by_focus_with_the_service_request_included_and_by_id() {
    on_each(|w| async move {
        let id = received(&w).await;
        let (status, bundle) = w.get_json(&w.lw, &format!("/fhir/Task?focus=ServiceRequest/{id}&_include=Task:focus")).await;
        assert_eq!(status, StatusCode::OK);
        w.sample("task-search", &bundle);
        assert_eq!((bundle["type"].as_str(), bundle["total"].as_i64()), (Some("searchset"), Some(1)));
        let entries = bundle["entry"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!((entries[0]["resource"]["resourceType"].as_str(), entries[0]["search"]["mode"].as_str()), (Some("Task"), Some("match")));
        assert_eq!((entries[1]["resource"]["resourceType"].as_str(), entries[1]["search"]["mode"].as_str()), (Some("ServiceRequest"), Some("include")));
        assert_eq!(entries[0]["fullUrl"], format!("{}/fhir/Task/{id}", w.base));
        let (_, by_id) = w.get_json(&w.lw, &format!("/fhir/Task?_id={id}")).await;
        assert_eq!(by_id["entry"].as_array().unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_task_search_needs_a_parameter() {
    on_each(|w| async move {
        assert_eq!(w.get_json(&w.lw, "/fhir/Task").await.0, StatusCode::BAD_REQUEST);
    })
    .await;
}

#[tokio::test]
async fn an_accepted_referrals_task_is_in_progress_from_the_day_accepted() {
    on_each(|w| async move {
        let id = received(&w).await;
        w.store.change_referral(&AuditActor::default(), &id, ReferralStatus::Received, &ReferralChange::Accept { on: date!(2026 - 11 - 03), worker_id: None }).await.unwrap();
        let task = w.task(&id).await;
        w.sample("task-in-progress", &task);
        assert_eq!((&task["status"], &task["executionPeriod"]["start"]), (&json!("in-progress"), &json!("2026-11-03")));
    })
    .await;
}

#[tokio::test]
async fn a_discharged_referrals_task_is_completed_with_what_happened() {
    on_each(|w| async move {
        let id = discharged(&w).await;
        let task = w.task(&id).await;
        w.sample("task-completed", &task);
        assert_eq!((&task["status"], &task["executionPeriod"]["end"]), (&json!("completed"), &json!("2026-11-30")));
        let outputs: Vec<(&str, String)> = task["output"].as_array().unwrap().iter().map(|o| (o["type"]["text"].as_str().unwrap(), o.get("valueString").or(o.get("valueInteger")).unwrap().to_string())).collect();
        assert!(outputs.contains(&("Discharge reason", "\"Goals met\"".into())), "{outputs:?}");
        assert!(outputs.contains(&("Discharge summary", "\"Walking weekly with a friend\"".into())));
        assert!(outputs.contains(&("Contacts", "1".into())));
        assert!(outputs.iter().any(|(t, v)| *t == "Onward referral" && v.contains("Tuesday walks")));
    })
    .await;
}

#[tokio::test]
async fn a_declined_referrals_task_is_rejected_with_the_coded_reason() {
    on_each(|w| async move {
        let id = declined(&w).await;
        let task = w.task(&id).await;
        w.sample("task-rejected", &task);
        assert_eq!(task["status"], "rejected");
        assert_eq!(task["statusReason"]["text"], "Person declined social prescribing");
        assert_eq!(task["statusReason"]["coding"][0]["code"], "871711000000103");
    })
    .await;
}

#[tokio::test]
async fn a_re_referral_without_an_ethnic_category_keeps_the_one_held() {
    on_each(|w| async move {
        let id = declined(&w).await;
        assert_eq!(w.post(&w.lw, &service_request(&w.base, "9434760003", "Z00001")).await.status(), StatusCode::CREATED);
        let person = w.store.referral_record(&AuditActor::default(), &id).await.unwrap().unwrap().person;
        assert_eq!(person.ethnicity, Ethnicity::AsianIndian, "not \"not stated\"");
    })
    .await;
}

// The coded record back to the GP

#[tokio::test]
async fn the_gp_record_bundle_codes_the_referral_and_carries_the_scores() {
    on_each(|w| async move {
        let id = discharged(&w).await;
        let (status, bundle) = w.get_json(&w.lw, &format!("/api/referrals/{id}/gp-record?format=fhir")).await;
        assert_eq!(status, StatusCode::OK);
        w.sample("gp-record-bundle", &bundle);
        assert_eq!((&bundle["resourceType"], &bundle["type"]), (&json!("Bundle"), &json!("collection")));
        let resources: Vec<&Value> = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
        let of = |kind: &str| resources.iter().filter(|r| r["resourceType"] == kind).copied().collect::<Vec<_>>();
        assert_eq!((of("Patient").len(), of("ServiceRequest").len(), of("Task").len()), (1, 1, 1));
        assert_eq!(of("ServiceRequest")[0]["code"]["coding"][0], json!({ "system": "http://snomed.info/sct", "code": "871731000000106", "display": "Referral to social prescribing service" }));
        let patient_ref = format!("Patient/{}", of("Patient")[0]["id"].as_str().unwrap());
        assert_eq!(of("ServiceRequest")[0]["subject"]["reference"], patient_ref);
        // SWEMWBS twice (1 score each) and ONS4 once (4 scores).
        let observations = of("Observation");
        assert_eq!(observations.len(), 6);
        assert!(observations.iter().all(|o| o["status"] == "final" && o["subject"]["reference"] == patient_ref && o["valueQuantity"]["value"].is_number()));
        let swemwbs: Vec<f64> = observations.iter().filter(|o| o["code"]["text"] == "SWEMWBS (metric score)").map(|o| o["valueQuantity"]["value"].as_f64().unwrap()).collect();
        assert_eq!(swemwbs, vec![19.25, 25.03]);
        assert!(observations.iter().all(|o| o["code"]["coding"].as_array().unwrap().iter().all(|c| c["system"] != "http://snomed.info/sct")), "no invented SNOMED codes for scores");
    })
    .await;
}

#[tokio::test]
async fn the_gp_record_csv_lists_each_event_by_format_or_by_accept() {
    on_each(|w| async move {
        let id = discharged(&w).await;
        let (status, content_type, csv) = w.get(&w.lw, &format!("/api/referrals/{id}/gp-record?format=csv")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/csv"));
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "nhs_number,event_date,event,snomed_code,snomed_term,value,referral_id");
        assert_eq!(lines[1], format!("9434765919,2026-11-02,Referral to social prescribing service,871731000000106,Referral to social prescribing service,,{id}"));
        assert_eq!(lines[2], format!("9434765919,2026-11-04,First seen by social prescribing link worker,,,,{id}"));
        assert!(lines.contains(&format!("9434765919,2026-11-04,Personalised care and support plan agreed,,,,{id}").as_str()));
        assert!(lines.contains(&format!("9434765919,2026-11-04,\"SWEMWBS (metric score), baseline\",,,19.25,{id}").as_str()), "{csv}");
        assert_eq!(lines.last().unwrap(), &format!("9434765919,2026-11-30,Discharged from social prescribing service,,,Goals met,{id}"));
        assert_eq!(lines.len(), 1 + 1 + 1 + 1 + 6 + 1);
        let r = w.http.get(format!("{}/api/referrals/{id}/gp-record", w.base)).bearer_auth(&w.lw).header("accept", "text/csv").send().await.unwrap();
        assert_eq!(r.text().await.unwrap(), csv);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_gp_record_format_is_refused() {
    on_each(|w| async move {
        let id = received(&w).await;
        assert_eq!(w.get(&w.lw, &format!("/api/referrals/{id}/gp-record?format=xml")).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn reading_the_gp_record_writes_one_audit_event_per_read() {
    on_each(|w| async move {
        let id = received(&w).await;
        let person_id = w.store.referral_header(&id).await.unwrap().unwrap().person_id;
        let reads = |events: Vec<AuditEvent>| events.into_iter().filter(|e| e.action == "referral.read").count();
        let before = reads(w.store.audit_events(&person_id).await.unwrap());
        assert_eq!(w.get(&w.lw, &format!("/api/referrals/{id}/gp-record?format=csv")).await.0, StatusCode::OK);
        assert_eq!(reads(w.store.audit_events(&person_id).await.unwrap()), before + 1);
    })
    .await;
}

#[tokio::test]
async fn the_pcns_gp_record_holds_every_referral_with_one_patient_per_person() {
    on_each(|w| async move {
        discharged(&w).await;
        let declined = declined(&w).await;
        assert_eq!(w.post(&w.lw, &service_request(&w.base, "9434760003", "Z00001")).await.status(), StatusCode::CREATED);
        let (status, bulk) = w.get_json(&w.lw, "/api/gp-record?format=fhir").await;
        assert_eq!(status, StatusCode::OK);
        w.sample("gp-record-bulk-bundle", &bulk);
        let entries = bulk["entry"].as_array().unwrap();
        let count = |kind: &str| entries.iter().filter(|e| e["resource"]["resourceType"] == kind).count();
        assert_eq!((count("Patient"), count("ServiceRequest"), count("Task"), count("Observation")), (2, 3, 3, 6));
        let (_, _, csv) = w.get(&w.lw, "/api/gp-record?format=csv").await;
        assert!(csv.starts_with("nhs_number,event_date,event,snomed_code,snomed_term,value,referral_id\n"));
        assert!(csv.contains(&format!("9434760003,2026-11-06,Social prescribing declined,871711000000103,Social prescribing declined,,{declined}")), "{csv}");
        assert_eq!(csv.lines().filter(|l| l.contains(",871731000000106,")).count(), 3);
    })
    .await;
}

#[tokio::test]
async fn partners_and_commissioners_never_get_a_persons_record_or_task() {
    on_each(|w| async move {
        let id = received(&w).await;
        for token in [&w.partner, &w.commissioner] {
            assert_eq!(w.get(token, &format!("/api/referrals/{id}/gp-record")).await.0, StatusCode::FORBIDDEN);
            assert_eq!(w.get(token, "/api/gp-record").await.0, StatusCode::FORBIDDEN);
        }
        // A partner reads only its own onward referrals' Tasks: a referral's Task is not one.
        assert_eq!(w.get(&w.partner, &format!("/fhir/Task/{id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(w.get(&w.commissioner, &format!("/fhir/Task/{id}")).await.0, StatusCode::FORBIDDEN, "403 whatever the id");
    })
    .await;
}

// Other organisations

#[tokio::test]
async fn another_pcn_sees_nothing_of_this_pcns_people() {
    on_each(|w| async move {
        let id = received(&w).await;
        let (status, outcome) = w.get_json(&w.other_lw, &format!("/fhir/Task/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        w.sample("operation-outcome-not-found", &outcome);
        assert_eq!(outcome["issue"][0]["code"], "not-found");
        assert_eq!(w.get_json(&w.other_lw, &format!("/fhir/ServiceRequest/{id}")).await.0, StatusCode::NOT_FOUND);
        let (status, bundle) = w.get_json(&w.other_lw, &format!("/fhir/Task?focus=ServiceRequest/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        w.sample("task-search-empty", &bundle);
        assert_eq!(bundle["total"], 0);
        assert!(bundle.get("entry").is_none());
        assert_eq!(w.get(&w.other_lw, &format!("/api/referrals/{id}/gp-record")).await.0, StatusCode::NOT_FOUND);
        let (status, bulk) = w.get_json(&w.other_lw, "/api/gp-record").await;
        assert_eq!(status, StatusCode::OK);
        w.sample("gp-record-bulk-empty", &bulk);
        assert!(bulk.get("entry").is_none());
    })
    .await;
}

#[tokio::test]
async fn an_unknown_task_or_resource_type_is_not_found() {
    on_each(|w| async move {
        assert_eq!(w.get_json(&w.lw, "/fhir/Task/not-a-referral").await.0, StatusCode::NOT_FOUND);
        assert_eq!(w.get_json(&w.lw, "/fhir/Patient").await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

// A GP practice's own system: it sends with the practice's token and polls the Task of what it
// sent, and nothing else.

async fn practice_token(w: &World, ods: &str) -> String {
    let practice = w.store.find_org(ods).await.unwrap().unwrap().id;
    token_for(w, &practice).await
}

#[tokio::test]
async fn a_practice_system_refers_only_for_its_own_practice() {
    on_each(|w| async move {
        let token = practice_token(&w, "Z00001").await;
        assert_eq!(w.post(&token, &service_request(&w.base, "9434760011", "Z00002")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(w.post(&token, &service_request(&w.base, "9434760011", "Z00001")).await.status(), StatusCode::CREATED);
    })
    .await;
}

#[tokio::test]
async fn a_practice_system_follows_the_task_of_what_it_sent() {
    on_each(|w| async move {
        let token = practice_token(&w, "Z00001").await;
        let r = w.post(&token, &service_request(&w.base, "9434760011", "Z00001")).await;
        let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let (status, task) = w.get_json(&token, &format!("/fhir/Task/{id}")).await;
        assert_eq!((status, &task["status"]), (StatusCode::OK, &json!("requested")));
        let other = practice_token(&w, "Z00002").await;
        assert_eq!(w.get_json(&other, &format!("/fhir/Task/{id}")).await.0, StatusCode::NOT_FOUND, "another practice cannot follow it");
    })
    .await;
}

#[tokio::test]
async fn a_practice_system_cannot_follow_referrals_it_did_not_make_or_export_the_gp_record() {
    on_each(|w| async move {
        let first = received(&w).await;
        let token = practice_token(&w, "Z00001").await;
        assert_eq!(w.get_json(&token, &format!("/fhir/Task/{first}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(w.get(&token, "/api/gp-record?format=fhir").await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

async fn token_for(w: &World, org: &str) -> String {
    token(&w.store, org, Role::PracticeStaff).await
}
