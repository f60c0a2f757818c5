//! A path that fits a concrete template and a templated one belongs to the concrete one, as in
//! OpenAPI: `PATCH /reminders/inbox` is a 405 (the inbox is read-only), not a malformed
//! reminder id, and `OPTIONS /reminders/{id}/preview` lists only what the preview accepts.

use crate::{
    helpers::{expect_problem, header_of, TestApp},
    reminders::NO_ENGINE,
};

#[actix_web::test]
async fn concrete_paths_answer_405_with_their_own_methods() {
    let Some(app) = TestApp::spawn_with(&[NO_ENGINE]).await else { return };
    let (token, _, _) = app.register_patient().await;

    let inbox = app.client.patch(app.url("/api/v1/reminders/inbox")).bearer_auth(&token).json(&serde_json::json!({}));
    let response = app.send(inbox).await;
    assert_eq!(header_of(&response, "allow").as_deref(), Some("GET"));
    expect_problem(response, 405, "method_not_allowed").await;

    let preview = app
        .client
        .request(reqwest::Method::OPTIONS, app.url(&format!("/api/v1/reminders/{}/preview", uuid::Uuid::now_v7())));
    let response = app.send(preview).await;
    assert_eq!(header_of(&response, "allow").as_deref(), Some("GET"), "not the POST of /reminders/{{id}}/{{action}}");
    expect_problem(response, 405, "method_not_allowed").await;

    let malformed =
        app.client.patch(app.url("/api/v1/reminders/not-a-uuid")).bearer_auth(&token).json(&serde_json::json!({}));
    expect_problem(app.send(malformed).await, 400, "invalid_path_parameter").await;
}
