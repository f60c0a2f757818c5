//! The delivery engine with the real application, stepped by a moved clock: what reached the
//! inbox and the fake Twilio, retries, acknowledgement and analytics, crash safety (a claimed
//! but unsent delivery is sent after its lease lapses, exactly once at the provider), missed
//! occurrences and their escalation.

use carechat::tracks::track1::reminders::{
    engine::ManualClock,
    rules::analytics::{DeliveryOutcome, ReminderAnalytics},
};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::{
    fakes::twilio::{self, FakeTwilio, TwilioReply},
    helpers::{expect_json, TestApp},
    reminders::{create, engine, soon, NO_ENGINE},
};

/// The application with SMS through `fake` and no background engine.
async fn spawn(fake: &FakeTwilio, extra: &[(&str, &str)]) -> Option<TestApp> {
    let mut overrides = vec![
        NO_ENGINE,
        ("CARECHAT_REMINDERS__SMS__BASE_URL", fake.url()),
        ("CARECHAT_REMINDERS__SMS__ACCOUNT_SID", twilio::ACCOUNT_SID),
        ("CARECHAT_REMINDERS__SMS__AUTH_TOKEN", twilio::AUTH_TOKEN),
        ("CARECHAT_REMINDERS__SMS__FROM_NUMBER", "+15005550006"),
    ];
    overrides.extend_from_slice(extra);
    TestApp::spawn_with(&overrides).await
}

/// A one-time reminder at `at` on `methods`, SMS to +250788123456.
fn one_time(at: DateTime<Utc>, methods: &[&str]) -> Value {
    json!({
        "title": "Amoxicillin", "message": "Take 500 mg now.", "reminderType": "medication",
        "schedule": {"type": "one_time", "timezone": "Africa/Kigali", "scheduledTime": at},
        "delivery": {
            "methods": methods, "preferences": {"sms": {"phone": "+250788123456"}},
            "retryPolicy": {"maxRetries": 2, "retryInterval": 5, "backoffMultiplier": 2.0}
        }
    })
}

/// A daily in-app medication reminder at `start`'s time of day, from `start` on.
fn daily_in_app(start: DateTime<Utc>) -> Value {
    let mut body = one_time(start, &["in_app"]);
    body["schedule"] = json!({
        "type": "recurring", "timezone": "UTC", "startDate": start,
        "recurrence": {"pattern": "daily", "times": [start.format("%H:%M").to_string()]}
    });
    body
}

async fn deliveries(app: &TestApp, token: &str, reminder: &str) -> Vec<Value> {
    let page = app.get(&format!("/api/v1/reminders/{reminder}/deliveries"), Some(token));
    expect_json(app.send(page).await, 200).await["items"].as_array().unwrap().clone()
}

fn outcome(d: &Value) -> DeliveryOutcome {
    let time = |field: &str| d[field].as_str().map(|t| t.parse::<DateTime<Utc>>().unwrap());
    DeliveryOutcome {
        scheduled_for: time("scheduledFor").unwrap(),
        status: serde_json::from_value(d["status"].clone()).unwrap(),
        sent_at: time("sentAt"),
        delivered_at: time("deliveredAt"),
        acknowledged_at: time("acknowledgedAt"),
    }
}

fn by_method<'a>(all: &'a [Value], method: &str) -> &'a Value {
    all.iter().find(|d| d["method"] == method).unwrap()
}

#[actix_web::test]
async fn due_occurrences_reach_the_inbox_and_twilio_then_are_acknowledged() {
    let fake = FakeTwilio::start().await;
    let Some(app) = spawn(&fake, &[]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let r = create(&app, &token, &one_time(at, &["in_app", "sms"])).await;
    let id = r["reminderId"].as_str().unwrap();
    let clock = ManualClock::at(Utc::now());
    let engine = engine(&app, &clock).await;

    assert_eq!(engine.tick().await.unwrap().materialised, 0, "an hour early: nothing yet");
    clock.set(at);
    let report = engine.tick().await.unwrap();
    assert_eq!((report.materialised, report.attempted), (2, 2));
    assert_eq!(engine.tick().await.unwrap().materialised, 0, "materialised once");

    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].request.field("To").as_deref(), Some("+250788123456"));
    assert_eq!(sent[0].request.field("Body").as_deref(), Some("Amoxicillin\nTake 500 mg now."));
    let all = deliveries(&app, &token, id).await;
    let sms = by_method(&all, "sms");
    assert_eq!(sent[0].request.header("i-twilio-idempotency-token"), sms["deliveryId"].as_str());
    assert_eq!(
        (sms["status"].as_str(), sms["provider"]["messageId"].as_str()),
        (Some("sent"), Some(sent[0].sid.as_str()))
    );
    assert_eq!(sms["provider"]["name"], "twilio");
    let in_app = by_method(&all, "in_app");
    assert_eq!(in_app["status"], "delivered");

    let inbox = expect_json(app.send(app.get("/api/v1/reminders/inbox", Some(&token))).await, 200).await;
    assert_eq!(inbox["total"], 1);
    assert_eq!(inbox["items"][0]["title"], "Amoxicillin");
    assert_eq!(inbox["items"][0]["deliveryId"], in_app["deliveryId"]);

    let ack = app.post(
        &format!("/api/v1/reminders/deliveries/{}/acknowledge", in_app["deliveryId"].as_str().unwrap()),
        Some(&token),
        &json!({"rating": 5, "actionTaken": "took_medication"}),
    );
    let acked = expect_json(app.send(ack).await, 200).await;
    assert_eq!(acked["status"], "acknowledged");
    assert_eq!(acked["userResponse"]["actionTaken"], "took_medication");
    assert!(acked["userResponse"]["responseTime"].as_i64().is_some());
    let read = expect_json(app.send(app.get(&format!("/api/v1/reminders/{id}"), Some(&token))).await, 200).await;
    let a = &read["analytics"];
    assert_eq!((a["totalScheduled"].as_u64(), a["totalSent"].as_u64()), (Some(2), Some(2)));
    assert_eq!((a["totalDelivered"].as_u64(), a["totalAcknowledged"].as_u64()), (Some(1), Some(1)));
    assert_eq!(a["responseRate"], 0.5);
    // The counters kept with each change agree with a fold over the deliveries themselves.
    let outcomes: Vec<DeliveryOutcome> = deliveries(&app, &token, id).await.iter().map(outcome).collect();
    let folded = serde_json::to_value(ReminderAnalytics::fold(&outcomes)).unwrap();
    assert_eq!(&folded, a);
    assert_eq!(read["nextOccurrenceAt"], Value::Null, "a one-time reminder is exhausted");
}

#[actix_web::test]
async fn failed_sends_are_retried_by_the_policy() {
    let fake = FakeTwilio::start().await;
    fake.script([TwilioReply::ServerError]);
    let Some(app) = spawn(&fake, &[]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let id = create(&app, &token, &one_time(at, &["sms"])).await["reminderId"].as_str().unwrap().to_owned();
    let clock = ManualClock::at(at);
    let engine = engine(&app, &clock).await;
    engine.tick().await.unwrap();
    let sms = deliveries(&app, &token, &id).await.remove(0);
    assert_eq!((sms["status"].as_str(), sms["retryCount"].as_u64()), (Some("pending"), Some(1)));
    assert_eq!(sms["provider"]["errorCode"], "20500");
    let retry_at: DateTime<Utc> = sms["nextRetryAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(retry_at, at + Duration::minutes(5));
    clock.set(retry_at - Duration::seconds(1));
    assert_eq!(engine.tick().await.unwrap().attempted, 0, "not before its time");
    clock.set(retry_at);
    assert_eq!(engine.tick().await.unwrap().attempted, 1);
    let sms = deliveries(&app, &token, &id).await.remove(0);
    assert_eq!((sms["status"].as_str(), sms["retryCount"].as_u64()), (Some("sent"), Some(1)));
    assert_eq!(fake.sent().len(), 1);
}

#[actix_web::test]
async fn a_crash_mid_dispatch_loses_nothing_and_twilio_sends_once() {
    let fake = FakeTwilio::start().await;
    let Some(app) = spawn(&fake, &[("CARECHAT_REMINDERS__LEASE_SECS", "60")]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            create(&app, &token, &one_time(at, &["sms", "in_app"])).await["reminderId"].as_str().unwrap().to_owned(),
        );
    }
    let clock = ManualClock::at(at);
    let (dying, survivor) = (engine(&app, &clock).await, engine(&app, &clock).await);
    assert_eq!(dying.materialise().await.unwrap(), 6);
    assert_eq!(dying.claim_and_abandon().await.unwrap(), 6, "claimed, then the instance dies");
    // Say it got one SMS out before dying: the provider saw the delivery id as idempotency key.
    let first_sms =
        by_method(&deliveries(&app, &token, &ids[0]).await, "sms")["deliveryId"].as_str().unwrap().to_owned();
    let sid = twilio_send(&app, &fake, &first_sms).await;

    assert_eq!(survivor.tick().await.unwrap().attempted, 0, "the leases still hold");
    clock.advance(Duration::seconds(61));
    assert_eq!(survivor.tick().await.unwrap().attempted, 6, "lapsed leases are taken over");
    for id in &ids {
        let all = deliveries(&app, &token, id).await;
        assert_eq!(by_method(&all, "sms")["status"], "sent");
        assert_eq!(by_method(&all, "in_app")["status"], "delivered");
    }
    assert_eq!(fake.requests().len(), 4, "the re-send reached Twilio");
    assert_eq!(fake.sent().len(), 3, "but Twilio sent each message once");
    let first = by_method(&deliveries(&app, &token, &ids[0]).await, "sms").clone();
    assert_eq!(first["provider"]["messageId"].as_str(), Some(sid.as_str()));
    let inbox = expect_json(app.send(app.get("/api/v1/reminders/inbox", Some(&token))).await, 200).await;
    assert_eq!(inbox["total"], 3);
}

/// Sends one SMS through the configured channel, as an engine would for `delivery_id`.
async fn twilio_send(app: &TestApp, fake: &FakeTwilio, delivery_id: &str) -> String {
    use carechat::tracks::track1::reminders::channels::{OutboundMessage, ProviderChannels};
    let channels = ProviderChannels::from_settings(&app.settings.reminders).unwrap();
    let message = OutboundMessage {
        delivery_id: delivery_id.parse().unwrap(),
        to: "+250788123456".into(),
        title: "Amoxicillin".into(),
        body: "Take 500 mg now.".into(),
    };
    let outcome = channels.sms.unwrap().send(&message).await;
    assert!(outcome.accepted);
    assert_eq!(fake.sent().len(), 1);
    outcome.provider_message_id.unwrap()
}

#[actix_web::test]
async fn unacknowledged_occurrences_are_missed_and_escalate_once_per_run() {
    let fake = FakeTwilio::start().await;
    let Some(app) = spawn(&fake, &[("CARECHAT_REMINDERS__MISSED_AFTER_MINUTES", "30")]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let start = soon();
    let mut body = daily_in_app(start);
    body["smartFeatures"] =
        json!({"escalationRules": [{"missedCount": 2, "action": "notify_caregiver", "recipient": "+250788000111"}]});
    let id = create(&app, &token, &body).await["reminderId"].as_str().unwrap().to_owned();
    let clock = ManualClock::at(start);
    let engine = engine(&app, &clock).await;
    for day in 0..3 {
        clock.set(start + Duration::days(day));
        engine.tick().await.unwrap();
        clock.advance(Duration::minutes(31));
        engine.tick().await.unwrap();
        engine.tick().await.unwrap(); // the escalation notice goes out on the next pass
    }
    let read = expect_json(app.send(app.get(&format!("/api/v1/reminders/{id}"), Some(&token))).await, 200).await;
    assert_eq!(read["analytics"]["missedConsecutive"], 3);
    assert_eq!(
        read["analytics"]["lastMissedAt"].as_str().map(|s| s.parse::<DateTime<Utc>>().unwrap()),
        Some(start + Duration::days(2))
    );
    let all = deliveries(&app, &token, &id).await;
    assert_eq!(all.iter().filter(|d| d["status"] == "missed").count(), 3);
    let notices: Vec<&Value> = all.iter().filter(|d| d["kind"] == "escalation").collect();
    assert_eq!(notices.len(), 1, "once per run of misses");
    assert_eq!(notices[0]["status"], "sent");
    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].request.field("To").as_deref(), Some("+250788000111"));
    let text = sent[0].request.field("Body").unwrap();
    assert!(text.contains("missed 2 reminder(s) in a row") && text.ends_with("Action: notify caregiver."), "{text}");
}

#[actix_web::test]
async fn after_downtime_late_medication_doses_are_missed_and_the_latest_is_sent_late() {
    let fake = FakeTwilio::start().await;
    let Some(app) = spawn(&fake, &[]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let start = soon();
    let id = create(&app, &token, &daily_in_app(start)).await["reminderId"].as_str().unwrap().to_owned();
    // The engine was down for three days; it comes back 10 minutes after the fourth dose.
    let clock = ManualClock::at(start + Duration::days(3) + Duration::minutes(10));
    let engine = engine(&app, &clock).await;
    let report = engine.tick().await.unwrap();
    assert_eq!((report.materialised, report.attempted), (4, 1));
    let all = deliveries(&app, &token, &id).await;
    let statuses: Vec<&str> = all.iter().map(|d| d["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["delivered", "missed", "missed", "missed"], "latest first");
    let read = expect_json(app.send(app.get(&format!("/api/v1/reminders/{id}"), Some(&token))).await, 200).await;
    assert_eq!(read["analytics"]["missedConsecutive"], 3, "a dose hours late is missed, not sent");
    let last_missed: DateTime<Utc> = read["analytics"]["lastMissedAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(last_missed, start + Duration::days(2));
    assert_eq!(read["nextOccurrenceAt"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap(), start + Duration::days(4));
    let inbox = expect_json(app.send(app.get("/api/v1/reminders/inbox", Some(&token))).await, 200).await;
    assert_eq!(inbox["total"], 1, "only the dose still in its grace period");
}

#[actix_web::test]
async fn misses_caught_up_after_downtime_escalate_once_for_the_batch() {
    let fake = FakeTwilio::start().await;
    let Some(app) = spawn(&fake, &[]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let start = soon();
    let mut body = daily_in_app(start);
    body["smartFeatures"] =
        json!({"escalationRules": [{"missedCount": 2, "action": "call_patient", "recipient": "+250788000222"}]});
    let id = create(&app, &token, &body).await["reminderId"].as_str().unwrap().to_owned();
    // The engine was down for three doses, each now hours past its grace period.
    let clock = ManualClock::at(start + Duration::days(2) + Duration::hours(3));
    let engine = engine(&app, &clock).await;
    engine.tick().await.unwrap();
    engine.tick().await.unwrap();

    let all = deliveries(&app, &token, &id).await;
    assert_eq!(all.iter().filter(|d| d["status"] == "missed").count(), 3);
    let notices: Vec<&Value> = all.iter().filter(|d| d["kind"] == "escalation").collect();
    assert_eq!(notices.len(), 1, "one notice for the batch, not one per missed dose");
    assert_eq!((notices[0]["method"].as_str(), notices[0]["status"].as_str()), (Some("sms"), Some("sent")));
    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].request.field("To").as_deref(), Some("+250788000222"));
    let text = sent[0].request.field("Body").unwrap();
    assert!(text.contains("missed 3 reminder(s) in a row") && text.ends_with("Action: call patient."), "{text}");
}
