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
