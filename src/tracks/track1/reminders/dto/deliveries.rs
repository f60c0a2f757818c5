//! Bodies of the delivery, acknowledgement and inbox routes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::{
    gateway::identity::domain::Page,
    tracks::track1::reminders::{
        domain::{
            delivery::{Delivery, DeliveryContext, DeliveryKind, ProviderReport, UserResponse},
            inbox::InboxItem,
        },
        rules::{
            adherence::{AdherenceSummary, DoseOutcome},
            status::DeliveryStatus,
            DeliveryMethod,
        },
    },
};

/// A delivery (the plan's `reminder_deliveries`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// Id (also the provider idempotency key).
    pub delivery_id: Uuid,
    /// The reminder.
    pub reminder_id: Uuid,
    /// The patient.
    pub user_id: Uuid,
    /// Why it exists.
    pub kind: DeliveryKind,
    /// The schedule occurrence it belongs to.
    pub occurrence_at: DateTime<Utc>,
    /// When it is (or was) to be sent.
    pub scheduled_for: DateTime<Utc>,
    /// Channel.
    pub method: DeliveryMethod,
    /// Status.
    pub status: DeliveryStatus,
    /// Accepted by the provider.
    pub sent_at: Option<DateTime<Utc>>,
    /// Confirmed delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Acknowledged.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The provider's answers.
    pub provider: ProviderReport,
    /// The patient's answer.
    pub user_response: Option<UserResponse>,
    /// Retries done.
    pub retry_count: u32,
    /// Retries allowed.
    pub max_retries: u32,
    /// Next retry.
    pub next_retry_at: Option<DateTime<Utc>>,
    /// No attempt follows this one.
    pub final_attempt: bool,
    /// Context.
    pub context: DeliveryContext,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        Self {
            delivery_id: d.id.0,
            reminder_id: d.reminder_id.0,
            user_id: d.user_id.0,
            kind: d.kind,
            occurrence_at: d.occurrence_at,
            scheduled_for: d.scheduled_for,
            method: d.method,
            status: d.status,
            sent_at: d.sent_at,
            delivered_at: d.delivered_at,
            acknowledged_at: d.acknowledged_at,
            provider: d.provider,
            user_response: d.user_response,
            retry_count: d.retry_count,
            max_retries: d.max_retries,
            next_retry_at: d.next_retry_at,
            final_attempt: d.final_attempt,
            context: d.context,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// A page of deliveries.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryPage {
    /// Deliveries, latest scheduled first.
    pub items: Vec<DeliveryView>,
    /// Page number (from 1).
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Matches across all pages.
    pub total: u64,
}

impl DeliveryPage {
    /// Wraps a store page.
    pub fn of(found: Page<Delivery>, page: u32, per_page: u32) -> Self {
        Self { items: found.items.into_iter().map(Into::into).collect(), page, per_page, total: found.total }
    }
}

/// Paging of lists.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryPageQuery {
    /// Page number, from 1.
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Page size, 1–100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// The patient acknowledges a delivery.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryAcknowledgeRequest {
    /// Free feedback (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub feedback: Option<String>,
    /// Satisfaction, 1–5.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub rating: Option<u8>,
    /// What the patient did, e.g. `took_medication` (1–100 characters).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "took_medication")]
    pub action_taken: Option<String>,
}

/// One message of the in-app inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderInboxItem {
    /// Id.
    pub item_id: Uuid,
    /// The delivery it came from (acknowledge it there).
    pub delivery_id: Uuid,
    /// The reminder.
    pub reminder_id: Uuid,
    /// Title.
    pub title: String,
    /// Text.
    pub message: String,
    /// Arrival time.
    pub created_at: DateTime<Utc>,
    /// When it was read.
    pub read_at: Option<DateTime<Utc>>,
}

impl From<InboxItem> for ReminderInboxItem {
    fn from(i: InboxItem) -> Self {
        Self {
            item_id: i.id,
            delivery_id: i.delivery_id.0,
            reminder_id: i.reminder_id.0,
            title: i.title,
            message: i.message,
            created_at: i.created_at,
            read_at: i.read_at,
        }
    }
}

/// A page of inbox messages.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderInboxPage {
    /// Messages, newest first.
    pub items: Vec<ReminderInboxItem>,
    /// Page number (from 1).
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Messages in all.
    pub total: u64,
}

/// The patient snoozes a delivery.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliverySnoozeRequest {
    /// Minutes until it is sent again, 5–1440.
    #[validate(range(min = 5, max = 1440))]
    #[schema(minimum = 5, maximum = 1440, example = 15)]
    pub minutes: u32,
}

/// The period (and, for staff, the patient) of an adherence report.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdherenceQuery {
    /// Start of the period (inclusive), RFC 3339.
    pub from: DateTime<Utc>,
    /// End of the period (exclusive), after `from` and at most 366 days later.
    pub to: DateTime<Utc>,
    /// The patient (staff roles; patients get their own).
    pub user_id: Option<Uuid>,
}

/// One dose of an adherence report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderDose {
    /// Its reminder.
    pub reminder_id: Uuid,
    /// When it was due.
    pub scheduled_for: DateTime<Utc>,
    /// Earliest acknowledgement on any channel.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// On time, late, missed or pending.
    pub outcome: DoseOutcome,
}

/// Adherence over a period: every dose and the PDC-style score (≥ 0.8 is adherent).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderAdherenceReport {
    /// Start of the period.
    pub from: DateTime<Utc>,
    /// End of the period.
    pub to: DateTime<Utc>,
    /// The zone whose days are counted.
    pub timezone: String,
    /// Counts and score.
    pub summary: AdherenceSummary,
    /// Every dose, in time order.
    pub doses: Vec<ReminderDose>,
}
