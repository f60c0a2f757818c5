//! How a reminder is delivered (methods, contact preferences, retry policy, the escalation
//! ladder's repeats and fallback) and its smart features (escalation rules): the plan's
//! `delivery` and `smartFeatures`, stored and exchanged as they are. `validator` rules are
//! mirrored by the schema constraints beside them; the policy types from [`rules`] are checked
//! by their own `validate` in the service.
//!
//! [`rules`]: crate::tracks::track1::reminders::rules

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use crate::{
    gateway::identity::domain::{Email, PhoneNumber},
    tracks::track1::reminders::rules::{
        escalation::{EscalationLadder, EscalationRule},
        retry::RetryPolicy,
        DeliveryMethod,
    },
};

/// Where SMS go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ReminderSmsPreference)]
pub struct SmsPreference {
    /// E.164 phone number.
    #[validate(custom(function = "phone_rule"))]
    #[schema(pattern = r"^\+[1-9][0-9]{7,14}$", example = "+250788123456")]
    pub phone: String,
    /// Whether SMS may be used.
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// Where email goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ReminderEmailPreference)]
pub struct EmailPreference {
    /// Email address.
    #[validate(custom(function = "email_rule"))]
    #[schema(format = Email, max_length = 254, example = "amina@example.org")]
    pub address: String,
    /// Whether email may be used.
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// E.164, as accounts have it.
pub(crate) fn phone_rule(phone: &str) -> Result<(), ValidationError> {
    PhoneNumber::parse(phone).map(drop).map_err(|m| ValidationError::new("phone_e164").with_message(m.into()))
}

/// An email address, as accounts have it.
pub(crate) fn email_rule(email: &str) -> Result<(), ValidationError> {
    Email::parse(email).map(drop).map_err(|m| ValidationError::new("email").with_message(m.into()))
}

/// Device tokens for push notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ReminderPushPreference)]
pub struct PushPreference {
    /// FCM registration tokens (1–10, each 1–4096 characters).
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub device_tokens: Vec<String>,
    /// Whether push may be used.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// The plan's `delivery.preferences`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ReminderDeliveryPreferences)]
pub struct DeliveryPreferences {
    /// Where SMS go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub sms: Option<SmsPreference>,
    /// Where email goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub email: Option<EmailPreference>,
    /// Where push notifications go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub push: Option<PushPreference>,
}

/// The plan's `delivery`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ReminderDeliverySettings)]
pub struct DeliverySettings {
    /// Channels every occurrence goes out on (1–4, no repeats).
    #[validate(length(min = 1, max = 4))]
    #[schema(min_items = 1, max_items = 4)]
    pub methods: Vec<DeliveryMethod>,
    /// Addresses per channel.
    #[serde(default)]
    #[validate(nested)]
    pub preferences: DeliveryPreferences,
    /// Retries of failed sends (checked by `RetryPolicy::validate`).
    #[serde(default)]
    pub retry_policy: RetryPolicy,
    /// Repeats of an unacknowledged occurrence and the fallback channel (none by default).
    #[serde(default)]
    pub escalation: EscalationLadder,
}

/// The plan's `smartFeatures`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ReminderSmartFeatures)]
pub struct SmartFeatures {
    /// Recorded for the plan; not acted upon yet.
    #[serde(default)]
    pub adaptive_scheduling: bool,
    /// Recorded for the plan; not acted upon yet.
    #[serde(default)]
    pub context_awareness: bool,
    /// Escalation rules (at most 5; each checked by `EscalationRule::validate`).
    #[serde(default)]
    #[validate(length(max = 5))]
    #[schema(max_items = 5)]
    pub escalation_rules: Vec<EscalationRule>,
}
