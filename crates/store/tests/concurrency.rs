//! Concurrent writes at the storage layer, on SQLite and PostgreSQL: transactions that lock the same
//! rows in different orders (two imports of the same people) must not fail with a deadlock; the
//! database's transient conflicts are avoided, not reported as errors; a save of several rows
//! is all or nothing.

use linkwork_domain::access::OrgKind;
use linkwork_domain::NhsNumber;
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use time::macros::date;

fn nhs_number(n: u32) -> String {
    (0..).map(|k| (943_476_500 + n * 100 + k).to_string()).find_map(|base| NhsNumber::check_digit(&base).map(|check| format!("{base}{check}"))).unwrap()
}

fn referral(pcn: &str, practice_id: &str, nhs: &str) -> NewReferral {
    NewReferral { practice_id: Some(practice_id.to_owned()), referred_on: date!(2026 - 11 - 02), ..linkwork_store::testing::referral(pcn, nhs) }
}

/// Eight imports at once of the same twenty people, each in its own order: every import is
/// written whole, and each person is stored once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_imports_of_the_same_people_in_different_orders_all_succeed() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let store = migrated(&url).await.unwrap();
        let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Race PCN".into(), ods_code: Some("U00019".into()), parent_id: None, list_size: None }).await.unwrap();
        let practice = store
            .create_org(&NewOrg { kind: OrgKind::Practice, name: "Race Surgery".into(), ods_code: Some("X00019".into()), parent_id: Some(pcn.clone()), list_size: None })
            .await
            .unwrap();
        let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };
        let people: Vec<String> = (0..20).map(nhs_number).collect();
        let imports: Vec<_> = (0..8usize)
            .map(|i| {
                // Forwards, backwards, and rotated: the orders in which rows get locked differ.
                let mut order: Vec<&String> = people.iter().collect();
                if i % 2 == 1 {
                    order.reverse();
                }
                order.rotate_left(i * 3 % people.len());
                let batch: Vec<NewReferral> = order.into_iter().map(|nhs| referral(&pcn, &practice, nhs)).collect();
                let (store, who) = (store.clone(), who.clone());
                tokio::spawn(async move { store.create_referrals(&who, &batch).await })
            })
            .collect();
        let mut failures = Vec::new();
        for import in imports {
            if let Err(e) = import.await.unwrap() {
                failures.push(e.to_string());
            }
        }
        assert!(failures.is_empty(), "{backend}: {} of 8 imports failed: {failures:?}", failures.len());
        let caseload = store.caseload(&pcn, None, false).await.unwrap();
        assert_eq!(caseload.len(), 8 * 20, "{backend}: every referral of every import");
        let persons: std::collections::HashSet<_> = caseload.iter().map(|e| e.person_id.clone()).collect();
        assert_eq!(persons.len(), 20, "{backend}: one person per NHS number");
        eprintln!("{backend}: 8 concurrent imports of the same 20 people: 0 failures");
    }
}

/// The workforce page saves every link worker's WTE and the year's target together: when one
/// save cannot be made (the account is no longer a link worker of the service, as when it changed
/// while the page was open), nothing is saved, rather than the first half of the page.
#[tokio::test]
async fn workforce_settings_are_saved_all_or_nothing() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        let store = migrated(&url).await.unwrap();
        let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Team PCN".into(), ods_code: Some("U00029".into()), parent_id: None, list_size: None }).await.unwrap();
        let user = |email: &str, role| NewUser { email: email.into(), display_name: email.into(), password_hash: "x".into(), role, org_id: pcn.clone() };
        let worker = store.create_user(&user("lw@team.test", linkwork_domain::access::Role::LinkWorker)).await.unwrap();
        let manager = store.create_user(&user("m@team.test", linkwork_domain::access::Role::Manager)).await.unwrap();
        let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };
        let target = linkwork_domain::evaluation::workforce::YearTarget::new(2026, 1.0, 1.5).unwrap();

        let failed = store.save_workforce(&who, &pcn, &[(worker.clone(), Some(0.6)), (manager, Some(1.0))], Some(&target)).await;
        assert!(matches!(failed, Err(StoreError::NotFound)), "{backend}: {failed:?}");
        assert_eq!(store.worker_wtes(&pcn).await.unwrap(), vec![(worker.clone(), None)], "{backend}: the first WTE was not kept");
        assert!(store.referral_targets(&pcn).await.unwrap().is_empty(), "{backend}: nor the target");
        assert_eq!(store.count_audit_events("user.wte").await.unwrap(), 0, "{backend}: nor an audit event");

        store.save_workforce(&who, &pcn, &[(worker.clone(), Some(0.6))], Some(&target)).await.unwrap();
        assert_eq!(store.worker_wtes(&pcn).await.unwrap(), vec![(worker, Some(0.6))]);
        assert_eq!(store.referral_targets(&pcn).await.unwrap(), vec![target]);
    }
}
