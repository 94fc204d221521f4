//! Referrals as NHS systems send them (issue 16): a UK Core `transaction` Bundle to `POST /fhir`
//! and an NHS Booking and Referral Standard (BaRS) message to `POST /fhir/$process-message`, each
//! built from the public specifications' examples and adapted to the test world's practice and
//! service (`fixtures/fhir/README.md` says where each came from). The real application, on
//! SQLite and PostgreSQL.

use crate::fhir::{issue_paths, on_each, World};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::interop::snomed_maps::SnomedMapping;
use linkwork_store::AuditActor;
use reqwest::header::{CONTENT_LOCATION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fhir").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The UK Core transaction: ServiceRequest, Patient, the practice, the referring GP's role and the GP.
fn transaction() -> Value {
    fixture("uk-core-transaction.json")
}

/// The BaRS referral request message (from the BaRS implementation guide's REFREQ07).
fn bars_message() -> Value {
    fixture("bars-referral-message.json")
}

/// The entry of `bundle` holding a resource of `kind`.
fn entry_of(bundle: &mut Value, kind: &str) -> usize {
    bundle["entry"].as_array().unwrap().iter().position(|e| e["resource"]["resourceType"] == kind).unwrap()
}

const REQUEST_ID: &str = "0f1d4e3a-6b7c-4d8e-9f00-112233445566";
const CORRELATION_ID: &str = "8a9b0c1d-2e3f-4a5b-8c6d-778899aabbcc";

impl World {
    async fn post_to(&self, path: &str, body: &Value, ids: Option<(&str, &str)>) -> reqwest::Response {
        let mut r = self.http.post(format!("{}{path}", self.base)).bearer_auth(&self.lw).header(CONTENT_TYPE, "application/fhir+json").body(body.to_string());
        if let Some((request, correlation)) = ids {
            r = r.header("X-Request-ID", request).header("X-Correlation-ID", correlation);
        }
        r.send().await.unwrap()
    }

    async fn open_referrals(&self) -> usize {
        self.store.caseload(&self.pcn, None, true).await.unwrap().len()
    }

    async fn record(&self, id: &str) -> linkwork_store::ReferralRecord {
        self.store.referral_record(&AuditActor::default(), id).await.unwrap().unwrap()
    }
}

fn referral_id(location: &str) -> String {
    location.rsplit('/').next().unwrap().to_owned()
}

// UK Core transaction

/// A UK Core referral, as a transaction Bundle whose ServiceRequest references its Patient and
/// the referring GP's PractitionerRole by `urn:uuid:` full URLs, makes one referral: the person
/// from the Patient entry, the referrer's name from the Practitioner the role points to.
#[tokio::test]
async fn a_uk_core_transaction_makes_a_referral_from_its_entries() {
    on_each(|w| async move {
        let r = w.post_to("/fhir", &transaction(), None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let answer: Value = r.json().await.unwrap();
        w.sample("transaction-response", &answer);
        assert_eq!(answer["type"], "transaction-response");
        let statuses: Vec<&str> = answer["entry"].as_array().unwrap().iter().map(|e| e["response"]["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["201 Created", "200 OK", "200 OK", "200 OK", "200 OK"], "an answer per entry, in order");
        let id = referral_id(answer["entry"][0]["response"]["location"].as_str().unwrap());
        let record = w.record(&id).await;
        assert_eq!((record.person.nhs_number.as_str(), record.person.family_name.as_str()), ("9434765919", "Test"));
        assert_eq!(record.referral.referrer_name, "Dr Priya Patel");
        assert_eq!(record.referral.practice_name.as_deref(), Some("Test Surgery"));
        let (status, task) = w.get_json(&w.lw, &format!("/fhir/Task/{id}")).await;
        assert_eq!((status, task["status"].as_str()), (StatusCode::OK, Some("requested")));
    })
    .await;
}

/// Reasons given only in words (or as SNOMED CT codes Linkwork does not map) are taken: the
/// needs their words suggest are recorded as needing confirmation, until needs are agreed with
/// the person.
#[tokio::test]
async fn needs_given_in_words_are_suggested_for_the_link_worker_to_confirm() {
    on_each(|w| async move {
        let answer: Value = w.post_to("/fhir", &transaction(), None).await.json().await.unwrap();
        let id = referral_id(answer["entry"][0]["response"]["location"].as_str().unwrap());
        let record = w.record(&id).await;
        assert!(record.referral.needs_to_confirm);
        let mut needs: Vec<NeedDomain> = record.needs.iter().map(|n| n.need).collect();
        needs.sort();
        assert_eq!(needs, [NeedDomain::Loneliness, NeedDomain::MoneyDebtBenefits, NeedDomain::Bereavement], "from \"Lonely since her husband died, struggling with money\"");
        assert_eq!(record.referral.reason, "Lonely since her husband died, struggling with money");
        w.store.change_needs(&AuditActor::default(), &id, &[NeedDomain::Loneliness], &[]).await.unwrap();
        assert!(!w.record(&id).await.referral.needs_to_confirm, "agreeing a need with the person confirms the needs");
    })
    .await;
}

/// A request that names itself (the ServiceRequest's identifier) and is sent again — a retry
/// after a lost answer — makes no second referral and answers with the first.
#[tokio::test]
async fn the_same_transaction_sent_twice_makes_one_referral() {
    on_each(|w| async move {
        let mut bundle = transaction();
        bundle["entry"][0]["resource"]["identifier"] = json!([{ "system": "https://gp.example.nhs.uk/referrals", "value": "REF-2026-0042" }]);
        let first: Value = w.post_to("/fhir", &bundle, None).await.json().await.unwrap();
        let again = w.post_to("/fhir", &bundle, None).await;
        assert_eq!(again.status(), StatusCode::OK);
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["entry"][0]["response"]["status"], "200 OK");
        assert_eq!(again["entry"][0]["response"]["location"], first["entry"][0]["response"]["location"]);
        assert_eq!(w.open_referrals().await, 1);
    })
    .await;
}

/// A problem in any entry is reported at that entry's path and nothing is written.
#[tokio::test]
async fn a_transaction_with_a_bad_patient_is_refused_at_the_entrys_path() {
    on_each(|w| async move {
        let mut bundle = transaction();
        let patient = entry_of(&mut bundle, "Patient");
        bundle["entry"][patient]["resource"]["identifier"][0]["value"] = json!("9434765918");
        bundle["entry"][0]["resource"].as_object_mut().unwrap().remove("authoredOn");
        let r = w.post_to("/fhir", &bundle, None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let outcome: Value = r.json().await.unwrap();
        w.sample("transaction-refused", &outcome);
        assert_eq!(issue_paths(&outcome), [format!("Bundle.entry[{patient}].resource.identifier[0].value"), "Bundle.entry[0].resource.authoredOn".to_owned()]);
        assert_eq!(w.open_referrals().await, 0);
        // A message Bundle is pointed to the endpoint for messages.
        let r = w.post_to("/fhir", &bars_message(), None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("$process-message"));
    })
    .await;
}

// BaRS

/// A BaRS referral request is acknowledged synchronously (200, the message echoed, the ids
/// echoed) and makes a referral: the requester a Practitioner, the service addressed through a
/// HealthcareService provided by the PCN, the person's numbers in a `contact` of their own.
#[tokio::test]
async fn a_bars_referral_message_is_acknowledged_and_makes_a_referral() {
    on_each(|w| async move {
        let message = bars_message();
        let r = w.post_to("/fhir/$process-message", &message, Some((REQUEST_ID, CORRELATION_ID))).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!((r.headers()["x-request-id"].to_str().unwrap(), r.headers()["x-correlation-id"].to_str().unwrap()), (REQUEST_ID, CORRELATION_ID));
        let location = r.headers()[CONTENT_LOCATION].to_str().unwrap().to_owned();
        assert!(location.starts_with(&format!("{}/fhir/ServiceRequest/", w.base)), "{location}");
        let echoed: Value = r.json().await.unwrap();
        assert_eq!(echoed["id"], message["id"]);
        let record = w.record(&referral_id(&location)).await;
        assert_eq!(record.referral.referrer_name, "Dr Priya Patel");
        assert_eq!(record.person.nhs_number.as_str(), "9434765919");
        assert!(record.contact.mobile.is_some(), "the mobile from Patient.contact (ONESELF)");
        assert!(record.referral.needs_to_confirm);
    })
    .await;
}

/// The same message again (same request and correlation ids) is BaRS's duplicate: 409
/// `REC_CONFLICT`, issue `duplicate`, the first referral named; no second referral.
#[tokio::test]
async fn the_same_bars_message_twice_is_a_duplicate_and_makes_one_referral() {
    on_each(|w| async move {
        let first = w.post_to("/fhir/$process-message", &bars_message(), Some((REQUEST_ID, CORRELATION_ID))).await;
        let location = first.headers()[CONTENT_LOCATION].to_str().unwrap().to_owned();
        let again = w.post_to("/fhir/$process-message", &bars_message(), Some((REQUEST_ID, CORRELATION_ID))).await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert_eq!(again.headers()[CONTENT_LOCATION].to_str().unwrap(), location);
        let outcome: Value = again.json().await.unwrap();
        w.sample("bars-duplicate", &outcome);
        assert_eq!(outcome["issue"][0]["code"], "duplicate");
        assert_eq!(outcome["issue"][0]["details"]["coding"][0]["code"], "REC_CONFLICT");
        assert_eq!(w.open_referrals().await, 1);
    })
    .await;
}

/// BaRS's refusals: the ids missing (400, `required`), a message for another service, a broken
/// referral (400 `REC_BAD_REQUEST`, each problem at its path); nothing is written.
#[tokio::test]
async fn a_bars_message_is_refused_as_bars_refuses() {
    on_each(|w| async move {
        let r = w.post_to("/fhir/$process-message", &bars_message(), None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let outcome: Value = r.json().await.unwrap();
        assert_eq!(outcome["issue"].as_array().unwrap().len(), 2, "{outcome}");
        assert!(outcome["issue"][0]["diagnostics"].as_str().unwrap().contains("X-Request-ID"));
        assert_eq!(outcome["issue"][0]["details"]["coding"][0]["code"], "REC_BAD_REQUEST");

        let mut message = bars_message();
        let header = &mut message["entry"][0]["resource"];
        let receiver = header["destination"][0]["receiver"]["reference"].as_str().unwrap().to_owned();
        let org = message["entry"].as_array().unwrap().iter().position(|e| e["fullUrl"] == receiver.as_str()).unwrap();
        message["entry"][org]["resource"]["identifier"][0]["value"] = json!("U88888");
        let patient = entry_of(&mut message, "Patient");
        message["entry"][patient]["resource"]["birthDate"] = json!("2090-01-01");
        let r = w.post_to("/fhir/$process-message", &message, Some((REQUEST_ID, CORRELATION_ID))).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let outcome: Value = r.json().await.unwrap();
        w.sample("bars-refused", &outcome);
        assert_eq!(issue_paths(&outcome), ["Bundle.entry[0].resource.destination[0].receiver"]);

        let mut message = bars_message();
        message["entry"][patient]["resource"]["birthDate"] = json!("2090-01-01");
        let r = w.post_to("/fhir/$process-message", &message, Some((REQUEST_ID, CORRELATION_ID))).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let outcome: Value = r.json().await.unwrap();
        assert_eq!(issue_paths(&outcome), [format!("Bundle.entry[{patient}].resource.birthDate")]);
        assert_eq!(w.open_referrals().await, 0);
        // Refused messages free their ids: the corrected message is received.
        let r = w.post_to("/fhir/$process-message", &bars_message(), Some((REQUEST_ID, CORRELATION_ID))).await;
        assert_eq!(r.status(), StatusCode::OK);
    })
    .await;
}

/// The link worker sees, on the referral, that its needs were read from the referrer's words
/// and are to be confirmed; the notice goes once needs are agreed with the person.
#[tokio::test]
async fn the_referral_page_asks_the_link_worker_to_confirm_needs_given_in_words() {
    on_each(|w| async move {
        let answer: Value = w.post_to("/fhir", &transaction(), None).await.json().await.unwrap();
        let id = referral_id(answer["entry"][0]["response"]["location"].as_str().unwrap());
        let b = crate::support::Browser::login(&w.base, "lw@test.org").await;
        let (status, page) = b.get(&format!("/referrals/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("id=\"needs-to-confirm\""), "{page}");
        assert!(page.contains("suggested from the referrer"), "each suggested need says so");
        w.store.change_needs(&AuditActor::default(), &id, &[NeedDomain::Loneliness], &[]).await.unwrap();
        let (_, page) = b.get(&format!("/referrals/{id}")).await;
        assert!(!page.contains("id=\"needs-to-confirm\""));
    })
    .await;
}

/// A well-formed SNOMED CT identifier (partition and check digit right) that is not a concept:
/// test data only. Linkwork maps no real code: a service enters the ones it confirmed.
const TEST_CONCEPT: &str = "999900001001";

/// Reasons coded in SNOMED CT are read as the needs the service mapped them to (`linkwork
/// settings snomed-needs`), not left to confirm; a code it did not map is read as its words.
#[tokio::test]
async fn snomed_ct_reasons_the_service_mapped_are_read_as_needs() {
    on_each(|w| async move {
        let map = linkwork_domain::interop::snomed_maps::SnomedNeedMap::parse(&format!("{TEST_CONCEPT}=carer_support")).unwrap();
        w.store.set_snomed_need_map(&AuditActor::default(), &w.pcn, &map).await.unwrap();
        let mut bundle = transaction();
        bundle["entry"][0]["resource"]["reasonCode"] = json!([{ "coding": [{ "system": "http://snomed.info/sct", "code": TEST_CONCEPT, "display": "Caring for her husband" }] }]);
        let answer: Value = w.post_to("/fhir", &bundle, None).await.json().await.unwrap();
        let record = w.record(&referral_id(answer["entry"][0]["response"]["location"].as_str().unwrap())).await;
        assert_eq!(record.needs.iter().map(|n| n.need).collect::<Vec<_>>(), [NeedDomain::CarerSupport]);
        assert!(!record.referral.needs_to_confirm, "a mapped code is a coded need");
        assert_eq!(record.referral.reason, "Caring for her husband", "the coding's display is the reason in words");

        let mut unmapped = transaction();
        unmapped["entry"][1]["resource"]["identifier"][0]["value"] = json!("9434760003");
        unmapped["entry"][0]["resource"]["reasonCode"] = json!([{ "coding": [{ "system": "http://snomed.info/sct", "code": "999900002008", "display": "Debt problem" }] }]);
        let answer: Value = w.post_to("/fhir", &unmapped, None).await.json().await.unwrap();
        let record = w.record(&referral_id(answer["entry"][0]["response"]["location"].as_str().unwrap())).await;
        assert!(record.referral.needs_to_confirm);
        assert_eq!(record.needs.iter().map(|n| n.need).collect::<Vec<_>>(), [NeedDomain::MoneyDebtBenefits], "suggested from \"Debt problem\"");
    })
    .await;
}
