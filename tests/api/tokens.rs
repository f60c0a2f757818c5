//! Refresh-token rotation, reuse detection, logout and password changes.

use serde_json::json;

use crate::helpers::{expect_json, expect_problem, pointers, TestApp, PASSWORD};

#[actix_web::test]
async fn refresh_rotates_and_a_replayed_token_revokes_its_family() {
    let Some(app) = TestApp::spawn().await else { return };
    let (_, first, user) = app.register_patient().await;

    let rotated = expect_json(app.refresh(&first).await, 200).await;
    let second = rotated["refreshToken"].as_str().unwrap();
    assert_ne!(second, first, "a new refresh token each time");
    assert_eq!(rotated["user"]["userId"], user["userId"]);
    let access = rotated["accessToken"].as_str().unwrap();
    expect_json(app.send(app.get("/api/v1/auth/me", Some(access))).await, 200).await;

    // The spent token comes back: someone copied it. The whole family goes.
    expect_problem(app.refresh(&first).await, 401, "refresh_token_reused").await;
    let problem = expect_json(app.refresh(second).await, 401).await;
    assert!(problem["code"].as_str().is_some_and(|c| c.starts_with("refresh_token_")), "{problem}");
}

#[actix_web::test]
async fn a_replay_revokes_only_its_own_login() {
    let Some(app) = TestApp::spawn().await else { return };
    let (_, phone_session, user) = app.register_patient().await;
    let (_, laptop_session, _) = app.login_ok(user["phoneNumber"].as_str().unwrap(), PASSWORD).await;

    expect_json(app.refresh(&phone_session).await, 200).await;
    expect_problem(app.refresh(&phone_session).await, 401, "refresh_token_reused").await;
    expect_json(app.refresh(&laptop_session).await, 200).await;
}

#[actix_web::test]
async fn after_logout_the_refresh_token_is_invalid() {
    let Some(app) = TestApp::spawn().await else { return };
    let (_, refresh, _) = app.register_patient().await;
    let logout = app.post("/api/v1/auth/logout", None, &json!({"refreshToken": refresh}));
    assert_eq!(app.send(logout).await.status(), 204);
    expect_problem(app.refresh(&refresh).await, 401, "refresh_token_invalid").await;
    // Logging out again, or with a token nobody issued, is harmless.
    let again = app.post("/api/v1/auth/logout", None, &json!({"refreshToken": refresh}));
    assert_eq!(app.send(again).await.status(), 204);
    let unknown = app.post("/api/v1/auth/logout", None, &json!({"refreshToken": "never-issued-token"}));
    assert_eq!(app.send(unknown).await.status(), 204);
    expect_problem(app.refresh("never-issued-token").await, 401, "refresh_token_invalid").await;
}

// serde would read `["token"]` as the one-field body; the document says object.
#[actix_web::test]
async fn a_body_that_is_not_an_object_is_refused_and_changes_nothing() {
    let Some(app) = TestApp::spawn().await else { return };
    let (_, refresh, _) = app.register_patient().await;
    let logout = app.post("/api/v1/auth/logout", None, &json!([refresh]));
    let problem = expect_problem(app.send(logout).await, 422, "validation_failed").await;
    assert_eq!(pointers(&problem), [""]);
    expect_json(app.refresh(&refresh).await, 200).await;
}

// Logout revokes without spending: a later use is "invalid", not a replay (no false theft alarm).
#[actix_web::test]
async fn after_logout_refresh_says_invalid_not_reused() {
    let Some(app) = TestApp::spawn().await else { return };
    let (_, refresh, _) = app.register_patient().await;
    let logout = app.post("/api/v1/auth/logout", None, &json!({"refreshToken": refresh}));
    assert_eq!(app.send(logout).await.status(), 204);
    expect_problem(app.refresh(&refresh).await, 401, "refresh_token_invalid").await;
}

#[actix_web::test]
async fn changing_the_password_ends_every_session() {
    let Some(app) = TestApp::spawn().await else { return };
    let (access, refresh, user) = app.register_patient().await;
    let phone = user["phoneNumber"].as_str().unwrap();
    let path = "/api/v1/auth/me/password";

    let wrong = json!({"currentPassword": "not-the-password", "newPassword": "meadow-lantern-77"});
    expect_problem(app.send(app.post(path, Some(&access), &wrong)).await, 422, "wrong_current_password").await;
    let weak = json!({"currentPassword": PASSWORD, "newPassword": "password123"});
    let problem = expect_problem(app.send(app.post(path, Some(&access), &weak)).await, 422, "validation_failed").await;
    assert_eq!(pointers(&problem), ["/newPassword"]);

    let change = json!({"currentPassword": PASSWORD, "newPassword": "meadow-lantern-77"});
    assert_eq!(app.send(app.post(path, Some(&access), &change)).await.status(), 204);
    expect_problem(app.refresh(&refresh).await, 401, "refresh_token_invalid").await;
    expect_problem(app.login(phone, PASSWORD).await, 401, "invalid_credentials").await;
    app.login_ok(phone, "meadow-lantern-77").await;
}
