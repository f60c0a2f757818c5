//! Readiness names the store that stopped answering.

use carechat::storage::{testing::TestBackend, BackendKind};

use crate::helpers::{expect_json, TestApp};

#[actix_web::test]
async fn readiness_is_503_and_names_a_store_that_went_away() {
    // The analytics store lives in a PostgreSQL database of its own, dropped while the
    // server runs; every other store stays on the TEST_BACKEND database.
    let Some(analytics) = TestBackend::new(BackendKind::Postgres).await else { return };
    let url = analytics.url.clone();
    let Some(app) = TestApp::spawn_with(&[("CARECHAT_STORAGE__ANALYTICS", &url)]).await else { return };
    let ready = expect_json(app.send(app.get("/health/ready", None)).await, 200).await;
    assert_eq!(ready["stores"]["analytics"], "ok");

    drop(analytics);
    let ready = expect_json(app.send(app.get("/health/ready", None)).await, 503).await;
    assert_eq!(ready["status"], "unavailable");
    assert_ne!(ready["stores"]["analytics"], "ok", "{ready}");
    assert_eq!(ready["stores"]["identity"], "ok", "the other stores still answer: {ready}");
    // Liveness is about the process, not its stores.
    expect_json(app.send(app.get("/health/live", None)).await, 200).await;
}
