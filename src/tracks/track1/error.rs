//! Track 1 errors and their problem codes.

use actix_web::http::StatusCode;
use uuid::Uuid;

use super::{domain::ReviewStatus, feedback::session::Violation};
use crate::{
    gateway::error::{ApiErrorCode, FieldViolation},
    storage::StorageError,
};

/// Everything the feedback routes can refuse.
#[derive(Debug, thiserror::Error)]
pub enum Track1Error {
    /// No such session.
    #[error("no feedback session with id {0}")]
    SessionNotFound(Uuid),
    /// No such template.
    #[error("no questionnaire template `{0}`")]
    TemplateNotFound(String),
    /// A template with this id exists already (stored or seeded).
    #[error("a questionnaire template `{0}` exists already; update it instead")]
    TemplateExists(String),
    /// The session was submitted or abandoned.
    #[error("feedback session {0} is no longer in progress")]
    SessionClosed(Uuid),
    /// Another request changed the session first.
    #[error("feedback session {0} was submitted or changed meanwhile; read it again and retry")]
    SessionChanged(Uuid),
    /// The review workflow forbids this step.
    #[error("a review cannot go from {} to {}", .from.as_str(), .to.as_str())]
    IllegalTransition {
        /// Current state.
        from: ReviewStatus,
        /// Requested state.
        to: ReviewStatus,
    },
    /// Rules the schema cannot express (answers against their question, required answers,
    /// template consistency); every violation is listed.
    #[error("{} invalid field(s)", .0.len())]
    Invalid(Vec<Violation>),
    /// Storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl Track1Error {
    /// A conditional update of `session` that lost: gone, or changed state meanwhile.
    pub fn lost(session: Uuid, err: StorageError, changed: Self) -> Self {
        match err {
            StorageError::NotFound => Self::SessionNotFound(session),
            StorageError::Conflict(_) => changed,
            other => Self::Storage(other),
        }
    }
}

impl ApiErrorCode for Track1Error {
    fn status(&self) -> StatusCode {
        match self {
            Self::SessionNotFound(_) | Self::TemplateNotFound(_) => StatusCode::NOT_FOUND,
            Self::TemplateExists(_)
            | Self::SessionClosed(_)
            | Self::SessionChanged(_)
            | Self::IllegalTransition { .. } => StatusCode::CONFLICT,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Storage(e) => e.status(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::SessionNotFound(_) => "feedback_session_not_found",
            Self::TemplateNotFound(_) => "template_not_found",
            Self::TemplateExists(_) => "template_exists",
            Self::SessionClosed(_) => "session_closed",
            Self::SessionChanged(_) => "session_changed",
            Self::IllegalTransition { .. } => "illegal_transition",
            Self::Invalid(_) => "validation_failed",
            Self::Storage(e) => e.code(),
        }
    }

    fn violations(&self) -> Vec<FieldViolation> {
        match self {
            Self::Invalid(violations) => violations
                .iter()
                .map(|v| FieldViolation { pointer: v.pointer.clone(), code: v.code.into(), message: v.message.clone() })
                .collect(),
            _ => Vec::new(),
        }
    }
}
