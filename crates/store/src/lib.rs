//! Storage for Linkwork.
//!
//! The traits of the context modules (`person`, `casework`, `measurement`, `onward`, `evaluation`,
//! `directory`, `interop`, `accounts`, `audit`, `admin`), joined in [`Store`], are what the rest of
//! the program sees (`Arc<dyn Store>`). They are
//! implemented once, in `src/sql/`, and that one body of SQL is compiled twice: as
//! [`sqlite::SqlStore`] and [`postgres::SqlStore`] (see `sqlite.rs`/`postgres.rs`, which include the
//! same module with a different `Db` type). Queries use only SQL both databases speak (`$1`
//! placeholders, `ON CONFLICT`, `RETURNING`), and the one migration set in `/migrations` uses only
//! portable DDL. The contract tests in `tests/` run against both.
//!
//! Invariants kept here:
//! - each store method is atomic on its own (one transaction, or one savepoint inside a unit of
//!   work), and a use case that needs more than one step (an access check, a read, then a change;
//!   two changes that belong together) opens ONE unit of work and passes it to every step:
//!   ```ignore
//!   let work = store.begin().await?;           // store: &dyn Store
//!   let header = casework_change(&*work, actor, referral_id).await?;
//!   work.change_needs(who, referral_id, &add, &remove).await?;
//!   work.commit().await?;                      // or drop it (return early with `?`): all rolled back
//!   ```
//!   rather than adding a store method that does both. A unit of work holds the database's write
//!   lock on SQLite (`BEGIN IMMEDIATE`) until it ends: keep it short, with no waiting on people or
//!   other services inside. Bulk and maintenance operations (migrate, bundle import, backup,
//!   restore) refuse to run inside one ([`StoreError::UnitOfWork`]);
//! - every change to a person's record writes its audit event in the same transaction;
//! - lifecycle changes are compare-and-set on the status the caller saw (`StoreError::Conflict`
//!   otherwise), so two people acting at once cannot both move a referral;
//! - values come in as parsed domain types and go out as domain types; a stored value that no
//!   longer parses is reported as [`StoreError::Corrupt`], never silently dropped.

// `src/sql/` is included twice on purpose (once per database, above).
#![allow(clippy::duplicate_mod)]

mod error;
mod iso_date;
pub mod postgres;
pub mod sqlite;
pub mod testing;

// The storage surface, one folder per bounded context: each holds its own small traits (`mod.rs`)
// and the models they take and return (`model.rs`). A context imports only contexts below it:
// `audit` (who acts) <- `admin`, `accounts`, `directory`, `measurement`, `onward` <- `casework`
// <- `person`; `interop` <- `directory`; `evaluation` stands on `audit`.
pub mod accounts;
pub mod admin;
pub mod audit;
pub mod casework;
pub mod comparison;
pub mod directory;
pub mod evaluation;
pub mod interop;
pub mod measurement;
pub mod onward;
pub mod person;

// Each context also has a public `model` module (so the app can re-export the records without
// the traits); the flattened names below are the ones to use, `model` is reached by its path.
#[allow(ambiguous_glob_reexports)]
pub use accounts::*;
pub use admin::*;
pub use audit::*;
pub use casework::*;
pub use comparison::*;
pub use directory::*;
pub use error::StoreError;
pub use evaluation::*;
pub use interop::*;
pub use measurement::*;
pub use onward::*;
pub use person::*;

use std::sync::Arc;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Everything Linkwork stores: the union of the contexts' traits. One object-safe trait so the
/// shells hold an `Arc<dyn Store>` and are compiled once for both databases.
pub trait Store: UnitOfWork + ContactStore + CorrectionStore + FormSubmissionStore + AuditStore + IdentityStore + PrivacyStore + BundleStore + AdminStore + ActivityStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore + IntakeStore + TeamStore + CommunityStore + LoopStore + OrukStore + PartnershipStore + StakeholderStore + MeasurementStore + EquityStore + WordCloudStore + ComparisonStore {}
impl<T: UnitOfWork + ContactStore + CorrectionStore + FormSubmissionStore + AuditStore + IdentityStore + PrivacyStore + BundleStore + AdminStore + ActivityStore + AccountStore + DirectoryStore + CaseworkStore + PartnerStore + EvaluationStore + IntakeStore + TeamStore + CommunityStore + LoopStore + OrukStore + PartnershipStore + StakeholderStore + MeasurementStore + EquityStore + WordCloudStore + ComparisonStore> Store for T {}

/// Opens units of work: see the crate's documentation. A supertrait of [`Store`], so every store
/// (and every unit of work) can begin one.
#[async_trait::async_trait]
pub trait UnitOfWork: Send + Sync {
    /// Begins a unit of work: a [`Store`] whose methods all run in one new write transaction,
    /// until [`Work::commit`]. Dropped without committing, everything it wrote (audit events
    /// included) is rolled back. Begun on a unit of work, it shares that one's transaction (its
    /// commit does nothing: the outer unit of work decides).
    async fn begin(&self) -> Result<Box<dyn Work>>;
}

/// A unit of work: the whole store, over one transaction. Pass `&*work` wherever a `&dyn Store`
/// is asked for.
#[async_trait::async_trait]
pub trait Work: Store {
    /// Commits everything written through this unit of work, at once.
    async fn commit(self: Box<Self>) -> Result<()>;
}

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
