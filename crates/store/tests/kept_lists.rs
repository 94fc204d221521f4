//! The caseload, the open referrals' measures and the lists of organisations are kept between
//! reads while nothing changes (`sql/read_cache.rs`): a kept list must never hide a change,
//! whichever store handle made it, and a unit of work sees its own changes. On SQLite and
//! PostgreSQL.

use linkwork_domain::access::OrgKind;
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_store::testing::{fresh_database_urls, migrated, on_each_world, pcn_world, referral};
use linkwork_store::*;
use time::macros::date;


fn contact(on: time::Date) -> NewContact {
    NewContact { contact_on: on, mode: ContactMode::Phone, minutes: Minutes::new(20).unwrap(), accompanied: false, notes: None }
}

#[tokio::test]
async fn a_caseload_read_again_shows_a_contact_added_since() {
    on_each_world(pcn_world, |w| async move {
        let id = w.store.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        assert_eq!(w.store.caseload(&w.pcn, None, true).await.unwrap()[0].last_contact_on, None);
        w.store.add_contact(&w.who, &id, &contact(date!(2026 - 03 - 05))).await.unwrap();
        assert_eq!(w.store.caseload(&w.pcn, None, true).await.unwrap()[0].last_contact_on, Some(date!(2026 - 03 - 05)));
    })
    .await;
}

#[tokio::test]
async fn the_open_referrals_measures_read_again_show_a_contact_added_since() {
    on_each_world(pcn_world, |w| async move {
        let id = w.store.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        assert_eq!(w.store.open_measure_facts(&w.pcn, None).await.unwrap()[0].dates.first_contact_on, None);
        w.store.add_contact(&w.who, &id, &contact(date!(2026 - 03 - 05))).await.unwrap();
        assert_eq!(w.store.open_measure_facts(&w.pcn, None).await.unwrap()[0].dates.first_contact_on, Some(date!(2026 - 03 - 05)));
    })
    .await;
}

#[tokio::test]
async fn a_caseload_kept_by_one_server_shows_a_referral_another_server_made() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        let w = pcn_world(migrated(&url).await.unwrap()).await;
        let other_server = linkwork_store::connect(&url).await.unwrap();
        assert!(w.store.caseload(&w.pcn, None, true).await.unwrap().is_empty());
        other_server.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        assert_eq!(w.store.caseload(&w.pcn, None, true).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_unit_of_work_sees_the_referral_it_made_before_committing() {
    on_each_world(pcn_world, |w| async move {
        assert!(w.store.caseload(&w.pcn, None, true).await.unwrap().is_empty());
        let work = w.store.begin().await.unwrap();
        work.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        assert_eq!(work.caseload(&w.pcn, None, true).await.unwrap().len(), 1, "inside the unit of work");
        drop(work);
        assert!(w.store.caseload(&w.pcn, None, true).await.unwrap().is_empty(), "rolled back");
    })
    .await;
}

#[tokio::test]
async fn a_practice_added_is_listed_at_once_among_an_icbs_practices() {
    on_each_world(pcn_world, |w| async move {
        let icb = w.store.create_org(&NewOrg { kind: OrgKind::Icb, name: "Test ICB".into(), ods_code: Some("QXX".into()), parent_id: None, list_size: None }).await.unwrap();
        let pcn = w.store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "North PCN".into(), ods_code: Some("U00002".into()), parent_id: Some(icb.clone()), list_size: None }).await.unwrap();
        assert!(w.store.grandchild_orgs(OrgKind::Practice, &icb).await.unwrap().is_empty());
        assert!(w.store.orgs(OrgKind::Practice, Some(&pcn)).await.unwrap().is_empty());
        w.store.create_org(&NewOrg { kind: OrgKind::Practice, name: "Hill Surgery".into(), ods_code: Some("B00001".into()), parent_id: Some(pcn.clone()), list_size: Some(9000) }).await.unwrap();
        assert_eq!(w.store.grandchild_orgs(OrgKind::Practice, &icb).await.unwrap().len(), 1);
        assert_eq!(w.store.orgs(OrgKind::Practice, Some(&pcn)).await.unwrap().len(), 1);
    })
    .await;
}
