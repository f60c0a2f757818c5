//! When a reminder fires: the plan's `schedule` (one-time, or recurring daily/weekly/monthly or
//! by an RFC 5545 RRULE, at wall-clock `times`) evaluated in the patient's IANA time zone.
//!
//! [`ReminderSchedule`] is the stored/received shape; [`ReminderSchedule::validate`] turns it
//! into a [`ValidSchedule`] (or lists every problem), which answers "which instants, in UTC".
//!
//! Rules (each has a test in `occurrences_tests.rs`):
//! - **Wall-clock time.** `"08:00"` means 08:00 local time every day, whatever the UTC offset:
//!   a daily 08:00 reminder fires at 07:00 UTC in Paris winter time and 06:00 UTC in summer.
//! - **Nonexistent local times** (the spring-forward gap, e.g. 02:30 on the night clocks jump
//!   from 02:00 to 03:00) fire at the first valid instant after the gap (03:00 local). Several
//!   times falling in one gap fire once.
//! - **Repeated local times** (fall back, e.g. 01:30 happening twice) fire once, at the first
//!   occurrence (the earlier instant, still in summer time).
//! - **Days of month that a month lacks** (31 in April, 30 in February) fire on that month's
//!   last day, so a monthly dose is never skipped; `[30, 31]` in a 30-day month fires once.
//! - **Intervals** count from `startDate`'s local date: every N days; every N weeks (weeks start
//!   on Monday, the week containing `startDate` is week 0); every N months (its month is month 0).
//! - **Defaults**: weekly without `daysOfWeek` uses `startDate`'s weekday, monthly without
//!   `daysOfMonth` uses its day of month; daily `daysOfWeek` restricts the days (e.g. weekdays).
//! - **Bounds**: nothing fires before `startDate` or after `endDate` (both instants, inclusive).
//! - **custom**: the RRULE (e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH`) chooses the dates, counted
//!   from `startDate`'s local date; `times` choose the hours, so it may not carry BYHOUR,
//!   BYMINUTE, BYSECOND, DTSTART or a frequency finer than daily.

mod error;
mod local;
mod occurrences;
mod validate;

#[cfg(test)]
#[path = "occurrences_tests.rs"]
mod occurrences_tests;
#[cfg(test)]
#[path = "validate_tests.rs"]
mod validate_tests;

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use self::error::{ScheduleError, ScheduleViolation};

/// Most `times` a day.
pub const MAX_TIMES_PER_DAY: usize = 24;
/// Longest accepted RRULE text.
pub const MAX_RRULE_LEN: usize = 500;
/// Most occurrences one preview returns.
pub const MAX_PREVIEW: usize = 100;

/// One-time or recurring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderScheduleType)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleType {
    /// Fires once, at `scheduledTime`.
    OneTime,
    /// Fires per `recurrence`.
    Recurring,
}

/// How a recurring schedule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderRecurrencePattern)]
#[serde(rename_all = "lowercase")]
pub enum RecurrencePattern {
    /// Every `interval` days (optionally only on `daysOfWeek`).
    Daily,
    /// Every `interval` weeks, on `daysOfWeek`.
    Weekly,
    /// Every `interval` months, on `daysOfMonth`.
    Monthly,
    /// Dates chosen by `rrule`.
    Custom,
}

/// The plan's `schedule.recurrence`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderRecurrence {
    /// Repetition pattern.
    pub pattern: RecurrencePattern,
    /// Every N days, weeks or months (`custom` keeps 1: the RRULE's own INTERVAL counts).
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 366, default = 1)]
    pub interval: u32,
    /// Weekdays, 0 = Sunday … 6 = Saturday (weekly; optional filter for daily).
    #[serde(default)]
    #[schema(max_items = 7)]
    pub days_of_week: Vec<u8>,
    /// Days of the month, 1–31 (monthly); a day the month lacks fires on its last day.
    #[serde(default)]
    #[schema(max_items = 31)]
    pub days_of_month: Vec<u8>,
    /// Local wall-clock times, `HH:MM` (24 h).
    #[schema(min_items = 1, max_items = 24, example = json!(["08:00", "20:00"]))]
    pub times: Vec<String>,
    /// RFC 5545 RRULE choosing the dates of a `custom` schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 500, example = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH")]
    pub rrule: Option<String>,
}

fn one() -> u32 {
    1
}

/// The plan's `schedule`, with the patient's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderSchedule {
    /// One-time or recurring.
    #[serde(rename = "type")]
    pub schedule_type: ScheduleType,
    /// IANA time zone the times are read in.
    #[schema(example = "Europe/Paris", max_length = 64)]
    pub timezone: String,
    /// First instant a recurring schedule may fire (required for recurring).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<DateTime<Utc>>,
    /// Last instant it may fire (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<DateTime<Utc>>,
    /// When a one-time reminder fires (required for one_time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_time: Option<DateTime<Utc>>,
    /// How a recurring reminder repeats (required for recurring).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<ReminderRecurrence>,
}

/// A schedule that passed validation: it can list its instants.
#[derive(Debug, Clone)]
pub struct ValidSchedule {
    spec: ReminderSchedule,
    tz: Tz,
    rule: Rule,
}

/// What the occurrence generator runs on.
#[derive(Debug, Clone)]
enum Rule {
    Once(DateTime<Utc>),
    Recurring(Recurring),
}

#[derive(Debug, Clone)]
struct Recurring {
    dates: DateRule,
    /// Sorted, distinct.
    times: Vec<NaiveTime>,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
enum DateRule {
    /// Every `interval` days, on `weekdays` (bit 0 = Sunday; all set when unrestricted).
    Daily { interval: u32, weekdays: u8 },
    /// Every `interval` weeks on `weekdays`.
    Weekly { interval: u32, weekdays: u8 },
    /// Every `interval` months on `days` (sorted, 1–31).
    Monthly { interval: u32, days: Vec<u32> },
    /// An RRULE evaluated in floating (wall-clock) time.
    Custom(Box<rrule::RRuleSet>),
}

impl ValidSchedule {
    /// The schedule as received, for storage (re-validate it when loading).
    pub fn spec(&self) -> &ReminderSchedule {
        &self.spec
    }

    /// The time zone it is evaluated in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Whether it is one-time.
    pub fn is_one_time(&self) -> bool {
        matches!(self.rule, Rule::Once(_))
    }

    /// The next `n` instants strictly after `now` (what the preview endpoint shows); `n` is
    /// capped at [`MAX_PREVIEW`].
    pub fn preview(&self, now: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        self.occurrences_after(now, n.min(MAX_PREVIEW))
    }

    /// The first instant strictly after `after`, if any.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.occurrences_after(after, 1).into_iter().next()
    }
}
