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

/// What the database file itself holds (not its write-ahead log).
fn main_file(url: &str) -> Vec<u8> {
    std::fs::read(url.trim_start_matches("sqlite://")).unwrap_or_default()
}

#[tokio::test]
async fn the_write_ahead_log_is_copied_into_the_database_file_in_the_background() {
    let url = sqlite_url("upkeep");
    let w = linkwork_store::testing::pcn_world(migrated(&url).await.unwrap()).await;
    // Let the schema's own writes reach the file, then write a little more: far less than the
    // 1,000 pages after which SQLite would copy it back itself, inside a writer's commit.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let before = main_file(&url);
    for nhs in ["9434765919", "9434765870", "9434765846", "9434765838", "9434765811"] {
        w.store.create_referral(&w.who, &linkwork_store::testing::referral(&w.pcn, nhs)).await.unwrap();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while main_file(&url) == before && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(main_file(&url) != before, "the new referrals reached the database file");
}
