//! `/api/v1/analytics` as staff read it: who may, the catalogue, refused parameters. The tracks'
//! events read back as series are in `analytics_feedback.rs`, `analytics_chat.rs` and
//! `analytics_blood.rs`; the helpers they share are here.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{expect_json, expect_problem, pointers, TestApp};

/// The app with events written within 50 ms.
pub async fn analytics_app() -> Option<TestApp> {
    TestApp::spawn_with(&[("CARECHAT_ANALYTICS__FLUSH_INTERVAL_MS", "50")]).await
}

/// Reads `/api/v1/analytics/series?{query}` until its points satisfy `done` (events are written
/// in the background), for at most 10 s; returns the last answer.
pub async fn series_until(app: &TestApp, token: &str, query: &str, done: impl Fn(&[Value]) -> bool) -> Value {
    let path = format!("/api/v1/analytics/series?{query}");
    for _ in 0..100 {
        let series = expect_json(app.send(app.get(&path, Some(token))).await, 200).await;
        if done(series["points"].as_array().unwrap()) {
            return series;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the series {query} never got there: {}",
        expect_json(app.send(app.get(&path, Some(token))).await, 200).await
    );
}

/// Sum of the points' `count`.
pub fn total_count(points: &[Value]) -> i64 {
    points.iter().map(|p| p["count"].as_i64().unwrap()).sum()
}

#[actix_web::test]
async fn analytics_are_for_staff_roles() {
    let Some(app) = TestApp::spawn().await else { return };
    for path in ["/api/v1/analytics/metrics", "/api/v1/analytics/series?metric=messages_sent&period=day"] {
        expect_problem(app.send(app.get(path, None)).await, 401, "authentication_required").await;
        let (patient, _, _) = app.register_patient().await;
        expect_problem(app.send(app.get(path, Some(&patient))).await, 403, "forbidden").await;
    }
}

#[actix_web::test]
async fn the_catalogue_lists_every_metric_with_its_type_and_category() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let catalogue = expect_json(app.send(app.get("/api/v1/analytics/metrics", Some(&admin))).await, 200).await;
    let metrics = catalogue["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), 11);
    let latency = metrics.iter().find(|m| m["metricName"] == "provider_latency_ms").unwrap();
    assert_eq!(
        latency,
        &json!({"metricName": "provider_latency_ms", "metricType": "timer", "category": "message_analytics",
            "trackOrigin": "track2", "unit": "ms", "description": "provider answer time"})
    );
    assert_eq!(catalogue["periods"], json!(["minute", "hour", "day", "week", "month"]));
    assert_eq!(catalogue["retentionDays"], 90);
}

#[actix_web::test]
async fn bad_series_parameters_are_problems_naming_the_parameter() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let get = |query: &str| app.get(&format!("/api/v1/analytics/series?{query}"), Some(&admin));
    for query in [
        "metric=heartbeats&period=day",
        "metric=messages_sent&period=fortnight",
        "period=day",
        "metric=messages_sent&period=day&from=",
        "metric=messages_sent&period=day&colour=red",
        "metric=messages_sent&period=day&dayOfWeek=caturday",
    ] {
        expect_problem(app.send(get(query)).await, 400, "invalid_query").await;
    }
    let reversed = "metric=messages_sent&period=day&from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z";
    let problem = expect_problem(app.send(get(reversed)).await, 422, "analytics_invalid_range").await;
    assert_eq!(pointers(&problem), ["/from"]);
    let long = "metric=messages_sent&period=minute&from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z";
    let problem = expect_problem(app.send(get(long)).await, 422, "analytics_range_too_long").await;
    assert_eq!(pointers(&problem), ["/to"]);
    let problem =
        expect_problem(app.send(get("metric=messages_sent&period=day&department=")).await, 422, "validation_failed")
            .await;
    assert_eq!(pointers(&problem), ["/department"]);
}

#[actix_web::test]
async fn a_series_without_events_is_empty_and_states_its_range() {
    let Some(app) = analytics_app().await else { return };
    let admin = app.admin_token().await;
    let query = "metric=nps_score&period=week&from=2026-11-04T12:00:00Z&to=2026-12-01T00:00:00Z&trackOrigin=track1";
    let series = series_until(&app, &admin, query, |points| total_count(points) == 0).await;
    assert_eq!(
        series,
        json!({"metricName": "nps_score", "metricType": "histogram", "category": "feedback_analytics", "unit": "score",
            "period": "week", "from": "2026-11-02T00:00:00Z", "to": "2026-12-01T00:00:00Z", "points": []})
    );
}
