//! Feedback submitted through the API comes back as `feedback_submitted` and `nps_score`
//! series, by department.

use serde_json::json;

use crate::{
    analytics::{analytics_app, series_until, total_count},
    helpers::{expect_json, TestApp},
};

async fn submit_feedback(app: &TestApp, department: &str, recommend: u8) {
    let (token, _, _) = app.register_patient().await;
    let body = json!({"sessionType": "post_visit", "department": department});
    let session = expect_json(app.send(app.post("/api/v1/feedback/sessions", Some(&token), &body)).await, 201).await;
    let id = session["sessionId"].as_str().unwrap();
    let answers = json!({"answers": [
        {"questionId": "overall", "response": 4},
        {"questionId": "recommend", "response": recommend}
    ]});
    let path = format!("/api/v1/feedback/sessions/{id}/answers");
    expect_json(app.send(app.post(&path, Some(&token), &answers)).await, 200).await;
    let path = format!("/api/v1/feedback/sessions/{id}/submit");
    expect_json(app.send(app.post(&path, Some(&token), &json!({}))).await, 200).await;
}

#[actix_web::test]
async fn submitted_feedback_and_nps_inputs_read_back_by_department() {
    let Some(app) = analytics_app().await else { return };
    submit_feedback(&app, "cardiology", 9).await;
    submit_feedback(&app, "cardiology", 3).await;
    submit_feedback(&app, "radiology", 10).await;
    let admin = app.admin_token().await;

    let nps =
        series_until(&app, &admin, "metric=nps_score&period=day&department=cardiology", |p| total_count(p) == 2).await;
    let point = &nps["points"][0];
    assert_eq!((point["count"].as_i64(), point["sum"].as_f64()), (Some(2), Some(12.0)));
    assert_eq!(
        (point["min"].as_f64(), point["max"].as_f64(), point["avg"].as_f64()),
        (Some(3.0), Some(9.0), Some(6.0))
    );

    let all = series_until(
        &app,
        &admin,
        "metric=feedback_submitted&period=month&trackOrigin=track1&userSegment=patient",
        |p| total_count(p) == 3,
    )
    .await;
    assert_eq!(all["points"][0]["sum"].as_f64(), Some(3.0));
    assert_eq!(all["metricType"], "counter");
}
