//! Retries of a failed delivery, per the reminder's `delivery.retryPolicy`: the wait before
//! retry n (1-based) is `retryInterval × backoffMultiplier^(n−1)` minutes, at most
//! [`MAX_RETRY_DELAY_MINUTES`]; after `maxRetries` retries, or a failure the provider calls
//! permanent, the attempt is final.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Most retries a policy may ask for.
pub const MAX_RETRIES: u32 = 10;
/// Longest wait between two attempts (a day).
pub const MAX_RETRY_DELAY_MINUTES: u32 = 24 * 60;
/// Largest backoff multiplier.
pub const MAX_BACKOFF_MULTIPLIER: f64 = 10.0;

/// The plan's `delivery.retryPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ReminderRetryPolicy)]
#[serde(rename_all = "camelCase")]
pub struct RetryPolicy {
    /// Retries after the first attempt, 0–10.
    #[schema(minimum = 0, maximum = 10, example = 3)]
    pub max_retries: u32,
    /// Minutes before the first retry, 1–1440 (the plan's `retryInterval`).
    #[serde(rename = "retryInterval")]
    #[schema(minimum = 1, maximum = 1440, example = 5)]
    pub retry_interval_minutes: u32,
    /// Factor applied to the wait after each retry, 1–10.
    #[schema(minimum = 1.0, maximum = 10.0, example = 2.0)]
    pub backoff_multiplier: f64,
}

impl Default for RetryPolicy {
    /// Three retries, 5, 10 and 20 minutes after the failures.
    fn default() -> Self {
        Self { max_retries: 3, retry_interval_minutes: 5, backoff_multiplier: 2.0 }
    }
}

/// A policy field out of range: (JSON pointer under the policy, message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct RetryPolicyViolation {
    /// e.g. `/maxRetries`.
    pub pointer: &'static str,
    /// What is wrong.
    pub message: String,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Try again at `at`; `retry_count` is the number of this retry (1-based); `final_attempt`
    /// when it is the last one the policy allows.
    Retry { at: DateTime<Utc>, retry_count: u32, final_attempt: bool },
    /// No more attempts: the failure is final.
    GiveUp,
}

impl RetryPolicy {
    /// Checks every field's range; lists every problem.
    pub fn validate(&self) -> Result<Self, Vec<RetryPolicyViolation>> {
        let mut problems = Vec::new();
        if self.max_retries > MAX_RETRIES {
            problems.push(RetryPolicyViolation { pointer: "/maxRetries", message: format!("at most {MAX_RETRIES}") });
        }
        if !(1..=MAX_RETRY_DELAY_MINUTES).contains(&self.retry_interval_minutes) {
            let message = format!("1 to {MAX_RETRY_DELAY_MINUTES} minutes");
            problems.push(RetryPolicyViolation { pointer: "/retryInterval", message });
        }
        if !(self.backoff_multiplier.is_finite() && (1.0..=MAX_BACKOFF_MULTIPLIER).contains(&self.backoff_multiplier)) {
            let message = format!("1 to {MAX_BACKOFF_MULTIPLIER}");
            problems.push(RetryPolicyViolation { pointer: "/backoffMultiplier", message });
        }
        if problems.is_empty() {
            Ok(*self)
        } else {
            Err(problems)
        }
    }

    /// The wait before retry `retry` (1-based), capped at [`MAX_RETRY_DELAY_MINUTES`].
    pub fn delay(&self, retry: u32) -> Duration {
        let exponent = i32::try_from(retry.saturating_sub(1)).unwrap_or(i32::MAX);
        let minutes = f64::from(self.retry_interval_minutes) * self.backoff_multiplier.powi(exponent);
        let seconds = (minutes.min(f64::from(MAX_RETRY_DELAY_MINUTES)) * 60.0).round();
        // In range by the `min` above.
        Duration::seconds(seconds as i64)
    }

    /// When retry number `retries_done + 1` is due after a failure at `failed_at`, if any.
    pub fn next_retry_at(&self, retries_done: u32, failed_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (retries_done < self.max_retries).then(|| failed_at + self.delay(retries_done + 1))
    }

    /// Whether the attempt made after `retries_done` retries is the last one.
    pub fn is_final_attempt(&self, retries_done: u32) -> bool {
        retries_done >= self.max_retries
    }

    /// After an attempt failed at `failed_at` with `retries_done` retries behind it: retry (the
    /// failure was `retryable` and the policy allows another) or give up.
    pub fn after_failure(&self, retries_done: u32, failed_at: DateTime<Utc>, retryable: bool) -> RetryDecision {
        match self.next_retry_at(retries_done, failed_at).filter(|_| retryable) {
            Some(at) => RetryDecision::Retry {
                at,
                retry_count: retries_done + 1,
                final_attempt: self.is_final_attempt(retries_done + 1),
            },
            None => RetryDecision::GiveUp,
        }
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
