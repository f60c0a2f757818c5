//! `/api/v1/auth/me`: bearer authentication and the caller's own account.

use carechat::{
    config::DEV_JWT_SECRET,
    gateway::identity::{
        domain::{Role, UserId},
        jwt::JwtKeys,
    },
};
use chrono::{Duration, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{expect_json, expect_problem, header_of, pointers, unique_phone, TestApp, PASSWORD};

const ME: &str = "/api/v1/auth/me";

#[actix_web::test]
async fn no_token_is_401_with_a_bearer_challenge() {
    let Some(app) = TestApp::spawn().await else { return };
    let response = app.send(app.get(ME, None)).await;
    assert_eq!(header_of(&response, "www-authenticate").as_deref(), Some("Bearer"));
    expect_problem(response, 401, "authentication_required").await;
    let basic = app.client.get(app.url(ME)).basic_auth("amina", Some(PASSWORD));
    expect_problem(app.send(basic).await, 401, "authentication_required").await;
}

#[actix_web::test]
async fn forged_and_garbled_tokens_are_401_invalid_token() {
    let Some(app) = TestApp::spawn().await else { return };
    let (token, _, user) = app.register_patient().await;
    let id = UserId(user["userId"].as_str().unwrap().parse::<Uuid>().unwrap());

    let other_secret = JwtKeys::new(b"another-secret-entirely-0123456789", "carechat", "carechat-api", 900);
    let forged = other_secret.issue(id, Role::Admin, Utc::now()).unwrap();
    let (head, signature) = token.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { 'B' } else { 'A' };
    let tampered = format!("{head}.{flipped}{}", &signature[1..]);
    for bad in [forged.as_str(), tampered.as_str(), "not-a-jwt"] {
        let response = app.send(app.get(ME, Some(bad))).await;
        let challenge = header_of(&response, "www-authenticate").unwrap_or_default();
        assert!(challenge.contains("invalid_token"), "challenge {challenge:?} for {bad}");
        expect_problem(response, 401, "invalid_token").await;
    }
}

#[actix_web::test]
async fn an_expired_token_is_401_token_expired() {
    let Some(app) = TestApp::spawn().await else { return };
    let (_, _, user) = app.register_patient().await;
    let id = UserId(user["userId"].as_str().unwrap().parse::<Uuid>().unwrap());
    let keys = JwtKeys::new(DEV_JWT_SECRET.as_bytes(), "carechat", "carechat-api", 900);
    let expired = keys.issue(id, Role::Patient, Utc::now() - Duration::hours(2)).unwrap();
    expect_problem(app.send(app.get(ME, Some(&expired))).await, 401, "token_expired").await;
    // The same keys issuing a current token are accepted: only the expiry was wrong.
    let current = keys.issue(id, Role::Patient, Utc::now()).unwrap();
    expect_json(app.send(app.get(ME, Some(&current))).await, 200).await;
}

#[actix_web::test]
async fn patching_me_changes_and_persists_the_account() {
    let Some(app) = TestApp::spawn().await else { return };
    let (token, _, user) = app.register_patient().await;
    let changes = json!({
        "fullName": "Amina U. Mukamana",
        "preferredLanguage": "fr-CA",
        "profile": {"medicalInfo": {"allergies": ["penicillin"], "conditions": ["asthma"]}}
    });
    let updated = expect_json(app.send(app.patch(ME, Some(&token), &changes)).await, 200).await;
    assert_eq!(updated["fullName"], "Amina U. Mukamana");
    assert_eq!(updated["phoneNumber"], user["phoneNumber"], "absent fields stay");

    let me = expect_json(app.send(app.get(ME, Some(&token))).await, 200).await;
    assert_eq!(me["fullName"], "Amina U. Mukamana");
    assert_eq!(me["preferredLanguage"], "fr-CA");
    assert_eq!(me["profile"]["medicalInfo"]["allergies"], json!(["penicillin"]));
    assert_eq!(me["profile"]["medicalInfo"]["conditions"], json!(["asthma"]));
    assert_eq!(me["profile"]["medicalInfo"]["medications"], json!([]));
}

#[actix_web::test]
async fn patching_me_with_invalid_fields_is_422_naming_them() {
    let Some(app) = TestApp::spawn().await else { return };
    let (token, _, _) = app.register_patient().await;
    let too_many: Vec<String> = (0..51).map(|i| format!("allergen {i}")).collect();
    let nested = json!({"profile": {"medicalInfo": {"allergies": too_many}}});
    let problem = expect_problem(app.send(app.patch(ME, Some(&token), &nested)).await, 422, "validation_failed").await;
    assert_eq!(pointers(&problem), ["/profile/medicalInfo/allergies"], "{problem}");
    let unknown = json!({"role": "admin"});
    expect_problem(app.send(app.patch(ME, Some(&token), &unknown)).await, 422, "validation_failed").await;
    let me = expect_json(app.send(app.get(ME, Some(&token))).await, 200).await;
    assert_eq!(me["role"], "patient");
}

#[actix_web::test]
async fn patching_me_to_a_taken_email_or_phone_is_409() {
    let Some(app) = TestApp::spawn().await else { return };
    let taken = json!({"fullName": "First", "phoneNumber": unique_phone(), "email": "first@clinic.example", "password": PASSWORD});
    let first = expect_json(app.register(&taken).await, 201).await;
    let (token, _, _) = app.register_patient().await;

    let email = json!({"email": "FIRST@clinic.example"});
    expect_problem(app.send(app.patch(ME, Some(&token), &email)).await, 409, "email_taken").await;
    let phone = json!({"phoneNumber": first["user"]["phoneNumber"]});
    expect_problem(app.send(app.patch(ME, Some(&token), &phone)).await, 409, "phone_taken").await;
    let free = json!({"email": "second@clinic.example"});
    let updated = expect_json(app.send(app.patch(ME, Some(&token), &free)).await, 200).await;
    assert_eq!(updated["email"], "second@clinic.example");
}
