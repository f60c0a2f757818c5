//! The plan's `sessionType` of a feedback session.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The plan's `sessionType` of a feedback session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
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

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PostVisit => "post_visit",
            Self::Medication => "medication",
            Self::ServiceQuality => "service_quality",
            Self::General => "general",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for t in SessionType::ALL {
            assert_eq!(SessionType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert_eq!(SessionType::parse("post-visit"), None);
    }
}
