//! HTTP tests: the real application on a random port, against SQLite and PostgreSQL, driven as a
//! browser (forms, cookies, CSRF) and as an API client (bearer tokens) would.

mod support;

use linkwork_domain::access::Role;
use linkwork_store::testing::fresh_database_urls;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use support::*;

fn referral_fields<'a>(nhs: &'a str, practice: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("nhs_number", nhs),
        ("given_name", "Ada"),
        ("family_name", "Test"),
        ("date_of_birth", "1948-02-29"),
        ("sex", "2"),
        ("ethnicity", "A"),
        ("postcode", "ls1 4ap"),
        ("mobile", "07700 900123"),
        ("practice_id", practice),
        ("referred_on", "2026-11-02"),
        ("source", "gp_practice"),
        ("referrer_name", "Dr Patel"),
        ("consent", "yes"),
        ("reason", "Lonely since her husband died"),
        ("needs", "loneliness"),
        ("needs", "bereavement"),
    ]
}

#[tokio::test]
async fn web_and_api_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-web-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = spawn(&url).await;
        journey(&w).await;
        roles(&w).await;
        api(&w).await;
        eprintln!("{backend}: web and API tests passed");
    }
}

async fn journey(w: &World) {
    let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
    let health = http.get(format!("{}/healthz", w.base)).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // Not signed in: pages redirect to sign-in.
    let r = http.get(format!("{}/caseload", w.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/login");

    // A wrong password is refused with the form shown again.
    let b = Browser::new(&w.base);
    let form = b.http.get(format!("{}/login", w.base)).send().await.unwrap();
    let cookie = form.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = csrf_in(&form.text().await.unwrap());
    let r = b.http.post(format!("{}/login", w.base)).header(COOKIE, &cookie).form(&[("csrf_token", csrf.as_str()), ("email", "lw@test.org"), ("password", "wrong")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("The email address or password is not right"));
    // Without the login CSRF cookie the form is refused.
    let r = b.http.post(format!("{}/login", w.base)).form(&[("csrf_token", csrf.as_str()), ("email", "lw@test.org"), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Five wrong passwords lock that account out from this address, even with the right one.
    for _ in 0..5 {
        let r = b.http.post(format!("{}/login", w.base)).header(COOKIE, &cookie).form(&[("csrf_token", csrf.as_str()), ("email", "lw2@test.org"), ("password", "wrong")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = b.http.post(format!("{}/login", w.base)).header(COOKIE, &cookie).form(&[("csrf_token", csrf.as_str()), ("email", "lw2@test.org"), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Too many attempts"));

    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (status, html) = lw.get("/caseload").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("My caseload"));

    // Bad input: every problem listed, nothing written.
    let mut bad = referral_fields("9434765918", &w.practice);
    bad.retain(|(k, _)| *k != "needs");
    let (status, _, html) = lw.post("/referrals/new", "/referrals/new", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("There is a problem"));
    assert!(html.contains("This is not a valid NHS number"));
    assert!(html.contains("Select at least one need"));
    assert!(html.contains("value=\"Ada\""), "entered values are kept");
    assert!(w.store.caseload(&w.pcn, None, false).await.unwrap().is_empty());

    // A POST without the CSRF token is refused.
    let r = lw.http.post(format!("{}/referrals/new", w.base)).header(COOKIE, &lw.cookie).form(&referral_fields("9434765919", &w.practice)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let (status, location, _) = lw.post("/referrals/new", "/referrals/new", &referral_fields("943 476 5919", &w.practice)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let record = location.split('?').next().unwrap().to_owned();
    let id = record.trim_start_matches("/referrals/").to_owned();
    let (_, html) = lw.get(&location).await;
    assert!(html.contains("Referral recorded") && html.contains("943 476 5919") && html.contains("LS1 4AP"));

    let (status, ..) = lw.post(&record, &format!("{record}/accept"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Accepting twice is a conflict, not a second change.
    let (status, ..) = lw.post(&record, &format!("{record}/accept"), &[]).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let conv = format!("{record}/conversation");
    let (status, _, html) = lw.post(&conv, &conv, &[("held_on", "2026-11-03"), ("what_matters", ""), ("needs", "loneliness")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Enter what matters to the person") && html.contains("Enter at least one goal"));
    let (status, ..) = lw.post(&conv, &conv, &[("held_on", "2026-11-03"), ("what_matters", "Seeing people again"), ("needs", "loneliness"), ("goal_0", "Go to a walking group"), ("review_0", "2026-12-15")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let contact = format!("{record}/contacts/new");
    let (status, _, html) = lw.post(&contact, &contact, &[("contact_on", "2026-11-03"), ("mode", "face_to_face"), ("minutes", "0"), ("accompanied", "no")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Minutes must be between 1 and 600"));
    let (status, ..) = lw.post(&contact, &contact, &[("contact_on", "2026-11-03"), ("mode", "face_to_face"), ("minutes", "45"), ("accompanied", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let swemwbs = format!("{record}/measures/new?instrument=swemwbs");
    let (status, _, html) = lw.post(&swemwbs, &swemwbs, &[("timepoint", "baseline"), ("taken_on", "2026-11-03"), ("item_1", "3"), ("item_2", "9")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("must be a whole number from 1 to 5") && html.contains("Answer question 7"));
    let items: Vec<(String, &str)> = (1..=7).map(|i| (format!("item_{i}"), "3")).collect();
    let mut fields = vec![("timepoint", "baseline"), ("taken_on", "2026-11-03")];
    fields.extend(items.iter().map(|(k, v)| (k.as_str(), *v)));
    let (status, ..) = lw.post(&swemwbs, &swemwbs, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let onward = format!("{record}/onward/new");
    let (status, ..) = lw.post(&onward, &onward, &[("service_id", &w.service), ("note", "Mornings are best"), ("share_consent", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, html) = lw.get(&record).await;
    assert!(html.contains("Go to a walking group") && html.contains("SWEMWBS (metric score): 19.25") && html.contains("Tuesday walks"));
    let events = w.store.audit_events(&w.store.referral_header(&id).await.unwrap().unwrap().person_id).await.unwrap();
    assert!(events.iter().any(|e| e.action == "referral.read"), "reading a record is audited");

    // The partner answers.
    let partner = Browser::login(&w.base, "partner@test.org").await;
    let (_, list) = partner.get("/partner/referrals").await;
    assert!(list.contains("Ada Test") && list.contains("Tuesday walks"));
    assert!(!list.contains("943 476 5919"), "partners never see the NHS number");
    let onward_id = w.store.partner_referrals(&w.vcse).await.unwrap()[0].onward.id.clone();
    let page = format!("/partner/referrals/{onward_id}");
    let (status, _, html) = partner.post(&page, &page, &[("action", "decline")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "declining needs a reason: {html}");
    let (status, ..) = partner.post(&page, &page, &[("action", "accept")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, ..) = partner.post(&page, &page, &[("action", "attended")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = partner.get(&page).await;
    assert!(html.contains("Attended"));
    // Another organisation's partner cannot see it.
    let other = Browser::login(&w.base, "partner.other@test.org").await;
    assert_eq!(other.get(&page).await.0, StatusCode::NOT_FOUND);
    assert!(!other.get("/partner/referrals").await.1.contains("Ada Test"));

    // Discharge walks through the goal review and the closing measures, then asks to confirm.
    let discharge = format!("{record}/discharge");
    let goal = format!("goal_{}", w.store.referral_record(&Default::default(), &id).await.unwrap().unwrap().goals[0].id);
    let fields = [("discharge_reason", "goals_met"), ("summary", "Walking weekly"), (goal.as_str(), "achieved"), ("not_taken_ons4", "declined"), ("not_taken_swemwbs", "declined")];
    let (status, ..) = lw.post(&discharge, &discharge, &fields).await;
    assert_eq!(status, StatusCode::OK, "the check page first");
    let (status, ..) = lw.post(&discharge, &discharge, &[&fields[..], &[("confirm", "yes")]].concat()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = lw.get(&record).await;
    assert!(html.contains("Discharged"));
}

async fn roles(w: &World) {
    let referral_id = w.store.caseload(&w.pcn, None, false).await.unwrap()[0].referral_id.clone();
    let record = format!("/referrals/{referral_id}");
    // A link worker of another PCN cannot see this service's people.
    let other_lw = Browser::login(&w.base, "lw.other@test.org").await;
    assert_eq!(other_lw.get(&record).await.0, StatusCode::NOT_FOUND);
    assert!(!other_lw.get("/caseload").await.1.contains("Ada"));
    // Partners and commissioners never see a person's record.
    let partner = Browser::login(&w.base, "partner@test.org").await;
    assert_eq!(partner.get(&record).await.0, StatusCode::FORBIDDEN);
    assert_eq!(partner.get("/caseload").await.0, StatusCode::FORBIDDEN);
    assert_eq!(partner.get("/report").await.0, StatusCode::FORBIDDEN);
    let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
    assert_eq!(commissioner.get(&record).await.0, StatusCode::FORBIDDEN);
    assert_eq!(commissioner.get("/caseload").await.0, StatusCode::FORBIDDEN);
    let (status, html) = commissioner.get("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Referral rate"));
    assert!(!html.contains("Ada"));
    let (status, html) = commissioner.get("/report?from=2026-01-01&to=2026-12-31").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg") && !html.contains("Ada"));
    let (status, _) = commissioner.get("/report?from=2026-12-31&to=2026-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, csv) = commissioner.get("/report.csv?from=2026-01-01&to=2026-12-31").await;
    assert_eq!(status, StatusCode::OK);
    // One referral in the period: a count of 1 is suppressed.
    assert!(csv.lines().any(|l| l.starts_with("reach.referrals,") && l.contains(",*,")), "{csv}");
    let _ = &w.other_vcse;
}

async fn api(w: &World) {
    let http = reqwest::Client::new();
    let token = linkwork_app::accounts::new_api_token();
    w.store.create_api_token(&linkwork_app::accounts::hash_api_token(&token), &w.pcn, Role::LinkWorker, Some("test")).await.unwrap();
    let partner_token = linkwork_app::accounts::new_api_token();
    w.store.create_api_token(&linkwork_app::accounts::hash_api_token(&partner_token), &w.other_vcse, Role::VcsePartner, None).await.unwrap();

    let r = http.get(format!("{}/api/referrals", w.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"], "unauthenticated");

    let spec: serde_json::Value = http.get(format!("{}/api/openapi.json", w.base)).send().await.unwrap().json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert!(spec["paths"]["/api/referrals"]["post"].is_object());

    let bad = serde_json::json!({"nhs_number": "123", "needs": []});
    let r = http.post(format!("{}/api/referrals", w.base)).bearer_auth(&token).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"nhs_number") && fields.contains(&"needs") && fields.contains(&"postcode"), "{fields:?}");

    let good = serde_json::json!({
        "nhs_number": "9434765870", "given_name": "Bo", "family_name": "Api", "date_of_birth": "1960-01-31", "sex": "1", "ethnicity": "H",
        "postcode": "M1 1AE", "practice_id": w.practice, "referred_on": "2026-11-10", "source": "self", "referrer_name": "Self", "reason": "Debt worries", "needs": ["money"], "consent": "yes"
    });
    let r = http.post(format!("{}/api/referrals", w.base)).bearer_auth(&token).json(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(http.post(format!("{}/api/referrals/{id}/accept", w.base)).bearer_auth(&token).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    let r = http.post(format!("{}/api/referrals/{id}/contacts", w.base)).bearer_auth(&token).json(&serde_json::json!({"contact_on": "2026-11-11", "mode": "phone", "minutes": 20, "accompanied": false})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = http.post(format!("{}/api/referrals/{id}/measures/ons4", w.base)).bearer_auth(&token).json(&serde_json::json!({"timepoint": "baseline", "taken_on": "2026-11-11", "item_1": 4, "item_2": 5, "item_3": 3, "item_4": 11})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let record: serde_json::Value = http.get(format!("{}/api/referrals/{id}", w.base)).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(record["person"]["nhs_number"], "9434765870");
    assert_eq!(record["referral"]["referred_on"], "2026-11-10", "dates are ISO 8601 in the API");
    assert_eq!(record["contacts"].as_array().unwrap().len(), 1);
    assert!(record["measures"].as_array().unwrap().is_empty(), "the rejected measure wrote nothing");

    // A partner token cannot read records, nor answer another organisation's referral.
    assert_eq!(http.get(format!("{}/api/referrals/{id}", w.base)).bearer_auth(&partner_token).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let onward_id = w.store.partner_referrals(&w.vcse).await.unwrap()[0].onward.id.clone();
    let r = http.post(format!("{}/api/partner/onward-referrals/{onward_id}", w.base)).bearer_auth(&partner_token).json(&serde_json::json!({"action": "accept"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(http.get(format!("{}/api/report", w.base)).bearer_auth(&partner_token).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let report: serde_json::Value = http.get(format!("{}/api/report?from=2026-01-01&to=2026-12-31", w.base)).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert!(report["figures"].as_array().unwrap().iter().any(|f| f["id"] == "reach.referrals"));
}
