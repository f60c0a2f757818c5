//! Signature checks of provider callbacks, as pure functions over what the request carried.
//!
//! **Twilio** (`X-Twilio-Signature`): base64 of HMAC-SHA1, keyed with the account's auth token,
//! over the full URL Twilio requested (scheme, host, path and query) followed by every POST
//! parameter as `name` + `value`, sorted by name (then value), without separators.
//!
//! **Email event webhook** (SendGrid-style batches; our shared-secret variant, since an HMAC
//! needs no key distribution): `X-Event-Webhook-Timestamp` is the Unix time of signing and
//! `X-Event-Webhook-Signature` is base64 of HMAC-SHA256, keyed with
//! `reminders.webhooks.sendgrid_signing_secret`, over the timestamp's decimal text immediately
//! followed by the raw request body. A timestamp further than `max_age_secs` from now is
//! refused, so a captured request cannot be replayed later.

use actix_web::http::StatusCode;
use base64::{engine::general_purpose::STANDARD, Engine};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use crate::gateway::error::ApiErrorCode;

/// Header carrying Twilio's signature.
pub const TWILIO_SIGNATURE_HEADER: &str = "X-Twilio-Signature";
/// Header carrying the email webhook's signature.
pub const EMAIL_SIGNATURE_HEADER: &str = "X-Event-Webhook-Signature";
/// Header carrying the email webhook's signing time.
pub const EMAIL_TIMESTAMP_HEADER: &str = "X-Event-Webhook-Timestamp";

/// Why a callback was refused (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No secret is configured to check it with.
    #[error("this callback is not configured: no signing secret is set")]
    NotConfigured,
    /// The signature or timestamp header is missing.
    #[error("the request carries no signature")]
    Missing,
    /// The timestamp is not a Unix time, or too far from now.
    #[error("the signature's timestamp is malformed or outside the accepted window")]
    Stale,
    /// The signature does not match.
    #[error("the signature does not match the request")]
    Mismatch,
}

impl ApiErrorCode for SignatureError {
    fn status(&self) -> StatusCode {
        StatusCode::FORBIDDEN
    }

    fn code(&self) -> &'static str {
        match self {
            Self::NotConfigured => "webhook_not_configured",
            Self::Missing => "signature_missing",
            Self::Stale => "signature_expired",
            Self::Mismatch => "signature_mismatch",
        }
    }
}

// HMAC accepts keys of any length: `new_from_slice` never fails, hence the `Option`s below are
// always `Some`.
fn twilio_mac(auth_token: &str, url: &str, params: &[(String, String)]) -> Option<Hmac<Sha1>> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).ok()?;
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    Some(mac)
}

/// The `X-Twilio-Signature` Twilio sends for a POST of `params` to `url`.
pub fn twilio_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    twilio_mac(auth_token, url, params).map(|mac| STANDARD.encode(mac.finalize().into_bytes())).unwrap_or_default()
}

/// Checks a Twilio callback (in constant time).
pub fn verify_twilio(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    signature: Option<&str>,
) -> Result<(), SignatureError> {
    if auth_token.is_empty() {
        return Err(SignatureError::NotConfigured);
    }
    let signature =
        STANDARD.decode(signature.ok_or(SignatureError::Missing)?.trim()).map_err(|_| SignatureError::Mismatch)?;
    let mac = twilio_mac(auth_token, url, params).ok_or(SignatureError::Mismatch)?;
    mac.verify_slice(&signature).map_err(|_| SignatureError::Mismatch)
}

fn email_mac(secret: &str, timestamp: &str, body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.as_bytes());
    mac.update(body);
    Some(mac)
}

/// The signature of an email event batch `body` signed at `timestamp` (Unix seconds, as text).
pub fn email_event_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    email_mac(secret, timestamp, body).map(|mac| STANDARD.encode(mac.finalize().into_bytes())).unwrap_or_default()
}

/// Checks an email event webhook at `now`.
pub fn verify_email_event(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
    max_age_secs: u64,
) -> Result<(), SignatureError> {
    if secret.is_empty() {
        return Err(SignatureError::NotConfigured);
    }
    let (Some(timestamp), Some(signature)) = (timestamp.map(str::trim), signature) else {
        return Err(SignatureError::Missing);
    };
    let signed_at = timestamp.parse::<i64>().map_err(|_| SignatureError::Stale)?;
    if now.timestamp().abs_diff(signed_at) > max_age_secs {
        return Err(SignatureError::Stale);
    }
    let signature = STANDARD.decode(signature.trim()).map_err(|_| SignatureError::Mismatch)?;
    let mac = email_mac(secret, timestamp, body).ok_or(SignatureError::Mismatch)?;
    mac.verify_slice(&signature).map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
#[path = "signatures_tests.rs"]
mod tests;
