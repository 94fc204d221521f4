//! Every read that shows people leaves an audit event naming them and the reader (issue 11,
//! defect 4). Each test counts the events about a person before and after one request, so it
//! fails if the request itself wrote none.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_store::{AuditEntry, Store};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use support::*;

/// A referral for a new person, made through the API by a link worker; returns (referral, person).
async fn referral(w: &World, n: u32) -> (String, String) {
    let lw = Api::new(w, &w.pcn, Role::LinkWorker).await;
    let (status, created) = lw.post("/api/referrals", referral_json(&nhs_number(n), "Audrey", "Trail", "1950-03-04", &w.practice)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let person = w.store.referral_header(&id).await.unwrap().unwrap().person_id;
    (id, person)
}

async fn user_id(store: &Arc<dyn Store>, email: &str) -> String {
    store.user_credentials(email).await.unwrap().unwrap().user.id
}

async fn token_id(store: &Arc<dyn Store>, api: &Api) -> String {
    store.api_token(&linkwork_app::accounts::hash_api_token(&api.token)).await.unwrap().unwrap().id
}

/// The events about `subject` written while `request` ran.
async fn events_during<F: std::future::Future<Output = StatusCode>>(store: &Arc<dyn Store>, subject: &str, request: F) -> Vec<AuditEntry> {
    let before = store.person_audit(subject).await.unwrap().len();
    let status = request.await;
    assert!(status.is_success(), "the read answered {status}");
    store.person_audit(subject).await.unwrap().split_off(before)
}

fn assert_read_by_user(events: &[AuditEntry], action: &str, user: &str) {
    assert!(events.iter().any(|e| e.action == action && e.user_id.as_deref() == Some(user)), "expected a {action} event by user {user}, got {events:?}");
}

fn assert_read_by_token(events: &[AuditEntry], action: &str, token: &str) {
    assert!(events.iter().any(|e| e.action == action && e.token_id.as_deref() == Some(token)), "expected a {action} event by token {token}, got {events:?}");
}

#[tokio::test]
async fn the_managers_all_caseload_page_is_audited() {
    on_each_database(|w| async move {
        let (_, person) = referral(&w, 81).await;
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let events = events_during(&w.store, &person, async { manager.get("/caseload?all=1").await.0 }).await;
        assert_read_by_user(&events, "caseload.read", &user_id(&w.store, "manager@test.org").await);
    })
    .await;
}

#[tokio::test]
async fn the_people_search_page_is_audited() {
    on_each_database(|w| async move {
        let (_, person) = referral(&w, 82).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let events = events_during(&w.store, &person, async { lw.get("/people?name=trail").await.0 }).await;
        assert_read_by_user(&events, "people.search", &user_id(&w.store, "lw@test.org").await);
    })
    .await;
}

#[tokio::test]
async fn the_people_search_api_is_audited() {
    on_each_database(|w| async move {
        let (_, person) = referral(&w, 83).await;
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let events = events_during(&w.store, &person, async { api.get(&format!("/api/people?nhs_number={}", nhs_number(83))).await.0 }).await;
        assert_read_by_token(&events, "people.search", &token_id(&w.store, &api).await);
    })
    .await;
}

#[tokio::test]
async fn the_referrals_api_list_is_audited() {
    on_each_database(|w| async move {
        let (_, person) = referral(&w, 84).await;
        let api = Api::new(&w, &w.pcn, Role::Manager).await;
        let events = events_during(&w.store, &person, async { api.get("/api/referrals").await.0 }).await;
        assert_read_by_token(&events, "caseload.read", &token_id(&w.store, &api).await);
    })
    .await;
}

#[tokio::test]
async fn the_caseload_api_is_audited() {
    on_each_database(|w| async move {
        let (_, person) = referral(&w, 85).await;
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let events = events_during(&w.store, &person, async { api.get("/api/caseload").await.0 }).await;
        assert_read_by_token(&events, "caseload.read", &token_id(&w.store, &api).await);
    })
    .await;
}

#[tokio::test]
async fn the_triage_page_is_audited_for_new_referrals() {
    on_each_database(|w| async move {
        let (_, person) = referral(&w, 86).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let events = events_during(&w.store, &person, async { lw.get("/triage").await.0 }).await;
        assert_read_by_user(&events, "triage.read", &user_id(&w.store, "lw@test.org").await);
    })
    .await;
}

/// A VCSE partner's incoming referral (no person yet); returns its id.
async fn incoming(w: &World) -> String {
    let partner = Api::new(w, &w.vcse, Role::VcsePartner).await;
    let (status, _) = partner.post("/api/incoming-referrals", json!({"service_id": w.pcn, "given_name": "Ida", "family_name": "Coming", "phone": "0113 496 0000", "reason": "Isolated", "consent": "yes"})).await;
    assert_eq!(status, StatusCode::CREATED);
    w.store.pending_incoming(&w.pcn).await.unwrap().into_iter().find(|i| i.given_name == "Ida").unwrap().id
}

#[tokio::test]
async fn the_triage_page_is_audited_for_incoming_referrals() {
    on_each_database(|w| async move {
        let id = incoming(&w).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let events = events_during(&w.store, &format!("incoming:{id}"), async { lw.get("/triage").await.0 }).await;
        assert_read_by_user(&events, "triage.read", &user_id(&w.store, "lw@test.org").await);
    })
    .await;
}

#[tokio::test]
async fn an_incoming_referrals_page_is_audited() {
    on_each_database(|w| async move {
        let id = incoming(&w).await;
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let events = events_during(&w.store, &format!("incoming:{id}"), async { lw.get(&format!("/incoming/{id}")).await.0 }).await;
        assert_read_by_user(&events, "incoming.read", &user_id(&w.store, "lw@test.org").await);
    })
    .await;
}

#[tokio::test]
async fn the_partners_own_referral_list_is_audited() {
    on_each_database(|w| async move {
        let id = incoming(&w).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let events = events_during(&w.store, &format!("incoming:{id}"), async { partner.get("/partner/referrals").await.0 }).await;
        assert_read_by_user(&events, "incoming.list", &user_id(&w.store, "partner@test.org").await);
    })
    .await;
}

/// An onward referral from a referral of person `n` to the partner's service; returns (onward id, person id).
async fn onward(w: &World, n: u32) -> (String, String) {
    let (referral, person) = referral(w, n).await;
    let lw = Api::new(w, &w.pcn, Role::LinkWorker).await;
    assert_eq!(lw.post(&format!("/api/referrals/{referral}/accept"), json!({})).await.0, StatusCode::NO_CONTENT);
    let (status, created) = lw.post(&format!("/api/referrals/{referral}/onward-referrals"), json!({"service_id": w.service, "share_consent": "yes"})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (created["id"].as_str().unwrap().to_owned(), person)
}

#[tokio::test]
async fn the_partners_onward_referral_pages_are_audited() {
    on_each_database(|w| async move {
        let (onward, person) = onward(&w, 87).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let partner_id = user_id(&w.store, "partner@test.org").await;
        let events = events_during(&w.store, &person, async { partner.get("/partner/referrals").await.0 }).await;
        assert_read_by_user(&events, "partner.referrals.read", &partner_id);
        let events = events_during(&w.store, &person, async { partner.get(&format!("/partner/referrals/{onward}")).await.0 }).await;
        assert_read_by_user(&events, "partner.referral.read", &partner_id);
    })
    .await;
}

#[tokio::test]
async fn the_partner_api_list_is_audited() {
    on_each_database(|w| async move {
        let (_, person) = onward(&w, 88).await;
        let api = Api::new(&w, &w.vcse, Role::VcsePartner).await;
        let events = events_during(&w.store, &person, async { api.get("/api/partner/onward-referrals").await.0 }).await;
        assert_read_by_token(&events, "partner.referrals.read", &token_id(&w.store, &api).await);
    })
    .await;
}

#[tokio::test]
async fn the_practices_referral_list_is_audited() {
    on_each_database(|w| async move {
        let practice = Api::new(&w, &w.practice, Role::PracticeStaff).await;
        let (status, created) = practice.post("/api/referrals", referral_json(&nhs_number(89), "Pat", "Ractice", "1950-03-04", &w.practice)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let person = w.store.referral_header(created["id"].as_str().unwrap()).await.unwrap().unwrap().person_id;
        let browser = Browser::login(&w.base, "practice@test.org").await;
        let events = events_during(&w.store, &person, async { browser.get("/practice/referrals").await.0 }).await;
        assert_read_by_user(&events, "practice.referrals.read", &user_id(&w.store, "practice@test.org").await);
    })
    .await;
}

#[tokio::test]
async fn a_referral_record_read_names_its_reader() {
    on_each_database(|w| async move {
        let (referral, person) = referral(&w, 90).await;
        let lw = Browser::login(&w.base, "lw2@test.org").await;
        let events = events_during(&w.store, &person, async { lw.get(&format!("/referrals/{referral}")).await.0 }).await;
        assert_read_by_user(&events, "referral.read", &user_id(&w.store, "lw2@test.org").await);
    })
    .await;
}
