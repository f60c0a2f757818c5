//! Adherence reports: the doses (occurrences) of one reminder or of one patient's reminders in
//! a period, each on time, late, missed or pending by its earliest acknowledgement on any
//! channel, and the PDC-style score of `rules::adherence`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::{
    gateway::{error::FieldViolation, identity::domain::PageRequest},
    tracks::track1::reminders::{
        domain::{delivery::DeliveryKind, ReminderId},
        error::ReminderError,
        rules::{
            adherence::{adherence, AdherenceSummary, AdherenceWindows, Dose, DoseOutcome},
            status::DeliveryStatus,
        },
        store::{DeliveryFilter, DeliveryStore},
    },
};

/// Longest period one report covers.
pub const MAX_PERIOD_DAYS: i64 = 366;
/// Deliveries read per store call.
const BATCH: u32 = 100;

/// One dose in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoseLine {
    /// Its reminder.
    pub reminder_id: ReminderId,
    /// When it was due.
    pub scheduled_for: DateTime<Utc>,
    /// Earliest acknowledgement.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// How it went.
    pub outcome: DoseOutcome,
}

/// Checks the period: `to` after `from`, at most a year.
pub fn check_period(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(), ReminderError> {
    if to <= from || to - from > Duration::days(MAX_PERIOD_DAYS) {
        let message = format!("must be after `from`, at most {MAX_PERIOD_DAYS} days later");
        return Err(ReminderError::Invalid(vec![FieldViolation {
            pointer: "to".into(),
            code: "period".into(),
            message,
        }]));
    }
    Ok(())
}

/// The report over `filter` (its period set), days read in `tz`.
pub async fn report(
    store: &dyn DeliveryStore,
    filter: &DeliveryFilter,
    tz: Tz,
    windows: &AdherenceWindows,
    now: DateTime<Utc>,
) -> Result<(Vec<DoseLine>, AdherenceSummary), ReminderError> {
    // (reminder, occurrence) → earliest acknowledgement, for occurrences really sent.
    let mut doses: BTreeMap<(DateTime<Utc>, uuid::Uuid), Option<DateTime<Utc>>> = BTreeMap::new();
    let mut page = 1;
    loop {
        let found = store.list(filter, PageRequest { page, per_page: BATCH }).await?;
        for d in &found.items {
            let counts = d.kind != DeliveryKind::Escalation
                && !matches!(d.status, DeliveryStatus::Cancelled | DeliveryStatus::Skipped);
            if counts {
                let ack = doses.entry((d.occurrence_at, d.reminder_id.0)).or_insert(None);
                *ack = match (*ack, d.acknowledged_at) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        if u64::from(page) * u64::from(BATCH) >= found.total {
            break;
        }
        page += 1;
    }
    let list: Vec<Dose> =
        doses.iter().map(|((at, _), ack)| Dose { scheduled_for: *at, acknowledged_at: *ack }).collect();
    let (outcomes, summary) = adherence(&list, tz, now, windows);
    let lines = doses
        .keys()
        .zip(list.iter().zip(outcomes))
        .map(|((_, id), (dose, outcome))| DoseLine {
            reminder_id: ReminderId(*id),
            scheduled_for: dose.scheduled_for,
            acknowledged_at: dose.acknowledged_at,
            outcome,
        })
        .collect();
    Ok((lines, summary))
}
