//! Issue 3's casework over HTTP, on SQLite and PostgreSQL: every way in (practice staff, VCSE
//! partners, the public), triage with contact attempts, duplicates, the team's day (RAG flags,
//! reassignment, goals, MDT), search and the timeline, and who may do each.

use crate::support;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use support::*;

fn person<'a>(nhs: &'a str, given: &'a str, practice: &'a str, referred_on: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("nhs_number", nhs),
        ("given_name", given),
        ("family_name", "Casework"),
        ("date_of_birth", "1970-04-01"),
        ("sex", "1"),
        ("ethnicity", "C"),
        ("postcode", "M1 1AE"),
        ("mobile", "07700 900123"),
        ("practice_id", practice),
        ("referred_on", referred_on),
        ("source", "gp_practice"),
        ("referrer_name", "Dr Lee"),
        ("consent", "yes"),
        ("reason", "Debt and low mood"),
        ("needs", "money"),
    ]
}

fn days_ago(n: i64) -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(n)).to_string()
}

// Each test runs on SQLite and PostgreSQL, each time on a fresh world (`support::on_each_database`).

#[tokio::test]
async fn practice_staff_refer_and_follow_their_referrals_but_never_open_the_record() {
    on_each_database(|w| async move { practice_way_in(&w).await }).await;
}

#[tokio::test]
async fn self_referrals_are_checked_rate_limited_and_triaged() {
    on_each_database(|w| async move { self_referral_and_triage(&w).await }).await;
}

#[tokio::test]
async fn partners_refer_in_and_follow_the_status_without_the_record() {
    on_each_database(|w| async move { partner_way_in(&w).await }).await;
}

#[tokio::test]
async fn attempts_duplicates_plan_reassignment_mdt_and_search() {
    on_each_database(|w| async move { attempts_duplicates_and_team(&w).await }).await;
}

#[tokio::test]
async fn the_api_takes_incoming_referrals_converts_them_and_shows_the_timeline() {
    on_each_database(|w| async move { api(&w).await }).await;
}

#[tokio::test]
async fn community_work_is_logged_and_shown_to_the_manager_as_hours() {
    on_each_database(|w| async move { community(&w).await }).await;
}

async fn practice_way_in(w: &World) {
    let practice = Browser::login(&w.base, "practice@test.org").await;
    let (status, html) = practice.get("/practice/referrals").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Referrals from your practice"));
    let yesterday = days_ago(1);
    let mut fields = person("9434765919", "Pat", "", &yesterday);
    fields.retain(|(k, _)| *k != "practice_id");
    // The practice is their own whatever they send.
    let (status, location, _) = practice.post("/practice/referrals/new", "/practice/referrals/new", &[fields.as_slice(), &[("practice_id", w.practice.as_str())]].concat()).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "practice referral");
    assert!(location.starts_with("/practice/referrals"));
    let (_, html) = practice.get("/practice/referrals").await;
    assert!(html.contains("Pat Casework") && html.contains("New"));
    // Practice staff never open the record or the caseload.
    let referral = w.store.referrals_from(&w.practice).await.unwrap()[0].referral_id.clone();
    assert_eq!(practice.get(&format!("/referrals/{referral}")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(practice.get("/caseload").await.0, StatusCode::FORBIDDEN);
    assert_eq!(practice.get("/triage").await.0, StatusCode::FORBIDDEN);
    // The link worker sees who referred.
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (_, html) = lw.get(&format!("/referrals/{referral}")).await;
    assert!(html.contains("Referring organisation") && html.contains("Test Surgery"));
}

async fn self_referral_and_triage(w: &World) {
    let public = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = public.get(format!("{}/self-referral", w.base)).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let cookie = form.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = csrf_in(&form.text().await.unwrap());
    let post = |fields: Vec<(&'static str, String)>| {
        let mut all = vec![("csrf_token", csrf.clone())];
        all.extend(fields);
        public.post(format!("{}/self-referral", w.base)).header(COOKIE, &cookie).form(&all).send()
    };
    // Missing contact details and consent: listed, nothing stored.
    let r = post(vec![("service_id", w.pcn.clone()), ("given_name", "Sam".into()), ("family_name", "Self".into()), ("reason", "Lonely".into())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Enter a phone number or an email address") && html.contains("Confirm that you agree"));
    assert!(w.store.pending_incoming(&w.pcn).await.unwrap().is_empty());
    let good = || {
        vec![
            ("service_id", w.pcn.clone()),
            ("given_name", "Sam".to_owned()),
            ("family_name", "Self".to_owned()),
            ("phone", "07700 900982".to_owned()),
            ("reason", "I feel lonely since I retired".to_owned()),
            ("needs", "loneliness".to_owned()),
            ("consent", "yes".to_owned()),
        ]
    };
    let r = post(good()).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "post, then redirect to the confirmation");
    let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/self-referral/sent?reference=LW-"), "{location}");
    let html = public.get(format!("{}{location}", w.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Referral sent") && html.contains("LW-"));
    assert!(!html.contains("Sam Self"), "nothing shown back but a reference");
    // A robot filling the hidden field is answered the same, and nothing is stored.
    let mut robot = good();
    robot.push(("website", "http://spam.example".into()));
    assert_eq!(post(robot).await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(w.store.pending_incoming(&w.pcn).await.unwrap().len(), 1);
    // Without the form's cookie the post is refused before it is read, so it uses none of the
    // address's allowance.
    let r = public.post(format!("{}/self-referral", w.base)).form(&[("csrf_token", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Rate limited: 5 posts per address in 10 minutes, whatever they held (3 so far).
    assert_eq!(post(vec![]).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY, "a post with problems counts too");
    assert_eq!(post(good()).await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(post(good()).await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);

    // Triage: the link worker takes the first one on.
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (_, html) = lw.get("/triage").await;
    assert!(html.contains("Sam Self") && html.contains("Self-referral"));
    let incoming = w.store.pending_incoming(&w.pcn).await.unwrap()[0].id.clone();
    let page = format!("/incoming/{incoming}");
    let (status, html) = lw.get(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("I feel lonely since I retired"));
    // Another service's link worker cannot see it.
    let other = Browser::login(&w.base, "lw.other@test.org").await;
    assert_eq!(other.get(&page).await.0, StatusCode::NOT_FOUND);
    let today = days_ago(0);
    let mut fields = person("9434765870", "Sam", &w.practice, &today);
    fields.retain(|(k, _)| *k != "source");
    let bad: Vec<(&str, &str)> = fields.iter().map(|&(k, v)| if k == "nhs_number" { (k, "123") } else { (k, v) }).collect();
    let (status, _, html) = lw.post(&page, &format!("{page}/convert"), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let (status, location, _) = lw.post(&page, &format!("{page}/convert"), &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = lw.get(&location).await;
    assert!(html.contains("Self-referral"), "the source comes from the incoming referral");
    let (status, ..) = lw.post(&page, &format!("{page}/convert"), &fields).await;
    assert_eq!(status, StatusCode::CONFLICT, "converting twice is refused as already triaged");
    // Declining another.
    let second = w.store.pending_incoming(&w.pcn).await.unwrap()[0].id.clone();
    let (status, ..) = lw.post(&format!("/incoming/{second}"), &format!("/incoming/{second}/decline"), &[("decline_reason", "not_eligible"), ("confirm", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(w.store.pending_incoming(&w.pcn).await.unwrap().is_empty());
}

async fn partner_way_in(w: &World) {
    let partner = Browser::login(&w.base, "partner@test.org").await;
    let (status, location, html) = partner
        .post(
            "/partner/refer",
            "/partner/refer",
            &[("service_id", w.pcn.as_str()), ("given_name", "Vic"), ("family_name", "Partner"), ("email", "vic@example.org"), ("reason", "Needs help with benefits"), ("needs", "money"), ("consent", "yes")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "post, then redirect to the confirmation: {html}");
    assert!(location.starts_with("/partner/refer/sent?reference=LW-"), "{location}");
    let (_, sent) = partner.get(&location).await;
    assert!(sent.contains("LW-"), "the confirmation gives the reference");
    let (_, list) = partner.get("/partner/referrals").await;
    assert!(list.contains("Vic Partner") && list.contains("Waiting for triage"));
    // Commissioners cannot refer in through the partner form.
    let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
    assert_eq!(commissioner.get("/partner/refer").await.0, StatusCode::FORBIDDEN);
    // Once taken on, the partner sees the referral's status, not the record.
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let incoming = w.store.pending_incoming(&w.pcn).await.unwrap().into_iter().find(|i| i.given_name == "Vic").unwrap().id;
    let today = days_ago(0);
    let mut fields = person("9434765838", "Vic", &w.practice, &today);
    fields.retain(|(k, _)| *k != "source");
    let page = format!("/incoming/{incoming}");
    let (status, ..) = lw.post(&page, &format!("{page}/convert"), &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = partner.get("/partner/referrals").await;
    assert!(list.contains("Vic Partner") && !list.contains("Waiting for triage") && list.contains("New"));
    assert!(!list.contains("943 476 5838"));
}

async fn attempts_duplicates_and_team(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (_, location, _) = lw.post("/referrals/new", "/referrals/new", &person("9434765846", "Ada", &w.practice, &days_ago(20))).await;
    let record = location.split('?').next().unwrap().to_owned();
    let id = record.trim_start_matches("/referrals/").to_owned();
    // Waiting 20 days for first contact is red in triage (no one holds it yet).
    let (_, triage) = lw.get("/triage").await;
    assert!(triage.contains("Waiting 20 days") && triage.contains("lw-rag--red"), "{triage}");

    // Declining for no contact needs 3 unsuccessful attempts (checked when the decline is confirmed).
    let (status, ..) = lw.post(&record, &format!("{record}/decline"), &[("decline_reason", "no_contact"), ("confirm", "yes")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let attempt = format!("{record}/attempts/new");
    let (status, _, html) = lw.post(&attempt, &attempt, &[("attempted_on", &days_ago(1)), ("mode", "phone")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Select what happened"));
    for _ in 0..3 {
        let (status, ..) = lw.post(&attempt, &attempt, &[("attempted_on", &days_ago(1)), ("mode", "phone"), ("outcome", "no_answer")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let (_, html) = lw.get(&record).await;
    assert!(html.contains("Contact attempts") && html.contains("No answer"));

    // A second referral for the same person while the first is open: the form asks first…
    let two_days_ago = days_ago(2);
    let again = person("9434765846", "Ada", &w.practice, &two_days_ago);
    let (status, _, html) = lw.post("/referrals/new", "/referrals/new", &again).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a likely duplicate is not saved without a tick");
    assert!(html.contains("This person already has a referral from") && html.contains("confirm_duplicate"), "{html}");
    // …and once confirmed, it is recorded, flagged, and can be merged.
    let mut confirmed = again.clone();
    confirmed.push(("confirm_duplicate", "yes"));
    let (_, dup_location, _) = lw.post("/referrals/new", "/referrals/new", &confirmed).await;
    let dup = dup_location.split('?').next().unwrap().to_owned();
    let (_, html) = lw.get(&dup).await;
    assert!(html.contains("Possible duplicate"));
    let (status, merged_into, _) = lw.post(&dup, &format!("{dup}/merge"), &[("confirm", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(merged_into.starts_with(&record));
    let (_, html) = lw.get(&dup).await;
    assert!(html.contains("Duplicate referral") && !html.contains("Possible duplicate"));

    let (status, ..) = lw.post(&record, &format!("{record}/decline"), &[("decline_reason", "no_contact"), ("confirm", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "three attempts allow a no-contact decline");

    // A fresh referral through the whole plan, reassigned by the manager.
    let (_, location, _) = lw.post("/referrals/new", "/referrals/new", &person("9434765854", "Bea", &w.practice, &days_ago(3))).await;
    let record = location.split('?').next().unwrap().to_owned();
    let id2 = record.trim_start_matches("/referrals/").to_owned();
    lw.post(&record, &format!("{record}/accept"), &[]).await;
    let conv = format!("{record}/conversation");
    lw.post(&conv, &conv, &[("held_on", &days_ago(1)), ("what_matters", "Sorting out my debts"), ("needs", "money"), ("goal_0", "See a debt adviser"), ("review_0", &days_ago(0))]).await;
    let goal = w.store.referral_record(&Default::default(), &id2).await.unwrap().unwrap().goals[0].id.clone();
    let (status, ..) = lw.post(&record, &format!("{record}/goals/{goal}"), &[("goal_status", "achieved")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(w.store.referral_record(&Default::default(), &id2).await.unwrap().unwrap().goals[0].status.code(), "achieved");
    let lw2 = w.store.users(&w.pcn, Some(linkwork_domain::access::Role::LinkWorker)).await.unwrap().into_iter().find(|u| u.email == "lw2@test.org").unwrap().id;
    let (status, ..) = lw.post(&record, &format!("{record}/reassign"), &[("worker_id", &lw2)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "link workers do not reassign");
    let manager = Browser::login(&w.base, "manager@test.org").await;
    let (status, ..) = manager.post(&record, &format!("{record}/reassign"), &[("worker_id", &lw2)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = manager.get(&record).await;
    assert_eq!(summary_value(&html, "Link worker").as_deref(), Some("lw2@test.org"), "the record names the new link worker");
    let (status, html) = manager.get("/team").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("lw2@test.org") && html.contains("<svg"));
    assert_eq!(lw.get("/team").await.0, StatusCode::FORBIDDEN);

    // MDT: a meeting where Bea was discussed.
    let (status, _, html) = lw.post("/mdt/new", "/mdt/new", &[("held_on", &days_ago(0)), ("attendees", "gp")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Select the people who were discussed"));
    let (status, ..) = lw.post("/mdt/new", "/mdt/new", &[("held_on", &days_ago(0)), ("attendees", "gp"), ("attendees", "social_worker"), ("practice_id", &w.practice), ("referral_ids", &id2), ("notes", "Debt advice first")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = lw.get("/mdt").await;
    assert!(html.contains("Bea Casework") && html.contains("Social worker"));
    let (_, html) = lw.get(&record).await;
    assert!(html.contains("Discussed at MDT meetings"));

    // Search and timeline.
    let (status, html) = lw.get("/people?nhs_number=943+476+5846").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ada Casework") && html.contains("1 found"));
    let (status, html) = lw.get("/people?nhs_number=12345").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("NHS number must be 10 digits"));
    let (_, html) = lw.get("/people?name=casew").await;
    assert!(html.contains("Ada Casework") && html.contains("Bea Casework"));
    let person_id = w.store.referral_header(&id).await.unwrap().unwrap().person_id;
    let (status, html) = lw.get(&format!("/people/{person_id}")).await;
    assert_eq!(status, StatusCode::OK);
    for event in ["Referred", "Contact attempt", "Declined"] {
        assert!(html.contains(event), "timeline shows {event}");
    }
    let other = Browser::login(&w.base, "lw.other@test.org").await;
    assert_eq!(other.get(&format!("/people/{person_id}")).await.0, StatusCode::NOT_FOUND);
    assert!(!other.get("/people?name=casew").await.1.contains("Ada"));
}

async fn api(w: &World) {
    use linkwork_domain::access::Role;
    let token = |org: &str, role: Role| {
        let t = linkwork_app::accounts::new_api_token();
        let (store, org, hash) = (w.store.clone(), org.to_owned(), linkwork_app::accounts::hash_api_token(&t));
        async move {
            store.create_api_token(&hash, &org, role, None).await.unwrap();
            t
        }
    };
    let lw = token(&w.pcn, Role::LinkWorker).await;
    let partner = token(&w.vcse, Role::VcsePartner).await;
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}/api{p}", w.base);

    let r = http.post(url("/incoming-referrals")).bearer_auth(&partner).json(&serde_json::json!({"service_id": w.pcn, "given_name": "Api", "family_name": "Partner", "phone": "0113 496 0000", "reason": "Isolated", "consent": "yes"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(r.json::<serde_json::Value>().await.unwrap()["reference"].as_str().unwrap().starts_with("LW-"));
    let r = http.post(url("/incoming-referrals")).bearer_auth(&partner).json(&serde_json::json!({"given_name": ""})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mine: serde_json::Value = http.get(url("/incoming-referrals")).bearer_auth(&partner).send().await.unwrap().json().await.unwrap();
    assert!(mine.as_array().unwrap().iter().any(|i| i["given_name"] == "Api"));
    let pending: serde_json::Value = http.get(url("/incoming-referrals")).bearer_auth(&lw).send().await.unwrap().json().await.unwrap();
    let id = pending.as_array().unwrap().iter().find(|i| i["given_name"] == "Api").unwrap()["id"].as_str().unwrap().to_owned();
    let r = http
        .post(url(&format!("/incoming-referrals/{id}/convert")))
        .bearer_auth(&lw)
        .json(&serde_json::json!({"nhs_number": "9434765862", "given_name": "Api", "family_name": "Partner", "date_of_birth": "1955-05-05", "sex": "2", "ethnicity": "Z", "postcode": "LS6 2AB", "practice_id": w.practice, "referred_on": days_ago(0), "referrer_name": "Walk Club", "reason": "Isolated", "needs": ["loneliness"], "consent": "yes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let referral = r.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let r = http.post(url(&format!("/referrals/{referral}/attempts"))).bearer_auth(&lw).json(&serde_json::json!({"attempted_on": days_ago(0), "mode": "phone", "outcome": "reached"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let caseload: serde_json::Value = http.get(url("/caseload")).bearer_auth(&lw).send().await.unwrap().json().await.unwrap();
    assert!(caseload.as_array().unwrap().iter().all(|c| c["rag"].is_string()));
    let found: serde_json::Value = http.get(url("/people?nhs_number=9434765862")).bearer_auth(&lw).send().await.unwrap().json().await.unwrap();
    let person = found[0]["person_id"].as_str().unwrap().to_owned();
    let events: serde_json::Value = http.get(url(&format!("/people/{person}/timeline"))).bearer_auth(&lw).send().await.unwrap().json().await.unwrap();
    assert!(events.as_array().unwrap().iter().any(|e| e["event"] == "Contact attempt"));
    // Partners cannot search people or read timelines.
    assert_eq!(http.get(url("/people?name=api")).bearer_auth(&partner).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(http.get(url(&format!("/people/{person}/timeline"))).bearer_auth(&partner).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let spec: serde_json::Value = http.get(url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(spec["paths"]["/api/incoming-referrals"]["post"].is_object());
}

async fn community(w: &World) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (status, _, html) = lw.post("/community/new", "/community/new", &[("activity_on", &days_ago(1)), ("kind", "visit"), ("minutes", "90")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Enter the organisation, group or place"));
    let (status, ..) = lw
        .post("/community/new", "/community/new", &[("activity_on", &days_ago(1)), ("kind", "visit"), ("organisation_name", "St Mark's lunch club"), ("minutes", "90"), ("assets_found", "A new Thursday dementia cafe")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = lw.get("/community").await;
    assert!(html.contains("St Mark&#39;s lunch club"), "escaped: {html}");
    assert!(html.contains("A new Thursday dementia cafe"));
    // The manager sees the share of recorded time it took (90 community minutes; contacts logged earlier by lw).
    let manager = Browser::login(&w.base, "manager@test.org").await;
    let (_, html) = manager.get("/team").await;
    assert_eq!(community_hours(&html, "lw@test.org").as_deref(), Some("1.5"), "90 minutes shown as 1.5 hours in lw's row");
    let partner = Browser::login(&w.base, "partner@test.org").await;
    assert_eq!(partner.get("/community").await.0, StatusCode::FORBIDDEN);
}

/// The "Community work (hours)" cell of `worker`'s row in the team page's community work table.
fn community_hours(html: &str, worker: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let [table, caption, row, th, td] = ["table", "caption", "tbody tr", "th", "td"].map(|s| scraper::Selector::parse(s).unwrap());
    let table = doc.select(&table).find(|t| t.select(&caption).any(|c| c.text().collect::<String>().trim() == "Community work by link worker"))?;
    let row = table.select(&row).find(|r| r.select(&th).next().is_some_and(|h| h.text().collect::<String>().trim() == worker))?;
    row.select(&td).next().map(cell_text)
}

/// The value of the summary-list row whose key is `key` (e.g. "Link worker" on a referral record).
fn summary_value(html: &str, key: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let [row, dt, dd] = [".nhsuk-summary-list__row", "dt", "dd"].map(|s| scraper::Selector::parse(s).unwrap());
    let row = doc.select(&row).find(|r| r.select(&dt).next().is_some_and(|k| k.text().collect::<String>().trim() == key))?;
    row.select(&dd).next().map(|v| v.text().collect::<String>().trim().to_owned())
}
