//! HTTP tests: the real application on a random port, each test on SQLite and PostgreSQL, driven
//! as a browser (forms, cookies, CSRF) and as an API client (bearer tokens) would.

use crate::support;

use linkwork_domain::access::Role;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::{json, Value};
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

/// A referral a link worker recorded through the form: the signed-in link worker, the page the
/// form went to, and the record's path.
async fn recorded(w: &World) -> (Browser, String, String) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (status, location, _) = lw.post("/referrals/new", "/referrals/new", &referral_fields("943 476 5919", &w.practice)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let record = location.split('?').next().unwrap().to_owned();
    (lw, location, record)
}

/// A recorded referral, accepted, with a conversation and its goal, a contact, a baseline
/// SWEMWBS of 3s and an onward referral to the partner's walks: the link worker and the record.
async fn worked(w: &World) -> (Browser, String) {
    let (lw, _, record) = recorded(w).await;
    assert_eq!(lw.post(&record, &format!("{record}/accept"), &[]).await.0, StatusCode::SEE_OTHER);
    let conv = format!("{record}/conversation");
    let (status, ..) = lw.post(&conv, &conv, &[("held_on", "2026-11-03"), ("what_matters", "Seeing people again"), ("needs", "loneliness"), ("goal_0", "Go to a walking group"), ("review_0", "2026-12-15")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let contact = format!("{record}/contacts/new");
    let (status, ..) = lw.post(&contact, &contact, &[("contact_on", "2026-11-03"), ("mode", "face_to_face"), ("minutes", "45"), ("accompanied", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let swemwbs = format!("{record}/measures/new?instrument=swemwbs");
    let items: Vec<(String, &str)> = (1..=7).map(|i| (format!("item_{i}"), "3")).collect();
    let mut fields = vec![("timepoint", "baseline"), ("taken_on", "2026-11-03")];
    fields.extend(items.iter().map(|(k, v)| (k.as_str(), *v)));
    assert_eq!(lw.post(&swemwbs, &swemwbs, &fields).await.0, StatusCode::SEE_OTHER);
    let onward = format!("{record}/onward/new");
    let (status, ..) = lw.post(&onward, &onward, &[("service_id", &w.service), ("note", "Mornings are best"), ("share_consent", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    (lw, record)
}

fn id_of(record: &str) -> String {
    record.trim_start_matches("/referrals/").to_owned()
}

/// The partner's page of the first onward referral made to it.
async fn partner_page(w: &World) -> String {
    format!("/partner/referrals/{}", w.store.partner_referrals(&w.vcse).await.unwrap()[0].onward.id)
}

/// A browser that has opened the sign-in form: its form cookie and CSRF token.
async fn login_form(w: &World) -> (Browser, String, String) {
    let b = Browser::new(&w.base);
    let form = b.http.get(format!("{}/login", w.base)).send().await.unwrap();
    let cookie = form.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = csrf_in(&form.text().await.unwrap());
    (b, cookie, csrf)
}

async fn sign_in(w: &World, b: &Browser, cookie: &str, csrf: &str, email: &str, password: &str) -> reqwest::Response {
    b.http.post(format!("{}/login", w.base)).header(COOKIE, cookie).form(&[("csrf_token", csrf), ("email", email), ("password", password)]).send().await.unwrap()
}

// Signing in

#[tokio::test]
async fn the_health_check_answers() {
    on_each_database(|w| async move {
        assert_eq!(reqwest::get(format!("{}/healthz", w.base)).await.unwrap().status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn pages_send_a_visitor_who_is_not_signed_in_to_sign_in() {
    on_each_database(|w| async move {
        let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        let r = http.get(format!("{}/caseload", w.base)).send().await.unwrap();
        assert_eq!((r.status(), r.headers()[LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/login"));
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again() {
    on_each_database(|w| async move {
        let (b, cookie, csrf) = login_form(&w).await;
        let r = sign_in(&w, &b, &cookie, &csrf, "lw@test.org", "wrong").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("The email address or password is not right"));
    })
    .await;
}

#[tokio::test]
async fn signing_in_without_the_sign_in_forms_cookie_is_refused() {
    on_each_database(|w| async move {
        let (b, _, csrf) = login_form(&w).await;
        let r = b.http.post(format!("{}/login", w.base)).form(&[("csrf_token", csrf.as_str()), ("email", "lw@test.org"), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_out_from_that_address_even_with_the_right_one() {
    on_each_database(|w| async move {
        let (b, cookie, csrf) = login_form(&w).await;
        for _ in 0..5 {
            assert_eq!(sign_in(&w, &b, &cookie, &csrf, "lw2@test.org", "wrong").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        let r = sign_in(&w, &b, &cookie, &csrf, "lw2@test.org", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Too many attempts"));
    })
    .await;
}

#[tokio::test]
async fn a_signed_in_link_worker_sees_their_caseload() {
    on_each_database(|w| async move {
        let (status, html) = Browser::login(&w.base, "lw@test.org").await.get("/caseload").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("My caseload"));
    })
    .await;
}

// A referral through the web forms

#[tokio::test]
async fn a_referral_with_problems_lists_each_keeps_what_was_entered_and_writes_nothing() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let mut bad = referral_fields("9434765918", &w.practice);
        bad.retain(|(k, _)| *k != "needs");
        let (status, _, html) = lw.post("/referrals/new", "/referrals/new", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("There is a problem") && html.contains("This is not a valid NHS number") && html.contains("Select at least one need"));
        assert!(html.contains("value=\"Ada\""), "entered values are kept");
        assert!(w.store.caseload(&w.pcn, None, false).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_referral_posted_without_its_csrf_token_is_refused() {
    on_each_database(|w| async move {
        let lw = Browser::login(&w.base, "lw@test.org").await;
        let r = lw.http.post(format!("{}/referrals/new", w.base)).header(COOKIE, &lw.cookie).form(&referral_fields("9434765919", &w.practice)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(w.store.caseload(&w.pcn, None, false).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_recorded_referral_shows_the_nhs_number_and_postcode_in_their_usual_form() {
    on_each_database(|w| async move {
        let (lw, location, _) = recorded(&w).await;
        let (_, html) = lw.get(&location).await;
        assert!(html.contains("Referral recorded") && html.contains("943 476 5919") && html.contains("LS1 4AP"));
    })
    .await;
}

#[tokio::test]
async fn accepting_a_referral_twice_is_a_conflict_not_a_second_change() {
    on_each_database(|w| async move {
        let (lw, _, record) = recorded(&w).await;
        assert_eq!(lw.post(&record, &format!("{record}/accept"), &[]).await.0, StatusCode::SEE_OTHER);
        assert_eq!(lw.post(&record, &format!("{record}/accept"), &[]).await.0, StatusCode::CONFLICT);
    })
    .await;
}

#[tokio::test]
async fn a_conversation_needs_what_matters_and_a_goal() {
    on_each_database(|w| async move {
        let (lw, _, record) = recorded(&w).await;
        lw.post(&record, &format!("{record}/accept"), &[]).await;
        let conv = format!("{record}/conversation");
        let (status, _, html) = lw.post(&conv, &conv, &[("held_on", "2026-11-03"), ("what_matters", ""), ("needs", "loneliness")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Enter what matters to the person") && html.contains("Enter at least one goal"));
    })
    .await;
}

#[tokio::test]
async fn a_contact_of_no_minutes_is_refused() {
    on_each_database(|w| async move {
        let (lw, _, record) = recorded(&w).await;
        lw.post(&record, &format!("{record}/accept"), &[]).await;
        let contact = format!("{record}/contacts/new");
        let (status, _, html) = lw.post(&contact, &contact, &[("contact_on", "2026-11-03"), ("mode", "face_to_face"), ("minutes", "0"), ("accompanied", "no")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Minutes must be between 1 and 600"));
    })
    .await;
}

#[tokio::test]
async fn a_questionnaire_with_an_answer_out_of_range_or_missing_is_refused() {
    on_each_database(|w| async move {
        let (lw, _, record) = recorded(&w).await;
        lw.post(&record, &format!("{record}/accept"), &[]).await;
        let swemwbs = format!("{record}/measures/new?instrument=swemwbs");
        let (status, _, html) = lw.post(&swemwbs, &swemwbs, &[("timepoint", "baseline"), ("taken_on", "2026-11-03"), ("item_1", "3"), ("item_2", "9")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("must be a whole number from 1 to 5") && html.contains("Answer question 7"));
    })
    .await;
}

#[tokio::test]
async fn the_record_shows_the_goal_the_score_and_the_onward_referral() {
    on_each_database(|w| async move {
        let (lw, record) = worked(&w).await;
        let (_, html) = lw.get(&record).await;
        assert!(html.contains("Go to a walking group") && html.contains("SWEMWBS (metric score): 19.25") && html.contains("Tuesday walks"));
    })
    .await;
}

#[tokio::test]
async fn reading_a_record_is_audited() {
    on_each_database(|w| async move {
        let (lw, record) = worked(&w).await;
        lw.get(&record).await;
        let person = w.store.referral_header(&id_of(&record)).await.unwrap().unwrap().person_id;
        assert!(w.store.audit_events(&person).await.unwrap().iter().any(|e| e.action == "referral.read"));
    })
    .await;
}

#[tokio::test]
async fn discharge_walks_through_goals_and_closing_measures_then_asks_to_confirm() {
    on_each_database(|w| async move {
        let (lw, record) = worked(&w).await;
        let discharge = format!("{record}/discharge");
        let goal = format!("goal_{}", w.store.referral_record(&Default::default(), &id_of(&record)).await.unwrap().unwrap().goals[0].id);
        let fields = [("discharge_reason", "goals_met"), ("summary", "Walking weekly"), (goal.as_str(), "achieved"), ("not_taken_ons4", "declined"), ("not_taken_swemwbs", "declined")];
        assert_eq!(lw.post(&discharge, &discharge, &fields).await.0, StatusCode::OK, "the check page first");
        assert_eq!(lw.post(&discharge, &discharge, &[&fields[..], &[("confirm", "yes")]].concat()).await.0, StatusCode::SEE_OTHER);
        assert!(lw.get(&record).await.1.contains("Discharged"));
    })
    .await;
}

// The partner's side

#[tokio::test]
async fn partners_see_the_person_and_service_but_never_the_nhs_number() {
    on_each_database(|w| async move {
        worked(&w).await;
        let (_, list) = Browser::login(&w.base, "partner@test.org").await.get("/partner/referrals").await;
        assert!(list.contains("Ada Test") && list.contains("Tuesday walks"));
        assert!(!list.contains("943 476 5919"));
    })
    .await;
}

#[tokio::test]
async fn a_partner_declines_only_with_a_reason() {
    on_each_database(|w| async move {
        worked(&w).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let page = partner_page(&w).await;
        let (status, _, html) = partner.post(&page, &page, &[("action", "decline")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    })
    .await;
}

#[tokio::test]
async fn a_partner_accepts_and_records_attendance() {
    on_each_database(|w| async move {
        worked(&w).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let page = partner_page(&w).await;
        assert_eq!(partner.post(&page, &page, &[("action", "accept")]).await.0, StatusCode::SEE_OTHER);
        assert_eq!(partner.post(&page, &page, &[("action", "attended")]).await.0, StatusCode::SEE_OTHER);
        assert!(partner.get(&page).await.1.contains("Attended"));
    })
    .await;
}

#[tokio::test]
async fn another_organisations_partner_cannot_see_the_onward_referral() {
    on_each_database(|w| async move {
        worked(&w).await;
        let page = partner_page(&w).await;
        let other = Browser::login(&w.base, "partner.other@test.org").await;
        assert_eq!(other.get(&page).await.0, StatusCode::NOT_FOUND);
        assert!(!other.get("/partner/referrals").await.1.contains("Ada Test"));
    })
    .await;
}

// Who sees what

#[tokio::test]
async fn another_services_link_worker_cannot_see_the_record() {
    on_each_database(|w| async move {
        let (_, _, record) = recorded(&w).await;
        let other_lw = Browser::login(&w.base, "lw.other@test.org").await;
        assert_eq!(other_lw.get(&record).await.0, StatusCode::NOT_FOUND);
        assert!(!other_lw.get("/caseload").await.1.contains("Ada"));
    })
    .await;
}

#[tokio::test]
async fn partners_and_commissioners_never_see_a_record_or_caseload() {
    on_each_database(|w| async move {
        let (_, _, record) = recorded(&w).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        for (who, path) in [(&partner, record.as_str()), (&partner, "/caseload"), (&partner, "/report"), (&commissioner, record.as_str()), (&commissioner, "/caseload")] {
            assert_eq!(who.get(path).await.0, StatusCode::FORBIDDEN, "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn commissioners_see_the_dashboard_and_report_without_names() {
    on_each_database(|w| async move {
        recorded(&w).await;
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        let (status, html) = commissioner.get("/dashboard").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Referral rate") && !html.contains("Ada"));
        let (status, html) = commissioner.get("/report?from=2026-01-01&to=2026-12-31").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<svg") && !html.contains("Ada"));
    })
    .await;
}

#[tokio::test]
async fn a_report_period_that_ends_before_it_starts_is_refused() {
    on_each_database(|w| async move {
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        assert_eq!(commissioner.get("/report?from=2026-12-31&to=2026-01-01").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn a_report_count_of_one_is_suppressed_in_the_csv() {
    on_each_database(|w| async move {
        recorded(&w).await;
        let (status, csv) = Browser::login(&w.base, "commissioner@test.org").await.get("/report.csv?from=2026-01-01&to=2026-12-31").await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.lines().any(|l| l.starts_with("reach.referrals,") && l.contains(",*,")), "{csv}");
    })
    .await;
}

// The JSON API

fn good_referral(practice: &str) -> Value {
    json!({
        "nhs_number": "9434765870", "given_name": "Bo", "family_name": "Api", "date_of_birth": "1960-01-31", "sex": "1", "ethnicity": "H",
        "postcode": "M1 1AE", "practice_id": practice, "referred_on": "2026-11-10", "source": "self", "referrer_name": "Self", "reason": "Debt worries", "needs": ["money"], "consent": "yes"
    })
}

#[tokio::test]
async fn the_api_refuses_a_request_without_a_token() {
    on_each_database(|w| async move {
        let r = reqwest::get(format!("{}/api/referrals", w.base)).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.json::<Value>().await.unwrap()["error"], "unauthenticated");
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_referral_routes() {
    on_each_database(|w| async move {
        let spec: Value = reqwest::get(format!("{}/api/openapi.json", w.base)).await.unwrap().json().await.unwrap();
        assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
        assert!(spec["paths"]["/api/referrals"]["post"].is_object());
    })
    .await;
}

#[tokio::test]
async fn an_api_referral_with_problems_names_each_field() {
    on_each_database(|w| async move {
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (status, body) = api.post("/api/referrals", json!({"nhs_number": "123", "needs": []})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"nhs_number") && fields.contains(&"needs") && fields.contains(&"postcode"), "{fields:?}");
    })
    .await;
}

#[tokio::test]
async fn an_api_referral_is_recorded_accepted_and_contacted_with_iso_dates() {
    on_each_database(|w| async move {
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (status, created) = api.post("/api/referrals", good_referral(&w.practice)).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = created["id"].as_str().unwrap();
        assert_eq!(api.post(&format!("/api/referrals/{id}/accept"), json!({})).await.0, StatusCode::NO_CONTENT);
        let (status, _) = api.post(&format!("/api/referrals/{id}/contacts"), json!({"contact_on": "2026-11-11", "mode": "phone", "minutes": 20, "accompanied": false})).await;
        assert_eq!(status, StatusCode::CREATED);
        let record: Value = serde_json::from_str(&api.get(&format!("/api/referrals/{id}")).await.1).unwrap();
        assert_eq!(record["person"]["nhs_number"], "9434765870");
        assert_eq!(record["referral"]["referred_on"], "2026-11-10", "dates are ISO 8601 in the API");
        assert_eq!(record["contacts"].as_array().unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn an_api_questionnaire_with_an_answer_out_of_range_writes_nothing() {
    on_each_database(|w| async move {
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (_, created) = api.post("/api/referrals", good_referral(&w.practice)).await;
        let id = created["id"].as_str().unwrap();
        api.post(&format!("/api/referrals/{id}/accept"), json!({})).await;
        let (status, _) = api.post(&format!("/api/referrals/{id}/measures/ons4"), json!({"timepoint": "baseline", "taken_on": "2026-11-11", "item_1": 4, "item_2": 5, "item_3": 3, "item_4": 11})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let record: Value = serde_json::from_str(&api.get(&format!("/api/referrals/{id}")).await.1).unwrap();
        assert!(record["measures"].as_array().unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_partner_token_cannot_read_records_answer_another_organisations_referral_or_see_the_report() {
    on_each_database(|w| async move {
        worked(&w).await;
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let (_, created) = api.post("/api/referrals", good_referral(&w.practice)).await;
        let partner = Api::new(&w, &w.other_vcse, Role::VcsePartner).await;
        assert_eq!(partner.get(&format!("/api/referrals/{}", created["id"].as_str().unwrap())).await.0, StatusCode::FORBIDDEN);
        let onward_id = w.store.partner_referrals(&w.vcse).await.unwrap()[0].onward.id.clone();
        assert_eq!(partner.post(&format!("/api/partner/onward-referrals/{onward_id}"), json!({"action": "accept"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(partner.get("/api/report").await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_api_report_lists_its_figures() {
    on_each_database(|w| async move {
        let api = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let report: Value = serde_json::from_str(&api.get("/api/report?from=2026-01-01&to=2026-12-31").await.1).unwrap();
        assert!(report["figures"].as_array().unwrap().iter().any(|f| f["id"] == "reach.referrals"));
    })
    .await;
}
