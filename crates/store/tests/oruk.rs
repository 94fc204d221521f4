//! The Open Referral UK directory on SQLite and PostgreSQL: whole service records upserted by
//! their ORUK ids (created, updated, unchanged — never duplicated), read back exactly as written,
//! Linkwork's own services published beside imported ones, and the listings' filters.

use linkwork_domain::access::OrgKind;
use linkwork_domain::directory::{need_term_id, Coordinates, Delivery, LocationType, PageRequest, ServiceStatus, NEED_TAXONOMY_ID};
use linkwork_domain::interop::import::oruk::*;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use time::macros::{date, datetime};

#[tokio::test]
async fn oruk_directory_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-store-oruk-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        story(&url).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        eprintln!("{backend}: ORUK directory passed");
    }
}

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

async fn story(url: &str) -> Result<()> {
    let store = migrated(url).await?;

    // The need-domain taxonomy is seeded with one term per need domain, with the derived ids.
    let (need_taxonomy, need_terms) = store.oruk_taxonomy(NEED_TAXONOMY_ID).await?.expect("need taxonomy");
    assert_eq!(need_taxonomy.name, "Linkwork need domains");
    assert_eq!(need_terms.len(), NeedDomain::ALL.len());
    for need in NeedDomain::ALL {
        let t = need_terms.iter().find(|t| t.id == need_term_id(*need)).unwrap_or_else(|| panic!("no term for {}", need.code()));
        assert_eq!((t.name.as_str(), t.code.as_deref()), (need.label(), Some(need.code())));
    }

    // A Linkwork service, published under its own ids.
    let vcse = store.create_org(&NewOrg { kind: OrgKind::Vcse, name: "Walk Club".into(), ods_code: None, parent_id: None, list_size: None }).await?;
    let own = store
        .create_service(&NewService { org_id: vcse.clone(), name: "Tuesday walks".into(), description: "Gentle walks".into(), needs: vec![NeedDomain::PhysicalActivity], address: None, postcode: None, phone: Some("0113 496 0101".into()), email: None })
        .await?;
    let own_record = store.oruk_service(&own).await?.expect("own service published");
    assert_eq!((own_record.organization_id.as_str(), own_record.organization.as_ref().unwrap().name.as_str()), (vcse.as_str(), "Walk Club"));
    let attrs = own_record.attributes.as_ref().unwrap();
    assert_eq!(attrs.len(), 1);
    assert_eq!((attrs[0].term.id.clone(), attrs[0].term.taxonomy_id.as_deref()), (need_term_id(NeedDomain::PhysicalActivity), Some(NEED_TAXONOMY_ID)));
    assert_eq!(own_record.phones.as_ref().unwrap()[0].number, "0113 496 0101");
    assert_eq!(store.upsert_oruk_service(&reread(&own_record), &[]).await?, Upserted::Unchanged, "re-importing our own record changes nothing");

    // An imported record: created, then unchanged however often it comes again.
    let record = imported();
    assert_eq!(store.upsert_oruk_service(&record, &[taxonomy()]).await?, Upserted::Created);
    assert_eq!(store.upsert_oruk_service(&record, &[taxonomy()]).await?, Upserted::Unchanged);
    let served = store.oruk_service("svc-1").await?.expect("served");
    // As written, plus the need the "Loneliness" term stands for.
    let mut expected = record.clone();
    expected.attributes.as_mut().unwrap().push(Attribute {
        id: linkwork_domain::directory::derived_id(&["need_attribute", "svc-1", "loneliness"]),
        link_type: Some("need_domain".into()),
        term: need_terms.iter().find(|t| t.id == need_term_id(NeedDomain::Loneliness)).unwrap().clone(),
    });
    expected.sort_lists();
    assert_eq!(served, expected);
    assert_eq!(store.upsert_oruk_service(&reread(&served), &[]).await?, Upserted::Unchanged, "the served record re-imports unchanged");
    let all = store.services().await?;
    assert_eq!(all.len(), 2, "never duplicated");
    let listed = all.iter().find(|s| s.oruk_id.as_deref() == Some("svc-1")).unwrap();
    assert_eq!(listed.needs, vec![NeedDomain::Loneliness]);
    assert_eq!((listed.phone.as_deref(), listed.postcode.as_deref()), (Some("0113 496 0000"), Some("RV1 3DE")));
    assert_eq!(listed.profile.delivery, Delivery::InPerson);
    assert!(listed.profile.published);
    assert_eq!(store.find_org("Example Organisation").await?.unwrap().kind, OrgKind::Vcse);

    // A listing's summary (no lists) changes nothing and keeps the lists.
    let mut summary = record.clone();
    summary.service_at_locations = None;
    summary.schedules = None;
    summary.phones = None;
    summary.attributes = None;
    summary.last_modified = None;
    assert_eq!(store.upsert_oruk_service(&summary, &[]).await?, Upserted::Unchanged);
    // A changed field and an emptied list are an update.
    summary.name = "Community Counselling Service".into();
    summary.phones = Some(vec![]);
    let before_update = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
    assert_eq!(store.upsert_oruk_service(&summary, &[]).await?, Upserted::Updated);
    let updated = store.oruk_service("svc-1").await?.unwrap();
    assert_eq!(updated.name, "Community Counselling Service");
    assert_eq!(updated.phones, Some(vec![]));
    assert_eq!(updated.service_at_locations.as_ref().unwrap().len(), 2, "locations kept");
    assert!(updated.last_modified.unwrap() > before_update, "not given: modified now");
    assert_eq!(store.upsert_oruk_service(&summary, &[]).await?, Upserted::Unchanged);
    // Moving a location and dropping a term.
    let mut moved = record.clone();
    moved.name = "Community Counselling Service".into();
    moved.service_at_locations.as_mut().unwrap()[1].location.coordinates = Coordinates::new(53.81, -1.56);
    moved.attributes.as_mut().unwrap().retain(|a| a.id != "at-1");
    assert_eq!(store.upsert_oruk_service(&moved, &[]).await?, Upserted::Updated);
    let after = store.oruk_service("svc-1").await?.unwrap();
    assert_eq!(after.service_at_locations.as_ref().unwrap()[1].location.coordinates, Coordinates::new(53.81, -1.56));
    assert!(after.attributes.as_ref().unwrap().iter().all(|a| a.term.id != "term-counselling"));
    assert!(after.attributes.as_ref().unwrap().iter().any(|a| a.term.id == need_term_id(NeedDomain::Loneliness)), "needs are kept");

    // A record naming an unknown organisation by id only cannot be placed.
    let mut orphan = imported();
    orphan.id = "svc-orphan".into();
    orphan.organization = None;
    orphan.organization_id = "org-unknown".into();
    assert!(matches!(store.upsert_oruk_service(&orphan, &[]).await, Err(StoreError::NotFound)));
    // … but one naming a known organisation by id joins it.
    orphan.organization_id = "org-1".into();
    orphan.name = "Group therapy".into();
    orphan.minimum_age = Some(16);
    orphan.maximum_age = Some(25);
    orphan.service_at_locations = Some(vec![ServiceAtLocation { id: "sal-3".into(), location: location("loc-1", "RV1 3DE", Some((53.8008, -1.5491))) }]);
    orphan.attributes = Some(vec![]);
    orphan.schedules = Some(vec![]);
    assert_eq!(store.upsert_oruk_service(&orphan, &[]).await?, Upserted::Created);
    assert_eq!(store.oruk_service("svc-orphan").await?.unwrap().organization.unwrap().name, "Example Organisation");

    // Listings and filters.
    let page = |n, per| PageRequest { page: n, per_page: per };
    let query = |f: &dyn Fn(&mut OrukQuery)| {
        let mut q = OrukQuery::default();
        f(&mut q);
        q
    };
    let names = |l: Listing<ServiceRecord>| l.items.into_iter().map(|r| r.name).collect::<Vec<_>>();
    let first = store.oruk_services(&query(&|q| q.page = page(1, 2))).await?;
    assert_eq!((first.total, first.items.len()), (3, 2));
    assert!(first.items.iter().all(|r| r.service_at_locations.is_none()), "listings carry one-to-one fields only");
    assert_eq!(names(store.oruk_services(&query(&|q| q.page = page(2, 2))).await?), vec!["Tuesday walks"]);
    assert_eq!(names(store.oruk_services(&query(&|q| q.search = Some("COUNSELLING service".into()))).await?), vec!["Community Counselling Service"]);
    assert_eq!(names(store.oruk_services(&query(&|q| q.search = Some("walk club".into()))).await?), vec!["Tuesday walks"], "the organisation's name is searched");
    assert_eq!(store.oruk_services(&query(&|q| q.search = Some("100%".into()))).await?.total, 0);
    assert_eq!(names(store.oruk_services(&query(&|q| q.taxonomy_term_id = Some(need_term_id(NeedDomain::Loneliness)))).await?), vec!["Community Counselling Service"]);
    assert_eq!(names(store.oruk_services(&query(&|q| q.taxonomy_term_id = Some(need_term_id(NeedDomain::PhysicalActivity)))).await?), vec!["Tuesday walks"]);
    assert_eq!(names(store.oruk_services(&query(&|q| q.taxonomy_term_id = Some("term-lonely".into()))).await?), vec!["Community Counselling Service"]);
    assert_eq!(store.oruk_services(&query(&|q| q.taxonomy_id = Some(NEED_TAXONOMY_ID.into()))).await?.total, 2);
    assert_eq!(store.oruk_services(&query(&|q| q.taxonomy_id = Some("tax-ext".into()))).await?.total, 1);
    assert_eq!(names(store.oruk_services(&query(&|q| q.organization_id = Some(vcse.clone()))).await?), vec!["Tuesday walks"]);
    assert_eq!(store.oruk_services(&query(&|q| q.organization_id = Some("org-1".into()))).await?.total, 2);
    assert_eq!(names(store.oruk_services(&query(&|q| q.minimum_age = Some(17))).await?), vec!["Community Counselling Service"]);
    assert_eq!(names(store.oruk_services(&query(&|q| q.maximum_age = Some(30))).await?), vec!["Group therapy"]);
    assert_eq!(store.oruk_services(&query(&|q| q.modified_after = Some(time::OffsetDateTime::now_utc() + time::Duration::hours(1)))).await?.total, 0);
    assert_eq!(store.oruk_services(&query(&|q| q.modified_after = Some(datetime!(2020-01-01 0:00 UTC)))).await?.total, 3);
    assert_eq!(names(store.oruk_services(&query(&|q| q.day = Some("TH".into()))).await?), vec!["Community Counselling Service"]);
    assert_eq!(store.oruk_services(&query(&|q| q.day = Some("FR".into()))).await?.total, 0);
    assert_eq!(store.oruk_services(&query(&|q| q.start_time = Some("09:00:00".into()))).await?.total, 1);
    assert_eq!(store.oruk_services(&query(&|q| q.end_time = Some("11:00:00".into()))).await?.total, 0);

    // Services at locations: by postcode, outward code and distance.
    let sals = store.oruk_service_at_locations(&OrukQuery::default()).await?;
    assert_eq!(sals.total, 3, "two locations of one service and one of another (the shared hall once each)");
    assert_eq!(store.oruk_service_at_locations(&query(&|q| q.postcode = Some("RV1 3DE".into()))).await?.total, 2);
    assert_eq!(store.oruk_service_at_locations(&query(&|q| q.postcode = Some("RV9".into()))).await?.total, 1);
    let centre = store.postcode_centre("RV1 3DE").await?.expect("a known postcode");
    assert!((centre.latitude - 53.8008).abs() < 1e-9);
    assert!(store.postcode_centre("RV7").await?.is_none());
    let near = store.oruk_service_at_locations(&query(&|q| q.near = Some(Near { centre, within_km: 2.0 }))).await?;
    assert_eq!(near.total, 3, "the moved hall is 1.1 km away");
    let distances: Vec<f64> = near.items.iter().map(|i| i.distance_km.unwrap()).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "nearest first: {distances:?}");
    assert!(distances[2] > 1.0 && distances[2] < 1.5, "{distances:?}");
    let near_page = store.oruk_service_at_locations(&query(&|q| {
        q.near = Some(Near { centre, within_km: 0.5 });
        q.page = page(2, 1);
    }))
    .await?;
    assert_eq!((near_page.total, near_page.items.len()), (2, 1));
    let one = store.oruk_service_at_location("sal-2").await?.expect("by id");
    assert_eq!(one.service.name, "Community Counselling Service");
    assert!(one.service.schedules.is_some(), "the service in full");

    // Taxonomies: the need domains, the feed's (described), terms by taxonomy.
    let taxonomies = store.oruk_taxonomies(PageRequest::default()).await?;
    assert_eq!(taxonomies.items.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), vec!["tax-ext", NEED_TAXONOMY_ID]);
    assert_eq!(taxonomies.items[0], taxonomy());
    let terms = store.oruk_taxonomy_terms(PageRequest::default(), Some("tax-ext")).await?;
    assert_eq!(terms.total, 2, "a term dropped by one service is still a term");
    assert_eq!(store.oruk_taxonomy_terms(page(1, 5), None).await?.total, 20);
    assert_eq!(store.oruk_taxonomy_term("term-lonely").await?.unwrap().name, "Loneliness");

    // The link worker's details are never published, and an unpublished service disappears.
    let profile = ServiceProfile {
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
    };
    store.set_service_profile(&own, &profile).await?;
    assert_eq!(store.service(&own).await?.unwrap().profile, profile);
    let json = service_json(&store.oruk_service(&own).await?.unwrap(), Detail::Full).to_string();
    for private in ["Full until spring", "Lottery", "Learning disabilities", "2027-03-31"] {
        assert!(!json.contains(private), "{private} published");
    }
    store.set_service_profile(&own, &ServiceProfile { published: false, ..profile }).await?;
    assert!(store.oruk_service(&own).await?.is_none());
    assert_eq!(store.oruk_services(&OrukQuery::default()).await?.total, 2);
    assert!(matches!(store.set_service_profile("no-such-service", &ServiceProfile::default()).await, Err(StoreError::NotFound)));
    Ok(())
}
