//! Provider status reports over HTTP and what they do: signed Twilio callbacks and email event
//! webhooks move deliveries through the state machine (duplicates ignored, bad signatures
//! refused), a real final failure falls back to another channel (email through the SMTP sink),
//! push reaches the fake FCM; and the patient side: snooze, the live inbox stream, adherence.

use std::net::TcpListener;

use carechat::tracks::track1::reminders::engine::ManualClock;
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::{
    fakes::{
        fcm::{self, FakeFcm},
        smtp::{signed_email_events, SmtpSink},
        twilio::{self, FakeTwilio},
    },
    helpers::{expect_json, expect_problem, TestApp},
    reminders::{create, engine, soon, NO_ENGINE},
};

const SECRET: &str = "whsec-clinic";

struct Fakes {
    twilio: FakeTwilio,
    fcm: FakeFcm,
    smtp: SmtpSink,
}

/// The application on a port chosen beforehand (Twilio is told to call it back there), with
/// every channel pointed at the fakes.
async fn spawn() -> Option<(TestApp, Fakes)> {
    let fakes = Fakes { twilio: FakeTwilio::start().await, fcm: FakeFcm::start().await, smtp: SmtpSink::start().await };
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let callback = format!("http://127.0.0.1:{port}/api/v1/reminders/callbacks/twilio");
    let smtp_port = fakes.smtp.port.to_string();
    let app = TestApp::spawn_with(&[
        NO_ENGINE,
        ("CARECHAT_SERVER__PORT", &port),
        ("CARECHAT_REMINDERS__SMS__BASE_URL", fakes.twilio.url()),
        ("CARECHAT_REMINDERS__SMS__ACCOUNT_SID", twilio::ACCOUNT_SID),
        ("CARECHAT_REMINDERS__SMS__AUTH_TOKEN", twilio::AUTH_TOKEN),
        ("CARECHAT_REMINDERS__SMS__FROM_NUMBER", "+15005550006"),
        ("CARECHAT_REMINDERS__SMS__STATUS_CALLBACK_URL", &callback),
        ("CARECHAT_REMINDERS__PUSH__BASE_URL", fakes.fcm.url()),
        ("CARECHAT_REMINDERS__PUSH__PROJECT_ID", fcm::PROJECT_ID),
        ("CARECHAT_REMINDERS__PUSH__ACCESS_TOKEN", fcm::ACCESS_TOKEN),
        ("CARECHAT_REMINDERS__EMAIL__HOST", "127.0.0.1"),
        ("CARECHAT_REMINDERS__EMAIL__PORT", &smtp_port),
        ("CARECHAT_REMINDERS__EMAIL__TLS", "none"),
        ("CARECHAT_REMINDERS__EMAIL__FROM", "CareChat <reminders@clinic.example>"),
        ("CARECHAT_REMINDERS__WEBHOOKS__SENDGRID_SIGNING_SECRET", SECRET),
    ])
    .await?;
    Some((app, fakes))
}

fn one_time(at: DateTime<Utc>, delivery: Value) -> Value {
    json!({
        "title": "Lab results", "message": "Your results are ready.", "reminderType": "followup",
        "schedule": {"type": "one_time", "timezone": "Europe/Paris", "scheduledTime": at},
        "delivery": delivery
    })
}

async fn deliveries(app: &TestApp, token: &str, reminder: &Value) -> Vec<Value> {
    let id = reminder["reminderId"].as_str().unwrap();
    let page = app.get(&format!("/api/v1/reminders/{id}/deliveries"), Some(token));
    expect_json(app.send(page).await, 200).await["items"].as_array().unwrap().clone()
}

async fn analytics(app: &TestApp, token: &str, reminder: &Value) -> Value {
    let id = reminder["reminderId"].as_str().unwrap();
    expect_json(app.send(app.get(&format!("/api/v1/reminders/{id}"), Some(token))).await, 200).await["analytics"]
        .clone()
}

#[actix_web::test]
async fn twilio_callbacks_move_deliveries_once_and_push_reaches_fcm() {
    let Some((app, fakes)) = spawn().await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let delivery = json!({"methods": ["sms", "push"], "preferences": {
        "sms": {"phone": "+250788123456"}, "push": {"deviceTokens": ["device-token-1"]}}});
    let r = create(&app, &token, &one_time(at, delivery)).await;
    let clock = ManualClock::at(at);
    engine(&app, &clock).await.tick().await.unwrap();

    let push = fakes.fcm.requests();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].json()["message"]["token"], "device-token-1");
    let sid = fakes.twilio.sent()[0].sid.clone();
    assert_eq!(fakes.twilio.send_status_callback(&sid, "delivered").await.status(), 204);
    assert_eq!(fakes.twilio.send_status_callback(&sid, "delivered").await.status(), 204, "a duplicate is fine");
    assert_eq!(fakes.twilio.send_status_callback(&sid, "sent").await.status(), 204, "a stale report too");
    let all = deliveries(&app, &token, &r).await;
    let sms = all.iter().find(|d| d["method"] == "sms").unwrap();
    assert_eq!(sms["status"], "delivered");
    assert!(sms["deliveredAt"].is_string());
    assert_eq!(analytics(&app, &token, &r).await["totalDelivered"], 1, "counted once");

    let forged = app
        .client
        .post(app.url("/api/v1/reminders/callbacks/twilio"))
        .header("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl")
        .form(&[("MessageSid", sid.as_str()), ("MessageStatus", "failed")]);
    expect_problem(app.send(forged).await, 403, "signature_mismatch").await;
    let unsigned = app.client.post(app.url("/api/v1/reminders/callbacks/twilio")).form(&[("MessageSid", sid.as_str())]);
    expect_problem(app.send(unsigned).await, 403, "signature_missing").await;
    let url = fakes.twilio.sent()[0].request.field("StatusCallback").unwrap();
    let no_status = vec![("MessageSid".to_owned(), sid.clone())];
    let signed = app.client.post(&url).header("X-Twilio-Signature", twilio::sign(&url, &no_status)).form(&no_status);
    expect_problem(app.send(signed).await, 400, "invalid_callback").await;
}

#[actix_web::test]
async fn a_final_sms_failure_falls_back_to_email() {
    let Some((app, fakes)) = spawn().await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let delivery = json!({
        "methods": ["sms"],
        "preferences": {"sms": {"phone": "+250788123456"}, "email": {"address": "amina@example.org"}},
        "escalation": {"repeatEveryMinutes": 0, "maxRepeats": 0, "fallbackMethod": "email"}
    });
    let r = create(&app, &token, &one_time(at, delivery)).await;
    let clock = ManualClock::at(at);
    let engine = engine(&app, &clock).await;
    engine.tick().await.unwrap();
    engine.tick().await.unwrap();
    assert!(fakes.smtp.mails().is_empty(), "\"sent\" is no reason to fall back");

    let sid = fakes.twilio.sent()[0].sid.clone();
    assert_eq!(fakes.twilio.send_status_callback(&sid, "undelivered").await.status(), 204);
    engine.tick().await.unwrap(); // decides the fallback
    engine.tick().await.unwrap(); // sends it
    let mails = fakes.smtp.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, ["amina@example.org"]);
    assert_eq!(mails[0].header("Subject").as_deref(), Some("Lab results"));
    let all = deliveries(&app, &token, &r).await;
    let sms = all.iter().find(|d| d["method"] == "sms").unwrap();
    assert_eq!((sms["status"].as_str(), sms["finalAttempt"].as_bool()), (Some("failed"), Some(true)));
    assert_eq!(sms["provider"]["errorCode"], "30003");
    let email = all.iter().find(|d| d["method"] == "email").unwrap();
    assert_eq!((email["kind"].as_str(), email["status"].as_str()), (Some("fallback"), Some("sent")));

    // The email provider then reports it delivered, once.
    let message_id = email["provider"]["messageId"].as_str().unwrap();
    let events =
        json!([{"email": "amina@example.org", "event": "delivered", "smtp-id": message_id, "sg_event_id": "ev-1"}]);
    for _ in 0..2 {
        let (headers, body) = signed_email_events(SECRET, Utc::now().timestamp(), &events);
        let mut post = app.client.post(app.url("/api/v1/reminders/callbacks/email-events")).body(body);
        for (name, value) in headers {
            post = post.header(name, value);
        }
        assert_eq!(app.send(post.header("content-type", "application/json")).await.status(), 204);
    }
    let email = deliveries(&app, &token, &r).await.into_iter().find(|d| d["method"] == "email").unwrap();
    assert_eq!(email["status"], "delivered");
    assert_eq!(analytics(&app, &token, &r).await["totalDelivered"], 1);
    let (headers, body) = signed_email_events("whsec-other", Utc::now().timestamp(), &events);
    let mut forged = app.client.post(app.url("/api/v1/reminders/callbacks/email-events")).body(body);
    for (name, value) in headers {
        forged = forged.header(name, value);
    }
    expect_problem(app.send(forged).await, 403, "signature_mismatch").await;
}

#[actix_web::test]
async fn push_rings_every_device_and_one_acceptance_is_sent_without_retry() {
    let Some((app, fakes)) = spawn().await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let push = |tokens: &[&str]| {
        json!({"methods": ["push"], "preferences": {"push": {"deviceTokens": tokens}},
            "retryPolicy": {"maxRetries": 2, "retryInterval": 5, "backoffMultiplier": 2.0}})
    };
    fakes.fcm.unregister("tablet-uninstalled");
    let both = create(&app, &token, &one_time(at, push(&["phone-1", "tablet-1"]))).await;
    let partial = create(&app, &token, &one_time(at, push(&["phone-2", "tablet-uninstalled"]))).await;
    let clock = ManualClock::at(at);
    let engine = engine(&app, &clock).await;
    engine.tick().await.unwrap();

    let requests = fakes.fcm.requests();
    let to = |r: &crate::fakes::recorder::Recorded| r.json()["message"]["token"].as_str().unwrap().to_owned();
    let mut tokens: Vec<String> = requests.iter().map(to).collect();
    tokens.sort();
    assert_eq!(tokens, ["phone-1", "phone-2", "tablet-1", "tablet-uninstalled"], "one message per device");
    let d = deliveries(&app, &token, &both).await.remove(0);
    assert_eq!(d["status"], "sent");
    for request in requests.iter().filter(|r| to(r).ends_with("-1")) {
        assert_eq!(request.json()["message"]["data"]["deliveryId"], d["deliveryId"], "the app's idempotency key");
    }
    assert_eq!(d["provider"]["messageId"].as_str().unwrap().split(',').count(), 2, "both message names kept");
    assert_eq!(analytics(&app, &token, &both).await["totalSent"], 1, "one delivery, sent once");

    let d = deliveries(&app, &token, &partial).await.remove(0);
    assert_eq!((d["status"].as_str(), d["retryCount"].as_u64()), (Some("sent"), Some(0)));
    assert_eq!(d["nextRetryAt"], Value::Null);
    assert!(d["provider"]["messageId"].as_str().unwrap().starts_with("projects/"));
    assert_eq!(d["provider"]["errorCode"], "UNREGISTERED");
    let note = d["provider"]["errorMessage"].as_str().unwrap();
    assert!(note.starts_with("1 of 2 devices refused: device 2 (…talled): UNREGISTERED"), "{note}");
    clock.advance(Duration::minutes(30));
    engine.tick().await.unwrap();
    assert_eq!(fakes.fcm.requests().len(), 4, "no retry rings the phone again");
}

#[actix_web::test]
async fn the_inbox_stream_pushes_new_reminders_and_snooze_sends_again() {
    let Some((app, _fakes)) = spawn().await else { return };
    let (token, _, _) = app.register_patient().await;
    let at = soon();
    let r = create(&app, &token, &one_time(at, json!({"methods": ["in_app"]}))).await;
    let stream = app.send(app.get("/api/v1/reminders/inbox/stream?timeoutSecs=20", Some(&token))).await;
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let mut body = stream.bytes_stream();
    let clock = ManualClock::at(at);
    let engine = engine(&app, &clock).await;
    engine.tick().await.unwrap();
    let mut text = String::new();
    while !text.contains("event: reminder") {
        let chunk =
            tokio::time::timeout(std::time::Duration::from_secs(10), body.next()).await.unwrap().unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.starts_with("retry: 1000\n\n"), "{text}");
    assert!(text.contains("\"title\":\"Lab results\""), "{text}");

    // A connection ends after its timeout (clients reconnect), resuming from Last-Event-ID.
    let id_line = text.lines().find(|l| l.starts_with("id: ")).unwrap().trim_start_matches("id: ").to_owned();
    let short = app.get("/api/v1/reminders/inbox/stream?timeoutSecs=1", Some(&token)).header("Last-Event-ID", id_line);
    let rest =
        tokio::time::timeout(std::time::Duration::from_secs(10), app.send(short).await.text()).await.unwrap().unwrap();
    assert_eq!(rest, "retry: 1000\n\n", "nothing newer than the last event");
    let delivered = deliveries(&app, &token, &r).await.remove(0);
    let id = delivered["deliveryId"].as_str().unwrap();
    let snooze = app.post(&format!("/api/v1/reminders/deliveries/{id}/snooze"), Some(&token), &json!({"minutes": 15}));
    let next = expect_json(app.send(snooze).await, 201).await;
    assert_eq!(next["status"], "pending");
    let short = app.post(&format!("/api/v1/reminders/deliveries/{id}/snooze"), Some(&token), &json!({"minutes": 1}));
    expect_problem(app.send(short).await, 422, "validation_failed").await;
    clock.advance(Duration::minutes(16));
    engine.tick().await.unwrap();
    let inbox = expect_json(app.send(app.get("/api/v1/reminders/inbox", Some(&token))).await, 200).await;
    assert_eq!(inbox["total"], 2, "the snoozed reminder came back");
}

#[actix_web::test]
async fn adherence_counts_doses_per_day_with_a_pdc_score() {
    let Some((app, _fakes)) = spawn().await else { return };
    let (token, _, _) = app.register_patient().await;
    let start = soon();
    let body = json!({
        "title": "Metformin", "message": "With breakfast.", "reminderType": "medication",
        "schedule": {"type": "recurring", "timezone": "UTC", "startDate": start,
            "recurrence": {"pattern": "daily", "times": [start.format("%H:%M").to_string()]}},
        "delivery": {"methods": ["in_app"]}
    });
    let r = create(&app, &token, &body).await;
    let clock = ManualClock::at(start);
    let engine = engine(&app, &clock).await;
    // Day 1 acknowledged at once, day 2 not at all, day 3 acknowledged at once.
    for day in 0..3 {
        clock.set(start + Duration::days(day));
        engine.tick().await.unwrap();
        if day != 1 {
            let d = deliveries(&app, &token, &r).await.remove(0);
            let id = d["deliveryId"].as_str().unwrap();
            let ack = app.post(&format!("/api/v1/reminders/deliveries/{id}/acknowledge"), Some(&token), &json!({}));
            expect_json(app.send(ack).await, 200).await;
        }
    }
    // The server judges at its own (real) time, before these doses were due: acknowledged ones
    // count as on time (early counts too), the unacknowledged one is still pending and its day
    // is left out of the score.
    let id = r["reminderId"].as_str().unwrap();
    let from = (start - Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let to = (start + Duration::days(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let query = format!("from={from}&to={to}");
    let report = app.get(&format!("/api/v1/reminders/{id}/adherence?{query}"), Some(&token));
    let report = expect_json(app.send(report).await, 200).await;
    let s = &report["summary"];
    assert_eq!(
        (s["onTime"].as_u64(), s["pending"].as_u64(), s["missed"].as_u64()),
        (Some(2), Some(1), Some(0)),
        "{report}"
    );
    assert_eq!((s["dosingDays"].as_u64(), s["daysCovered"].as_u64()), (Some(2), Some(2)));
    assert_eq!((s["pdc"].as_f64(), s["adherent"].as_bool()), (Some(1.0), Some(true)));
    let outcomes: Vec<&str> =
        report["doses"].as_array().unwrap().iter().map(|d| d["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["on_time", "pending", "on_time"]);
    let mine =
        expect_json(app.send(app.get(&format!("/api/v1/reminders/adherence?{query}"), Some(&token))).await, 200).await;
    assert_eq!(mine["summary"], report["summary"]);
    let backwards = app.get(&format!("/api/v1/reminders/adherence?from={to}&to={from}"), Some(&token));
    expect_problem(app.send(backwards).await, 422, "validation_failed").await;
}
