//! Upgrading a database that holds data, on SQLite and PostgreSQL: each fixture in
//! `tests/fixtures/schema-<version>.sql` (realistic demo data as of that schema version, written
//! by tools/migration_fixture.py) is loaded into a database migrated only up to its version; then
//! every migration since runs, and the data must have survived: every table keeps its rows, and
//! the current code reads every referral, the caseload and the evaluation report from it.
//! New migrations are picked up automatically; keep old fixtures (each tests its own upgrade).

use linkwork_store::testing::fresh_database_urls;
use linkwork_store::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<(i64, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut found: Vec<(i64, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            let version = path.file_name()?.to_str()?.strip_prefix("schema-")?.strip_suffix(".sql")?.parse().ok()?;
            Some((version, path))
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no migration fixtures in {}", dir.display());
    found
}

/// The migrations in /migrations up to and including `version`.
async fn migrator_up_to(version: i64) -> sqlx::migrate::Migrator {
    let all = sqlx::migrate::Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations")).await.unwrap();
    let kept: Vec<_> = all.iter().filter(|m| m.version <= version).cloned().collect();
    assert!(kept.iter().any(|m| m.version == version), "the fixture's schema version {version} is not a migration");
    sqlx::migrate::Migrator { migrations: kept.into(), ..all }
}

/// Creates the schema as of `version` and loads `fixture` into it, on whichever database `url` names.
async fn old_database_with_data(url: &str, version: i64, fixture: &str) {
    let migrator = migrator_up_to(version).await;
    if url.starts_with("sqlite:") {
        let store = linkwork_store::sqlite::SqlStore::connect(url).await.unwrap();
        migrator.run(store.pool()).await.unwrap();
        sqlx::raw_sql(fixture).execute(store.pool()).await.unwrap();
    } else {
        let store = linkwork_store::postgres::SqlStore::connect(url).await.unwrap();
        migrator.run(store.pool()).await.unwrap();
        sqlx::raw_sql(fixture).execute(store.pool()).await.unwrap();
    }
}

async fn rows_by_table(url: &str) -> BTreeMap<String, i64> {
    let rows = if url.starts_with("sqlite:") {
        linkwork_store::sqlite::SqlStore::connect(url).await.unwrap().table_rows().await.unwrap()
    } else {
        linkwork_store::postgres::SqlStore::connect(url).await.unwrap().table_rows().await.unwrap()
    };
    rows.into_iter().map(|t| (t.table, t.rows)).collect()
}

/// Each referral's (id, NHS number, names) and its contacts, measures and onward referrals, counted
/// with plain SQL before the upgrade.
async fn referral_facts(url: &str) -> BTreeMap<String, (String, String, String, i64, i64, i64)> {
    const FACTS: &str = "SELECT r.id, p.nhs_number, p.given_name, p.family_name, \
        (SELECT COUNT(*) FROM contacts c WHERE c.referral_id = r.id), (SELECT COUNT(*) FROM measures m WHERE m.referral_id = r.id), \
        (SELECT COUNT(*) FROM onward_referrals w WHERE w.referral_id = r.id) FROM referrals r JOIN people p ON p.id = r.person_id";
    type Row = (String, String, String, String, i64, i64, i64);
    let rows: Vec<Row> = if url.starts_with("sqlite:") {
        sqlx::query_as(FACTS).fetch_all(linkwork_store::sqlite::SqlStore::connect(url).await.unwrap().pool()).await.unwrap()
    } else {
        sqlx::query_as(FACTS).fetch_all(linkwork_store::postgres::SqlStore::connect(url).await.unwrap().pool()).await.unwrap()
    };
    rows.into_iter().map(|(id, nhs, given, family, c, m, o)| (id, (nhs, given, family, c, m, o))).collect()
}

#[tokio::test]
async fn data_survives_every_migration_since_each_fixture() {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (version, path) in fixtures() {
        let fixture = std::fs::read_to_string(&path).unwrap();
        for (backend, url) in fresh_database_urls(&dir).await {
            old_database_with_data(&url, version, &fixture).await;
            let before = rows_by_table(&url).await;
            let facts = referral_facts(&url).await;
            assert!(facts.len() >= 10 && before["contacts"] > 0, "{backend}: the fixture holds data");

            let store = linkwork_store::connect(&url).await.unwrap();
            store.migrate().await.unwrap_or_else(|e| panic!("{backend}: migrating from {version}: {e}"));
            let after = rows_by_table(&url).await;
            for (table, rows) in &before {
                if table != "_sqlx_migrations" {
                    assert_eq!(after.get(table), Some(rows), "{backend}: rows of {table} after migrating from {version}");
                }
            }

            // The current code reads it all back, values parsed into domain types.
            let pcn = store.find_org("U12345").await.unwrap().expect("the fixture's PCN");
            let caseload = store.caseload(&pcn.id, None, false).await.unwrap();
            assert_eq!(caseload.len(), facts.len(), "{backend}: every referral in the caseload");
            for entry in &caseload {
                let (nhs, given, family, ..) = &facts[&entry.referral_id];
                assert_eq!((entry.nhs_number.as_str(), &entry.given_name, &entry.family_name), (nhs.as_str(), given, family), "{backend}: who the referral is for");
            }
            for (id, (_, _, _, contacts, measures, onward)) in &facts {
                let record = store.referral_record(&AuditActor::default(), id).await.unwrap().unwrap_or_else(|| panic!("{backend}: referral {id}"));
                assert_eq!((record.contacts.len() as i64, record.measures.len() as i64, record.onward.len() as i64), (*contacts, *measures, *onward), "{backend}: referral {id}");
            }
            let last = caseload.iter().map(|e| e.referred_on).max().unwrap();
            let period = linkwork_domain::evaluation::Period::new(last - time::Duration::days(364), last).unwrap();
            let report = evaluation_report(&*store, &pcn.name, std::slice::from_ref(&pcn.id), period, &Default::default()).await.unwrap();
            assert_eq!(report.scope, pcn.name, "{backend}: the evaluation report over the upgraded data");
            eprintln!("{backend}: data at schema {version} migrated to {}: {} tables, {} referrals, all read back", schema_versions().last().unwrap(), before.len(), facts.len());
        }
    }
}
