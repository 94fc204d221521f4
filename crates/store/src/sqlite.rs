//! The SQLite build of the shared SQL implementation: the embedded default.

pub type Db = sqlx::Sqlite;

#[path = "sql/mod.rs"]
mod sql;
pub use sql::SqlStore;

/// How a transaction that will write starts. SQLite: a deferred `BEGIN` that reads and then writes cannot wait for the write lock (it fails
/// at once with SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT in WAL mode); `IMMEDIATE` takes it up front,
/// so concurrent writers queue under the busy timeout.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// SQLite: a write transaction already holds the database's only write lock (`BEGIN IMMEDIATE`).
async fn lock_people(_tx: &mut sqlx::Transaction<'_, Db>, _service_org_id: &str) -> crate::Result<()> {
    Ok(())
}

async fn open_pool(url: &str) -> crate::Result<sqlx::Pool<Db>> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk (the WAL synced) before the request that made it is answered, so
        // an acknowledged write survives a power cut too, not only a crash of the process. NORMAL
        // would lose the last commits on power loss. Relaxed only inside a bulk load (below).
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(std::time::Duration::from_secs(10));
    // An in-memory database exists per connection: keep exactly one so every query sees the same data.
    let max = if url.contains(":memory:") { 1 } else { 8 };
    Ok(SqlitePoolOptions::new().max_connections(max).connect_with(options).await?)
}

/// Page cache for a bulk load, in KiB (SQLite's default is 2 MiB). One transaction writes the
/// whole bundle; with the default cache SQLite spills index pages to the WAL and rewrites them
/// again and again. Bounded, so memory stays flat however large the bundle.
const BULK_CACHE_KIB: i64 = 64 * 1024;

/// Settings for one connection while it runs a bulk load; [`end_bulk_load`] puts them back.
/// `synchronous = NORMAL` skips the sync of the WAL at commit: a bulk load is one transaction that
/// either commits whole or not at all, and if a power cut lost it the import (idempotent: re-imports
/// update in place) is simply run again. A crash of the process loses nothing either way.
async fn begin_bulk_load(conn: &mut sqlx::SqliteConnection) -> crate::Result<()> {
    sqlx::query(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}")).execute(&mut *conn).await?;
    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
    Ok(())
}

async fn end_bulk_load(conn: &mut sqlx::SqliteConnection) -> crate::Result<()> {
    sqlx::query("PRAGMA cache_size = -2000").execute(&mut *conn).await?;
    sqlx::query("PRAGMA synchronous = FULL").execute(&mut *conn).await?;
    Ok(())
}
