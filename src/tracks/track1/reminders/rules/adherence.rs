//! Adherence: each dose (an occurrence of a reminder) is on time, late or missed by when it was
//! acknowledged; a PDC-style score is the proportion of dosing days covered.
//! - **on time**: acknowledged before `scheduledFor + onTimeMinutes` (early counts too);
//! - **late**: acknowledged before `scheduledFor + missedAfterMinutes`;
//! - **missed**: acknowledged later, or not at all once that window has passed;
//! - **pending**: not acknowledged and still inside the window (left out of the score).
//!
//! Days are the patient's local days. A dosing day (one with at least one scheduled dose, none
//! pending) is covered when every dose of that day was taken (on time or late). PDC = covered ÷
//! dosing days; days with no scheduled dose do not count (a weekly medication is judged on its
//! weekly days). PDC ≥ [`ADHERENT_PDC`] counts as adherent.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The conventional adherence threshold.
pub const ADHERENT_PDC: f64 = 0.8;

/// How late a dose may be acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdherenceWindows {
    /// Acknowledged within this many minutes: on time.
    pub on_time_minutes: u32,
    /// Not acknowledged within this many minutes: missed.
    pub missed_after_minutes: u32,
}

impl Default for AdherenceWindows {
    /// On time within 30 minutes, missed after 2 hours.
    fn default() -> Self {
        Self { on_time_minutes: 30, missed_after_minutes: 120 }
    }
}

/// How one dose went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderDoseOutcome)]
#[serde(rename_all = "snake_case")]
pub enum DoseOutcome {
    /// Acknowledged within the on-time window.
    OnTime,
    /// Acknowledged after it, before the missed window closed.
    Late,
    /// Not acknowledged in time.
    Missed,
    /// Not acknowledged yet, still in time.
    Pending,
}

/// One dose: when it was due, and when the patient acknowledged it (earliest of its deliveries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dose {
    /// When it was due.
    pub scheduled_for: DateTime<Utc>,
    /// When it was acknowledged.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// Counts and score over a period.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderAdherenceSummary)]
#[serde(rename_all = "camelCase")]
pub struct AdherenceSummary {
    /// Doses acknowledged on time.
    pub on_time: u32,
    /// Doses acknowledged late.
    pub late: u32,
    /// Doses missed.
    pub missed: u32,
    /// Doses still open.
    pub pending: u32,
    /// Local days with scheduled doses, all decided.
    pub dosing_days: u32,
    /// Dosing days on which every dose was taken.
    pub days_covered: u32,
    /// Days covered ÷ dosing days, 0 to 1; null without dosing days.
    pub pdc: Option<f64>,
    /// PDC ≥ 0.8; null without dosing days.
    pub adherent: Option<bool>,
}

/// Classifies one dose at `now`.
pub fn classify_dose(dose: &Dose, now: DateTime<Utc>, windows: &AdherenceWindows) -> DoseOutcome {
    let on_time = dose.scheduled_for + Duration::minutes(i64::from(windows.on_time_minutes));
    let missed = dose.scheduled_for + Duration::minutes(i64::from(windows.missed_after_minutes));
    match dose.acknowledged_at {
        Some(at) if at <= on_time => DoseOutcome::OnTime,
        Some(at) if at <= missed => DoseOutcome::Late,
        Some(_) => DoseOutcome::Missed,
        None if now >= missed => DoseOutcome::Missed,
        None => DoseOutcome::Pending,
    }
}

/// Each dose's outcome (same order) and the summary, days read in `tz`.
pub fn adherence(
    doses: &[Dose],
    tz: Tz,
    now: DateTime<Utc>,
    windows: &AdherenceWindows,
) -> (Vec<DoseOutcome>, AdherenceSummary) {
    let outcomes: Vec<DoseOutcome> = doses.iter().map(|d| classify_dose(d, now, windows)).collect();
    let mut summary = AdherenceSummary::default();
    // Per local day: (all taken, any pending).
    let mut days: BTreeMap<NaiveDate, (bool, bool)> = BTreeMap::new();
    for (dose, outcome) in doses.iter().zip(&outcomes) {
        match outcome {
            DoseOutcome::OnTime => summary.on_time += 1,
            DoseOutcome::Late => summary.late += 1,
            DoseOutcome::Missed => summary.missed += 1,
            DoseOutcome::Pending => summary.pending += 1,
        }
        let day = days.entry(dose.scheduled_for.with_timezone(&tz).date_naive()).or_insert((true, false));
        day.0 &= matches!(outcome, DoseOutcome::OnTime | DoseOutcome::Late);
        day.1 |= *outcome == DoseOutcome::Pending;
    }
    let decided = days.values().filter(|(_, pending)| !pending);
    let (dosing, covered) = decided.fold((0u32, 0u32), |(n, c), (taken, _)| (n + 1, c + u32::from(*taken)));
    summary.dosing_days = dosing;
    summary.days_covered = covered;
    if dosing > 0 {
        let pdc = f64::from(covered) / f64::from(dosing);
        summary.pdc = Some(pdc);
        summary.adherent = Some(pdc >= ADHERENT_PDC);
    }
    (outcomes, summary)
}

#[cfg(test)]
#[path = "adherence_tests.rs"]
mod tests;
