//! The caseload and the open referrals' measures are kept between reads while nothing changes
//! (`sql/read_cache.rs`): a kept list must never hide a change, whichever store handle made it,
//! and a unit of work sees its own changes. On SQLite and PostgreSQL.

use linkwork_domain::access::OrgKind;
use linkwork_domain::casework::contact::{ContactMode, Minutes};
use linkwork_store::testing::{fresh_database_urls, migrated, on_each_world, referral};
use linkwork_store::*;
use std::sync::Arc;
use time::macros::date;

struct World {
    store: Arc<dyn Store>,
    pcn: String,
    who: AuditActor,
}

async fn world(store: Arc<dyn Store>) -> World {
    let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Test PCN".into(), ods_code: Some("U00001".into()), parent_id: None, list_size: None }).await.unwrap();
    let who = AuditActor { user_id: None, token_id: None, org_id: Some(pcn.clone()) };
    World { store, pcn, who }
}

fn contact(on: time::Date) -> NewContact {
    NewContact { contact_on: on, mode: ContactMode::Phone, minutes: Minutes::new(20).unwrap(), accompanied: false, notes: None }
}

#[tokio::test]
async fn a_caseload_read_again_shows_a_contact_added_since() {
    on_each_world(world, |w| async move {
        let id = w.store.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        assert_eq!(w.store.caseload(&w.pcn, None, true).await.unwrap()[0].last_contact_on, None);
        w.store.add_contact(&w.who, &id, &contact(date!(2026 - 03 - 05))).await.unwrap();
        assert_eq!(w.store.caseload(&w.pcn, None, true).await.unwrap()[0].last_contact_on, Some(date!(2026 - 03 - 05)));
    })
    .await;
}

#[tokio::test]
async fn the_open_referrals_measures_read_again_show_a_contact_added_since() {
    on_each_world(world, |w| async move {
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
        let w = world(migrated(&url).await.unwrap()).await;
        let other_server = linkwork_store::connect(&url).await.unwrap();
        assert!(w.store.caseload(&w.pcn, None, true).await.unwrap().is_empty());
        other_server.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        assert_eq!(w.store.caseload(&w.pcn, None, true).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_unit_of_work_sees_the_referral_it_made_before_committing() {
    on_each_world(world, |w| async move {
        assert!(w.store.caseload(&w.pcn, None, true).await.unwrap().is_empty());
        let work = w.store.begin().await.unwrap();
        work.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        assert_eq!(work.caseload(&w.pcn, None, true).await.unwrap().len(), 1, "inside the unit of work");
        drop(work);
        assert!(w.store.caseload(&w.pcn, None, true).await.unwrap().is_empty(), "rolled back");
    })
    .await;
}
