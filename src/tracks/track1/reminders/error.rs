//! Reminder errors and their problem codes.

use actix_web::http::StatusCode;
use uuid::Uuid;

use super::{domain::ReminderStatus, rules::status::IllegalTransition, schedule::ScheduleError};
use crate::{
    gateway::{
        error::{ApiErrorCode, FieldViolation},
        identity::error::IdentityError,
    },
    storage::StorageError,
};

/// Everything the reminder routes can refuse.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    /// No such reminder.
    #[error("no reminder with id {0}")]
    ReminderNotFound(Uuid),
    /// No such delivery.
    #[error("no reminder delivery with id {0}")]
    DeliveryNotFound(Uuid),
    /// The life cycle forbids this change.
    #[error("a {} reminder cannot become {}", .from.as_str(), .to.as_str())]
    IllegalStatus {
        /// Current status.
        from: ReminderStatus,
        /// Requested status.
        to: ReminderStatus,
    },
    /// Completed and cancelled reminders are not edited.
    #[error("reminder {0} is completed or cancelled and can no longer be changed")]
    Closed(Uuid),
    /// Another request changed it first.
    #[error("reminder {0} was changed meanwhile; read it again and retry")]
    Changed(Uuid),
    /// The delivery is not in a state that allows this.
    #[error("{0}")]
    DeliveryState(#[from] IllegalTransition),
    /// Rules the schema cannot express; every violation is listed.
    #[error("{} invalid field(s)", .0.len())]
    Invalid(Vec<FieldViolation>),
    /// The schedule is invalid.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// The caller may not do this.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// Storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ReminderStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl ApiErrorCode for ReminderError {
    fn status(&self) -> StatusCode {
        match self {
            Self::ReminderNotFound(_) | Self::DeliveryNotFound(_) => StatusCode::NOT_FOUND,
            Self::IllegalStatus { .. } | Self::Closed(_) | Self::Changed(_) | Self::DeliveryState(_) => {
                StatusCode::CONFLICT
            }
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Schedule(e) => e.status(),
            Self::Identity(e) => e.status(),
            Self::Storage(e) => e.status(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::ReminderNotFound(_) => "reminder_not_found",
            Self::DeliveryNotFound(_) => "delivery_not_found",
            Self::IllegalStatus { .. } => "illegal_status_transition",
            Self::Closed(_) => "reminder_closed",
            Self::Changed(_) => "reminder_changed",
            Self::DeliveryState(_) => "illegal_delivery_transition",
            Self::Invalid(_) => "validation_failed",
            Self::Schedule(e) => e.code(),
            Self::Identity(e) => e.code(),
            Self::Storage(e) => e.code(),
        }
    }

    fn violations(&self) -> Vec<FieldViolation> {
        match self {
            Self::Invalid(v) => v.clone(),
            Self::Schedule(e) => e.violations(),
            _ => Vec::new(),
        }
    }
}
