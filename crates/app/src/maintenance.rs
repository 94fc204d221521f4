//! Looking after the database, for an operator on the server (the command line): bringing the
//! schema up to date, backing up and restoring, and checking the audit trail's hash chain. No
//! user acts here and nothing personal is read; the rules (which backups may be restored, when a
//! database counts as holding data) are here so every shell applies the same ones.

use crate::store::{ChainReport, Store};
use crate::AppError;
use std::path::Path;

pub use linkwork_store::sqlite::BackupFile;
pub use linkwork_store::TableRows;

/// Creates the schema, or brings it up to this build's version.
pub async fn migrate(store: &dyn Store) -> Result<(), AppError> {
    Ok(store.migrate().await?)
}

/// Walks the audit trail's hash chain (from `anchor`, a sequence number and hash kept elsewhere,
/// when given), calling `progress` with the events checked so far.
pub async fn verify_audit_chain(store: &dyn Store, anchor: Option<(i64, String)>, progress: &(dyn Fn(u64) + Send + Sync)) -> Result<ChainReport, AppError> {
    Ok(store.verify_audit_chain(anchor, progress).await?)
}

/// A backup's schema versions, checked against this build's: a backup made by a newer build
/// (versions unknown here) is refused rather than restored half-understood.
pub fn check_schema_versions(backup: &[i64]) -> Result<(), AppError> {
    check_versions(backup, &linkwork_store::schema_versions())
}

fn check_versions(backup: &[i64], known: &[i64]) -> Result<(), AppError> {
    if backup.is_empty() {
        return Err(AppError::Conflict("the backup holds no Linkwork schema".into()));
    }
    if let Some(unknown) = backup.iter().find(|v| !known.contains(v)) {
        return Err(AppError::Conflict(format!("the backup was made by a newer Linkwork (schema version {unknown} is unknown to this one): restore it with that version or later")));
    }
    Ok(())
}

/// The rows someone put in a database with these `tables` (beyond what the migrations write
/// themselves), or `None` when it holds no data: a restore replaces only an empty database
/// unless told to overwrite.
pub async fn rows_held(tables: &[TableRows]) -> Result<Option<i64>, AppError> {
    let seeded = linkwork_store::seeded_rows().await?;
    if !linkwork_store::holds_data(tables, &seeded) {
        return Ok(None);
    }
    Ok(Some(tables.iter().filter(|t| linkwork_store::holds_data(std::slice::from_ref(*t), &seeded)).map(|t| t.rows).sum()))
}

/// Checks a SQLite backup file (`PRAGMA integrity_check`, a Linkwork schema), read-only.
pub async fn check_sqlite_backup(path: &Path) -> Result<BackupFile, AppError> {
    Ok(linkwork_store::sqlite::check_backup_file(path).await?)
}

/// A SQLite database, for backing it up and restoring into it.
pub struct SqliteDatabase(linkwork_store::sqlite::SqlStore);

impl SqliteDatabase {
    pub async fn open(url: &str) -> Result<Self, AppError> {
        Ok(SqliteDatabase(linkwork_store::sqlite::SqlStore::connect(url).await?))
    }

    /// Its size in bytes, for progress.
    pub async fn size_bytes(&self) -> Result<i64, AppError> {
        Ok(self.0.size_bytes().await?)
    }

    /// Writes a consistent copy to `path` (which must not exist) while the server carries on.
    pub async fn backup_into(&self, path: &Path) -> Result<(), AppError> {
        Ok(self.0.backup_into(path).await?)
    }

    /// SQLite's own check of every page, index and constraint: `["ok"]` when sound.
    pub async fn integrity_check(&self) -> Result<Vec<String>, AppError> {
        Ok(self.0.integrity_check().await?)
    }

    pub async fn table_rows(&self) -> Result<Vec<TableRows>, AppError> {
        Ok(self.0.table_rows().await?)
    }

    /// Replaces everything with the backup at `path`, in one transaction; `on_table` is called
    /// after each table, for progress.
    pub async fn restore_from(&self, path: &Path, on_table: impl FnMut(&str) + Send) -> Result<Vec<TableRows>, AppError> {
        Ok(self.0.restore_from(path, on_table).await?)
    }
}

/// A PostgreSQL database, for what backup and restore need to know of it (the copying itself is
/// PostgreSQL's own `pg_dump` and `pg_restore`).
pub struct PostgresDatabase(linkwork_store::postgres::SqlStore);

impl PostgresDatabase {
    pub async fn open(url: &str) -> Result<Self, AppError> {
        Ok(PostgresDatabase(linkwork_store::postgres::SqlStore::connect(url).await?))
    }

    pub async fn table_rows(&self) -> Result<Vec<TableRows>, AppError> {
        Ok(self.0.table_rows().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::check_versions;

    #[test]
    fn newer_backups_are_refused() {
        assert!(check_versions(&[1, 2], &[1, 2, 3]).is_ok());
        assert!(check_versions(&[1, 2, 4], &[1, 2, 3]).unwrap_err().to_string().contains("newer Linkwork"));
        assert!(check_versions(&[], &[1]).is_err());
    }
}
