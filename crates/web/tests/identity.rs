//! One NHS number never overwrites another person's identity (issue 11, defect 2): every way a
//! referral comes in matches the person held under its NHS number by the identity rule, keeps
//! every change with its source, and holds a mismatch as a conflict a link worker settles.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_domain::person::identity::{DetailsSource, PersonField};
use linkwork_store::Store;
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use support::*;

const NHS: u32 = 51;

/// The person first referred: Ada Held, born 1950-03-04, LS1 4AP. Returns (referral, person).
async fn held(w: &World) -> (String, String) {
    let lw = Api::new(w, &w.pcn, Role::LinkWorker).await;
    let (status, created) = lw.post("/api/referrals", referral_json(&nhs_number(NHS), "Ada", "Held", "1950-03-04", &w.practice)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let referral = created["id"].as_str().unwrap().to_owned();
    let person = w.store.referral_header(&referral).await.unwrap().unwrap().person_id;
    (referral, person)
}

/// A second referral for the person held, confirmed as not the same referral sent twice.
fn again(mut body: serde_json::Value) -> serde_json::Value {
    body["confirm_duplicate"] = json!("yes");
    body
}

async fn name_of(store: &Arc<dyn Store>, person: &str) -> (String, String) {
    let (_, d) = store.person_details(person).await.unwrap().unwrap();
    (d.given_name, d.family_name)
}

#[tokio::test]
async fn a_practice_cannot_rename_a_person_through_the_practice_form() {
    on_each_database(|w| async move {
        let (_, person) = held(&w).await;
        let practice = Browser::login(&w.base, "practice@test.org").await;
        let mut fields: Vec<(&str, String)> = vec![
            ("nhs_number", nhs_number(NHS)),
            ("given_name", "Mallory".into()),
            ("family_name", "Other".into()),
            ("date_of_birth", "1990-01-01".into()),
            ("sex", "1".into()),
            ("ethnicity", "Z".into()),
            ("postcode", "M1 1AE".into()),
            ("mobile", "07700 900123".into()),
            ("practice_id", w.practice.clone()),
            ("referred_on", today().to_string()),
            ("referrer_name", "Dr Who".into()),
            ("reason", "Lonely".into()),
            ("source", "gp_practice".into()),
            ("confirm_duplicate", "yes".into()),
            ("needs", "loneliness".into()),
            ("consent", "yes".into()),
        ];
        fields.push(("lawful_basis", "direct_care".into()));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, html) = practice.post("/practice/referrals/new", "/practice/referrals/new", &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        assert_eq!(name_of(&w.store, &person).await, ("Ada".into(), "Held".into()), "the held person keeps their name");
        let (_, d) = w.store.person_details(&person).await.unwrap().unwrap();
        assert_eq!((d.date_of_birth.to_string(), d.postcode.as_str()), ("1950-03-04".to_owned(), "LS1 4AP"), "and date of birth and postcode");
        assert!(w.store.person_changes(&person).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_mismatched_referral_is_held_as_an_identity_conflict() {
    on_each_database(|w| async move {
        let (_, person) = held(&w).await;
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (status, created) = lw.post("/api/referrals", again(referral_json(&nhs_number(NHS), "Bea", "Other", "1950-03-04", &w.practice))).await;
        assert_eq!(status, StatusCode::CREATED);
        let referral = created["id"].as_str().unwrap();
        let conflicts = w.store.referral_identity_conflicts(referral).await.unwrap();
        assert_eq!(conflicts.len(), 1);
        assert!(conflicts[0].open);
        assert_eq!(conflicts[0].source, DetailsSource::Api);
        assert_eq!((conflicts[0].incoming.given_name.as_str(), conflicts[0].held.given_name.as_str()), ("Bea", "Ada"));
        assert_eq!(name_of(&w.store, &person).await.0, "Ada");
        let page = Browser::login(&w.base, "lw@test.org").await.get(&format!("/referrals/{referral}")).await.1;
        assert!(page.contains("Check who this referral is for") && page.contains("Bea") && page.contains("Ada"), "the referral page shows the conflict");
    })
    .await;
}

#[tokio::test]
async fn the_same_person_takes_a_new_postcode_with_its_history() {
    on_each_database(|w| async move {
        let (_, person) = held(&w).await;
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let mut body = again(referral_json(&nhs_number(NHS), "ada", "HELD", "1950-03-04", &w.practice));
        body["postcode"] = json!("LS6 2AB");
        assert_eq!(lw.post("/api/referrals", body).await.0, StatusCode::CREATED);
        let changes = w.store.person_changes(&person).await.unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].field, changes[0].source), (PersonField::Postcode, DetailsSource::Api));
        assert_eq!((changes[0].old_value.as_deref(), changes[0].new_value.as_deref()), (Some("LS1 4AP"), Some("LS6 2AB")));
        assert!(changes[0].token_id.is_some(), "who made the change is kept");
        assert_eq!(name_of(&w.store, &person).await, ("Ada".into(), "Held".into()), "names as held, not as typed");
    })
    .await;
}

#[tokio::test]
async fn a_fhir_referral_cannot_rename_a_person_and_is_answered_with_what_it_sent() {
    on_each_database(|w| async move {
        let (_, person) = held(&w).await;
        let practice = Api::new(&w, &w.practice, Role::PracticeStaff).await;
        let sr = json!({
            "resourceType": "ServiceRequest",
            "contained": [{ "resourceType": "Patient", "id": "patient",
                "identifier": [{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number(NHS) }],
                "name": [{ "use": "official", "family": "Imposter", "given": ["Ivy"] }],
                "gender": "female", "birthDate": "1980-01-01", "address": [{ "postalCode": "M1 1AE" }],
                "generalPractitioner": [{ "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "Z00001" } }] }],
            "status": "active", "intent": "order",
            "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "871731000000106" }] },
            "subject": { "reference": "#patient" }, "authoredOn": today().to_string(), "requester": { "display": "Dr Patel" },
            "reasonCode": [{ "coding": [{ "system": format!("{}/fhir/CodeSystem/need-domain", w.base), "code": "loneliness" }], "text": "Lonely" }],
        });
        let r = practice.http.post(format!("{}/fhir/ServiceRequest", w.base)).bearer_auth(&practice.token).header("content-type", "application/fhir+json").body(sr.to_string()).send().await.unwrap();
        let status = r.status();
        let body = r.text().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert!(body.contains("Imposter") && !body.contains("Held") && !body.contains("1950-03-04"), "the answer names who was sent, never who is held: {body}");
        assert_eq!(name_of(&w.store, &person).await, ("Ada".into(), "Held".into()));
        let referral = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_owned();
        let (status, read) = practice.get(&format!("/fhir/ServiceRequest/{referral}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!read.contains("Held") && !read.contains("1950-03-04"), "reading it back does not reveal the held person: {read}");
    })
    .await;
}

#[tokio::test]
async fn a_csv_import_cannot_rename_a_person() {
    on_each_database(|w| async move {
        let (_, person) = held(&w).await;
        let csv = format!(
            "nhs_number,given_name,family_name,date_of_birth,sex,ethnicity,postcode,practice_ods,referred_on,source,referrer_name,reason,needs\n{},Carl,Csv,1970-07-07,1,A,LS2 7EE,Z00001,{},gp_practice,Dr Lee,Lonely,loneliness\n",
            nhs_number(NHS),
            today() - time::Duration::days(1)
        );
        let actor = linkwork_domain::access::Actor { org_id: w.pcn.clone(), role: Role::LinkWorker };
        let who = linkwork_store::AuditActor { user_id: None, token_id: Some("cli:test".into()), org_id: Some(w.pcn.clone()) };
        let report = linkwork_app::import::import_referrals(&*w.store, &actor, &who, csv.as_bytes(), linkwork_app::import::ImportMode { dry_run: false, skip_bad_rows: false }).await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(name_of(&w.store, &person).await, ("Ada".into(), "Held".into()));
        let caseload = w.store.caseload(&w.pcn, None, true).await.unwrap();
        let imported = caseload.iter().find(|e| e.person_id == person && e.identity_conflicts > 0).expect("the imported referral is flagged");
        assert_eq!(w.store.referral_identity_conflicts(&imported.referral_id).await.unwrap()[0].source, DetailsSource::CsvImport);
    })
    .await;
}

#[tokio::test]
async fn taking_on_a_self_referral_cannot_rename_a_person() {
    on_each_database(|w| async move {
        let (_, person) = held(&w).await;
        let partner = Api::new(&w, &w.vcse, Role::VcsePartner).await;
        assert_eq!(partner.post("/api/incoming-referrals", json!({"service_id": w.pcn, "given_name": "Sid", "family_name": "Self", "phone": "0113 496 0000", "reason": "Isolated", "consent": "yes"})).await.0, StatusCode::CREATED);
        let incoming = w.store.pending_incoming(&w.pcn).await.unwrap()[0].id.clone();
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (status, created) = lw.post(&format!("/api/incoming-referrals/{incoming}/convert"), referral_json(&nhs_number(NHS), "Sid", "Self", "1961-06-06", &w.practice)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(name_of(&w.store, &person).await, ("Ada".into(), "Held".into()));
        let conflicts = w.store.referral_identity_conflicts(created["id"].as_str().unwrap()).await.unwrap();
        assert_eq!(conflicts[0].source, DetailsSource::PartnerReferral);
    })
    .await;
}

#[tokio::test]
async fn a_link_worker_settles_a_conflict_with_the_referrals_details_and_the_old_ones_are_kept() {
    on_each_database(|w| async move {
        let (_, person) = held(&w).await;
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        // Married and changed her name: same date of birth, new family name.
        let (_, created) = api.post("/api/referrals", again(referral_json(&nhs_number(NHS), "Ada", "Newname", "1950-03-04", &w.practice))).await;
        let referral = created["id"].as_str().unwrap().to_owned();
        let conflict = w.store.referral_identity_conflicts(&referral).await.unwrap()[0].id.clone();
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let page = format!("/referrals/{referral}");
        let (status, location, _) = lw.post(&page, &format!("/referrals/{referral}/identity-conflicts/{conflict}"), &[("resolution", "use_referral")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
        assert_eq!(name_of(&w.store, &person).await, ("Ada".into(), "Newname".into()));
        let changes = w.store.person_changes(&person).await.unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].field, changes[0].source, changes[0].old_value.as_deref()), (PersonField::FamilyName, DetailsSource::ConflictResolution, Some("Held")));
        assert!(!w.store.referral_identity_conflicts(&referral).await.unwrap()[0].open);
        let (status, ..) = lw.post(&page, &format!("/referrals/{referral}/identity-conflicts/{conflict}"), &[("resolution", "keep_recorded")]).await;
        assert_eq!(status, StatusCode::CONFLICT, "a settled conflict is not settled twice");
    })
    .await;
}

#[tokio::test]
async fn keeping_the_held_details_changes_nothing() {
    on_each_database(|w| async move {
        let (_, person) = held(&w).await;
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (_, created) = api.post("/api/referrals", again(referral_json(&nhs_number(NHS), "Wrong", "Name", "1950-03-04", &w.practice))).await;
        let referral = created["id"].as_str().unwrap().to_owned();
        let conflict = w.store.referral_identity_conflicts(&referral).await.unwrap()[0].id.clone();
        let (status, body) = api.post(&format!("/api/referrals/{referral}/identity-conflicts/{conflict}"), json!({"resolution": "keep_recorded"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(name_of(&w.store, &person).await, ("Ada".into(), "Held".into()));
        assert!(w.store.person_changes(&person).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn corrections_on_request_are_kept_in_the_details_history() {
    on_each_database(|w| async move {
        let (_, person) = held(&w).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let form = format!("/people/{person}/details");
        let fields = [("given_name", "Ada"), ("family_name", "Held"), ("date_of_birth", "1950-04-03"), ("sex", "2"), ("ethnicity", "A"), ("postcode", "LS1 4AP"), ("practice_id", w.practice.as_str())];
        let (status, location, _) = lw.post(&form, &form, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
        let changes = w.store.person_changes(&person).await.unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].field, changes[0].source), (PersonField::DateOfBirth, DetailsSource::Rectification));
        let timeline = lw.get(&format!("/people/{person}")).await.1;
        assert!(timeline.contains("Changes to the person") && timeline.contains("Corrected on request"), "the person's page shows the history");
    })
    .await;
}
