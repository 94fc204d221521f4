//! The API's list reads come a page at a time (issue 14): `?limit=&offset=`, the whole list's
//! size in `X-Total-Count`, the next page in `Link`, and only the people on the page audited.

use crate::support;

use linkwork_domain::access::Role;
use reqwest::StatusCode;
use serde_json::Value;
use support::*;

/// Three open referrals of the test PCN, made through the API; returns their person ids.
async fn three_referrals(w: &World) -> Vec<String> {
    let lw = Api::new(w, &w.pcn, Role::LinkWorker).await;
    let mut people = Vec::new();
    for (n, family) in [(61, "Ashby"), (62, "Baxter"), (63, "Carter")] {
        let (status, created) = lw.post("/api/referrals", referral_json(&nhs_number(n), "Pat", family, "1950-03-04", &w.practice)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        people.push(w.store.referral_header(created["id"].as_str().unwrap()).await.unwrap().unwrap().person_id);
    }
    people
}

async fn get(api: &Api, path: &str) -> reqwest::Response {
    api.http.get(format!("{}{path}", api.base)).bearer_auth(&api.token).send().await.unwrap()
}

fn header(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_referrals_list_gives_one_page_with_the_total_and_a_link_to_the_next() {
    on_each_database(|w| async move {
        three_referrals(&w).await;
        let api = Api::new(&w, &w.pcn, Role::Manager).await;
        let first = get(&api, "/api/referrals?limit=2").await;
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(header(&first, "x-total-count").as_deref(), Some("3"));
        assert_eq!(header(&first, "link").as_deref(), Some("</api/referrals?limit=2&offset=2>; rel=\"next\""));
        let first: Vec<Value> = first.json().await.unwrap();
        assert_eq!(first.len(), 2);
        let last = get(&api, "/api/referrals?limit=2&offset=2").await;
        assert_eq!(header(&last, "link"), None, "the last page links to no next one");
        let last: Vec<Value> = last.json().await.unwrap();
        assert_eq!(last.len(), 1);
        assert!(first.iter().all(|e| e["referral_id"] != last[0]["referral_id"]), "pages do not overlap");
    })
    .await;
}

#[tokio::test]
async fn the_caseload_list_is_paged_like_the_referrals_list() {
    on_each_database(|w| async move {
        three_referrals(&w).await;
        let api = Api::new(&w, &w.pcn, Role::Manager).await;
        let page = get(&api, "/api/caseload?limit=1&offset=1").await;
        assert_eq!(header(&page, "x-total-count").as_deref(), Some("3"));
        assert_eq!(header(&page, "link").as_deref(), Some("</api/caseload?limit=1&offset=2>; rel=\"next\""));
        let rows: Vec<Value> = page.json().await.unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0]["rag"].is_string() && rows[0]["referral"]["referral_id"].is_string(), "{rows:?}");
    })
    .await;
}

#[tokio::test]
async fn a_limit_out_of_range_is_refused_with_a_clear_message() {
    on_each_database(|w| async move {
        let api = Api::new(&w, &w.pcn, Role::Manager).await;
        for query in ["limit=0", "limit=501", "limit=ten", "offset=-1"] {
            let (status, body) = api.get(&format!("/api/referrals?{query}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
            assert!(body.contains("whole number"), "{query}: {body}");
        }
    })
    .await;
}

#[tokio::test]
async fn only_the_people_on_the_page_are_audited_as_read() {
    on_each_database(|w| async move {
        let people = three_referrals(&w).await;
        let api = Api::new(&w, &w.pcn, Role::Manager).await;
        let page: Vec<Value> = get(&api, "/api/referrals?limit=1").await.json().await.unwrap();
        let shown = page[0]["person_id"].as_str().unwrap().to_owned();
        for person in &people {
            let listed = w.store.person_audit(person).await.unwrap().iter().any(|e| e.action == "caseload.read");
            assert_eq!(listed, *person == shown, "person {person} audited as read: {listed}");
        }
    })
    .await;
}
