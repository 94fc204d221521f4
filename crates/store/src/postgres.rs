//! The PostgreSQL build of the shared SQL implementation: for ICB-wide deployments where several
//! app servers share one database.

pub type Db = sqlx::Postgres;

#[path = "sql/mod.rs"]
mod sql;
pub use sql::SqlStore;

/// How a transaction that will write starts. PostgreSQL locks rows as they are written; a plain `BEGIN` is enough.
const BEGIN_WRITE: &str = "BEGIN";

async fn open_pool(url: &str) -> crate::Result<sqlx::Pool<Db>> {
    Ok(sqlx::postgres::PgPoolOptions::new().max_connections(16).connect(url).await?)
}

/// PostgreSQL needs no per-connection settings for a bulk load (its buffers are server-wide).
async fn begin_bulk_load(_conn: &mut sqlx::PgConnection) -> crate::Result<()> {
    Ok(())
}

async fn end_bulk_load(_conn: &mut sqlx::PgConnection) -> crate::Result<()> {
    Ok(())
}
