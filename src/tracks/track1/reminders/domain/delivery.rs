//! One delivery of one occurrence of a reminder on one channel (the plan's
//! `reminder_deliveries`), with the idempotency key that makes materialising it twice (a re-run,
//! a second instance) create nothing, the lease an engine instance holds while sending it, and
//! the outcomes of an attempt. The status machine itself is [`rules::status`].
//!
//! [`rules::status`]: crate::tracks::track1::reminders::rules::status

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Reminder, ReminderId};
use crate::{
    gateway::identity::domain::UserId,
    tracks::track1::reminders::rules::{status::DeliveryStatus, DeliveryMethod},
};

/// Id of a delivery (UUIDv7); also the idempotency key handed to providers that take one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeliveryId(pub Uuid);

/// Why a delivery exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// An occurrence of the schedule.
    Scheduled,
    /// A repeat of an unacknowledged occurrence.
    Repeat,
    /// The fallback channel of an occurrence.
    Fallback,
    /// A caregiver/staff notification raised by an escalation rule.
    Escalation,
}

/// The plan's `provider`: what the provider answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DeliveryProvider)]
pub struct ProviderReport {
    /// Provider, e.g. `twilio`, `smtp`, `fcm`, `in_app`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The provider's tracking id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The provider's answer as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
    /// Cost in cents, when the provider says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Provider error code of the last failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Provider error message of the last failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// The plan's `userResponse`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DeliveryUserResponse)]
pub struct UserResponse {
    /// Whether the patient acknowledged it.
    pub acknowledged: bool,
    /// Seconds from sending to the acknowledgement (computed by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_time: Option<i64>,
    /// Free feedback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    /// Satisfaction, 1–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// What the patient did, e.g. `took_medication`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_taken: Option<String>,
}

/// The plan's `context`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DeliveryContext)]
pub struct DeliveryContext {
    /// The IANA zone the occurrence was computed in.
    pub user_timezone: String,
}

/// An engine instance's claim on a delivery: nobody else sends it before `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The claiming instance.
    pub owner: String,
    /// When the claim lapses (a crashed instance's deliveries become claimable again).
    pub until: DateTime<Utc>,
}

/// A delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Id.
    pub id: DeliveryId,
    /// The reminder.
    pub reminder_id: ReminderId,
    /// The patient.
    pub user_id: UserId,
    /// One per (reminder, occurrence, method) — or per follow-up step.
    pub idempotency_key: String,
    /// Why it exists.
    pub kind: DeliveryKind,
    /// Explicit address (escalations); otherwise the reminder's preferences apply.
    pub recipient: Option<String>,
    /// The schedule occurrence it belongs to.
    pub occurrence_at: DateTime<Utc>,
    /// When it is to be sent.
    pub scheduled_for: DateTime<Utc>,
    /// Channel.
    pub method: DeliveryMethod,
    /// Status.
    pub status: DeliveryStatus,
    /// When it may next be claimed (`None`: nothing to send).
    pub due_at: Option<DateTime<Utc>>,
    /// The current claim.
    pub lease: Option<Lease>,
    /// Accepted by the provider.
    pub sent_at: Option<DateTime<Utc>>,
    /// Confirmed delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Acknowledged by the patient.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Counted as missed.
    pub missed_at: Option<DateTime<Utc>>,
    /// The provider's answers.
    pub provider: ProviderReport,
    /// The patient's answer.
    pub user_response: Option<UserResponse>,
    /// Retries done.
    pub retry_count: u32,
    /// Retries allowed.
    pub max_retries: u32,
    /// When the next retry is due.
    pub next_retry_at: Option<DateTime<Utc>>,
    /// No attempt follows this one.
    pub final_attempt: bool,
    /// Where and how it was computed.
    pub context: DeliveryContext,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The key of an occurrence's delivery on `method`: the same on every instance and re-run.
pub fn occurrence_key(reminder: ReminderId, occurrence_at: DateTime<Utc>, method: DeliveryMethod) -> String {
    format!("{}:{}:{}", reminder.0, instant(occurrence_at), method.as_str())
}

impl Delivery {
    /// A pending delivery of `reminder` for `occurrence_at` on `method`, due then.
    pub fn scheduled(
        reminder: &Reminder,
        occurrence_at: DateTime<Utc>,
        method: DeliveryMethod,
        now: DateTime<Utc>,
    ) -> Self {
        let key = occurrence_key(reminder.id, occurrence_at, method);
        Self::pending(reminder, key, DeliveryKind::Scheduled, method, occurrence_at, occurrence_at, now)
    }

    /// A follow-up of `self` (a repeat or the fallback) due at `due`.
    pub fn follow_up(
        &self,
        reminder: &Reminder,
        kind: DeliveryKind,
        number: u32,
        method: DeliveryMethod,
        due: DateTime<Utc>,
    ) -> Self {
        let key = format!("{}:{}:{number}:{}", self.idempotency_key, name(kind), method.as_str());
        let mut next = Self::pending(reminder, key, kind, method, self.occurrence_at, due, due);
        next.recipient.clone_from(&self.recipient);
        next
    }

    /// The `number`th snooze of `self`: the same message on the same channel at `due` (a repeat
    /// the patient asked for).
    pub fn snoozed(&self, reminder: &Reminder, number: u32, due: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        let key = format!("{}:snooze:{number}", self.idempotency_key);
        let mut next = Self::pending(reminder, key, DeliveryKind::Repeat, self.method, self.occurrence_at, due, now);
        next.recipient.clone_from(&self.recipient);
        next
    }

    /// The notification escalation rule `rule` raises for the streak that began at
    /// `streak_started_at`: once per streak, by its key.
    pub fn escalation(
        reminder: &Reminder,
        rule: usize,
        streak_started_at: DateTime<Utc>,
        method: DeliveryMethod,
        recipient: String,
        now: DateTime<Utc>,
    ) -> Self {
        let key = format!("{}:escalation:{rule}:{}", reminder.id.0, instant(streak_started_at));
        let mut d = Self::pending(reminder, key, DeliveryKind::Escalation, method, streak_started_at, now, now);
        d.recipient = Some(recipient);
        d
    }

    fn pending(
        reminder: &Reminder,
        idempotency_key: String,
        kind: DeliveryKind,
        method: DeliveryMethod,
        occurrence_at: DateTime<Utc>,
        scheduled_for: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: DeliveryId(Uuid::now_v7()),
            reminder_id: reminder.id,
            user_id: reminder.user_id,
            idempotency_key,
            kind,
            recipient: None,
            occurrence_at,
            scheduled_for,
            method,
            status: DeliveryStatus::Pending,
            due_at: Some(scheduled_for),
            lease: None,
            sent_at: None,
            delivered_at: None,
            acknowledged_at: None,
            missed_at: None,
            provider: ProviderReport::default(),
            user_response: None,
            retry_count: 0,
            max_retries: reminder.delivery.retry_policy.max_retries,
            next_retry_at: None,
            final_attempt: reminder.delivery.retry_policy.max_retries == 0,
            context: DeliveryContext { user_timezone: reminder.schedule.timezone.clone() },
            created_at: now,
            updated_at: now,
        }
    }
}

fn name(kind: DeliveryKind) -> &'static str {
    match kind {
        DeliveryKind::Scheduled => "scheduled",
        DeliveryKind::Repeat => "repeat",
        DeliveryKind::Fallback => "fallback",
        DeliveryKind::Escalation => "escalation",
    }
}
