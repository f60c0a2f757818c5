//! Blood units issued and expired through the API come back as series.

use serde_json::json;

use crate::{
    analytics::{analytics_app, series_until, total_count},
    helpers::expect_json,
    track3::{
        flow::{expired_red_cells, lab_token},
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
    expired_red_cells(&app, &admin).await;

    let query = "metric=blood_units_expired&period=day&userSegment=system";
    let series = series_until(&app, &admin, query, |p| total_count(p) >= 1).await;
    assert_eq!(series["points"][0]["sum"].as_f64(), Some(1.0), "only the red cells are past their shelf life");
}
