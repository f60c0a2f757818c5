//! The escalation ladder of one occurrence, then the reminder's escalation rules.
//!
//! For an occurrence first sent at `t0` and not yet acknowledged (R = `repeatEveryMinutes`):
//! 1. **Repeat** on the same channel at `t0 + R`, `t0 + 2R`, … up to `maxRepeats` times;
//! 2. **Fallback** to `fallbackMethod` (e.g. push → sms) at `t0 + (maxRepeats + 1)·R` — or at
//!    once when the primary delivery finally failed (repeating on a failed channel is
//!    pointless); with R = 0 the fallback is only used on failure;
//! 3. **Missed** at `t0 + ackWindow`, or after the last step when the ladder is longer.
//!
//! A missed occurrence adds one to the reminder's `missedConsecutive` (an acknowledgement
//! resets it); each of the plan's `escalationRules` fires when that count reaches its
//! `missedCount` — so once per streak, with no state beyond the count itself. Misses the
//! catch-up rule records after downtime add to the count the same way, several at once: a rule
//! whose count the batch reaches or passes fires once for the whole batch.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DeliveryMethod;

/// Longest recipient text.
pub const MAX_RECIPIENT_LEN: usize = 200;

/// What an escalation rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderEscalationAction)]
#[serde(rename_all = "snake_case")]
pub enum EscalationAction {
    /// Notify the patient's caregiver.
    NotifyCaregiver,
    /// Have staff call the patient.
    CallPatient,
    /// Have staff schedule a visit.
    ScheduleVisit,
}

/// One of the plan's `smartFeatures.escalationRules`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderEscalationRule)]
#[serde(rename_all = "camelCase")]
pub struct EscalationRule {
    /// Consecutive missed occurrences that trigger it, 1–100.
    #[schema(minimum = 1, maximum = 100, example = 2)]
    pub missed_count: u32,
    /// What to do.
    pub action: EscalationAction,
    /// Who is told: a user id, phone number or email address.
    #[schema(min_length = 1, max_length = 200, example = "+250788123456")]
    pub recipient: String,
}

/// The repeat/fallback part of a reminder's escalation settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderEscalationLadder)]
#[serde(rename_all = "camelCase")]
pub struct EscalationLadder {
    /// Minutes between repeats of an unacknowledged occurrence, 0 (none) to 1440.
    #[schema(minimum = 0, maximum = 1440, example = 10)]
    pub repeat_every_minutes: u32,
    /// Repeats before falling back, 0–10.
    #[schema(minimum = 0, maximum = 10, example = 2)]
    pub max_repeats: u32,
    /// Channel tried after the repeats, or when the first one failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_method: Option<DeliveryMethod>,
}

/// Where one occurrence stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OccurrenceState {
    /// When its first delivery was sent.
    pub first_sent_at: DateTime<Utc>,
    /// Repeats already sent.
    pub repeats_sent: u32,
    /// When the primary delivery finally failed (no retry left), if it did.
    pub failed_at: Option<DateTime<Utc>>,
    /// Whether the fallback was sent.
    pub fallback_sent: bool,
    /// Acknowledged, marked missed or cancelled: the ladder is over.
    pub resolved: bool,
}

/// The next thing to do for an occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationStep {
    /// Send it again on the same channel (`number` is 1-based).
    Repeat { number: u32 },
    /// Send it through the fallback channel.
    Fallback { method: DeliveryMethod },
    /// Mark it missed (then apply [`rules_to_fire`]).
    MarkMissed,
}

/// A step and its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedStep {
    /// What to do.
    pub step: EscalationStep,
    /// When it is due.
    pub due_at: DateTime<Utc>,
}

impl PlannedStep {
    /// Whether it should be done at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.due_at <= now
    }
}

impl EscalationLadder {
    /// Checks the ranges the schema states; `Err((pointer under the ladder, message))`.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.repeat_every_minutes > 1440 {
            return Err(("/repeatEveryMinutes", "0 to 1440 minutes".into()));
        }
        if self.max_repeats > 10 {
            return Err(("/maxRepeats", "0 to 10".into()));
        }
        Ok(())
    }
}

impl EscalationRule {
    /// Checks the rule; `Err((pointer under the rule, message))`.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !(1..=100).contains(&self.missed_count) {
            return Err(("/missedCount", "1 to 100".into()));
        }
        let len = self.recipient.trim().chars().count();
        if len == 0 || len > MAX_RECIPIENT_LEN {
            return Err(("/recipient", format!("1 to {MAX_RECIPIENT_LEN} characters")));
        }
        Ok(())
    }
}

/// The occurrence's next step (due now or later), or `None` when the ladder is over. The
/// caller performs it when [`PlannedStep::is_due`], records it in the state and asks again.
pub fn next_escalation_step(
    ladder: &EscalationLadder,
    state: &OccurrenceState,
    ack_window: Duration,
) -> Option<PlannedStep> {
    if state.resolved {
        return None;
    }
    let t0 = state.first_sent_at;
    let repeat = Duration::minutes(i64::from(ladder.repeat_every_minutes));
    let repeats = i32::try_from(ladder.max_repeats).unwrap_or(i32::MAX);
    let uses_fallback = ladder.fallback_method.is_some() && !repeat.is_zero();
    let fallback_at = t0 + repeat * (repeats + 1);
    let last_step = if uses_fallback { fallback_at } else { t0 + repeat * repeats };
    let missed = PlannedStep { step: EscalationStep::MarkMissed, due_at: (t0 + ack_window).max(last_step) };
    let fallback = ladder.fallback_method.filter(|_| !state.fallback_sent);
    if let Some(failed_at) = state.failed_at {
        return Some(match fallback {
            Some(method) => PlannedStep { step: EscalationStep::Fallback { method }, due_at: failed_at },
            None => missed,
        });
    }
    if !repeat.is_zero() && !state.fallback_sent && state.repeats_sent < ladder.max_repeats {
        let number = state.repeats_sent + 1;
        let due_at = t0 + repeat * i32::try_from(number).unwrap_or(i32::MAX);
        return Some(PlannedStep { step: EscalationStep::Repeat { number }, due_at });
    }
    Some(match fallback.filter(|_| uses_fallback) {
        Some(method) => PlannedStep { step: EscalationStep::Fallback { method }, due_at: fallback_at },
        None => missed,
    })
}

/// The rules that fire when the consecutive-missed count goes from `before` to `after`: each
/// whose `missedCount` lies in `(before, after]`.
pub fn rules_to_fire(rules: &[EscalationRule], before: u32, after: u32) -> Vec<&EscalationRule> {
    rules.iter().filter(|r| r.missed_count > before && r.missed_count <= after).collect()
}

/// The channel an escalation notice to `recipient` goes through: SMS to a phone number
/// (`+…`), email to an address (`…@…`), else in-app to the user it names.
pub fn recipient_method(recipient: &str) -> DeliveryMethod {
    let to = recipient.trim();
    if to.starts_with('+') {
        DeliveryMethod::Sms
    } else if to.contains('@') {
        DeliveryMethod::Email
    } else {
        DeliveryMethod::InApp
    }
}

#[cfg(test)]
#[path = "escalation_tests.rs"]
mod tests;
