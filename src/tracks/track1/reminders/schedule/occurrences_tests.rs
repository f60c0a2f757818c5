use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{ReminderSchedule, ValidSchedule, MAX_PREVIEW};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn schedule(value: Value) -> ValidSchedule {
    serde_json::from_value::<ReminderSchedule>(value).unwrap().validate().unwrap()
}

fn recurring(tz: &str, start: &str, recurrence: Value) -> ValidSchedule {
    schedule(json!({"type": "recurring", "timezone": tz, "startDate": start, "recurrence": recurrence}))
}

fn daily(tz: &str, start: &str, times: &[&str]) -> ValidSchedule {
    recurring(tz, start, json!({"pattern": "daily", "times": times}))
}

fn texts(instants: Vec<DateTime<Utc>>) -> Vec<String> {
    instants.iter().map(|t| t.format("%Y-%m-%dT%H:%MZ").to_string()).collect()
}

#[test]
fn daily_0800_stays_at_0800_local_across_the_paris_spring_forward() {
    // Clocks go from 02:00 CET to 03:00 CEST on 29 March 2026.
    let s = daily("Europe/Paris", "2026-03-27T00:00:00Z", &["08:00"]);
    let got = texts(s.occurrences_after(at("2026-03-27T00:00:00Z"), 4));
    assert_eq!(got, ["2026-03-27T07:00Z", "2026-03-28T07:00Z", "2026-03-29T06:00Z", "2026-03-30T06:00Z"]);
}

#[test]
fn daily_0800_stays_at_0800_local_across_the_new_york_fall_back() {
    // Clocks go from 02:00 EDT back to 01:00 EST on 1 November 2026.
    let s = daily("America/New_York", "2026-10-30T00:00:00Z", &["08:00"]);
    let got = texts(s.occurrences_after(at("2026-10-30T00:00:00Z"), 4));
    assert_eq!(got, ["2026-10-30T12:00Z", "2026-10-31T12:00Z", "2026-11-01T13:00Z", "2026-11-02T13:00Z"]);
}

#[test]
fn a_time_in_the_spring_forward_gap_fires_when_the_gap_ends_and_only_once() {
    // 8 March 2026, New York: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    let s = daily("America/New_York", "2026-03-07T00:00:00Z", &["02:30"]);
    let got = texts(s.occurrences_after(at("2026-03-07T00:00:00Z"), 3));
    assert_eq!(got, ["2026-03-07T07:30Z", "2026-03-08T07:00Z", "2026-03-09T06:30Z"]);

    let s = daily("America/New_York", "2026-03-08T00:00:00Z", &["02:15", "02:45", "03:00", "03:30"]);
    let got = texts(s.occurrences_between(at("2026-03-08T00:00:00Z"), at("2026-03-09T00:00:00Z")));
    assert_eq!(got, ["2026-03-08T07:00Z", "2026-03-08T07:30Z"]);
}

#[test]
fn a_repeated_fall_back_time_fires_once_at_its_first_occurrence() {
    // 1 November 2026, New York: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    let s = daily("America/New_York", "2026-10-31T00:00:00Z", &["01:30"]);
    let got = texts(s.occurrences_between(at("2026-10-31T00:00:00Z"), at("2026-11-03T00:00:00Z")));
    assert_eq!(got, ["2026-10-31T05:30Z", "2026-11-01T05:30Z", "2026-11-02T06:30Z"]);
    // Paris, 25 October 2026: 02:30 is first 00:30 UTC (CEST).
    let s = daily("Europe/Paris", "2026-10-25T00:00:00Z", &["02:30"]);
    assert_eq!(texts(s.occurrences_after(at("2026-10-24T00:00:00Z"), 1)), ["2026-10-25T00:30Z"]);
}

#[test]
fn day_31_fires_on_the_last_day_of_shorter_months() {
    let s = recurring(
        "UTC",
        "2026-01-15T00:00:00Z",
        json!({"pattern": "monthly", "daysOfMonth": [31], "times": ["08:00"]}),
    );
    let got = texts(s.occurrences_after(at("2026-01-15T00:00:00Z"), 4));
    assert_eq!(got, ["2026-01-31T08:00Z", "2026-02-28T08:00Z", "2026-03-31T08:00Z", "2026-04-30T08:00Z"]);
    // Leap year.
    assert_eq!(texts(s.occurrences_after(at("2028-02-01T00:00:00Z"), 1)), ["2028-02-29T08:00Z"]);
}

#[test]
fn days_30_and_31_fire_once_in_a_30_day_month() {
    let s = recurring(
        "UTC",
        "2026-04-01T00:00:00Z",
        json!({"pattern": "monthly", "daysOfMonth": [31, 30], "times": ["08:00"]}),
    );
    let got = texts(s.occurrences_between(at("2026-04-01T00:00:00Z"), at("2026-06-01T00:00:00Z")));
    assert_eq!(got, ["2026-04-30T08:00Z", "2026-05-30T08:00Z", "2026-05-31T08:00Z"]);
}

#[test]
fn monthly_interval_counts_months_from_the_start() {
    let s = recurring(
        "Europe/Paris",
        "2026-01-01T00:00:00Z",
        json!({"pattern": "monthly", "interval": 2, "daysOfMonth": [10], "times": ["09:00"]}),
    );
    let got = texts(s.occurrences_after(at("2026-01-01T00:00:00Z"), 4));
    // 09:00 CET is 08:00 UTC, CEST 07:00 UTC.
    assert_eq!(got, ["2026-01-10T08:00Z", "2026-03-10T08:00Z", "2026-05-10T07:00Z", "2026-07-10T07:00Z"]);
}

#[test]
fn monthly_without_days_uses_the_start_day() {
    let s = recurring("UTC", "2026-01-12T06:00:00Z", json!({"pattern": "monthly", "times": ["08:00"]}));
    assert_eq!(texts(s.occurrences_after(at("2026-01-01T00:00:00Z"), 2)), ["2026-01-12T08:00Z", "2026-02-12T08:00Z"]);
}

#[test]
fn weekly_interval_counts_weeks_from_the_start_week() {
    // 7 January 2026 is a Wednesday; its week starts Monday 5 January (week 0).
    let s = recurring(
        "UTC",
        "2026-01-07T00:00:00Z",
        json!({"pattern": "weekly", "interval": 2, "daysOfWeek": [1, 4], "times": ["08:00"]}),
    );
    let got = texts(s.occurrences_after(at("2026-01-01T00:00:00Z"), 5));
    assert_eq!(
        got,
        ["2026-01-08T08:00Z", "2026-01-19T08:00Z", "2026-01-22T08:00Z", "2026-02-02T08:00Z", "2026-02-05T08:00Z"]
    );
}

#[test]
fn weekly_without_days_uses_the_start_weekday() {
    let s = recurring("UTC", "2026-01-07T00:00:00Z", json!({"pattern": "weekly", "times": ["08:00"]}));
    assert_eq!(texts(s.occurrences_after(at("2026-01-01T00:00:00Z"), 2)), ["2026-01-07T08:00Z", "2026-01-14T08:00Z"]);
}

#[test]
fn daily_interval_and_weekday_filter() {
    let s = recurring("UTC", "2026-01-01T00:00:00Z", json!({"pattern": "daily", "interval": 3, "times": ["08:00"]}));
    assert_eq!(
        texts(s.occurrences_after(at("2026-01-01T00:00:00Z"), 3)),
        ["2026-01-01T08:00Z", "2026-01-04T08:00Z", "2026-01-07T08:00Z"]
    );
    // Weekdays only: Friday 2 January, then Monday 5 January.
    let s = recurring(
        "UTC",
        "2026-01-02T00:00:00Z",
        json!({"pattern": "daily", "daysOfWeek": [1, 2, 3, 4, 5], "times": ["08:00"]}),
    );
    assert_eq!(texts(s.occurrences_after(at("2026-01-02T00:00:00Z"), 2)), ["2026-01-02T08:00Z", "2026-01-05T08:00Z"]);
}

#[test]
fn several_times_a_day_come_in_order() {
    let s = daily("Africa/Kigali", "2026-01-01T00:00:00Z", &["20:00", "08:00"]);
    // Kigali is UTC+2.
    assert_eq!(
        texts(s.occurrences_after(at("2026-01-01T00:00:00Z"), 3)),
        ["2026-01-01T06:00Z", "2026-01-01T18:00Z", "2026-01-02T06:00Z"]
    );
}

#[test]
fn nothing_fires_before_start_or_after_end() {
    let s = schedule(json!({
        "type": "recurring", "timezone": "UTC",
        "startDate": "2026-01-01T09:00:00Z", "endDate": "2026-01-03T08:00:00Z",
        "recurrence": {"pattern": "daily", "times": ["08:00"]}
    }));
    let got = texts(s.occurrences_after(at("2025-12-01T00:00:00Z"), 10));
    assert_eq!(got, ["2026-01-02T08:00Z", "2026-01-03T08:00Z"]);
    assert_eq!(s.next_after(at("2026-01-03T08:00:00Z")), None);
}

#[test]
fn between_is_half_open_and_after_is_strict() {
    let s = daily("UTC", "2026-01-01T00:00:00Z", &["08:00"]);
    let got = texts(s.occurrences_between(at("2026-01-02T08:00:00Z"), at("2026-01-04T08:00:00Z")));
    assert_eq!(got, ["2026-01-02T08:00Z", "2026-01-03T08:00Z"]);
    assert_eq!(texts(s.occurrences_after(at("2026-01-02T08:00:00Z"), 1)), ["2026-01-03T08:00Z"]);
}

#[test]
fn one_time_fires_once() {
    let s = schedule(json!({"type": "one_time", "timezone": "Europe/Paris", "scheduledTime": "2026-06-01T10:00:00Z"}));
    assert!(s.is_one_time());
    assert_eq!(texts(s.occurrences_after(at("2026-01-01T00:00:00Z"), 5)), ["2026-06-01T10:00Z"]);
    assert!(s.occurrences_after(at("2026-06-01T10:00:00Z"), 5).is_empty());
    assert_eq!(s.occurrences_between(at("2026-06-01T10:00:00Z"), at("2026-06-01T10:00:01Z")).len(), 1);
}

#[test]
fn custom_rrule_picks_dates_and_times_pick_hours() {
    // First Monday of each month, 09:00 Paris.
    let s = recurring(
        "Europe/Paris",
        "2026-01-01T00:00:00Z",
        json!({"pattern": "custom", "rrule": "FREQ=MONTHLY;BYDAY=1MO", "times": ["09:00"]}),
    );
    let got = texts(s.occurrences_after(at("2026-01-01T00:00:00Z"), 4));
    assert_eq!(got, ["2026-01-05T08:00Z", "2026-02-02T08:00Z", "2026-03-02T08:00Z", "2026-04-06T07:00Z"]);
}

#[test]
fn custom_rrule_count_ends_the_schedule() {
    let s = recurring(
        "UTC",
        "2026-01-01T00:00:00Z",
        json!({"pattern": "custom", "rrule": "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=2", "times": ["08:00"]}),
    );
    let got = texts(s.occurrences_after(at("2025-01-01T00:00:00Z"), 10));
    assert_eq!(got, ["2026-01-01T08:00Z", "2026-01-15T08:00Z"]);
}

#[test]
fn custom_rrule_with_dst_keeps_wall_clock_time() {
    let s = recurring(
        "America/New_York",
        "2026-10-29T00:00:00Z",
        json!({"pattern": "custom", "rrule": "FREQ=DAILY", "times": ["08:00"]}),
    );
    let got = texts(s.occurrences_between(at("2026-10-31T00:00:00Z"), at("2026-11-03T00:00:00Z")));
    assert_eq!(got, ["2026-10-31T12:00Z", "2026-11-01T13:00Z", "2026-11-02T13:00Z"]);
}

#[test]
fn an_old_schedule_lists_from_now_without_walking_from_its_start() {
    let s = daily("Europe/Paris", "2016-01-01T00:00:00Z", &["08:00"]);
    let begun = std::time::Instant::now();
    let got = texts(s.occurrences_after(at("2026-07-01T12:00:00Z"), 2));
    assert_eq!(got, ["2026-07-02T06:00Z", "2026-07-03T06:00Z"]);
    assert!(begun.elapsed() < std::time::Duration::from_millis(50), "{:?}", begun.elapsed());
}

#[test]
fn preview_is_capped() {
    let s = daily("UTC", "2026-01-01T00:00:00Z", &["08:00"]);
    assert_eq!(s.preview(at("2026-01-01T00:00:00Z"), 3).len(), 3);
    assert_eq!(s.preview(at("2026-01-01T00:00:00Z"), 10_000).len(), MAX_PREVIEW);
}
