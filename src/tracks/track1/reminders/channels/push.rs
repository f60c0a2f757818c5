//! Push through FCM HTTP v1: `POST {base}/v1/projects/{project}/messages:send` with a Bearer
//! access token and `{"message": {"token", "notification": {"title", "body"}, "data":
//! {"deliveryId"}}}`. Success answers `{"name": "projects/…/messages/…"}`; a refusal is a
//! Google API error `{"error": {"code", "message", "status", "details": [{"errorCode"}]}}`.
//! `UNAVAILABLE`, `INTERNAL` and `QUOTA_EXCEEDED` (and any 429/5xx) are retryable;
//! `UNREGISTERED` (the app was uninstalled) and `INVALID_ARGUMENT` are not. FCM has no
//! idempotency key: the app de-duplicates by `data.deliveryId`.
//!
//! A delivery rings every device of the patient: one request per device token (FCM v1 has no
//! multicast), the answers merged into the delivery's one outcome by [`merge_device_outcomes`].

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};

use super::{exchange, join_url, Channel, OutboundMessage, SendOutcome};
use crate::{config::PushSettings, tracks::track1::reminders::rules::DeliveryMethod};

/// Provider name recorded on deliveries.
pub const PROVIDER: &str = "fcm";

/// FCM error codes worth another try.
const RETRYABLE: [&str; 3] = ["UNAVAILABLE", "INTERNAL", "QUOTA_EXCEEDED"];

/// The FCM push channel.
pub struct FcmPush {
    http: reqwest::Client,
    send_url: String,
    access_token: SecretString,
}

impl FcmPush {
    /// The channel over `http`, per the settings.
    pub fn new(settings: &PushSettings, http: reqwest::Client) -> Self {
        let path = format!("v1/projects/{}/messages:send", settings.project_id);
        Self { http, send_url: join_url(&settings.base_url, &path), access_token: settings.access_token.clone() }
    }
}

/// The request body for `message`.
pub fn request_body(message: &OutboundMessage) -> Value {
    json!({
        "message": {
            "token": message.to,
            "notification": {"title": message.title, "body": message.body},
            "data": {"deliveryId": message.delivery_id.to_string()},
        }
    })
}

#[async_trait]
impl Channel for FcmPush {
    fn method(&self) -> DeliveryMethod {
        DeliveryMethod::Push
    }

    async fn send(&self, message: &OutboundMessage) -> SendOutcome {
        let request =
            self.http.post(&self.send_url).bearer_auth(self.access_token.expose_secret()).json(&request_body(message));
        exchange(PROVIDER, request, parse_response).await
    }
}

/// Reads FCM's answer.
pub fn parse_response(status: u16, body: &str) -> SendOutcome {
    let raw: Value = serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_owned()));
    if (200..300).contains(&status) {
        return match raw.get("name").and_then(Value::as_str) {
            Some(name) => SendOutcome {
                accepted: true,
                provider: PROVIDER,
                provider_message_id: Some(name.to_owned()),
                provider_status: Some("accepted".to_owned()),
                cost: None,
                error_code: None,
                error_message: None,
                retryable: false,
                raw_response: raw,
            },
            None => SendOutcome { raw_response: raw, ..SendOutcome::failure(PROVIDER, "bad_response", body, true) },
        };
    }
    let error = raw.get("error");
    let detail_code = error
        .and_then(|e| e.get("details"))
        .and_then(Value::as_array)
        .and_then(|details| details.iter().find_map(|d| d.get("errorCode").and_then(Value::as_str)));
    let code = detail_code
        .or_else(|| error.and_then(|e| e.get("status")).and_then(Value::as_str))
        .map_or_else(|| format!("http_{status}"), str::to_owned);
    let message = error
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .map_or_else(|| format!("FCM answered HTTP {status}"), str::to_owned);
    let retryable = RETRYABLE.contains(&code.as_str()) || status == 429 || status >= 500;
    let retryable = retryable && code != "UNREGISTERED";
    SendOutcome { raw_response: raw, ..SendOutcome::failure(PROVIDER, &code, message, retryable) }
}

/// Merges the answers for each device token (in the order of the tokens) into the delivery's
/// outcome. One device: its outcome, unchanged. Several:
/// - **sent** when at least one device accepted: the accepted devices' message names are kept,
///   comma-separated, in `provider_message_id`; refused devices are noted in `error_code`
///   (their distinct codes, comma-separated) and `error_message`, and the delivery is **not**
///   retried — a retry would ring the devices that already rang again;
/// - **failed** when none accepted, retryable if any device's failure was (a retry sends to
///   every device again, none of which rang).
///
/// Devices are named by position and the last 6 characters of their token (tokens are long).
pub fn merge_device_outcomes(mut answers: Vec<(String, SendOutcome)>) -> SendOutcome {
    if answers.len() <= 1 {
        return answers.pop().map_or_else(
            || SendOutcome::failure(PROVIDER, "no_address", "no enabled push device token", false),
            |(_, outcome)| outcome,
        );
    }
    let ids: Vec<&str> =
        answers.iter().filter_map(|(_, o)| o.provider_message_id.as_deref().filter(|_| o.accepted)).collect();
    let refused: Vec<(usize, &str, &SendOutcome)> = answers
        .iter()
        .enumerate()
        .filter(|(_, (_, o))| !o.accepted)
        .map(|(i, (token, o))| (i + 1, token.as_str(), o))
        .collect();
    let mut codes: Vec<&str> = Vec::new();
    for code in refused.iter().filter_map(|(_, _, o)| o.error_code.as_deref()) {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    let notes: Vec<String> = refused
        .iter()
        .map(|(i, token, o)| {
            let tail: String = token.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
            let code = o.error_code.as_deref().unwrap_or("error");
            format!("device {i} (…{tail}): {code}: {}", o.error_message.as_deref().unwrap_or(""))
        })
        .collect();
    let accepted = answers.iter().any(|(_, o)| o.accepted);
    let raw: Vec<Value> = answers
        .iter()
        .enumerate()
        .map(|(i, (_, o))| json!({"device": i + 1, "accepted": o.accepted, "response": o.raw_response}))
        .collect();
    SendOutcome {
        accepted,
        provider: PROVIDER,
        provider_message_id: accepted.then(|| ids.join(",")),
        provider_status: Some(
            if refused.is_empty() {
                "accepted"
            } else if accepted {
                "partially_accepted"
            } else {
                "refused"
            }
            .to_owned(),
        ),
        cost: None,
        error_code: (!codes.is_empty()).then(|| codes.join(",")),
        error_message: (!notes.is_empty())
            .then(|| format!("{} of {} devices refused: {}", notes.len(), answers.len(), notes.join("; "))),
        retryable: !accepted && refused.iter().any(|(_, _, o)| o.retryable),
        raw_response: json!({"devices": Value::Array(raw)}),
    }
}

#[cfg(test)]
#[path = "push_tests.rs"]
mod tests;
