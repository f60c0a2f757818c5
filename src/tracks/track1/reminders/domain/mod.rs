//! The reminder aggregate (the plan's `reminders`): content, schedule, delivery settings, smart
//! features, status with its legal transitions, and the analytics counters the engine keeps.
//! Deliveries are in [`delivery`]; schedules in [`super::schedule`].

pub mod delivery;
pub mod inbox;
mod settings;

#[cfg(test)]
#[path = "domain_tests.rs"]
mod domain_tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use self::settings::{
    DeliveryPreferences, DeliverySettings, EmailPreference, PushPreference, SmartFeatures, SmsPreference,
};
pub use super::rules::ReminderType;
use super::schedule::ReminderSchedule;
use crate::gateway::identity::domain::UserId;

/// Id of a reminder (UUIDv7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReminderId(pub Uuid);

impl ReminderId {
    /// A new time-ordered id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }
}

/// Where a reminder is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReminderStatus {
    /// Fires on its schedule.
    Active,
    /// Kept but not firing; resumes where the schedule then is.
    Paused,
    /// Finished (terminal).
    Completed,
    /// Called off (terminal).
    Cancelled,
}

/// The wire (and stored) name of a unit enum: its serde name, so stores and JSON agree.
pub fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// Parses a wire (or stored) name of a unit enum.
pub fn parse_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

impl ReminderStatus {
    /// Whether the life cycle allows going from `self` to `to`: pause an active reminder,
    /// resume a paused one, complete or cancel either; completed and cancelled are final.
    pub fn can_become(self, to: Self) -> bool {
        use ReminderStatus::{Active, Cancelled, Completed, Paused};
        matches!((self, to), (Active, Paused) | (Paused, Active) | (Active | Paused, Completed | Cancelled))
    }

    /// Whether the reminder can still be edited.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Active | Self::Paused)
    }
}

/// Counters the engine keeps with every delivery change (the plan's `analytics`; rates are
/// derived from them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderCounters {
    /// Deliveries materialised.
    pub total_scheduled: i64,
    /// Deliveries handed to a provider.
    pub total_sent: i64,
    /// Deliveries the provider (or the inbox) confirmed.
    pub total_delivered: i64,
    /// Deliveries the patient acknowledged.
    pub total_acknowledged: i64,
    /// Occurrences that went unacknowledged past the window.
    pub total_missed: i64,
    /// Sum of acknowledged response times, seconds.
    pub response_secs_sum: i64,
    /// Missed occurrences since the last acknowledgement.
    pub missed_consecutive: i64,
    /// When the current streak of misses began.
    pub streak_started_at: Option<DateTime<Utc>>,
    /// Last miss.
    pub last_missed_at: Option<DateTime<Utc>>,
}

/// A reminder.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    /// Id.
    pub id: ReminderId,
    /// The patient reminded.
    pub user_id: UserId,
    /// Short title.
    pub title: String,
    /// Text sent to the patient.
    pub message: String,
    /// Kind.
    pub reminder_type: ReminderType,
    /// Free category, e.g. `prescription`.
    pub category: Option<String>,
    /// When it fires, in the patient's time zone.
    pub schedule: ReminderSchedule,
    /// How it is delivered.
    pub delivery: DeliverySettings,
    /// Escalation and the plan's smart flags.
    pub smart_features: SmartFeatures,
    /// Life-cycle state.
    pub status: ReminderStatus,
    /// The next occurrence the engine has not materialised yet; `None` when the schedule is
    /// exhausted.
    pub next_occurrence_at: Option<DateTime<Utc>>,
    /// Analytics counters.
    pub counters: ReminderCounters,
    /// Optimistic-concurrency version, bumped by every edit.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last edit.
    pub updated_at: DateTime<Utc>,
    /// Who created it.
    pub created_by: UserId,
    /// Who edited it last.
    pub last_modified_by: UserId,
}

/// What a new reminder is made of (validated by the service).
#[derive(Debug, Clone)]
pub struct NewReminder {
    /// The patient.
    pub user_id: UserId,
    /// Title.
    pub title: String,
    /// Message.
    pub message: String,
    /// Kind.
    pub reminder_type: ReminderType,
    /// Category.
    pub category: Option<String>,
    /// Schedule.
    pub schedule: ReminderSchedule,
    /// Delivery settings.
    pub delivery: DeliverySettings,
    /// Smart features.
    pub smart_features: SmartFeatures,
}

impl Reminder {
    /// A new active reminder whose first occurrence is `first`.
    pub fn create(new: NewReminder, first: Option<DateTime<Utc>>, actor: UserId, now: DateTime<Utc>) -> Self {
        Self {
            id: ReminderId::generate(),
            user_id: new.user_id,
            title: new.title,
            message: new.message,
            reminder_type: new.reminder_type,
            category: new.category,
            schedule: new.schedule,
            delivery: new.delivery,
            smart_features: new.smart_features,
            status: ReminderStatus::Active,
            next_occurrence_at: first,
            counters: ReminderCounters::default(),
            version: 0,
            created_at: now,
            updated_at: now,
            created_by: actor,
            last_modified_by: actor,
        }
    }

    /// Records an edit by `actor` (bumps the version).
    pub fn touch(&mut self, actor: UserId, now: DateTime<Utc>) {
        self.version += 1;
        self.updated_at = now;
        self.last_modified_by = actor;
    }

    /// Moves to `to` if the life cycle allows it; `Err(current)` otherwise.
    pub fn transition(&mut self, to: ReminderStatus, actor: UserId, now: DateTime<Utc>) -> Result<(), ReminderStatus> {
        if !self.status.can_become(to) {
            return Err(self.status);
        }
        self.status = to;
        self.touch(actor, now);
        Ok(())
    }
}
