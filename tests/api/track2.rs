//! Track 2's scope as mounted by the gateway.

use crate::helpers::{expect_json, expect_problem, TestApp};

#[actix_web::test]
async fn conversation_types_need_a_token_and_list_three() {
    let Some(app) = TestApp::spawn().await else { return };
    let path = "/api/v1/chat/conversation-types";
    expect_problem(app.send(app.get(path, None)).await, 401, "authentication_required").await;
    let (token, _, _) = app.register_patient().await;
    let types = expect_json(app.send(app.get(path, Some(&token))).await, 200).await;
    let names: Vec<&str> = types.as_array().unwrap().iter().map(|t| t["conversationType"].as_str().unwrap()).collect();
    assert_eq!(names, ["chat", "feedback", "reminder_feedback"]);
}
