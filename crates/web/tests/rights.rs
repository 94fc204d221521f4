//! People's rights (UK GDPR): consent and lawful basis kept per referral, consent to share per
//! partner, subject access, restriction, erasure that keeps the figures, and the manager's
//! audit trail. The real server on SQLite and PostgreSQL.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_domain::person::consent::{ConsentStatus, LawfulBasis};
use reqwest::StatusCode;
use serde_json::json;
use support::*;

/// An accepted referral of person `n`, with a contact and an onward referral; returns (referral, person).
async fn worked_on(w: &World, n: u32) -> (String, String) {
    let lw = Api::new(w, &w.pcn, Role::LinkWorker).await;
    let mut body = referral_json(&nhs_number(n), "Rita", "Rights", "1950-03-04", &w.practice);
    body["lawful_basis"] = json!("explicit_consent");
    let (status, created) = lw.post("/api/referrals", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let referral = created["id"].as_str().unwrap().to_owned();
    assert_eq!(lw.post(&format!("/api/referrals/{referral}/accept"), json!({})).await.0, StatusCode::NO_CONTENT);
    let (status, body) = lw.post(&format!("/api/referrals/{referral}/contacts"), json!({"contact_on": today().to_string(), "mode": "phone", "minutes": 20, "accompanied": "no", "notes": "Talked about her garden"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(lw.post(&format!("/api/referrals/{referral}/onward-referrals"), json!({"service_id": w.service, "share_consent": "yes", "note": "Call after 10"})).await.0, StatusCode::CREATED);
    let person = w.store.referral_header(&referral).await.unwrap().unwrap().person_id;
    (referral, person)
}

#[tokio::test]
async fn a_referral_keeps_the_consent_and_lawful_basis_the_form_asked_for() {
    on_each_database(|w| async move {
        let (referral, _) = worked_on(&w, 61).await;
        let record = w.store.referral_record(&Default::default(), &referral).await.unwrap().unwrap();
        assert_eq!((record.referral.consent, record.referral.lawful_basis, record.referral.consent_on), (ConsentStatus::Given, LawfulBasis::ExplicitConsent, Some(today())));
    })
    .await;
}

#[tokio::test]
async fn a_referral_without_the_persons_agreement_is_refused() {
    on_each_database(|w| async move {
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let mut body = referral_json(&nhs_number(62), "No", "Consent", "1950-03-04", &w.practice);
        body["consent"] = json!("");
        let (status, answer) = lw.post("/api/referrals", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer["fields"][0]["field"], "consent");
        assert!(w.store.caseload(&w.pcn, None, false).await.unwrap().is_empty(), "nothing was written");
    })
    .await;
}

#[tokio::test]
async fn an_onward_referral_keeps_the_consent_to_share_with_that_partner() {
    on_each_database(|w| async move {
        let (referral, _) = worked_on(&w, 63).await;
        let sharing = w.store.sharing_consents(&referral).await.unwrap();
        assert_eq!(sharing.len(), 1);
        assert_eq!((sharing[0].org_id.as_str(), sharing[0].given_on), (w.vcse.as_str(), today()));
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (status, answer) = lw.post(&format!("/api/referrals/{referral}/onward-referrals"), json!({"service_id": w.service})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no referral on without consent to share");
        assert_eq!(answer["fields"][0]["field"], "share_consent");
    })
    .await;
}

#[tokio::test]
async fn subject_access_gives_everything_held_and_who_has_seen_it() {
    on_each_database(|w| async move {
        let (_, person) = worked_on(&w, 64).await;
        // Someone reads the caseload (the manager's, where every open referral is): the list read
        // must show in the person's access log.
        Browser::login(&w.base, "manager@test.org").await.get("/caseload").await;
        let manager = Api::new(&w, &w.pcn, Role::Manager).await;
        let (status, body) = manager.get(&format!("/api/people/{person}/subject-access")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let sa: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(sa["nhs_number"], nhs_number(64));
        assert_eq!(sa["referrals"][0]["record"]["contacts"][0]["notes"], "Talked about her garden");
        assert_eq!(sa["referrals"][0]["sharing_consents"][0]["org_name"], "Walk & Talk <CIC>");
        let log = sa["access_log"].as_array().unwrap();
        assert!(log.iter().any(|e| e["action"] == "caseload.read" && e["by"].as_str().unwrap().contains("manager@test.org")), "{log:?}");
        assert!(log.iter().any(|e| e["action"] == "referral.create"));
    })
    .await;
}

#[tokio::test]
async fn subject_access_is_for_managers_only() {
    on_each_database(|w| async move {
        let (_, person) = worked_on(&w, 65).await;
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        assert_eq!(lw.get(&format!("/api/people/{person}/subject-access")).await.0, StatusCode::FORBIDDEN);
        let other = Api::new(&w, &w.other_pcn, Role::Manager).await;
        assert_eq!(other.get(&format!("/api/people/{person}/subject-access")).await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn the_printable_subject_access_page_shows_the_record() {
    on_each_database(|w| async move {
        let (_, person) = worked_on(&w, 66).await;
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let (status, html) = manager.get(&format!("/people/{person}/subject-access")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Rita Rights") && html.contains("Talked about her garden") && html.contains("Who has seen or changed the record"));
    })
    .await;
}

#[tokio::test]
async fn a_restricted_record_cannot_be_changed_until_the_restriction_is_lifted() {
    on_each_database(|w| async move {
        let (referral, person) = worked_on(&w, 67).await;
        let manager = Api::new(&w, &w.pcn, Role::Manager).await;
        assert_eq!(manager.post(&format!("/api/people/{person}/restrict"), json!({"reason": "Request of 1 December, ref SAR-9"})).await.0, StatusCode::NO_CONTENT);
        let contact = json!({"contact_on": today().to_string(), "mode": "phone", "minutes": 20, "accompanied": "no"});
        let (status, body) = manager.post(&format!("/api/referrals/{referral}/contacts"), contact.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body["message"].as_str().unwrap().contains("restricted"));
        assert_eq!(manager.post(&format!("/api/people/{person}/lift-restriction"), json!({})).await.0, StatusCode::NO_CONTENT);
        assert_eq!(manager.post(&format!("/api/referrals/{referral}/contacts"), contact).await.0, StatusCode::CREATED);
    })
    .await;
}

#[tokio::test]
async fn erasure_needs_a_reason_and_a_confirmation() {
    on_each_database(|w| async move {
        let (_, person) = worked_on(&w, 68).await;
        let manager = Api::new(&w, &w.pcn, Role::Manager).await;
        let (status, body) = manager.post(&format!("/api/people/{person}/erase"), json!({"reason": ""})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["reason", "confirm"]);
        assert!(w.store.person_details(&person).await.unwrap().is_some(), "nothing erased");
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        assert_eq!(lw.post(&format!("/api/people/{person}/erase"), json!({"reason": "x", "confirm": "yes"})).await.0, StatusCode::FORBIDDEN, "managers only");
    })
    .await;
}

#[tokio::test]
async fn erasure_removes_identity_and_words_but_keeps_the_figures() {
    on_each_database(|w| async move {
        let (referral, person) = worked_on(&w, 69).await;
        let period = linkwork_domain::evaluation::Period { from: today() - time::Duration::days(30), to: today() };
        let settings = linkwork_domain::evaluation::EvaluationSettings::default();
        let before = linkwork_report::to_json(&linkwork_store::evaluation_report(&*w.store, "Test", std::slice::from_ref(&w.pcn), period, &settings).await.unwrap());
        let manager = Api::new(&w, &w.pcn, Role::Manager).await;
        assert_eq!(manager.post(&format!("/api/people/{person}/erase"), json!({"reason": "Request of 1 December, ref SAR-10", "confirm": "yes"})).await.0, StatusCode::NO_CONTENT);
        let after = linkwork_report::to_json(&linkwork_store::evaluation_report(&*w.store, "Test", std::slice::from_ref(&w.pcn), period, &settings).await.unwrap());
        assert_eq!(before, after, "the evaluation's figures are unchanged");
        assert!(w.store.person_details(&person).await.unwrap().is_none());
        assert!(w.store.caseload(&w.pcn, None, false).await.unwrap().is_empty(), "gone from caseloads");
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        assert_eq!(lw.get(&format!("/api/referrals/{referral}")).await.0, StatusCode::NOT_FOUND, "and from record reads");
        let (_, found) = lw.get(&format!("/api/people?nhs_number={}", nhs_number(69))).await;
        assert_eq!(found, "[]", "and from search");
        // Nothing identifying is left in the database.
        let dump = db_text(&w).await;
        for gone in ["Rita", "Rights", &nhs_number(69), "Talked about her garden", "Call after 10", "LS1 4AP"] {
            assert!(!dump.contains(gone), "{gone} is still stored");
        }
        let privacy = w.store.person_privacy(&person).await.unwrap().unwrap();
        assert!(privacy.erased_at.is_some() && privacy.erasure_reason.unwrap().contains("SAR-10"));
        let events = w.store.person_audit(&person).await.unwrap();
        assert!(events.iter().any(|e| e.action == "person.erase"), "the erasure is audited");
    })
    .await;
}

async fn text_rows(url: &str, sql: &str) -> Vec<String> {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        sqlx::query_scalar(sql).fetch_all(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap()
    } else {
        sqlx::query_scalar(sql).fetch_all(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap()
    }
}

/// Every text value stored about people and their referrals, concatenated.
async fn db_text(w: &World) -> String {
    let mut out = String::new();
    for sql in [
        "SELECT nhs_number || ' ' || given_name || ' ' || family_name || ' ' || postcode FROM people",
        "SELECT referrer_name || ' ' || reason || ' ' || COALESCE(discharge_summary, '') FROM referrals",
        "SELECT COALESCE(notes, '') FROM contacts",
        "SELECT COALESCE(note, '') FROM onward_referrals",
        "SELECT COALESCE(old_value, '') || ' ' || COALESCE(new_value, '') FROM person_changes",
    ] {
        for row in text_rows(&w.url, sql).await {
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

#[tokio::test]
async fn the_manager_sees_who_saw_whom_in_the_audit_trail() {
    on_each_database(|w| async move {
        let (referral, person) = worked_on(&w, 70).await;
        Browser::login(&w.base, "lw2@test.org").await.get(&format!("/referrals/{referral}")).await;
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let (status, html) = manager.get(&format!("/audit?person={person}&action=referral.read")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("lw2@test.org") && html.contains("referral.read") && html.contains("Rita Rights"), "{html}");
        let (status, csv) = manager.get(&format!("/audit.csv?person={person}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("event,at,by,action,about,person_id,people_shown") && csv.contains("referral.create"), "{csv}");
        assert_eq!(Browser::login(&w.base, "lw@test.org").await.get("/audit").await.0, StatusCode::FORBIDDEN, "managers only");
    })
    .await;
}
