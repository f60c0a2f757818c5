//! Analytics errors and their problem codes.

use actix_web::http::StatusCode;

use crate::{
    gateway::error::{ApiErrorCode, FieldViolation},
    storage::StorageError,
};

/// Everything the analytics routes can refuse.
#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    /// `from` is not before `to`.
    #[error("`from` must be before `to`")]
    InvalidRange,
    /// The range spans more buckets than allowed.
    #[error("the range spans {buckets} {period} buckets; at most {max} are allowed: narrow it or use a longer period")]
    RangeTooLong {
        /// Buckets asked for.
        buckets: i64,
        /// Period name.
        period: &'static str,
        /// The limit (`[analytics] max_series_points`).
        max: u32,
    },
    /// Storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ApiErrorCode for AnalyticsError {
    fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRange | Self::RangeTooLong { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Storage(e) => e.status(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::InvalidRange => "analytics_invalid_range",
            Self::RangeTooLong { .. } => "analytics_range_too_long",
            Self::Storage(e) => e.code(),
        }
    }

    fn violations(&self) -> Vec<FieldViolation> {
        let pointer = match self {
            Self::InvalidRange => "/from",
            Self::RangeTooLong { .. } => "/to",
            Self::Storage(_) => return Vec::new(),
        };
        vec![FieldViolation { pointer: pointer.to_owned(), code: self.code().to_owned(), message: self.to_string() }]
    }
}
