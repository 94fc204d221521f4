//! The one body of SQL behind the storage traits. This module is compiled once per database:
//! `sqlite.rs` and `postgres.rs` each include it with their own `Db` type, so every query here must
//! be valid in both dialects (`$n` placeholders, `ON CONFLICT`, `RETURNING`, no date arithmetic).

mod accounts;
mod activity;
mod admin;
mod bundle;
mod casework;
mod community;
mod directory;
mod directory_search;
mod equity;
mod evaluation;
mod intake;
mod measurement;
mod onward_loop;
mod oruk;
mod partner;
mod partnership;
mod stakeholders;
mod team;
mod word_cloud;

use super::Db;
use crate::model::AuditActor;
use crate::{new_id, Result};
use time::OffsetDateTime;

/// The store over one connection pool.
#[derive(Clone)]
pub struct SqlStore {
    pool: sqlx::Pool<Db>,
}

impl SqlStore {
    pub async fn connect(url: &str) -> Result<Self> {
        Ok(Self { pool: super::open_pool(url).await? })
    }

    pub fn pool(&self) -> &sqlx::Pool<Db> {
        &self.pool
    }

    /// A transaction that will write: it takes the database's write lock up front (SQLite's
    /// `BEGIN IMMEDIATE`), so it waits its turn under the busy timeout instead of failing with
    /// "database is locked" when it first writes after reading.
    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, Db>> {
        Ok(self.pool.begin_with(super::BEGIN_WRITE).await?)
    }
}

/// What an audit event records besides who acted.
struct Audit<'a> {
    action: &'a str,
    entity: &'a str,
    entity_id: &'a str,
    person_id: Option<&'a str>,
}

/// Writes one audit event; called inside the transaction of the change it records.
async fn audit<'c, E>(executor: E, who: &AuditActor, event: Audit<'_>) -> Result<()>
where
    E: sqlx::Executor<'c, Database = Db>,
{
    sqlx::query("INSERT INTO audit_events (id, at, user_id, token_id, org_id, action, entity, entity_id, person_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(new_id())
        .bind(OffsetDateTime::now_utc())
        .bind(&who.user_id)
        .bind(&who.token_id)
        .bind(&who.org_id)
        .bind(event.action)
        .bind(event.entity)
        .bind(event.entity_id)
        .bind(event.person_id)
        .execute(executor)
        .await?;
    Ok(())
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}
