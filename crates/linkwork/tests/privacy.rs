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

/// A person of the demo service with a closed referral: (person id, NHS number).
async fn demo_person(url: &str) -> (String, String) {
    demo(url).await;
    let store = linkwork_store::connect(url).await.unwrap();
    let pcn = store.find_org("U12345").await.unwrap().unwrap();
    let entry = store.caseload(&pcn.id, None, false).await.unwrap().into_iter().next().unwrap();
    (entry.person_id, entry.nhs_number.as_str().to_owned())
}

#[tokio::test]
async fn subject_access_from_the_command_line_writes_json_and_a_printable_page() {
    each_database(|url| async move {
        let (person, nhs) = demo_person(&url).await;
        let out_dir = std::env::temp_dir().join(format!("linkwork-sar-{}", linkwork_store::new_id()));
        let out = linkwork(&["subject-access", "--database", &url, "--nhs-number", &nhs, "--out", out_dir.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out_dir.join("subject-access.json")).unwrap()).unwrap();
        assert_eq!(json[0]["nhs_number"], nhs.as_str());
        assert!(!json[0]["referrals"].as_array().unwrap().is_empty());
        let html = std::fs::read_to_string(out_dir.join("subject-access.html")).unwrap();
        assert!(html.contains("Who has seen or changed the record"));
        let store = linkwork_store::connect(&url).await.unwrap();
        assert!(store.person_audit(&person).await.unwrap().iter().any(|e| e.action == "person.subject_access" && e.token_id.as_deref().is_some_and(|t| t.starts_with("cli:"))));
        let _ = std::fs::remove_dir_all(out_dir);
    })
    .await;
}

#[tokio::test]
async fn erase_from_the_command_line_needs_yes_and_then_erases() {
    each_database(|url| async move {
        let (person, nhs) = demo_person(&url).await;
        let out = linkwork(&["erase", "--database", &url, "--nhs-number", &nhs, "--org", "U12345", "--reason", "Request ref SAR-1"]);
        assert!(!out.status.success() && text(&out.stderr).contains("--yes"));
        let store = linkwork_store::connect(&url).await.unwrap();
        assert!(store.person_details(&person).await.unwrap().is_some());
        let out = linkwork(&["erase", "--database", &url, "--nhs-number", &nhs, "--org", "U12345", "--reason", "Request ref SAR-1", "--yes"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(store.person_details(&person).await.unwrap().is_none());
        assert!(store.person_privacy(&person).await.unwrap().unwrap().erased_at.is_some());
    })
    .await;
}

#[tokio::test]
async fn retention_erases_records_closed_longer_ago_than_the_period() {
    each_database(|url| async move {
        demo(&url).await;
        let store = linkwork_store::connect(&url).await.unwrap();
        let pcn = store.find_org("U12345").await.unwrap().unwrap();
        let closed = store.caseload(&pcn.id, None, false).await.unwrap().into_iter().filter(|e| !e.status.is_open()).count();
        assert!(closed > 0, "the demo has closed referrals");
        // A one-year period keeps everything closed in the last year: nothing is due yet.
        let out = linkwork(&["settings", "retention", "--database", &url, "--org", "U12345", "--years", "1"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = linkwork(&["retention", "--database", &url]);
        assert!(out.status.success() && text(&out.stdout).contains("Nothing was changed"), "{}", text(&out.stdout));
        // Close every referral in 2020, as if the service had ended then.
        raw(&url, "UPDATE referrals SET status = 'discharged', discharged_on = '2020-01-01', declined_on = NULL").await;
        let out = linkwork(&["retention", "--database", &url]);
        let dry = text(&out.stdout);
        assert!(dry.contains("would be erased") && !dry.contains(" 0 would be erased"), "{dry}");
        assert!(!store.caseload(&pcn.id, None, false).await.unwrap().is_empty(), "a dry run erases nothing");
        let out = linkwork(&["retention", "--database", &url, "--apply"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(store.caseload(&pcn.id, None, false).await.unwrap().is_empty(), "every record's identity was erased");
        assert_eq!(store.verify_audit_chain(None, &|_| {}).await.unwrap().broken, None);
    })
    .await;
}

#[tokio::test]
async fn a_bundle_cannot_rename_a_person_held_under_its_nhs_number() {
    each_database(|url| async move {
        let (person, nhs) = demo_person(&url).await;
        let out_dir = std::env::temp_dir().join(format!("linkwork-rename-{}", linkwork_store::new_id()));
        let out = linkwork(&["export", "bundle", out_dir.to_str().unwrap(), "--org", "U12345", "--database", &url]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        // The same service's bundle, with this person's first name changed.
        let people = out_dir.join("people.csv");
        let mut reader = csv::Reader::from_path(&people).unwrap();
        let headers = reader.headers().unwrap().clone();
        let (nhs_col, given_col) = (headers.iter().position(|h| h == "nhs_number").unwrap(), headers.iter().position(|h| h == "given_name").unwrap());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let mut writer = csv::Writer::from_path(&people).unwrap();
        writer.write_record(&headers).unwrap();
        for row in rows {
            let mut fields: Vec<String> = row.iter().map(str::to_owned).collect();
            if fields[nhs_col] == nhs {
                fields[given_col] = "Renamed".into();
            }
            writer.write_record(&fields).unwrap();
        }
        writer.flush().unwrap();
        let out = linkwork(&["import", "bundle", out_dir.to_str().unwrap(), "--database", &url]);
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("already held for a person with another name or date of birth"), "{}", text(&out.stderr));
        let store = linkwork_store::connect(&url).await.unwrap();
        assert_ne!(store.person_details(&person).await.unwrap().unwrap().1.given_name, "Renamed");
        let _ = std::fs::remove_dir_all(out_dir);
    })
    .await;
}
