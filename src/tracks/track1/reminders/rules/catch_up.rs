//! What to do with an occurrence found overdue (the engine was down, or behind): the catch-up
//! rule, per `reminderType`, on how late it is (`now − scheduledFor`):
//! - within `onTimeMinutes`: send, on time (normal scheduler jitter);
//! - **medication**: send late within `medicationGraceMinutes` (a dose an hour late is still
//!   useful); later it is **missed** — a dose reminder hours late invites a double dose, and
//!   the miss counts for adherence and escalation;
//! - **appointment**: send while the appointment is still ahead (when its time is known), else
//!   **skip**; with no known time, send within the medication grace window, else skip. A
//!   skipped appointment reminder is not the patient's miss;
//! - **followup / custom**: send late within `lateSendMaxHours`, else skip.

use chrono::{DateTime, Duration, Utc};

use super::ReminderType;

/// The catch-up limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUpPolicy {
    /// Lateness still counted as on time.
    pub on_time_minutes: u32,
    /// How late a medication reminder may still be sent.
    pub medication_grace_minutes: u32,
    /// How late a follow-up or custom reminder may still be sent.
    pub late_send_max_hours: u32,
}

impl Default for CatchUpPolicy {
    /// On time within 5 minutes; medication up to an hour late; others up to a day late.
    fn default() -> Self {
        Self { on_time_minutes: 5, medication_grace_minutes: 60, late_send_max_hours: 24 }
    }
}

/// The decision for one overdue occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatchUpDecision {
    /// Send it now; `late` when past the on-time tolerance.
    Send { late: bool },
    /// Too late: record it as missed (counts for adherence and escalation).
    Miss,
    /// Too late to be useful: record it as skipped (not the patient's miss).
    Skip,
}

/// Applies the catch-up rule to an occurrence of a `reminder_type` reminder scheduled for
/// `scheduled_for`, at `now`. `appointment_at` is the appointment's own time, when known.
pub fn catch_up(
    policy: &CatchUpPolicy,
    reminder_type: ReminderType,
    scheduled_for: DateTime<Utc>,
    now: DateTime<Utc>,
    appointment_at: Option<DateTime<Utc>>,
) -> CatchUpDecision {
    let lateness = now - scheduled_for;
    if lateness <= Duration::minutes(i64::from(policy.on_time_minutes)) {
        return CatchUpDecision::Send { late: false };
    }
    let late = CatchUpDecision::Send { late: true };
    let grace = Duration::minutes(i64::from(policy.medication_grace_minutes));
    match reminder_type {
        ReminderType::Medication if lateness <= grace => late,
        ReminderType::Medication => CatchUpDecision::Miss,
        ReminderType::Appointment => match appointment_at {
            Some(at) if now < at => late,
            None if lateness <= grace => late,
            _ => CatchUpDecision::Skip,
        },
        ReminderType::Followup | ReminderType::Custom => {
            if lateness <= Duration::hours(i64::from(policy.late_send_max_hours)) {
                late
            } else {
                CatchUpDecision::Skip
            }
        }
    }
}

#[cfg(test)]
#[path = "catch_up_tests.rs"]
mod tests;
