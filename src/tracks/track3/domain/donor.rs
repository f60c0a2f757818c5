//! Donors and their deferrals. A donor's identity (name, date of birth, sex), weight and
//! contact are checked on construction; the ABO/Rh group may be unknown at registration and is
//! confirmed by a second concordant typing ([`reconcile_group`]). Deferrals keep a donor from
//! giving blood until an end date (temporary) or for good (permanent).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{groups::BloodGroup, FieldError};
use crate::gateway::identity::domain::{Email, PhoneNumber};

/// A donor's id (UUIDv7, generated here so it is the same on every backend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DonorId(pub Uuid);

impl DonorId {
    /// A fresh, time-ordered id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }
}

/// Sex as it matters for donation (hemoglobin thresholds differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

impl Sex {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Female, Self::Male].into_iter().find(|s| s.as_str() == text)
    }
}

/// How to reach a donor (for recall); every part is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contact {
    /// E.164 phone number.
    pub phone: Option<PhoneNumber>,
    /// Email address.
    pub email: Option<Email>,
    /// Postal address.
    pub address: Option<String>,
}

/// A blood donor.
#[derive(Debug, Clone, PartialEq)]
pub struct Donor {
    /// Id.
    pub id: DonorId,
    /// Full name.
    pub full_name: String,
    /// National identity or passport number, when recorded.
    pub national_id: Option<String>,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Last measured weight in kilograms.
    pub weight_kg: f64,
    /// ABO/Rh group, once typed.
    pub blood_group: Option<BloodGroup>,
    /// Whether the group was confirmed by a second concordant typing.
    pub abo_confirmed: bool,
    /// Contact details.
    pub contact: Contact,
    /// Collection time of the latest donation.
    pub last_donation_at: Option<DateTime<Utc>>,
    /// Bumped by every donation and deferral: a donation is recorded only if nothing changed
    /// the donor since its eligibility was assessed.
    pub version: i64,
    /// Registration time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// What registering a donor takes.
#[derive(Debug, Clone)]
pub struct NewDonor {
    /// Full name.
    pub full_name: String,
    /// National identity number.
    pub national_id: Option<String>,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Weight in kilograms.
    pub weight_kg: f64,
    /// Group, when already known.
    pub blood_group: Option<BloodGroup>,
    /// Whether that group is confirmed.
    pub abo_confirmed: bool,
    /// Contact details.
    pub contact: Contact,
}

/// Earliest accepted date of birth.
pub fn earliest_birth_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

impl Donor {
    /// A new donor registered `now`; the date of birth must lie between 1900-01-01 and today,
    /// and a group can only be confirmed when one is given.
    pub fn register(new: NewDonor, now: DateTime<Utc>) -> Result<Self, FieldError> {
        if new.date_of_birth < earliest_birth_date() || new.date_of_birth > now.date_naive() {
            return Err(FieldError::new("/dateOfBirth", "must be between 1900-01-01 and today"));
        }
        if new.abo_confirmed && new.blood_group.is_none() {
            return Err(FieldError::new("/aboConfirmed", "a group can only be confirmed when bloodGroup is given"));
        }
        Ok(Self {
            id: DonorId::generate(),
            full_name: new.full_name,
            national_id: new.national_id,
            date_of_birth: new.date_of_birth,
            sex: new.sex,
            weight_kg: new.weight_kg,
            blood_group: new.blood_group,
            abo_confirmed: new.abo_confirmed,
            contact: new.contact,
            last_donation_at: None,
            version: 0,
            created_at: now,
            updated_at: now,
        })
    }

    /// Applies contact and weight changes; absent values stay as they are.
    pub fn apply(&mut self, changes: DonorChanges, now: DateTime<Utc>) {
        if let Some(name) = changes.full_name {
            self.full_name = name;
        }
        if let Some(national_id) = changes.national_id {
            self.national_id = Some(national_id);
        }
        if let Some(phone) = changes.phone {
            self.contact.phone = Some(phone);
        }
        if let Some(email) = changes.email {
            self.contact.email = Some(email);
        }
        if let Some(address) = changes.address {
            self.contact.address = Some(address);
        }
        if let Some(weight) = changes.weight_kg {
            self.weight_kg = weight;
        }
        self.updated_at = now;
    }
}

/// Changes to a donor's name, national id, contact or weight.
#[derive(Debug, Clone, Default)]
pub struct DonorChanges {
    /// New full name.
    pub full_name: Option<String>,
    /// New national identity number.
    pub national_id: Option<String>,
    /// New phone number.
    pub phone: Option<PhoneNumber>,
    /// New email.
    pub email: Option<Email>,
    /// New postal address.
    pub address: Option<String>,
    /// Newly measured weight.
    pub weight_kg: Option<f64>,
}

/// Why a donation's typing cannot be reconciled with the donor's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupConflict {
    /// Neither the donor record nor the donation gives a group.
    Unknown,
    /// The sample typed differently from the donor's recorded group.
    Mismatch {
        /// On the donor's record.
        recorded: BloodGroup,
        /// Typed on this donation's sample.
        typed: BloodGroup,
    },
}

/// The group (and whether it is confirmed) after a donation typed as `typed`: an unknown group
/// becomes the typed one, unconfirmed; a typing equal to the recorded group confirms it; a
/// different typing is a conflict for the laboratory to resolve.
pub fn reconcile_group(
    recorded: Option<BloodGroup>,
    confirmed: bool,
    typed: Option<BloodGroup>,
) -> Result<(BloodGroup, bool), GroupConflict> {
    match (recorded, typed) {
        (None, None) => Err(GroupConflict::Unknown),
        (None, Some(typed)) => Ok((typed, false)),
        (Some(recorded), None) => Ok((recorded, confirmed)),
        (Some(recorded), Some(typed)) if recorded == typed => Ok((recorded, true)),
        (Some(recorded), Some(typed)) => Err(GroupConflict::Mismatch { recorded, typed }),
    }
}

/// A deferral's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeferralId(pub Uuid);

/// Why a donor is deferred (reason codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeferralReason {
    /// Hemoglobin below the threshold.
    LowHemoglobin,
    /// Weight below the minimum.
    LowWeight,
    /// Recent travel to a malaria or other risk area.
    RecentTravel,
    /// Recent tattoo, piercing or acupuncture.
    TattooOrPiercing,
    /// Recent surgery or dental work.
    RecentSurgery,
    /// A medication that defers donation.
    Medication,
    /// Pregnancy or recent delivery.
    Pregnancy,
    /// Current or recent illness or infection.
    Illness,
    /// Received a transfusion.
    Transfusion,
    /// Behaviour that raises the risk of transfusion-transmissible infection.
    HighRiskBehaviour,
    /// A reactive screening test.
    ReactiveScreening,
    /// A reaction during or after a previous donation.
    DonorReaction,
    /// Anything else (see the note).
    Other,
}

impl DeferralReason {
    /// Every reason, in documentation order.
    pub const ALL: [Self; 13] = [
        Self::LowHemoglobin,
        Self::LowWeight,
        Self::RecentTravel,
        Self::TattooOrPiercing,
        Self::RecentSurgery,
        Self::Medication,
        Self::Pregnancy,
        Self::Illness,
        Self::Transfusion,
        Self::HighRiskBehaviour,
        Self::ReactiveScreening,
        Self::DonorReaction,
        Self::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LowHemoglobin => "low_hemoglobin",
            Self::LowWeight => "low_weight",
            Self::RecentTravel => "recent_travel",
            Self::TattooOrPiercing => "tattoo_or_piercing",
            Self::RecentSurgery => "recent_surgery",
            Self::Medication => "medication",
            Self::Pregnancy => "pregnancy",
            Self::Illness => "illness",
            Self::Transfusion => "transfusion",
            Self::HighRiskBehaviour => "high_risk_behaviour",
            Self::ReactiveScreening => "reactive_screening",
            Self::DonorReaction => "donor_reaction",
            Self::Other => "other",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A deferral: temporary until `until` (the first day the donor may give again), or permanent.
#[derive(Debug, Clone, PartialEq)]
pub struct Deferral {
    /// Id.
    pub id: DeferralId,
    /// The deferred donor.
    pub donor_id: DonorId,
    /// Reason code.
    pub reason: DeferralReason,
    /// First day of the deferral.
    pub starts_on: NaiveDate,
    /// First day the donor may give again; `None` for a permanent deferral.
    pub until: Option<NaiveDate>,
    /// Free-text detail.
    pub note: Option<String>,
    /// Staff member who recorded it.
    pub recorded_by: Uuid,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl Deferral {
    /// A deferral starting on the day it is recorded.
    pub fn new(
        donor_id: DonorId,
        reason: DeferralReason,
        until: Option<NaiveDate>,
        note: Option<String>,
        recorded_by: Uuid,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: DeferralId(Uuid::now_v7()),
            donor_id,
            reason,
            starts_on: now.date_naive(),
            until,
            note,
            recorded_by,
            recorded_at: now,
        }
    }

    /// Whether it has no end date.
    pub fn is_permanent(&self) -> bool {
        self.until.is_none()
    }

    /// Whether it keeps the donor from giving on `day`.
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && self.until.is_none_or(|until| day < until)
    }
}

#[cfg(test)]
#[path = "donor_tests.rs"]
mod tests;
