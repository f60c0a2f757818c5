//! `[reminders]`: the providers reminders are delivered through (Twilio-style SMS, SMTP email,
//! FCM-style push) and the secrets that authenticate their status callbacks. A channel counts as
//! configured only when its credentials are set; a half-configured channel stops start-up
//! naming the missing key, rather than failing on the first reminder.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// `[reminders]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemindersSettings {
    /// Whether this instance runs the delivery engine's background loop.
    pub engine_enabled: bool,
    /// Milliseconds between two engine ticks.
    pub tick_interval_ms: u64,
    /// Seconds a claimed delivery stays reserved for the instance sending it.
    pub lease_secs: u64,
    /// Seconds ahead of time occurrences are materialised.
    pub lookahead_secs: u64,
    /// Minutes after sending an unacknowledged occurrence counts as missed.
    pub missed_after_minutes: u32,
    /// Most reminders materialised, and deliveries claimed, per tick.
    pub batch_size: u32,
    /// SMS through Twilio's Messages API.
    pub sms: SmsSettings,
    /// Email through an SMTP relay.
    pub email: EmailSettings,
    /// Push notifications through FCM HTTP v1.
    pub push: PushSettings,
    /// Provider callbacks.
    pub webhooks: WebhookSettings,
}

/// `[reminders.sms]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    /// API root, without `/2010-04-01`.
    pub base_url: String,
    /// Account SID (user name of the basic auth, part of the path).
    pub account_sid: String,
    /// Auth token (basic-auth password; also signs status callbacks).
    pub auth_token: SecretString,
    /// Sender number (E.164) or short code.
    #[serde(deserialize_with = "sender_number")]
    pub from_number: String,
    /// Public URL of our Twilio status callback route; empty sends none.
    pub status_callback_url: String,
    /// Seconds to wait for the provider's answer.
    pub timeout_secs: u64,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP (local sinks and relays on a trusted network only).
    None,
    /// Plain connection upgraded with STARTTLS (required).
    Starttls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

/// `[reminders.email]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    /// SMTP relay host; empty leaves email unconfigured.
    pub host: String,
    /// SMTP port.
    pub port: u16,
    /// Connection security.
    pub tls: SmtpTls,
    /// Login; empty sends no AUTH.
    pub username: String,
    /// Password for `username`.
    pub password: SecretString,
    /// Sender mailbox, e.g. `CareChat <reminders@clinic.example>`.
    pub from: String,
    /// Seconds to wait for the relay.
    pub timeout_secs: u64,
}

/// `[reminders.push]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushSettings {
    /// API root, without `/v1`.
    pub base_url: String,
    /// Firebase project id.
    pub project_id: String,
    /// OAuth 2 access token (Bearer) for the FCM API.
    pub access_token: SecretString,
    /// Seconds to wait for the provider's answer.
    pub timeout_secs: u64,
}

/// `[reminders.webhooks]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Shared secret signing email event webhooks (HMAC-SHA256); empty refuses them all.
    pub sendgrid_signing_secret: SecretString,
    /// Oldest signed timestamp accepted, in seconds (replay window).
    pub max_age_secs: u64,
}

impl SmsSettings {
    /// Whether SMS can be sent: account, token and sender are set.
    pub fn is_configured(&self) -> bool {
        !self.account_sid.is_empty() && !self.auth_token.expose_secret().is_empty() && !self.from_number.is_empty()
    }
}

impl EmailSettings {
    /// Whether email can be sent: relay and sender are set.
    pub fn is_configured(&self) -> bool {
        !self.host.is_empty() && !self.from.is_empty()
    }
}

impl PushSettings {
    /// Whether push can be sent: project and token are set.
    pub fn is_configured(&self) -> bool {
        !self.project_id.is_empty() && !self.access_token.expose_secret().is_empty()
    }
}

impl RemindersSettings {
    /// Checks each channel is either unconfigured or complete; `Err((key, message))`.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let sms = &self.sms;
        let sms_parts = [
            ("reminders.sms.account_sid", sms.account_sid.is_empty()),
            ("reminders.sms.auth_token", sms.auth_token.expose_secret().is_empty()),
            ("reminders.sms.from_number", sms.from_number.is_empty()),
        ];
        complete(&sms_parts)?;
        let email = &self.email;
        complete(&[("reminders.email.host", email.host.is_empty()), ("reminders.email.from", email.from.is_empty())])?;
        if email.is_configured() && email.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(key("reminders.email.from", "must be a mailbox, e.g. CareChat <reminders@clinic.example>"));
        }
        let push = &self.push;
        complete(&[
            ("reminders.push.project_id", push.project_id.is_empty()),
            ("reminders.push.access_token", push.access_token.expose_secret().is_empty()),
        ])?;
        for (name, url) in [
            ("reminders.sms.base_url", &sms.base_url),
            ("reminders.push.base_url", &push.base_url),
            ("reminders.sms.status_callback_url", &sms.status_callback_url),
        ] {
            let optional = name.ends_with("status_callback_url") && url.is_empty();
            if !optional && !matches!(url::Url::parse(url), Ok(u) if matches!(u.scheme(), "http" | "https")) {
                return Err(key(name, "must be an http(s) URL"));
            }
        }
        let timeouts = [
            ("reminders.sms.timeout_secs", sms.timeout_secs),
            ("reminders.email.timeout_secs", email.timeout_secs),
            ("reminders.push.timeout_secs", push.timeout_secs),
        ];
        let engine = [
            ("reminders.tick_interval_ms", self.tick_interval_ms),
            ("reminders.lease_secs", self.lease_secs),
            ("reminders.missed_after_minutes", u64::from(self.missed_after_minutes)),
            ("reminders.batch_size", u64::from(self.batch_size)),
        ];
        if let Some((name, _)) = timeouts.iter().chain(&engine).find(|(_, t)| *t == 0) {
            return Err(key(name, "must be at least 1"));
        }
        Ok(())
    }
}

/// The environment layer parses `+15005550006` as the integer 15005550006: a number of 8 or more
/// digits gets its E.164 `+` back; shorter ones are short codes and stay digits.
fn sender_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(u64),
    }
    Ok(match Raw::deserialize(deserializer)? {
        Raw::Text(text) => text,
        Raw::Number(n) if n >= 10_000_000 => format!("+{n}"),
        Raw::Number(n) => n.to_string(),
    })
}

fn key(name: &str, message: &str) -> (String, String) {
    (name.to_owned(), message.to_owned())
}

/// All parts set or none: a half-configured channel names the first missing key.
fn complete(parts: &[(&str, bool)]) -> Result<(), (String, String)> {
    let missing = parts.iter().filter(|(_, empty)| *empty).count();
    match parts.iter().find(|(_, empty)| *empty) {
        Some((name, _)) if missing < parts.len() => {
            Err(key(name, "must be set as well: the channel is otherwise configured"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
#[path = "reminders_tests.rs"]
mod tests;
