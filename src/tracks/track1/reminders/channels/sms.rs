//! SMS through Twilio's Messages API: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`
//! with basic auth `AccountSid:AuthToken`, form fields `To`, `From`, `Body` (and
//! `StatusCallback` when configured), and the delivery id as `I-Twilio-Idempotency-Token`, so a
//! provider that de-duplicates on that header (the test fake does; Twilio documents the header
//! on its own webhooks, and we have not verified that its Messages API honours it) sees a
//! re-send of the same delivery as the same message. A 201 answer is a message resource
//! (`sid`, `status`, `price`, `error_code`, `error_message`); a refusal is Twilio's error JSON
//! (`code`, `message`, `status`, `more_info`).

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

use super::{exchange, join_url, Channel, OutboundMessage, SendOutcome};
use crate::{config::SmsSettings, tracks::track1::reminders::rules::DeliveryMethod};

/// Provider name recorded on deliveries.
pub const PROVIDER: &str = "twilio";
/// The idempotency header Twilio honours.
pub const IDEMPOTENCY_HEADER: &str = "I-Twilio-Idempotency-Token";

/// The Twilio SMS channel.
pub struct TwilioSms {
    http: reqwest::Client,
    messages_url: String,
    account_sid: String,
    auth_token: SecretString,
    from: String,
    status_callback: Option<String>,
}

#[derive(Deserialize)]
struct MessageResource {
    sid: Option<String>,
    status: Option<String>,
    price: Option<String>,
    error_code: Option<i64>,
    error_message: Option<String>,
}

#[derive(Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

impl TwilioSms {
    /// The channel over `http`, per the settings.
    pub fn new(settings: &SmsSettings, http: reqwest::Client) -> Self {
        let path = format!("2010-04-01/Accounts/{}/Messages.json", settings.account_sid);
        Self {
            http,
            messages_url: join_url(&settings.base_url, &path),
            account_sid: settings.account_sid.clone(),
            auth_token: settings.auth_token.clone(),
            from: settings.from_number.clone(),
            status_callback: Some(settings.status_callback_url.clone()).filter(|u| !u.is_empty()),
        }
    }

    fn form(&self, message: &OutboundMessage) -> Vec<(&'static str, String)> {
        let text = match message.title.trim() {
            "" => message.body.clone(),
            title => format!("{title}\n{}", message.body),
        };
        let mut form = vec![("To", message.to.clone()), ("From", self.from.clone()), ("Body", text)];
        if let Some(url) = &self.status_callback {
            form.push(("StatusCallback", url.clone()));
        }
        form
    }
}

#[async_trait]
impl Channel for TwilioSms {
    fn method(&self) -> DeliveryMethod {
        DeliveryMethod::Sms
    }

    async fn send(&self, message: &OutboundMessage) -> SendOutcome {
        let request = self
            .http
            .post(&self.messages_url)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose_secret()))
            .header(IDEMPOTENCY_HEADER, message.delivery_id.to_string())
            .form(&self.form(message));
        exchange(PROVIDER, request, parse_response).await
    }
}

/// Reads Twilio's answer: a message resource on 2xx, its error JSON otherwise. Throttling
/// (429) and server errors are retryable; other refusals (e.g. 21211, invalid `To`) are not.
pub fn parse_response(status: u16, body: &str) -> SendOutcome {
    let raw: Value = serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_owned()));
    if (200..300).contains(&status) {
        let Ok(resource) = serde_json::from_value::<MessageResource>(raw.clone()) else {
            return SendOutcome { raw_response: raw, ..SendOutcome::failure(PROVIDER, "bad_response", body, true) };
        };
        let failed = matches!(resource.status.as_deref(), Some("failed" | "undelivered" | "canceled"));
        return SendOutcome {
            accepted: resource.sid.is_some() && !failed,
            provider: PROVIDER,
            cost: resource.price.as_deref().and_then(price_cents),
            provider_message_id: resource.sid,
            provider_status: resource.status,
            error_code: resource.error_code.map(|c| c.to_string()),
            error_message: resource.error_message,
            retryable: false,
            raw_response: raw,
        };
    }
    let error = serde_json::from_value::<TwilioError>(raw.clone()).ok();
    let code = error.as_ref().and_then(|e| e.code).map_or_else(|| format!("http_{status}"), |c| c.to_string());
    let message = error.and_then(|e| e.message).unwrap_or_else(|| format!("Twilio answered HTTP {status}"));
    let retryable = status == 429 || status >= 500;
    SendOutcome { raw_response: raw, ..SendOutcome::failure(PROVIDER, &code, message, retryable) }
}

/// Twilio prices are negative decimal strings in the account currency (e.g. `"-0.00750"`);
/// recorded as positive cents.
fn price_cents(price: &str) -> Option<f64> {
    price.trim().parse::<f64>().ok().filter(|p| p.is_finite()).map(|p| (p.abs() * 100.0 * 1e4).round() / 1e4)
}

#[cfg(test)]
#[path = "sms_tests.rs"]
mod tests;
