//! Reminder delivery rules as pure functions, so the engine, the routes and every store apply
//! the same ones: the delivery state machine and provider status mapping ([`status`]), retries
//! ([`retry`]), the escalation ladder ([`escalation`]), catch-up after downtime ([`catch_up`]),
//! acknowledgement and analytics ([`analytics`]), adherence ([`adherence`]) and snooze
//! ([`snooze`]).

pub mod adherence;
pub mod analytics;
pub mod catch_up;
pub mod escalation;
pub mod retry;
pub mod snooze;
pub mod status;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a reminder is about (the plan's `reminderType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReminderType {
    /// Take a medication.
    Medication,
    /// Attend an appointment.
    Appointment,
    /// Follow up after care.
    Followup,
    /// Anything else.
    Custom,
}

/// How a delivery reaches the patient (the plan's `delivery.methods`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderDeliveryMethod)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    /// Text message.
    Sms,
    /// Email.
    Email,
    /// Mobile push notification.
    Push,
    /// Stored for the app (listed and streamed).
    InApp,
}

impl DeliveryMethod {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
            Self::Push => "push",
            Self::InApp => "in_app",
        }
    }
}
