//! SQLite's durability settings (docs/operations.md): every connection the server writes with
//! syncs each commit (`synchronous = FULL`), and a bulk load, which relaxes that for its own
//! transaction, gives its connection back synced again.

use linkwork_store::testing::migrated;
use linkwork_store::{BundleBatch, BundleSource};

/// `PRAGMA synchronous` of every connection in the pool (2 = FULL), taken all at once.
async fn synchronous_of_every_connection(store: &linkwork_store::sqlite::SqlStore) -> Vec<i64> {
    let mut held = Vec::new();
    let mut levels = Vec::new();
    for _ in 0..store.pool().options().get_max_connections() {
        let mut conn = store.pool().acquire().await.unwrap();
        levels.push(sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *conn).await.unwrap());
        held.push(conn);
    }
    levels
}

fn sqlite_url(name: &str) -> String {
    let dir = std::env::temp_dir().join("linkwork-store-tests");
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}", dir.join(format!("{name}-{}.db", linkwork_store::new_id())).display())
}

#[tokio::test]
async fn sqlite_syncs_every_commit() {
    let url = sqlite_url("durability");
    migrated(&url).await.unwrap();
    let store = linkwork_store::sqlite::SqlStore::connect(&url).await.unwrap();
    assert!(synchronous_of_every_connection(&store).await.iter().all(|&level| level == 2), "synchronous = FULL on every connection");
}

struct Empty;
impl BundleSource for Empty {
    fn next_batch(&mut self) -> Result<Option<BundleBatch>, String> {
        Ok(None)
    }
}

#[tokio::test]
async fn a_bulk_load_leaves_every_connection_syncing_again() {
    use linkwork_store::BundleStore;
    let url = sqlite_url("bulk-durability");
    migrated(&url).await.unwrap();
    let store = linkwork_store::sqlite::SqlStore::connect(&url).await.unwrap();
    store.import_bundle(&mut Empty).await.unwrap();
    assert!(synchronous_of_every_connection(&store).await.iter().all(|&level| level == 2), "synchronous = FULL again after the load");
}
