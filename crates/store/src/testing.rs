//! Support for tests that need real databases: a fresh, migrated SQLite file, and a fresh
//! PostgreSQL database on the server named by `LINKWORK_TEST_POSTGRES_URL` (which `scripts/test`
//! and `.ci/run` start). Not used by the product itself.

use crate::{Result, Store};
use std::sync::Arc;

/// The environment variable naming a PostgreSQL server tests may create databases on.
pub const POSTGRES_ENV: &str = "LINKWORK_TEST_POSTGRES_URL";

/// Database URLs a test should run against: always a new SQLite file, and a new PostgreSQL
/// database when a server is configured. If `LINKWORK_REQUIRE_POSTGRES=1` and no server is
/// configured, this panics, so CI cannot silently skip PostgreSQL.
pub async fn fresh_database_urls(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    let mut urls = vec![("sqlite", format!("sqlite://{}", dir.join(format!("{}.db", crate::new_id())).display()))];
    match std::env::var(POSTGRES_ENV) {
        Ok(server) => urls.push(("postgres", fresh_postgres_database(&server).await)),
        Err(_) if std::env::var("LINKWORK_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
            panic!("{POSTGRES_ENV} is not set but LINKWORK_REQUIRE_POSTGRES=1")
        }
        Err(_) => eprintln!("note: {POSTGRES_ENV} not set; testing SQLite only"),
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
