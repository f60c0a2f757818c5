//! Provider status callbacks: Twilio's (form-encoded, `X-Twilio-Signature`) and SendGrid-style
//! email event batches (JSON array, `X-Event-Webhook-Signature`). Both are verified before
//! anything is read, and applied through the delivery state machine; duplicates are ignored.
//! They answer 204 once handled (also for reports about unknown or finished deliveries, so the
//! provider does not retry them).

use actix_web::{post, web, HttpRequest, HttpResponse};
use secrecy::ExposeSecret;
use serde::Deserialize;

use crate::{
    gateway::error::{ApiError, ApiResult, Problem},
    tracks::track1::{
        reminders::{
            channels::signatures::{self, EMAIL_SIGNATURE_HEADER, EMAIL_TIMESTAMP_HEADER, TWILIO_SIGNATURE_HEADER},
            dto::callbacks::TwilioStatusCallback,
            rules::status::{email_event, twilio_event},
            service::callbacks::{self, ProviderEvent},
        },
        Track1,
    },
};

/// Registers the callback routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(twilio_status).service(email_events);
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The URL Twilio requested: the configured callback URL (what the sends named), else this
/// request's own.
fn requested_url(req: &HttpRequest, configured: &str) -> String {
    if !configured.is_empty() {
        return configured.to_owned();
    }
    let info = req.connection_info();
    format!("{}://{}{}", info.scheme(), info.host(), req.uri())
}

/// A Twilio message status callback.
#[utoipa::path(
    tag = "track1",
    request_body(content = TwilioStatusCallback, content_type = "application/x-www-form-urlencoded", description = "Twilio's status callback parameters"),
    params(("X-Twilio-Signature" = String, Header, description = "Twilio's request signature")),
    responses(
        (status = 204, description = "Applied, or ignored as a duplicate or stale report"),
        (status = 400, description = "Not a status callback", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong signature, or SMS not configured", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/callbacks/twilio")]
async fn twilio_status(t1: web::Data<Track1>, req: HttpRequest, body: web::Bytes) -> ApiResult<HttpResponse> {
    let sms = &t1.reminders.settings.sms;
    let params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let url = requested_url(&req, &sms.status_callback_url);
    signatures::verify_twilio(sms.auth_token.expose_secret(), &url, &params, header(&req, TWILIO_SIGNATURE_HEADER))?;
    let callback: TwilioStatusCallback = serde_urlencoded::from_bytes(&body)
        .map_err(|e| bad_request(&format!("a status callback names MessageSid and MessageStatus: {e}")))?;
    let TwilioStatusCallback { message_sid: sid, message_status: status, error_code } = callback;
    if sid.is_empty() || status.is_empty() {
        return Err(bad_request("MessageSid and MessageStatus must not be empty"));
    }
    if let Some(event) = twilio_event(&status) {
        let report = ProviderEvent { key: format!("twilio:{sid}:{status}"), message_id: sid, event, error_code };
        callbacks::apply(t1.reminders.stores.deliveries.as_ref(), &report, t1.reminders.engine.clock().now()).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// One event of an email webhook batch (other fields are ignored).
#[derive(Debug, Deserialize)]
struct EmailEvent {
    event: String,
    #[serde(rename = "smtp-id")]
    smtp_id: Option<String>,
    sg_event_id: Option<String>,
    reason: Option<String>,
}

/// A batch of SendGrid-style email events (`delivered`, `open`, `bounce`, `dropped`, …)
/// correlated by `smtp-id` (the Message-ID of the reminder email).
#[utoipa::path(
    tag = "track1",
    request_body(content = Vec<Object>, content_type = "application/json", description = "Email events, each with `event`, `smtp-id` and `sg_event_id`"),
    params(
        ("X-Event-Webhook-Signature" = String, Header, description = "base64 HMAC-SHA256 of timestamp + body"),
        ("X-Event-Webhook-Timestamp" = String, Header, description = "Unix time of signing")
    ),
    responses(
        (status = 204, description = "Applied, or ignored as duplicate or stale reports"),
        (status = 400, description = "Not a JSON array of events", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing, stale or wrong signature, or no secret configured", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/callbacks/email-events")]
async fn email_events(t1: web::Data<Track1>, req: HttpRequest, body: web::Bytes) -> ApiResult<HttpResponse> {
    let hooks = &t1.reminders.settings.webhooks;
    let now = t1.reminders.engine.clock().now();
    signatures::verify_email_event(
        hooks.sendgrid_signing_secret.expose_secret(),
        header(&req, EMAIL_TIMESTAMP_HEADER),
        header(&req, EMAIL_SIGNATURE_HEADER),
        &body,
        chrono::Utc::now(),
        hooks.max_age_secs,
    )?;
    let events: Vec<EmailEvent> =
        serde_json::from_slice(&body).map_err(|e| bad_request(&format!("not a JSON array of events: {e}")))?;
    for e in events {
        let (Some(message_id), Some(event)) = (e.smtp_id.clone(), email_event(&e.event)) else { continue };
        let key = format!("email:{}", e.sg_event_id.clone().unwrap_or_else(|| format!("{message_id}:{}", e.event)));
        let report = ProviderEvent { message_id, event, key, error_code: e.reason.clone() };
        callbacks::apply(t1.reminders.stores.deliveries.as_ref(), &report, now).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

fn bad_request(detail: &str) -> ApiError {
    ApiError::new(actix_web::http::StatusCode::BAD_REQUEST, "invalid_callback", detail)
}
