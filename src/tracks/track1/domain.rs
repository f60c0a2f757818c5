//! Track 1 domain values.

use serde::Serialize;
use utoipa::ToSchema;

/// The plan's `sessionType` of a feedback session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionType {
    /// After a consultation or procedure.
    PostVisit,
    /// About a prescribed medication.
    Medication,
    /// About the clinic's service (waiting, reception, billing).
    ServiceQuality,
    /// Anything else.
    General,
}

impl SessionType {
    /// Every session type, in the order staff see them.
    pub const ALL: [Self; 4] = [Self::PostVisit, Self::Medication, Self::ServiceQuality, Self::General];

    /// What the questionnaire of this type is for.
    pub fn description(self) -> &'static str {
        match self {
            Self::PostVisit => "Feedback after a consultation, procedure or stay",
            Self::Medication => "How a prescribed medication is working and tolerated",
            Self::ServiceQuality => "Waiting times, reception, cleanliness, billing and communication",
            Self::General => "Any other comment or suggestion",
        }
    }
}
