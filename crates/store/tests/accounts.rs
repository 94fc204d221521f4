//! The accounts part of the storage contract (issue 11), on SQLite and PostgreSQL: a password
//! link is spent once even when used twice at the same moment, lockout counts, token status.

use linkwork_domain::access::{OrgKind, Role};
use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use time::{Duration, OffsetDateTime};

async fn world(url: &str) -> (std::sync::Arc<dyn Store>, String) {
    let store = migrated(url).await.unwrap();
    let pcn = store.create_org(&NewOrg { kind: OrgKind::Pcn, name: "PCN".into(), ods_code: None, parent_id: None, list_size: None }).await.unwrap();
    let user = store.create_user(&NewUser { email: "Worker@Example.org".into(), display_name: "W".into(), password_hash: NO_PASSWORD.into(), role: Role::LinkWorker, org_id: pcn }).await.unwrap();
    (store, user)
}

async fn databases() -> Vec<(&'static str, String)> {
    let dir = std::env::temp_dir().join("linkwork-store-account-tests");
    std::fs::create_dir_all(&dir).unwrap();
    fresh_database_urls(&dir).await
}

#[tokio::test]
async fn a_password_link_is_spent_once_under_concurrent_use() {
    for (backend, url) in databases().await {
        let (store, user) = world(&url).await;
        let link = NewPasswordLink { token_hash: "link-hash".into(), user_id: user.clone(), purpose: PasswordLinkPurpose::Reset, expires_at: OffsetDateTime::now_utc() + Duration::hours(1), email: None };
        store.create_password_link(&AuditActor::default(), &link).await.unwrap();
        let now = OffsetDateTime::now_utc();
        let uses = (0..8).map(|n| {
            let store = store.clone();
            tokio::spawn(async move { store.use_password_link("link-hash", &format!("hash-{n}"), now).await.unwrap() })
        });
        let mut spent = 0;
        for task in uses {
            spent += usize::from(task.await.unwrap().is_some());
        }
        assert_eq!(spent, 1, "{backend}: exactly one use wins");
        assert!(store.password_link("link-hash", now).await.unwrap().is_none());
        assert_eq!(store.count_audit_events("user.password_set").await.unwrap(), 1);
    }
}

#[tokio::test]
async fn lockout_counts_per_address_and_per_account_within_the_window() {
    for (backend, url) in databases().await {
        let (store, _) = world(&url).await;
        let now = OffsetDateTime::now_utc();
        let window = now - Duration::minutes(15);
        for (address, minutes_ago) in [("10.0.0.1", 1), ("10.0.0.1", 2), ("10.0.0.2", 3), ("10.0.0.1", 20)] {
            store.record_login_failure("key", address, now - Duration::minutes(minutes_ago), now - Duration::hours(1)).await.unwrap();
        }
        store.record_login_failure("other key", "10.0.0.1", now, now - Duration::hours(1)).await.unwrap();
        assert_eq!(store.login_failures("key", "10.0.0.1", window).await.unwrap(), LoginFailureCounts { from_address: 2, for_account: 3 }, "{backend}");
        store.clear_login_failures("key", Some("10.0.0.1")).await.unwrap();
        assert_eq!(store.login_failures("key", "10.0.0.1", window).await.unwrap(), LoginFailureCounts { from_address: 0, for_account: 1 }, "{backend}");
        store.clear_login_failures("key", None).await.unwrap();
        assert_eq!(store.login_failures("key", "10.0.0.2", window).await.unwrap(), LoginFailureCounts::default());
        assert_eq!(store.login_failures("other key", "10.0.0.1", window).await.unwrap().for_account, 1);
    }
}

#[tokio::test]
async fn tokens_expire_and_revoke() {
    for (backend, url) in databases().await {
        let (store, _) = world(&url).await;
        let org = store.user_credentials("worker@example.org").await.unwrap().unwrap().user.org_id;
        let now = OffsetDateTime::now_utc();
        let id = store.issue_api_token(&AuditActor::default(), &NewApiToken { token_hash: "t".into(), org_id: org, role: Role::LinkWorker, label: None, expires_at: now + Duration::days(1) }).await.unwrap();
        assert!(store.api_token_at("t", now).await.unwrap().is_some());
        assert!(store.api_token_at("t", now + Duration::days(2)).await.unwrap().is_none(), "{backend}: expired");
        assert_eq!(store.api_token_info(&id).await.unwrap().unwrap().status(now), TokenStatus::Active);
        assert!(store.revoke_api_token(&AuditActor::default(), &id).await.unwrap());
        assert!(!store.revoke_api_token(&AuditActor::default(), &id).await.unwrap(), "already revoked");
        assert!(matches!(store.revoke_api_token(&AuditActor::default(), "missing").await, Err(StoreError::NotFound)));
        assert!(store.api_token_at("t", now).await.unwrap().is_none(), "{backend}: revoked");
        assert_eq!(store.api_tokens(None).await.unwrap()[0].status(now), TokenStatus::Revoked);
        assert_eq!(store.count_audit_events("token.create").await.unwrap(), 1);
        assert_eq!(store.count_audit_events("token.revoke").await.unwrap(), 1);
    }
}

#[tokio::test]
async fn a_rate_limit_counts_one_client_within_its_window_on_every_connection() {
    for (backend, url) in databases().await {
        let (store, _) = world(&url).await;
        // A second handle on the same database: another app server.
        let other_server = linkwork_store::connect(&url).await.unwrap();
        let now = OffsetDateTime::now_utc();
        let window = Duration::minutes(10);
        assert!(store.take_rate_limited_attempt("self_referral", "10.0.0.1", now - Duration::minutes(11), window, 2).await.unwrap(), "{backend}");
        assert!(store.take_rate_limited_attempt("self_referral", "10.0.0.1", now, window, 2).await.unwrap(), "{backend}: the first attempt is out of the window");
        assert!(other_server.take_rate_limited_attempt("self_referral", "10.0.0.1", now, window, 2).await.unwrap(), "{backend}");
        assert!(!store.take_rate_limited_attempt("self_referral", "10.0.0.1", now, window, 2).await.unwrap(), "{backend}: the third within the window, across servers");
        assert!(store.take_rate_limited_attempt("self_referral", "10.0.0.2", now, window, 2).await.unwrap(), "{backend}: another client is not limited");
        assert!(store.take_rate_limited_attempt("elsewhere", "10.0.0.1", now, window, 2).await.unwrap(), "{backend}: another bucket is not limited");
    }
}
