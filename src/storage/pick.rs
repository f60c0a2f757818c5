//! The one place that picks an aggregate's implementation for the connected backend. Each
//! aggregate (`IdentityStores`, `Track1Stores`, …) implements [`BuildOn`] once in its `sql`
//! module, for any sqlx pool, and once in its `mongo` module; [`build`] and [`ensure_indexes`]
//! hold the `match` on [`Backend`] and its feature gates, so no store module repeats them.

use std::future::Future;

use super::{Backend, StoreResult};

/// An aggregate's stores on one backend's handle `H` (a sqlx pool, a MongoDB database).
pub trait BuildOn<H>: Sized {
    /// The stores on `handle`.
    fn build_on(handle: &H) -> Self;

    /// Creates what the stores need and migrations do not create: the MongoDB implementations
    /// override this to create their indexes; SQL schemas come from the migrations.
    fn ensure_indexes(handle: &H) -> impl Future<Output = StoreResult<()>> + Send {
        let _ = handle;
        async { Ok(()) }
    }
}

/// The handle of a backend this binary was built without. It has no values, so nothing is
/// ever built on it; it lets [`StoreSet`] name three handles in every feature combination.
#[derive(Debug)]
pub enum Absent {}

impl<S> BuildOn<Absent> for S {
    fn build_on(handle: &Absent) -> Self {
        match *handle {}
    }
}

/// What a `sqlite:` URL connects to in this build.
#[cfg(feature = "sqlite")]
pub type SqliteHandle = sqlx::SqlitePool;
/// What a `sqlite:` URL connects to in this build.
#[cfg(not(feature = "sqlite"))]
pub type SqliteHandle = Absent;
/// What a `postgres://` URL connects to in this build.
#[cfg(feature = "postgres")]
pub type PostgresHandle = sqlx::PgPool;
/// What a `postgres://` URL connects to in this build.
#[cfg(not(feature = "postgres"))]
pub type PostgresHandle = Absent;
/// What a `mongodb://` URL connects to in this build.
#[cfg(feature = "mongodb")]
pub type MongoHandle = mongodb::Database;
/// What a `mongodb://` URL connects to in this build.
#[cfg(not(feature = "mongodb"))]
pub type MongoHandle = Absent;

/// An aggregate built on every backend this binary includes.
pub trait StoreSet: BuildOn<SqliteHandle> + BuildOn<PostgresHandle> + BuildOn<MongoHandle> {}

impl<S> StoreSet for S where S: BuildOn<SqliteHandle> + BuildOn<PostgresHandle> + BuildOn<MongoHandle> {}

/// The implementation of `S` for `backend`.
pub fn build<S: StoreSet>(backend: &Backend) -> S {
    match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(pool) => S::build_on(pool),
        #[cfg(feature = "postgres")]
        Backend::Postgres(pool) => S::build_on(pool),
        #[cfg(feature = "mongodb")]
        Backend::Mongo(db) => S::build_on(db),
    }
}

/// Creates the indexes `S` needs on `backend` (nothing on SQL backends).
pub async fn ensure_indexes<S: StoreSet>(backend: &Backend) -> StoreResult<()> {
    match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(pool) => S::ensure_indexes(pool).await,
        #[cfg(feature = "postgres")]
        Backend::Postgres(pool) => S::ensure_indexes(pool).await,
        #[cfg(feature = "mongodb")]
        Backend::Mongo(db) => S::ensure_indexes(db).await,
    }
}

// Both implementations are needed to see one picked over the other.
#[cfg(all(test, feature = "sqlite", feature = "mongodb"))]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::storage::PoolSettings;

    /// Which implementation [`build`] picked.
    #[derive(Debug, PartialEq)]
    enum Built {
        Sql,
        Mongo,
    }

    impl<DB: sqlx::Database> BuildOn<sqlx::Pool<DB>> for Built {
        fn build_on(_: &sqlx::Pool<DB>) -> Self {
            Self::Sql
        }
    }

    impl BuildOn<mongodb::Database> for Built {
        fn build_on(_: &mongodb::Database) -> Self {
            Self::Mongo
        }

        async fn ensure_indexes(_: &mongodb::Database) -> StoreResult<()> {
            Err(crate::storage::StorageError::Config("MongoDB indexes asked for".to_owned()))
        }
    }

    fn pool() -> PoolSettings {
        PoolSettings { max_connections: 1, acquire_timeout: Duration::from_secs(5) }
    }

    #[tokio::test]
    async fn a_sql_backend_gets_the_sql_implementation_and_no_indexes() {
        let backend = Backend::connect("sqlite::memory:", pool()).await.unwrap();
        assert_eq!(build::<Built>(&backend), Built::Sql);
        assert!(ensure_indexes::<Built>(&backend).await.is_ok());
    }

    #[tokio::test]
    async fn a_mongodb_backend_gets_the_mongodb_implementation_and_its_indexes() {
        // The driver connects lazily: no server is needed to pick the implementation.
        let backend = Backend::connect("mongodb://127.0.0.1:1/picked", pool()).await.unwrap();
        assert_eq!(build::<Built>(&backend), Built::Mongo);
        assert!(ensure_indexes::<Built>(&backend).await.is_err());
    }
}
