//! The data version (`EvaluationStore::data_version`), which caches of figures are keyed by: a
//! committed change sets a new one; reading a record, signing in wrong and a change rolled back
//! leave it as it was. On SQLite and PostgreSQL.

use linkwork_store::testing::{on_each_world, pcn_world, referral};
use linkwork_store::*;

#[tokio::test]
async fn a_new_referral_sets_a_new_data_version() {
    on_each_world(pcn_world, |w| async move {
        let before = w.store.data_version().await.unwrap();
        w.store.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        assert_ne!(w.store.data_version().await.unwrap(), before);
    })
    .await;
}

#[tokio::test]
async fn opening_a_record_keeps_the_data_version() {
    on_each_world(pcn_world, |w| async move {
        let id = w.store.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        let before = w.store.data_version().await.unwrap();
        assert!(w.store.referral_record(&w.who, &id).await.unwrap().is_some());
        let read = ReadAudit { action: "caseload.read".into(), entity: "list".into(), entity_id: w.pcn.clone(), people: vec![] };
        w.store.record_read(&w.who, &read).await.unwrap();
        assert_eq!(w.store.data_version().await.unwrap(), before, "reads are audited, but change no figure");
    })
    .await;
}

#[tokio::test]
async fn a_failed_sign_in_keeps_the_data_version() {
    on_each_world(pcn_world, |w| async move {
        let before = w.store.data_version().await.unwrap();
        let now = time::OffsetDateTime::now_utc();
        w.store.record_login_failure("someone@example.org", "127.0.0.1", now, now - time::Duration::hours(1)).await.unwrap();
        assert_eq!(w.store.data_version().await.unwrap(), before);
    })
    .await;
}

#[tokio::test]
async fn a_change_rolled_back_keeps_the_data_version() {
    on_each_world(pcn_world, |w| async move {
        let before = w.store.data_version().await.unwrap();
        let work = w.store.begin().await.unwrap();
        work.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        drop(work);
        assert_eq!(w.store.data_version().await.unwrap(), before);
    })
    .await;
}

#[tokio::test]
async fn a_unit_of_work_sets_a_new_data_version_when_it_commits() {
    on_each_world(pcn_world, |w| async move {
        let before = w.store.data_version().await.unwrap();
        let work = w.store.begin().await.unwrap();
        work.create_referral(&w.who, &referral(&w.pcn, "9434765919")).await.unwrap();
        assert_eq!(w.store.data_version().await.unwrap(), before, "not before it commits");
        work.commit().await.unwrap();
        assert_ne!(w.store.data_version().await.unwrap(), before);
    })
    .await;
}
