use serde_json::json;
use uuid::Uuid;

use super::{parse_response, request_body};
use crate::tracks::track1::reminders::channels::OutboundMessage;

fn fcm_error(code: u16, status: &str, error_code: &str) -> String {
    json!({"error": {"code": code, "message": format!("{status} happened"), "status": status, "details": [
        {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": error_code}
    ]}})
    .to_string()
}

#[test]
fn the_request_carries_token_notification_and_delivery_id() {
    let id = Uuid::nil();
    let message =
        OutboundMessage { delivery_id: id, to: "device-token".into(), title: "Pills".into(), body: "Take 1".into() };
    assert_eq!(
        request_body(&message),
        json!({"message": {"token": "device-token", "notification": {"title": "Pills", "body": "Take 1"},
            "data": {"deliveryId": id.to_string()}}})
    );
}

#[test]
fn success_records_the_message_name() {
    let o = parse_response(200, r#"{"name": "projects/clinic/messages/0:1500415314455276%31bd1c9631bd1c96"}"#);
    assert!(o.accepted);
    assert_eq!(o.provider, "fcm");
    assert_eq!(o.provider_message_id.as_deref(), Some("projects/clinic/messages/0:1500415314455276%31bd1c9631bd1c96"));
}

#[test]
fn unregistered_tokens_are_final() {
    let o = parse_response(404, &fcm_error(404, "NOT_FOUND", "UNREGISTERED"));
    assert!(!o.accepted);
    assert_eq!(o.error_code.as_deref(), Some("UNREGISTERED"));
    assert_eq!(o.error_message.as_deref(), Some("NOT_FOUND happened"));
    assert!(!o.retryable);
    assert!(!parse_response(400, &fcm_error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")).retryable);
}

#[test]
fn unavailable_internal_and_quota_are_retryable() {
    assert!(parse_response(503, &fcm_error(503, "UNAVAILABLE", "UNAVAILABLE")).retryable);
    assert!(parse_response(500, &fcm_error(500, "INTERNAL", "INTERNAL")).retryable);
    assert!(parse_response(429, &fcm_error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED")).retryable);
    // Without details, the status names it.
    let o = parse_response(401, r#"{"error": {"code": 401, "message": "bad token", "status": "UNAUTHENTICATED"}}"#);
    assert_eq!((o.error_code.as_deref(), o.retryable), (Some("UNAUTHENTICATED"), false));
}
