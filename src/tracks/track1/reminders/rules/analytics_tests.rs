use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{is_missed, response_time_secs, DeliveryOutcome, ReminderAnalytics};
use crate::tracks::track1::reminders::rules::status::DeliveryStatus as S;

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, d, 8, 0, 0).unwrap()
}

fn outcome(d: u32, status: S, ack_after_minutes: Option<i64>) -> DeliveryOutcome {
    let sent = (!matches!(status, S::Pending | S::Cancelled | S::Skipped)).then(|| day(d));
    DeliveryOutcome {
        scheduled_for: day(d),
        status,
        sent_at: sent,
        delivered_at: sent.map(|s| s + Duration::seconds(30)).filter(|_| status != S::Sent),
        acknowledged_at: ack_after_minutes.map(|m| day(d) + Duration::seconds(30) + Duration::minutes(m)),
    }
}

#[test]
fn response_time_counts_from_delivery_and_is_never_negative() {
    let ack = day(1) + Duration::minutes(5);
    assert_eq!(response_time_secs(Some(day(1)), Some(day(1) + Duration::minutes(1)), ack), Some(240));
    assert_eq!(response_time_secs(Some(day(1)), None, ack), Some(300));
    assert_eq!(response_time_secs(Some(ack + Duration::minutes(1)), None, ack), Some(0));
    assert_eq!(response_time_secs(None, None, ack), None);
}

#[test]
fn missed_after_the_window() {
    let window = Duration::minutes(30);
    assert!(!is_missed(day(1), false, day(1) + Duration::minutes(29), window));
    assert!(is_missed(day(1), false, day(1) + Duration::minutes(30), window));
    assert!(!is_missed(day(1), true, day(2), window));
}

#[test]
fn totals_rates_and_average() {
    let outcomes = [
        outcome(1, S::Acknowledged, Some(4)),
        outcome(2, S::Acknowledged, Some(8)),
        outcome(3, S::Delivered, None),
        outcome(4, S::Sent, None),
        outcome(5, S::Pending, None),
        outcome(6, S::Cancelled, None),
    ];
    let a = ReminderAnalytics::fold(&outcomes);
    assert_eq!((a.total_scheduled, a.total_sent, a.total_delivered, a.total_acknowledged), (5, 4, 3, 2));
    assert!((a.response_rate - 0.5).abs() < 1e-9);
    assert_eq!(a.avg_response_time, Some(6.0));
    assert_eq!((a.missed_consecutive, a.last_missed_at), (0, None));
}

#[test]
fn missed_streak_counts_occurrences_since_the_last_acknowledgement() {
    let outcomes = [
        outcome(1, S::Missed, None),
        outcome(2, S::Acknowledged, Some(1)),
        outcome(3, S::Missed, None),
        // Day 4: SMS missed but push acknowledged: the occurrence was acknowledged.
        outcome(4, S::Missed, None),
        outcome(4, S::Acknowledged, Some(2)),
        outcome(5, S::Missed, None),
        outcome(6, S::Missed, None),
        // Day 7 still open: neither breaks nor extends the streak.
        outcome(7, S::Sent, None),
    ];
    let a = ReminderAnalytics::fold(&outcomes);
    assert_eq!(a.missed_consecutive, 2);
    assert_eq!(a.last_missed_at, Some(day(6)));
    // Order does not matter.
    let mut reversed = outcomes;
    reversed.reverse();
    assert_eq!(ReminderAnalytics::fold(&reversed), a);
}

#[test]
fn nothing_sent_gives_zero_rate_and_no_average() {
    let a = ReminderAnalytics::fold(&[outcome(1, S::Pending, None)]);
    assert_eq!(a.response_rate, 0.0);
    assert_eq!(a.avg_response_time, None);
    let json = serde_json::to_value(a).unwrap();
    assert_eq!(json["totalScheduled"], 1);
    assert!(json["avgResponseTime"].is_null());
}
