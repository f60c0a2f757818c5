//! Reminder delivery as series, recorded the way the application records it: the engine these
//! tests step on a `ManualClock` is built by `Track1::reminders` (the application's own
//! composition) and writes its events to the application's analytics store, while callbacks
//! and acknowledgements go through the running application. An SMS through the fake Twilio is
//! `reminders_sent`, then `reminders_delivered` once Twilio reports it; an in-app reminder left
//! unacknowledged past the missed window is `reminders_missed`; one acknowledged is
//! `reminders_acknowledged` — each under the delivery method as department.

use std::{net::TcpListener, sync::Arc};

use carechat::{
    analytics::AnalyticsModule,
    app,
    storage::StoreName,
    tracks::track1::{
        reminders::engine::{Engine, ManualClock},
        Track1,
    },
};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::{
    analytics::{series_until, total_count},
    fakes::twilio::{self, FakeTwilio},
    helpers::{expect_json, TestApp},
    reminders::{create, soon, NO_ENGINE},
};

const FLUSH: (&str, &str) = ("CARECHAT_ANALYTICS__FLUSH_INTERVAL_MS", "50");

/// Track 1's reminder engine as the application composes it, on `clock`, recording into an
/// analytics writer of its own on the application's analytics store (the writer ends with the
/// engine).
async fn engine(app: &TestApp, clock: &ManualClock) -> Engine {
    let settings = &app.settings;
    let stores = app::prepare_storage(settings).await.unwrap();
    let analytics = stores.get(StoreName::Analytics);
    let analytics = AnalyticsModule::init(analytics, &settings.analytics, settings.clinic.time_zone, None).unwrap();
    actix_web::rt::spawn(analytics.writer.run(std::future::pending()));
    let clock = Arc::new(clock.clone());
    let reminders = Track1::reminders(stores.get(StoreName::Track1), &settings.reminders, &analytics.recorder, clock);
    reminders.unwrap().engine
}

fn one_time(at: DateTime<Utc>, delivery: Value) -> Value {
    json!({
        "title": "Amoxicillin", "message": "Take 500 mg now.", "reminderType": "medication",
        "schedule": {"type": "one_time", "timezone": "Africa/Kigali", "scheduledTime": at},
        "delivery": delivery
    })
}

/// The reminder's only delivery, as its patient reads it.
async fn only_delivery(app: &TestApp, token: &str, reminder: &Value) -> Value {
    let path = format!("/api/v1/reminders/{}/deliveries", reminder["reminderId"].as_str().unwrap());
    let mut page = expect_json(app.send(app.get(&path, Some(token))).await, 200).await;
    assert_eq!(page["total"], 1, "{page}");
    page["items"][0].take()
}

/// The series of `query` (today, Track 1) once it counts `count` events; its sum.
async fn sum_once_counted(app: &TestApp, admin: &str, query: &str, count: i64) -> Option<f64> {
    let query = format!("{query}&period=day&trackOrigin=track1");
    let series = series_until(app, admin, &query, |p| total_count(p) == count).await;
    series["points"].as_array().unwrap().iter().map(|p| p["sum"].as_f64()).sum()
}

#[actix_web::test]
async fn an_sms_is_counted_sent_then_delivered_when_twilio_reports_it() {
    let fake = FakeTwilio::start().await;
    // Twilio calls the application back: its port is chosen beforehand and named in the sends.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let callback = format!("http://127.0.0.1:{port}/api/v1/reminders/callbacks/twilio");
    let Some(app) = TestApp::spawn_with(&[
        NO_ENGINE,
        FLUSH,
        ("CARECHAT_SERVER__PORT", &port),
        ("CARECHAT_REMINDERS__SMS__BASE_URL", fake.url()),
        ("CARECHAT_REMINDERS__SMS__ACCOUNT_SID", twilio::ACCOUNT_SID),
        ("CARECHAT_REMINDERS__SMS__AUTH_TOKEN", twilio::AUTH_TOKEN),
        ("CARECHAT_REMINDERS__SMS__FROM_NUMBER", "+15005550006"),
        ("CARECHAT_REMINDERS__SMS__STATUS_CALLBACK_URL", &callback),
    ])
    .await
    else {
        return;
    };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let sms = json!({"methods": ["sms"], "preferences": {"sms": {"phone": "+250788123456"}}});
    let reminder = create(&app, &token, &one_time(at, sms)).await;
    let engine = engine(&app, &ManualClock::at(at)).await;
    assert_eq!(engine.tick().await.unwrap().attempted, 1);
    assert_eq!(fake.sent().len(), 1, "the SMS reached Twilio");
    assert_eq!(only_delivery(&app, &token, &reminder).await["status"], "sent");

    let admin = app.admin_token().await;
    let sent = "metric=reminders_sent&department=sms&userSegment=system";
    assert_eq!(sum_once_counted(&app, &admin, sent, 1).await, Some(1.0));
    // Accepted by Twilio is not delivered yet: a delivered count would have been recorded with
    // the send, in the same batch, so it would already be there.
    let delivered = "metric=reminders_delivered&department=sms&userSegment=system";
    assert_eq!(sum_once_counted(&app, &admin, delivered, 0).await, Some(0.0));

    let sid = fake.sent()[0].sid.clone();
    assert_eq!(fake.send_status_callback(&sid, "delivered").await.status(), 204);
    assert_eq!(fake.send_status_callback(&sid, "delivered").await.status(), 204, "a duplicate report");
    assert_eq!(only_delivery(&app, &token, &reminder).await["status"], "delivered");
    assert_eq!(sum_once_counted(&app, &admin, delivered, 1).await, Some(1.0));
    // The duplicate changed nothing, so it is not counted, however long the writer takes.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sum_once_counted(&app, &admin, delivered, 1).await, Some(1.0));
}

#[actix_web::test]
async fn an_in_app_reminder_nobody_acknowledges_is_counted_missed_after_the_window() {
    let overrides = [NO_ENGINE, FLUSH, ("CARECHAT_REMINDERS__MISSED_AFTER_MINUTES", "30")];
    let Some(app) = TestApp::spawn_with(&overrides).await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let reminder = create(&app, &token, &one_time(at, json!({"methods": ["in_app"]}))).await;
    let clock = ManualClock::at(at);
    let engine = engine(&app, &clock).await;
    assert_eq!(engine.tick().await.unwrap().attempted, 1);
    clock.advance(Duration::minutes(29));
    assert_eq!(engine.tick().await.unwrap().followed_up, 0, "still inside the window");
    clock.advance(Duration::minutes(2));
    assert_eq!(engine.tick().await.unwrap().followed_up, 1);
    assert_eq!(only_delivery(&app, &token, &reminder).await["status"], "missed");

    let admin = app.admin_token().await;
    for metric in ["reminders_sent", "reminders_delivered", "reminders_missed"] {
        let query = format!("metric={metric}&department=in_app&userSegment=system");
        assert_eq!(sum_once_counted(&app, &admin, &query, 1).await, Some(1.0), "{metric}");
    }
}

#[actix_web::test]
async fn acknowledged_reminders_read_back_by_method_and_segment() {
    let Some(app) = TestApp::spawn_with(&[NO_ENGINE, FLUSH]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let reminder = create(&app, &token, &one_time(at, json!({"methods": ["in_app"]}))).await;
    assert_eq!(engine(&app, &ManualClock::at(at)).await.tick().await.unwrap().attempted, 1);

    let delivery = only_delivery(&app, &token, &reminder).await;
    let ack = format!("/api/v1/reminders/deliveries/{}/acknowledge", delivery["deliveryId"].as_str().unwrap());
    expect_json(app.send(app.post(&ack, Some(&token), &json!({"actionTaken": "took_medication"}))).await, 200).await;

    let admin = app.admin_token().await;
    let query = "metric=reminders_acknowledged&department=in_app&userSegment=patient";
    assert_eq!(sum_once_counted(&app, &admin, query, 1).await, Some(1.0));
}
