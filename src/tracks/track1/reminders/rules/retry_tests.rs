use chrono::{Duration, TimeZone, Utc};

use super::{RetryDecision, RetryPolicy};

fn policy(max_retries: u32, interval: u32, multiplier: f64) -> RetryPolicy {
    RetryPolicy { max_retries, retry_interval_minutes: interval, backoff_multiplier: multiplier }
}

#[test]
fn backoff_grows_by_the_multiplier_and_stops_at_max_retries() {
    let p = policy(3, 5, 2.0);
    let failed = Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap();
    assert_eq!(p.next_retry_at(0, failed), Some(failed + Duration::minutes(5)));
    assert_eq!(p.next_retry_at(1, failed), Some(failed + Duration::minutes(10)));
    assert_eq!(p.next_retry_at(2, failed), Some(failed + Duration::minutes(20)));
    assert_eq!(p.next_retry_at(3, failed), None);
    assert!(!p.is_final_attempt(2));
    assert!(p.is_final_attempt(3));
}

#[test]
fn fractional_multipliers_and_the_cap() {
    assert_eq!(policy(5, 10, 1.5).delay(3), Duration::seconds(1350));
    assert_eq!(policy(10, 600, 10.0).delay(4), Duration::hours(24));
}

#[test]
fn after_failure_retries_only_retryable_failures() {
    let p = RetryPolicy::default();
    let failed = Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap();
    assert_eq!(
        p.after_failure(0, failed, true),
        RetryDecision::Retry { at: failed + Duration::minutes(5), retry_count: 1, final_attempt: false }
    );
    assert_eq!(
        p.after_failure(2, failed, true),
        RetryDecision::Retry { at: failed + Duration::minutes(20), retry_count: 3, final_attempt: true }
    );
    assert_eq!(p.after_failure(3, failed, true), RetryDecision::GiveUp);
    assert_eq!(p.after_failure(0, failed, false), RetryDecision::GiveUp);
    assert_eq!(policy(0, 5, 1.0).after_failure(0, failed, true), RetryDecision::GiveUp);
}

#[test]
fn validation_lists_every_bad_field() {
    assert!(RetryPolicy::default().validate().is_ok());
    let problems = policy(11, 0, 0.5).validate().unwrap_err();
    let pointers: Vec<_> = problems.iter().map(|p| p.pointer).collect();
    assert_eq!(pointers, ["/maxRetries", "/retryInterval", "/backoffMultiplier"]);
    assert!(policy(1, 1, f64::NAN).validate().is_err());
    assert!(policy(10, 1440, 10.0).validate().is_ok());
}

#[test]
fn json_uses_the_plan_names() {
    let p: RetryPolicy =
        serde_json::from_str(r#"{"maxRetries": 2, "retryInterval": 15, "backoffMultiplier": 1.5}"#).unwrap();
    assert_eq!(p, policy(2, 15, 1.5));
}
