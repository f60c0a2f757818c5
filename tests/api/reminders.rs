//! Reminders over HTTP: create (staff for a patient, a patient for themselves), read, list,
//! patch, the life cycle with its 409s, previews, validation problems with pointers, and
//! object-level authorisation. The engine-driven flows are in `reminders_engine.rs`.

use std::sync::Arc;

use carechat::{
    app,
    storage::StoreName,
    tracks::track1::reminders::{
        engine::{Engine, ManualClock},
        Reminders,
    },
};
use chrono::{DateTime, Duration, DurationRound, Utc};
use serde_json::{json, Value};

use crate::helpers::{expect_json, expect_problem, pointers, TestApp};

/// Overrides every reminder test uses: no background engine (tests step their own).
pub const NO_ENGINE: (&str, &str) = ("CARECHAT_REMINDERS__ENGINE_ENABLED", "false");

/// A daily 08:00 medication reminder body in Kigali, in-app only.
pub fn daily_body() -> Value {
    json!({
        "title": "Metformin 500 mg",
        "message": "Time for your metformin, with food.",
        "reminderType": "medication",
        "category": "prescription",
        "schedule": {
            "type": "recurring", "timezone": "Africa/Kigali", "startDate": "2030-01-01T00:00:00Z",
            "recurrence": {"pattern": "daily", "times": ["08:00"]}
        },
        "delivery": {"methods": ["in_app"]}
    })
}

/// POST /reminders, expecting 201.
pub async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    expect_json(app.send(app.post("/api/v1/reminders", Some(token), body)).await, 201).await
}

/// A reminder engine on the application's database that the test steps on `clock` (the
/// application's own engine is off: `NO_ENGINE`).
pub async fn engine(app: &TestApp, clock: &ManualClock) -> Engine {
    let stores = app::prepare_storage(&app.settings).await.unwrap();
    let state = Reminders::with_clock(stores.get(StoreName::Track1), &app.settings.reminders, Arc::new(clock.clone()));
    state.unwrap().engine
}

/// An hour from now, on the minute (schedules name times to the minute).
pub fn soon() -> DateTime<Utc> {
    (Utc::now() + Duration::hours(1)).duration_trunc(Duration::minutes(1)).unwrap()
}

async fn staff_token(app: &TestApp) -> String {
    app.admin_token().await
}

#[actix_web::test]
async fn a_patient_creates_reads_lists_and_previews_their_own_reminder() {
    let Some(app) = TestApp::spawn_with(&[NO_ENGINE]).await else { return };
    let (token, _, user) = app.register_patient().await;
    let r = create(&app, &token, &daily_body()).await;
    assert_eq!(r["userId"], user["userId"]);
    assert_eq!((r["status"].as_str(), r["createdBy"].clone()), (Some("active"), user["userId"].clone()));
    assert_eq!(r["nextOccurrenceAt"], "2030-01-01T06:00:00Z", "08:00 in Kigali is 06:00 UTC");
    assert_eq!(r["analytics"]["totalSent"], 0);
    let id = r["reminderId"].as_str().unwrap();

    let read = expect_json(app.send(app.get(&format!("/api/v1/reminders/{id}"), Some(&token))).await, 200).await;
    assert_eq!(read["title"], "Metformin 500 mg");
    let list =
        expect_json(app.send(app.get("/api/v1/reminders?reminderType=medication", Some(&token))).await, 200).await;
    assert_eq!((list["total"].as_u64(), list["perPage"].as_u64()), (Some(1), Some(20)));

    let preview = app.get(&format!("/api/v1/reminders/{id}/preview?count=3"), Some(&token));
    let preview = expect_json(app.send(preview).await, 200).await;
    assert_eq!(preview["timezone"], "Africa/Kigali");
    assert_eq!(preview["occurrences"], json!(["2030-01-01T06:00:00Z", "2030-01-02T06:00:00Z", "2030-01-03T06:00:00Z"]));
    assert_eq!(preview["localTimes"][0], "2030-01-01T08:00:00+02:00");
    let too_many = app.get(&format!("/api/v1/reminders/{id}/preview?count=101"), Some(&token));
    expect_problem(app.send(too_many).await, 422, "validation_failed").await;
}

#[actix_web::test]
async fn staff_create_for_patients_and_patients_reach_only_their_own() {
    let Some(app) = TestApp::spawn_with(&[NO_ENGINE]).await else { return };
    let staff = staff_token(&app).await;
    let (patient, _, user) = app.register_patient().await;
    let (other, _, other_user) = app.register_patient().await;
    let mut body = daily_body();
    body["userId"] = user["userId"].clone();
    let r = create(&app, &staff, &body).await;
    assert_eq!(r["userId"], user["userId"]);
    assert_ne!(r["createdBy"], user["userId"], "createdBy is the staff member");
    let id = r["reminderId"].as_str().unwrap();

    let theirs = app.get(&format!("/api/v1/reminders/{id}"), Some(&other));
    expect_problem(app.send(theirs).await, 403, "forbidden").await;
    let mine = expect_json(app.send(app.get("/api/v1/reminders", Some(&other))).await, 200).await;
    assert_eq!(mine["total"], 0, "another patient's list is their own");
    let mut for_someone_else = daily_body();
    for_someone_else["userId"] = other_user["userId"].clone();
    expect_problem(app.send(app.post("/api/v1/reminders", Some(&patient), &for_someone_else)).await, 403, "forbidden")
        .await;
    let by_patient = app.get(&format!("/api/v1/reminders?userId={}", user["userId"].as_str().unwrap()), Some(&staff));
    assert_eq!(expect_json(app.send(by_patient).await, 200).await["total"], 1);
    let edited = app.patch(&format!("/api/v1/reminders/{id}"), Some(&patient), &json!({"title": "Metformin 850 mg"}));
    let edited = expect_json(app.send(edited).await, 200).await;
    assert_eq!((edited["title"].as_str(), edited["version"].as_i64()), (Some("Metformin 850 mg"), Some(1)));
    assert_eq!(edited["lastModifiedBy"], user["userId"]);
}

#[actix_web::test]
async fn invalid_reminders_are_422_with_every_pointer() {
    let Some(app) = TestApp::spawn_with(&[NO_ENGINE]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let mut body = daily_body();
    body["schedule"]["timezone"] = json!("Mars/Olympus_Mons");
    let problem =
        expect_problem(app.send(app.post("/api/v1/reminders", Some(&token), &body)).await, 422, "invalid_schedule")
            .await;
    assert_eq!(pointers(&problem), ["/schedule/timezone"]);
    let mut body = daily_body();
    body["schedule"]["recurrence"]["times"] = json!(["08:00", "8h"]);
    let problem =
        expect_problem(app.send(app.post("/api/v1/reminders", Some(&token), &body)).await, 422, "invalid_schedule")
            .await;
    assert_eq!(pointers(&problem), ["/schedule/recurrence/times/1"]);

    let mut body = daily_body();
    body["delivery"]["methods"] = json!([]);
    let problem =
        expect_problem(app.send(app.post("/api/v1/reminders", Some(&token), &body)).await, 422, "validation_failed")
            .await;
    assert_eq!(pointers(&problem), ["/delivery/methods"]);

    let mut body = daily_body();
    body["schedule"]["endDate"] = json!("2029-12-01T00:00:00Z");
    body["delivery"] =
        json!({"methods": ["sms"], "retryPolicy": {"maxRetries": 50, "retryInterval": 5, "backoffMultiplier": 2.0}});
    let problem =
        expect_problem(app.send(app.post("/api/v1/reminders", Some(&token), &body)).await, 422, "validation_failed")
            .await;
    let found = pointers(&problem);
    for expected in ["/schedule/endDate", "/delivery/retryPolicy/maxRetries", "/delivery/preferences/sms"] {
        assert!(found.iter().any(|p| p == expected), "{expected} in {found:?}");
    }
    let mut body = daily_body();
    body["reminderType"] = json!("horoscope");
    expect_problem(app.send(app.post("/api/v1/reminders", Some(&token), &body)).await, 422, "validation_failed").await;
}

#[actix_web::test]
async fn the_life_cycle_refuses_illegal_transitions_with_409() {
    let Some(app) = TestApp::spawn_with(&[NO_ENGINE]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let id = create(&app, &token, &daily_body()).await["reminderId"].as_str().unwrap().to_owned();
    let step = |action: &str| app.post(&format!("/api/v1/reminders/{id}/{action}"), Some(&token), &json!({}));
    assert_eq!(expect_json(app.send(step("pause")).await, 200).await["status"], "paused");
    expect_problem(app.send(step("pause")).await, 409, "illegal_status_transition").await;
    assert_eq!(expect_json(app.send(step("resume")).await, 200).await["status"], "active");
    assert_eq!(expect_json(app.send(step("complete")).await, 200).await["status"], "completed");
    expect_problem(app.send(step("resume")).await, 409, "illegal_status_transition").await;
    expect_problem(app.send(step("cancel")).await, 409, "illegal_status_transition").await;
    expect_problem(app.send(step("explode")).await, 404, "not_found").await;
    let patch = app.patch(&format!("/api/v1/reminders/{id}"), Some(&token), &json!({"title": "late edit"}));
    expect_problem(app.send(patch).await, 409, "reminder_closed").await;
    let missing = app.get("/api/v1/reminders/00000000-0000-7000-8000-000000000000", Some(&token));
    expect_problem(app.send(missing).await, 404, "reminder_not_found").await;
}
