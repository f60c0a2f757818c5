//! Track 3's domain: pure rules with no storage or HTTP. Blood groups and the compatibility
//! tables ([`groups`]), the configurable rules and their defaults ([`rules`]), donors and
//! deferrals ([`donor`]), eligibility ([`eligibility`]), donations ([`donation`]), ISBT 128-style
//! numbering ([`isbt`]), screening ([`screening`]), the unit lifecycle ([`units`], with its reason
//! codes in [`reasons`]), the inventory summary ([`inventory`]), blood requests ([`requests`]),
//! allocation with its emergency rules ([`allocation`]), crossmatch, issue, return and
//! transfusion ([`transfusion`]), transfusion reactions ([`reactions`]) and donor recall
//! ([`recall`]).

pub mod allocation;
pub mod donation;
pub mod donor;
pub mod eligibility;
pub mod groups;
pub mod inventory;
pub mod isbt;
pub mod reactions;
pub mod reasons;
pub mod recall;
pub mod requests;
pub mod rules;
pub mod screening;
pub mod transfusion;
pub mod units;

use chrono::{DateTime, Utc};
pub use groups::{compatible_donors, is_compatible, Abo, BloodGroup, Component};
use uuid::Uuid;

/// One invalid input field a rule refused (beyond what the request schema can say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// JSON pointer of the field.
    pub pointer: &'static str,
    /// What is wrong.
    pub message: String,
}

impl FieldError {
    /// An error on `pointer`.
    pub fn new(pointer: &'static str, message: impl Into<String>) -> Self {
        Self { pointer, message: message.into() }
    }
}

/// A period a storage location was outside its temperature range, recorded against the
/// units it held (which are quarantined by it).
#[derive(Debug, Clone, PartialEq)]
pub struct TemperatureExcursion {
    /// Id.
    pub id: Uuid,
    /// Refrigerator, freezer or agitator where it happened.
    pub location: Option<String>,
    /// The most extreme temperature recorded, in °C.
    pub temperature_c: f64,
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// When it ended, if it has.
    pub ended_at: Option<DateTime<Utc>>,
    /// Free-text detail.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: Uuid,
    /// When.
    pub recorded_at: DateTime<Utc>,
}
