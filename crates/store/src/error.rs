use thiserror::Error;

/// Why a storage operation failed. The web shell maps these to HTTP statuses.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The record changed since the caller read it, or a unique value is already taken.
    #[error("{0}")]
    Conflict(String),
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The caller's rows or output stopped a bulk operation (a bundle file that could not be read or written).
    #[error("{0}")]
    Rejected(String),
    /// Asked of a unit of work that cannot do it (a migration, a bulk load, a backup need a
    /// connection outside any transaction), or of one that has already been committed.
    #[error("{0}")]
    UnitOfWork(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Maps unique-constraint violations to [`StoreError::Conflict`] with a message for people.
    pub(crate) fn unique(err: sqlx::Error, message: &str) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(message.to_owned()),
            _ => StoreError::Database(err),
        }
    }
}
