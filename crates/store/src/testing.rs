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
    let mut urls = vec![("sqlite", format!("sqlite://{}", dir.join(format!("{}.db", crate::new_id())).display()))];
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
    let name = format!("lw_test_{}", crate::new_id().replace('-', ""));
    let mut conn = sqlx::PgConnection::connect(server).await.expect("connect to the test PostgreSQL server");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create a test database");
    let (base, _) = server.rsplit_once('/').expect("a postgres URL with a database name");
    format!("{base}/{name}")
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
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).expect("a folder for test databases");
    for (backend, url) in fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        test(migrated(&url).await.expect("a migrated test database")).await;
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
        referred_on: time::macros::date!(2026 - 06 - 01),
        assigned_worker_id: None,
        consent: Default::default(),
        contact: Default::default(),
    }
}
