//! Concurrent writers through the real HTTP server (issue 11, defect 3): fifty API clients saving at
//! the same moment all get their answer, and every write they were told succeeded is there
//! afterwards, on SQLite and on PostgreSQL.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_store::testing::fresh_database_urls;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;
use support::*;

const WRITERS: usize = 50;
const WRITES_EACH: usize = 6;

fn referral_body(w: &World, nhs: &str, given: &str) -> Value {
    json!({
        "nhs_number": nhs, "given_name": given, "family_name": "Concurrent", "date_of_birth": "1950-03-01", "sex": "2", "ethnicity": "A",
        "postcode": "LS1 4AP", "practice_id": w.practice, "referred_on": "2026-11-02", "source": "gp_practice", "referrer_name": "Dr Patel",
        "reason": "Isolated since moving", "needs": ["loneliness"], "consent": "yes",
        // Fifty referrals for one person on purpose: each confirms it is not a duplicate.
        "confirm_duplicate": "yes"
    })
}

async fn link_worker_token(w: &World) -> String {
    let token = linkwork_app::accounts::new_api_token();
    w.store.create_api_token(&linkwork_app::accounts::hash_api_token(&token), &w.pcn, Role::LinkWorker, Some("concurrency test")).await.unwrap();
    token
}

/// What one writer did: the ids of the writes acknowledged (2xx), and every other answer.
#[derive(Default)]
struct Outcome {
    contacts: Vec<(String, String)>,
    referrals: Vec<String>,
    errors: Vec<String>,
}

async fn post(http: &reqwest::Client, url: String, token: &str, body: &Value) -> Result<String, String> {
    let r = http.post(url).bearer_auth(token).json(body).send().await.map_err(|e| format!("no answer: {e}"))?;
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    if status != StatusCode::CREATED {
        return Err(format!("{status}: {text}"));
    }
    Ok(serde_json::from_str::<Value>(&text).map_err(|e| e.to_string())?["id"].as_str().unwrap_or_default().to_owned())
}

/// Each writer reads a record, then saves: contacts on five shared referrals (they contend for
/// the same rows) and new referrals for new people, interleaved.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_writers_get_no_errors_and_lose_nothing() {
    let dir = std::env::temp_dir().join("linkwork-web-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = spawn(&url).await;
        let token = link_worker_token(&w).await;
        let http = reqwest::Client::new();
        let mut shared = Vec::new();
        for i in 0..5 {
            let id = post(&http, format!("{}/api/referrals", w.base), &token, &referral_body(&w, &nhs_number(i), "Shared")).await.unwrap();
            let r = http.post(format!("{}/api/referrals/{id}/accept", w.base)).bearer_auth(&token).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::NO_CONTENT);
            shared.push(id);
        }
        let base = w.base.clone();
        let tasks: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (http, token, base, shared, practice) = (http.clone(), token.clone(), base.clone(), shared.clone(), w.practice.clone());
                tokio::spawn(async move {
                    let mut out = Outcome::default();
                    for i in 0..WRITES_EACH {
                        let referral = &shared[(writer + i) % shared.len()];
                        // Read first, as a link worker's page does before a save.
                        let read = http.get(format!("{base}/api/referrals/{referral}")).bearer_auth(&token).send().await;
                        if !read.as_ref().is_ok_and(|r| r.status().is_success()) {
                            out.errors.push(format!("read: {:?}", read.map(|r| r.status())));
                        }
                        let contact = json!({"contact_on": "2026-11-11", "mode": "phone", "minutes": 20, "accompanied": false, "notes": format!("writer {writer} write {i}")});
                        match post(&http, format!("{base}/api/referrals/{referral}/contacts"), &token, &contact).await {
                            Ok(id) => out.contacts.push((referral.clone(), id)),
                            Err(e) => out.errors.push(format!("contact: {e}")),
                        }
                        if i % 2 == 0 {
                            let nhs = nhs_number(100 + (writer * WRITES_EACH + i) as u32);
                            let body = json!({
                                "nhs_number": nhs, "given_name": "New", "family_name": "Person", "date_of_birth": "1961-07-14", "sex": "1", "ethnicity": "H",
                                "postcode": "M1 1AE", "practice_id": practice, "referred_on": "2026-11-03", "source": "self", "referrer_name": "Self",
                                "reason": "Debt worries", "needs": ["money"], "consent": "yes"
                            });
                            match post(&http, format!("{base}/api/referrals"), &token, &body).await {
                                Ok(id) => out.referrals.push(id),
                                Err(e) => out.errors.push(format!("referral: {e}")),
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        let mut all = Outcome::default();
        for task in tasks {
            let out = task.await.unwrap();
            all.contacts.extend(out.contacts);
            all.referrals.extend(out.referrals);
            all.errors.extend(out.errors);
        }
        eprintln!("{backend}: {WRITERS} concurrent writers: {} contacts and {} referrals acknowledged, {} errors", all.contacts.len(), all.referrals.len(), all.errors.len());
        assert!(all.errors.is_empty(), "{backend}: {} of the writers' requests failed, e.g. {:?}", all.errors.len(), &all.errors[..all.errors.len().min(5)]);

        // Every acknowledged write is there, read back through the API.
        for referral in &shared {
            let record: Value = http.get(format!("{}/api/referrals/{referral}", w.base)).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
            let stored: HashSet<&str> = record["contacts"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
            let acknowledged: Vec<&str> = all.contacts.iter().filter(|(r, _)| r == referral).map(|(_, id)| id.as_str()).collect();
            assert_eq!(stored.len(), acknowledged.len(), "{backend}: contacts stored on a shared referral");
            assert!(acknowledged.iter().all(|id| stored.contains(id)), "{backend}: an acknowledged contact is missing");
        }
        for id in &all.referrals {
            let r = http.get(format!("{}/api/referrals/{id}", w.base)).bearer_auth(&token).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{backend}: acknowledged referral {id}");
        }
    }
}

/// Fifty requests at once for the same new person (one NHS number): one person, fifty referrals,
/// and no request fails on the database's uniqueness rule.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_referrals_for_one_new_person_make_one_person() {
    let dir = std::env::temp_dir().join("linkwork-web-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = spawn(&url).await;
        let token = link_worker_token(&w).await;
        let http = reqwest::Client::new();
        let body = referral_body(&w, &nhs_number(7), "Same");
        let tasks: Vec<_> = (0..WRITERS)
            .map(|_| {
                let (http, token, url, body) = (http.clone(), token.clone(), format!("{}/api/referrals", w.base), body.clone());
                tokio::spawn(async move { post(&http, url, &token, &body).await })
            })
            .collect();
        let mut ids = Vec::new();
        let mut errors = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok(id) => ids.push(id),
                Err(e) => errors.push(e),
            }
        }
        assert!(errors.is_empty(), "{backend}: {} of {WRITERS} failed, e.g. {:?}", errors.len(), errors.first());
        let mut persons = HashSet::new();
        let mut first = 0;
        for id in &ids {
            let record: Value = http.get(format!("{}/api/referrals/{id}", w.base)).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
            persons.insert(record["person"]["id"].as_str().unwrap().to_owned());
            first += usize::from(record["referral"]["duplicate_of"].is_null());
        }
        assert_eq!(persons.len(), 1, "{backend}: every referral is for the one person");
        assert_eq!(first, 1, "{backend}: all but the first are flagged as possible duplicates of an open referral");
    }
}
