//! Bulk writes: `create_referrals` (used by the CSV import) writes all the referrals or none, on
//! SQLite and PostgreSQL.

use linkwork_domain::access::OrgKind;
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use time::macros::date;

fn referral(pcn: &str, practice_id: &str, nhs: &str) -> NewReferral {
    NewReferral { practice_id: Some(practice_id.to_owned()), referred_on: date!(2026 - 11 - 02), ..linkwork_store::testing::referral(pcn, nhs) }
}

#[tokio::test]
async fn create_referrals_is_all_or_nothing_on_every_database() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        all_or_nothing(&url).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
        eprintln!("{backend}: create_referrals is all or nothing");
    }
}

async fn all_or_nothing(url: &str) -> Result<()> {
    let store = migrated(url).await?;
    let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "Bulk PCN".into(), ods_code: Some("U00009".into()), parent_id: None, list_size: None }).await?;
    let practice = store.create_org(&NewOrg { kind: OrgKind::Practice, name: "Bulk Surgery".into(), ods_code: Some("X00009".into()), parent_id: Some(pcn.clone()), list_size: None }).await?;
    let who = AuditActor { org_id: Some(pcn.clone()), ..AuditActor::default() };

    // The second referral names a practice that does not exist: a foreign key violation.
    let batch = vec![referral(&pcn, &practice, "9990000980"), referral(&pcn, "no-such-practice", "9990001960"), referral(&pcn, &practice, "9990002940")];
    let failed = store.create_referrals(&who, &batch).await;
    assert!(failed.is_err(), "a foreign key violation fails the batch");
    assert!(store.caseload(&pcn, None, false).await?.is_empty(), "the first referral was rolled back with the second");
    assert_eq!(store.count_audit_events("referral.create").await?, 0, "and so was its audit event");

    // A good batch is written whole, in order, each with its audit event.
    let good = vec![referral(&pcn, &practice, "9990000980"), referral(&pcn, &practice, "9990001960"), referral(&pcn, &practice, "9990002940")];
    let ids = store.create_referrals(&who, &good).await?;
    assert_eq!(ids.len(), 3);
    let caseload = store.caseload(&pcn, None, false).await?;
    assert_eq!(caseload.len(), 3);
    for id in &ids {
        assert!(caseload.iter().any(|e| &e.referral_id == id));
    }
    assert_eq!(store.count_audit_events("referral.create").await?, 3);

    // An empty batch writes nothing and succeeds.
    assert!(store.create_referrals(&who, &[]).await?.is_empty());
    Ok(())
}
