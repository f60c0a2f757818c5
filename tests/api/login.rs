//! `POST /api/v1/auth/login`: identifiers, indistinguishable failures, throttling and
//! deactivated accounts.

use serde_json::json;

use crate::helpers::{expect_json, expect_problem, header_of, unique_phone, TestApp, PASSWORD};

#[actix_web::test]
async fn login_works_by_phone_and_by_email_in_any_case() {
    let Some(app) = TestApp::spawn().await else { return };
    let phone = unique_phone();
    let body =
        json!({"fullName": "Amina", "phoneNumber": phone, "email": "amina@clinic.example", "password": PASSWORD});
    expect_json(app.register(&body).await, 201).await;

    let (_, _, user) = app.login_ok(&phone, PASSWORD).await;
    assert_eq!(user["phoneNumber"], phone);
    assert_eq!(user["loginHistory"].as_array().map(Vec::len), Some(2), "registration + this login: {user}");

    let (token, _, by_email) = app.login_ok("Amina@CLINIC.example", PASSWORD).await;
    assert_eq!(by_email["userId"], user["userId"]);
    assert_eq!(by_email["loginHistory"].as_array().map(Vec::len), Some(3));
    let me = expect_json(app.send(app.get("/api/v1/auth/me", Some(&token))).await, 200).await;
    assert_eq!(me["loginHistory"].as_array().map(Vec::len), Some(3), "the history is stored: {me}");
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_account_look_the_same() {
    let Some(app) = TestApp::spawn().await else { return };
    let (_, _, user) = app.register_patient().await;
    let phone = user["phoneNumber"].as_str().unwrap();

    let wrong = expect_problem(app.login(phone, "not-the-password").await, 401, "invalid_credentials").await;
    let unknown = expect_problem(app.login(&unique_phone(), PASSWORD).await, 401, "invalid_credentials").await;
    let not_a_phone =
        expect_problem(app.login("nobody@clinic.example", PASSWORD).await, 401, "invalid_credentials").await;
    assert_eq!(wrong, unknown, "nothing tells which accounts exist");
    assert_eq!(wrong, not_a_phone);
}

#[actix_web::test]
async fn the_attempt_after_the_per_account_limit_is_429_with_retry_after() {
    let limit = [("CARECHAT_AUTH__LOGIN_ATTEMPTS_PER_MINUTE_PER_ACCOUNT", "3")];
    let Some(app) = TestApp::spawn_with(&limit).await else { return };
    let (_, _, user) = app.register_patient().await;
    let phone = user["phoneNumber"].as_str().unwrap();
    for _ in 0..3 {
        expect_problem(app.login(phone, "not-the-password").await, 401, "invalid_credentials").await;
    }
    // Even the right password waits now.
    let response = app.login(phone, PASSWORD).await;
    let retry_after = header_of(&response, "retry-after").expect("a Retry-After header");
    let seconds: u64 = retry_after.parse().expect("Retry-After in seconds");
    assert!((1..=60).contains(&seconds), "Retry-After: {seconds}");
    expect_problem(response, 429, "rate_limited").await;

    // Other accounts are not affected.
    let (_, _, other) = app.register_patient().await;
    app.login_ok(other["phoneNumber"].as_str().unwrap(), PASSWORD).await;
}

#[actix_web::test]
async fn a_deactivated_account_can_neither_log_in_nor_refresh() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let (_, refresh, user) = app.register_patient().await;
    let path = format!("/api/v1/admin/users/{}", user["userId"].as_str().unwrap());

    let updated = expect_json(app.send(app.patch(&path, Some(&admin), &json!({"isActive": false}))).await, 200).await;
    assert_eq!(updated["isActive"], false);

    let phone = user["phoneNumber"].as_str().unwrap();
    expect_problem(app.login(phone, PASSWORD).await, 403, "account_deactivated").await;
    // A wrong password still says only that the credentials are wrong.
    expect_problem(app.login(phone, "not-the-password").await, 401, "invalid_credentials").await;
    let problem = expect_json(app.refresh(&refresh).await, 401).await;
    assert!(problem["code"].as_str().is_some_and(|c| c.starts_with("refresh_token_")), "{problem}");

    // Reactivated, the account logs in again.
    expect_json(app.send(app.patch(&path, Some(&admin), &json!({"isActive": true}))).await, 200).await;
    app.login_ok(phone, PASSWORD).await;
}
