use serde_json::json;
use uuid::Uuid;

use super::{merge_device_outcomes, parse_response, request_body};
use crate::tracks::track1::reminders::channels::{OutboundMessage, SendOutcome};

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

fn accepted(name: &str) -> SendOutcome {
    parse_response(200, &json!({"name": name}).to_string())
}

fn devices(outcomes: Vec<SendOutcome>) -> Vec<(String, SendOutcome)> {
    outcomes.into_iter().enumerate().map(|(i, o)| (format!("device-token-{i}"), o)).collect()
}

#[test]
fn one_device_keeps_its_outcome() {
    let refused = parse_response(503, &fcm_error(503, "UNAVAILABLE", "UNAVAILABLE"));
    assert_eq!(merge_device_outcomes(devices(vec![refused.clone()])), refused);
    assert_eq!(merge_device_outcomes(vec![]).error_code.as_deref(), Some("no_address"));
}

#[test]
fn every_device_accepting_keeps_every_message_name() {
    let o = merge_device_outcomes(devices(vec![accepted("m/1"), accepted("m/2")]));
    assert!(o.accepted);
    assert_eq!(o.provider_message_id.as_deref(), Some("m/1,m/2"));
    assert_eq!((o.error_code, o.error_message), (None, None));
    assert_eq!(o.raw_response["devices"].as_array().map(Vec::len), Some(2));
}

#[test]
fn one_device_accepting_is_sent_with_the_refusals_noted_and_no_retry() {
    let gone = parse_response(404, &fcm_error(404, "NOT_FOUND", "UNREGISTERED"));
    let busy = parse_response(503, &fcm_error(503, "UNAVAILABLE", "UNAVAILABLE"));
    let o = merge_device_outcomes(devices(vec![gone, accepted("m/2"), busy]));
    assert!(o.accepted);
    assert!(!o.retryable, "a retry would ring the device that accepted again");
    assert_eq!(o.provider_message_id.as_deref(), Some("m/2"));
    assert_eq!(o.error_code.as_deref(), Some("UNREGISTERED,UNAVAILABLE"));
    assert_eq!(
        o.error_message.as_deref(),
        Some(
            "2 of 3 devices refused: device 1 (…oken-0): UNREGISTERED: NOT_FOUND happened; \
              device 3 (…oken-2): UNAVAILABLE: UNAVAILABLE happened"
        )
    );
}

#[test]
fn no_device_accepting_fails_retryable_only_if_some_refusal_was() {
    let gone = || parse_response(404, &fcm_error(404, "NOT_FOUND", "UNREGISTERED"));
    let busy = parse_response(503, &fcm_error(503, "UNAVAILABLE", "UNAVAILABLE"));
    let o = merge_device_outcomes(devices(vec![gone(), busy]));
    assert!(!o.accepted);
    assert!(o.retryable);
    assert_eq!(o.provider_message_id, None);
    let o = merge_device_outcomes(devices(vec![gone(), gone()]));
    assert!(!o.accepted && !o.retryable);
    assert_eq!(o.error_code.as_deref(), Some("UNREGISTERED"));
}
