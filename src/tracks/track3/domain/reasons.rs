//! Reason codes of the unit lifecycle: why a unit is held in quarantine, why it was
//! discarded, and what became of an issued unit brought back unused. All are stored and
//! serialised by their snake_case names.

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

/// What becomes of an issued unit brought back unused, with the reason it carries (decided by
/// `transfusion::return_outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReturnOutcome {
    /// Back in time and intact: into stock.
    Restock,
    /// Out too long but kept in a validated container: held until assessed.
    Quarantine(QuarantineReason),
    /// Unusable: destroyed.
    Discard(DiscardReason),
}

impl ReturnOutcome {
    /// Its disposition, without the reason.
    pub fn disposition(self) -> ReturnDisposition {
        match self {
            Self::Restock => ReturnDisposition::Restocked,
            Self::Quarantine(_) => ReturnDisposition::Quarantined,
            Self::Discard(_) => ReturnDisposition::Discarded,
        }
    }
}

/// Where a returned unit went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnDisposition {
    /// Back into stock (available).
    Restocked,
    /// Quarantined for assessment.
    Quarantined,
    /// Discarded.
    Discarded,
}

impl ReturnDisposition {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Restocked => "restocked",
            Self::Quarantined => "quarantined",
            Self::Discarded => "discarded",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Restocked, Self::Quarantined, Self::Discarded].into_iter().find(|d| d.as_str() == text)
    }
}
