//! The Open Referral UK feed: the real application on a random port, each test on SQLite and
//! PostgreSQL. The profile's own examples (copied to `tests/oruk/examples/`) and a generated feed
//! are imported, served under `/oruk`, and the served directory imported again — into the same
//! database (nothing changes) and into a fresh one (which then serves the very same directory).
//! Paging and filters are checked over HTTP, and nothing a link worker keeps private ever appears.
//!
//! With `LINKWORK_ORUK_SAMPLES=<dir>`, every JSON document served is also written to `<dir>` as
//! `<kind>.<backend>.<label>.json`, so `tests/oruk/validate.py` (run by `scripts/test`) can check
//! it against the published ORUK JSON schemas.

use crate::support;

use linkwork_domain::directory::{derived_id, need_term_id, Delivery, NEED_TAXONOMY_ID};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_store::testing::{fresh_database_urls, migrated};
use support::{on_each_database, World};
use linkwork_store::*;
use linkwork_app::oruk_import::{import_oruk, OrukDocument, OrukImportReport};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use time::macros::date;

fn examples() -> Vec<OrukDocument> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oruk/examples");
    ["service_full.json", "service_list.json"].iter().map(|name| OrukDocument { name: (*name).into(), bytes: std::fs::read(dir.join(name)).unwrap() }).collect()
}

fn id(parts: &[&str]) -> String {
    derived_id(&["oruk web test", &parts.join("/")])
}

/// A feed of `n` services of two organisations, as another directory would publish it.
fn generated_feed(n: usize) -> Value {
    let taxonomy = json!({ "id": id(&["taxonomy"]), "name": "Generated activities", "description": "Activity types", "version": "1" });
    let terms = [("Loneliness", None), ("Gardening", None), ("Debt help", Some("money"))];
    let services: Vec<Value> = (0..n)
        .map(|i| {
            let org = i % 2;
            let (term_name, code) = terms[i % 3];
            let mut term = json!({ "id": id(&["term", term_name]), "name": term_name, "description": format!("{term_name} activities"), "taxonomy_id": id(&["taxonomy"]), "taxonomy_detail": taxonomy });
            if let Some(code) = code {
                term["code"] = json!(code);
            }
            json!({
                "id": id(&["service", &i.to_string()]),
                "name": format!("Generated service {i:02}"),
                "description": if i % 4 == 0 { "Gardening in the community garden" } else { "Friendly group sessions" },
                "url": format!("https://example.org/services/{i}"),
                "email": format!("service{i}@example.org"),
                "status": if i == 5 { "temporarily closed" } else { "active" },
                "fees": "Free",
                "minimum_age": if i % 3 == 0 { 18 } else { 5 },
                "maximum_age": if i % 3 == 0 { 120 } else { 17 },
                "last_modified": format!("2026-0{}-15T09:00:00Z", 1 + i % 9),
                "organization": { "id": id(&["org", &org.to_string()]), "name": format!("Generated charity {org}"), "description": "A registered charity", "website": "https://example.org" },
                "service_at_locations": [{
                    "id": id(&["sal", &i.to_string()]),
                    "location": {
                        "id": id(&["location", &i.to_string()]),
                        "location_type": if i == 7 { "virtual" } else { "physical" },
                        "name": format!("Hall {i}"),
                        "latitude": 53.80 + i as f64 * 0.002,
                        "longitude": -1.55 - i as f64 * 0.003,
                        "addresses": [{ "id": id(&["address", &i.to_string()]), "address_1": format!("{i} Mill Lane"), "city": "Riverside", "state_province": "West Yorkshire",
                                        "postal_code": format!("rv{}{}ab", 1 + i % 9, i % 10), "country": "GB", "address_type": "physical" }]
                    }
                }],
                "schedules": [{ "id": id(&["schedule", &i.to_string()]), "freq": "WEEKLY", "interval": 1, "byday": if i % 2 == 0 { "MO,WE" } else { "FR" },
                                "opens_at": "09:30:00", "closes_at": if i % 2 == 0 { "11:30:00" } else { "15:00:00" }, "description": "Term time only" }],
                "phones": [{ "id": id(&["phone", &i.to_string()]), "number": format!("0113 496 0{i:03}") }],
                "attributes": [{ "id": id(&["attribute", &i.to_string()]), "link_type": "activity", "taxonomy_term": term }],
                "contacts": [{ "id": id(&["contact", &i.to_string()]), "name": "Ann Persona", "title": "Coordinator" }],
                "funding": [{ "id": id(&["funding", &i.to_string()]), "source": "Lottery grant" }]
            })
        })
        .collect();
    Value::Array(services)
}

struct Client {
    backend: &'static str,
    base: String,
    http: reqwest::Client,
}

impl Client {
    /// GET: status, the CORS header, and the JSON body.
    async fn get(&self, path: &str) -> (StatusCode, Option<String>, Value) {
        let r = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        let cors = r.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_owned());
        let status = r.status();
        let body = r.text().await.unwrap();
        (status, cors, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}")))
    }

    /// GET expecting 200, keeping the document for the schema validator.
    async fn ok(&self, path: &str, kind: &str, label: &str) -> Value {
        let (status, cors, body) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(cors.as_deref(), Some("*"), "{path}: public feeds allow any origin");
        if let Ok(dir) = std::env::var("LINKWORK_ORUK_SAMPLES") {
            std::fs::create_dir_all(&dir).unwrap();
            let name = format!("{kind}.{}.{}.json", self.backend, label.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
            std::fs::write(std::path::Path::new(&dir).join(name), serde_json::to_string_pretty(&body).unwrap()).unwrap();
        }
        body
    }

    async fn status(&self, path: &str) -> (StatusCode, Value) {
        let (status, cors, body) = self.get(path).await;
        assert_eq!(cors.as_deref(), Some("*"), "{path}");
        (status, body)
    }

    /// Every service's whole record, by id, walking the listing `per_page` at a time.
    async fn directory(&self, per_page: usize, label: &str) -> BTreeMap<String, Value> {
        let mut all = BTreeMap::new();
        let mut page = 1;
        loop {
            let listing = self.ok(&format!("/oruk/services?page={page}&per_page={per_page}"), "services_page", &format!("{label}-page{page}")).await;
            for item in listing["contents"].as_array().unwrap() {
                let id = item["id"].as_str().unwrap().to_owned();
                let full = self.ok(&format!("/oruk/services/{id}"), "service", &format!("{label}-{id}")).await;
                assert!(all.insert(id, full).is_none(), "a service listed twice");
            }
            if listing["last_page"] == json!(true) {
                break;
            }
            page += 1;
        }
        all
    }

    async fn ids(&self, query: &str) -> Vec<String> {
        let listing = self.ok(&format!("/oruk/services?per_page=500&{query}"), "services_page", query).await;
        listing["contents"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
    }
}

fn doc(name: &str, value: &Value) -> OrukDocument {
    OrukDocument { name: name.into(), bytes: serde_json::to_vec(value).unwrap() }
}

async fn import(store: &Arc<dyn Store>, documents: &[OrukDocument]) -> OrukImportReport {
    let report = import_oruk(&**store, documents, &|_, _| {}).await;
    assert_eq!(report.failed, None);
    report
}

async fn serve(store: Arc<dyn Store>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { linkwork_web::serve(listener, store, linkwork_web::WebConfig { secure_cookies: false, ..Default::default() }).await.unwrap() });
    base
}

/// The world's database kind, for the names of the kept samples.
fn backend(w: &World) -> &'static str {
    if w.url.starts_with("sqlite") { "sqlite" } else { "postgres" }
}

fn client(w: &World) -> Client {
    Client { backend: backend(w), base: w.base.clone(), http: reqwest::Client::new() }
}

/// Three documents: the generated feed of 12 services, one with two bad records and a bit of
/// text, and one that is not JSON.
fn feeds() -> Vec<OrukDocument> {
    let bad = json!([
        { "id": id(&["bad", "1"]), "name": "No status", "organization_id": id(&["org", "0"]) },
        { "id": id(&["bad", "2"]), "name": "Unknown organisation", "status": "active", "organization_id": "nobody" },
        "just text"
    ]);
    vec![doc("feed.json", &generated_feed(12)), doc("bad.json", &bad), OrukDocument { name: "broken.json".into(), bytes: b"{\"contents\": [".to_vec() }]
}

/// The profile's examples and the feeds imported: 14 services (12 generated, the example, the
/// test world's own "Tuesday walks").
async fn loaded(w: &World) -> Client {
    import(&w.store, &examples()).await;
    import(&w.store, &feeds()).await;
    client(w)
}

fn gen(i: usize) -> String {
    format!("Generated service {i:02}")
}

// Importing

#[tokio::test]
async fn the_profiles_examples_create_one_service_and_say_what_was_left_out() {
    on_each_database(|w| async move {
        // The full record creates the service; the saved /services page (page 1 of 10, the same
        // service) changes nothing. The example's coordinates (100, 101) are off the earth.
        let report = import(&w.store, &examples()).await;
        assert_eq!((report.records, report.created, report.updated, report.unchanged), (2, 1, 0, 1), "{report:?}");
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        let notes: Vec<String> = report.notes.iter().map(ToString::to_string).collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes.iter().any(|n| n.starts_with("service_full.json $.service_at_locations[0].location.latitude: ")), "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("page 1 of 10")), "{notes:?}");
    })
    .await;
}

#[tokio::test]
async fn a_bad_feed_says_where_and_why_each_record_was_skipped() {
    on_each_database(|w| async move {
        let report = import(&w.store, &feeds()).await;
        assert_eq!((report.created, report.updated, report.unchanged), (12, 0, 0), "{report:?}");
        let skipped: Vec<String> = report.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(skipped.len(), 4, "{skipped:?}");
        assert!(skipped.contains(&"bad.json $[0]: the service has no status (active, inactive, defunct or temporarily closed)".to_owned()), "{skipped:?}");
        assert!(skipped.contains(&"bad.json $[2]: expected a service record (a JSON object)".to_owned()), "{skipped:?}");
        assert!(skipped.iter().any(|s| s.starts_with("bad.json $[1]: organization_id \"nobody\" names no organization")), "{skipped:?}");
        assert!(skipped.iter().any(|s| s.starts_with("broken.json $: not valid JSON (line 1")), "{skipped:?}");
    })
    .await;
}

#[tokio::test]
async fn importing_the_same_feed_again_changes_nothing_and_never_duplicates() {
    on_each_database(|w| async move {
        loaded(&w).await;
        let again = import(&w.store, &[doc("feed.json", &generated_feed(12))]).await;
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 12));
        assert_eq!(w.store.services().await.unwrap().len(), 14);
    })
    .await;
}

// Serving

#[tokio::test]
async fn the_meta_document_is_served_with_and_without_the_slash() {
    on_each_database(|w| async move {
        let client = client(&w);
        for path in ["/oruk/", "/oruk"] {
            let meta = client.ok(path, "meta", path).await;
            assert_eq!(meta["version"], "3.0");
            assert!(meta["openapi_url"].as_str().unwrap().ends_with("openapi.json"));
            assert!(meta["profile"].as_str().unwrap().starts_with("https://"));
        }
    })
    .await;
}

#[tokio::test]
async fn the_services_listing_is_paged() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        let first = client.ok("/oruk/services?per_page=5", "services_page", "per5-page1").await;
        assert_eq!(
            (&first["total_items"], &first["total_pages"], &first["page_number"], &first["size"], &first["first_page"], &first["last_page"], &first["empty"]),
            (&json!(14), &json!(3), &json!(1), &json!(5), &json!(true), &json!(false), &json!(false))
        );
        let last = client.ok("/oruk/services?per_page=5&page=3", "services_page", "per5-page3").await;
        assert_eq!((&last["size"], &last["last_page"], &last["first_page"]), (&json!(4), &json!(true), &json!(false)));
        let beyond = client.ok("/oruk/services?per_page=5&page=9", "services_page", "per5-page9").await;
        assert_eq!((&beyond["empty"], &beyond["contents"]), (&json!(true), &json!([])));
    })
    .await;
}

#[tokio::test]
async fn the_default_listing_holds_every_service_with_one_to_one_fields_only() {
    on_each_database(|w| async move {
        let default = loaded(&w).await.ok("/oruk/services", "services_page", "default").await;
        assert_eq!(default["contents"].as_array().unwrap().len(), 14);
        assert!(default["contents"][0].get("schedules").is_none());
    })
    .await;
}

#[tokio::test]
async fn a_bad_query_parameter_is_refused_with_400() {
    on_each_database(|w| async move {
        let client = client(&w);
        for bad in ["page=0", "per_page=100000", "page=x", "minimum_age=old", "modified_after=yesterday", "day=someday", "start_time=noon"] {
            let (status, body) = client.status(&format!("/oruk/services?{bad}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
            assert_eq!(body["error"], "invalid");
        }
    })
    .await;
}

#[tokio::test]
async fn an_unknown_service_or_endpoint_is_404() {
    on_each_database(|w| async move {
        let client = client(&w);
        let (status, body) = client.status("/oruk/services/no-such-service").await;
        assert_eq!((status, &body["error"]), (StatusCode::NOT_FOUND, &json!("not_found")));
        assert_eq!(client.status("/oruk/no-such-endpoint").await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn the_example_is_served_in_full_without_contacts_or_funding() {
    on_each_database(|w| async move {
        let example = loaded(&w).await.ok("/oruk/services/ac148810-d857-441c-9679-408f346de14b", "service", "example").await;
        assert_eq!(example["organization"]["name"], "Example Organization Inc.");
        assert_eq!(example["schedules"][0]["byday"], "TH,FR");
        assert_eq!(example["service_at_locations"][0]["location"]["addresses"][0]["postal_code"], "ABC 1234");
        assert_eq!(example["attributes"][0]["taxonomy_term"]["id"], "3f7b145d-84af-42d7-8fae-eaca714b02b2");
        assert_eq!(example["last_modified"], "2023-03-15T10:30:45.123Z");
        assert!(example["service_at_locations"][0]["location"].get("latitude").is_none());
        let text = example.to_string();
        for never in ["Ann Persona", "A. Persona", "contacts", "funding"] {
            assert!(!text.contains(never), "{never} served");
        }
    })
    .await;
}

// Filters

#[tokio::test]
async fn services_are_found_by_words() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        assert_eq!(client.ids("search=gardening").await, vec![gen(0), gen(4), gen(8)]);
        assert_eq!(client.ids("search=walks").await, vec!["Tuesday walks"]);
        assert_eq!(client.ids("text=counselling").await, vec!["Community Counselling"]);
    })
    .await;
}

#[tokio::test]
async fn services_are_found_by_taxonomy_term_and_a_terms_need_code() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        let loneliness = need_term_id(NeedDomain::Loneliness);
        assert_eq!(client.ids(&format!("taxonomy_term_id={loneliness}")).await, vec![gen(0), gen(3), gen(6), gen(9), "Tuesday walks".into()], "the generated Loneliness term is a need");
        assert_eq!(client.ids(&format!("taxonomy_term_id={}", need_term_id(NeedDomain::MoneyDebtBenefits))).await, vec![gen(2), gen(5), gen(8), gen(11)], "by the term's code");
        assert_eq!(client.ids(&format!("taxonomy_term_id={}", id(&["term", "Gardening"]))).await, vec![gen(1), gen(4), gen(7), gen(10)]);
        assert_eq!(client.ids(&format!("taxonomy_id={}", id(&["taxonomy"]))).await.len(), 12);
        assert_eq!(client.ids(&format!("taxonomy_id={NEED_TAXONOMY_ID}")).await.len(), 9);
    })
    .await;
}

#[tokio::test]
async fn services_are_found_by_organisation() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        assert_eq!(client.ids(&format!("organization_id={}", id(&["org", "1"]))).await.len(), 6);
        assert_eq!(client.ids(&format!("organization_id={}", w.vcse)).await, vec!["Tuesday walks"]);
    })
    .await;
}

#[tokio::test]
async fn services_are_found_by_age() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        assert_eq!(client.ids("minimum_age=18").await.len(), 4);
        assert_eq!(client.ids("minimum_age=12").await, vec!["Community Counselling".to_owned(), gen(0), gen(3), gen(6), gen(9)]);
        assert_eq!(client.ids("maximum_age=17").await.len(), 8);
        assert_eq!(client.ids("minimum_age=5&maximum_age=17").await.len(), 8);
    })
    .await;
}

#[tokio::test]
async fn services_are_found_by_when_they_last_changed() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        assert_eq!(client.ids("modified_after=2026-09-01T00:00:00Z").await.len(), 1 + 1, "one generated (September) and the world's own, created today");
        assert_eq!(client.ids("modified_after=2026-09-01T01:00:00+01:00").await.len(), 2, "an unencoded + in the offset");
        assert_eq!(client.ids("modified_after=2099-01-01").await.len(), 0);
    })
    .await;
}

#[tokio::test]
async fn services_are_found_by_day_and_time() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        assert_eq!(client.ids("day=friday").await.len(), 6 + 1, "six generated and the example (TH,FR)");
        assert_eq!(client.ids("day=MO&end_time=12:00").await.len(), 6);
    })
    .await;
}

// Services at locations

#[tokio::test]
async fn services_at_locations_are_listed_with_their_service_and_found_by_postcode() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        let sals = client.ok("/oruk/service_at_locations?per_page=100", "service_at_locations_page", "all").await;
        assert_eq!(sals["total_items"], 13, "the world's own service has no location");
        assert!(sals["contents"][0]["service"]["organization"]["name"].is_string());
        let at = client.ok("/oruk/service_at_locations?postcode=rv3%202ab", "service_at_locations_page", "postcode").await;
        assert_eq!(at["contents"].as_array().unwrap().iter().map(|s| s["service"]["name"].as_str().unwrap()).collect::<Vec<_>>(), vec![gen(2)]);
        let outward = client.ok("/oruk/service_at_locations?postcode=RV2", "service_at_locations_page", "outward").await;
        assert_eq!(outward["total_items"], 2, "generated 1 and 10");
    })
    .await;
}

#[tokio::test]
async fn services_at_locations_within_a_distance_come_nearest_first() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        // Within 1 km of service 0's hall (services 1 to 3 are 0.29 km apart each).
        let near = client.ok("/oruk/service_at_locations?postcode=RV1%200AB&proximity=1000", "service_at_locations_page", "near").await;
        let names: Vec<&str> = near["contents"].as_array().unwrap().iter().map(|s| s["service"]["name"].as_str().unwrap()).collect();
        assert_eq!(names, vec![gen(0), gen(1), gen(2), gen(3)]);
        assert_eq!(near["contents"][0]["distance"], 0.0);
    })
    .await;
}

#[tokio::test]
async fn a_distance_needs_a_known_postcode() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        for query in ["proximity=1000", "postcode=ZZ9%209ZZ&proximity=1000", "postcode=nowhere"] {
            assert_eq!(client.status(&format!("/oruk/service_at_locations?{query}")).await.0, StatusCode::BAD_REQUEST, "{query}");
        }
    })
    .await;
}

#[tokio::test]
async fn one_service_at_a_location_is_served_with_its_service_and_location() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        let sals = client.ok("/oruk/service_at_locations?per_page=100", "service_at_locations_page", "all").await;
        let sal_id = sals["contents"][0]["id"].as_str().unwrap().to_owned();
        let sal = client.ok(&format!("/oruk/service_at_locations/{sal_id}"), "service_at_location", "first").await;
        assert_eq!(sal["id"], sal_id.as_str());
        assert!(sal["service"]["schedules"].is_array() && sal["location"]["addresses"].is_array());
        let example_sal = client.ok("/oruk/service_at_locations/e94c9f38-1e8f-4564-91d4-d53501ab1765", "service_at_location", "example").await;
        assert_eq!(example_sal["location"]["name"], "MyCity Civic Center");
    })
    .await;
}

// Taxonomies and terms, by the paths (not the swapped operationIds of the published OpenAPI).

#[tokio::test]
async fn taxonomies_are_listed_and_served_with_their_terms() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        let taxonomies = client.ok("/oruk/taxonomies", "taxonomies_page", "all").await;
        let names: Vec<&str> = taxonomies["contents"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, vec!["Generated activities", "Linkwork need domains"]);
        let needs = client.ok(&format!("/oruk/taxonomies/{NEED_TAXONOMY_ID}"), "taxonomy", "needs").await;
        assert_eq!(needs["taxonomy_terms"].as_array().unwrap().len(), NeedDomain::ALL.len());
        client.ok(&format!("/oruk/taxonomies/{}", id(&["taxonomy"])), "taxonomy", "generated").await;
        assert_eq!(client.status("/oruk/taxonomies/nope").await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn taxonomy_terms_are_paged_filtered_by_taxonomy_and_served_one_by_one() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        let terms = client.ok("/oruk/taxonomy_terms?per_page=10", "taxonomy_terms_page", "page1").await;
        assert_eq!((&terms["total_items"], &terms["total_pages"]), (&json!(18 + 3 + 1), &json!(3)));
        let loneliness = need_term_id(NeedDomain::Loneliness);
        let term = client.ok(&format!("/oruk/taxonomy_terms/{loneliness}"), "taxonomy_term", "loneliness").await;
        assert_eq!((&term["name"], &term["taxonomy_id"]), (&json!(NeedDomain::Loneliness.label()), &json!(NEED_TAXONOMY_ID)));
        client.ok("/oruk/taxonomy_terms/3f7b145d-84af-42d7-8fae-eaca714b02b2", "taxonomy_term", "example").await;
        let generated = client.ok(&format!("/oruk/taxonomy_terms?taxonomy_id={}", id(&["taxonomy"])), "taxonomy_terms_page", "generated").await;
        assert_eq!(generated["total_items"], 3);
        assert_eq!(client.status("/oruk/taxonomy_terms/nope").await.0, StatusCode::NOT_FOUND);
    })
    .await;
}

// Round trips

#[tokio::test]
async fn the_served_directory_imported_into_the_same_database_changes_nothing() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        let served = client.directory(4, "round1").await;
        assert_eq!(served.len(), 14);
        let report = import(&w.store, &[doc("served.json", &Value::Array(served.values().cloned().collect()))]).await;
        assert_eq!((report.created, report.updated, report.unchanged), (0, 0, 14), "{report:?}");
        assert!(report.skipped.is_empty() && report.notes.is_empty(), "{report:?}");
        assert_eq!(client.directory(50, "round1-again").await, served);
    })
    .await;
}

#[tokio::test]
async fn the_served_directory_imported_into_a_fresh_database_is_served_the_same() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        let served = client.directory(4, "round1").await;
        let dir = std::env::temp_dir().join("linkwork-web-oruk-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let second = fresh_database_urls(&dir).await.into_iter().find(|(b, _)| *b == backend(&w)).unwrap().1;
        let fresh = migrated(&second).await.unwrap();
        let report = import(&fresh, &[doc("served.json", &Value::Array(served.values().cloned().collect()))]).await;
        assert_eq!((report.created, report.skipped.len()), (14, 0), "{report:?}");
        let copy = Client { backend: backend(&w), base: serve(fresh.clone()).await, http: reqwest::Client::new() };
        let copied = copy.directory(50, "round2").await;
        for (id, record) in &served {
            assert_eq!(copied.get(id), Some(record), "service {id} differs after the round trip");
        }
        assert_eq!(copied.len(), served.len());
        assert_eq!(copy.ok("/oruk/services?per_page=7&page=2", "services_page", "round2").await, client.ok("/oruk/services?per_page=7&page=2", "services_page", "round1").await);
    })
    .await;
}

// What is never published

/// Everything a link worker keeps about a service, each value findable in a published text.
fn private_profile() -> ServiceProfile {
    ServiceProfile {
        delivery: Delivery::Both,
        capacity_places: Some(987_654),
        waiting_list: Some(876_543),
        capacity_note: Some("SECRET-CAPACITY-NOTE".into()),
        funding_source: Some("SECRET-FUNDER".into()),
        funding_ends_on: Some(date!(2031 - 07 - 19)),
        complex_needs: true,
        complex_needs_detail: Some("SECRET-COMPLEX-NEEDS".into()),
        accessibility_description: Some("SECRET-ACCESS".into()),
        last_verified_on: Some(date!(2019 - 03 - 07)),
        published: true,
        is_free: Some(true),
    }
}

/// Generated service 3, as stored.
async fn generated_3(w: &World) -> String {
    w.store.services().await.unwrap().into_iter().find(|s| s.name == gen(3)).unwrap().id
}

#[tokio::test]
async fn what_a_link_worker_keeps_about_a_service_is_never_published() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        for service in [w.service.clone(), generated_3(&w).await] {
            w.store.set_service_profile(&service, &private_profile()).await.unwrap();
        }
        let mut everything = client.directory(100, "private").await.into_values().collect::<Vec<_>>();
        everything.push(client.ok("/oruk/service_at_locations?per_page=500", "service_at_locations_page", "private").await);
        everything.push(client.ok(&format!("/oruk/service_at_locations/{}", id(&["sal", "3"])), "service_at_location", "private").await);
        let text = Value::Array(everything).to_string();
        for never in ["SECRET", "987654", "876543", "2031-07-19", "2019-03-07", "Lottery grant", "Ann Persona"] {
            assert!(!text.contains(never), "{never} was published");
        }
        for key in ["capacity", "waiting", "funding", "complex", "accessibility_description", "last_verified", "published", "delivery", "is_free", "contacts"] {
            assert!(!text.contains(&format!("\"{key}")), "a {key} field was published");
        }
    })
    .await;
}

#[tokio::test]
async fn an_unpublished_service_disappears_from_the_feed() {
    on_each_database(|w| async move {
        let client = loaded(&w).await;
        w.store.set_service_profile(&generated_3(&w).await, &ServiceProfile { published: false, ..private_profile() }).await.unwrap();
        assert_eq!(client.status(&format!("/oruk/services/{}", id(&["service", "3"]))).await.0, StatusCode::NOT_FOUND);
        assert_eq!(client.status(&format!("/oruk/service_at_locations/{}", id(&["sal", "3"]))).await.0, StatusCode::NOT_FOUND);
        assert!(!client.ids("").await.contains(&gen(3)));
        assert_eq!(client.ok("/oruk/services", "services_page", "unpublished").await["total_items"], 13);
    })
    .await;
}

#[tokio::test]
async fn an_import_neither_publishes_a_hidden_service_again_nor_touches_what_the_link_worker_kept() {
    on_each_database(|w| async move {
        loaded(&w).await;
        let hidden = ServiceProfile { published: false, ..private_profile() };
        w.store.set_service_profile(&generated_3(&w).await, &hidden).await.unwrap();
        let report = import(&w.store, &[doc("feed.json", &generated_feed(12))]).await;
        assert_eq!(report.unchanged, 12);
        assert_eq!(w.store.service(&generated_3(&w).await).await.unwrap().unwrap().profile, hidden);
    })
    .await;
}
