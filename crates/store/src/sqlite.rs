//! The SQLite build of the shared SQL implementation: the embedded default.

pub type Db = sqlx::Sqlite;

#[path = "sql/mod.rs"]
mod sql;
pub use sql::SqlStore;

/// Appended to a SELECT that reads a row the transaction will then change. SQLite needs nothing: a
/// write transaction already holds the database's write lock (`BEGIN_WRITE`).
const LOCK_ROW: &str = "";

/// How a transaction that will write starts. SQLite: a deferred `BEGIN` that reads and then writes cannot wait for the write lock (it fails
/// at once with SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT in WAL mode); `IMMEDIATE` takes it up front,
/// so concurrent writers queue under the busy timeout.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

async fn open_pool(url: &str) -> crate::Result<sqlx::Pool<Db>> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
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
async fn begin_bulk_load(conn: &mut sqlx::SqliteConnection) -> crate::Result<()> {
    sqlx::query(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}")).execute(conn).await?;
    Ok(())
}

async fn end_bulk_load(conn: &mut sqlx::SqliteConnection) -> crate::Result<()> {
    sqlx::query("PRAGMA cache_size = -2000").execute(conn).await?;
    Ok(())
}

/// The database itself refuses to change or delete audit events (and the lists of people they
/// name), whoever asks; only sealing an event that is not yet in the hash chain is let through.
async fn protect_audit_trail(pool: &sqlx::Pool<Db>) -> crate::Result<()> {
    for statement in [
        "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events WHEN OLD.hash IS NOT NULL \
         BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events \
         BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_subjects_no_update BEFORE UPDATE ON audit_subjects \
         BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_subjects_no_delete BEFORE DELETE ON audit_subjects \
         BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head \
         BEGIN SELECT RAISE(ABORT, 'the audit chain cannot be deleted'); END",
    ] {
        sqlx::query(statement).execute(pool).await?;
    }
    Ok(())
}
