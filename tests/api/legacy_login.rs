//! Accounts migrated from the legacy databases keep their bcrypt password hashes: the first
//! successful login verifies bcrypt and replaces the hash by argon2id.

use carechat::{
    app,
    gateway::identity::{domain::PhoneNumber, store::IdentityStores},
    storage::StoreName,
};

use crate::helpers::{expect_problem, TestApp};

const LEGACY_PASSWORD: &str = "old-clinic-password";

#[actix_web::test]
async fn a_legacy_bcrypt_hash_logs_in_and_is_rehashed_to_argon2id() {
    let Some(app) = TestApp::spawn().await else { return };
    let (_, _, user) = app.register_patient().await;
    let phone = user["phoneNumber"].as_str().unwrap().to_owned();

    // As `migrate-legacy` leaves it: the legacy system's bcrypt hash, stored as is.
    let stores = app::prepare_storage(&app.settings).await.unwrap();
    let users = IdentityStores::build(stores.get(StoreName::Identity)).users;
    let mut stored = users.find_by_phone(&PhoneNumber::parse(&phone).unwrap()).await.unwrap().unwrap();
    stored.password_hash = bcrypt::hash(LEGACY_PASSWORD, 4).unwrap();
    users.update(&stored).await.unwrap();

    expect_problem(app.login(&phone, "not-the-old-password").await, 401, "invalid_credentials").await;
    let still = users.find_by_id(stored.id).await.unwrap().unwrap();
    assert!(still.password_hash.starts_with("$2b$"), "a failed login changes nothing");

    let (_, _, me) = app.login_ok(&phone, LEGACY_PASSWORD).await;
    assert_eq!(me["userId"], user["userId"]);
    let upgraded = users.find_by_id(stored.id).await.unwrap().unwrap();
    assert!(upgraded.password_hash.starts_with("$argon2id$"), "rehashed: {}", upgraded.password_hash);

    // The same password keeps working against the new hash; the old hash is gone.
    app.login_ok(&phone, LEGACY_PASSWORD).await;
    expect_problem(app.login(&phone, "not-the-old-password").await, 401, "invalid_credentials").await;
}
