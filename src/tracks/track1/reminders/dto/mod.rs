//! Request and response bodies of the reminder routes (camelCase JSON); deliveries, the inbox
//! and reports are in [`deliveries`]. Every `validator` rule is mirrored by the schema
//! constraint beside it; schedules, retry policies and escalation rules are checked by their
//! own `validate` in the service, which lists every problem with its pointer.

pub mod callbacks;
pub mod deliveries;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{
    domain::{DeliverySettings, Reminder, ReminderStatus, ReminderType, SmartFeatures},
    rules::analytics::ReminderAnalytics,
    schedule::ReminderSchedule,
};
use crate::gateway::identity::domain::Page;

/// Staff create a reminder for a patient; a patient for themselves.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateReminderRequest {
    /// The patient (staff roles; a patient may only name themselves, and may omit it).
    pub user_id: Option<Uuid>,
    /// Short title (1–200 characters).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Metformin 500 mg")]
    pub title: String,
    /// Text sent to the patient (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, example = "Time for your metformin, with food.")]
    pub message: String,
    /// Kind of reminder.
    pub reminder_type: ReminderType,
    /// Free category, e.g. `prescription` (1–100 characters).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "prescription")]
    pub category: Option<String>,
    /// When it fires.
    pub schedule: ReminderSchedule,
    /// How it is delivered.
    #[validate(nested)]
    pub delivery: DeliverySettings,
    /// Escalation rules.
    #[validate(nested)]
    pub smart_features: Option<SmartFeatures>,
}

/// Changes to a reminder (PATCH): only the fields given change.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateReminderRequest {
    /// New title (1–200 characters).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// New text (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub message: Option<String>,
    /// New category (1–100 characters).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub category: Option<String>,
    /// New schedule (the next occurrence is recomputed from now).
    pub schedule: Option<ReminderSchedule>,
    /// New delivery settings.
    #[validate(nested)]
    pub delivery: Option<DeliverySettings>,
    /// New smart features.
    #[validate(nested)]
    pub smart_features: Option<SmartFeatures>,
}

/// A reminder.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderView {
    /// Id.
    pub reminder_id: Uuid,
    /// The patient.
    pub user_id: Uuid,
    /// Title.
    pub title: String,
    /// Text.
    pub message: String,
    /// Kind.
    pub reminder_type: ReminderType,
    /// Category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Schedule.
    pub schedule: ReminderSchedule,
    /// Delivery settings.
    pub delivery: DeliverySettings,
    /// Smart features.
    pub smart_features: SmartFeatures,
    /// Life-cycle state.
    pub status: ReminderStatus,
    /// Next occurrence not yet handed to the delivery engine.
    pub next_occurrence_at: Option<DateTime<Utc>>,
    /// Delivery figures, kept with every delivery change.
    pub analytics: ReminderAnalytics,
    /// Version, bumped by every edit.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last edit.
    pub updated_at: DateTime<Utc>,
    /// Who created it.
    pub created_by: Uuid,
    /// Who edited it last.
    pub last_modified_by: Uuid,
}

fn analytics_of(r: &Reminder) -> ReminderAnalytics {
    let c = &r.counters;
    let unsigned = |n: i64| u64::try_from(n).unwrap_or_default();
    ReminderAnalytics {
        total_scheduled: unsigned(c.total_scheduled),
        total_sent: unsigned(c.total_sent),
        total_delivered: unsigned(c.total_delivered),
        total_acknowledged: unsigned(c.total_acknowledged),
        response_rate: if c.total_sent == 0 { 0.0 } else { c.total_acknowledged as f64 / c.total_sent as f64 },
        avg_response_time: (c.total_acknowledged > 0)
            .then(|| c.response_secs_sum as f64 / c.total_acknowledged as f64 / 60.0),
        missed_consecutive: u32::try_from(c.missed_consecutive).unwrap_or(u32::MAX),
        last_missed_at: c.last_missed_at,
    }
}

impl From<Reminder> for ReminderView {
    fn from(r: Reminder) -> Self {
        let analytics = analytics_of(&r);
        Self {
            reminder_id: r.id.0,
            user_id: r.user_id.0,
            title: r.title,
            message: r.message,
            reminder_type: r.reminder_type,
            category: r.category,
            schedule: r.schedule,
            delivery: r.delivery,
            smart_features: r.smart_features,
            status: r.status,
            next_occurrence_at: r.next_occurrence_at,
            analytics,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            created_by: r.created_by.0,
            last_modified_by: r.last_modified_by.0,
        }
    }
}

/// A page of reminders.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderPage {
    /// The reminders, newest first.
    pub items: Vec<ReminderView>,
    /// Page number (from 1).
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Matches across all pages.
    pub total: u64,
}

impl ReminderPage {
    /// Wraps a store page.
    pub fn of(found: Page<Reminder>, page: u32, per_page: u32) -> Self {
        Self { items: found.items.into_iter().map(Into::into).collect(), page, per_page, total: found.total }
    }
}

/// Filters of the reminder list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReminderListQuery {
    /// Only this patient's (staff roles; patients always see their own).
    pub user_id: Option<Uuid>,
    /// Only in this status.
    pub status: Option<ReminderStatus>,
    /// Only of this type.
    pub reminder_type: Option<ReminderType>,
    /// Only in this category (1–100 characters).
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub category: Option<String>,
    /// Page number, from 1.
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Page size, 1–100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// How many occurrences to preview.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// Occurrences to list, 1–100 (default 10).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub count: Option<u32>,
}

/// The next occurrences of a reminder's schedule.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderPreview {
    /// The time zone the schedule is read in.
    pub timezone: String,
    /// Instants (UTC), soonest first.
    pub occurrences: Vec<DateTime<Utc>>,
    /// The same instants as local wall-clock times with their offset.
    pub local_times: Vec<String>,
}
