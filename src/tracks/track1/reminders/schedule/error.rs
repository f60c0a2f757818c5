//! Why a schedule was refused: every problem, each with a stable code and the JSON pointer of
//! its field (relative to the schedule; [`ScheduleError::under`] re-roots them).

use actix_web::http::StatusCode;

use crate::gateway::error::{ApiErrorCode, FieldViolation};

/// One problem with one field of a schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleViolation {
    /// JSON pointer of the field, e.g. `/recurrence/times/1`.
    pub pointer: String,
    /// Stable code, e.g. `invalid_time`.
    pub code: &'static str,
    /// What is wrong, for a human.
    pub message: String,
}

impl ScheduleViolation {
    pub(super) fn new(pointer: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self { pointer: pointer.into(), code, message: message.into() }
    }
}

/// A refused schedule (422 `invalid_schedule`, listing every violation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the schedule is invalid: {}", .violations.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join("; "))]
pub struct ScheduleError {
    /// Every problem found.
    pub violations: Vec<ScheduleViolation>,
}

impl ScheduleError {
    /// The same violations with `prefix` (e.g. `/schedule`) before each pointer.
    pub fn under(mut self, prefix: &str) -> Self {
        for v in &mut self.violations {
            v.pointer = format!("{prefix}{}", v.pointer);
        }
        self
    }

    /// The violation codes, in order (handy in tests and logs).
    pub fn codes(&self) -> Vec<&'static str> {
        self.violations.iter().map(|v| v.code).collect()
    }
}

impl ApiErrorCode for ScheduleError {
    fn status(&self) -> StatusCode {
        StatusCode::UNPROCESSABLE_ENTITY
    }

    fn code(&self) -> &'static str {
        "invalid_schedule"
    }

    fn violations(&self) -> Vec<FieldViolation> {
        self.violations
            .iter()
            .map(|v| FieldViolation { pointer: v.pointer.clone(), code: v.code.to_owned(), message: v.message.clone() })
            .collect()
    }
}
