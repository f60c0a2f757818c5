//! Provider channels a reminder delivery is sent through: SMS ([`sms`], Twilio's Messages API),
//! email ([`email`], SMTP) and push ([`push`], FCM HTTP v1), behind one [`Channel`] trait, and
//! the signature checks of their status callbacks ([`signatures`]). In-app delivery is the
//! engine's own (a stored row), not a provider.
//!
//! A send never returns an error: every outcome, refusals and network failures included, is a
//! [`SendOutcome`] the engine records on the delivery (`provider.*`) and feeds to the retry
//! policy through [`SendOutcome::retryable`]. The delivery id travels with every message as an
//! idempotency key (`I-Twilio-Idempotency-Token` for SMS, the email's `Message-ID`, the push
//! `data.deliveryId`), so a re-send after a crash is recognisable downstream.

pub mod email;
pub mod push;
pub mod signatures;
pub mod sms;

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use serde_json::Value;
use uuid::Uuid;

use super::rules::DeliveryMethod;
use crate::config::RemindersSettings;

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMessage {
    /// The delivery's id: idempotency key and correlation with callbacks.
    pub delivery_id: Uuid,
    /// Phone number (E.164), email address or device token.
    pub to: String,
    /// Title (email subject, push title; SMS puts it before the body).
    pub title: String,
    /// Text.
    pub body: String,
}

/// What a provider made of a send.
#[derive(Debug, Clone, PartialEq)]
pub struct SendOutcome {
    /// The provider took the message.
    pub accepted: bool,
    /// Provider name recorded as `provider.name` (`twilio`, `smtp`, `fcm`).
    pub provider: &'static str,
    /// The provider's id for the message.
    pub provider_message_id: Option<String>,
    /// The provider's own status word (e.g. Twilio `queued`).
    pub provider_status: Option<String>,
    /// Cost in cents, when the provider says.
    pub cost: Option<f64>,
    /// The provider's error code (Twilio `21211`, FCM `UNREGISTERED`, SMTP `550`, or ours:
    /// `network`, `timeout`, `invalid_recipient`).
    pub error_code: Option<String>,
    /// The provider's error text.
    pub error_message: Option<String>,
    /// Whether trying again later may succeed.
    pub retryable: bool,
    /// The provider's answer as received (JSON body, or the SMTP reply).
    pub raw_response: Value,
}

impl SendOutcome {
    /// A refusal before or without a provider answer.
    pub fn failure(provider: &'static str, code: &str, message: impl Into<String>, retryable: bool) -> Self {
        Self {
            accepted: false,
            provider,
            provider_message_id: None,
            provider_status: None,
            cost: None,
            error_code: Some(code.to_owned()),
            error_message: Some(message.into()),
            retryable,
            raw_response: Value::Null,
        }
    }
}

/// Sends an HTTP request to a provider and reads its answer with `parse(status, body)`. No
/// answer (timeout, connection error) is a retryable failure.
async fn exchange(
    provider: &'static str,
    request: reqwest::RequestBuilder,
    parse: fn(u16, &str) -> SendOutcome,
) -> SendOutcome {
    let answer = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            response.text().await.map(|body| parse(status, &body))
        }
        Err(e) => Err(e),
    };
    answer.unwrap_or_else(|e| {
        let code = if e.is_timeout() { "timeout" } else { "network" };
        SendOutcome::failure(provider, code, e.to_string(), true)
    })
}

/// A way of sending a message.
#[async_trait]
pub trait Channel: Send + Sync {
    /// The delivery method it serves.
    fn method(&self) -> DeliveryMethod;
    /// Sends one message; never fails, see [`SendOutcome`].
    async fn send(&self, message: &OutboundMessage) -> SendOutcome;
}

/// The configured provider channels.
#[derive(Clone, Default)]
pub struct ProviderChannels {
    /// SMS, when `[reminders.sms]` is configured.
    pub sms: Option<Arc<dyn Channel>>,
    /// Email, when `[reminders.email]` is configured.
    pub email: Option<Arc<dyn Channel>>,
    /// Push, when `[reminders.push]` is configured.
    pub push: Option<Arc<dyn Channel>>,
}

/// A channel that cannot be built from its settings.
#[derive(Debug, thiserror::Error)]
#[error("reminders.{channel}: {message}")]
pub struct ChannelConfigError {
    /// `sms`, `email` or `push`.
    pub channel: &'static str,
    /// What is wrong.
    pub message: String,
}

impl ProviderChannels {
    /// Builds every configured channel.
    pub fn from_settings(settings: &RemindersSettings) -> Result<Self, ChannelConfigError> {
        let mut channels = Self::default();
        if settings.sms.is_configured() {
            let http = http_client("sms", settings.sms.timeout_secs)?;
            channels.sms = Some(Arc::new(sms::TwilioSms::new(&settings.sms, http)));
        }
        if settings.email.is_configured() {
            channels.email = Some(Arc::new(email::SmtpEmail::new(&settings.email)?));
        }
        if settings.push.is_configured() {
            let http = http_client("push", settings.push.timeout_secs)?;
            channels.push = Some(Arc::new(push::FcmPush::new(&settings.push, http)));
        }
        Ok(channels)
    }

    /// The channel for `method`; `None` for in-app and unconfigured ones.
    pub fn get(&self, method: DeliveryMethod) -> Option<&Arc<dyn Channel>> {
        match method {
            DeliveryMethod::Sms => self.sms.as_ref(),
            DeliveryMethod::Email => self.email.as_ref(),
            DeliveryMethod::Push => self.push.as_ref(),
            DeliveryMethod::InApp => None,
        }
    }
}

fn http_client(channel: &'static str, timeout_secs: u64) -> Result<reqwest::Client, ChannelConfigError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout_secs))
        .build()
        .map_err(|e| ChannelConfigError { channel, message: e.to_string() })
}

/// `{base}/{path}` with exactly one slash between them.
fn join_url(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches('/'))
}
