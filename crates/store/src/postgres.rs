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

/// What `linkwork backup`/`restore` need to know about a PostgreSQL database (the copying itself
/// is done by PostgreSQL's own `pg_dump` and `pg_restore`).
impl SqlStore {
    /// Rows in each table of the `public` schema, where Linkwork keeps everything.
    pub async fn table_rows(&self) -> crate::Result<Vec<crate::TableRows>> {
        let tables: Vec<String> = sqlx::query_scalar("SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetch_all(self.pool()).await?;
        let mut out = Vec::with_capacity(tables.len());
        for table in tables {
            let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM public.\"{}\"", table.replace('"', "\"\""))).fetch_one(self.pool()).await?;
            out.push(crate::TableRows { table, rows });
        }
        Ok(out)
    }

    /// The database's size on disk in bytes, for progress.
    pub async fn size_bytes(&self) -> crate::Result<i64> {
        Ok(sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(self.pool()).await?)
    }
}
