//! The one body of SQL behind the storage traits. This module is compiled once per database:
//! `sqlite.rs` and `postgres.rs` each include it with their own `Db` type, so every query here must
//! be valid in both dialects (`$n` placeholders, `ON CONFLICT`, `RETURNING`, no date arithmetic).

mod accounts;
mod activity;
mod audit_trail;
mod admin;
mod bundle;
mod casework;
mod community;
mod corrections;
mod contact_details;
mod directory;
mod directory_search;
mod equity;
mod evaluation;
mod form_submissions;
mod identity;
mod intake;
mod measurement;
mod onward_loop;
mod oruk;
mod partner;
mod partnership;
mod plan;
mod privacy;
mod referral_rows;
mod stakeholders;
mod team;
mod word_cloud;

use super::Db;
use crate::Result;
use audit_trail::{audit, Audit};
use time::OffsetDateTime;

/// A connection of this database (what a transaction dereferences to).
type Conn = <Db as sqlx::Database>::Connection;

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

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}
