//! Who may read what: regression tests for the access holes found in testing (issue 11, defects 1
//! and 8). The access matrix (`access_matrix.rs`) walks every route; these name the cases found.

use crate::support;

use linkwork_domain::access::Role;
use reqwest::StatusCode;
use serde_json::json;
use support::*;

/// A VCSE partner refers someone in; a link worker converts it into a referral. Returns the
/// partner's API client and the referral id the partner can see in its list.
async fn partner_referral_converted(w: &World) -> (Api, String) {
    let partner = Api::new(w, &w.vcse, Role::VcsePartner).await;
    let lw = Api::new(w, &w.pcn, Role::LinkWorker).await;
    let (status, _) = partner
        .post("/api/incoming-referrals", json!({"service_id": w.pcn, "given_name": "Vera", "family_name": "Partner", "phone": "0113 496 0000", "reason": "Isolated", "consent": "yes"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, pending) = lw.get("/api/incoming-referrals").await;
    let pending: serde_json::Value = serde_json::from_str(&pending).unwrap();
    let incoming = pending.as_array().unwrap().iter().find(|i| i["given_name"] == "Vera").unwrap()["id"].as_str().unwrap().to_owned();
    let (status, _) = lw.post(&format!("/api/incoming-referrals/{incoming}/convert"), referral_json(&nhs_number(71), "Vera", "Partner", "1950-03-04", &w.practice)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, mine) = partner.get("/api/incoming-referrals").await;
    let mine: serde_json::Value = serde_json::from_str(&mine).unwrap();
    let referral = mine.as_array().unwrap().iter().find(|i| i["given_name"] == "Vera").unwrap()["referral_id"].as_str().expect("the partner sees the referral id").to_owned();
    (partner, referral)
}

#[tokio::test]
async fn a_vcse_partner_cannot_read_the_fhir_service_request_of_a_person_it_referred() {
    on_each_database(|w| async move {
        let (partner, referral) = partner_referral_converted(&w).await;
        let (status, body) = partner.get(&format!("/fhir/ServiceRequest/{referral}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!body.contains(&nhs_number(71)) && !body.contains("1950-03-04"), "no identity in the answer: {body}");
    })
    .await;
}

#[tokio::test]
async fn a_vcse_partner_cannot_read_the_fhir_task_of_a_person_it_referred() {
    on_each_database(|w| async move {
        let (partner, referral) = partner_referral_converted(&w).await;
        // A partner reads only its own onward referrals' Tasks (issue 16): the referral's Task is
        // not one of them, and a search by its focus finds nothing.
        let (status, body) = partner.get(&format!("/fhir/Task/{referral}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.contains(&nhs_number(71)), "no identity in the answer: {body}");
        let (status, body) = partner.get(&format!("/fhir/Task?focus=ServiceRequest/{referral}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("\"total\":0") && !body.contains(&nhs_number(71)), "{body}");
    })
    .await;
}

#[tokio::test]
async fn a_vcse_partner_cannot_read_the_gp_record_of_a_person_it_referred() {
    on_each_database(|w| async move {
        let (partner, referral) = partner_referral_converted(&w).await;
        let (status, body) = partner.get(&format!("/api/referrals/{referral}/gp-record")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!body.contains(&nhs_number(71)));
    })
    .await;
}

/// Roles without casework get the same answer for a real referral id as for a made-up one.
#[tokio::test]
async fn roles_without_casework_get_the_same_answer_for_real_and_made_up_referral_ids() {
    on_each_database(|w| async move {
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (status, created) = lw.post("/api/referrals", referral_json(&nhs_number(72), "Real", "Person", "1960-01-01", &w.practice)).await;
        assert_eq!(status, StatusCode::CREATED);
        let real = created["id"].as_str().unwrap().to_owned();
        let made_up = "0190a0a0-0000-7000-8000-000000000000";
        for (org, role) in [(&w.vcse, Role::VcsePartner), (&w.icb, Role::Commissioner), (&w.practice, Role::PracticeStaff)] {
            let client = Api::new(&w, org, role).await;
            for path in ["/api/referrals/{id}", "/api/referrals/{id}/onward-events"] {
                let a = client.get(&path.replace("{id}", &real)).await.0;
                let b = client.get(&path.replace("{id}", made_up)).await.0;
                assert_eq!(a, b, "{role:?} {path}: real id {a}, made-up id {b}");
            }
            let a = client.post(&format!("/api/referrals/{real}/contacts"), json!({})).await.0;
            let b = client.post(&format!("/api/referrals/{made_up}/contacts"), json!({})).await.0;
            assert_eq!(a, b, "{role:?} POST contacts: real id {a}, made-up id {b}");
        }
    })
    .await;
}

#[tokio::test]
async fn roles_without_casework_get_the_same_page_for_real_and_made_up_referral_ids() {
    on_each_database(|w| async move {
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (_, created) = lw.post("/api/referrals", referral_json(&nhs_number(73), "Page", "Person", "1960-01-01", &w.practice)).await;
        let real = created["id"].as_str().unwrap().to_owned();
        let made_up = "0190a0a0-0000-7000-8000-000000000000";
        for email in ["partner@test.org", "commissioner@test.org", "practice@test.org"] {
            let b = Browser::login(&w.base, email).await;
            for path in ["/referrals/{id}", "/referrals/{id}/contacts/new", "/referrals/{id}/attempts/new"] {
                let a = b.get(&path.replace("{id}", &real)).await.0;
                let m = b.get(&path.replace("{id}", made_up)).await.0;
                assert_eq!(a, m, "{email} {path}: real id {a}, made-up id {m}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_form_posted_with_a_wrong_or_missing_csrf_token_is_refused_and_changes_nothing() {
    on_each_database(|w| async move {
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (_, created) = lw.post("/api/referrals", referral_json(&nhs_number(74), "Cee", "Surf", "1960-01-01", &w.practice)).await;
        let referral = created["id"].as_str().unwrap().to_owned();
        let b = Browser::login(&w.base, "lw@test.org").await;
        for csrf in [None, Some("not-the-token")] {
            let mut form = vec![("decline_reason", "not_eligible"), ("confirm", "yes")];
            if let Some(t) = csrf {
                form.push(("csrf_token", t));
            }
            let r = b.http.post(format!("{}/referrals/{referral}/decline", w.base)).header(reqwest::header::COOKIE, &b.cookie).form(&form).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "csrf {csrf:?}");
        }
        assert_eq!(w.store.referral_header(&referral).await.unwrap().unwrap().status, linkwork_domain::casework::referral::ReferralStatus::Received, "not declined");
    })
    .await;
}

/// Every form the browser posts checks its CSRF token before anything else (the `CheckedForm`
/// extractor): a signed-in manager posting any page route without one is refused, whatever the
/// route and whatever the id.
#[tokio::test]
async fn every_page_form_refuses_a_post_without_its_csrf_token() {
    on_each_database(|w| async move {
        let b = Browser::login(&w.base, "manager@test.org").await;
        let mut checked = 0;
        for route in linkwork_web::route_table() {
            // Systems authenticate with a bearer token, never a cookie: no CSRF to refuse.
            let open_to_systems = ["/api/", "/fhir/", "/oruk"].iter().any(|p| route.path.starts_with(p)) || route.path == "/fhir";
            if route.method != "POST" || open_to_systems {
                continue;
            }
            let path = route.path.split('/').map(|s| if s.starts_with('{') { "0193b6a0-0000-7000-8000-000000000000" } else { s }).collect::<Vec<_>>().join("/");
            // A plain form, and a file upload (the import pages take uploads).
            let r = b.http.post(format!("{}{path}", w.base)).header(reqwest::header::COOKIE, &b.cookie).form(&[("confirm", "yes")]).send().await.unwrap();
            let upload = reqwest::multipart::Form::new().text("confirm", "yes").part("file", reqwest::multipart::Part::bytes(b"a,b\n".to_vec()).file_name("x.csv"));
            let u = b.http.post(format!("{}{path}", w.base)).header(reqwest::header::COOKIE, &b.cookie).multipart(upload).send().await.unwrap();
            let (form_status, upload_status) = (r.status(), u.status());
            let is_upload_page = form_status == StatusCode::BAD_REQUEST;
            if is_upload_page {
                assert_eq!(upload_status, StatusCode::FORBIDDEN, "upload to {} without a CSRF token", route.path);
            } else {
                assert_eq!(form_status, StatusCode::FORBIDDEN, "POST {} without a CSRF token", route.path);
            }
            checked += 1;
        }
        assert!(checked > 40, "only {checked} form routes were found");
    })
    .await;
}
