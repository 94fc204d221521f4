//! The privacy commands as an administrator runs them: the real binary against SQLite and
//! PostgreSQL (`linkwork audit verify`, subject access, erasure, retention).

use linkwork_store::testing::{fresh_database_urls, migrated};
use linkwork_store::*;
use std::process::{Command, Output};

fn linkwork(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linkwork")).args(args).env_remove("LINKWORK_DATABASE").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn each_database<F, Fut>(test: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = std::env::temp_dir().join("linkwork-cli-privacy");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        test(url).await;
    }
}

async fn raw(url: &str, sql: &str) {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        sqlx::query(sql).execute(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap();
    } else {
        sqlx::query(sql).execute(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap();
    }
}

async fn with_events(url: &str, n: usize) {
    let store = migrated(url).await.unwrap();
    let who = AuditActor { user_id: Some("u1".into()), token_id: None, org_id: Some("pcn".into()) };
    for i in 0..n {
        store.record_read(&who, &ReadAudit::one("referral.read", "referral", &format!("r{i}"), "p1")).await.unwrap();
    }
}

#[tokio::test]
async fn audit_verify_reports_an_intact_chain_with_its_head() {
    each_database(|url| async move {
        with_events(&url, 4).await;
        let out = linkwork(&["audit", "verify", "--database", &url]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.contains("intact: 4 events checked"), "{stdout}");
        let anchor = stdout.lines().find_map(|l| l.split("--anchor ").nth(1)).expect("an anchor to keep").trim().to_owned();
        let out = linkwork(&["audit", "verify", "--database", &url, "--anchor", &anchor]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    })
    .await;
}

#[tokio::test]
async fn audit_verify_reports_the_first_broken_link_and_fails() {
    each_database(|url| async move {
        with_events(&url, 4).await;
        let drop = if url.starts_with("sqlite:") { "DROP TRIGGER audit_events_no_update" } else { "DROP TRIGGER audit_events_no_update ON audit_events" };
        raw(&url, drop).await;
        raw(&url, "UPDATE audit_events SET action = 'referral.create' WHERE seq = 2").await;
        let out = linkwork(&["audit", "verify", "--database", &url]);
        assert!(!out.status.success());
        let stderr = text(&out.stderr);
        assert!(stderr.contains("broken after 1 intact events") && stderr.contains("event 2") && stderr.contains("was changed"), "{stderr}");
    })
    .await;
}

/// A small demo service (PCN U12345) on `url`; returns a person id of it.
async fn demo(url: &str) -> String {
    let store = migrated(url).await.unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    linkwork_demo::seed(&*store, &linkwork_demo::DemoOptions { seed: 11, today, referrals: 30 }).await.unwrap();
    let pcn = store.find_org("U12345").await.unwrap().unwrap();
    store.caseload(&pcn.id, None, false).await.unwrap()[0].person_id.clone()
}

#[tokio::test]
async fn an_identifiable_bundle_export_is_audited_with_every_person() {
    each_database(|url| async move {
        let person = demo(&url).await;
        let store = linkwork_store::connect(&url).await.unwrap();
        let before = store.person_audit(&person).await.unwrap().len();
        let out_dir = std::env::temp_dir().join(format!("linkwork-export-audit-{}", linkwork_store::new_id()));
        let out = linkwork(&["export", "bundle", out_dir.to_str().unwrap(), "--org", "U12345", "--database", &url]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let events = store.person_audit(&person).await.unwrap().split_off(before);
        assert!(events.iter().any(|e| e.action == "bundle.export" && e.token_id.as_deref().is_some_and(|t| t.starts_with("cli:"))), "{events:?}");
        let _ = std::fs::remove_dir_all(out_dir);
    })
    .await;
}

#[tokio::test]
async fn a_gp_record_export_is_audited_with_the_account_that_ran_it() {
    each_database(|url| async move {
        let person = demo(&url).await;
        let store = linkwork_store::connect(&url).await.unwrap();
        let before = store.person_audit(&person).await.unwrap().len();
        let out = linkwork(&["export", "gp-record", "--org", "U12345", "--format", "csv", "--database", &url]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let events = store.person_audit(&person).await.unwrap().split_off(before);
        assert!(events.iter().any(|e| e.action == "referral.read" && e.token_id.as_deref().is_some_and(|t| t.starts_with("cli:"))), "{events:?}");
    })
    .await;
}
