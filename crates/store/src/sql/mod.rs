//! The one body of SQL behind the storage traits. This module is compiled once per database:
//! `sqlite.rs` and `postgres.rs` each include it with their own `Db` type, so every query here must
//! be valid in both dialects (`$n` placeholders, `ON CONFLICT`, `RETURNING`, no date arithmetic).
//!
//! Every store method reaches the database through its [`SqlStore`], never through the pool:
//! reads through `SqlStore::conn` (`.fetch_all(&mut *self.conn().await?)`), changes (even of one
//! statement) through `SqlStore::write_tx` and its `commit`. Each method is atomic on its own; the
//! same code also runs inside a unit of work ([`crate::UnitOfWork`]): a `SqlStore` in work mode
//! hands every method the one transaction the use case began, so a use case that needs more than
//! one step (check, read, change) opens one unit of work and its steps commit or roll back together.
//!
//! Inside a unit of work:
//! - `conn()` and `write_tx()` lock the shared transaction until their guard is dropped, so a
//!   method must not call another store method while it holds one (it would wait for itself):
//!   it passes its connection or transaction down to helpers instead;
//! - each `write_tx()` is a savepoint: a method that fails undoes only its own writes, and the
//!   unit of work may go on (on PostgreSQL a failed statement would otherwise poison the whole
//!   transaction); its `commit()` releases the savepoint, and the unit of work commits at its end;
//! - what cannot run inside a transaction (migrating, a bulk load with its connection settings, a
//!   backup or restore) is refused with [`crate::StoreError::UnitOfWork`].

/// The audit tables, besides the events themselves, that record who a list read showed: append-only
/// like the events (each backend's `protect_audit_trail` puts the same guards on every one).
pub(super) const AUDIT_PEOPLE_TABLES: [&str; 3] = ["audit_subjects", "audit_lists", "audit_list_subjects"];

mod accounts;
mod activity;
mod audit_trail;
mod admin;
mod bundle;
mod casework;
mod community;
mod comparison;
mod corrections;
mod contact_details;
mod directory;
mod directory_search;
mod equity;
pub(super) mod evaluation;
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
mod read_audits;
mod read_cache;
mod referral_rows;
mod snomed_maps;
mod stakeholders;
mod team;
mod word_cloud;

use super::Db;
use crate::{Result, StoreError};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};
use audit_trail::{audit, Audit};
use time::OffsetDateTime;

/// A connection of this database (what a transaction dereferences to).
type Conn = <Db as sqlx::Database>::Connection;

/// The store over one connection pool, or (in work mode) over one transaction shared by the steps
/// of a unit of work.
#[derive(Clone)]
pub struct SqlStore {
    pool: sqlx::Pool<Db>,
    /// The unit of work's transaction, when this store is one (see [`SqlStore::begin_work`]).
    work: Option<Arc<Mutex<Shared>>>,
    /// This handle began the unit of work and commits it; a nested `begin` shares the transaction
    /// and its commit does nothing.
    owns_work: bool,
    /// Whose turn it is to write (see [`SqlStore::write_turn`]); shared by every clone.
    writers: Arc<Mutex<()>>,
    /// List answers kept while the data version they were read at is current.
    reads: Arc<read_cache::ReadCaches>,
    /// Read audits waiting to be committed together (see `read_audits`).
    read_audits: Arc<read_audits::ReadAuditQueue>,
}

/// A writer's turn, held until its transaction ends. `None` where the database takes concurrent
/// writers itself (PostgreSQL).
type Turn = Option<OwnedMutexGuard<()>>;

/// How long a writer waits for its turn before giving up, as SQLite's busy timeout would.
const TURN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The transaction of a unit of work, shared by the store methods it calls.
struct Shared {
    /// `None` once the unit of work has committed.
    tx: Option<sqlx::Transaction<'static, Db>>,
    /// A step (one method's `write_tx`) ended without committing: its savepoint is rolled back
    /// before the transaction is used again (a guard cannot run SQL when it is dropped).
    undo_step: bool,
    /// The unit of work's turn to write, given back when it commits or is dropped.
    turn: Turn,
}

/// The savepoint each write of a method inside a unit of work runs in.
const STEP: &str = "linkwork_step";

/// Locks the unit of work's transaction, first undoing a step that ended without committing.
async fn settled(work: &Arc<Mutex<Shared>>) -> Result<OwnedMutexGuard<Shared>> {
    let mut guard = work.clone().lock_owned().await;
    let shared = &mut *guard;
    let Some(tx) = shared.tx.as_mut() else {
        return Err(StoreError::UnitOfWork("this unit of work has already been committed".into()));
    };
    if shared.undo_step {
        sqlx::query(&format!("ROLLBACK TO SAVEPOINT {STEP}")).execute(&mut **tx).await?;
        sqlx::query(&format!("RELEASE SAVEPOINT {STEP}")).execute(&mut **tx).await?;
        shared.undo_step = false;
    }
    Ok(guard)
}

/// A connection to read with: one from the pool, or the unit of work's transaction (locked until
/// this is dropped). Dereferences to the connection: `.fetch_all(&mut *store.conn().await?)`.
enum ConnGuard {
    Pool(sqlx::pool::PoolConnection<Db>),
    Shared(OwnedMutexGuard<Shared>),
}

impl Deref for ConnGuard {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        match self {
            ConnGuard::Pool(conn) => conn,
            ConnGuard::Shared(guard) => guard.tx.as_ref().expect("checked when locked"),
        }
    }
}

impl DerefMut for ConnGuard {
    fn deref_mut(&mut self) -> &mut Conn {
        match self {
            ConnGuard::Pool(conn) => conn,
            ConnGuard::Shared(guard) => guard.tx.as_mut().expect("checked when locked"),
        }
    }
}

/// The transaction one store method writes in: its own, or (in a unit of work) a savepoint in the
/// shared one. Dereferences to the transaction, so helpers taking `&mut sqlx::Transaction` take
/// `&mut tx`; queries run on `&mut **tx`. Dropped without [`WriteTx::commit`], its writes are
/// undone.
enum WriteTx {
    /// The method's own transaction, and its turn to write (given back when the transaction ends).
    Own(sqlx::Transaction<'static, Db>, Turn),
    Step(Step),
}

/// A method's savepoint in a unit of work's transaction.
struct Step {
    guard: OwnedMutexGuard<Shared>,
    released: bool,
}

impl Drop for Step {
    fn drop(&mut self) {
        if !self.released {
            self.guard.undo_step = true;
        }
    }
}

impl WriteTx {
    /// Commits the method's own transaction; in a unit of work, keeps the method's writes in the
    /// shared transaction (which commits, or not, at the end of the unit of work).
    async fn commit(self) -> Result<()> {
        match self {
            WriteTx::Own(tx, _turn) => tx.commit().await?,
            WriteTx::Step(mut step) => {
                let tx = step.guard.tx.as_mut().expect("checked when locked");
                sqlx::query(&format!("RELEASE SAVEPOINT {STEP}")).execute(&mut **tx).await?;
                step.released = true;
            }
        }
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = sqlx::Transaction<'static, Db>;
    fn deref(&self) -> &Self::Target {
        match self {
            WriteTx::Own(tx, _) => tx,
            WriteTx::Step(step) => step.guard.tx.as_ref().expect("checked when locked"),
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            WriteTx::Own(tx, _) => tx,
            WriteTx::Step(step) => step.guard.tx.as_mut().expect("checked when locked"),
        }
    }
}

impl SqlStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let store = Self { pool: super::open_pool(url).await?, work: None, owns_work: false, writers: Arc::new(Mutex::new(())), reads: Arc::new(read_cache::ReadCaches::new()), read_audits: Arc::default() };
        // Background upkeep lasts while any clone of this store does (they share `writers`), and
        // takes its turn with the writers.
        super::start_upkeep(url, &store.pool, Arc::downgrade(&store.writers));
        Ok(store)
    }

    /// The data version a kept list answer must have been read at to be used (see
    /// [`read_cache`]); `None` inside a unit of work, whose reads see its own uncommitted writes.
    async fn cache_version(&self) -> Result<Option<String>> {
        if self.work.is_some() {
            return Ok(None);
        }
        Ok(Some(crate::EvaluationStore::data_version(self).await?))
    }

    /// The answer `cache` keeps for `key` at the current data version, or else `read`'s, kept.
    async fn kept<K: Eq + std::hash::Hash, V: Clone>(&self, cache: &read_cache::VersionedCache<K, V>, key: K, read: impl std::future::Future<Output = Result<V>>) -> Result<V> {
        let version = self.cache_version().await?;
        if let Some(kept) = version.as_deref().and_then(|v| cache.get(&key, v)) {
            return Ok((*kept).clone());
        }
        let answer = read.await?;
        if let Some(v) = version {
            cache.put(key, &v, Arc::new(answer.clone()));
        }
        Ok(answer)
    }

    /// Waits for this process's turn to write, on a database that takes one writer at a time
    /// (SQLite). Writers queue here in order instead of in SQLite's busy handler, which polls
    /// with sleeps of up to 100 ms: under 50 concurrent users that polling, not the writing, made
    /// the slowest requests slow. Another process writing is still waited for by the busy timeout.
    async fn write_turn(&self) -> Result<Turn> {
        if !super::ONE_WRITER_AT_A_TIME {
            return Ok(None);
        }
        match tokio::time::timeout(TURN_TIMEOUT, self.writers.clone().lock_owned()).await {
            Ok(turn) => Ok(Some(turn)),
            Err(_) => Err(StoreError::Database(sqlx::Error::PoolTimedOut)),
        }
    }

    /// The pool itself, for tests and maintenance. Queries run on it bypass a unit of work.
    pub fn pool(&self) -> &sqlx::Pool<Db> {
        &self.pool
    }

    /// Refuses `what` (a migration, a bulk load, a backup) inside a unit of work: it needs a
    /// connection of its own, outside any transaction.
    pub(super) fn outside_work(&self, what: &str) -> Result<()> {
        match self.work {
            Some(_) => Err(StoreError::UnitOfWork(format!("{what} cannot run inside a unit of work"))),
            None => Ok(()),
        }
    }

    /// A connection to read with (see [`ConnGuard`]). Take it for one statement
    /// (`&mut *self.conn().await?`) or hold it for several, but call no other store method while
    /// holding it.
    async fn conn(&self) -> Result<ConnGuard> {
        match &self.work {
            None => Ok(ConnGuard::Pool(self.pool.acquire().await?)),
            Some(work) => Ok(ConnGuard::Shared(settled(work).await?)),
        }
    }

    /// A transaction that will write: it takes the database's write lock up front (SQLite's
    /// `BEGIN IMMEDIATE`), so it waits its turn under the busy timeout instead of failing with
    /// "database is locked" when it first writes after reading. In a unit of work, a savepoint in
    /// its transaction (see [`WriteTx`]).
    ///
    /// It also sets a new data version (see [`new_data_version`]): use it for every write that may
    /// change what the evaluation reads, and [`SqlStore::bookkeeping_tx`] for the others.
    async fn write_tx(&self) -> Result<WriteTx> {
        match &self.work {
            None => {
                let turn = self.write_turn().await?;
                let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
                new_data_version(&mut tx).await?;
                Ok(WriteTx::Own(tx, turn))
            }
            // The unit of work set a new version when it began.
            Some(_) => self.bookkeeping_tx().await,
        }
    }

    /// As [`SqlStore::write_tx`], for a write no figure is computed from (a read's audit event, a
    /// session, a sign-in failure, a form claim): the data version stays, so the dashboard's cache
    /// is not thrown away each time someone opens a record or signs in.
    async fn bookkeeping_tx(&self) -> Result<WriteTx> {
        match &self.work {
            None => {
                let turn = self.write_turn().await?;
                Ok(WriteTx::Own(self.pool.begin_with(super::BEGIN_WRITE).await?, turn))
            }
            Some(work) => {
                let mut guard = settled(work).await?;
                let tx = guard.tx.as_mut().expect("checked when locked");
                sqlx::query(&format!("SAVEPOINT {STEP}")).execute(&mut **tx).await?;
                Ok(WriteTx::Step(Step { guard, released: false }))
            }
        }
    }

    /// This store as a unit of work: a clone whose methods all run in one new write transaction
    /// (begun like [`SqlStore::write_tx`]'s). On a store already in a unit of work, a handle on
    /// the same transaction, whose commit does nothing.
    pub async fn begin_work(&self) -> Result<SqlStore> {
        if self.work.is_some() {
            return Ok(SqlStore { owns_work: false, ..self.clone() });
        }
        let turn = self.write_turn().await?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        new_data_version(&mut tx).await?;
        Ok(SqlStore { pool: self.pool.clone(), work: Some(Arc::new(Mutex::new(Shared { tx: Some(tx), undo_step: false, turn }))), owns_work: true, writers: self.writers.clone(), reads: self.reads.clone(), read_audits: self.read_audits.clone() })
    }

    /// Commits the unit of work this store began (nothing for a nested handle or a plain store).
    pub async fn commit_work(self) -> Result<()> {
        let (Some(work), true) = (&self.work, self.owns_work) else {
            return Ok(());
        };
        let mut guard = settled(work).await?;
        let tx = guard.tx.take().expect("checked when locked");
        tx.commit().await?;
        guard.turn = None;
        Ok(())
    }
}

#[async_trait::async_trait]
impl crate::UnitOfWork for SqlStore {
    async fn begin(&self) -> Result<Box<dyn crate::Work>> {
        Ok(Box::new(self.begin_work().await?))
    }
}

#[async_trait::async_trait]
impl crate::Work for SqlStore {
    async fn commit(self: Box<Self>) -> Result<()> {
        (*self).commit_work().await
    }
}

/// Sets a new data version in `conn`'s transaction (the `data_version` migration says why). Done
/// first thing in a write transaction, so that every transaction takes this row's lock before the
/// audit chain's head: the same order everywhere, so PostgreSQL never deadlocks on the two.
pub(super) async fn new_data_version(conn: &mut Conn) -> Result<()> {
    sqlx::query("UPDATE data_version SET version = $1 WHERE id = 1").bind(crate::new_id()).execute(&mut *conn).await?;
    Ok(())
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}
