//! Donor, deferral, eligibility and donation bodies.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{email_rule, phone_rule, present};
use crate::tracks::track3::domain::{
    donor::{Deferral, DeferralReason, Donor, Sex},
    groups::{Abo, BloodGroup},
};

/// `positive` or `negative`, for filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RhType {
    /// RhD positive.
    Positive,
    /// RhD negative.
    Negative,
}

impl RhType {
    /// Whether this is RhD positive.
    pub fn is_positive(self) -> bool {
        self == Self::Positive
    }
}

/// Registration of a donor.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDonorRequest {
    /// Full name (1–200 characters).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Jean Bosco Niyonzima")]
    pub full_name: String,
    /// National identity or passport number.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, example = "1199080012345678")]
    pub national_id: Option<String>,
    /// Date of birth: 1900-01-01 or later, not in the future (422 otherwise).
    #[schema(example = "1990-04-12")]
    pub date_of_birth: NaiveDate,
    /// Sex (hemoglobin thresholds differ).
    pub sex: Sex,
    /// Weight in kilograms (1–400).
    #[validate(range(min = 1.0, max = 400.0))]
    #[schema(minimum = 1, maximum = 400, example = 68.5)]
    pub weight_kg: f64,
    /// ABO/Rh group when already known: `O-`, `O+`, `A-`, `A+`, `B-`, `B+`, `AB-` or `AB+`.
    #[schema(value_type = Option<String>, pattern = r"^(O|A|B|AB)[+-]$", example = "O+")]
    pub blood_group: Option<BloodGroup>,
    /// Whether the group was confirmed by a second typing (only with `bloodGroup`; 422 otherwise).
    #[serde(default)]
    pub abo_confirmed: bool,
    /// E.164 phone number.
    #[validate(custom(function = "phone_rule"))]
    #[schema(pattern = r"^\+[1-9][0-9]{7,14}$", example = "+250788123456")]
    pub phone_number: Option<String>,
    /// Email address.
    #[validate(custom(function = "email_rule"))]
    #[schema(format = Email, max_length = 254, example = "jb.niyonzima@example.org")]
    pub email: Option<String>,
    /// Postal address (1–500 characters).
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub address: Option<String>,
}

/// Changes to a donor's name, identity number, contact or weight; absent or `null` fields stay
/// as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateDonorRequest {
    /// New full name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    /// New national identity number.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub national_id: Option<String>,
    /// Newly measured weight in kilograms (1–400).
    #[validate(range(min = 1.0, max = 400.0))]
    #[schema(minimum = 1, maximum = 400)]
    pub weight_kg: Option<f64>,
    /// New E.164 phone number.
    #[validate(custom(function = "phone_rule"))]
    #[schema(pattern = r"^\+[1-9][0-9]{7,14}$", example = "+250788123456")]
    pub phone_number: Option<String>,
    /// New email address.
    #[validate(custom(function = "email_rule"))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// New postal address.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub address: Option<String>,
}

/// A donor.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DonorResponse {
    /// Id.
    pub donor_id: Uuid,
    /// Full name.
    pub full_name: String,
    /// National identity number.
    pub national_id: Option<String>,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Last measured weight in kilograms.
    pub weight_kg: f64,
    /// ABO/Rh group, once typed.
    #[schema(value_type = Option<String>, example = "O+")]
    pub blood_group: Option<BloodGroup>,
    /// Whether the group is confirmed by a second concordant typing.
    pub abo_confirmed: bool,
    /// Phone number.
    pub phone_number: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Collection time of the latest donation.
    pub last_donation_at: Option<DateTime<Utc>>,
    /// Registration time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<Donor> for DonorResponse {
    fn from(d: Donor) -> Self {
        Self {
            donor_id: d.id.0,
            full_name: d.full_name,
            national_id: d.national_id,
            date_of_birth: d.date_of_birth,
            sex: d.sex,
            weight_kg: d.weight_kg,
            blood_group: d.blood_group,
            abo_confirmed: d.abo_confirmed,
            phone_number: d.contact.phone.map(|p| p.as_str().to_owned()),
            email: d.contact.email.map(|e| e.as_str().to_owned()),
            address: d.contact.address,
            last_donation_at: d.last_donation_at,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// Filters and paging of the donor list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct DonorListQuery {
    /// Case-insensitive text in the name, phone number or national id.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub q: Option<String>,
    /// Only this ABO group.
    #[param(inline)]
    pub abo: Option<Abo>,
    /// Only this Rh type.
    #[param(inline)]
    pub rh: Option<RhType>,
    /// Only donors who may (`true`) or may not (`false`) give whole blood today by age, weight,
    /// deferrals and donation intervals (hemoglobin is measured at the visit).
    pub eligible: Option<bool>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A page of donors.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DonorPage {
    /// The donors of this page, newest first.
    pub items: Vec<DonorResponse>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Donors matching the filters across all pages.
    pub total: u64,
}

/// A deferral to add, starting today.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddDeferralRequest {
    /// Reason code.
    pub reason: DeferralReason,
    /// First day the donor may give again (after today; 422 otherwise), or `null` for a
    /// permanent deferral. Required, so a permanent deferral is always a deliberate choice.
    #[serde(deserialize_with = "present")]
    #[schema(required = true, value_type = Option<NaiveDate>, example = "2025-09-01")]
    pub until: Option<NaiveDate>,
    /// Detail (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// A deferral.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeferralResponse {
    /// Id.
    pub deferral_id: Uuid,
    /// The donor.
    pub donor_id: Uuid,
    /// Reason code.
    pub reason: DeferralReason,
    /// First day.
    pub starts_on: NaiveDate,
    /// First day the donor may give again; `null` when permanent.
    pub until: Option<NaiveDate>,
    /// No end date.
    pub permanent: bool,
    /// Whether it applies today.
    pub active: bool,
    /// Detail.
    pub note: Option<String>,
    /// Staff member who recorded it.
    pub recorded_by: Uuid,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl DeferralResponse {
    /// The response for `deferral` as of `today`.
    pub fn new(deferral: Deferral, today: NaiveDate) -> Self {
        Self {
            deferral_id: deferral.id.0,
            donor_id: deferral.donor_id.0,
            reason: deferral.reason,
            starts_on: deferral.starts_on,
            until: deferral.until,
            permanent: deferral.is_permanent(),
            active: deferral.is_active_on(today),
            note: deferral.note,
            recorded_by: deferral.recorded_by,
            recorded_at: deferral.recorded_at,
        }
    }
}
