//! Track 3's scope as mounted by the gateway: staff-only compatibility tables here; the blood
//! bank's flow (`track3_flow.rs`) and its refusals (`track3_errors.rs`), blood requests to
//! transfusion (`track3_requests.rs`) and their refusals (`track3_request_errors.rs`) beside it.

#[path = "track3_errors.rs"]
mod errors;
#[path = "track3_flow.rs"]
pub mod flow;
#[path = "track3_request_errors.rs"]
mod request_errors;
#[path = "track3_requests.rs"]
pub mod requests;

use serde_json::json;

use crate::helpers::{expect_json, expect_problem, unique_phone, TestApp, PASSWORD};

const RED_CELLS: &str = "/api/v1/blood/compatibility/red_cells";

#[actix_web::test]
async fn compatibility_tables_are_for_staff_roles_only() {
    let Some(app) = TestApp::spawn().await else { return };
    expect_problem(app.send(app.get(RED_CELLS, None)).await, 401, "authentication_required").await;
    let (patient, _, _) = app.register_patient().await;
    expect_problem(app.send(app.get(RED_CELLS, Some(&patient))).await, 403, "forbidden").await;

    let admin = app.admin_token().await;
    let phone = unique_phone();
    let lab = json!({"fullName": "Lab Tech", "phoneNumber": phone, "password": PASSWORD, "role": "lab"});
    expect_json(app.send(app.post("/api/v1/admin/users", Some(&admin), &lab)).await, 201).await;
    let (lab_token, _, _) = app.login_ok(&phone, PASSWORD).await;
    expect_json(app.send(app.get(RED_CELLS, Some(&lab_token))).await, 200).await;
}

#[actix_web::test]
async fn the_red_cell_table_has_a_row_per_group() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let rows = expect_json(app.send(app.get(RED_CELLS, Some(&admin))).await, 200).await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 8);
    let row = |group: &str| rows.iter().find(|r| r["recipient"] == group).unwrap_or_else(|| panic!("no {group} row"));
    assert_eq!(row("O-")["donors"], json!(["O-"]));
    assert_eq!(row("AB+")["donors"].as_array().map(Vec::len), Some(8));

    let plasma = expect_json(app.send(app.get("/api/v1/blood/compatibility/plasma", Some(&admin))).await, 200).await;
    let ab = plasma.as_array().unwrap().iter().find(|r| r["recipient"] == "AB-").unwrap().clone();
    assert_eq!(ab["donors"], json!(["AB-", "AB+"]));
}

#[actix_web::test]
async fn an_unknown_component_is_400() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let path = "/api/v1/blood/compatibility/lemonade";
    expect_problem(app.send(app.get(path, Some(&admin))).await, 400, "invalid_path_parameter").await;
}
