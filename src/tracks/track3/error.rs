//! Track 3 errors and their problem codes.

use actix_web::http::StatusCode;
use uuid::Uuid;

use super::domain::{donor::GroupConflict, eligibility::Ineligibility, units::IllegalTransition, FieldError};
use crate::{
    gateway::error::{ApiError, ApiErrorCode, FieldViolation},
    storage::StorageError,
};

/// Everything the blood-bank routes can refuse.
#[derive(Debug, thiserror::Error)]
pub enum Track3Error {
    /// No such donor.
    #[error("no donor with id {0}")]
    DonorNotFound(Uuid),
    /// No such unit.
    #[error("no unit with id {0}")]
    UnitNotFound(Uuid),
    /// The lifecycle forbids the action in the unit's status.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// Another request changed the unit first.
    #[error("{0}; read it again and retry if the action still applies")]
    UnitChanged(String),
    /// A release while the donation's screening is incomplete or the unit is held.
    #[error("unit {unit} cannot be released: {why}")]
    NotReleasable {
        /// The unit.
        unit: Uuid,
        /// Why.
        why: String,
    },
    /// The donor cannot give today; every reason is listed.
    #[error("{}", not_eligible_detail(.reasons, .next_eligible_on))]
    DonorNotEligible {
        /// Every reason.
        reasons: Vec<Ineligibility>,
        /// When they next can, if ever.
        next_eligible_on: Option<chrono::NaiveDate>,
    },
    /// The donor was changed (another donation or a deferral) while this donation was checked.
    #[error("the donor changed while the donation was being recorded; check eligibility again and retry")]
    DonorChanged,
    /// The donation number (or a unit number made from it) is already used.
    #[error("donation number {0} is already used")]
    UnitNumberTaken(String),
    /// The donation's typing disagrees with the donor's recorded group.
    #[error("the sample typed {typed}, but the donor is recorded as {recorded}; resolve the typing first")]
    BloodGroupMismatch {
        /// On record.
        recorded: String,
        /// Typed now.
        typed: String,
    },
    /// A rule on a field that the schema cannot express.
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// Storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn not_eligible_detail(reasons: &[Ineligibility], next: &Option<chrono::NaiveDate>) -> String {
    let listed: Vec<String> = reasons.iter().map(|r| format!("{} ({})", r.code(), r.message())).collect();
    let next = match next {
        Some(day) => format!("next eligible on {day}"),
        None => "not eligible again without a change of record".to_owned(),
    };
    format!("the donor is not eligible: {}; {next}", listed.join("; "))
}

impl Track3Error {
    /// The error for a blood-group reconciliation conflict.
    pub fn from_group(conflict: GroupConflict) -> Self {
        match conflict {
            GroupConflict::Unknown => Self::Invalid(FieldError::new(
                "/bloodGroup",
                "the donor's group is not on record: give the group typed on this donation's sample",
            )),
            GroupConflict::Mismatch { recorded, typed } => {
                Self::BloodGroupMismatch { recorded: recorded.to_string(), typed: typed.to_string() }
            }
        }
    }

    /// A conditional transition that lost a race.
    pub fn changed(unit: Uuid, err: StorageError) -> Self {
        match err {
            StorageError::Conflict(what) => Self::UnitChanged(what),
            StorageError::NotFound => Self::UnitNotFound(unit),
            other => Self::Storage(other),
        }
    }
}

impl ApiErrorCode for Track3Error {
    fn status(&self) -> StatusCode {
        match self {
            Self::DonorNotFound(_) | Self::UnitNotFound(_) => StatusCode::NOT_FOUND,
            Self::IllegalTransition(_)
            | Self::UnitChanged(_)
            | Self::NotReleasable { .. }
            | Self::DonorNotEligible { .. }
            | Self::DonorChanged
            | Self::UnitNumberTaken(_)
            | Self::BloodGroupMismatch { .. } => StatusCode::CONFLICT,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Storage(e) => e.status(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::DonorNotFound(_) => "donor_not_found",
            Self::UnitNotFound(_) => "unit_not_found",
            Self::IllegalTransition(_) | Self::UnitChanged(_) => "illegal_transition",
            Self::NotReleasable { .. } => "unit_not_releasable",
            Self::DonorNotEligible { .. } => "donor_not_eligible",
            Self::DonorChanged => "donor_changed",
            Self::UnitNumberTaken(_) => "unit_number_taken",
            Self::BloodGroupMismatch { .. } => "blood_group_mismatch",
            Self::Invalid(_) => "validation_failed",
            Self::Storage(e) => e.code(),
        }
    }
}

/// Field rule failures become the same 422 problem as schema violations, naming the field.
pub fn into_api_error(err: Track3Error) -> ApiError {
    match err {
        Track3Error::Invalid(field) => ApiError::validation(vec![FieldViolation {
            pointer: field.pointer.into(),
            code: "invalid".into(),
            message: field.message,
        }]),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn not_eligible_lists_every_reason_and_the_next_date() {
        let err = Track3Error::DonorNotEligible {
            reasons: vec![
                Ineligibility::Underweight { weight_kg: 45.0, minimum_kg: 50.0 },
                Ineligibility::LowHemoglobin { measured_gdl: 11.0, minimum_gdl: 12.5 },
            ],
            next_eligible_on: NaiveDate::from_ymd_opt(2025, 7, 1),
        };
        let text = err.to_string();
        assert!(text.contains("underweight (weighs 45 kg"), "{text}");
        assert!(text.contains("low_hemoglobin (hemoglobin 11 g/dL"), "{text}");
        assert!(text.ends_with("next eligible on 2025-07-01"), "{text}");
        assert_eq!((err.status(), err.code()), (StatusCode::CONFLICT, "donor_not_eligible"));
    }

    #[test]
    fn field_rules_are_validation_problems() {
        let api = into_api_error(Track3Error::Invalid(FieldError::new("/dateOfBirth", "in the future")));
        let problem = api.problem();
        assert_eq!((problem.status, problem.code.as_str()), (422, "validation_failed"));
        assert_eq!(problem.errors[0].pointer, "/dateOfBirth");
    }
}
