//! `/api/v1/admin`: user administration, its guards and the audit trail.

use serde_json::{json, Value};

use crate::helpers::{expect_json, expect_problem, pointers, unique_phone, TestApp, PASSWORD};

const USERS: &str = "/api/v1/admin/users";

async fn audit_of(app: &TestApp, admin: &str, subject: &str) -> Vec<Value> {
    let path = format!("/api/v1/admin/audit?subjectUserId={subject}");
    let page = expect_json(app.send(app.get(&path, Some(admin))).await, 200).await;
    page["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn a_patient_is_403_on_every_admin_endpoint() {
    let Some(app) = TestApp::spawn().await else { return };
    let (token, _, user) = app.register_patient().await;
    let own = format!("{USERS}/{}", user["userId"].as_str().unwrap());
    let create = json!({"fullName": "X", "phoneNumber": unique_phone(), "password": PASSWORD, "role": "admin"});
    let requests = [
        app.get(USERS, Some(&token)),
        app.get(&own, Some(&token)),
        app.get("/api/v1/admin/audit", Some(&token)),
        app.post(USERS, Some(&token), &create),
        app.patch(&own, Some(&token), &json!({"role": "admin"})),
    ];
    for request in requests {
        expect_problem(app.send(request).await, 403, "forbidden").await;
    }
    expect_problem(app.send(app.get(USERS, None)).await, 401, "authentication_required").await;
}

#[actix_web::test]
async fn admins_search_filter_and_page_the_user_list() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let zebulon = json!({"fullName": "Zebulon Quartz", "phoneNumber": unique_phone(), "password": PASSWORD});
    expect_json(app.register(&zebulon).await, 201).await;
    app.register_patient().await;
    let list = |query: &str| app.get(&format!("{USERS}?{query}"), Some(&admin));

    let found = expect_json(app.send(list("q=zebulon")).await, 200).await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["fullName"], "Zebulon Quartz");
    let admins = expect_json(app.send(list("role=admin")).await, 200).await;
    assert_eq!((admins["total"].as_u64(), admins["items"][0]["role"].as_str()), (Some(1), Some("admin")));

    let first = expect_json(app.send(list("role=patient&perPage=1")).await, 200).await;
    assert_eq!(
        (first["total"].as_u64(), first["perPage"].as_u64(), first["page"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(first["items"].as_array().map(Vec::len), Some(1));
    let second = expect_json(app.send(list("role=patient&perPage=1&page=2")).await, 200).await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(1));
    assert_ne!(first["items"][0]["userId"], second["items"][0]["userId"]);
    let everyone = expect_json(app.send(list("")).await, 200).await;
    assert_eq!(everyone["total"], 3);

    let problem = expect_problem(app.send(list("perPage=500")).await, 422, "validation_failed").await;
    assert!(pointers(&problem).iter().any(|p| p.contains("perPage")), "{problem}");
    for bad in ["page=", "page=two", "role=superuser", "isActive=maybe"] {
        expect_problem(app.send(list(bad)).await, 400, "invalid_query").await;
    }
}

#[actix_web::test]
async fn a_malformed_id_is_400_and_an_unknown_one_404() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    expect_problem(
        app.send(app.get(&format!("{USERS}/not-a-uuid"), Some(&admin))).await,
        400,
        "invalid_path_parameter",
    )
    .await;
    let unknown = format!("{USERS}/{}", uuid::Uuid::new_v4());
    expect_problem(app.send(app.get(&unknown, Some(&admin))).await, 404, "user_not_found").await;
    expect_problem(
        app.send(app.patch(&unknown, Some(&admin), &json!({"isVerified": true}))).await,
        404,
        "user_not_found",
    )
    .await;
}

#[actix_web::test]
async fn an_admin_reading_a_patient_leaves_an_audit_event() {
    let Some(app) = TestApp::spawn().await else { return };
    let (admin, _, admin_user) = app.admin_session().await;
    let (_, _, patient) = app.register_patient().await;
    let id = patient["userId"].as_str().unwrap();
    assert!(audit_of(&app, &admin, id).await.is_empty(), "nothing read yet");

    let read = app.get(&format!("{USERS}/{id}"), Some(&admin)).header("x-request-id", "audit-trail-check-1");
    let user = expect_json(app.send(read).await, 200).await;
    assert_eq!(user["loginHistory"].as_array().map(Vec::len), Some(1));

    let events = audit_of(&app, &admin, id).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event["action"], "user.read");
    assert_eq!(event["actorId"], admin_user["userId"]);
    assert_eq!(event["actorRole"], "admin");
    assert_eq!(event["subjectUserId"], id);
    assert_eq!(event["resource"], format!("users/{id}"));
    assert_eq!(event["requestId"], "audit-trail-check-1");
}

#[actix_web::test]
async fn a_role_change_is_applied_and_audited() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let (_, _, patient) = app.register_patient().await;
    let id = patient["userId"].as_str().unwrap();
    let path = format!("{USERS}/{id}");

    let updated = expect_json(app.send(app.patch(&path, Some(&admin), &json!({"role": "staff"}))).await, 200).await;
    assert_eq!(updated["role"], "staff");
    let actions: Vec<Value> = audit_of(&app, &admin, id).await.iter().map(|e| e["action"].clone()).collect();
    assert!(actions.contains(&json!("user.role_changed:patient->staff")), "{actions:?}");

    // A new login carries the new role.
    let (_, _, relogged) = app.login_ok(patient["phoneNumber"].as_str().unwrap(), PASSWORD).await;
    assert_eq!(relogged["role"], "staff");
    let bad = app.patch(&path, Some(&admin), &json!({"role": "superuser"}));
    let problem = expect_problem(app.send(bad).await, 422, "validation_failed").await;
    assert_eq!(pointers(&problem), ["/role"]);
}

#[actix_web::test]
async fn an_admin_cannot_lock_themselves_out() {
    let Some(app) = TestApp::spawn().await else { return };
    let (admin, _, me) = app.admin_session().await;
    let path = format!("{USERS}/{}", me["userId"].as_str().unwrap());
    for change in [json!({"isActive": false}), json!({"role": "staff"})] {
        expect_problem(app.send(app.patch(&path, Some(&admin), &change)).await, 409, "self_lockout").await;
    }
    let still = expect_json(app.send(app.get(&path, Some(&admin))).await, 200).await;
    assert_eq!((still["role"].as_str(), still["isActive"].as_bool()), (Some("admin"), Some(true)));
}

#[actix_web::test]
async fn an_admin_creates_a_staff_account_that_can_log_in() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let phone = unique_phone();
    let body = json!({"fullName": "Nurse Joy", "phoneNumber": phone, "password": PASSWORD, "role": "staff", "email": "joy@clinic.example"});
    let created = expect_json(app.send(app.post(USERS, Some(&admin), &body)).await, 201).await;
    assert_eq!((created["role"].as_str(), created["userType"].as_str()), (Some("staff"), Some("user")));
    assert_eq!(created["loginHistory"], json!([]));

    let (_, _, user) = app.login_ok("joy@clinic.example", PASSWORD).await;
    assert_eq!(user["userId"], created["userId"]);
    let actions: Vec<Value> =
        audit_of(&app, &admin, created["userId"].as_str().unwrap()).await.iter().map(|e| e["action"].clone()).collect();
    assert!(actions.contains(&json!("user.created")), "{actions:?}");

    let same_phone = json!({"fullName": "Joy Two", "phoneNumber": phone, "password": PASSWORD, "role": "staff"});
    expect_problem(app.send(app.post(USERS, Some(&admin), &same_phone)).await, 409, "phone_taken").await;
    let bad_role = json!({"fullName": "X", "phoneNumber": unique_phone(), "password": PASSWORD, "role": "superuser"});
    let problem =
        expect_problem(app.send(app.post(USERS, Some(&admin), &bad_role)).await, 422, "validation_failed").await;
    assert_eq!(pointers(&problem), ["/role"]);
}
