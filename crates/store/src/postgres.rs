//! The PostgreSQL build of the shared SQL implementation: for ICB-wide deployments where several
//! app servers share one database.

pub type Db = sqlx::Postgres;

#[path = "sql/mod.rs"]
mod sql;
pub use sql::SqlStore;

/// How a transaction that will write starts. PostgreSQL locks rows as they are written; a plain `BEGIN` is enough.
const BEGIN_WRITE: &str = "BEGIN";

/// Serialises the transactions that write a service's people (until they end), so that two that
/// upsert the same people in different orders (two imports of one GP list) cannot deadlock.
/// `NO KEY UPDATE` does not block the foreign-key checks of other writes naming the organisation.
async fn lock_people(tx: &mut sqlx::Transaction<'_, Db>, service_org_id: &str) -> crate::Result<()> {
    sqlx::query("SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE").bind(service_org_id).execute(&mut **tx).await?;
    Ok(())
}

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
