//! Reminder provider channels against local fakes of the real services: each client is built
//! from `[reminders.*]` settings (as the server builds them), sends, and the test checks what
//! actually arrived — path, authentication, body, idempotency key — and what the client made
//! of each scripted answer. Callback signatures are checked on requests built like the
//! providers build them.

use std::path::Path;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::{engine::general_purpose::STANDARD, Engine};
use carechat::{
    config::Settings,
    tracks::track1::reminders::{
        channels::{signatures, Channel, OutboundMessage, ProviderChannels},
        rules::{status, DeliveryMethod},
    },
};
use serde_json::json;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::fakes::{
    fcm::{self, FakeFcm, FcmReply},
    smtp::{signed_email_events, SmtpReply, SmtpSink},
    twilio::{self, FakeTwilio, TwilioReply},
};

const CALLBACK_PATH: &str = "/api/v1/reminders/callbacks/twilio?tenant=clinic";

/// Channels configured like a deployment would be, through `CARECHAT_REMINDERS__*` variables.
fn channels(vars: &[(&str, String)]) -> ProviderChannels {
    let env = vars.iter().map(|(k, v)| (format!("CARECHAT_REMINDERS__{k}"), v.clone()));
    let settings = Settings::load_from(Path::new("/nonexistent"), env).unwrap();
    ProviderChannels::from_settings(&settings.reminders).unwrap()
}

fn sms(fake: &FakeTwilio, callback: &str) -> std::sync::Arc<dyn Channel> {
    channels(&[
        ("SMS__BASE_URL", fake.url().to_owned()),
        ("SMS__ACCOUNT_SID", twilio::ACCOUNT_SID.to_owned()),
        ("SMS__AUTH_TOKEN", twilio::AUTH_TOKEN.to_owned()),
        ("SMS__FROM_NUMBER", "+15005550006".to_owned()),
        ("SMS__STATUS_CALLBACK_URL", callback.to_owned()),
    ])
    .get(DeliveryMethod::Sms)
    .cloned()
    .unwrap()
}

fn push(fake: &FakeFcm) -> std::sync::Arc<dyn Channel> {
    channels(&[
        ("PUSH__BASE_URL", fake.url().to_owned()),
        ("PUSH__PROJECT_ID", fcm::PROJECT_ID.to_owned()),
        ("PUSH__ACCESS_TOKEN", fcm::ACCESS_TOKEN.to_owned()),
    ])
    .push
    .unwrap()
}

fn email(sink: &SmtpSink, with_login: bool) -> std::sync::Arc<dyn Channel> {
    let mut vars = vec![
        ("EMAIL__HOST", "127.0.0.1".to_owned()),
        ("EMAIL__PORT", sink.port.to_string()),
        ("EMAIL__TLS", "none".to_owned()),
        ("EMAIL__FROM", "CareChat <reminders@clinic.example>".to_owned()),
    ];
    if with_login {
        vars.extend([("EMAIL__USERNAME", "mailer".to_owned()), ("EMAIL__PASSWORD", "mail-pass".to_owned())]);
    }
    channels(&vars).email.unwrap()
}

fn message(to: &str) -> OutboundMessage {
    OutboundMessage {
        delivery_id: Uuid::now_v7(),
        to: to.to_owned(),
        title: "Medication".to_owned(),
        body: "Time for your 08:00 dose of amoxicillin.".to_owned(),
    }
}

#[actix_web::test]
async fn nothing_is_configured_by_default() {
    let none = channels(&[]);
    assert!(none.sms.is_none() && none.email.is_none() && none.push.is_none());
    assert!(none.get(DeliveryMethod::InApp).is_none());
}

#[actix_web::test]
async fn an_sms_reaches_twilio_with_auth_form_and_idempotency_token() {
    let fake = FakeTwilio::start().await;
    let channel = sms(&fake, "https://carechat.example/api/v1/reminders/callbacks/twilio");
    let msg = message("+250788123456");
    let outcome = channel.send(&msg).await;

    assert!(outcome.accepted, "{outcome:?}");
    assert_eq!(outcome.provider, "twilio");
    assert_eq!(outcome.provider_status.as_deref(), Some("queued"));
    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(outcome.provider_message_id.as_deref(), Some(sent[0].sid.as_str()));
    let request = &sent[0].request;
    assert_eq!(request.path, format!("/2010-04-01/Accounts/{}/Messages.json", twilio::ACCOUNT_SID));
    let credentials = STANDARD.encode(format!("{}:{}", twilio::ACCOUNT_SID, twilio::AUTH_TOKEN));
    assert_eq!(request.header("authorization"), Some(format!("Basic {credentials}").as_str()));
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(request.header("i-twilio-idempotency-token"), Some(msg.delivery_id.to_string().as_str()));
    assert_eq!(request.field("To").as_deref(), Some("+250788123456"));
    assert_eq!(request.field("From").as_deref(), Some("+15005550006"));
    assert_eq!(request.field("Body").as_deref(), Some("Medication\nTime for your 08:00 dose of amoxicillin."));
    assert_eq!(
        request.field("StatusCallback").as_deref(),
        Some("https://carechat.example/api/v1/reminders/callbacks/twilio")
    );
}

#[actix_web::test]
async fn sending_the_same_delivery_twice_sends_one_sms() {
    let fake = FakeTwilio::start().await;
    let channel = sms(&fake, "");
    let msg = message("+250788123456");
    let first = channel.send(&msg).await;
    let again = channel.send(&msg).await;
    assert!(first.accepted && again.accepted);
    assert_eq!(first.provider_message_id, again.provider_message_id);
    assert_eq!((fake.requests().len(), fake.sent().len()), (2, 1));
    assert_eq!(fake.sent()[0].request.field("StatusCallback"), None, "no callback URL configured");
}

#[actix_web::test]
async fn twilio_refusals_and_outages_are_recorded_with_their_retry_verdict() {
    let fake = FakeTwilio::start().await;
    fake.script([TwilioReply::InvalidNumber, TwilioReply::ServerError]);
    let channel = sms(&fake, "");

    let invalid = channel.send(&message("+1555")).await;
    assert!(!invalid.accepted);
    assert_eq!(invalid.error_code.as_deref(), Some("21211"));
    assert_eq!(invalid.error_message.as_deref(), Some("The 'To' number +1555 is not a valid phone number."));
    assert!(!invalid.retryable);
    assert_eq!(invalid.raw_response["more_info"], "https://www.twilio.com/docs/errors/21211");

    // 500, then the retry of the same delivery succeeds.
    let msg = message("+250788123456");
    let outage = channel.send(&msg).await;
    assert!(!outage.accepted && outage.retryable);
    assert_eq!(outage.error_code.as_deref(), Some("20500"));
    let retried = channel.send(&msg).await;
    assert!(retried.accepted);
    assert_eq!(fake.sent().len(), 1);
}

#[actix_web::test]
async fn an_unreachable_provider_is_a_retryable_network_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let channel = channels(&[
        ("PUSH__BASE_URL", format!("http://127.0.0.1:{port}")),
        ("PUSH__PROJECT_ID", "p".to_owned()),
        ("PUSH__ACCESS_TOKEN", "t".to_owned()),
    ])
    .push
    .unwrap();
    let outcome = channel.send(&message("token")).await;
    assert!(!outcome.accepted && outcome.retryable);
    assert_eq!(outcome.error_code.as_deref(), Some("network"));
}

#[actix_web::test]
async fn a_push_reaches_fcm_with_bearer_token_and_delivery_id() {
    let fake = FakeFcm::start().await;
    let msg = message("fcm-device-token-1");
    let outcome = push(&fake).send(&msg).await;

    assert!(outcome.accepted, "{outcome:?}");
    assert!(outcome.provider_message_id.unwrap().starts_with(&format!("projects/{}/messages/", fcm::PROJECT_ID)));
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, format!("/v1/projects/{}/messages:send", fcm::PROJECT_ID));
    assert_eq!(requests[0].header("authorization"), Some(format!("Bearer {}", fcm::ACCESS_TOKEN).as_str()));
    assert_eq!(
        requests[0].json(),
        json!({"message": {"token": "fcm-device-token-1",
            "notification": {"title": "Medication", "body": "Time for your 08:00 dose of amoxicillin."},
            "data": {"deliveryId": msg.delivery_id.to_string()}}})
    );
}

#[actix_web::test]
async fn fcm_unregistered_is_final_and_unavailable_is_retried() {
    let fake = FakeFcm::start().await;
    fake.script([FcmReply::Unregistered, FcmReply::Unavailable, FcmReply::Internal]);
    let channel = push(&fake);
    let gone = channel.send(&message("stale-token")).await;
    assert_eq!((gone.accepted, gone.retryable, gone.error_code.as_deref()), (false, false, Some("UNREGISTERED")));
    let busy = channel.send(&message("token")).await;
    assert_eq!((busy.accepted, busy.retryable, busy.error_code.as_deref()), (false, true, Some("UNAVAILABLE")));
    let broken = channel.send(&message("token")).await;
    assert_eq!((broken.retryable, broken.error_code.as_deref()), (true, Some("INTERNAL")));
    assert!(channel.send(&message("token")).await.accepted);
    assert_eq!(fake.requests().len(), 4);
}

#[actix_web::test]
async fn an_email_reaches_the_smtp_server_with_a_message_id_from_the_delivery() {
    let sink = SmtpSink::start().await;
    let msg = message("amina@example.org");
    let outcome = email(&sink, true).send(&msg).await;

    assert!(outcome.accepted, "{outcome:?}");
    let expected_id = format!("<{}@clinic.example>", msg.delivery_id);
    assert_eq!(outcome.provider_message_id.as_deref(), Some(expected_id.as_str()));
    assert_eq!(outcome.provider_status.as_deref(), Some("250"));
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.auth, Some(("mailer".to_owned(), "mail-pass".to_owned())));
    assert_eq!(
        (mail.mail_from.as_str(), mail.rcpt_to.as_slice()),
        ("reminders@clinic.example", &["amina@example.org".to_owned()][..])
    );
    assert_eq!(mail.header("message-id"), Some(expected_id));
    assert_eq!(mail.header("subject").as_deref(), Some("Medication"));
    assert_eq!(mail.header("from").as_deref(), Some("CareChat <reminders@clinic.example>"));
    assert!(mail.body().contains("Time for your 08:00 dose of amoxicillin."), "{}", mail.data);
}

#[actix_web::test]
async fn smtp_refusals_are_final_or_retryable_by_their_reply_code() {
    let sink = SmtpSink::start().await;
    sink.script([SmtpReply::RejectRecipient, SmtpReply::TryLater]);
    let channel = email(&sink, false);
    let refused = channel.send(&message("nobody@example.org")).await;
    assert_eq!((refused.accepted, refused.retryable, refused.error_code.as_deref()), (false, false, Some("550")));
    let later = channel.send(&message("busy@example.org")).await;
    assert_eq!((later.accepted, later.retryable, later.error_code.as_deref()), (false, true, Some("451")));
    let fine = channel.send(&message("amina@example.org")).await;
    assert!(fine.accepted);
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].auth, None);
    let bad = channel.send(&message("not an address")).await;
    assert_eq!((bad.retryable, bad.error_code.as_deref()), (false, Some("invalid_recipient")));
}

/// A receiver standing in for our callback route: hands each request's URL, signature header
/// and form fields to the test.
async fn callback_receiver() -> (String, mpsc::UnboundedReceiver<(String, Option<String>, Vec<(String, String)>)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let server = HttpServer::new(move || {
        let tx = tx.clone();
        App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
            let tx = tx.clone();
            async move {
                let url = format!("http://{}{}", req.connection_info().host(), req.uri());
                let signature =
                    req.headers().get("x-twilio-signature").and_then(|v| v.to_str().ok()).map(str::to_owned);
                tx.send((url, signature, form_urlencoded::parse(&body).into_owned().collect())).unwrap();
                HttpResponse::NoContent().finish()
            }
        }))
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let base = format!("http://{}", server.addrs()[0]);
    actix_web::rt::spawn(server.run());
    (base, rx)
}

#[actix_web::test]
async fn twilio_status_callbacks_verify_and_map_onto_the_delivery_machine() {
    let fake = FakeTwilio::start().await;
    let (base, mut received) = callback_receiver().await;
    let channel = sms(&fake, &format!("{base}{CALLBACK_PATH}"));
    let sid = channel.send(&message("+250788123456")).await.provider_message_id.unwrap();

    assert_eq!(fake.send_status_callback(&sid, "undelivered").await.status(), 204);
    let (url, signature, params) = received.recv().await.unwrap();
    assert_eq!(url, format!("{base}{CALLBACK_PATH}"));
    assert_eq!(signatures::verify_twilio(twilio::AUTH_TOKEN, &url, &params, signature.as_deref()), Ok(()));
    let field = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    assert_eq!(field("MessageSid"), Some(sid.as_str()));
    let event = status::twilio_event(field("MessageStatus").unwrap()).unwrap();
    let after = status::transition(status::DeliveryStatus::Sent, event).unwrap().to;
    assert!(status::needs_fallback(after, true), "undelivered is a real final failure");

    // Anything changed on the way, or another account's token, fails.
    let mut forged = params.clone();
    forged.retain(|(n, _)| n != "ErrorCode");
    let refused = signatures::verify_twilio(twilio::AUTH_TOKEN, &url, &forged, signature.as_deref());
    assert_eq!(refused, Err(signatures::SignatureError::Mismatch));
    assert!(signatures::verify_twilio("another-token", &url, &params, signature.as_deref()).is_err());
}

#[actix_web::test]
async fn email_event_webhooks_verify_with_the_shared_secret() {
    let events = json!([
        {"email": "amina@example.org", "timestamp": 1_767_225_600, "event": "delivered",
         "smtp-id": "<0190f0e4-0000-7000-8000-000000000000@clinic.example>", "sg_event_id": "ev-1"},
        {"email": "amina@example.org", "timestamp": 1_767_225_660, "event": "open", "sg_event_id": "ev-2"}
    ]);
    let now = chrono::Utc::now();
    let (headers, body) = signed_email_events("whsec-clinic", now.timestamp(), &events);
    let header = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
    let (timestamp, signature) =
        (header(signatures::EMAIL_TIMESTAMP_HEADER), header(signatures::EMAIL_SIGNATURE_HEADER));
    let verify = |secret, body: &[u8]| signatures::verify_email_event(secret, timestamp, signature, body, now, 300);
    assert_eq!(verify("whsec-clinic", &body), Ok(()));
    assert_eq!(verify("whsec-other", &body), Err(signatures::SignatureError::Mismatch));
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert_eq!(verify("whsec-clinic", &tampered), Err(signatures::SignatureError::Mismatch));
    let mapped: Vec<_> =
        events.as_array().unwrap().iter().map(|e| status::email_event(e["event"].as_str().unwrap())).collect();
    assert_eq!(mapped, [Some(status::DeliveryEvent::Delivered), Some(status::DeliveryEvent::Delivered)]);
}
