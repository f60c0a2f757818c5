//! Reason codes of the unit lifecycle: why a unit is held in quarantine, and why it was
//! discarded. Both are stored and serialised by their snake_case names.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a unit is held in quarantine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuarantineReason {
    /// Collected; screening results outstanding.
    AwaitingScreening,
    /// Stored outside its temperature range; needs assessment before any release.
    TemperatureExcursion,
}

impl QuarantineReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingScreening => "awaiting_screening",
            Self::TemperatureExcursion => "temperature_excursion",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::AwaitingScreening, Self::TemperatureExcursion].into_iter().find(|r| r.as_str() == text)
    }
}

/// Why a unit was discarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscardReason {
    /// A screening test was positive.
    PositiveScreening,
    /// Stored outside its temperature range.
    TemperatureExcursion,
    /// Past its expiry date.
    Expired,
    /// Bag leaking or damaged.
    DamagedBag,
    /// Clots seen.
    Clotted,
    /// Haemolysed.
    Haemolysed,
    /// Lipaemic.
    Lipaemic,
    /// Volume outside the accepted range.
    WrongVolume,
    /// Label missing, unreadable or wrong.
    LabellingError,
    /// Returned after the allowed time out of controlled storage.
    ReturnedOutOfTime,
    /// Anything else (see the note).
    Other,
}

impl DiscardReason {
    /// Every reason.
    pub const ALL: [Self; 11] = [
        Self::PositiveScreening,
        Self::TemperatureExcursion,
        Self::Expired,
        Self::DamagedBag,
        Self::Clotted,
        Self::Haemolysed,
        Self::Lipaemic,
        Self::WrongVolume,
        Self::LabellingError,
        Self::ReturnedOutOfTime,
        Self::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PositiveScreening => "positive_screening",
            Self::TemperatureExcursion => "temperature_excursion",
            Self::Expired => "expired",
            Self::DamagedBag => "damaged_bag",
            Self::Clotted => "clotted",
            Self::Haemolysed => "haemolysed",
            Self::Lipaemic => "lipaemic",
            Self::WrongVolume => "wrong_volume",
            Self::LabellingError => "labelling_error",
            Self::ReturnedOutOfTime => "returned_out_of_time",
            Self::Other => "other",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}
