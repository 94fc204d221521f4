//! The SQLite build of the shared SQL implementation: the embedded default.

pub type Db = sqlx::Sqlite;

#[path = "sql/mod.rs"]
mod sql;
pub use sql::SqlStore;

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
