//! The message back to the GP (issue 16): with the content the PRSB Social Prescribing
//! Information Standard gives it (demographics, the referral, needs and concerns, support offered,
//! outcomes, who to contact), as a FHIR document Bundle and as a readable letter (HTML and PDF),
//! SNOMED CT codes only where confirmed. The real application, on SQLite and PostgreSQL.

use crate::fhir::{discharged, on_each};
use crate::support::{chromium_or_skip, Browser};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use linkwork_domain::interop::snomed_maps::SnomedMapping;
use serde_json::Value;
use std::collections::HashSet;

/// Every `code` of every SNOMED CT coding in `value`.
fn snomed_codes(value: &Value, out: &mut HashSet<String>) {
    match value {
        Value::Object(map) => {
            if map.get("system").and_then(Value::as_str) == Some("http://snomed.info/sct") {
                out.extend(map.get("code").and_then(Value::as_str).map(str::to_owned));
            }
            map.values().for_each(|v| snomed_codes(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| snomed_codes(v, out)),
        _ => {}
    }
}

/// The document: a Composition first, with the standard's sections in order, each with a
/// narrative, every reference in it resolving to an entry of the Bundle.
#[tokio::test]
async fn the_gp_message_is_a_fhir_document_with_the_prsb_sections() {
    on_each(|w| async move {
        let id = discharged(&w).await;
        let r = w.http.get(format!("{}/api/referrals/{id}/gp-message", w.base)).bearer_auth(&w.lw).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/fhir+json");
        let bundle: Value = r.json().await.unwrap();
        w.sample("gp-message-document", &bundle);
        assert_eq!(bundle["type"], "document");
        let composition = &bundle["entry"][0]["resource"];
        assert_eq!(composition["resourceType"], "Composition");
        let titles: Vec<&str> = composition["section"].as_array().unwrap().iter().map(|s| s["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["Person demographics", "Referral", "Needs and concerns", "Support offered", "Outcomes", "Social prescribing service"]);
        let urls: HashSet<&str> = bundle["entry"].as_array().unwrap().iter().map(|e| e["fullUrl"].as_str().unwrap()).collect();
        let mut references = vec![composition["subject"]["reference"].as_str().unwrap()];
        for section in composition["section"].as_array().unwrap() {
            assert!(section["text"]["div"].as_str().unwrap().starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
            references.extend(section["entry"].as_array().into_iter().flatten().map(|e| e["reference"].as_str().unwrap()));
        }
        assert!(references.iter().all(|r| urls.contains(r)), "every reference is an entry: {references:?}");
        let outcomes = &composition["section"][4];
        assert!(outcomes["text"]["div"].as_str().unwrap().contains("Goals met"), "why it closed");
        assert!(outcomes["entry"].as_array().unwrap().len() >= 7, "the Task and a score Observation each (SWEMWBS twice, ONS4's four)");
        let support = composition["section"][3]["text"]["div"].as_str().unwrap();
        assert!(support.contains("Go to a walking group") && support.contains("Referred to"), "{support}");
    })
    .await;
}

/// SNOMED CT appears only with confirmed codes: the referral's, and the Gravity category.
#[tokio::test]
async fn the_gp_message_uses_only_confirmed_snomed_codes() {
    on_each(|w| async move {
        let id = discharged(&w).await;
        let bundle: Value = w.http.get(format!("{}/api/referrals/{id}/gp-message", w.base)).bearer_auth(&w.lw).send().await.unwrap().json().await.unwrap();
        let mut codes = HashSet::new();
        snomed_codes(&bundle, &mut codes);
        let confirmed: HashSet<String> = ["871731000000106", "871711000000103", "410606002"].map(String::from).into();
        assert!(codes.contains("871731000000106"));
        assert!(codes.is_subset(&confirmed), "{codes:?}");
    })
    .await;
}

/// The letter a link worker prints or sends: the person, their needs in their words, the support
/// offered and how it ended, as a page (and through the API as HTML).
#[tokio::test]
async fn the_gp_letter_shows_needs_support_and_outcomes() {
    on_each(|w| async move {
        let id = discharged(&w).await;
        let b = Browser::login(&w.base, "lw@test.org").await;
        let (status, record) = b.get(&format!("/referrals/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(record.contains(&format!("/referrals/{id}/gp-letter")), "the record links to the letter");
        let (status, letter) = b.get(&format!("/referrals/{id}/gp-letter")).await;
        assert_eq!(status, StatusCode::OK);
        for expected in ["message to the GP", "943 476 5919", "Needs and concerns", "Seeing people again", "Go to a walking group", "Goals met", "Walking weekly with a friend", "Referral to social prescribing service 871731000000106"] {
            assert!(letter.contains(expected), "{expected}");
        }
        let api = w.http.get(format!("{}/api/referrals/{id}/gp-message?format=html", w.base)).bearer_auth(&w.lw).send().await.unwrap();
        assert_eq!(api.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(api.text().await.unwrap().contains("Walking weekly with a friend"));
        let bad = w.http.get(format!("{}/api/referrals/{id}/gp-message?format=xml", w.base)).bearer_auth(&w.lw).send().await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

/// The letter as a PDF, printed as the report is.
#[tokio::test]
async fn the_gp_letter_downloads_as_a_pdf() {
    on_each(|w| async move {
        if !chromium_or_skip("the GP letter's PDF") {
            return;
        }
        let id = discharged(&w).await;
        let b = Browser::login(&w.base, "lw@test.org").await;
        let res = b.http.get(format!("{}/referrals/{id}/gp-letter.pdf", w.base)).header("cookie", &b.cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
    })
    .await;
}

/// Only the service that holds the referral gets the message: a practice, partner or
/// commissioner's token does not.
#[tokio::test]
async fn only_the_service_gets_the_gp_message() {
    on_each(|w| async move {
        let id = discharged(&w).await;
        for token in [&w.partner, &w.commissioner] {
            let r = w.http.get(format!("{}/api/referrals/{id}/gp-message", w.base)).bearer_auth(token).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN);
        }
        let r = w.http.get(format!("{}/api/referrals/{id}/gp-message", w.base)).bearer_auth(&w.other_lw).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

/// A score the service confirmed a SNOMED CT concept for (`linkwork settings snomed-scores`) goes
/// back with it, before Linkwork's own score code, in the message and the GP record; the others
/// keep Linkwork's code only.
#[tokio::test]
async fn a_score_the_service_mapped_goes_back_with_its_snomed_code() {
    on_each(|w| async move {
        // 999900001001: a well-formed test identifier, not a concept.
        let map = linkwork_domain::interop::snomed_maps::SnomedScoreMap::parse("swemwbs_metric=999900001001").unwrap();
        w.store.set_snomed_score_map(&linkwork_store::AuditActor::default(), &w.pcn, &map).await.unwrap();
        let id = discharged(&w).await;
        let bundle: Value = w.http.get(format!("{}/api/referrals/{id}/gp-message", w.base)).bearer_auth(&w.lw).send().await.unwrap().json().await.unwrap();
        let observations: Vec<&Value> = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).filter(|r| r["resourceType"] == "Observation").collect();
        let swemwbs: Vec<&&Value> = observations.iter().filter(|o| o["code"]["coding"].as_array().unwrap().iter().any(|c| c["code"] == "swemwbs_metric")).collect();
        assert_eq!(swemwbs.len(), 2);
        assert!(swemwbs.iter().all(|o| o["code"]["coding"][0]["system"] == "http://snomed.info/sct" && o["code"]["coding"][0]["code"] == "999900001001"));
        let ons4 = observations.iter().find(|o| o["code"]["coding"].as_array().unwrap().iter().any(|c| c["code"] == "ons4_anxious")).unwrap();
        assert_eq!(ons4["code"]["coding"].as_array().unwrap().len(), 1, "an unmapped score keeps Linkwork's code only");
        let csv = w.http.get(format!("{}/api/referrals/{id}/gp-record?format=csv", w.base)).bearer_auth(&w.lw).send().await.unwrap().text().await.unwrap();
        assert_eq!(csv.lines().filter(|l| l.contains(",999900001001,")).count(), 2, "{csv}");
    })
    .await;
}
