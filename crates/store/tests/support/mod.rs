//! Shared by the storage tests: running one behaviour on every database.
#![allow(dead_code)]

use std::future::Future;

/// Runs `test` once per database (a new SQLite file, and a new PostgreSQL database unless
/// `LINKWORK_SKIP_POSTGRES=1`), given the database's URL; an error fails the test naming the
/// database.
pub async fn on_each_database<F, Fut>(test: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = linkwork_store::Result<()>>,
{
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    for (backend, url) in linkwork_store::testing::fresh_database_urls(&dir).await {
        eprintln!("-- on {backend}");
        test(url).await.unwrap_or_else(|e| panic!("{backend}: {e}"));
    }
}
