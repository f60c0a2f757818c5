//! Track 3's refusals: patients get 403 everywhere, and bad input gets the documented problem.

use serde_json::json;
use uuid::Uuid;

use super::flow::{create_donor, donate};
use crate::helpers::{expect_json, expect_problem, pointers, TestApp};

#[actix_web::test]
async fn patients_are_refused_every_blood_bank_route() {
    let Some(app) = TestApp::spawn().await else { return };
    let (patient, _, _) = app.register_patient().await;
    let id = Uuid::now_v7();
    let gets = [
        "/api/v1/blood/donors".to_owned(),
        format!("/api/v1/blood/donors/{id}"),
        format!("/api/v1/blood/donors/{id}/eligibility"),
        format!("/api/v1/blood/donors/{id}/deferrals"),
        format!("/api/v1/blood/donors/{id}/donations"),
        "/api/v1/blood/units".to_owned(),
        format!("/api/v1/blood/units/{id}"),
        format!("/api/v1/blood/units/{id}/events"),
        "/api/v1/blood/inventory".to_owned(),
    ];
    for path in gets {
        expect_problem(app.send(app.get(&path, Some(&patient))).await, 403, "forbidden").await;
    }
    let donor = json!({"fullName": "X", "dateOfBirth": "1990-01-01", "sex": "female", "weightKg": 60});
    expect_problem(app.send(app.post("/api/v1/blood/donors", Some(&patient), &donor)).await, 403, "forbidden").await;
    let discard = format!("/api/v1/blood/units/{id}/discard");
    expect_problem(app.send(app.post(&discard, Some(&patient), &json!({"reason": "other"}))).await, 403, "forbidden")
        .await;
    expect_problem(app.send(app.get("/api/v1/blood/inventory", None)).await, 401, "authentication_required").await;
}

#[actix_web::test]
async fn unknown_and_malformed_ids() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let id = Uuid::now_v7();
    expect_problem(
        app.send(app.get(&format!("/api/v1/blood/donors/{id}"), Some(&admin))).await,
        404,
        "donor_not_found",
    )
    .await;
    expect_problem(app.send(app.get(&format!("/api/v1/blood/units/{id}"), Some(&admin))).await, 404, "unit_not_found")
        .await;
    let screening = json!({"results": [{"test": "hiv", "result": "negative"}]});
    let path = format!("/api/v1/blood/units/{id}/screening");
    expect_problem(app.send(app.post(&path, Some(&admin), &screening)).await, 404, "unit_not_found").await;
    let body = json!({"donationType": "plasma", "hemoglobinGdl": 13.0, "volumeMl": 600});
    let path = format!("/api/v1/blood/donors/{id}/donations");
    expect_problem(app.send(app.post(&path, Some(&admin), &body)).await, 404, "donor_not_found").await;
    let deferral = json!({"reason": "illness", "until": null});
    let path = format!("/api/v1/blood/donors/{id}/deferrals");
    expect_problem(app.send(app.post(&path, Some(&admin), &deferral)).await, 404, "donor_not_found").await;
    expect_problem(
        app.send(app.get("/api/v1/blood/units/not-a-uuid", Some(&admin))).await,
        400,
        "invalid_path_parameter",
    )
    .await;
    expect_problem(app.send(app.get("/api/v1/blood/units?status=lost", Some(&admin))).await, 400, "invalid_query")
        .await;
    expect_problem(
        app.send(app.get("/api/v1/blood/inventory?expiringWithinDays=0", Some(&admin))).await,
        422,
        "validation_failed",
    )
    .await;
}

#[actix_web::test]
async fn invalid_donors_list_every_bad_field() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let bad = json!({"fullName": "", "dateOfBirth": "1990-01-01", "sex": "male", "weightKg": 0, "phoneNumber": "0788", "address": ""});
    let problem =
        expect_problem(app.send(app.post("/api/v1/blood/donors", Some(&admin), &bad)).await, 422, "validation_failed")
            .await;
    assert_eq!(pointers(&problem), ["/address", "/fullName", "/phoneNumber", "/weightKg"]);
    let lower_case =
        json!({"fullName": "A", "dateOfBirth": "1990-01-01", "sex": "male", "weightKg": 70, "bloodGroup": "o+"});
    let problem = expect_problem(
        app.send(app.post("/api/v1/blood/donors", Some(&admin), &lower_case)).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(pointers(&problem), ["/bloodGroup"]);
    let future = json!({"fullName": "A", "dateOfBirth": "2999-01-01", "sex": "male", "weightKg": 70});
    let problem = expect_problem(
        app.send(app.post("/api/v1/blood/donors", Some(&admin), &future)).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(pointers(&problem), ["/dateOfBirth"]);
    let confirmed =
        json!({"fullName": "A", "dateOfBirth": "1990-01-01", "sex": "male", "weightKg": 70, "aboConfirmed": true});
    let problem = expect_problem(
        app.send(app.post("/api/v1/blood/donors", Some(&admin), &confirmed)).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(pointers(&problem), ["/aboConfirmed"]);
    let unknown_field =
        json!({"fullName": "A", "dateOfBirth": "1990-01-01", "sex": "male", "weightKg": 70, "shoeSize": 42});
    expect_problem(
        app.send(app.post("/api/v1/blood/donors", Some(&admin), &unknown_field)).await,
        422,
        "validation_failed",
    )
    .await;
}

#[actix_web::test]
async fn deferrals_and_donation_refusals() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let donor = create_donor(&app, &admin, json!({"bloodGroup": "O+", "aboConfirmed": true})).await;
    let id = donor["donorId"].as_str().unwrap();
    let deferrals = format!("/api/v1/blood/donors/{id}/deferrals");
    let missing_until = json!({"reason": "illness"});
    let problem =
        expect_problem(app.send(app.post(&deferrals, Some(&admin), &missing_until)).await, 422, "validation_failed")
            .await;
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("missing field `until`"), "{problem}");
    let past = json!({"reason": "illness", "until": "2001-01-01"});
    expect_problem(app.send(app.post(&deferrals, Some(&admin), &past)).await, 422, "validation_failed").await;

    let mismatch = json!({"donationType": "whole_blood", "hemoglobinGdl": 14.0, "volumeMl": 450, "bloodGroup": "A+"});
    expect_problem(donate(&app, &admin, &donor, mismatch).await, 409, "blood_group_mismatch").await;
    let wrong_components =
        json!({"donationType": "plasma", "hemoglobinGdl": 14.0, "volumeMl": 600, "components": ["red_cells"]});
    let problem = expect_problem(donate(&app, &admin, &donor, wrong_components).await, 422, "validation_failed").await;
    assert_eq!(pointers(&problem), ["/components"]);
    let low = json!({"donationType": "whole_blood", "hemoglobinGdl": 12.0, "volumeMl": 450});
    let problem = expect_problem(donate(&app, &admin, &donor, low).await, 409, "donor_not_eligible").await;
    assert!(problem["detail"].as_str().unwrap().contains("low_hemoglobin"), "{problem}");
    let codes: Vec<_> = problem["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["low_hemoglobin"], "every reason, machine-readable: {problem}");
}

#[actix_web::test]
async fn deferred_donors_are_not_eligible() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let donor = create_donor(&app, &admin, json!({"bloodGroup": "O+", "aboConfirmed": true})).await;
    let id = donor["donorId"].as_str().unwrap();
    let deferrals = format!("/api/v1/blood/donors/{id}/deferrals");
    let until = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let deferral = json!({"reason": "tattoo_or_piercing", "until": until, "note": "tattoo last week"});
    let added = expect_json(app.send(app.post(&deferrals, Some(&admin), &deferral)).await, 201).await;
    assert_eq!((added["active"].clone(), added["permanent"].clone()), (json!(true), json!(false)));
    let permanent = expect_json(
        app.send(app.post(&deferrals, Some(&admin), &json!({"reason": "high_risk_behaviour", "until": null}))).await,
        201,
    )
    .await;
    assert_eq!(permanent["permanent"], true);
    let listed = expect_json(app.send(app.get(&deferrals, Some(&admin))).await, 200).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let answer =
        expect_json(app.send(app.get(&format!("/api/v1/blood/donors/{id}/eligibility"), Some(&admin))).await, 200)
            .await;
    let codes: Vec<&str> = answer["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["deferred", "deferred"]);
    assert_eq!((answer["permanent"].clone(), answer["nextEligibleOn"].clone()), (json!(true), serde_json::Value::Null));
    let eligible = expect_json(app.send(app.get("/api/v1/blood/donors?eligible=true", Some(&admin))).await, 200).await;
    assert_eq!(eligible["total"], 0);
    let not_eligible = expect_json(
        app.send(app.get("/api/v1/blood/donors?eligible=false&abo=O&rh=positive", Some(&admin))).await,
        200,
    )
    .await;
    assert_eq!(not_eligible["total"], 1);
}

#[actix_web::test]
async fn a_used_donation_number_is_a_conflict() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let first = create_donor(&app, &admin, json!({"bloodGroup": "B-"})).await;
    let second = create_donor(&app, &admin, json!({"bloodGroup": "B-"})).await;
    let body = json!({"donationType": "whole_blood", "hemoglobinGdl": 14.0, "volumeMl": 450, "donationNumber": "W123425000042"});
    let donation = expect_json(donate(&app, &admin, &first, body.clone()).await, 201).await;
    assert_eq!(donation["donationNumber"], "W123425000042");
    assert_eq!(donation["units"][0]["unitNumber"].as_str().unwrap().len(), 23);
    expect_problem(donate(&app, &admin, &second, body).await, 409, "unit_number_taken").await;
    let patch = json!({"phoneNumber": "+250788000111", "weightKg": 80});
    let path = format!("/api/v1/blood/donors/{}", second["donorId"].as_str().unwrap());
    let updated = expect_json(app.send(app.patch(&path, Some(&admin), &patch)).await, 200).await;
    assert_eq!((updated["phoneNumber"].clone(), updated["weightKg"].clone()), (json!("+250788000111"), json!(80.0)));
}
