//! The community directory for link workers, managers and VCSE partners, against the real
//! application, each test on SQLite and PostgreSQL: search filters (need, words, online, day, free, complex needs),
//! distance ordering from a postcode and from the person a referral is for (audited), the stale
//! and funding flags, and editing the link-worker fields by managers and by partners (their own
//! services only), with invalid input refused and nothing written.

use crate::support;

use linkwork_domain::access::Role;
use linkwork_domain::directory::{derived_id, Delivery};
use linkwork_store::*;
use linkwork_app::oruk_import::{import_oruk, OrukDocument};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::*;

fn id(parts: &[&str]) -> String {
    derived_id(&["directory web test", &parts.join("/")])
}

/// A service of `org` at a point, on the given days, meeting one need (by its code).
fn service(key: &str, org: &str, name: &str, need: &str, lat: f64, postcode: &str, byday: &str) -> Value {
    let taxonomy = json!({ "id": id(&["taxonomy"]), "name": "Test needs", "description": "Needs", "version": "1" });
    json!({
        "id": id(&["service", key]),
        "name": name,
        "description": format!("{name} for local people"),
        "status": "active",
        "organization_id": org,
        "service_at_locations": [{
            "id": id(&["sal", key]),
            "location": {
                "id": id(&["location", key]), "location_type": "physical", "name": format!("{name} hall"), "latitude": lat, "longitude": -1.55,
                "addresses": [{ "id": id(&["address", key]), "address_1": "1 Mill Lane", "city": "Leeds", "state_province": "West Yorkshire", "postal_code": postcode, "country": "GB", "address_type": "physical" }]
            }
        }],
        "schedules": [{ "id": id(&["schedule", key]), "freq": "WEEKLY", "interval": 1, "byday": byday, "opens_at": "10:00:00", "closes_at": "12:00:00" }],
        "attributes": [{ "id": id(&["attribute", key]), "link_type": "need", "taxonomy_term": { "id": id(&["term", need]), "code": need, "name": need, "description": need, "taxonomy_id": id(&["taxonomy"]), "taxonomy_detail": taxonomy } }]
    })
}

async fn service_id(store: &dyn Store, name: &str) -> String {
    store.services().await.unwrap().into_iter().find(|s| s.name == name).unwrap_or_else(|| panic!("service {name}")).id
}


/// The names of the search results, in order.
fn results(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(".lw-directory-result h3 a").unwrap();
    doc.select(&sel).map(|a| a.text().collect::<String>().trim().to_owned()).collect()
}

fn edit_fields(waiting: &str) -> Vec<(&str, &str)> {
    vec![
        ("delivery", "both"),
        ("is_free", "yes"),
        ("capacity_places", "20"),
        ("waiting_list", waiting),
        ("capacity_note", "New members welcome"),
        ("funding_source", "Lottery"),
        ("funding_ends_on", ""),
        ("complex_needs", "yes"),
        ("complex_needs_detail", "Learning disabilities"),
        ("accessibility_description", "Step-free"),
        ("published", "yes"),
        ("verified", "yes"),
    ]
}

/// The three imported services and their ids: "Near walk" (this PCN's partner, Mondays, free,
/// verified today, funding ending in 2 months, a private capacity note), "Far garden" (same
/// partner, online, Fridays, complex needs, verified 13 months ago) and "Debt clinic" (another
/// partner, Tuesdays and Wednesdays). The world's own "Tuesday walks" has no place.
struct Services {
    near: String,
    far: String,
    debt: String,
}

async fn directory(w: &World) -> Services {
    let store = &*w.store;
    let feed = Value::Array(vec![
        service("near", &w.vcse, "Near walk", "loneliness", 53.80, "LS1 4AP", "MO"),
        service("far", &w.vcse, "Far garden", "loneliness", 53.90, "LS9 9ZZ", "FR"),
        service("debt", &w.other_vcse, "Debt clinic", "money", 53.85, "LS5 5AA", "TU,WE"),
    ]);
    let report = import_oruk(store, &[OrukDocument { name: "feed.json".into(), bytes: serde_json::to_vec(&feed).unwrap() }], &|_, _| {}).await;
    assert_eq!(report.created, 3, "{report:?}");
    let (near, far, debt) = (service_id(store, "Near walk").await, service_id(store, "Far garden").await, service_id(store, "Debt clinic").await);
    let mut p = store.service(&near).await.unwrap().unwrap().profile;
    p.last_verified_on = Some(today());
    p.funding_ends_on = Some(linkwork_domain::directory::months_after(today(), 2));
    p.is_free = Some(true);
    p.waiting_list = Some(7);
    p.capacity_note = Some("PRIVATE-CAPACITY-NOTE".into());
    store.set_service_profile(&near, &p).await.unwrap();
    let mut p = store.service(&far).await.unwrap().unwrap().profile;
    p.delivery = Delivery::Online;
    p.last_verified_on = Some(linkwork_domain::directory::months_before(today(), 13));
    p.complex_needs = true;
    store.set_service_profile(&far, &p).await.unwrap();
    Services { near, far, debt }
}

/// The search results' names for `query`, as a link worker sees them.
async fn search(w: &World, query: &str) -> Vec<String> {
    let (status, html) = Browser::login(&w.base, "lw@test.org").await.get(&format!("/directory?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    results(&html)
}

// Search

#[tokio::test]
async fn search_by_need_finds_every_service_meeting_it() {
    on_each_database(|w| async move {
        directory(&w).await;
        let mut names = search(&w, "need=loneliness").await;
        names.sort();
        assert_eq!(names, ["Far garden", "Near walk", "Tuesday walks"]);
    })
    .await;
}

#[tokio::test]
async fn search_filters_by_delivery_day_cost_and_complex_needs() {
    on_each_database(|w| async move {
        directory(&w).await;
        for (query, expected) in [("delivery=online", "Far garden"), ("day=fr", "Far garden"), ("free=yes", "Near walk"), ("complex=yes", "Far garden")] {
            assert_eq!(search(&w, query).await, [expected], "{query}");
        }
    })
    .await;
}

#[tokio::test]
async fn search_by_words_matches_every_word_in_any_case() {
    on_each_database(|w| async move {
        directory(&w).await;
        assert_eq!(search(&w, "q=CLINIC+local").await, ["Debt clinic"]);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_need_is_an_error_on_the_form_not_a_failure() {
    on_each_database(|w| async move {
        let (status, _) = Browser::login(&w.base, "lw@test.org").await.get("/directory?need=astrology").await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn search_from_a_postcode_shows_the_nearest_first_and_places_without_a_place_last() {
    on_each_database(|w| async move {
        directory(&w).await;
        let html = Browser::login(&w.base, "lw@test.org").await.get("/directory?postcode=ls1+4ap").await.1;
        assert_eq!(results(&html), ["Near walk", "Debt clinic", "Far garden", "Tuesday walks"]);
        assert!(html.contains("0.0 km") && html.contains("11.1 km"), "{html}");
    })
    .await;
}

#[tokio::test]
async fn a_service_page_flags_funding_ending_soon_and_shows_staff_the_capacity_note() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let (_, page) = Browser::login(&w.base, "lw@test.org").await.get(&format!("/directory/{}", s.near)).await;
        assert!(page.contains("lw-funding") && !page.contains("lw-stale") && page.contains("PRIVATE-CAPACITY-NOTE"));
    })
    .await;
}

#[tokio::test]
async fn a_service_not_verified_for_a_year_is_flagged_stale() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let (_, page) = Browser::login(&w.base, "lw@test.org").await.get(&format!("/directory/{}", s.far)).await;
        assert!(page.contains("lw-stale") && !page.contains("lw-funding"));
    })
    .await;
}

#[tokio::test]
async fn the_capacity_note_is_never_on_the_public_feed() {
    on_each_database(|w| async move {
        directory(&w).await;
        let public = reqwest::get(format!("{}/oruk/services/{}", w.base, id(&["service", "near"]))).await.unwrap();
        assert_eq!(public.status(), StatusCode::OK);
        assert!(!public.text().await.unwrap().contains("PRIVATE-CAPACITY-NOTE"));
    })
    .await;
}

/// A link worker records a referral for Ada (LS1 4AP) and accepts it: the link worker and its id.
async fn referral(w: &World) -> (Browser, String) {
    let lw = Browser::login(&w.base, "lw@test.org").await;
    let (status, location, _) = lw.post("/referrals/new", "/referrals/new", &person_fields(&w.practice)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let referral = location.trim_start_matches("/referrals/").split('?').next().unwrap().to_owned();
    let record = format!("/referrals/{referral}");
    assert_eq!(lw.post(&record, &format!("{record}/accept"), &[]).await.0, StatusCode::SEE_OTHER);
    (lw, referral)
}

#[tokio::test]
async fn searching_for_a_referrals_person_measures_from_their_postcode_and_audits_the_read() {
    on_each_database(|w| async move {
        directory(&w).await;
        let (lw, referral) = referral(&w).await;
        let reads = w.store.count_audit_events("referral.read").await.unwrap();
        let html = lw.get(&format!("/directory?for={referral}&need=")).await.1;
        assert_eq!(results(&html)[0], "Near walk");
        assert!(w.store.count_audit_events("referral.read").await.unwrap() > reads);
    })
    .await;
}

#[tokio::test]
async fn the_onward_referral_form_links_to_a_search_for_the_person() {
    on_each_database(|w| async move {
        let (lw, referral) = referral(&w).await;
        assert!(lw.get(&format!("/referrals/{referral}/onward/new")).await.1.contains(&format!("/directory?for={referral}")));
    })
    .await;
}

#[tokio::test]
async fn another_services_link_worker_cannot_search_for_the_person() {
    on_each_database(|w| async move {
        let (_, referral) = referral(&w).await;
        let other = Browser::login(&w.base, "lw.other@test.org").await;
        assert_eq!(other.get(&format!("/directory?for={referral}")).await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

// Editing

#[tokio::test]
async fn a_manager_edits_any_service_and_it_counts_as_verified_today() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let edit = format!("/directory/{}/edit", s.debt);
        let (status, location, _) = manager.post(&edit, &edit, &edit_fields("3")).await;
        assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/directory/{}?notice=saved", s.debt)));
        let saved = w.store.service(&s.debt).await.unwrap().unwrap().profile;
        assert_eq!((saved.waiting_list, saved.delivery, saved.last_verified_on, saved.is_free), (Some(3), Delivery::Both, Some(today()), Some(true)));
        assert_eq!(saved.complex_needs_detail.as_deref(), Some("Learning disabilities"));
    })
    .await;
}

#[tokio::test]
async fn an_edit_with_problems_lists_them_and_writes_nothing() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let before = w.store.service(&s.debt).await.unwrap().unwrap().profile;
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let edit = format!("/directory/{}/edit", s.debt);
        let mut bad = edit_fields("lots");
        bad.retain(|(k, _)| *k != "published");
        bad.push(("funding_ends_on", "2027-02-30"));
        let (status, _, html) = manager.post(&edit, &edit, &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("nhsuk-error-summary") && html.contains("must be a whole number") && html.contains("public directory"), "{html}");
        assert_eq!(w.store.service(&s.debt).await.unwrap().unwrap().profile, before);
    })
    .await;
}

#[tokio::test]
async fn a_partner_edits_its_own_service() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let edit = format!("/directory/{}/edit", s.near);
        assert_eq!(partner.post(&edit, &edit, &edit_fields("0")).await.0, StatusCode::SEE_OTHER);
        assert_eq!(w.store.service(&s.near).await.unwrap().unwrap().profile.waiting_list, Some(0));
    })
    .await;
}

#[tokio::test]
async fn a_partner_cannot_see_or_edit_another_organisations_service() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (own, other) = (format!("/directory/{}/edit", s.near), format!("/directory/{}/edit", s.debt));
        assert_eq!(partner.get(&other).await.0, StatusCode::NOT_FOUND);
        assert_eq!(partner.get(&format!("/directory/{}", s.debt)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(partner.post(&own, &other, &edit_fields("9")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(w.store.service(&s.debt).await.unwrap().unwrap().profile.waiting_list, None);
    })
    .await;
}

#[tokio::test]
async fn a_partner_lists_its_own_services_and_cannot_search() {
    on_each_database(|w| async move {
        directory(&w).await;
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let (status, mine) = partner.get("/directory/mine").await;
        assert_eq!(status, StatusCode::OK);
        assert!(mine.contains("Near walk") && mine.contains("Tuesday walks") && !mine.contains("Debt clinic") && mine.contains(r#"href="/directory/mine""#));
        assert_eq!(partner.get("/directory").await.0, StatusCode::FORBIDDEN, "search is for link workers and managers");
    })
    .await;
}

#[tokio::test]
async fn commissioners_and_link_workers_may_not_edit() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let edit = format!("/directory/{}/edit", s.debt);
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        assert_eq!(commissioner.get(&edit).await.0, StatusCode::FORBIDDEN);
        assert_eq!(commissioner.get("/directory").await.0, StatusCode::FORBIDDEN);
        assert_eq!(Browser::login(&w.base, "lw@test.org").await.get(&edit).await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

fn person_fields(practice: &str) -> Vec<(&str, &str)> {
    vec![
        ("nhs_number", "9434765919"),
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
        ("reason", "Lonely"),
        ("needs", "loneliness"),
    ]
}

// The same search and editing through the JSON API, with the same rules.

fn profile_body(waiting_list: &str) -> Value {
    json!({"delivery": "both", "waiting_list": waiting_list, "complex_needs": "no", "published": "yes", "is_free": "yes", "verified": "yes"})
}

#[tokio::test]
async fn api_search_lists_the_nearest_first_with_its_flags() {
    on_each_database(|w| async move {
        directory(&w).await;
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        let found: Value = serde_json::from_str(&lw.get("/api/directory/services?need=loneliness&postcode=LS1+4AP").await.1).unwrap();
        let names: Vec<&str> = found.as_array().unwrap().iter().map(|r| r["service"]["name"].as_str().unwrap()).collect();
        assert_eq!(names.first(), Some(&"Near walk"), "nearest first: {names:?}");
        assert!(found[0]["distance_km"].is_number() && found[0]["funding_ends_soon"].is_boolean() && found[0]["stale"].is_boolean(), "{}", found[0]);
    })
    .await;
}

#[tokio::test]
async fn api_search_refuses_an_unknown_delivery_and_commissioners() {
    on_each_database(|w| async move {
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        assert_eq!(lw.get("/api/directory/services?delivery=by-pigeon").await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let commissioner = Api::new(&w, &w.icb, Role::Commissioner).await;
        assert_eq!(commissioner.get("/api/directory/services").await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

async fn put(api: &Api, service: &str, body: &Value) -> reqwest::Response {
    api.http.put(format!("{}/api/directory/services/{service}/profile", api.base)).bearer_auth(&api.token).json(body).send().await.unwrap()
}

#[tokio::test]
async fn api_a_partner_edits_its_own_service_only() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let partner = Api::new(&w, &w.vcse, Role::VcsePartner).await;
        let r = put(&partner, &s.near, &profile_body("3")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["service"]["profile"]["waiting_list"], 3);
        assert_eq!(put(&partner, &s.debt, &profile_body("3")).await.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn api_link_workers_may_not_edit() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let lw = Api::new(&w, &w.pcn, Role::LinkWorker).await;
        assert_eq!(put(&lw, &s.near, &profile_body("3")).await.status(), StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn api_an_edit_with_problems_writes_nothing() {
    on_each_database(|w| async move {
        let s = directory(&w).await;
        let manager = Api::new(&w, &w.pcn, Role::Manager).await;
        let mut bad = profile_body("lots");
        bad.as_object_mut().unwrap().remove("verified");
        assert_eq!(put(&manager, &s.near, &bad).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(w.store.service(&s.near).await.unwrap().unwrap().profile.waiting_list, Some(7), "nothing written");
    })
    .await;
}
