//! Shared storage plumbing: choosing a backend from a URL, pools and clients, migrations,
//! health pings and the storage error type. Stores themselves (one trait per aggregate, one
//! module per backend) live with the module that owns the data.

mod error;
#[cfg(feature = "mongodb")]
pub mod mongo;
pub mod pick;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod sql;
pub mod testing;

use std::{collections::HashMap, fmt, time::Duration};

use chrono::{DateTime, SubsecRound, Utc};
pub use error::{StorageError, StoreResult};

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mongodb")))]
compile_error!("CareChat needs at least one storage backend feature: sqlite, postgres or mongodb");

/// The backends a store URL can name, whether or not this build includes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// `sqlite:` URLs: an embedded file.
    Sqlite,
    /// `postgres://` or `postgresql://` URLs.
    Postgres,
    /// `mongodb://` or `mongodb+srv://` URLs.
    MongoDb,
}

impl BackendKind {
    /// Picks the backend from the URL scheme.
    pub fn from_url(url: &str) -> StoreResult<Self> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            "mongodb" | "mongodb+srv" => Ok(Self::MongoDb),
            _ => Err(StorageError::Config(format!(
                "unsupported URL scheme `{scheme}` (expected sqlite:, postgres:// or mongodb://)"
            ))),
        }
    }

    /// Name of the Cargo feature that compiles this backend in.
    pub fn feature(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::MongoDb => "mongodb",
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.feature())
    }
}

/// A connected backend; cheap to clone (pools and clients are shared handles).
#[derive(Clone, Debug)]
pub enum Backend {
    /// Embedded SQLite file.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL server.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    /// MongoDB database.
    #[cfg(feature = "mongodb")]
    Mongo(mongodb::Database),
}

impl Backend {
    /// Connects to the backend the URL's scheme names; fails when that backend was not built in.
    pub async fn connect(url: &str, pool: PoolSettings) -> StoreResult<Self> {
        let kind = BackendKind::from_url(url)?;
        match kind {
            #[cfg(feature = "sqlite")]
            BackendKind::Sqlite => Ok(Self::Sqlite(sql::connect_sqlite(url, pool).await?)),
            #[cfg(feature = "postgres")]
            BackendKind::Postgres => Ok(Self::Postgres(sql::connect_postgres(url, pool).await?)),
            #[cfg(feature = "mongodb")]
            BackendKind::MongoDb => Ok(Self::Mongo(mongo::connect(url).await?)),
            #[allow(unreachable_patterns)]
            other => {
                let _ = pool;
                Err(StorageError::Config(format!("this binary was built without feature `{}`", other.feature())))
            }
        }
    }

    /// Which backend this is.
    pub fn kind(&self) -> BackendKind {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(_) => BackendKind::Sqlite,
            #[cfg(feature = "postgres")]
            Self::Postgres(_) => BackendKind::Postgres,
            #[cfg(feature = "mongodb")]
            Self::Mongo(_) => BackendKind::MongoDb,
        }
    }

    /// Applies SQL migrations; MongoDB collections and indexes are created by each store's
    /// `ensure_indexes`, as only the owning module knows them.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(pool) => sql::migrate_sqlite(pool).await,
            #[cfg(feature = "postgres")]
            Self::Postgres(pool) => sql::migrate_postgres(pool).await,
            #[cfg(feature = "mongodb")]
            Self::Mongo(_) => Ok(()),
        }
    }

    /// Proves the backend answers.
    pub async fn ping(&self) -> StoreResult<()> {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(pool) => sqlx::query("select 1").execute(pool).await.map(drop).map_err(Into::into),
            #[cfg(feature = "postgres")]
            Self::Postgres(pool) => sqlx::query("select 1").execute(pool).await.map(drop).map_err(Into::into),
            #[cfg(feature = "mongodb")]
            Self::Mongo(db) => mongo::ping(db).await,
        }
    }
}

/// Pool sizing for every backend.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Upper bound of open connections per distinct database.
    pub max_connections: u32,
    /// How long an operation waits for a connection.
    pub acquire_timeout: Duration,
}

/// The logical stores a deployment configures, each with its own URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreName {
    /// Users, refresh tokens, audit trail.
    Identity,
    /// Feedback and reminders.
    Track1,
    /// Conversations and messages.
    Track2,
    /// Blood bank.
    Track3,
    /// System analytics.
    Analytics,
}

impl StoreName {
    /// Every store, in configuration order.
    pub const ALL: [Self; 5] = [Self::Identity, Self::Track1, Self::Track2, Self::Track3, Self::Analytics];

    /// The configuration key (`storage.<name>`) and report name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Track1 => "track1",
            Self::Track2 => "track2",
            Self::Track3 => "track3",
            Self::Analytics => "analytics",
        }
    }
}

/// Every configured store, connected. Stores that share a URL share one pool/client, and
/// each distinct database is migrated once.
#[derive(Clone, Debug)]
pub struct Stores {
    by_name: HashMap<StoreName, Backend>,
    distinct: Vec<Backend>,
}

impl Stores {
    /// Connects every store in `urls`, reusing one connection per distinct URL.
    pub async fn connect(urls: &[(StoreName, String)], pool: PoolSettings) -> Result<Self, StoreConnectError> {
        let mut by_url: HashMap<&str, Backend> = HashMap::new();
        let mut by_name = HashMap::new();
        let mut distinct = Vec::new();
        for (name, url) in urls {
            let backend = match by_url.get(url.as_str()) {
                Some(backend) => backend.clone(),
                None => {
                    let backend = Backend::connect(url, pool).await.map_err(|source| StoreConnectError {
                        store: *name,
                        url: redact_url(url),
                        source,
                    })?;
                    by_url.insert(url, backend.clone());
                    distinct.push(backend.clone());
                    backend
                }
            };
            by_name.insert(*name, backend);
        }
        Ok(Self { by_name, distinct })
    }

    /// The backend of one store.
    ///
    /// # Panics
    /// Never for stores passed to [`Stores::connect`]; the application always connects all of them.
    pub fn get(&self, name: StoreName) -> &Backend {
        #[allow(clippy::expect_used)]
        self.by_name.get(&name).expect("every store is connected at start-up")
    }

    /// Runs SQL migrations on every distinct SQL database.
    pub async fn migrate(&self) -> StoreResult<()> {
        for backend in &self.distinct {
            backend.migrate().await?;
        }
        Ok(())
    }

    /// Pings every store (each distinct database once) and reports per store name.
    pub async fn readiness(&self) -> Vec<(StoreName, Result<(), String>)> {
        let mut report = Vec::new();
        for name in StoreName::ALL {
            if let Some(backend) = self.by_name.get(&name) {
                let result = tokio::time::timeout(Duration::from_secs(3), backend.ping()).await;
                let outcome = match result {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err("ping timed out after 3s".to_owned()),
                };
                report.push((name, outcome));
            }
        }
        report
    }
}

/// A store that could not be connected at start-up.
#[derive(Debug, thiserror::Error)]
#[error("storage.{}: cannot connect to {url}", store.as_str())]
pub struct StoreConnectError {
    /// Which store.
    pub store: StoreName,
    /// Its URL with any password removed.
    pub url: String,
    /// Why.
    #[source]
    pub source: StorageError,
}

/// Removes the password from a URL before it is logged or shown.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The current time at the precision every backend keeps (milliseconds: BSON dates), so a
/// record reads back equal to what was written on every backend.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_picks_the_backend() {
        assert_eq!(BackendKind::from_url("sqlite://data/x.db").ok(), Some(BackendKind::Sqlite));
        assert_eq!(BackendKind::from_url("postgresql://u@h/db").ok(), Some(BackendKind::Postgres));
        assert_eq!(BackendKind::from_url("mongodb+srv://h/db").ok(), Some(BackendKind::MongoDb));
        assert!(BackendKind::from_url("mysql://h/db").is_err());
    }

    #[test]
    fn redaction_hides_passwords_only() {
        assert_eq!(redact_url("postgres://app:s3cret@db:5432/cc"), "postgres://app:***@db:5432/cc");
        assert_eq!(redact_url("sqlite://data/carechat.db"), "sqlite://data/carechat.db");
    }
}
