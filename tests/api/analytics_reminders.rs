//! Reminder delivery as series: a patient acknowledging an in-app reminder through the API is
//! counted in `reminders_acknowledged` (department: the delivery method).

use std::sync::Arc;

use carechat::{
    app,
    storage::StoreName,
    tracks::track1::reminders::{engine::ManualClock, Reminders},
};
use chrono::{Duration, DurationRound, Utc};
use serde_json::json;

use crate::{
    analytics::{series_until, total_count},
    helpers::{expect_json, TestApp},
    reminders::{create, NO_ENGINE},
};

#[actix_web::test]
async fn acknowledged_reminders_read_back_by_method_and_segment() {
    let overrides = [NO_ENGINE, ("CARECHAT_ANALYTICS__FLUSH_INTERVAL_MS", "50")];
    let Some(app) = TestApp::spawn_with(&overrides).await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = (Utc::now() + Duration::hours(1)).duration_trunc(Duration::minutes(1)).unwrap();
    let body = json!({
        "title": "Amoxicillin", "message": "Take 500 mg now.", "reminderType": "medication",
        "schedule": {"type": "one_time", "timezone": "Africa/Kigali", "scheduledTime": at},
        "delivery": {"methods": ["in_app"]}
    });
    let reminder = create(&app, &token, &body).await;
    // A separate engine instance on the application's database, stepped to the due time.
    let clock = ManualClock::at(at);
    let stores = app::prepare_storage(&app.settings).await.unwrap();
    let state = Reminders::with_clock(stores.get(StoreName::Track1), &app.settings.reminders, Arc::new(clock));
    assert_eq!(state.unwrap().engine.tick().await.unwrap().attempted, 1);

    let path = format!("/api/v1/reminders/{}/deliveries", reminder["reminderId"].as_str().unwrap());
    let deliveries = expect_json(app.send(app.get(&path, Some(&token))).await, 200).await;
    let delivery = deliveries["items"][0]["deliveryId"].as_str().unwrap().to_owned();
    let ack = format!("/api/v1/reminders/deliveries/{delivery}/acknowledge");
    expect_json(app.send(app.post(&ack, Some(&token), &json!({"actionTaken": "took_medication"}))).await, 200).await;

    let admin = app.admin_token().await;
    let query = "metric=reminders_acknowledged&period=day&department=in_app&userSegment=patient&trackOrigin=track1";
    let series = series_until(&app, &admin, query, |p| total_count(p) == 1).await;
    assert_eq!(series["points"][0]["sum"].as_f64(), Some(1.0));
}
