use serde_json::json;

use super::parse_response;

#[test]
fn a_created_message_is_accepted_with_its_sid_status_and_price() {
    let body = json!({
        "sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "price": "-0.00750",
        "price_unit": "USD", "error_code": null, "error_message": null, "to": "+250788123456"
    });
    let o = parse_response(201, &body.to_string());
    assert!(o.accepted);
    assert_eq!(o.provider, "twilio");
    assert_eq!(o.provider_message_id.as_deref(), Some("SM0123456789abcdef0123456789abcdef"));
    assert_eq!(o.provider_status.as_deref(), Some("queued"));
    assert_eq!(o.cost, Some(0.75));
    assert_eq!(o.error_code, None);
    assert_eq!(o.raw_response, body);
}

#[test]
fn an_invalid_number_is_refused_for_good() {
    let body = json!({
        "code": 21211, "message": "The 'To' number +1555 is not a valid phone number.",
        "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400
    });
    let o = parse_response(400, &body.to_string());
    assert!(!o.accepted);
    assert_eq!(o.error_code.as_deref(), Some("21211"));
    assert!(o.error_message.unwrap().contains("not a valid phone number"));
    assert!(!o.retryable);
}

#[test]
fn throttling_and_server_errors_are_retryable() {
    let o = parse_response(429, r#"{"code": 20429, "message": "Too Many Requests", "status": 429}"#);
    assert!(o.retryable);
    assert_eq!(o.error_code.as_deref(), Some("20429"));
    let o = parse_response(503, "<html>bad gateway</html>");
    assert!(o.retryable);
    assert_eq!(o.error_code.as_deref(), Some("http_503"));
    assert_eq!(o.raw_response, json!("<html>bad gateway</html>"));
}

#[test]
fn a_message_created_as_failed_is_not_accepted() {
    let body = json!({"sid": "SM1", "status": "failed", "error_code": 30003, "error_message": "Unreachable"});
    let o = parse_response(201, &body.to_string());
    assert!(!o.accepted);
    assert_eq!(o.error_code.as_deref(), Some("30003"));
}
