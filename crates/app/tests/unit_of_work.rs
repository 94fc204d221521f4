//! A use case of several store steps is one unit of work: its check, its read (and the read's audit
//! event) and its change commit together or not at all. Run on SQLite and PostgreSQL.

use linkwork_app::forms::Fields;
use linkwork_app::plan;
use linkwork_domain::access::{Actor, OrgKind, Role};
use linkwork_domain::casework::need::NeedDomain;
use linkwork_domain::casework::referral::ReferralStatus;
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use std::time::Duration;
use time::macros::date;

/// An accepted referral of a PCN, with a link worker who may change it.
async fn accepted_referral(store: &dyn Store) -> Result<(Actor, AuditActor, linkwork_domain::ids::ReferralId)> {
    let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Test PCN".into(), ods_code: None, parent_id: None, list_size: None }).await?;
    let user = store.create_user(&NewUser { email: "lw@example.org".into(), display_name: "Lee Worker".into(), password_hash: "x".into(), role: Role::LinkWorker, org_id: pcn.clone() }).await?;
    let who = AuditActor { user_id: Some(user.clone()), token_id: None, org_id: Some(pcn.clone()) };
    let new = NewReferral { referred_on: date!(2026 - 03 - 01), ..linkwork_store::testing::referral(&pcn, "9434765919") };
    let referral = linkwork_domain::ids::ReferralId::from(store.create_referral(&who, &new).await?);
    store.change_referral(&who, &referral, ReferralStatus::Received, &ReferralChange::Accept { on: date!(2026 - 03 - 02), worker_id: Some(user) }).await?;
    Ok((Actor { org_id: pcn, role: Role::LinkWorker }, who, referral))
}

fn ticked(needs: &[NeedDomain]) -> Fields {
    Fields::from_pairs(needs.iter().map(|n| ("needs".to_owned(), n.code().to_owned())).collect())
}

/// The needs on the record (the referrer's and those agreed), read without an audit event.
async fn needs(store: &dyn Store, referral: &str) -> Vec<NeedDomain> {
    let mut needs = store.referral_needs(referral).await.unwrap();
    needs.sort();
    needs
}

#[tokio::test]
async fn changing_needs_is_one_unit_of_work_that_commits_or_rolls_back_whole() {
    let dir = std::env::temp_dir().join("linkwork-app-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let store = migrated(&url).await.unwrap();
        let (actor, who, referral) = accepted_referral(&*store).await.unwrap();
        let mut wanted = vec![NeedDomain::Loneliness, NeedDomain::PhysicalActivity];
        wanted.sort();

        // Run inside a caller's unit of work (its own `begin` shares it), which is then dropped: the
        // access check, the audited read and the change all go, none is left half done.
        let outer = store.begin().await.unwrap();
        tokio::time::timeout(Duration::from_secs(60), plan::change_needs(&*outer, &actor, &who, &referral, &ticked(&wanted)))
            .await
            .unwrap_or_else(|_| panic!("{backend}: change_needs waited for its own unit of work"))
            .unwrap_or_else(|e| panic!("{backend}: {e:?}"));
        assert_eq!(needs(&*outer, &referral).await, wanted, "{backend}: the work sees its change");
        drop(outer);
        assert_eq!(needs(&*store, &referral).await, [NeedDomain::Loneliness], "{backend}: the change was rolled back");
        assert_eq!(store.count_audit_events("needs.update").await.unwrap(), 0, "{backend}");
        assert_eq!(store.count_audit_events("referral.read").await.unwrap(), 0, "{backend}: the read's audit event went with it");

        // On its own, the use case commits its steps together.
        plan::change_needs(&*store, &actor, &who, &referral, &ticked(&wanted)).await.unwrap_or_else(|e| panic!("{backend}: {e:?}"));
        assert_eq!(needs(&*store, &referral).await, wanted, "{backend}");
        assert_eq!(store.count_audit_events("needs.update").await.unwrap(), 1, "{backend}");
        assert_eq!(store.count_audit_events("referral.read").await.unwrap(), 1, "{backend}");

        // Refused at its check (a person no longer on the caseload): nothing at all is written.
        store.change_referral(&who, &referral, ReferralStatus::Accepted, &ReferralChange::Discharge { on: date!(2026 - 06 - 05), reason: linkwork_domain::casework::referral::DischargeReason::GoalsMet, summary: None }).await.unwrap();
        assert!(plan::change_needs(&*store, &actor, &who, &referral, &ticked(&[NeedDomain::Loneliness])).await.is_err());
        assert_eq!(needs(&*store, &referral).await, wanted, "{backend}");
        assert_eq!(store.count_audit_events("referral.read").await.unwrap(), 1, "{backend}");
        eprintln!("{backend}: ok");
    }
}
