//! SQL plumbing shared by the SQLite and PostgreSQL backends: pools and migrations.
//!
//! One linear migration history per dialect covers every track (a sqlx migrator expects one
//! ordered set per database), so every SQL database has every table; a track that is switched
//! off leaves its tables unused.

use std::str::FromStr;

use super::{PoolSettings, StorageError, StoreResult};

/// Opens (creating file and folder when missing) a SQLite database in WAL mode.
#[cfg(feature = "sqlite")]
pub async fn connect_sqlite(url: &str, pool: PoolSettings) -> StoreResult<sqlx::SqlitePool> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| StorageError::Config(format!("invalid SQLite URL: {e}")))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(std::time::Duration::from_secs(10))
        .foreign_keys(true);
    if let Some(dir) = std::path::Path::new(options.get_filename()).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .map_err(|e| StorageError::Config(format!("cannot create {}: {e}", dir.display())))?;
        }
    }
    Ok(SqlitePoolOptions::new()
        .max_connections(pool.max_connections)
        .acquire_timeout(pool.acquire_timeout)
        .connect_with(options)
        .await?)
}

/// Connects to PostgreSQL, failing fast when the server cannot be reached.
#[cfg(feature = "postgres")]
pub async fn connect_postgres(url: &str, pool: PoolSettings) -> StoreResult<sqlx::PgPool> {
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    let options =
        PgConnectOptions::from_str(url).map_err(|e| StorageError::Config(format!("invalid PostgreSQL URL: {e}")))?;
    PgPoolOptions::new()
        .max_connections(pool.max_connections)
        .acquire_timeout(pool.acquire_timeout)
        .connect_with(options)
        .await
        .map_err(|e| StorageError::Unavailable(e.to_string()))
}

/// Applies the SQLite migrations embedded in the binary.
#[cfg(feature = "sqlite")]
pub async fn migrate_sqlite(pool: &sqlx::SqlitePool) -> StoreResult<()> {
    Ok(sqlx::migrate!("./migrations/sqlite").run(pool).await?)
}

/// The PostgreSQL migrations embedded in the binary.
#[cfg(feature = "postgres")]
pub static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Applies the PostgreSQL migrations embedded in the binary.
#[cfg(feature = "postgres")]
pub async fn migrate_postgres(pool: &sqlx::PgPool) -> StoreResult<()> {
    Ok(POSTGRES_MIGRATIONS.run(pool).await?)
}
