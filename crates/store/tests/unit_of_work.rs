//! Units of work (`UnitOfWork::begin`): the steps of one use case share one transaction, on
//! SQLite and PostgreSQL. Each test runs under a timeout, so a store method that waits for the
//! transaction its own caller holds fails the test instead of hanging it.

use crate::support;

use linkwork_domain::access::OrgKind;
use linkwork_domain::casework::referral::ReferralStatus;
use linkwork_store::testing::migrated;
use linkwork_store::*;
use std::time::Duration;
use support::on_each_database;
use time::macros::date;

/// Fails (rather than hangs) when a step waits for a transaction its own unit of work holds.
async fn in_time<T>(what: &str, step: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::time::timeout(Duration::from_secs(60), step).await.unwrap_or_else(|_| panic!("{what} did not finish: a store method waited for its own unit of work"))
}

use linkwork_store::testing::referral;

fn org(kind: OrgKind, name: &str, ods: Option<&str>) -> NewOrg {
    NewOrg { kind, name: name.into(), ods_code: ods.map(Into::into), parent_id: None, list_size: None }
}

/// A migrated store with one PCN, and who acts for it.
async fn setup(url: &str) -> Result<(std::sync::Arc<dyn Store>, String, AuditActor)> {
    let store = migrated(url).await?;
    let pcn = store.create_org(&org(OrgKind::Pcn, "Test PCN", Some("U00001"))).await?;
    let who = AuditActor { user_id: None, token_id: None, org_id: Some(pcn.clone()) };
    Ok((store, pcn, who))
}

#[tokio::test]
async fn two_writes_in_one_work_are_both_visible_after_commit() {
    on_each_database(|url| async move {
        let (store, pcn, who) = setup(&url).await?;
        let work = store.begin().await?;
        let vcse = in_time("create_org", work.create_org(&org(OrgKind::Vcse, "Walk Club", None))).await?;
        let id = in_time("create_referral", work.create_referral(&who, &referral(&pcn, "9434765919"))).await?;
        in_time("commit", work.commit()).await?;
        assert!(store.org(&vcse).await?.is_some());
        assert_eq!(store.referral_header(&id).await?.unwrap().status, ReferralStatus::Received);
        assert_eq!(store.count_audit_events("referral.create").await?, 1);
        assert!(store.verify_audit_chain(None, &|_| {}).await?.broken.is_none());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_dropped_work_leaves_nothing_not_even_its_audit_events() {
    on_each_database(|url| async move {
        let (store, pcn, who) = setup(&url).await?;
        let work = store.begin().await?;
        let vcse = in_time("create_org", work.create_org(&org(OrgKind::Vcse, "Walk Club", None))).await?;
        let id = in_time("create_referral", work.create_referral(&who, &referral(&pcn, "9434765919"))).await?;
        drop(work);
        assert!(store.org(&vcse).await?.is_none());
        assert!(store.referral_header(&id).await?.is_none());
        assert_eq!(store.count_audit_events("referral.create").await?, 0);
        // The chain's head went back with the events: the next event chains on as if none had been.
        store.create_referral(&who, &referral(&pcn, "9434765919")).await?;
        assert!(store.verify_audit_chain(None, &|_| {}).await?.broken.is_none());
        Ok(())
    })
    .await;
}

/// A use case of two steps: creates a referral, then accepts `accept` (which may not exist).
async fn create_then_accept(store: &dyn Store, who: &AuditActor, new: &NewReferral, accept: Option<&str>) -> Result<String> {
    let work = store.begin().await?;
    let id = work.create_referral(who, new).await?;
    let change = ReferralChange::Accept { on: date!(2026 - 03 - 02), worker_id: None };
    work.change_referral(who, accept.unwrap_or(&id), ReferralStatus::Received, &change).await?;
    work.commit().await?;
    Ok(id)
}

#[tokio::test]
async fn a_failure_in_the_second_step_rolls_back_the_first() {
    on_each_database(|url| async move {
        let (store, pcn, who) = setup(&url).await?;
        let failed = in_time("use case", create_then_accept(&*store, &who, &referral(&pcn, "9434765919"), Some("no-such-referral"))).await;
        assert!(failed.is_err(), "accepting a referral that does not exist fails");
        assert_eq!(store.count_audit_events("referral.create").await?, 0, "the first step was rolled back");
        assert!(store.caseload(&pcn, None, true).await?.is_empty());
        let id = in_time("use case", create_then_accept(&*store, &who, &referral(&pcn, "9434765919"), None)).await?;
        assert_eq!(store.referral_header(&id).await?.unwrap().status, ReferralStatus::Accepted);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn reads_inside_a_work_see_its_own_uncommitted_writes() {
    on_each_database(|url| async move {
        let (store, pcn, who) = setup(&url).await?;
        let work = store.begin().await?;
        let id = in_time("create_referral", work.create_referral(&who, &referral(&pcn, "9434765919"))).await?;
        assert!(in_time("referral_header", work.referral_header(&id)).await?.is_some(), "the work sees its own write");
        assert!(in_time("referral_record", work.referral_record(&who, &id)).await?.is_some());
        assert!(store.referral_header(&id).await?.is_none(), "others do not, until it commits");
        in_time("commit", work.commit()).await?;
        assert!(store.referral_header(&id).await?.is_some());
        assert_eq!(store.count_audit_events("referral.read").await?, 1, "the read inside the work was audited in it");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn nested_begin_shares_the_transaction() {
    on_each_database(|url| async move {
        let (store, _, _) = setup(&url).await?;
        let outer = store.begin().await?;
        let inner = outer.begin().await?;
        let vcse = in_time("create_org", inner.create_org(&org(OrgKind::Vcse, "Walk Club", None))).await?;
        in_time("nested commit", inner.commit()).await?;
        assert!(store.org(&vcse).await?.is_none(), "a nested commit commits nothing");
        assert!(in_time("org", outer.org(&vcse)).await?.is_some(), "the outer work sees the nested one's write");
        drop(outer);
        assert!(store.org(&vcse).await?.is_none(), "dropping the outer work rolls back the nested one's write too");

        let outer = store.begin().await?;
        let inner = outer.begin().await?;
        let vcse = in_time("create_org", inner.create_org(&org(OrgKind::Vcse, "Walk Club", None))).await?;
        in_time("nested commit", inner.commit()).await?;
        in_time("commit", outer.commit()).await?;
        assert!(store.org(&vcse).await?.is_some());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_failed_step_is_undone_alone_and_the_work_goes_on() {
    on_each_database(|url| async move {
        let (store, _, _) = setup(&url).await?;
        let work = store.begin().await?;
        let walk = in_time("create_org", work.create_org(&org(OrgKind::Vcse, "Walk Club", Some("V1")))).await?;
        // A unique value taken fails that step only (on PostgreSQL, without poisoning the transaction).
        let dup = in_time("create_org", work.create_org(&org(OrgKind::Vcse, "Other", Some("V1")))).await;
        assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
        let art = in_time("create_org", work.create_org(&org(OrgKind::Vcse, "Art Club", Some("V2")))).await?;
        in_time("commit", work.commit()).await?;
        assert!(store.org(&walk).await?.is_some());
        assert!(store.org(&art).await?.is_some());
        assert!(store.find_org("Other").await?.is_none());
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn maintenance_is_refused_inside_a_work_and_a_committed_work_is_closed() {
    on_each_database(|url| async move {
        let (store, _, _) = setup(&url).await?;
        let work = store.begin().await?;
        assert!(matches!(in_time("migrate", work.migrate()).await, Err(StoreError::UnitOfWork(_))));
        struct Empty;
        impl BundleSource for Empty {
            fn next_batch(&mut self) -> std::result::Result<Option<BundleBatch>, String> {
                Ok(None)
            }
        }
        assert!(matches!(in_time("import_bundle", work.import_bundle(&mut Empty)).await, Err(StoreError::UnitOfWork(_))));
        let nested = work.begin().await?;
        in_time("commit", work.commit()).await?;
        assert!(matches!(in_time("after commit", nested.org("x")).await, Err(StoreError::UnitOfWork(_))), "a handle on a committed work refuses");
        Ok(())
    })
    .await;
}
