//! Support for tests that need real databases: a fresh, migrated SQLite file, and a fresh
//! PostgreSQL database on the server named by `LINKWORK_TEST_POSTGRES_URL` (which `scripts/test`
//! and `.ci/run` start). Not used by the product itself.

use crate::{Result, Store};
use std::sync::Arc;

/// The environment variable naming a PostgreSQL server tests may create databases on.
pub const POSTGRES_ENV: &str = "LINKWORK_TEST_POSTGRES_URL";

/// The environment variable that, set to `1`, lets tests run on SQLite only when no PostgreSQL
/// server is configured (`LINKWORK_REQUIRE_POSTGRES=1` overrides it).
pub const SKIP_POSTGRES_ENV: &str = "LINKWORK_SKIP_POSTGRES";

/// Database URLs a test should run against: a new SQLite file and a new PostgreSQL database.
/// Without a server in `LINKWORK_TEST_POSTGRES_URL` this panics, unless `LINKWORK_SKIP_POSTGRES=1`
/// asks for SQLite only (and `LINKWORK_REQUIRE_POSTGRES=1`, which `scripts/test` sets, is not set).
pub async fn fresh_database_urls(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    remove_sqlite_files_of_ended_processes(dir);
    let file = dir.join(format!("{TEST_DATABASE_PREFIX}{}_{}.db", std::process::id(), crate::new_id()));
    let mut urls = vec![("sqlite", format!("sqlite://{}", file.display()))];
    let flag = |name: &str| std::env::var(name).as_deref() == Ok("1");
    match std::env::var(POSTGRES_ENV) {
        Ok(server) => urls.push(("postgres", fresh_postgres_database(&server).await)),
        Err(_) if flag(SKIP_POSTGRES_ENV) && !flag("LINKWORK_REQUIRE_POSTGRES") => {
            eprintln!("note: {SKIP_POSTGRES_ENV}=1 and {POSTGRES_ENV} not set; testing SQLite only")
        }
        Err(_) => panic!(
            "this test runs on SQLite and PostgreSQL: set {POSTGRES_ENV} to a PostgreSQL server \
             (or run it through scripts/with-postgres), or {SKIP_POSTGRES_ENV}=1 to run SQLite only"
        ),
    }
    urls
}

async fn fresh_postgres_database(server: &str) -> String {
    use sqlx::Connection;
    // The process id in the name lets a later test process drop this database once this one has
    // ended (see `drop_databases_of_ended_processes`).
    let name = format!("{TEST_DATABASE_PREFIX}{}_{}", std::process::id(), crate::new_id().replace('-', ""));
    let mut conn = sqlx::PgConnection::connect(server).await.expect("connect to the test PostgreSQL server");
    static REAPED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !REAPED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        drop_databases_of_ended_processes(&mut conn).await;
    }
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create a test database");
    let (base, _) = server.rsplit_once('/').expect("a postgres URL with a database name");
    format!("{base}/{name}")
}

/// What every test database's name starts with, before the creating process's id.
const TEST_DATABASE_PREFIX: &str = "lw_test_";

/// Drops the test databases whose creating process has ended. A test cannot drop its own database
/// when it finishes (servers it started may still hold connections, and many tests hand the URL
/// on), and an empty migrated database takes about 10 MB; without this, the suite's thousand or so
/// databases filled a CI machine's disk. `cargo test` runs one test binary at a time, so the
/// first database each binary creates clears the previous binaries' databases.
async fn drop_databases_of_ended_processes(conn: &mut sqlx::PgConnection) {
    let names: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
        .bind(TEST_DATABASE_PREFIX)
        .fetch_all(&mut *conn)
        .await
        .expect("list the test databases");
    for name in names {
        if name.strip_prefix(TEST_DATABASE_PREFIX).is_some_and(creator_has_ended) {
            // FORCE ends any connections a killed server left behind (PostgreSQL 13 and later).
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut *conn)
                .await
                .expect("drop an ended test process's database");
        }
    }
}

/// Whether the process a test database's name (after the prefix) says created it has ended.
fn creator_has_ended(rest_of_name: &str) -> bool {
    let pid = rest_of_name.split('_').next().and_then(|pid| pid.parse::<u32>().ok());
    pid.is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
}

/// Removes, once per process and folder, the SQLite test files (with their `-wal` and `-shm`
/// companions) that ended test processes left in `dir`, for the same reason as
/// [`drop_databases_of_ended_processes`].
fn remove_sqlite_files_of_ended_processes(dir: &std::path::Path) {
    static SWEPT: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());
    {
        let mut swept = SWEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if swept.iter().any(|seen| seen == dir) {
            return;
        }
        swept.push(dir.to_owned());
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|name| name.strip_prefix(TEST_DATABASE_PREFIX)) else { continue };
        if creator_has_ended(rest) {
            // Another process may be sweeping the same folder: a file already gone is fine.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Connects to and migrates a database.
pub async fn migrated(url: &str) -> Result<Arc<dyn Store>> {
    let store = crate::connect(url).await?;
    store.migrate().await?;
    Ok(store)
}

/// Runs `test` once per database (a new, migrated SQLite file and PostgreSQL database), so each
/// named test checks its one behaviour on both.
pub async fn on_each_database<F, Fut>(test: F)
where
    F: Fn(Arc<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    on_each_database_url(|_, store| test(store)).await
}

/// As [`on_each_database`], also giving the database's URL, for a test that looks at the
/// database directly (as someone with database access would).
pub async fn on_each_database_url<F, Fut>(test: F)
where
    F: Fn(String, Arc<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).expect("a folder for test databases");
    for (backend, url) in fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        let store = migrated(&url).await.expect("a migrated test database");
        test(url, store).await;
    }
}

/// As [`on_each_database`], with the world a test file builds on each database first (its
/// organisations and who acts), so each file writes its setup once.
pub async fn on_each_world<W, S, SetUp, F, Fut>(setup: S, test: F)
where
    S: Fn(Arc<dyn Store>) -> SetUp,
    SetUp: std::future::Future<Output = W>,
    F: Fn(W) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    on_each_database(|store| {
        let (setup, test) = (&setup, &test);
        async move { test(setup(store).await).await }
    })
    .await;
}

/// A PCN ("Test PCN", U00001) on a store and an audit actor of it: the world most store tests
/// start from (`on_each_world(pcn_world, …)`).
pub struct PcnWorld {
    pub store: Arc<dyn Store>,
    pub pcn: String,
    pub who: crate::AuditActor,
}

pub async fn pcn_world(store: Arc<dyn Store>) -> PcnWorld {
    use linkwork_domain::access::OrgKind;
    let pcn = store.create_org(&crate::NewOrg { kind: OrgKind::Pcn, name: "Test PCN".into(), ods_code: Some("U00001".into()), parent_id: None, list_size: None }).await.expect("a PCN");
    let who = crate::AuditActor { org_id: Some(pcn.clone()), ..crate::AuditActor::default() };
    PcnWorld { store, pcn, who }
}

/// A person for tests: a woman born on 1 May 1950 living in RV1 2AB, ethnicity not stated, with
/// the NHS number `nhs` (a valid one). Change what a test is about with `..person(nhs)`.
pub fn person(nhs: &str, given_name: &str) -> linkwork_domain::person::PersonDetails {
    use linkwork_domain::person::{DateOfBirth, Ethnicity, Sex};
    use linkwork_domain::{NhsNumber, Postcode, RequiredText};
    linkwork_domain::person::PersonDetails {
        nhs_number: NhsNumber::parse(nhs).expect("a valid NHS number"),
        given_name: RequiredText::parse("given_name", "first name", given_name).expect("a name"),
        family_name: RequiredText::parse("family_name", "last name", "Example").expect("a name"),
        date_of_birth: DateOfBirth::new(time::macros::date!(1950 - 05 - 01), time::macros::date!(2026 - 12 - 01)).expect("a past date"),
        sex: Sex::Female,
        ethnicity: Ethnicity::NotStated,
        postcode: Postcode::parse("RV1 2AB").expect("a postcode"),
    }
}

/// A referral for tests to `service_org_id` of [`person`]: from a GP (no practice named), for
/// company (loneliness), made on 1 June 2026. Change what a test is about with `..referral(…)`.
pub fn referral(service_org_id: &str, nhs: &str) -> crate::NewReferral {
    use linkwork_domain::casework::need::NeedDomain;
    use linkwork_domain::casework::referral::{ReferralReason, ReferralSource};
    crate::NewReferral {
        service_org_id: service_org_id.to_owned(),
        person: person(nhs, "Test"),
        practice_id: None,
        source: ReferralSource::GpPractice,
        referrer_name: "Dr Example".into(),
        reason: ReferralReason::parse("reason", "reason", "Lonely").expect("a reason"),
        needs: vec![NeedDomain::Loneliness],
        needs_to_confirm: false,
        referred_on: time::macros::date!(2026 - 06 - 01),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::creator_has_ended;

    #[test]
    fn a_database_of_this_running_process_is_kept() {
        assert!(!creator_has_ended(&format!("{}_0123abcd", std::process::id())));
    }

    #[test]
    fn a_database_of_an_ended_process_is_cleared() {
        // Linux's largest process id is 4,194,304, so this one cannot be running.
        assert!(creator_has_ended("4294967295_0123abcd"));
    }

    #[test]
    fn a_database_not_named_by_a_process_is_left_alone() {
        assert!(!creator_has_ended("0123abcd"));
    }
}
