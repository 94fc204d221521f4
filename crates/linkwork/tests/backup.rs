//! `linkwork backup` and `linkwork restore` with the real binary, on SQLite and PostgreSQL
//! (docs/operations.md): a round trip gives back every row of every table (and an intact audit
//! chain with the original's head); a backup taken while
//! fifty clients write is one consistent moment holding everything acknowledged before it
//! began; restore refuses damaged or foreign files and, unless told, a database holding data.

use crate::support;

use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};
use support::*;

/// A new, empty database of the same kind as `backend`.
async fn fresh_like(backend: &str, dir: &Path) -> String {
    fresh_database_urls(dir).await.into_iter().find(|(b, _)| *b == backend).unwrap().1
}

/// Every row of every table as text, sorted: equal maps mean identical data.
async fn contents(url: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    if url.starts_with("sqlite:") {
        let store = linkwork_store::sqlite::SqlStore::connect(url).await.unwrap();
        let pool = store.pool();
        let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetch_all(pool).await.unwrap();
        for table in tables {
            let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid").bind(&table).fetch_all(pool).await.unwrap();
            let row = columns.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || '|' || ");
            let mut rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {row} FROM \"{table}\"")).fetch_all(pool).await.unwrap();
            rows.sort();
            out.insert(table, rows);
        }
    } else {
        let store = linkwork_store::postgres::SqlStore::connect(url).await.unwrap();
        let pool = store.pool();
        let tables: Vec<String> = sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'").fetch_all(pool).await.unwrap();
        for table in tables {
            let mut rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM public.\"{table}\" t")).fetch_all(pool).await.unwrap();
            rows.sort();
            out.insert(table, rows);
        }
    }
    out
}

fn backup(url: &str, out: &Path) -> Duration {
    let started = Instant::now();
    let run = linkwork(&["backup", "--database", url, "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "backup: {}", text(&run.stderr));
    started.elapsed()
}

fn restore(url: &str, from: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["restore", "--database", url, "--from", from.to_str().unwrap()];
    args.extend_from_slice(extra);
    linkwork(&args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_to_identical_data() {
    let dir = test_dir("backup-round-trip");
    for (backend, url) in fresh_database_urls(&dir).await {
        let store = linkwork_store::testing::migrated(&url).await.unwrap();
        let today = time::OffsetDateTime::now_utc().date();
        linkwork_demo::seed(&*store, &linkwork_demo::DemoOptions { seed: 11, today, referrals: 80 }).await.unwrap();
        let verified = linkwork(&["audit", "verify", "--database", &url]);
        assert!(verified.status.success(), "{backend}: {}", text(&verified.stderr));
        let anchor = text(&verified.stdout).lines().find_map(|l| l.split("--anchor ").nth(1)).unwrap().trim().to_owned();
        let file = dir.join(format!("{backend}.backup"));
        let took = backup(&url, &file);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "{backend}: only its owner may read a backup");
        }

        let target = fresh_like(backend, &dir).await;
        let started = Instant::now();
        let run = restore(&target, &file, &[]);
        assert!(run.status.success(), "{backend}: restore: {}", text(&run.stderr));
        let restore_took = started.elapsed();
        // A restore ends by migrating, which gathers the evaluation's facts the backup's writes
        // had marked; gathered on the original too, the two must agree row for row.
        linkwork_store::testing::migrated(&url).await.unwrap();
        let (before, after) = (contents(&url).await, contents(&target).await);
        assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "{backend}: the same tables");
        for (table, rows) in &before {
            assert!(rows == &after[table], "{backend}: table {table} differs after the round trip ({} rows before, {} after)", rows.len(), after[table].len());
        }
        let verified = linkwork(&["audit", "verify", "--database", &target, "--anchor", &anchor]);
        assert!(verified.status.success(), "{backend}: the restored audit chain holds the original's head: {}", text(&verified.stderr));
        let rows: usize = before.values().map(Vec::len).sum();
        eprintln!(
            "{backend}: backup of {rows} rows in {} tables: {} bytes in {:.2} s, restored in {:.2} s, identical",
            before.len(),
            std::fs::metadata(&file).unwrap().len(),
            took.as_secs_f64(),
            restore_took.as_secs_f64()
        );
        // The restored database works: the report over it is the original's.
        let restored = linkwork_store::connect(&target).await.unwrap();
        let pcn = store.find_org("U12345").await.unwrap().unwrap().id;
        let period = linkwork_domain::evaluation::Period::new(today - time::Duration::days(364), today).unwrap();
        let settings = linkwork_domain::evaluation::EvaluationSettings::default();
        let original = linkwork_store::evaluation_report(&*store, "PCN", std::slice::from_ref(&pcn), period, &settings).await.unwrap();
        let copy = linkwork_store::evaluation_report(&*restored, "PCN", std::slice::from_ref(&pcn), period, &settings).await.unwrap();
        assert!(linkwork_report::to_json(&original) == linkwork_report::to_json(&copy), "{backend}: the same report");
    }
    // Kept when a test fails (the servers' logs are there).
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_writes_is_one_consistent_moment() {
    let dir = test_dir("backup-online");
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = world(&url, 10).await;
        let server = Server::start(&url, &[], &dir.join(format!("{backend}.log")));
        let load = WriteLoad::start(&server.base, &w, 50);
        load.wait_for(150, Duration::from_secs(120)).await;
        let before = load.acknowledged.lock().unwrap().clone();
        let file = dir.join(format!("{backend}-online.backup"));
        let took = backup(&url, &file);
        let during = load.acknowledged_count() - before.len();
        let (_, refused, _) = load.finish().await;
        assert!(refused.is_empty(), "{backend}: writes refused while the backup ran: {:?}", refused.first());
        drop(server);

        let target = fresh_like(backend, &dir).await;
        let run = restore(&target, &file, &[]);
        assert!(run.status.success(), "{backend}: restore: {}", text(&run.stderr));
        let restored = linkwork_store::connect(&target).await.unwrap();
        let rows = table_rows(&target).await;
        let verified = linkwork(&["audit", "verify", "--database", &target]);
        assert!(verified.status.success(), "{backend}: the audit chain of a backup taken during writes: {}", text(&verified.stderr));
        // One moment: each write is there with its audit event, or neither is.
        assert_eq!(rows["contacts"], restored.count_audit_events("contact.create").await.unwrap(), "{backend}: contacts and their audit events");
        assert_eq!(rows["referrals"], restored.count_audit_events("referral.create").await.unwrap(), "{backend}: referrals and their audit events");
        // Everything acknowledged before the backup began is in it.
        let contacts: HashSet<String> = {
            let mut ids = HashSet::new();
            for referral in &w.referrals {
                let record = restored.referral_record(&AuditActor::default(), referral).await.unwrap().unwrap();
                ids.extend(record.contacts.into_iter().map(|c| c.id));
            }
            ids
        };
        assert!(before.contacts.iter().all(|(_, id)| contacts.contains(id)), "{backend}: a contact acknowledged before the backup is missing");
        for id in &before.referrals {
            assert!(restored.referral_header(id).await.unwrap().is_some(), "{backend}: referral {id} acknowledged before the backup is missing");
        }
        eprintln!(
            "{backend}: backup during 50 writers took {:.2} s ({during} writes acknowledged meanwhile, 0 refused); {} contacts and {} referrals in it, each with its audit event",
            took.as_secs_f64(),
            rows["contacts"],
            rows["referrals"]
        );
    }
    // Kept when a test fails (the servers' logs are there).
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn restore_refuses_a_database_holding_data_unless_told() {
    let dir = test_dir("backup-refuse");
    for (backend, url) in fresh_database_urls(&dir).await {
        let w = world(&url, 1).await;
        let file = dir.join(format!("{backend}.backup"));
        backup(&url, &file);
        let run = linkwork(&["backup", "--database", &url, "--out", file.to_str().unwrap()]);
        assert!(!run.status.success() && text(&run.stderr).contains("already exists"), "{backend}: an old backup is never overwritten");

        // A database in use elsewhere, holding other data.
        let target = fresh_like(backend, &dir).await;
        let other = world(&target, 3).await;
        let run = restore(&target, &file, &[]);
        assert!(!run.status.success() && text(&run.stderr).contains("already holds data"), "{backend}: {}", text(&run.stderr));
        assert!(linkwork_store::connect(&target).await.unwrap().referral_header(&other.referrals[2]).await.unwrap().is_some(), "{backend}: untouched");

        let run = restore(&target, &file, &["--overwrite"]);
        assert!(run.status.success(), "{backend}: {}", text(&run.stderr));
        let restored = linkwork_store::connect(&target).await.unwrap();
        assert!(restored.referral_header(&other.referrals[2]).await.unwrap().is_none(), "{backend}: replaced");
        assert!(restored.referral_header(&w.referrals[0]).await.unwrap().is_some(), "{backend}: by the backup");

        // A database that was only migrated holds no data: no --overwrite needed.
        let migrated_only = fresh_like(backend, &dir).await;
        linkwork_store::testing::migrated(&migrated_only).await.unwrap();
        let run = restore(&migrated_only, &file, &[]);
        assert!(run.status.success(), "{backend}: {}", text(&run.stderr));
    }
    // Kept when a test fails (the servers' logs are there).
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn restore_refuses_damaged_and_foreign_files_and_changes_nothing() {
    let dir = test_dir("backup-damaged");
    let mut backups = Vec::new();
    for (backend, url) in fresh_database_urls(&dir).await {
        world(&url, 2).await;
        let file = dir.join(format!("{backend}.backup"));
        backup(&url, &file);
        backups.push((backend, url, file));
    }
    for (backend, url, file) in &backups {
        let target = fresh_like(backend, &dir).await;
        let bytes = std::fs::read(file).unwrap();
        let cut = dir.join(format!("{backend}-cut.backup"));
        std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
        let run = restore(&target, &cut, &[]);
        assert!(!run.status.success(), "{backend}: a cut-short backup is refused");
        eprintln!("{backend}: a cut-short backup: {}", text(&run.stderr).trim());

        let notes = dir.join("notes.txt");
        std::fs::write(&notes, "not a backup at all").unwrap();
        let run = restore(&target, &notes, &[]);
        assert!(!run.status.success() && text(&run.stderr).contains("not a"), "{backend}: {}", text(&run.stderr));

        for (other, _, other_file) in backups.iter().filter(|(b, _, _)| b != backend) {
            let run = restore(&target, other_file, &[]);
            assert!(!run.status.success() && text(&run.stderr).contains(&format!("is a {}", if *other == "sqlite" { "SQLite" } else { "PostgreSQL" })), "{backend}: {}", text(&run.stderr));
        }
        // Nothing was written by the refused restores: the target is still empty.
        let rows = table_rows(&target).await;
        assert!(rows.iter().all(|(table, n)| *n == 0 || table == "_sqlx_migrations" || table.starts_with("taxonomy")), "{backend}: {rows:?}");
        let _ = url;
    }
    // Kept when a test fails (the servers' logs are there).
    std::fs::remove_dir_all(&dir).ok();
}
