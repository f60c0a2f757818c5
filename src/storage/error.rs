//! The one error type every store returns, whatever the backend.

use thiserror::Error;

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StorageError>;

/// What can go wrong below a store trait, in terms the services can act on.
#[derive(Debug, Error)]
pub enum StorageError {
    /// The record addressed by a mutation does not exist.
    #[error("record not found")]
    NotFound,
    /// A unique constraint was violated; the text names the constraint or index.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The backend could not be reached or timed out.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// The store URL or backend choice is wrong (start-up only).
    #[error("storage configuration: {0}")]
    Config(String),
    /// Stored data that does not map back to the domain (a bug or a hand-edited row).
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// Anything else the driver reported.
    #[error(transparent)]
    Other(anyhow::Error),
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl From<sqlx::Error> for StorageError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                Self::Unavailable(err.to_string())
            }
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                // PostgreSQL names the constraint; SQLite only says "UNIQUE constraint failed: t.col".
                Self::Conflict(db.constraint().map_or_else(|| db.message().to_owned(), str::to_owned))
            }
            other => Self::Other(other.into()),
        }
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl From<sqlx::migrate::MigrateError> for StorageError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        Self::Other(err.into())
    }
}

#[cfg(feature = "mongodb")]
impl From<mongodb::error::Error> for StorageError {
    fn from(err: mongodb::error::Error) -> Self {
        use mongodb::error::{ErrorKind, WriteFailure};
        const DUPLICATE_KEY: i32 = 11000;
        match err.kind.as_ref() {
            ErrorKind::Write(WriteFailure::WriteError(w)) if w.code == DUPLICATE_KEY => {
                Self::Conflict(w.message.clone())
            }
            ErrorKind::Command(c) if c.code == DUPLICATE_KEY => Self::Conflict(c.message.clone()),
            ErrorKind::ServerSelection { .. } | ErrorKind::Io(_) | ErrorKind::ConnectionPoolCleared { .. } => {
                Self::Unavailable(err.to_string())
            }
            _ => Self::Other(err.into()),
        }
    }
}

#[cfg(feature = "mongodb")]
impl From<bson::de::Error> for StorageError {
    fn from(err: bson::de::Error) -> Self {
        Self::Corrupt(err.to_string())
    }
}

#[cfg(feature = "mongodb")]
impl From<bson::ser::Error> for StorageError {
    fn from(err: bson::ser::Error) -> Self {
        Self::Other(err.into())
    }
}
