//! Health-system activity, the tariff and the SROI model, each test on SQLite and PostgreSQL:
//! idempotent writes by natural key, one transaction, audit events, a service's tariff defaults.

use linkwork_domain::access::OrgKind;
use linkwork_domain::evaluation::health_system::{Contact, ContactType, CostItem, Tariff, TariffEntry};
use linkwork_domain::evaluation::price_index::PriceIndex;
use linkwork_domain::evaluation::sroi::{SroiModel, SroiSetting};
use linkwork_store::testing;
use linkwork_store::*;
use std::sync::Arc;
use time::macros::date;

fn referral(pcn: &str, nhs: &str) -> NewReferral {
    NewReferral { referred_on: date!(2026 - 03 - 02), ..testing::referral(pcn, nhs) }
}

fn contact(person: &str, on: time::Date, t: ContactType, occurrence: u32) -> NewHealthActivity {
    NewHealthActivity { person_id: person.to_owned(), contact_on: on, contact_type: t, bed_days: None, source: "EMIS".into(), occurrence }
}

/// Two services: "Activity PCN" with Ada and Bo, "Other PCN" with one person of its own.
struct World {
    store: Arc<dyn Store>,
    pcn: String,
    other: String,
    who: AuditActor,
    ada: String,
    bo: String,
    foreign: String,
}

async fn world(store: Arc<dyn Store>) -> World {
    let org = |name: &str, ods: &str| NewOrg { kind: OrgKind::Pcn, name: name.into(), ods_code: Some(ods.into()), parent_id: None, list_size: None };
    let pcn = store.create_org(&org("Activity PCN", "U00077")).await.unwrap();
    let other = store.create_org(&org("Other PCN", "U00078")).await.unwrap();
    let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };
    store.create_referrals(&who, &[referral(&pcn, "9990000980"), referral(&pcn, "9990001960")]).await.unwrap();
    store.create_referrals(&AuditActor::default(), &[referral(&other, "9990002940")]).await.unwrap();
    let mut people = store.service_people_by_nhs(&pcn).await.unwrap();
    people.sort();
    let (ada, bo) = (people[0].1.clone(), people[1].1.clone());
    let foreign = store.service_people_by_nhs(&other).await.unwrap().remove(0).1;
    World { store, pcn, other, who, ada, bo, foreign }
}

/// Runs `test` once per database, each time on a new world.
async fn on_each_database<F: Fn(World) -> Fut, Fut: std::future::Future<Output = ()>>(test: F) {
    testing::on_each_world(world, test).await;
}

/// Ada at the GP twice on one day and by phone later; Bo admitted for 4 days.
fn batch(w: &World) -> Vec<NewHealthActivity> {
    let mut admission = contact(&w.bo, date!(2026 - 04 - 10), ContactType::NonElectiveAdmission, 1);
    admission.bed_days = Some(4);
    vec![
        contact(&w.ada, date!(2026 - 01 - 05), ContactType::GpSurgery, 1),
        contact(&w.ada, date!(2026 - 01 - 05), ContactType::GpSurgery, 2),
        contact(&w.ada, date!(2026 - 05 - 05), ContactType::GpPhone, 1),
        admission,
    ]
}

// Activity

#[tokio::test]
async fn people_are_matched_by_nhs_number_within_the_service_only() {
    on_each_database(|w| async move {
        let mut people = w.store.service_people_by_nhs(&w.pcn).await.unwrap();
        people.sort();
        assert_eq!(people.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), vec!["9990000980", "9990001960"]);
    })
    .await;
}

#[tokio::test]
async fn a_batch_is_written_with_one_audit_event_per_person() {
    on_each_database(|w| async move {
        assert_eq!(w.store.add_health_activity(&w.who, &w.pcn, &batch(&w)).await.unwrap(), ActivityWrite { added: 4, already_recorded: 0 });
        assert_eq!(w.store.count_audit_events("health_activity.import").await.unwrap(), 2);
        assert!(w.store.audit_events(&w.ada).await.unwrap().iter().any(|e| e.action == "health_activity.import"));
    })
    .await;
}

#[tokio::test]
async fn importing_again_writes_only_what_is_new() {
    on_each_database(|w| async move {
        w.store.add_health_activity(&w.who, &w.pcn, &batch(&w)).await.unwrap();
        let mut again = batch(&w);
        again.push(contact(&w.ada, date!(2026 - 01 - 05), ContactType::GpSurgery, 3));
        assert_eq!(w.store.add_health_activity(&w.who, &w.pcn, &again).await.unwrap(), ActivityWrite { added: 1, already_recorded: 4 });
        assert_eq!(w.store.count_audit_events("health_activity.import").await.unwrap(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_person_of_another_service_is_never_written_under_this_one() {
    on_each_database(|w| async move {
        let written = w.store.add_health_activity(&w.who, &w.pcn, &[contact(&w.foreign, date!(2026 - 01 - 05), ContactType::GpPhone, 1)]).await.unwrap();
        assert_eq!(written.added, 0);
        assert!(w.store.health_activity(&w.pcn).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn activity_is_read_back_per_service_oldest_first_with_bed_days() {
    on_each_database(|w| async move {
        w.store.add_health_activity(&w.who, &w.pcn, &batch(&w)).await.unwrap();
        let facts = w.store.health_activity(&w.pcn).await.unwrap();
        assert_eq!(facts.len(), 4);
        assert_eq!(facts[0].contact_on, date!(2026 - 01 - 05));
        let stay = facts.iter().find(|f| f.contact_type == ContactType::NonElectiveAdmission).unwrap();
        assert_eq!((stay.person.as_str(), stay.bed_days), (w.bo.as_str(), Some(4)));
        assert!(w.store.health_activity(&w.other).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_evaluation_reads_each_persons_contacts_once_grouped_with_bed_days() {
    on_each_database(|w| async move {
        w.store.add_health_activity(&w.who, &w.pcn, &batch(&w)).await.unwrap();
        let input = w.store.evaluation_input("t", std::slice::from_ref(&w.pcn), date!(2026 - 12 - 01)).await.unwrap();
        let mut people: Vec<(String, Vec<Contact>)> = input.health.activity.into_iter().map(|p| {
            let mut contacts = p.contacts;
            contacts.sort_by_key(|c| (c.on, c.contact_type.code()));
            (p.person, contacts)
        }).collect();
        people.sort_by(|a, b| a.0.cmp(&b.0));
        let gp = |on, contact_type| Contact { on, contact_type, bed_days: None };
        let mut expected = vec![
            (w.ada.clone(), vec![gp(date!(2026 - 01 - 05), ContactType::GpSurgery), gp(date!(2026 - 01 - 05), ContactType::GpSurgery), gp(date!(2026 - 05 - 05), ContactType::GpPhone)]),
            (w.bo.clone(), vec![Contact { on: date!(2026 - 04 - 10), contact_type: ContactType::NonElectiveAdmission, bed_days: Some(4) }]),
        ];
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(people, expected);
    })
    .await;
}

// The tariff

#[tokio::test]
async fn a_service_has_the_verified_tariff_until_it_saves_its_own() {
    on_each_database(|w| async move {
        assert_eq!(w.store.health_tariff(&w.pcn).await.unwrap(), Tariff::default_figures());
    })
    .await;
}

#[tokio::test]
async fn a_saved_tariff_is_the_services_own() {
    on_each_database(|w| async move {
        let mut tariff = Tariff::default_figures();
        tariff.set(TariffEntry::new(CostItem::BedDay, 34_500, "Local finance team", "2025/26").unwrap());
        tariff.set(TariffEntry::new(CostItem::Contact(ContactType::GpSurgery), 4_950, "PSSRU 2024", "2024").unwrap());
        w.store.set_health_tariff(&w.who, &w.pcn, &tariff).await.unwrap();
        assert_eq!(w.store.health_tariff(&w.pcn).await.unwrap(), tariff);
        assert_eq!(w.store.health_tariff(&w.other).await.unwrap(), Tariff::default_figures(), "per service");
        assert_eq!(w.store.count_audit_events("health_tariff.update").await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_tariffs_price_index_is_saved_with_it_and_cleared_with_it() {
    on_each_database(|w| async move {
        let index = PriceIndex::parse("PSSRU NHS cost inflation index", "2013/14 = 100\n2024/25 = 137.25").unwrap();
        let tariff = Tariff::default_figures().with_price_index(Some(index));
        w.store.set_health_tariff(&w.who, &w.pcn, &tariff).await.unwrap();
        assert_eq!(w.store.health_tariff(&w.pcn).await.unwrap(), tariff);
        assert_eq!(w.store.health_tariff(&w.other).await.unwrap().price_index(), None, "per service");
        let without = Tariff::default_figures();
        w.store.set_health_tariff(&w.who, &w.pcn, &without).await.unwrap();
        assert_eq!(w.store.health_tariff(&w.pcn).await.unwrap(), without, "saving a tariff with no index removes the old one");
    })
    .await;
}

#[tokio::test]
async fn an_all_uncosted_tariff_stays_uncosted() {
    on_each_database(|w| async move {
        w.store.set_health_tariff(&w.who, &w.pcn, &Tariff::default()).await.unwrap();
        assert_eq!(w.store.health_tariff(&w.pcn).await.unwrap(), Tariff::default());
    })
    .await;
}

// The SROI model

const TO: time::Date = date!(2026 - 12 - 31);

#[tokio::test]
async fn a_service_that_never_saved_an_sroi_model_gives_the_report_none() {
    on_each_database(|w| async move {
        assert_eq!(w.store.sroi_model(&w.pcn).await.unwrap(), None);
        assert_eq!(w.store.evaluation_input("PCN", std::slice::from_ref(&w.pcn), TO).await.unwrap().sroi, SroiSetting::NotEntered, "not Linkwork's illustrative one");
    })
    .await;
}

#[tokio::test]
async fn a_saved_sroi_model_reaches_its_services_report_only() {
    on_each_database(|w| async move {
        let model = SroiModel::illustrative();
        w.store.set_sroi_model(&w.who, &w.pcn, &serde_json::to_string(&model).unwrap()).await.unwrap();
        assert_eq!(w.store.evaluation_input("PCN", std::slice::from_ref(&w.pcn), TO).await.unwrap().sroi, SroiSetting::Saved(model));
        let several = [w.pcn.clone(), "another-service".to_owned()];
        assert_eq!(w.store.evaluation_input("ICB", &several, TO).await.unwrap().sroi, SroiSetting::SeveralServices);
    })
    .await;
}

#[tokio::test]
async fn a_saved_sroi_model_is_replaced_by_the_next() {
    on_each_database(|w| async move {
        w.store.set_sroi_model(&w.who, &w.pcn, "{\"a\":1}").await.unwrap();
        w.store.set_sroi_model(&w.who, &w.pcn, "{\"a\":2}").await.unwrap();
        assert_eq!(w.store.sroi_model(&w.pcn).await.unwrap().as_deref(), Some("{\"a\":2}"));
    })
    .await;
}
