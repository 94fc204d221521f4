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
