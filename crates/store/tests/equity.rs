//! Equity reference data, each test on SQLite and PostgreSQL: NSPL and IMD upserts are idempotent, a
//! postcode finds its decile, list profiles replace by practice and dimension, and the
//! evaluation's input carries each referred person's groups.

use linkwork_domain::access::OrgKind;
use linkwork_domain::evaluation::equity::*;
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::person::{DateOfBirth, Ethnicity, PersonDetails, Sex};
use linkwork_domain::Postcode;
use linkwork_store::testing;
use linkwork_store::*;
use std::sync::Arc;
use time::macros::date;

fn referral(pcn: &str, practice_id: &str, nhs: &str, postcode: &str, born: time::Date, ethnicity: Ethnicity) -> NewReferral {
    let person = testing::person(nhs, "Equity");
    NewReferral {
        person: PersonDetails { postcode: Postcode::parse(postcode).unwrap(), date_of_birth: DateOfBirth::new(born, date!(2026 - 12 - 01)).unwrap(), ethnicity, ..person },
        practice_id: Some(practice_id.to_owned()),
        ..testing::referral(pcn, nhs)
    }
}

fn lookup(postcode: &str, lsoa: &str) -> PostcodeLsoa {
    PostcodeLsoa { postcode: Postcode::parse(postcode).unwrap(), lsoa: lsoa.into(), terminated: None }
}

fn imd(lsoa: &str, decile: i64) -> LsoaDeprivation {
    LsoaDeprivation { lsoa: lsoa.into(), name: format!("{lsoa} name"), score: Some(40.5), rank: Some(100), decile: ImdDecile::new(decile).unwrap() }
}

/// A service ("Equity PCN") with one practice.
struct World {
    store: Arc<dyn Store>,
    pcn: String,
    practice: String,
    who: AuditActor,
}

async fn world(store: Arc<dyn Store>) -> World {
    let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Equity PCN".into(), ods_code: Some("U00010".into()), parent_id: None, list_size: None }).await.unwrap();
    let practice = store.create_org(&NewOrg { kind: OrgKind::Practice, name: "Equity Surgery".into(), ods_code: Some("X00010".into()), parent_id: Some(pcn.clone()), list_size: Some(1000) }).await.unwrap();
    let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };
    World { store, pcn, practice, who }
}

async fn on_each_database<F: Fn(World) -> Fut, Fut: std::future::Future<Output = ()>>(test: F) {
    testing::on_each_world(world, test).await;
}

fn postcode(text: &str) -> Postcode {
    Postcode::parse(text).unwrap()
}

async fn evaluation_input(w: &World) -> linkwork_domain::evaluation::EvaluationInput {
    w.store.evaluation_input("Equity PCN", std::slice::from_ref(&w.pcn), date!(2027 - 03 - 31)).await.unwrap()
}

async fn user(w: &World, email: &str, role: linkwork_domain::access::Role) -> String {
    w.store.create_user(&NewUser { email: email.into(), display_name: email.into(), password_hash: "x".into(), role, org_id: w.pcn.clone() }).await.unwrap()
}

// Reference data

#[tokio::test]
async fn a_postcode_given_twice_in_a_batch_keeps_the_last() {
    on_each_database(|w| async move {
        assert_eq!(w.store.upsert_postcode_lsoas(&[lookup("RV1 2AB", "E01000001"), lookup("RV1 2AD", "E01000002"), lookup("RV1 2AD", "E01000003")]).await.unwrap(), 2);
        w.store.upsert_lsoa_deprivation(&[imd("E01000003", 9)]).await.unwrap();
        assert_eq!(w.store.imd_decile(&postcode("RV1 2AD")).await.unwrap(), ImdDecile::new(9));
    })
    .await;
}

#[tokio::test]
async fn a_postcode_finds_its_imd_decile_through_its_lsoa_in_any_spacing() {
    on_each_database(|w| async move {
        w.store.upsert_postcode_lsoas(&[lookup("RV1 2AB", "E01000001")]).await.unwrap();
        assert_eq!(w.store.upsert_lsoa_deprivation(&[imd("E01000001", 2), imd("E01000003", 9)]).await.unwrap(), 2);
        assert_eq!(w.store.imd_decile(&postcode("rv12ab")).await.unwrap(), ImdDecile::new(2));
        assert_eq!(w.store.imd_decile(&postcode("RV9 9ZZ")).await.unwrap(), None, "an unknown postcode has none");
    })
    .await;
}

#[tokio::test]
async fn importing_reference_data_again_updates_and_never_duplicates() {
    on_each_database(|w| async move {
        w.store.upsert_postcode_lsoas(&[lookup("RV1 2AB", "E01000001")]).await.unwrap();
        w.store.upsert_lsoa_deprivation(&[imd("E01000001", 2), imd("E01000003", 9)]).await.unwrap();
        w.store.upsert_postcode_lsoas(&[lookup("RV1 2AB", "E01000003")]).await.unwrap();
        w.store.upsert_lsoa_deprivation(&[imd("E01000003", 10)]).await.unwrap();
        assert_eq!(w.store.imd_decile(&postcode("RV1 2AB")).await.unwrap(), ImdDecile::new(10));
        let mut deciles = w.store.lsoa_deciles().await.unwrap();
        deciles.sort();
        assert_eq!(deciles, vec![("E01000001".to_owned(), ImdDecile::new(2).unwrap()), ("E01000003".to_owned(), ImdDecile::new(10).unwrap())]);
    })
    .await;
}

#[tokio::test]
async fn a_list_profile_import_replaces_its_dimension_and_keeps_the_others() {
    on_each_database(|w| async move {
        let count = |group, people| ListCount { practice_id: w.practice.clone(), group, people };
        w.store.set_list_profile(&[count(Group::Sex(Sex::Male), 480), count(Group::Sex(Sex::Female), 520), count(Group::Imd(ImdDecile::new(1).unwrap().quintile()), 300)]).await.unwrap();
        w.store.set_list_profile(&[count(Group::Imd(ImdDecile::new(10).unwrap().quintile()), 1000)]).await.unwrap();
        let profile = w.store.list_profile(&w.practice).await.unwrap();
        assert_eq!(profile.iter().map(|c| (c.group.code(), c.people)).collect::<Vec<_>>(), vec![("q5".to_owned(), 1000), ("1".to_owned(), 480), ("2".to_owned(), 520)]);
        assert_eq!(evaluation_input(&w).await.equity.list.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn the_evaluation_input_carries_each_referred_persons_age_ethnic_group_and_imd() {
    on_each_database(|w| async move {
        w.store.upsert_postcode_lsoas(&[lookup("RV1 2AB", "E01000003")]).await.unwrap();
        w.store.upsert_lsoa_deprivation(&[imd("E01000003", 10)]).await.unwrap();
        w.store
            .create_referrals(
                &w.who,
                &[
                    referral(&w.pcn, &w.practice, "9990000980", "RV1 2AB", date!(1992 - 06 - 02), Ethnicity::AsianBangladeshi),
                    referral(&w.pcn, &w.practice, "9990001960", "RV9 9ZZ", date!(1941 - 01 - 01), Ethnicity::NotKnown),
                ],
            )
            .await
            .unwrap();
        let input = evaluation_input(&w).await;
        let mut groups: Vec<(AgeBand, EthnicGroup, Option<u8>)> = input.equity.referrals.iter().map(|g| (g.age, g.ethnicity, g.imd.map(|q| q.get()))).collect();
        groups.sort();
        assert_eq!(groups, vec![(AgeBand::A25to34, EthnicGroup::Asian, Some(5)), (AgeBand::A85Plus, EthnicGroup::NotStated, None)]);
        // What works: each referral's needs once each, no contacts or onward referrals yet.
        assert_eq!(input.what_works.needs.len(), 2);
        assert!(input.what_works.needs.iter().all(|(_, n)| *n == NeedDomain::Loneliness));
        assert!(input.what_works.onward.is_empty() && input.what_works.contacts.is_empty());
    })
    .await;
}

// Workforce

#[tokio::test]
async fn a_wte_is_set_only_for_the_services_own_link_workers_and_audited() {
    on_each_database(|w| async move {
        use linkwork_domain::access::Role;
        let worker = user(&w, "lw@equity.test", Role::LinkWorker).await;
        let manager = user(&w, "m@equity.test", Role::Manager).await;
        w.store.set_worker_wte(&w.who, &w.pcn, &worker, Some(0.6)).await.unwrap();
        assert!(matches!(w.store.set_worker_wte(&w.who, &w.pcn, &manager, Some(1.0)).await, Err(StoreError::NotFound)), "not a link worker");
        assert!(matches!(w.store.set_worker_wte(&w.who, "other-pcn", &worker, Some(1.0)).await, Err(StoreError::NotFound)), "another service");
        assert_eq!(w.store.worker_wtes(&w.pcn).await.unwrap(), vec![(worker, Some(0.6))]);
        assert_eq!(w.store.count_audit_events("user.wte").await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_years_referral_target_replaces_the_last_one_for_that_year() {
    on_each_database(|w| async move {
        use linkwork_domain::evaluation::workforce::YearTarget;
        w.store.set_referral_target(&w.pcn, &YearTarget::new(2026, 0.5, 0.9).unwrap()).await.unwrap();
        w.store.set_referral_target(&w.pcn, &YearTarget::new(2026, 1.0, 1.5).unwrap()).await.unwrap();
        assert_eq!(w.store.referral_targets(&w.pcn).await.unwrap(), vec![YearTarget::new(2026, 1.0, 1.5).unwrap()]);
    })
    .await;
}

#[tokio::test]
async fn the_evaluation_input_carries_the_workforce() {
    on_each_database(|w| async move {
        use linkwork_domain::evaluation::workforce::YearTarget;
        let worker = user(&w, "lw@equity.test", linkwork_domain::access::Role::LinkWorker).await;
        w.store.set_worker_wte(&w.who, &w.pcn, &worker, Some(0.6)).await.unwrap();
        let target = YearTarget::new(2026, 1.0, 1.5).unwrap();
        w.store.set_referral_target(&w.pcn, &target).await.unwrap();
        let input = evaluation_input(&w).await;
        assert_eq!((input.workforce.services, input.workforce.workers.len(), input.workforce.workers[0].wte), (1, 1, Some(0.6)));
        assert_eq!(input.workforce.targets, vec![target]);
        assert!(input.workforce.cases.is_empty(), "no referral has been accepted");
    })
    .await;
}
