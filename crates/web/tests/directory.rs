//! The community directory for link workers, managers and VCSE partners, against the real
//! application on every database: search filters (need, words, online, day, free, complex needs),
//! distance ordering from a postcode and from the person a referral is for (audited), the stale
//! and funding flags, and editing the link-worker fields by managers and by partners (their own
//! services only), with invalid input refused and nothing written.

mod support;

use linkwork_domain::directory::{derived_id, Delivery};
use linkwork_store::testing::fresh_database_urls;
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

#[tokio::test]
async fn directory_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-directory-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = spawn(&url).await;
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

        let lw = Browser::login(&w.base, "lw@test.org").await;
        // Filters.
        let (status, html) = lw.get("/directory?need=loneliness").await;
        assert_eq!(status, StatusCode::OK);
        let mut names = results(&html);
        names.sort();
        assert_eq!(names, ["Far garden", "Near walk", "Tuesday walks"]);
        assert_eq!(results(&lw.get("/directory?delivery=online").await.1), ["Far garden"]);
        assert_eq!(results(&lw.get("/directory?day=fr").await.1), ["Far garden"]);
        assert_eq!(results(&lw.get("/directory?free=yes").await.1), ["Near walk"]);
        assert_eq!(results(&lw.get("/directory?complex=yes").await.1), ["Far garden"]);
        assert_eq!(results(&lw.get("/directory?q=CLINIC+local").await.1), ["Debt clinic"]);
        let (status, _) = lw.get("/directory?need=astrology").await;
        assert_eq!(status, StatusCode::OK, "an unknown need is an error on the form, not a failure");
        // Distance from a postcode: nearest first, with the distance; services without a place last.
        let html = lw.get("/directory?postcode=ls1+4ap").await.1;
        assert_eq!(results(&html), ["Near walk", "Debt clinic", "Far garden", "Tuesday walks"]);
        assert!(html.contains("0.0 km") && html.contains("11.1 km"), "{html}");
        // Stale and funding flags; staff see the waiting list.
        let (_, near_page) = lw.get(&format!("/directory/{near}")).await;
        assert!(near_page.contains("lw-funding") && !near_page.contains("lw-stale") && near_page.contains("PRIVATE-CAPACITY-NOTE"));
        let (_, far_page) = lw.get(&format!("/directory/{far}")).await;
        assert!(far_page.contains("lw-stale") && !far_page.contains("lw-funding"));
        // Never on the public feed.
        let public = reqwest::get(format!("{}/oruk/services/{}", w.base, id(&["service", "near"]))).await.unwrap();
        assert_eq!(public.status(), StatusCode::OK);
        assert!(!public.text().await.unwrap().contains("PRIVATE-CAPACITY-NOTE"));

        // Searching for a referral's person: distance from their postcode, the record read audited.
        let (status, location, _) = lw.post("/referrals/new", "/referrals/new", &person_fields(&w.practice)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let referral = location.trim_start_matches("/referrals/").split('?').next().unwrap().to_owned();
        let reads = store.count_audit_events("referral.read").await.unwrap();
        let html = lw.get(&format!("/directory?for={referral}&need=")).await.1;
        assert_eq!(results(&html)[0], "Near walk");
        assert!(store.count_audit_events("referral.read").await.unwrap() > reads, "reading the person's postcode is audited");
        let record = format!("/referrals/{referral}");
        assert_eq!(lw.post(&record, &format!("{record}/accept"), &[]).await.0, StatusCode::SEE_OTHER);
        assert!(lw.get(&format!("/referrals/{referral}/onward/new")).await.1.contains(&format!("/directory?for={referral}")));
        let other = Browser::login(&w.base, "lw.other@test.org").await;
        assert_eq!(other.get(&format!("/directory?for={referral}")).await.0, StatusCode::NOT_FOUND);

        // A manager edits any service.
        let manager = Browser::login(&w.base, "manager@test.org").await;
        let edit = format!("/directory/{debt}/edit");
        let (status, location, _) = manager.post(&edit, &edit, &edit_fields("3")).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/directory/{debt}?notice=saved").as_str()));
        let saved = store.service(&debt).await.unwrap().unwrap().profile;
        assert_eq!((saved.waiting_list, saved.delivery, saved.last_verified_on, saved.is_free), (Some(3), Delivery::Both, Some(today()), Some(true)));
        assert_eq!(saved.complex_needs_detail.as_deref(), Some("Learning disabilities"));
        // Invalid input: 422 with an error summary, nothing written.
        let mut bad = edit_fields("lots");
        bad.retain(|(k, _)| *k != "published");
        bad.push(("funding_ends_on", "2027-02-30"));
        let (status, _, html) = manager.post(&edit, &edit, &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("nhsuk-error-summary") && html.contains("must be a whole number") && html.contains("public directory"), "{html}");
        assert_eq!(store.service(&debt).await.unwrap().unwrap().profile, saved, "nothing written");

        // A partner edits its own service, is refused another organisation's (404), and lists its own.
        let partner = Browser::login(&w.base, "partner@test.org").await;
        let edit_near = format!("/directory/{near}/edit");
        let (status, _, _) = partner.post(&edit_near, &edit_near, &edit_fields("0")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(store.service(&near).await.unwrap().unwrap().profile.waiting_list, Some(0));
        assert_eq!(partner.get(&edit).await.0, StatusCode::NOT_FOUND);
        assert_eq!(partner.get(&format!("/directory/{debt}")).await.0, StatusCode::NOT_FOUND);
        let (status, _, _) = partner.post(&edit_near, &edit, &edit_fields("9")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(store.service(&debt).await.unwrap().unwrap().profile.waiting_list, Some(3));
        let (status, mine) = partner.get("/directory/mine").await;
        assert_eq!(status, StatusCode::OK);
        assert!(mine.contains("Near walk") && mine.contains("Tuesday walks") && !mine.contains("Debt clinic") && mine.contains(r#"href="/directory/mine""#));
        assert_eq!(partner.get("/directory").await.0, StatusCode::FORBIDDEN, "search is for link workers and managers");

        // Commissioners and link workers may not edit.
        let commissioner = Browser::login(&w.base, "commissioner@test.org").await;
        assert_eq!(commissioner.get(&edit).await.0, StatusCode::FORBIDDEN);
        assert_eq!(commissioner.get("/directory").await.0, StatusCode::FORBIDDEN);
        assert_eq!(lw.get(&edit).await.0, StatusCode::FORBIDDEN);
        api(&w, &near, &debt).await;
        eprintln!("{backend}: directory tests passed");
    }
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

/// The same search and editing through the JSON API, with the same rules.
async fn api(w: &World, near: &str, debt: &str) {
    use linkwork_domain::access::Role;
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for (org, role) in [(&w.pcn, Role::LinkWorker), (&w.pcn, Role::Manager), (&w.vcse, Role::VcsePartner), (&w.icb, Role::Commissioner)] {
        let t = linkwork_app::accounts::new_api_token();
        w.store.create_api_token(&linkwork_app::accounts::hash_api_token(&t), org, role, None).await.unwrap();
        tokens.push(t);
    }
    let [lw, manager, partner, commissioner] = [&tokens[0], &tokens[1], &tokens[2], &tokens[3]];
    let url = |p: &str| format!("{}/api{p}", w.base);
    let found: Value = http.get(url("/directory/services?need=loneliness&postcode=LS1+4AP")).bearer_auth(lw).send().await.unwrap().json().await.unwrap();
    let names: Vec<&str> = found.as_array().unwrap().iter().map(|r| r["service"]["name"].as_str().unwrap()).collect();
    assert_eq!(names.first(), Some(&"Near walk"), "nearest first: {names:?}");
    assert!(found[0]["distance_km"].is_number() && found[0]["funding_ends_soon"].is_boolean() && found[0]["stale"].is_boolean(), "{}", found[0]);
    let r = http.get(url("/directory/services?delivery=by-pigeon")).bearer_auth(lw).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(http.get(url("/directory/services")).bearer_auth(commissioner).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    // Editing: the partner its own service only; invalid input writes nothing.
    let body = serde_json::json!({"delivery": "both", "waiting_list": "3", "complex_needs": "no", "published": "yes", "is_free": "yes", "verified": "yes"});
    let r = http.put(url(&format!("/directory/services/{near}/profile"))).bearer_auth(partner).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["service"]["profile"]["waiting_list"], 3);
    assert_eq!(http.put(url(&format!("/directory/services/{debt}/profile"))).bearer_auth(partner).json(&body).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(http.put(url(&format!("/directory/services/{near}/profile"))).bearer_auth(lw).json(&body).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let bad = serde_json::json!({"delivery": "both", "waiting_list": "lots", "complex_needs": "no", "published": "yes", "is_free": "yes"});
    let r = http.put(url(&format!("/directory/services/{near}/profile"))).bearer_auth(manager).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.store.service(near).await.unwrap().unwrap().profile.waiting_list, Some(3), "nothing written");
}
