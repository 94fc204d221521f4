//! The Open Referral UK directory, each test on SQLite and PostgreSQL: whole service records upserted by
//! their ORUK ids (created, updated, unchanged — never duplicated), read back exactly as written,
//! Linkwork's own services published beside imported ones, and the listings' filters.

use linkwork_domain::access::OrgKind;
use linkwork_domain::directory::{need_term_id, Coordinates, Delivery, LocationType, PageRequest, ServiceStatus, NEED_TAXONOMY_ID};
use linkwork_domain::interop::import::oruk::*;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_store::testing::on_each_database;
use linkwork_store::*;
use time::macros::{date, datetime};

fn term(id: &str, name: &str, taxonomy_id: Option<&str>) -> TaxonomyTerm {
    TaxonomyTerm { id: id.into(), name: name.into(), description: Some(format!("About {name}")), code: None, parent_id: None, taxonomy: None, taxonomy_id: taxonomy_id.map(Into::into), term_uri: None }
}

fn location(id: &str, postcode: &str, at: Option<(f64, f64)>) -> Location {
    Location {
        id: id.into(),
        location_type: LocationType::Physical,
        name: Some(format!("Hall {id}")),
        description: None,
        coordinates: at.and_then(|(lat, lon)| Coordinates::new(lat, lon)),
        external_identifier: Some("10092008082".into()),
        external_identifier_type: Some("UPRN".into()),
        address: Some(Address {
            id: format!("{id}-address"),
            address_1: "1 Chapel Street".into(),
            city: "Riverside".into(),
            region: None,
            state_province: Some("West Yorkshire".into()),
            postal_code: postcode.into(),
            country: "GB".into(),
            address_type: LocationType::Physical,
        }),
    }
}

/// An imported service record as a feed would carry it.
fn imported() -> ServiceRecord {
    let mut r = ServiceRecord {
        id: "svc-1".into(),
        name: "Community Counselling".into(),
        description: Some("Counselling for adults.".into()),
        url: Some("http://example.com/counselling".into()),
        email: Some("help@example.com".into()),
        status: ServiceStatus::Active,
        fees: Some("Free".into()),
        accreditations: Some("BACP".into()),
        eligibility_description: Some("Adults living in Riverside".into()),
        minimum_age: Some(18),
        maximum_age: Some(99),
        assured_date: Some("2025-01-01".into()),
        assurer_email: None,
        alert: None,
        last_modified: Some(datetime!(2026-03-15 10:30:45.123 UTC)),
        organization_id: "org-1".into(),
        organization: Some(Organization { id: "org-1".into(), name: "Example Organisation".into(), description: Some("A charity".into()), email: None, website: Some("http://example.com".into()), logo: None, uri: None }),
        service_at_locations: Some(vec![
            ServiceAtLocation { id: "sal-1".into(), location: location("loc-1", "RV1 3DE", Some((53.8008, -1.5491))) },
            ServiceAtLocation { id: "sal-2".into(), location: location("loc-2", "RV9 1AA", Some((53.9, -1.7))) },
        ]),
        schedules: Some(vec![Schedule { id: "sch-1".into(), freq: Some("WEEKLY".into()), interval: Some(1), byday: Some("TU,TH".into()), opens_at: Some("10:00:00".into()), closes_at: Some("12:00:00".into()), ..Default::default() }]),
        phones: Some(vec![Phone { id: "ph-1".into(), number: "0113 496 0000".into(), description: Some("Reception".into()) }]),
        attributes: Some(vec![
            Attribute { id: "at-1".into(), link_type: Some("service_type".into()), term: term("term-counselling", "Counselling", Some("tax-ext")) },
            Attribute { id: "at-2".into(), link_type: None, term: term("term-lonely", "Loneliness", Some("tax-ext")) },
        ]),
    };
    r.sort_lists();
    r
}

fn taxonomy() -> Taxonomy {
    Taxonomy { id: "tax-ext".into(), name: "Example services".into(), description: Some("An example taxonomy".into()), uri: None, version: Some("2".into()) }
}

/// What serving and reading back gives (what a re-import of the served feed brings).
fn reread(r: &ServiceRecord) -> ServiceRecord {
    let mut notes = Vec::new();
    let mut taxonomies = Vec::new();
    let v = service_json(r, Detail::Full);
    let back = parse_service(&v, "$", &mut notes, &mut taxonomies).unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    back
}

/// The Walk Club (a VCSE partner) and its "Tuesday walks", made in Linkwork: their ids.
async fn own_service(store: &dyn Store) -> (String, String) {
    let vcse = store.create_org(&NewOrg { kind: OrgKind::Vcse, name: "Walk Club".into(), ods_code: None, parent_id: None, list_size: None }).await.unwrap();
    let own = store
        .create_service(&NewService { org_id: vcse.clone(), name: "Tuesday walks".into(), description: "Gentle walks".into(), needs: vec![NeedDomain::PhysicalActivity], address: None, postcode: None, phone: Some("0113 496 0101".into()), email: None })
        .await
        .unwrap();
    (vcse, own)
}

/// The imported record renamed "Community Counselling Service", its second hall moved 1.1 km and
/// its "Counselling" term dropped.
fn moved() -> ServiceRecord {
    let mut moved = imported();
    moved.name = "Community Counselling Service".into();
    moved.service_at_locations.as_mut().unwrap()[1].location.coordinates = Coordinates::new(53.81, -1.56);
    moved.attributes.as_mut().unwrap().retain(|a| a.id != "at-1");
    moved
}

/// A second service of the imported organisation, joined by its id: "Group therapy", ages 16–25,
/// in the first hall.
fn group_therapy() -> ServiceRecord {
    let mut r = imported();
    r.id = "svc-orphan".into();
    r.organization = None;
    r.organization_id = "org-1".into();
    r.name = "Group therapy".into();
    r.minimum_age = Some(16);
    r.maximum_age = Some(25);
    r.service_at_locations = Some(vec![ServiceAtLocation { id: "sal-3".into(), location: location("loc-1", "RV1 3DE", Some((53.8008, -1.5491))) }]);
    r.attributes = Some(vec![]);
    r.schedules = Some(vec![]);
    r
}

/// Three services for the listings: our own walks, the imported counselling (moved), and the group
/// therapy that joined its organisation. Returns the walk club's id.
async fn directory(store: &dyn Store) -> String {
    let (vcse, _) = own_service(store).await;
    assert_eq!(store.upsert_oruk_service(&imported(), &[taxonomy()]).await.unwrap(), Upserted::Created);
    assert_eq!(store.upsert_oruk_service(&moved(), &[]).await.unwrap(), Upserted::Updated);
    assert_eq!(store.upsert_oruk_service(&group_therapy(), &[]).await.unwrap(), Upserted::Created);
    vcse
}

fn page(n: u32, per: u32) -> PageRequest {
    PageRequest { page: n, per_page: per }
}

fn query(f: impl Fn(&mut OrukQuery)) -> OrukQuery {
    let mut q = OrukQuery::default();
    f(&mut q);
    q
}

async fn names(store: &dyn Store, q: OrukQuery) -> Vec<String> {
    store.oruk_services(&q).await.unwrap().items.into_iter().map(|r| r.name).collect()
}

async fn total(store: &dyn Store, q: OrukQuery) -> u64 {
    store.oruk_services(&q).await.unwrap().total as u64
}

// The need taxonomy and our own services

#[tokio::test]
async fn the_need_taxonomy_is_seeded_with_one_term_per_need_under_derived_ids() {
    on_each_database(|store| async move {
        let (taxonomy, terms) = store.oruk_taxonomy(NEED_TAXONOMY_ID).await.unwrap().expect("need taxonomy");
        assert_eq!(taxonomy.name, "Linkwork need domains");
        assert_eq!(terms.len(), NeedDomain::ALL.len());
        for need in NeedDomain::ALL {
            let t = terms.iter().find(|t| t.id == need_term_id(*need)).unwrap_or_else(|| panic!("no term for {}", need.code()));
            assert_eq!((t.name.as_str(), t.code.as_deref()), (need.label(), Some(need.code())));
        }
    })
    .await;
}

#[tokio::test]
async fn a_linkwork_service_is_published_under_its_own_ids_with_its_need() {
    on_each_database(|store| async move {
        let (vcse, own) = own_service(&*store).await;
        let record = store.oruk_service(&own).await.unwrap().expect("own service published");
        assert_eq!((record.organization_id.as_str(), record.organization.as_ref().unwrap().name.as_str()), (vcse.as_str(), "Walk Club"));
        let attrs = record.attributes.as_ref().unwrap();
        assert_eq!(attrs.len(), 1);
        assert_eq!((attrs[0].term.id.clone(), attrs[0].term.taxonomy_id.as_deref()), (need_term_id(NeedDomain::PhysicalActivity), Some(NEED_TAXONOMY_ID)));
        assert_eq!(record.phones.as_ref().unwrap()[0].number, "0113 496 0101");
    })
    .await;
}

#[tokio::test]
async fn re_importing_our_own_published_record_changes_nothing() {
    on_each_database(|store| async move {
        let (_, own) = own_service(&*store).await;
        let record = store.oruk_service(&own).await.unwrap().unwrap();
        assert_eq!(store.upsert_oruk_service(&reread(&record), &[]).await.unwrap(), Upserted::Unchanged);
    })
    .await;
}

// Imported records

#[tokio::test]
async fn an_imported_record_is_created_then_unchanged_however_often_it_comes() {
    on_each_database(|store| async move {
        assert_eq!(store.upsert_oruk_service(&imported(), &[taxonomy()]).await.unwrap(), Upserted::Created);
        assert_eq!(store.upsert_oruk_service(&imported(), &[taxonomy()]).await.unwrap(), Upserted::Unchanged);
        assert_eq!(store.services().await.unwrap().len(), 1, "never duplicated");
    })
    .await;
}

#[tokio::test]
async fn an_imported_record_is_served_as_written_plus_the_need_its_term_stands_for() {
    on_each_database(|store| async move {
        store.upsert_oruk_service(&imported(), &[taxonomy()]).await.unwrap();
        let (_, need_terms) = store.oruk_taxonomy(NEED_TAXONOMY_ID).await.unwrap().unwrap();
        let mut expected = imported();
        expected.attributes.as_mut().unwrap().push(Attribute {
            id: linkwork_domain::directory::derived_id(&["need_attribute", "svc-1", "loneliness"]),
            link_type: Some("need_domain".into()),
            term: need_terms.iter().find(|t| t.id == need_term_id(NeedDomain::Loneliness)).unwrap().clone(),
        });
        expected.sort_lists();
        let served = store.oruk_service("svc-1").await.unwrap().expect("served");
        assert_eq!(served, expected);
        assert_eq!(store.upsert_oruk_service(&reread(&served), &[]).await.unwrap(), Upserted::Unchanged, "the served record re-imports unchanged");
    })
    .await;
}

#[tokio::test]
async fn an_imported_service_joins_the_directory_with_its_need_place_and_organisation() {
    on_each_database(|store| async move {
        store.upsert_oruk_service(&imported(), &[taxonomy()]).await.unwrap();
        let listed = store.services().await.unwrap().into_iter().find(|s| s.oruk_id.as_deref() == Some("svc-1")).unwrap();
        assert_eq!(listed.needs, vec![NeedDomain::Loneliness]);
        assert_eq!((listed.phone.as_deref(), listed.postcode.as_deref()), (Some("0113 496 0000"), Some("RV1 3DE")));
        assert_eq!(listed.profile.delivery, Delivery::InPerson);
        assert!(listed.profile.published);
        assert_eq!(store.find_org("Example Organisation").await.unwrap().unwrap().kind, OrgKind::Vcse);
    })
    .await;
}

/// The imported record as a listing carries it: one-to-one fields only.
fn summary() -> ServiceRecord {
    let mut summary = imported();
    summary.service_at_locations = None;
    summary.schedules = None;
    summary.phones = None;
    summary.attributes = None;
    summary.last_modified = None;
    summary
}

#[tokio::test]
async fn a_listings_summary_changes_nothing_and_keeps_the_lists() {
    on_each_database(|store| async move {
        store.upsert_oruk_service(&imported(), &[taxonomy()]).await.unwrap();
        assert_eq!(store.upsert_oruk_service(&summary(), &[]).await.unwrap(), Upserted::Unchanged);
        assert_eq!(store.oruk_service("svc-1").await.unwrap().unwrap().service_at_locations.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_changed_field_or_an_emptied_list_is_an_update_dated_now() {
    on_each_database(|store| async move {
        store.upsert_oruk_service(&imported(), &[taxonomy()]).await.unwrap();
        let mut changed = summary();
        changed.name = "Community Counselling Service".into();
        changed.phones = Some(vec![]);
        let before = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
        assert_eq!(store.upsert_oruk_service(&changed, &[]).await.unwrap(), Upserted::Updated);
        let updated = store.oruk_service("svc-1").await.unwrap().unwrap();
        assert_eq!((updated.name.as_str(), updated.phones.clone()), ("Community Counselling Service", Some(vec![])));
        assert_eq!(updated.service_at_locations.as_ref().unwrap().len(), 2, "locations kept");
        assert!(updated.last_modified.unwrap() > before, "not given: modified now");
        assert_eq!(store.upsert_oruk_service(&changed, &[]).await.unwrap(), Upserted::Unchanged);
    })
    .await;
}

#[tokio::test]
async fn moving_a_location_and_dropping_a_term_is_an_update_that_keeps_the_needs() {
    on_each_database(|store| async move {
        store.upsert_oruk_service(&imported(), &[taxonomy()]).await.unwrap();
        assert_eq!(store.upsert_oruk_service(&moved(), &[]).await.unwrap(), Upserted::Updated);
        let after = store.oruk_service("svc-1").await.unwrap().unwrap();
        assert_eq!(after.service_at_locations.as_ref().unwrap()[1].location.coordinates, Coordinates::new(53.81, -1.56));
        assert!(after.attributes.as_ref().unwrap().iter().all(|a| a.term.id != "term-counselling"));
        assert!(after.attributes.as_ref().unwrap().iter().any(|a| a.term.id == need_term_id(NeedDomain::Loneliness)));
    })
    .await;
}

#[tokio::test]
async fn a_record_naming_an_unknown_organisation_by_id_only_cannot_be_placed() {
    on_each_database(|store| async move {
        let mut orphan = group_therapy();
        orphan.organization_id = "org-unknown".into();
        assert!(matches!(store.upsert_oruk_service(&orphan, &[]).await, Err(StoreError::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn a_record_naming_a_known_organisation_by_id_joins_it() {
    on_each_database(|store| async move {
        store.upsert_oruk_service(&imported(), &[taxonomy()]).await.unwrap();
        assert_eq!(store.upsert_oruk_service(&group_therapy(), &[]).await.unwrap(), Upserted::Created);
        assert_eq!(store.oruk_service("svc-orphan").await.unwrap().unwrap().organization.unwrap().name, "Example Organisation");
    })
    .await;
}

// Listings and filters (over the three services of `directory`)

#[tokio::test]
async fn listings_are_paged_and_carry_one_to_one_fields_only() {
    on_each_database(|store| async move {
        directory(&*store).await;
        let first = store.oruk_services(&query(|q| q.page = page(1, 2))).await.unwrap();
        assert_eq!((first.total, first.items.len()), (3, 2));
        assert!(first.items.iter().all(|r| r.service_at_locations.is_none()));
        assert_eq!(names(&*store, query(|q| q.page = page(2, 2))).await, vec!["Tuesday walks"]);
    })
    .await;
}

#[tokio::test]
async fn services_are_found_by_words_in_their_or_their_organisations_name() {
    on_each_database(|store| async move {
        directory(&*store).await;
        assert_eq!(names(&*store, query(|q| q.search = Some("COUNSELLING service".into()))).await, vec!["Community Counselling Service"]);
        assert_eq!(names(&*store, query(|q| q.search = Some("walk club".into()))).await, vec!["Tuesday walks"]);
        assert_eq!(total(&*store, query(|q| q.search = Some("100%".into()))).await, 0, "a % is a character, not a wildcard");
    })
    .await;
}

#[tokio::test]
async fn services_are_found_by_term_and_by_taxonomy() {
    on_each_database(|store| async move {
        directory(&*store).await;
        assert_eq!(names(&*store, query(|q| q.taxonomy_term_id = Some(need_term_id(NeedDomain::Loneliness)))).await, vec!["Community Counselling Service"]);
        assert_eq!(names(&*store, query(|q| q.taxonomy_term_id = Some(need_term_id(NeedDomain::PhysicalActivity)))).await, vec!["Tuesday walks"]);
        assert_eq!(names(&*store, query(|q| q.taxonomy_term_id = Some("term-lonely".into()))).await, vec!["Community Counselling Service"]);
        assert_eq!(total(&*store, query(|q| q.taxonomy_id = Some(NEED_TAXONOMY_ID.into()))).await, 2);
        assert_eq!(total(&*store, query(|q| q.taxonomy_id = Some("tax-ext".into()))).await, 1);
    })
    .await;
}

#[tokio::test]
async fn services_are_found_by_organisation_and_by_age() {
    on_each_database(|store| async move {
        let vcse = directory(&*store).await;
        assert_eq!(names(&*store, query(|q| q.organization_id = Some(vcse.clone()))).await, vec!["Tuesday walks"]);
        assert_eq!(total(&*store, query(|q| q.organization_id = Some("org-1".into()))).await, 2);
        assert_eq!(names(&*store, query(|q| q.minimum_age = Some(17))).await, vec!["Community Counselling Service"]);
        assert_eq!(names(&*store, query(|q| q.maximum_age = Some(30))).await, vec!["Group therapy"]);
    })
    .await;
}

#[tokio::test]
async fn services_are_found_by_when_they_changed_and_when_they_run() {
    on_each_database(|store| async move {
        directory(&*store).await;
        assert_eq!(total(&*store, query(|q| q.modified_after = Some(time::OffsetDateTime::now_utc() + time::Duration::hours(1)))).await, 0);
        assert_eq!(total(&*store, query(|q| q.modified_after = Some(datetime!(2020-01-01 0:00 UTC)))).await, 3);
        assert_eq!(names(&*store, query(|q| q.day = Some("TH".into()))).await, vec!["Community Counselling Service"]);
        assert_eq!(total(&*store, query(|q| q.day = Some("FR".into()))).await, 0);
        assert_eq!(total(&*store, query(|q| q.start_time = Some("09:00:00".into()))).await, 1);
        assert_eq!(total(&*store, query(|q| q.end_time = Some("11:00:00".into()))).await, 0);
    })
    .await;
}

// Services at locations

#[tokio::test]
async fn services_at_locations_are_found_by_postcode_and_outward_code() {
    on_each_database(|store| async move {
        directory(&*store).await;
        assert_eq!(store.oruk_service_at_locations(&OrukQuery::default()).await.unwrap().total, 3, "two halls of one service and one of another");
        assert_eq!(store.oruk_service_at_locations(&query(|q| q.postcode = Some("RV1 3DE".into()))).await.unwrap().total, 2);
        assert_eq!(store.oruk_service_at_locations(&query(|q| q.postcode = Some("RV9".into()))).await.unwrap().total, 1);
    })
    .await;
}

#[tokio::test]
async fn a_known_postcode_has_a_centre_and_an_outward_code_alone_has_none() {
    on_each_database(|store| async move {
        directory(&*store).await;
        let centre = store.postcode_centre("RV1 3DE").await.unwrap().expect("a known postcode");
        assert!((centre.latitude - 53.8008).abs() < 1e-9);
        assert!(store.postcode_centre("RV7").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn services_at_locations_near_a_point_come_nearest_first_and_are_paged() {
    on_each_database(|store| async move {
        directory(&*store).await;
        let centre = store.postcode_centre("RV1 3DE").await.unwrap().unwrap();
        let near = store.oruk_service_at_locations(&query(|q| q.near = Some(Near { centre, within_km: 2.0 }))).await.unwrap();
        assert_eq!(near.total, 3, "the moved hall is 1.1 km away");
        let distances: Vec<f64> = near.items.iter().map(|i| i.distance_km.unwrap()).collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]), "nearest first: {distances:?}");
        assert!(distances[2] > 1.0 && distances[2] < 1.5, "{distances:?}");
        let second = store.oruk_service_at_locations(&query(|q| {
            q.near = Some(Near { centre, within_km: 0.5 });
            q.page = page(2, 1);
        }))
        .await
        .unwrap();
        assert_eq!((second.total, second.items.len()), (2, 1));
    })
    .await;
}

#[tokio::test]
async fn one_service_at_a_location_carries_its_service_in_full() {
    on_each_database(|store| async move {
        directory(&*store).await;
        let one = store.oruk_service_at_location("sal-2").await.unwrap().expect("by id");
        assert_eq!(one.service.name, "Community Counselling Service");
        assert!(one.service.schedules.is_some());
    })
    .await;
}

// Taxonomies

#[tokio::test]
async fn taxonomies_and_their_terms_are_listed() {
    on_each_database(|store| async move {
        directory(&*store).await;
        let taxonomies = store.oruk_taxonomies(PageRequest::default()).await.unwrap();
        assert_eq!(taxonomies.items.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), vec!["tax-ext", NEED_TAXONOMY_ID]);
        assert_eq!(taxonomies.items[0], taxonomy());
        assert_eq!(store.oruk_taxonomy_terms(PageRequest::default(), Some("tax-ext")).await.unwrap().total, 2, "a term dropped by one service is still a term");
        assert_eq!(store.oruk_taxonomy_terms(page(1, 5), None).await.unwrap().total, 20);
        assert_eq!(store.oruk_taxonomy_term("term-lonely").await.unwrap().unwrap().name, "Loneliness");
    })
    .await;
}

// What is never published

fn private_profile() -> ServiceProfile {
    ServiceProfile {
        delivery: Delivery::Both,
        capacity_places: Some(12),
        waiting_list: Some(4),
        capacity_note: Some("Full until spring".into()),
        funding_source: Some("Lottery".into()),
        funding_ends_on: Some(date!(2027 - 03 - 31)),
        complex_needs: true,
        complex_needs_detail: Some("Learning disabilities".into()),
        accessibility_description: Some("Step-free".into()),
        last_verified_on: Some(date!(2026 - 01 - 10)),
        published: true,
        is_free: Some(true),
    }
}

#[tokio::test]
async fn the_link_workers_details_of_a_service_are_kept_and_never_published() {
    on_each_database(|store| async move {
        let (_, own) = own_service(&*store).await;
        store.set_service_profile(&own, &private_profile()).await.unwrap();
        assert_eq!(store.service(&own).await.unwrap().unwrap().profile, private_profile());
        let json = service_json(&store.oruk_service(&own).await.unwrap().unwrap(), Detail::Full).to_string();
        for private in ["Full until spring", "Lottery", "Learning disabilities", "2027-03-31"] {
            assert!(!json.contains(private), "{private} published");
        }
    })
    .await;
}

#[tokio::test]
async fn an_unpublished_service_disappears_from_the_feed() {
    on_each_database(|store| async move {
        directory(&*store).await;
        let own = store.services().await.unwrap().into_iter().find(|s| s.name == "Tuesday walks").unwrap().id;
        store.set_service_profile(&own, &ServiceProfile { published: false, ..private_profile() }).await.unwrap();
        assert!(store.oruk_service(&own).await.unwrap().is_none());
        assert_eq!(store.oruk_services(&OrukQuery::default()).await.unwrap().total, 2);
    })
    .await;
}

#[tokio::test]
async fn a_profile_for_an_unknown_service_is_not_found() {
    on_each_database(|store| async move {
        assert!(matches!(store.set_service_profile("no-such-service", &ServiceProfile::default()).await, Err(StoreError::NotFound)));
    })
    .await;
}
