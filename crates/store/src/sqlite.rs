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

/// SQLite takes one writer at a time: the store queues this process's writers itself
/// (`SqlStore::write_turn`) rather than leave them to poll in the busy handler.
const ONE_WRITER_AT_A_TIME: bool = true;

/// SQLite: a write transaction already holds the database's only write lock (`BEGIN IMMEDIATE`).
async fn lock_people(_tx: &mut sqlx::Transaction<'_, Db>, _service_org_id: &str) -> crate::Result<()> {
    Ok(())
}

async fn open_pool(url: &str) -> crate::Result<sqlx::Pool<Db>> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk (the WAL synced) before the request that made it is answered, so
        // an acknowledged write survives a power cut too, not only a crash of the process. NORMAL
        // would lose the last commits on power loss. Relaxed only inside a bulk load (below).
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(std::time::Duration::from_secs(10));
    // A file database's write-ahead log is copied back by `start_upkeep`, off the writers' path.
    let options = if in_memory(url) { options } else { options.pragma("wal_autocheckpoint", "0") };
    // An in-memory database exists per connection: keep exactly one so every query sees the same data.
    let max = if in_memory(url) { 1 } else { 8 };
    Ok(SqlitePoolOptions::new().max_connections(max).connect_with(options).await?)
}

/// Whether `url` names an in-memory database (no file, no write-ahead log).
fn in_memory(url: &str) -> bool {
    url.contains(":memory:")
}

/// How often the write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Copies the write-ahead log back into the database file every [`CHECKPOINT_EVERY`] and starts
/// it again from the beginning, for as long as the store lives (`writers` is its writers' turn).
///
/// SQLite would otherwise copy it every 1,000 pages inside the commit of whichever request
/// crossed the line, while that request holds the only write lock: at 100,000 referrals that was
/// half the time of a caseload page's audit write. And under a constant stream of readers it
/// never starts the log again (a reader is always using it), so the log grew without bound
/// (991 MB in one benchmark run), making every read slower. Here the bulk of the copying is
/// `PASSIVE` (it waits for nobody and nobody waits for it); then, in the writers' turn, `RESTART`
/// copies the few pages written meanwhile and waits only for the readers of the moment (each a
/// few milliseconds) so that the next write starts the log again.
fn start_upkeep(url: &str, pool: &sqlx::Pool<Db>, writers: std::sync::Weak<tokio::sync::Mutex<()>>) {
    if in_memory(url) {
        return;
    }
    let pool = pool.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let Some(writers) = writers.upgrade() else { break };
            if pool.is_closed() {
                break;
            }
            let copied = async {
                sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await?;
                let _turn = writers.lock().await;
                sqlx::query("PRAGMA wal_checkpoint(RESTART)").execute(&pool).await
            };
            if let Err(e) = copied.await {
                tracing::warn!(error = %e, "could not copy the write-ahead log into the database file");
            }
        }
    });
}

/// Page cache for a bulk load, in KiB (SQLite's default is 2 MiB). One transaction writes the
/// whole bundle; with the default cache SQLite spills index pages to the WAL and rewrites them
/// again and again. Bounded, so memory stays flat however large the bundle.
const BULK_CACHE_KIB: i64 = 64 * 1024;

/// Settings for one connection while it runs a bulk load; [`end_bulk_load`] puts them back.
/// `synchronous = NORMAL` skips the sync of the WAL at commit: a bulk load is one transaction that
/// either commits whole or not at all, and if a power cut lost it the import (idempotent: re-imports
/// update in place) is simply run again. A crash of the process loses nothing either way.
async fn begin_bulk_load(conn: &mut sqlx::SqliteConnection) -> crate::Result<()> {
    sqlx::query(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}")).execute(&mut *conn).await?;
    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
    Ok(())
}

async fn end_bulk_load(conn: &mut sqlx::SqliteConnection) -> crate::Result<()> {
    sqlx::query("PRAGMA cache_size = -2000").execute(&mut *conn).await?;
    sqlx::query("PRAGMA synchronous = FULL").execute(&mut *conn).await?;
    Ok(())
}

/// After a bulk load has committed (its writers' turn still held): the write-ahead log, which grew
/// to about the size of everything imported, copied into the database file and emptied, so the
/// disk does not hold the import twice until the next open. (SQLite plans without gathered
/// statistics, and its queries here are written for that: nothing to refresh.)
async fn after_bulk_load(conn: &mut sqlx::SqliteConnection) -> crate::Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await?;
    Ok(())
}

/// Backup and restore of a SQLite database (`linkwork backup`/`restore`, docs/operations.md).
impl SqlStore {
    /// Writes a consistent copy of the whole database to `path`, which must not exist, while the
    /// server keeps reading and writing: `VACUUM INTO` copies one read snapshot (WAL mode lets
    /// writers go on meanwhile), compacted, as an ordinary SQLite file.
    pub async fn backup_into(&self, path: &std::path::Path) -> crate::Result<()> {
        self.outside_work("a backup")?;
        let path = path.to_str().ok_or_else(|| crate::StoreError::Rejected("the backup path must be valid UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1").bind(path).execute(self.pool()).await?;
        Ok(())
    }

    /// The database's size in bytes (pages × page size), for progress.
    pub async fn size_bytes(&self) -> crate::Result<i64> {
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(self.pool()).await?;
        let page_size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(self.pool()).await?;
        Ok(pages * page_size)
    }

    /// SQLite's own check of every page, index and constraint: `["ok"]` when sound.
    pub async fn integrity_check(&self) -> crate::Result<Vec<String>> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check").fetch_all(self.pool()).await?)
    }

    /// Rows in each table (SQLite's internal tables left out).
    pub async fn table_rows(&self) -> crate::Result<Vec<crate::TableRows>> {
        let mut conn = self.pool().acquire().await?;
        table_rows_of(&mut conn, "main").await
    }

    /// Replaces everything in this database with the contents of the SQLite backup file at `path`
    /// (checked first: [`check_backup_file`]), in ONE transaction: a restore that fails leaves the
    /// database as it was. Tables are created and filled before their indexes and triggers, so
    /// triggers do not fire on restored rows; foreign keys are checked once at the end.
    /// `on_table` is called after each table is copied, for progress.
    pub async fn restore_from(&self, path: &std::path::Path, mut on_table: impl FnMut(&str) + Send) -> crate::Result<Vec<crate::TableRows>> {
        use sqlx::Connection;
        self.outside_work("a restore")?;
        let path = path.to_str().ok_or_else(|| crate::StoreError::Rejected("the backup path must be valid UTF-8".into()))?;
        let mut conn = self.pool().acquire().await?;
        // Not changeable inside a transaction; put back below.
        sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *conn).await?;
        sqlx::query("ATTACH DATABASE $1 AS backup").bind(path).execute(&mut *conn).await?;
        let restored = async {
            let mut tx = conn.begin_with(BEGIN_WRITE).await?;
            let existing: Vec<(String, String)> =
                sqlx::query_as("SELECT type, name FROM main.sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'").fetch_all(&mut *tx).await?;
            for (kind, name) in existing {
                sqlx::query(&format!("DROP {} IF EXISTS main.{}", if kind == "view" { "VIEW" } else { "TABLE" }, quoted(&name))).execute(&mut *tx).await?;
            }
            let objects: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT type, name, sql FROM backup.sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' \
                 ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 2 WHEN 'trigger' THEN 3 ELSE 4 END, rowid",
            )
            .fetch_all(&mut *tx)
            .await?;
            for (kind, name, sql) in &objects {
                sqlx::query(sql).execute(&mut *tx).await?;
                if kind == "table" {
                    sqlx::query(&format!("INSERT INTO main.{0} SELECT * FROM backup.{0}", quoted(name))).execute(&mut *tx).await?;
                    on_table(name);
                }
            }
            let sequences: Option<String> = sqlx::query_scalar("SELECT name FROM backup.sqlite_schema WHERE name = 'sqlite_sequence'").fetch_optional(&mut *tx).await?;
            if sequences.is_some() {
                sqlx::query("DELETE FROM main.sqlite_sequence").execute(&mut *tx).await?;
                sqlx::query("INSERT INTO main.sqlite_sequence SELECT * FROM backup.sqlite_sequence").execute(&mut *tx).await?;
            }
            let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(&mut *tx).await?;
            if let Some((table,)) = broken.first() {
                return Err(crate::StoreError::Rejected(format!("the backup's rows break {} foreign key reference(s), the first in table {table}: nothing was restored", broken.len())));
            }
            tx.commit().await?;
            table_rows_of(&mut conn, "main").await
        }
        .await;
        let detached = sqlx::query("DETACH DATABASE backup").execute(&mut *conn).await;
        let fk_on = sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await;
        if detached.is_err() || fk_on.is_err() {
            conn.close_on_drop();
        }
        restored
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn table_rows_of(conn: &mut sqlx::SqliteConnection, schema: &str) -> crate::Result<Vec<crate::TableRows>> {
    let tables: Vec<String> =
        sqlx::query_scalar(&format!("SELECT name FROM {schema}.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(tables.len());
    for table in tables {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {schema}.{}", quoted(&table))).fetch_one(&mut *conn).await?;
        out.push(crate::TableRows { table, rows });
    }
    Ok(out)
}

/// What a SQLite backup file holds, once checked.
#[derive(Debug, Clone)]
pub struct BackupFile {
    pub schema_versions: Vec<i64>,
    pub tables: Vec<crate::TableRows>,
}

/// Checks that `path` is a sound SQLite file (`PRAGMA integrity_check`) holding a Linkwork
/// database whose schema this build knows, opening it read-only (the file is not changed).
pub async fn check_backup_file(path: &std::path::Path) -> crate::Result<BackupFile> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::Connection;
    let rejected = |m: String| crate::StoreError::Rejected(m);
    let mut header = [0u8; 16];
    std::io::Read::read_exact(&mut std::fs::File::open(path).map_err(|e| rejected(format!("cannot read {}: {e}", path.display())))?, &mut header)
        .map_err(|_| rejected(format!("{} is not a SQLite backup (too short)", path.display())))?;
    if &header != b"SQLite format 3\0" {
        return Err(rejected(format!("{} is not a SQLite backup made by `linkwork backup`", path.display())));
    }
    let damaged = |e: sqlx::Error| match e {
        sqlx::Error::Database(db) => rejected(format!("{} is damaged ({}): use another backup", path.display(), db.message())),
        other => crate::StoreError::Database(other),
    };
    let options = SqliteConnectOptions::new().filename(path).read_only(true).immutable(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await.map_err(damaged)?;
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await.map_err(damaged)?;
    if check != ["ok"] {
        return Err(rejected(format!("{} is damaged (SQLite integrity check: {}): use another backup", path.display(), check.join("; "))));
    }
    let has_migrations: Option<String> = sqlx::query_scalar("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'").fetch_optional(&mut conn).await?;
    if has_migrations.is_none() {
        return Err(rejected(format!("{} is a SQLite file but not a Linkwork database", path.display())));
    }
    let schema_versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version").fetch_all(&mut conn).await?;
    let tables = table_rows_of(&mut conn, "main").await?;
    conn.close().await?;
    Ok(BackupFile { schema_versions, tables })
}

/// Marks the evaluation facts each write makes stale, in the write's transaction (see
/// `sql/evaluation/freshness.rs`). Row triggers; each skips its work while everything is marked
/// ('*', as a bundle import does), so a bulk load pays one index probe per row. Dropped and
/// created again in one transaction, so a changed definition replaces the old one.
async fn keep_evaluation_facts_current(pool: &sqlx::Pool<Db>) -> crate::Result<()> {
    use sql::evaluation::freshness::{REFERENCE_TABLES, REFERRAL_PARTS};
    // Marks are added only where missing, with no conflict clause: SQLite lets the statement
    // that fired a trigger override its conflict handling (an upsert's would make `OR IGNORE`
    // fail), so a trigger must never meet a conflict.
    let mark_referral = |id: &str| format!("INSERT INTO referral_facts_stale (referral_id) SELECT {id} WHERE NOT EXISTS (SELECT 1 FROM referral_facts_stale WHERE referral_id = {id})");
    let mark_activity = |row: &str| {
        format!(
            "INSERT INTO activity_facts_stale (service_org_id, person_id) SELECT {row}.service_org_id, {row}.person_id \
             WHERE NOT EXISTS (SELECT 1 FROM activity_facts_stale WHERE service_org_id = {row}.service_org_id AND person_id = {row}.person_id)"
        )
    };
    let mark_comparison = |row: &str| {
        format!(
            "INSERT INTO comparison_facts_stale (service_org_id, person_key) SELECT {row}.service_org_id, {row}.person_key \
             WHERE NOT EXISTS (SELECT 1 FROM comparison_facts_stale WHERE service_org_id = {row}.service_org_id AND person_key = {row}.person_key)"
        )
    };
    const MARK_ALL_COMPARISON: &str = "INSERT INTO comparison_facts_stale (service_org_id, person_key) SELECT '*', '*' \
         WHERE NOT EXISTS (SELECT 1 FROM comparison_facts_stale WHERE service_org_id = '*')";
    const UNLESS_ALL_REFERRALS: &str = "WHEN NOT EXISTS (SELECT 1 FROM referral_facts_stale WHERE referral_id = '*')";
    const UNLESS_ALL_ACTIVITY: &str = "WHEN NOT EXISTS (SELECT 1 FROM activity_facts_stale WHERE service_org_id = '*')";
    const UNLESS_ALL_COMPARISON: &str = "WHEN NOT EXISTS (SELECT 1 FROM comparison_facts_stale WHERE service_org_id = '*')";
    // Reference data moves referrals' and comparison people's deciles alike.
    const UNLESS_ALL_REFERRALS_AND_COMPARISON: &str = "WHEN NOT EXISTS (SELECT 1 FROM referral_facts_stale WHERE referral_id = '*') \
         OR NOT EXISTS (SELECT 1 FROM comparison_facts_stale WHERE service_org_id = '*')";
    let mut triggers: Vec<(String, String)> = Vec::new();
    // One trigger per change; `mark` gives the statement that marks one row (OLD or NEW).
    let mut on_every_change = |table: &str, unless: &str, mark: &dyn Fn(&str) -> String| {
        for (op, rows) in [("insert", &["NEW"][..]), ("update", &["OLD", "NEW"][..]), ("delete", &["OLD"][..])] {
            let name = format!("facts_{table}_{op}");
            let body: String = rows.iter().map(|row| format!("{}; ", mark(row))).collect();
            triggers.push((name.clone(), format!("CREATE TRIGGER {name} AFTER {} ON {table} {unless} BEGIN {body}END", op.to_uppercase())));
        }
    };
    for table in REFERRAL_PARTS {
        on_every_change(table, UNLESS_ALL_REFERRALS, &|row| mark_referral(&format!("{row}.referral_id")));
    }
    on_every_change("referrals", UNLESS_ALL_REFERRALS, &|row| mark_referral(&format!("{row}.id")));
    on_every_change("health_activity", UNLESS_ALL_ACTIVITY, &mark_activity);
    on_every_change("comparison_people", UNLESS_ALL_COMPARISON, &mark_comparison);
    on_every_change("comparison_activity", UNLESS_ALL_COMPARISON, &mark_comparison);
    for table in REFERENCE_TABLES {
        on_every_change(table, UNLESS_ALL_REFERRALS_AND_COMPARISON, &|_| format!("{}; {MARK_ALL_COMPARISON}", mark_referral("'*'")));
    }
    // A person's referrals copy their date of birth, sex, ethnicity and area.
    triggers.push((
        "facts_people_update".into(),
        format!(
            "CREATE TRIGGER facts_people_update AFTER UPDATE OF id, date_of_birth, sex, ethnicity, postcode, lsoa ON people {UNLESS_ALL_REFERRALS} \
             BEGIN INSERT INTO referral_facts_stale (referral_id) SELECT r.id FROM referrals r WHERE r.person_id IN (OLD.id, NEW.id) \
             AND NOT EXISTS (SELECT 1 FROM referral_facts_stale s WHERE s.referral_id = r.id); END"
        ),
    ));
    // Takes the write lock up front (waiting under the busy timeout, e.g. for a checkpoint): a
    // deferred transaction that first reads the schema fails at once if another write lands
    // before it writes.
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    for (name, create) in &triggers {
        sqlx::query(&format!("DROP TRIGGER IF EXISTS {name}")).execute(&mut *tx).await?;
        sqlx::query(create).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Holds the marks of stale evaluation facts while they are rebuilt: SQLite's one writer at a
/// time already does.
async fn lock_fact_marks(_conn: &mut sqlx::SqliteConnection) -> crate::Result<()> {
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
        "CREATE TRIGGER IF NOT EXISTS audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head \
         BEGIN SELECT RAISE(ABORT, 'the audit chain cannot be deleted'); END",
    ] {
        sqlx::query(statement).execute(pool).await?;
    }
    for table in sql::AUDIT_PEOPLE_TABLES {
        for (op, refused) in [("UPDATE", "changed"), ("DELETE", "deleted")] {
            let trigger = format!(
                "CREATE TRIGGER IF NOT EXISTS {table}_no_{} BEFORE {op} ON {table} BEGIN SELECT RAISE(ABORT, 'audit events cannot be {refused}'); END",
                op.to_lowercase()
            );
            sqlx::query(&trigger).execute(pool).await?;
        }
    }
    Ok(())
}
