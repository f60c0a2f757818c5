//! Refusals of the request, transfusion, reaction and recall routes: 403 for patients, 404 for
//! unknown ids, 409 for the blood bank's state, 422 for bad fields.

use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    flow::lab_token,
    requests::{create_request, request_body, stocked},
};
use crate::helpers::{expect_json, expect_problem, pointers, TestApp};

#[actix_web::test]
async fn patients_are_refused_the_request_routes() {
    let Some(app) = TestApp::spawn().await else { return };
    let (patient, _, _) = app.register_patient().await;
    let id = Uuid::now_v7();
    for path in [
        "/api/v1/blood/requests".to_owned(),
        format!("/api/v1/blood/requests/{id}"),
        format!("/api/v1/blood/requests/{id}/suggestions"),
        "/api/v1/blood/reactions".to_owned(),
        "/api/v1/blood/recalls/due".to_owned(),
    ] {
        expect_problem(app.send(app.get(&path, Some(&patient))).await, 403, "forbidden").await;
    }
    let posts = [
        ("/api/v1/blood/requests".to_owned(), request_body(json!("O+"), 1, "routine")),
        (format!("/api/v1/blood/requests/{id}/allocate"), json!({})),
        (format!("/api/v1/blood/requests/{id}/cancel"), json!({"reason": "x"})),
        (format!("/api/v1/blood/requests/{id}/issue"), json!({"unitIds": [id], "collectedBy": "x"})),
        (format!("/api/v1/blood/requests/{id}/units/{id}/crossmatch"), json!({"result": "compatible"})),
        (format!("/api/v1/blood/requests/{id}/units/{id}/return"), json!({})),
        (format!("/api/v1/blood/requests/{id}/units/{id}/transfuse"), json!({"administeredBy": "x"})),
        (format!("/api/v1/blood/recalls/{id}/done"), json!({})),
    ];
    for (path, body) in posts {
        expect_problem(app.send(app.post(&path, Some(&patient), &body)).await, 403, "forbidden").await;
    }
    expect_problem(app.send(app.get("/api/v1/blood/requests", None)).await, 401, "authentication_required").await;
}

#[actix_web::test]
async fn unknown_requests_units_and_recalls() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let id = Uuid::now_v7();
    let base = format!("/api/v1/blood/requests/{id}");
    expect_problem(app.send(app.get(&base, Some(&admin))).await, 404, "request_not_found").await;
    expect_problem(app.send(app.get(&format!("{base}/suggestions"), Some(&admin))).await, 404, "request_not_found")
        .await;
    for (tail, body) in [
        ("/allocate".to_owned(), json!({})),
        ("/cancel".to_owned(), json!({"reason": "x"})),
        ("/issue".to_owned(), json!({"unitIds": [id], "collectedBy": "x"})),
        (format!("/units/{id}/crossmatch"), json!({"result": "incompatible"})),
    ] {
        let response = app.send(app.post(&format!("{base}{tail}"), Some(&admin), &body)).await;
        expect_problem(response, 404, "request_not_found").await;
    }
    let done = format!("/api/v1/blood/recalls/{id}/done");
    expect_problem(app.send(app.post(&done, Some(&admin), &json!({}))).await, 404, "recall_not_found").await;
    let reaction = json!({"unitId": id, "reactionType": "allergic", "severity": "mild",
        "occurredAt": chrono::Utc::now().to_rfc3339(), "description": "hives"});
    expect_problem(app.send(app.post("/api/v1/blood/reactions", Some(&admin), &reaction)).await, 404, "unit_not_found")
        .await;
    let bad = app.send(app.get("/api/v1/blood/requests/not-a-uuid", Some(&admin))).await;
    expect_problem(bad, 400, "invalid_path_parameter").await;
    let bad = app.send(app.get("/api/v1/blood/requests?status=lost", Some(&admin))).await;
    expect_problem(bad, 400, "invalid_query").await;
    let bad = app.send(app.get("/api/v1/blood/recalls/due?on=yesterday", Some(&admin))).await;
    expect_problem(bad, 400, "invalid_query").await;
}

#[actix_web::test]
async fn invalid_requests_list_every_bad_field() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let post = |body: Value| app.send(app.post("/api/v1/blood/requests", Some(&admin), &body));
    let mut bad = request_body(json!("A+"), 0, "routine");
    bad["patientName"] = json!("");
    bad["department"] = json!("");
    let problem = expect_problem(post(bad).await, 422, "validation_failed").await;
    assert_eq!(pointers(&problem), ["/department", "/patientName", "/units"]);
    let too_many = request_body(json!("A+"), 21, "routine");
    assert_eq!(pointers(&expect_problem(post(too_many).await, 422, "validation_failed").await), ["/units"]);
    let unknown_outside_emergency = request_body(Value::Null, 1, "urgent");
    let problem = expect_problem(post(unknown_outside_emergency).await, 422, "validation_failed").await;
    assert_eq!(pointers(&problem), ["/bloodGroup"]);
    let mut missing_group = request_body(json!("A+"), 1, "emergency");
    missing_group.as_object_mut().unwrap().remove("bloodGroup");
    let problem = expect_problem(post(missing_group).await, 422, "validation_failed").await;
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("bloodGroup"), "{problem}");
    let mut whole = request_body(Value::Null, 1, "emergency");
    whole["component"] = json!("whole_blood");
    assert_eq!(pointers(&expect_problem(post(whole).await, 422, "validation_failed").await), ["/component"]);
    let mut stale = request_body(json!("O-"), 1, "routine");
    stale["neededBy"] = json!("2001-01-01T00:00:00Z");
    assert_eq!(pointers(&expect_problem(post(stale).await, 422, "validation_failed").await), ["/neededBy"]);
    let wrong_enum = request_body(json!("O-"), 1, "whenever");
    expect_problem(post(wrong_enum).await, 422, "validation_failed").await;
}

#[actix_web::test]
async fn the_blood_banks_state_refuses_with_409() {
    let Some(app) = TestApp::spawn().await else { return };
    let lab = lab_token(&app).await;
    let request = create_request(&app, &lab, &request_body(json!("B-"), 1, "urgent")).await;
    let base = format!("/api/v1/blood/requests/{}", request["requestId"].as_str().unwrap());
    let problem = expect_problem(
        app.send(app.post(&format!("{base}/allocate"), Some(&lab), &json!({}))).await,
        409,
        "insufficient_stock",
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("B-, O-"), "{problem}");
    let (unit, _) = stocked(&app, &lab, "O-").await;
    let crossmatch = json!({"result": "compatible"});
    let tail = format!("{base}/units/{unit}/crossmatch");
    expect_problem(app.send(app.post(&tail, Some(&lab), &crossmatch)).await, 409, "unit_not_allocated").await;
    let reaction = json!({"unitId": unit, "reactionType": "allergic", "severity": "mild",
        "occurredAt": chrono::Utc::now().to_rfc3339(), "description": "hives"});
    expect_problem(app.send(app.post("/api/v1/blood/reactions", Some(&lab), &reaction)).await, 409, "unit_not_issued")
        .await;

    expect_json(app.send(app.post(&format!("{base}/allocate"), Some(&lab), &json!({}))).await, 200).await;
    expect_json(app.send(app.post(&tail, Some(&lab), &crossmatch)).await, 200).await;
    let problem =
        expect_problem(app.send(app.post(&tail, Some(&lab), &crossmatch)).await, 409, "illegal_transition").await;
    assert!(problem["detail"].as_str().unwrap().contains("already has a crossmatch"), "{problem}");
    expect_problem(
        app.send(app.post(&format!("{base}/allocate"), Some(&lab), &json!({}))).await,
        409,
        "illegal_transition",
    )
    .await;
    let transfuse = format!("{base}/units/{unit}/transfuse");
    let given = json!({"administeredBy": "Nurse"});
    expect_problem(app.send(app.post(&transfuse, Some(&lab), &given)).await, 409, "unit_not_allocated").await;
    let cancel = json!({"reason": "Surgery postponed"});
    expect_json(app.send(app.post(&format!("{base}/cancel"), Some(&lab), &cancel)).await, 200).await;
    expect_problem(app.send(app.post(&format!("{base}/cancel"), Some(&lab), &cancel)).await, 409, "illegal_transition")
        .await;
    let empty_issue = json!({"unitIds": [], "collectedBy": ""});
    let problem = expect_problem(
        app.send(app.post(&format!("{base}/issue"), Some(&lab), &empty_issue)).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(pointers(&problem), ["/collectedBy", "/unitIds"]);
}

#[actix_web::test]
async fn staff_access_to_a_carechat_patients_request_is_audited() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let (_, _, patient) = app.register_patient().await;
    let patient_id = patient["userId"].as_str().unwrap();
    let mut body = request_body(json!("O+"), 1, "routine");
    body["patientUserId"] = json!(patient_id);
    let request = create_request(&app, &admin, &body).await;
    assert_eq!(request["patientUserId"], patient_id);
    let path = format!("/api/v1/blood/requests/{}", request["requestId"].as_str().unwrap());
    expect_json(app.send(app.get(&path, Some(&admin))).await, 200).await;
    let audit = format!("/api/v1/admin/audit?subjectUserId={patient_id}");
    let events = expect_json(app.send(app.get(&audit, Some(&admin))).await, 200).await;
    let mut actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.sort_unstable();
    assert_eq!(actions, ["blood.request.create", "blood.request.read"]);
    assert_eq!(events["items"][0]["resource"], format!("blood_requests/{}", request["requestId"].as_str().unwrap()));

    let anonymous = create_request(&app, &admin, &request_body(json!("O+"), 1, "routine")).await;
    assert_eq!(anonymous["patientUserId"], Value::Null, "patients need not be CareChat users");
}
