//! The comparison population (`ComparisonStore`), each test on SQLite and PostgreSQL: a round trip
//! (people with their contacts grouped and dated, the practice shared), importing again adds
//! nothing, a person who moves practice is read once, the IMD quintile comes from the stored
//! LSOA, one service never sees another's people,
//! and the write is one transaction with one audit event.

use linkwork_domain::access::OrgKind;
use linkwork_domain::evaluation::equity::{AgeBand, ImdDecile, LsoaDeprivation};
use linkwork_domain::evaluation::health_system::{Contact, ContactType};
use linkwork_domain::person::Sex;
use linkwork_store::testing;
use linkwork_store::*;
use std::sync::Arc;
use time::macros::date;

/// Two services, each with a practice.
struct World {
    store: Arc<dyn Store>,
    pcn: String,
    practice: String,
    other: String,
    other_practice: String,
    who: AuditActor,
}

async fn world(store: Arc<dyn Store>) -> World {
    let org = |kind, name: &str, ods: &str, parent: Option<&String>| NewOrg { kind, name: name.into(), ods_code: Some(ods.into()), parent_id: parent.cloned(), list_size: None };
    let pcn = store.create_org(&org(OrgKind::Pcn, "Comparison PCN", "U00091", None)).await.unwrap();
    let practice = store.create_org(&org(OrgKind::Practice, "Comparison Surgery", "Y00091", Some(&pcn))).await.unwrap();
    let other = store.create_org(&org(OrgKind::Pcn, "Other PCN", "U00092", None)).await.unwrap();
    let other_practice = store.create_org(&org(OrgKind::Practice, "Other Surgery", "Y00092", Some(&other))).await.unwrap();
    let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };
    World { store, pcn, practice, other, other_practice, who }
}

async fn on_each_database<F: Fn(World) -> Fut, Fut: std::future::Future<Output = ()>>(test: F) {
    testing::on_each_world(world, test).await;
}

fn person(key: &str, practice: &str, lsoa: Option<&str>) -> NewComparisonPerson {
    NewComparisonPerson { person_key: key.into(), practice_id: practice.into(), age: AgeBand::A45to54, sex: Sex::Female, lsoa: lsoa.map(str::to_owned) }
}

fn contact(key: &str, on: time::Date, t: ContactType, occurrence: u32) -> NewComparisonContact {
    NewComparisonContact { person_key: key.into(), contact_on: on, contact_type: t, bed_days: None, occurrence }
}

/// "k-b" at the GP twice on one day and by phone earlier; "k-a" admitted for 3 days; "k-c" never seen.
fn extract(w: &World) -> (Vec<NewComparisonPerson>, Vec<NewComparisonContact>) {
    let mut admission = contact("k-a", date!(2025 - 11 - 20), ContactType::NonElectiveAdmission, 1);
    admission.bed_days = Some(3);
    let people = vec![person("k-b", &w.practice, Some("E01000001")), person("k-a", &w.practice, None), NewComparisonPerson { age: AgeBand::A85Plus, sex: Sex::Male, ..person("k-c", &w.practice, Some("E01000009")) }];
    let contacts = vec![
        contact("k-b", date!(2026 - 02 - 03), ContactType::GpSurgery, 1),
        contact("k-b", date!(2026 - 02 - 03), ContactType::GpSurgery, 2),
        contact("k-b", date!(2025 - 10 - 01), ContactType::GpPhone, 1),
        admission,
    ];
    (people, contacts)
}

#[tokio::test]
async fn people_and_their_contacts_come_back_grouped_and_dated() {
    on_each_database(|w| async move {
        let (people, contacts) = extract(&w);
        let write = w.store.add_comparison_population(&w.who, &w.pcn, &people, &contacts).await.unwrap();
        assert_eq!(write, ComparisonWrite { people_added: 3, people_updated: 0, contacts_added: 4, contacts_already_recorded: 0 });
        let got = w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap();
        assert_eq!(got.people.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["k-a", "k-b", "k-c"], "in key order");
        let (a, b, c) = (&got.people[0], &got.people[1], &got.people[2]);
        assert_eq!(a.contacts, [Contact { on: date!(2025 - 11 - 20), contact_type: ContactType::NonElectiveAdmission, bed_days: Some(3) }]);
        assert_eq!(b.contacts.iter().map(|c| (c.on, c.contact_type)).collect::<Vec<_>>(), [(date!(2025 - 10 - 01), ContactType::GpPhone), (date!(2026 - 02 - 03), ContactType::GpSurgery), (date!(2026 - 02 - 03), ContactType::GpSurgery)]);
        assert!(c.contacts.is_empty(), "a person without contacts is still in the population");
        assert_eq!((c.age, c.sex), (AgeBand::A85Plus, Sex::Male));
        assert_eq!(&*a.practice_id, w.practice.as_str());
        assert!(Arc::ptr_eq(&a.practice_id, &b.practice_id), "one practice id shared by its people");
        assert_eq!(got.contact_range, Some((date!(2025 - 10 - 01), date!(2026 - 02 - 03))));
        assert_eq!(w.store.count_audit_events("comparison_population.import").await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn importing_again_adds_nothing_and_updates_the_people() {
    on_each_database(|w| async move {
        let (mut people, contacts) = extract(&w);
        w.store.add_comparison_population(&w.who, &w.pcn, &people, &contacts).await.unwrap();
        let before = w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap();
        let again = w.store.add_comparison_population(&w.who, &w.pcn, &people, &contacts).await.unwrap();
        assert_eq!(again, ComparisonWrite { people_added: 0, people_updated: 3, contacts_added: 0, contacts_already_recorded: 4 });
        assert_eq!(w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap(), before);

        // A newer extract: one person a band older, one new contact, one new person.
        people[1].age = AgeBand::A55to64;
        people.push(person("k-d", &w.practice, None));
        let newer = [contacts[0].clone(), contact("k-d", date!(2026 - 03 - 01), ContactType::PracticeNurse, 1)];
        let write = w.store.add_comparison_population(&w.who, &w.pcn, &people, &newer).await.unwrap();
        assert_eq!(write, ComparisonWrite { people_added: 1, people_updated: 3, contacts_added: 1, contacts_already_recorded: 1 });
        let after = w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap();
        assert_eq!(after.people.len(), 4);
        assert_eq!(after.people[0].age, AgeBand::A55to64);
        assert_eq!(after.people.iter().map(|p| p.contacts.len()).sum::<usize>(), 5);
        assert_eq!(after.contact_range, Some((date!(2025 - 10 - 01), date!(2026 - 03 - 01))));
    })
    .await;
}

/// The gathered facts hold a practice's people in one row; a person re-imported at another
/// practice must leave the first practice's row, not be read twice.
#[tokio::test]
async fn a_person_who_moves_practice_is_read_once_at_the_new_one() {
    on_each_database(|w| async move {
        let (mut people, contacts) = extract(&w);
        w.store.add_comparison_population(&w.who, &w.pcn, &people, &contacts).await.unwrap();
        w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap();
        let second = w.store.create_org(&NewOrg { kind: OrgKind::Practice, name: "Second Surgery".into(), ods_code: Some("Y00093".into()), parent_id: Some(w.pcn.clone()), list_size: None }).await.unwrap();
        people[1].practice_id = second.clone();
        w.store.add_comparison_population(&w.who, &w.pcn, &people[1..2], &[]).await.unwrap();
        let got = w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap();
        assert_eq!(got.people.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["k-a", "k-b", "k-c"], "each person once");
        assert_eq!(&*got.people[0].practice_id, second.as_str());
        assert_eq!(got.people[0].contacts.len(), 1, "with their contacts");
        assert_eq!(&*got.people[1].practice_id, w.practice.as_str());
    })
    .await;
}

#[tokio::test]
async fn the_imd_quintile_comes_from_the_stored_lsoa() {
    on_each_database(|w| async move {
        let (people, contacts) = extract(&w);
        w.store.add_comparison_population(&w.who, &w.pcn, &people, &contacts).await.unwrap();
        let quintiles = |p: &ComparisonPopulation| p.people.iter().map(|p| p.imd.map(|q| q.get())).collect::<Vec<_>>();
        assert_eq!(quintiles(&w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap()), [None, None, None], "no IMD lookup loaded yet");
        // Deciles 3 and 10 are quintiles 2 and 5; an LSOA the lookup lacks stays unknown.
        let imd = |lsoa: &str, d| LsoaDeprivation { lsoa: lsoa.into(), name: lsoa.into(), score: None, rank: None, decile: ImdDecile::new(d).unwrap() };
        w.store.upsert_lsoa_deprivation(&[imd("E01000001", 3), imd("E01000002", 10)]).await.unwrap();
        assert_eq!(quintiles(&w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap()), [None, Some(2), None]);
        w.store.upsert_lsoa_deprivation(&[imd("E01000009", 10)]).await.unwrap();
        assert_eq!(quintiles(&w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap()), [None, Some(2), Some(5)]);
    })
    .await;
}

#[tokio::test]
async fn each_service_sees_only_its_own_population() {
    on_each_database(|w| async move {
        let (people, contacts) = extract(&w);
        w.store.add_comparison_population(&w.who, &w.pcn, &people, &contacts).await.unwrap();
        // The other service's extract happens to use a key this one uses too: a different person.
        let theirs = [person("k-a", &w.other_practice, None), person("k-z", &w.other_practice, None)];
        let their_contacts = [contact("k-a", date!(2026 - 01 - 10), ContactType::GpSurgery, 1)];
        let write = w.store.add_comparison_population(&w.who, &w.other, &theirs, &their_contacts).await.unwrap();
        assert_eq!((write.people_added, write.contacts_added), (2, 1), "another service's key is another person");

        let mine = w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap();
        assert_eq!(mine.people.len(), 3);
        assert_eq!(mine.people[0].contacts.len(), 1, "k-a's admission only");
        let other = w.store.comparison_population(std::slice::from_ref(&w.other)).await.unwrap();
        assert_eq!(other.people.iter().map(|p| (p.key.as_str(), &*p.practice_id)).collect::<Vec<_>>(), [("k-a", w.other_practice.as_str()), ("k-z", w.other_practice.as_str())]);
        assert_eq!(other.contact_range, Some((date!(2026 - 01 - 10), date!(2026 - 01 - 10))));
        assert_eq!(w.store.comparison_population(&[w.pcn.clone(), w.other.clone()]).await.unwrap().people.len(), 5, "a scope of both holds both");
        assert_eq!(w.store.comparison_population(&[]).await.unwrap(), ComparisonPopulation::default());
    })
    .await;
}

#[tokio::test]
async fn a_contact_of_nobody_or_a_person_of_another_practice_writes_nothing() {
    on_each_database(|w| async move {
        let (people, mut contacts) = extract(&w);
        contacts.push(contact("k-unknown", date!(2026 - 01 - 10), ContactType::GpSurgery, 1));
        assert!(w.store.add_comparison_population(&w.who, &w.pcn, &people, &contacts).await.is_err());
        assert!(w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap().people.is_empty(), "one transaction: nothing written");
        assert_eq!(w.store.count_audit_events("comparison_population.import").await.unwrap(), 0);
        // Nor a person registered at another service's practice.
        let (mut people, contacts) = extract(&w);
        people[2].practice_id = w.other_practice.clone();
        assert!(matches!(w.store.add_comparison_population(&w.who, &w.pcn, &people, &contacts).await, Err(StoreError::Rejected(_))));
        assert!(w.store.comparison_population(std::slice::from_ref(&w.pcn)).await.unwrap().people.is_empty());
    })
    .await;
}
