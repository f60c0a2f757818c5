//! `conformance!` expands a list of backend-agnostic cases into one test per case and backend,
//! each on a fresh database from `carechat::storage::testing`.

/// `conformance!(build_fn, [case, ...])`: `async fn build_fn(&Backend) -> S` and each
/// `async fn case(stores: &S)` live in the invoking module.
macro_rules! conformance {
    ($build:ident, [$($case:ident),* $(,)?]) => {
        #[cfg(feature = "sqlite")]
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    conformance!(@run $build, $case, carechat::storage::BackendKind::Sqlite);
                }
            )*
        }
        #[cfg(feature = "postgres")]
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    conformance!(@run $build, $case, carechat::storage::BackendKind::Postgres);
                }
            )*
        }
        #[cfg(feature = "mongodb")]
        mod mongodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    conformance!(@run $build, $case, carechat::storage::BackendKind::MongoDb);
                }
            )*
        }
    };
    (@run $build:ident, $case:ident, $kind:expr) => {
        let Some(test) = carechat::storage::testing::TestBackend::new($kind).await else { return };
        let stores = super::$build(&test.backend).await;
        super::$case(&stores).await;
    };
}
