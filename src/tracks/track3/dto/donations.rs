//! Eligibility and donation bodies.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{din_rule, finite, units::UnitResponse};
use crate::tracks::track3::domain::{
    donation::{Donation, DonationType},
    eligibility::{Assessment, Ineligibility},
    groups::{BloodGroup, Component},
};

/// The eligibility question.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct EligibilityQuery {
    /// The donation wanted (default `whole_blood`).
    pub donation_type: Option<DonationType>,
    /// The day (default today, UTC).
    pub on: Option<NaiveDate>,
    /// Hemoglobin measured at the visit, g/dL (1–25); without it hemoglobin is not assessed.
    #[validate(range(min = 1.0, max = 25.0), custom(function = "finite"))]
    #[param(minimum = 1, maximum = 25)]
    pub hemoglobin_gdl: Option<f64>,
}

/// Code of an eligibility reason.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// Under the minimum age.
    TooYoung,
    /// Over the maximum age (permanent).
    TooOld,
    /// Under the minimum weight.
    Underweight,
    /// Hemoglobin under the threshold for the donor's sex.
    LowHemoglobin,
    /// An active deferral.
    Deferred,
    /// Too soon after a previous donation.
    DonationInterval,
}

/// One reason a donor cannot give.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IneligibilityReason {
    /// Stable code.
    pub code: ReasonCode,
    /// For a human, with the values compared.
    #[schema(example = "gave whole_blood on 2025-04-20; 56 days must pass, so not before 2025-06-15")]
    pub message: String,
    /// The day it clears; `null` when it never does on its own (too old, permanent deferral)
    /// or needs a new measurement (weight, hemoglobin).
    pub clears_on: Option<NaiveDate>,
}

impl From<&Ineligibility> for IneligibilityReason {
    fn from(reason: &Ineligibility) -> Self {
        let code = match reason {
            Ineligibility::TooYoung { .. } => ReasonCode::TooYoung,
            Ineligibility::TooOld { .. } => ReasonCode::TooOld,
            Ineligibility::Underweight { .. } => ReasonCode::Underweight,
            Ineligibility::LowHemoglobin { .. } => ReasonCode::LowHemoglobin,
            Ineligibility::Deferred { .. } => ReasonCode::Deferred,
            Ineligibility::DonationInterval { .. } => ReasonCode::DonationInterval,
        };
        Self { code, message: reason.message(), clears_on: reason.clears_on() }
    }
}

/// Whether a donor may give, and if not every reason why.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EligibilityResponse {
    /// The donor.
    pub donor_id: Uuid,
    /// The donation asked about.
    pub donation_type: DonationType,
    /// The day asked about.
    pub on: NaiveDate,
    /// No reason against.
    pub eligible: bool,
    /// Every reason against (empty when eligible).
    pub reasons: Vec<IneligibilityReason>,
    /// First day every date-bound reason has cleared (`on` when eligible); `null` when a
    /// reason is permanent.
    pub next_eligible_on: Option<NaiveDate>,
    /// Some reason never clears.
    pub permanent: bool,
    /// Whether a hemoglobin value was assessed.
    pub hemoglobin_assessed: bool,
}

impl EligibilityResponse {
    /// The response for one assessment.
    pub fn new(donor_id: Uuid, donation_type: DonationType, on: NaiveDate, a: &Assessment) -> Self {
        Self {
            donor_id,
            donation_type,
            on,
            eligible: a.is_eligible(),
            reasons: a.reasons.iter().map(IneligibilityReason::from).collect(),
            next_eligible_on: a.next_eligible_on,
            permanent: a.is_permanent(),
            hemoglobin_assessed: a.hemoglobin_assessed,
        }
    }
}

/// A donation to record; the donor must be eligible on the collection day (409 otherwise).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDonationRequest {
    /// How it was collected.
    pub donation_type: DonationType,
    /// Pre-donation hemoglobin in g/dL (1–25).
    #[validate(range(min = 1.0, max = 25.0))]
    #[schema(minimum = 1, maximum = 25, example = 13.8)]
    pub hemoglobin_gdl: f64,
    /// Volume collected in millilitres (50–1000).
    #[validate(range(min = 50, max = 1000))]
    #[schema(minimum = 50, maximum = 1000, example = 450)]
    pub volume_ml: u32,
    /// Collection time, RFC 3339 (default now; not in the future nor before 2000: 422).
    pub collected_at: Option<DateTime<Utc>>,
    /// Group typed on this donation's sample; required when the donor's group is not on
    /// record (422), and must agree with it (409 `blood_group_mismatch`); an agreeing typing
    /// confirms the donor's group.
    #[schema(value_type = Option<String>, pattern = r"^(O|A|B|AB)[+-]$", example = "O+")]
    pub blood_group: Option<BloodGroup>,
    /// Components to make, one unit each (default: red cells and plasma for whole blood, two
    /// red cell units for double red cells, plasma, platelets); the donation type limits
    /// what it can yield (422 otherwise).
    #[validate(length(min = 1, max = 5))]
    #[schema(min_items = 1, max_items = 5)]
    pub components: Option<Vec<Component>>,
    /// Pre-printed donation identification number (a letter and 12 digits); assigned from
    /// the facility's sequence when absent. A number already used is 409 `unit_number_taken`.
    #[validate(custom(function = "din_rule"))]
    #[schema(pattern = r"^[A-Z][0-9]{12}$", example = "A999925000042")]
    pub donation_number: Option<String>,
}

/// A donation and (when just recorded) its units.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DonationResponse {
    /// Id.
    pub donation_id: Uuid,
    /// The donor.
    pub donor_id: Uuid,
    /// How it was collected.
    pub donation_type: DonationType,
    /// Donation identification number.
    #[schema(example = "A999925000042")]
    pub donation_number: String,
    /// Its ISO 7064 MOD 37-2 check character.
    #[schema(example = "J")]
    pub check_character: String,
    /// Collection time.
    pub collected_at: DateTime<Utc>,
    /// Volume in millilitres.
    pub volume_ml: u32,
    /// Pre-donation hemoglobin in g/dL.
    pub hemoglobin_gdl: f64,
    /// Group its units carry.
    #[schema(value_type = String, example = "O+")]
    pub blood_group: BloodGroup,
    /// Staff member who recorded it.
    pub recorded_by: Uuid,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Its units (empty in lists: see `GET /units?donationId=`).
    pub units: Vec<UnitResponse>,
}

impl DonationResponse {
    /// The response for a donation and the units given.
    pub fn new(d: Donation, units: Vec<UnitResponse>) -> Self {
        Self {
            donation_id: d.id.0,
            donor_id: d.donor_id.0,
            donation_type: d.donation_type,
            check_character: d.din.check_character().to_string(),
            donation_number: d.din.to_string(),
            collected_at: d.collected_at,
            volume_ml: d.volume_ml,
            hemoglobin_gdl: d.hemoglobin_gdl,
            blood_group: d.blood_group,
            recorded_by: d.recorded_by,
            recorded_at: d.recorded_at,
            units,
        }
    }
}

/// Paging of a donor's donations.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct PageQuery {
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A page of donations.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DonationPage {
    /// The donations of this page, newest first.
    pub items: Vec<DonationResponse>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Donations across all pages.
    pub total: u64,
}
