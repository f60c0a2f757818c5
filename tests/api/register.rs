//! `POST /api/v1/auth/register` and the body checks every JSON endpoint shares.

use serde_json::json;

use crate::helpers::{expect_json, expect_problem, pointers, unique_phone, TestApp, PASSWORD, USER_AGENT};

#[actix_web::test]
async fn registration_returns_tokens_and_a_patient_account() {
    let Some(app) = TestApp::spawn().await else { return };
    let phone = unique_phone();
    let body = json!({"fullName": "Amina Uwase", "phoneNumber": phone, "password": PASSWORD});
    let session = expect_json(app.register(&body).await, 201).await;

    assert_eq!(session["tokenType"], "Bearer");
    assert_eq!(session["expiresIn"], 900);
    assert!(session["accessToken"].as_str().is_some_and(|t| t.split('.').count() == 3), "a JWT: {session}");
    assert!(session["refreshToken"].as_str().is_some_and(|t| t.len() >= 32), "{session}");
    let user = &session["user"];
    assert_eq!(user["userType"], "patient");
    assert_eq!(user["role"], "patient");
    assert_eq!(user["trackOrigin"], "track1");
    assert_eq!(user["fullName"], "Amina Uwase");
    assert_eq!(user["phoneNumber"], phone);
    assert_eq!(user["preferredLanguage"], "en");
    assert_eq!(user["isActive"], true);
    assert_eq!(user["isVerified"], false);
    assert_eq!(user["loginHistory"].as_array().map(Vec::len), Some(1), "{user}");
    assert_eq!(user["loginHistory"][0]["userAgent"], USER_AGENT);
    assert!(user["lastLogin"].is_string());
    assert!(user.get("passwordHash").is_none() && !session.to_string().contains("argon2"), "no hash leaks");

    let token = session["accessToken"].as_str().unwrap();
    let me = expect_json(app.send(app.get("/api/v1/auth/me", Some(token))).await, 200).await;
    assert_eq!(me["userId"], user["userId"]);
}

#[actix_web::test]
async fn a_registered_phone_number_is_409_phone_taken() {
    let Some(app) = TestApp::spawn().await else { return };
    let (_, _, user) = app.register_patient().await;
    let body = json!({"fullName": "Someone Else", "phoneNumber": user["phoneNumber"], "password": PASSWORD});
    let problem = expect_problem(app.register(&body).await, 409, "phone_taken").await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("phone")), "{problem}");
}

#[actix_web::test]
async fn a_registered_email_in_another_case_is_409_email_taken() {
    let Some(app) = TestApp::spawn().await else { return };
    let first = json!({"fullName": "Amina", "phoneNumber": unique_phone(), "email": "amina@clinic.example", "password": PASSWORD});
    let user = expect_json(app.register(&first).await, 201).await;
    assert_eq!(user["user"]["email"], "amina@clinic.example");
    let second = json!({"fullName": "Other", "phoneNumber": unique_phone(), "email": "AMINA@Clinic.Example", "password": PASSWORD});
    expect_problem(app.register(&second).await, 409, "email_taken").await;
}

#[actix_web::test]
async fn an_invalid_registration_lists_every_failing_field() {
    let Some(app) = TestApp::spawn().await else { return };
    let body = json!({
        "fullName": "",
        "phoneNumber": "0788123456",
        "email": "not-an-email",
        "password": "short",
        "preferredLanguage": "english"
    });
    let problem = expect_problem(app.register(&body).await, 422, "validation_failed").await;
    let mut found = pointers(&problem);
    found.sort();
    assert_eq!(found, ["/email", "/fullName", "/password", "/phoneNumber", "/preferredLanguage"], "{problem}");
    for error in problem["errors"].as_array().unwrap() {
        assert!(error["code"].is_string() && error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    }
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let Some(app) = TestApp::spawn().await else { return };
    let request = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(r#"{"fullName": "Amina", "#);
    expect_problem(app.send(request).await, 400, "malformed_json").await;
}

#[actix_web::test]
async fn a_field_of_the_wrong_type_is_422_naming_it() {
    let Some(app) = TestApp::spawn().await else { return };
    let body = json!({"fullName": 7, "phoneNumber": unique_phone(), "password": PASSWORD});
    let problem = expect_problem(app.register(&body).await, 422, "validation_failed").await;
    assert_eq!(pointers(&problem), ["/fullName"], "{problem}");
}

#[actix_web::test]
async fn an_unknown_field_is_422() {
    let Some(app) = TestApp::spawn().await else { return };
    let body = json!({"fullName": "Amina", "phoneNumber": unique_phone(), "password": PASSWORD, "role": "admin"});
    let problem = expect_problem(app.register(&body).await, 422, "validation_failed").await;
    assert!(problem["errors"][0]["message"].as_str().is_some_and(|m| m.contains("role")), "{problem}");
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_415() {
    let Some(app) = TestApp::spawn().await else { return };
    let request = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "text/plain")
        .body(r#"{"fullName": "Amina"}"#);
    expect_problem(app.send(request).await, 415, "unsupported_media_type").await;
    let no_type = app.client.post(app.url("/api/v1/auth/login")).body("{}");
    expect_problem(app.send(no_type).await, 415, "unsupported_media_type").await;
}

#[actix_web::test]
async fn a_body_over_the_configured_limit_is_413() {
    let Some(app) = TestApp::spawn_with(&[("CARECHAT_SERVER__JSON_LIMIT_BYTES", "2048")]).await else { return };
    let body = json!({"fullName": "A".repeat(4000), "phoneNumber": unique_phone(), "password": PASSWORD});
    expect_problem(app.register(&body).await, 413, "payload_too_large").await;
    // Under the limit the same endpoint works.
    let body = json!({"fullName": "A".repeat(150), "phoneNumber": unique_phone(), "password": PASSWORD});
    expect_json(app.register(&body).await, 201).await;
}

#[actix_web::test]
async fn text_with_a_nul_character_is_400_on_every_backend() {
    let Some(app) = TestApp::spawn().await else { return };
    let body = json!({"fullName": "Amina\u{0}Uwase", "phoneNumber": unique_phone(), "password": PASSWORD});
    expect_problem(app.register(&body).await, 400, "invalid_character").await;
    let admin = app.admin_token().await;
    let search = app.get("/api/v1/admin/users?q=a%00b", Some(&admin));
    expect_problem(app.send(search).await, 400, "invalid_character").await;
}
