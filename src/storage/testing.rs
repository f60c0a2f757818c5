//! Fresh, isolated backends for tests: a temporary SQLite file, a new PostgreSQL database
//! (`CARECHAT_TEST_POSTGRES_URL`, an account allowed to create databases; see [`postgres`]
//! for how they are made and cleaned up), or a new MongoDB database
//! (`CARECHAT_TEST_MONGODB_URI`). A server backend without its URL is skipped (`None`) —
//! unless `CARECHAT_REQUIRE_POSTGRES=1`, as in CI, where that is a failure. Everything is
//! dropped again when the value is (a PostgreSQL database is closed at once, dropped soon after).

use std::path::PathBuf;

use uuid::Uuid;

use super::{Backend, BackendKind, PoolSettings};

#[cfg(feature = "postgres")]
mod postgres;

/// Variable naming a PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "CARECHAT_TEST_POSTGRES_URL";
/// Variable naming a MongoDB deployment for tests.
pub const MONGODB_URL_VAR: &str = "CARECHAT_TEST_MONGODB_URI";
/// Set to `1` to make a missing PostgreSQL a failure instead of a skip.
pub const REQUIRE_POSTGRES_VAR: &str = "CARECHAT_REQUIRE_POSTGRES";

/// A backend that exists for one test.
pub struct TestBackend {
    /// URL of the fresh database (to configure an application with).
    pub url: String,
    /// Connected and migrated.
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Postgres {
        admin_url: String,
        database: String,
    },
    #[cfg_attr(not(feature = "mongodb"), allow(dead_code))]
    Mongo {
        url: String,
        database: String,
    },
}

fn pool() -> PoolSettings {
    PoolSettings { max_connections: 5, acquire_timeout: std::time::Duration::from_secs(10) }
}

fn unique_name() -> String {
    format!("t_{}", Uuid::new_v4().simple())
}

impl TestBackend {
    /// A fresh backend of `kind`, or `None` when that server is not available to tests.
    ///
    /// # Panics
    /// When the backend is configured (or required) but cannot be set up: a broken test
    /// environment must not pass silently.
    pub async fn new(kind: BackendKind) -> Option<Self> {
        let fresh = match kind {
            BackendKind::Sqlite => Some(Self::sqlite().await),
            BackendKind::Postgres => Self::postgres().await,
            BackendKind::MongoDb => Self::mongo().await,
        };
        if let Some(test) = &fresh {
            #[allow(clippy::expect_used)]
            test.backend.migrate().await.expect("migrating the test database");
        }
        fresh
    }

    /// The backend chosen by `TEST_BACKEND` (`sqlite` by default, `postgres`, `mongodb`).
    pub async fn from_env() -> Option<Self> {
        let kind = match std::env::var("TEST_BACKEND").as_deref() {
            Ok("postgres") => BackendKind::Postgres,
            Ok("mongodb" | "mongo") => BackendKind::MongoDb,
            _ => BackendKind::Sqlite,
        };
        Self::new(kind).await
    }

    #[allow(clippy::expect_used)]
    async fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("carechat-{}.db", unique_name()));
        let url = format!("sqlite://{}", path.display());
        let backend = Backend::connect(&url, pool()).await.expect("opening a temporary SQLite file");
        Self { url, backend, cleanup: Cleanup::File(path) }
    }

    #[cfg(not(feature = "postgres"))]
    async fn postgres() -> Option<Self> {
        None
    }

    #[cfg(feature = "postgres")]
    #[allow(clippy::expect_used, clippy::panic)]
    async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
            if std::env::var(REQUIRE_POSTGRES_VAR).as_deref() == Ok("1") {
                panic!("{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set");
            }
            eprintln!("skipping PostgreSQL: set {POSTGRES_URL_VAR} (bash .ci/run does)");
            return None;
        };
        if BackendKind::from_url(&admin_url).ok() != Some(BackendKind::Postgres) {
            panic!("{POSTGRES_URL_VAR} must be a postgres:// URL");
        }
        let database = postgres::create_database(&admin_url).await.expect("creating a test database");
        let mut url = url::Url::parse(&admin_url).expect("a valid PostgreSQL URL");
        url.set_path(&database);
        let backend = Backend::connect(url.as_str(), pool()).await.expect("connecting to the test database");
        Some(Self { url: url.to_string(), backend, cleanup: Cleanup::Postgres { admin_url, database } })
    }

    #[cfg(not(feature = "mongodb"))]
    async fn mongo() -> Option<Self> {
        None
    }

    #[cfg(feature = "mongodb")]
    #[allow(clippy::expect_used)]
    async fn mongo() -> Option<Self> {
        let Ok(base) = std::env::var(MONGODB_URL_VAR) else {
            eprintln!("skipping MongoDB: set {MONGODB_URL_VAR} to run against a real server");
            return None;
        };
        let database = unique_name();
        let mut url = url::Url::parse(&base).expect("a valid MongoDB URL");
        url.set_path(&database);
        let backend = Backend::connect(url.as_str(), pool()).await.expect("connecting to the test MongoDB");
        Some(Self { url: url.to_string(), backend, cleanup: Cleanup::Mongo { url: base, database } })
    }
}

impl Drop for TestBackend {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, database } => retire_postgres(admin_url.clone(), database.clone()),
            Cleanup::Mongo { url, database } => drop_mongo(url.clone(), database.clone()),
        }
    }
}

#[cfg(feature = "postgres")]
use postgres::retire as retire_postgres;

#[cfg(not(feature = "postgres"))]
fn retire_postgres(_admin_url: String, _database: String) {}

#[cfg(feature = "mongodb")]
fn drop_mongo(url: String, database: String) {
    let _ = std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        runtime.block_on(async move {
            if let Ok(client) = mongodb::Client::with_uri_str(&url).await {
                let _ = client.database(&database).drop().await;
            }
        });
    })
    .join();
}

#[cfg(not(feature = "mongodb"))]
fn drop_mongo(_url: String, _database: String) {}
