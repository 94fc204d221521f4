//! Storage for Linkwork.
//!
//! The traits in [`traits`] are what the rest of the program sees (`Arc<dyn Store>`). They are
//! implemented once, in `src/sql/`, and that one body of SQL is compiled twice: as
//! [`sqlite::SqlStore`] and [`postgres::SqlStore`] (see `sqlite.rs`/`postgres.rs`, which include the
//! same module with a different `Db` type). Queries use only SQL both databases speak (`$1`
//! placeholders, `ON CONFLICT`, `RETURNING`), and the one migration set in `/migrations` uses only
//! portable DDL. The contract tests in `tests/` run against both.
//!
//! Invariants kept here:
//! - every change to a person's record writes its audit event in the same transaction;
//! - lifecycle changes are compare-and-set on the status the caller saw (`StoreError::Conflict`
//!   otherwise), so two people acting at once cannot both move a referral;
//! - values come in as parsed domain types and go out as domain types; a stored value that no
//!   longer parses is reported as [`StoreError::Corrupt`], never silently dropped.

// `src/sql/` is included twice on purpose (once per database, above).
#![allow(clippy::duplicate_mod)]

mod error;
pub mod model;
pub mod model_accounts;
pub mod model_privacy;
pub mod model_stakeholders;
pub mod postgres;
mod scoped_report;
pub use scoped_report::{scope_for_org, scoped_input, scoped_report};
pub mod sqlite;
pub mod testing;
pub mod traits;
pub mod traits_privacy;
pub mod traits_corrections;

pub use error::StoreError;
pub use model::*;
pub use model_accounts::*;
pub use model_privacy::*;
pub use model_stakeholders::*;
pub use traits::*;
pub use traits_privacy::*;
pub use traits_corrections::*;

use std::sync::Arc;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Opens the database a URL names (`sqlite://path.db`, `sqlite::memory:`, `postgres://…`),
/// without migrating it.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqlStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::SqlStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

/// A new time-ordered identifier (UUIDv7), as stored in every `id` column.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Loads the facts for `service_org_ids` and computes the evaluation for `period`: the one path
/// by which the web report, the API and `linkwork report` get their figures.
pub async fn evaluation_report(
    store: &dyn Store,
    scope_name: &str,
    service_org_ids: &[String],
    period: linkwork_domain::evaluation::Period,
    settings: &linkwork_domain::evaluation::EvaluationSettings,
) -> Result<linkwork_domain::evaluation::Report> {
    let input = store.evaluation_input(scope_name, service_org_ids, period.to).await?;
    Ok(linkwork_domain::evaluation::evaluate(&input, period, settings))
}

/// The schema versions (migration numbers) this build knows, oldest first: a backup made by a
/// newer build, with versions missing here, is refused rather than restored half-understood.
pub fn schema_versions() -> Vec<i64> {
    sqlx::migrate!("../../migrations").iter().map(|m| m.version).collect()
}

/// Rows per table of a database, for backup and restore reports and the emptiness check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: String,
    pub rows: i64,
}

/// Whether `tables` hold data someone put there: more rows in some table than the migrations
/// themselves write (`seeded`: the rows of a freshly migrated database, such as the taxonomy).
pub fn holds_data(tables: &[TableRows], seeded: &[TableRows]) -> bool {
    tables.iter().any(|t| t.table != "_sqlx_migrations" && t.rows > seeded.iter().find(|s| s.table == t.table).map_or(0, |s| s.rows))
}

/// The rows a freshly migrated database holds (see [`holds_data`]), from an in-memory SQLite
/// database: the migrations are the same for both databases.
pub async fn seeded_rows() -> Result<Vec<TableRows>> {
    let store = sqlite::SqlStore::connect("sqlite::memory:").await?;
    store.migrate().await?;
    store.table_rows().await
}
