use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{ReminderSchedule, ScheduleError};
use crate::gateway::error::ApiErrorCode;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn spec(value: Value) -> ReminderSchedule {
    serde_json::from_value(value).unwrap()
}

fn recurring(extra: Value) -> Value {
    let mut base = json!({
        "type": "recurring", "timezone": "Europe/Paris", "startDate": "2026-01-01T00:00:00Z",
        "recurrence": {"pattern": "daily", "times": ["08:00"]}
    });
    for (k, v) in extra.as_object().unwrap() {
        if k == "recurrence" {
            for (rk, rv) in v.as_object().unwrap() {
                base["recurrence"][rk] = rv.clone();
            }
        } else {
            base[k] = v.clone();
        }
    }
    base
}

fn errors(value: Value) -> Vec<(String, &'static str)> {
    let err: ScheduleError = spec(value).validate().unwrap_err();
    err.violations.iter().map(|v| (v.pointer.clone(), v.code)).collect()
}

fn pair(pointer: &str, code: &'static str) -> (String, &'static str) {
    (pointer.to_owned(), code)
}

#[test]
fn a_complete_schedule_is_valid_and_keeps_its_spec() {
    let value = recurring(json!({}));
    let valid = spec(value.clone()).validate().unwrap();
    assert_eq!(valid.tz(), chrono_tz::Europe::Paris);
    assert_eq!(serde_json::to_value(valid.spec()).unwrap()["recurrence"]["times"], json!(["08:00"]));
    assert_eq!(serde_json::to_value(valid.spec()).unwrap()["recurrence"]["interval"], json!(1));
}

#[test]
fn unknown_time_zone() {
    assert_eq!(errors(recurring(json!({"timezone": "Mars/Olympus"}))), [pair("/timezone", "unknown_time_zone")]);
}

#[test]
fn malformed_times_are_each_named() {
    let got =
        errors(recurring(json!({"recurrence": {"times": ["08:00", "8:00", "24:00", "08:60", "noon", "08:00:00"]}})));
    let expected: Vec<_> = (1..=5).map(|i| pair(&format!("/recurrence/times/{i}"), "invalid_time")).collect();
    assert_eq!(got, expected);
}

#[test]
fn empty_and_too_many_times() {
    assert_eq!(errors(recurring(json!({"recurrence": {"times": []}}))), [pair("/recurrence/times", "times_required")]);
    let many: Vec<String> = (0..25).map(|h| format!("{:02}:00", h % 24)).collect();
    assert_eq!(
        errors(recurring(json!({"recurrence": {"times": many}}))),
        [pair("/recurrence/times", "too_many_times")]
    );
}

#[test]
fn end_before_start() {
    let got = errors(recurring(json!({"endDate": "2025-12-31T23:59:59Z"})));
    assert_eq!(got, [pair("/endDate", "end_before_start")]);
}

#[test]
fn interval_zero_or_huge() {
    assert_eq!(
        errors(recurring(json!({"recurrence": {"interval": 0}}))),
        [pair("/recurrence/interval", "invalid_interval")]
    );
    assert_eq!(
        errors(recurring(json!({"recurrence": {"interval": 367}}))),
        [pair("/recurrence/interval", "invalid_interval")]
    );
}

#[test]
fn days_out_of_range() {
    let got = errors(recurring(json!({"recurrence": {"pattern": "weekly", "daysOfWeek": [1, 7]}})));
    assert_eq!(got, [pair("/recurrence/daysOfWeek/1", "invalid_day_of_week")]);
    let got = errors(recurring(json!({"recurrence": {"pattern": "monthly", "daysOfMonth": [0, 15, 32]}})));
    assert_eq!(
        got,
        [
            pair("/recurrence/daysOfMonth/0", "invalid_day_of_month"),
            pair("/recurrence/daysOfMonth/2", "invalid_day_of_month")
        ]
    );
}

#[test]
fn more_days_than_a_week_or_month_has() {
    let got = errors(recurring(json!({"recurrence": {"pattern": "weekly", "daysOfWeek": [1, 1, 2, 2, 3, 3, 4, 4]}})));
    assert_eq!(got, [pair("/recurrence/daysOfWeek", "too_many_days")]);
    let days: Vec<u8> = (0..32).map(|d| d % 31 + 1).collect();
    let got = errors(recurring(json!({"recurrence": {"pattern": "monthly", "daysOfMonth": days}})));
    assert_eq!(got, [pair("/recurrence/daysOfMonth", "too_many_days")]);
}

#[test]
fn fields_of_another_pattern_are_refused() {
    let got = errors(recurring(json!({"recurrence": {"pattern": "daily", "daysOfMonth": [3], "rrule": "FREQ=DAILY"}})));
    assert_eq!(got, [pair("/recurrence/rrule", "not_applicable"), pair("/recurrence/daysOfMonth", "not_applicable")]);
    let got = errors(recurring(json!({"recurrence": {"pattern": "monthly", "daysOfWeek": [1]}})));
    assert_eq!(got, [pair("/recurrence/daysOfWeek", "not_applicable")]);
}

#[test]
fn bad_or_unsupported_rrules() {
    let custom = |rrule: Value| errors(recurring(json!({"recurrence": {"pattern": "custom", "rrule": rrule}})));
    assert_eq!(custom(Value::Null), [pair("/recurrence/rrule", "rrule_required")]);
    let long = format!("FREQ=DAILY{}", ";INTERVAL=1".repeat(50));
    for bad in [
        "FREQ=SOMETIMES",
        "FREQ=HOURLY",
        "FREQ=DAILY;BYHOUR=8",
        "DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY",
        "FREQ=WEEKLY;BYDAY=XX",
        "",
        long.as_str(),
    ] {
        assert_eq!(custom(json!(bad)), [pair("/recurrence/rrule", "invalid_rrule")], "{bad}");
    }
    let got = errors(recurring(json!({"recurrence": {"pattern": "custom", "rrule": "FREQ=DAILY", "interval": 2}})));
    assert_eq!(got, [pair("/recurrence/interval", "not_applicable")]);
}

#[test]
fn missing_parts_by_type() {
    let got = errors(json!({"type": "one_time", "timezone": "UTC"}));
    assert_eq!(got, [pair("/scheduledTime", "scheduled_time_required")]);
    let got =
        errors(json!({"type": "recurring", "timezone": "UTC", "recurrence": {"pattern": "daily", "times": ["08:00"]}}));
    assert_eq!(got, [pair("/startDate", "start_date_required")]);
    let got = errors(json!({"type": "recurring", "timezone": "UTC", "startDate": "2026-01-01T00:00:00Z"}));
    assert_eq!(got, [pair("/recurrence", "recurrence_required")]);
    let got = errors(json!({
        "type": "one_time", "timezone": "UTC", "scheduledTime": "2026-01-01T00:00:00Z",
        "recurrence": {"pattern": "daily", "times": ["08:00"]}
    }));
    assert_eq!(got, [pair("/recurrence", "not_applicable")]);
}

#[test]
fn every_problem_is_listed_at_once() {
    let got = errors(recurring(json!({
        "timezone": "Nowhere/Land", "endDate": "2025-01-01T00:00:00Z",
        "recurrence": {"interval": 0, "times": ["25:00"]}
    })));
    let codes: Vec<_> = got.iter().map(|(_, c)| *c).collect();
    assert_eq!(codes, ["unknown_time_zone", "end_before_start"]);
    let got = errors(recurring(
        json!({"endDate": "2025-01-01T00:00:00Z", "recurrence": {"interval": 0, "times": ["25:00"]}}),
    ));
    let codes: Vec<_> = got.iter().map(|(_, c)| *c).collect();
    assert_eq!(codes, ["end_before_start", "invalid_time", "invalid_interval"]);
}

#[test]
fn creation_refuses_the_past() {
    let now = at("2026-05-01T12:00:00Z");
    let err = spec(json!({"type": "one_time", "timezone": "UTC", "scheduledTime": "2026-05-01T11:59:00Z"}))
        .validate_new(now)
        .unwrap_err();
    assert_eq!(err.codes(), ["scheduled_time_in_past"]);
    assert!(spec(json!({"type": "one_time", "timezone": "UTC", "scheduledTime": "2026-05-01T12:01:00Z"}))
        .validate_new(now)
        .is_ok());
    let err = spec(recurring(json!({"endDate": "2026-04-01T00:00:00Z"}))).validate_new(now).unwrap_err();
    assert_eq!(err.codes(), ["end_date_in_past"]);
    let never = recurring(json!({"recurrence": {"pattern": "custom", "rrule": "FREQ=DAILY;COUNT=2"}}));
    assert_eq!(spec(never).validate_new(now).unwrap_err().codes(), ["no_occurrences"]);
    // A recurring schedule that began earlier is fine.
    assert!(spec(recurring(json!({}))).validate_new(now).is_ok());
}

#[test]
fn the_error_is_a_422_problem_with_pointers_under_the_field() {
    let err = spec(recurring(json!({"timezone": "Nope"}))).validate().unwrap_err().under("/schedule");
    assert_eq!(err.status().as_u16(), 422);
    assert_eq!(err.code(), "invalid_schedule");
    let items = err.violations();
    assert_eq!(items[0].pointer, "/schedule/timezone");
    assert_eq!(items[0].code, "unknown_time_zone");
    assert!(items[0].message.contains("Nope"));
}
