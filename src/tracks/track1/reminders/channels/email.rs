//! Email through an SMTP relay (lettre). The `Message-ID` is derived from the delivery id
//! (`<{deliveryId}@{sender domain}>`), recorded as the provider message id, so a re-send after
//! a crash is recognisable as the same message by the relay and the recipient's client.
//! Transient SMTP failures (4xx replies, connection problems, timeouts) are retryable;
//! permanent ones (5xx, a malformed address) are not.

use std::time::Duration;

use async_trait::async_trait;
use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::{authentication::Credentials, response::Response},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use secrecy::ExposeSecret;
use serde_json::json;
use uuid::Uuid;

use super::{Channel, ChannelConfigError, OutboundMessage, SendOutcome};
use crate::{
    config::{EmailSettings, SmtpTls},
    tracks::track1::reminders::rules::DeliveryMethod,
};

/// Provider name recorded on deliveries.
pub const PROVIDER: &str = "smtp";

/// The SMTP email channel.
pub struct SmtpEmail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpEmail {
    /// The channel per the settings (no connection is made before the first send).
    pub fn new(settings: &EmailSettings) -> Result<Self, ChannelConfigError> {
        let invalid = |message: String| ChannelConfigError { channel: "email", message };
        let from: Mailbox = settings.from.parse().map_err(|e| invalid(format!("from: {e}")))?;
        let builder = match settings.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str()),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                .map_err(|e| invalid(format!("host: {e}")))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)
                .map_err(|e| invalid(format!("host: {e}")))?,
        };
        let mut builder = builder.port(settings.port).timeout(Some(Duration::from_secs(settings.timeout_secs)));
        if !settings.username.is_empty() {
            let password = settings.password.expose_secret().to_owned();
            builder = builder.credentials(Credentials::new(settings.username.clone(), password));
        }
        Ok(Self { transport: builder.build(), from })
    }
}

/// The `Message-ID` of a delivery's email: `<{delivery_id}@{domain of the sender}>`.
pub fn message_id(delivery_id: Uuid, from: &Mailbox) -> String {
    format!("<{delivery_id}@{}>", from.email.domain())
}

/// The email for `message`, or why it cannot be built: (error code, message).
pub fn build_message(from: &Mailbox, message: &OutboundMessage) -> Result<Message, (&'static str, String)> {
    let to: Mailbox = message.to.parse().map_err(|e| ("invalid_recipient", format!("`{}`: {e}", message.to)))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.title.clone())
        .message_id(Some(message_id(message.delivery_id, from)))
        .header(ContentType::TEXT_PLAIN)
        .body(message.body.clone())
        .map_err(|e| ("invalid_message", e.to_string()))
}

#[async_trait]
impl Channel for SmtpEmail {
    fn method(&self) -> DeliveryMethod {
        DeliveryMethod::Email
    }

    async fn send(&self, message: &OutboundMessage) -> SendOutcome {
        let email = match build_message(&self.from, message) {
            Ok(email) => email,
            Err((code, why)) => return SendOutcome::failure(PROVIDER, code, why, false),
        };
        match self.transport.send(email).await {
            Ok(response) => accepted(message_id(message.delivery_id, &self.from), &response),
            Err(e) => {
                let code = e.status().map(|c| c.to_string()).unwrap_or_else(|| {
                    if e.is_timeout() {
                        "timeout".into()
                    } else {
                        "network".into()
                    }
                });
                SendOutcome::failure(PROVIDER, &code, e.to_string(), !e.is_permanent())
            }
        }
    }
}

fn accepted(message_id: String, response: &Response) -> SendOutcome {
    let code = response.code().to_string();
    SendOutcome {
        accepted: true,
        provider: PROVIDER,
        provider_message_id: Some(message_id),
        raw_response: json!({"code": code, "message": response.message().collect::<Vec<_>>()}),
        provider_status: Some(code),
        cost: None,
        error_code: None,
        error_message: None,
        retryable: false,
    }
}

#[cfg(test)]
#[path = "email_tests.rs"]
mod tests;
