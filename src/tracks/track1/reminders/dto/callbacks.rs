//! Provider callback bodies.

use serde::Deserialize;
use utoipa::ToSchema;

/// The fields of Twilio's message status callback that CareChat reads. Twilio sends more
/// (`AccountSid`, `To`, `From`, …): they are covered by the signature and otherwise ignored.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TwilioStatusCallback {
    /// The message's id, as Twilio answered the send.
    #[serde(rename = "MessageSid")]
    #[schema(min_length = 1)]
    pub message_sid: String,
    /// Twilio's status (`queued`, `sent`, `delivered`, `undelivered`, `failed`, `read`, …);
    /// statuses CareChat does not track are acknowledged and ignored.
    #[serde(rename = "MessageStatus")]
    #[schema(min_length = 1)]
    pub message_status: String,
    /// Twilio's error code when the message failed.
    #[serde(rename = "ErrorCode", default)]
    #[schema(nullable = false)]
    pub error_code: Option<String>,
}
