//! Blood units issued and expired through the API come back as series.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::{
    analytics::{analytics_app, series_until, total_count},
    helpers::expect_json,
    track3::{
        flow::{create_donor, donate, lab_token},
        requests::{create_request, request_body, stocked},
    },
};

#[actix_web::test]
async fn issued_units_count_by_requesting_department() {
    let Some(app) = analytics_app().await else { return };
    let lab = lab_token(&app).await;
    let (unit, _) = stocked(&app, &lab, "O-").await;
    let request = create_request(&app, &lab, &request_body(json!("O-"), 1, "routine")).await;
    let path = |tail: &str| format!("/api/v1/blood/requests/{}{tail}", request["requestId"].as_str().unwrap());
    expect_json(app.send(app.post(&path("/allocate"), Some(&lab), &json!({}))).await, 200).await;
    let crossmatch = json!({"result": "compatible"});
    expect_json(app.send(app.post(&path(&format!("/units/{unit}/crossmatch")), Some(&lab), &crossmatch)).await, 200)
        .await;
    let issue = json!({"unitIds": [unit], "collectedBy": "Nurse Ingabire"});
    expect_json(app.send(app.post(&path("/issue"), Some(&lab), &issue)).await, 200).await;

    let admin = app.admin_token().await;
    let query = "metric=blood_units_issued&period=hour&department=Maternity&userSegment=staff&trackOrigin=track3";
    let series = series_until(&app, &admin, query, |p| total_count(p) == 1).await;
    assert_eq!(series["points"][0]["sum"].as_f64(), Some(1.0));
}

#[actix_web::test]
async fn units_found_past_expiry_count_as_expired() {
    let Some(app) = analytics_app().await else { return };
    let admin = app.admin_token().await;
    let donor = create_donor(&app, &admin, json!({"bloodGroup": "AB-"})).await;
    let collected = (Utc::now() - Duration::days(43)).to_rfc3339();
    let body = json!({"donationType": "whole_blood", "hemoglobinGdl": 14.0, "volumeMl": 450, "collectedAt": collected});
    let donation = expect_json(donate(&app, &admin, &donor, body).await, 201).await;
    let red = donation["units"][0]["unitId"].as_str().unwrap().to_owned();
    let unit = expect_json(app.send(app.get(&format!("/api/v1/blood/units/{red}"), Some(&admin))).await, 200).await;
    assert_eq!(unit["status"], "expired");

    let query = "metric=blood_units_expired&period=day&userSegment=system";
    let series = series_until(&app, &admin, query, |p| total_count(p) >= 1).await;
    assert_eq!(series["points"][0]["sum"].as_f64(), Some(1.0), "only the red cells are past their shelf life");
}
