//! Acknowledgement and the reminder's `analytics`, as a fold over its deliveries, so every
//! store computes (or checks) the same figures:
//! - `totalScheduled`: deliveries not cancelled; `totalSent`: those handed to a provider;
//!   `totalDelivered`: those the provider confirmed (an acknowledgement proves it too);
//!   `totalAcknowledged`: acknowledged ones;
//! - `responseRate`: acknowledged ÷ sent, 0 to 1 (0 when nothing was sent);
//! - `avgResponseTime`: mean minutes from delivery (or sending) to acknowledgement;
//! - `missedConsecutive`: missed occurrences since the last acknowledged one, counted per
//!   occurrence (`scheduledFor`), not per channel: an occurrence is acknowledged when any of
//!   its deliveries is, missed when one is missed and none acknowledged;
//!   `lastMissedAt`: `scheduledFor` of the latest missed occurrence.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::status::DeliveryStatus;

/// What the fold needs of one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryOutcome {
    /// The occurrence it belongs to.
    pub scheduled_for: DateTime<Utc>,
    /// Its status.
    pub status: DeliveryStatus,
    /// When a provider accepted it.
    pub sent_at: Option<DateTime<Utc>>,
    /// When the provider confirmed it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the patient acknowledged it.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// The plan's `reminders.analytics`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReminderAnalytics {
    /// Deliveries created and not cancelled.
    pub total_scheduled: u64,
    /// Deliveries handed to a provider.
    pub total_sent: u64,
    /// Deliveries the provider confirmed.
    pub total_delivered: u64,
    /// Deliveries the patient acknowledged.
    pub total_acknowledged: u64,
    /// Acknowledged ÷ sent, 0 to 1.
    pub response_rate: f64,
    /// Mean minutes from delivery to acknowledgement; null before the first one.
    pub avg_response_time: Option<f64>,
    /// Missed occurrences since the last acknowledged one.
    pub missed_consecutive: u32,
    /// Scheduled time of the latest missed occurrence.
    pub last_missed_at: Option<DateTime<Utc>>,
}

/// Seconds from delivery (or, without a delivery report, sending) to `acknowledged_at`; never
/// negative (clocks of providers and servers differ). `None` when it was never sent.
pub fn response_time_secs(
    sent_at: Option<DateTime<Utc>>,
    delivered_at: Option<DateTime<Utc>>,
    acknowledged_at: DateTime<Utc>,
) -> Option<i64> {
    let from = delivered_at.or(sent_at)?;
    Some((acknowledged_at - from).num_seconds().max(0))
}

/// Whether a delivery sent at `sent_at` and not acknowledged counts as missed at `now`.
pub fn is_missed(sent_at: DateTime<Utc>, acknowledged: bool, now: DateTime<Utc>, window: Duration) -> bool {
    !acknowledged && now >= sent_at + window
}

impl ReminderAnalytics {
    /// The analytics of a reminder with these deliveries (any order).
    pub fn fold(outcomes: &[DeliveryOutcome]) -> Self {
        let mut out = Self::default();
        let mut response_secs = Vec::new();
        for o in outcomes.iter().filter(|o| o.status != DeliveryStatus::Cancelled) {
            let acknowledged = o.status == DeliveryStatus::Acknowledged;
            out.total_scheduled += 1;
            out.total_sent += u64::from(o.sent_at.is_some());
            out.total_delivered += u64::from(o.delivered_at.is_some() || acknowledged);
            out.total_acknowledged += u64::from(acknowledged);
            if let (true, Some(at)) = (acknowledged, o.acknowledged_at) {
                response_secs.extend(response_time_secs(o.sent_at, o.delivered_at, at));
            }
        }
        if out.total_sent > 0 {
            out.response_rate = out.total_acknowledged as f64 / out.total_sent as f64;
        }
        if !response_secs.is_empty() {
            let total: i64 = response_secs.iter().sum();
            out.avg_response_time = Some(total as f64 / response_secs.len() as f64 / 60.0);
        }
        (out.missed_consecutive, out.last_missed_at) = missed_streak(outcomes);
        out
    }
}

/// Occurrence outcomes in time order → (trailing missed run, latest missed occurrence).
fn missed_streak(outcomes: &[DeliveryOutcome]) -> (u32, Option<DateTime<Utc>>) {
    // Per occurrence: (any acknowledged, any missed).
    let mut occurrences: BTreeMap<DateTime<Utc>, (bool, bool)> = BTreeMap::new();
    for o in outcomes {
        let entry = occurrences.entry(o.scheduled_for).or_default();
        entry.0 |= o.status == DeliveryStatus::Acknowledged;
        entry.1 |= o.status == DeliveryStatus::Missed;
    }
    let last_missed = occurrences.iter().rev().find(|(_, (ack, missed))| *missed && !ack).map(|(at, _)| *at);
    let streak = occurrences.values().rev().filter(|(ack, missed)| *ack || *missed).take_while(|(ack, _)| !ack).count();
    (u32::try_from(streak).unwrap_or(u32::MAX), last_missed)
}

#[cfg(test)]
#[path = "analytics_tests.rs"]
mod tests;
