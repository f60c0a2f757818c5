//! Track 3 errors and their problem codes.

use actix_web::http::StatusCode;
use uuid::Uuid;

use super::domain::{
    donor::GroupConflict, eligibility::Ineligibility, reactions::ReactionError, transfusion::StepError,
    units::IllegalTransition, FieldError,
};
use crate::{
    gateway::error::{ApiErrorCode, FieldViolation},
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
    /// No such blood request.
    #[error("no blood request with id {0}")]
    RequestNotFound(Uuid),
    /// No such donor recall.
    #[error("no donor recall with id {0}")]
    RecallNotFound(Uuid),
    /// The request's status forbids the action (allocating a fully allocated request,
    /// cancelling a completed one...), or a recall is no longer pending.
    #[error("{0}")]
    RequestState(String),
    /// Not one compatible unit could be reserved.
    #[error("no compatible unit in stock: {needed} unit(s) of {component} needed from groups {groups}")]
    InsufficientStock {
        /// Units still needed.
        needed: u32,
        /// Component.
        component: &'static str,
        /// Acceptable donor groups, most preferred first.
        groups: String,
    },
    /// The unit is not allocated to the request.
    #[error("unit {unit} is not allocated to request {request}")]
    UnitNotAllocated {
        /// The unit.
        unit: Uuid,
        /// The request.
        request: Uuid,
    },
    /// A crossmatch, issue, return or transfusion the allocation's state forbids.
    #[error(transparent)]
    Step(StepError),
    /// A reaction reported on a unit that never reached a patient.
    #[error("unit {unit} is {status}: reactions are reported on issued or transfused units")]
    UnitNotIssued {
        /// The unit.
        unit: Uuid,
        /// Its status.
        status: &'static str,
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

impl From<StepError> for Track3Error {
    fn from(err: StepError) -> Self {
        match err {
            StepError::Invalid(field) => Self::Invalid(field),
            StepError::Unit(illegal) => Self::IllegalTransition(illegal),
            other => Self::Step(other),
        }
    }
}

impl From<ReactionError> for Track3Error {
    fn from(err: ReactionError) -> Self {
        match err {
            ReactionError::Invalid(field) => Self::Invalid(field),
            ReactionError::NotIssued(unit, status) => Self::UnitNotIssued { unit: unit.0, status: status.as_str() },
        }
    }
}

impl ApiErrorCode for Track3Error {
    fn status(&self) -> StatusCode {
        match self {
            Self::DonorNotFound(_) | Self::UnitNotFound(_) | Self::RequestNotFound(_) | Self::RecallNotFound(_) => {
                StatusCode::NOT_FOUND
            }
            Self::IllegalTransition(_)
            | Self::UnitChanged(_)
            | Self::RequestState(_)
            | Self::InsufficientStock { .. }
            | Self::UnitNotAllocated { .. }
            | Self::Step(_)
            | Self::UnitNotIssued { .. }
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
            Self::RequestNotFound(_) => "request_not_found",
            Self::RecallNotFound(_) => "recall_not_found",
            Self::RequestState(_) => "illegal_transition",
            Self::InsufficientStock { .. } => "insufficient_stock",
            Self::UnitNotAllocated { .. } | Self::Step(StepError::NotAllocated { .. }) => "unit_not_allocated",
            Self::Step(StepError::CrossmatchRequired(_)) => "crossmatch_required",
            Self::Step(_) => "illegal_transition",
            Self::UnitNotIssued { .. } => "unit_not_issued",
            Self::Invalid(_) => "validation_failed",
            Self::Storage(e) => e.code(),
        }
    }

    fn violations(&self) -> Vec<FieldViolation> {
        match self {
            Self::Invalid(field) => vec![FieldViolation {
                pointer: field.pointer.into(),
                code: "invalid".into(),
                message: field.message.clone(),
            }],
            // Every reason the donor cannot give, machine-readable (the pointer is the request).
            Self::DonorNotEligible { reasons, .. } => reasons
                .iter()
                .map(|r| FieldViolation { pointer: String::new(), code: r.code().into(), message: r.message() })
                .collect(),
            _ => Vec::new(),
        }
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
    fn request_errors_have_their_codes() {
        let id = Uuid::nil();
        let cases = [
            (Track3Error::RequestNotFound(id), StatusCode::NOT_FOUND, "request_not_found"),
            (Track3Error::RecallNotFound(id), StatusCode::NOT_FOUND, "recall_not_found"),
            (Track3Error::RequestState("request is completed".into()), StatusCode::CONFLICT, "illegal_transition"),
            (
                Track3Error::InsufficientStock { needed: 2, component: "red_cells", groups: "O-".into() },
                StatusCode::CONFLICT,
                "insufficient_stock",
            ),
            (Track3Error::UnitNotAllocated { unit: id, request: id }, StatusCode::CONFLICT, "unit_not_allocated"),
            (
                StepError::CrossmatchRequired(crate::tracks::track3::domain::units::UnitId(id)).into(),
                StatusCode::CONFLICT,
                "crossmatch_required",
            ),
            (Track3Error::UnitNotIssued { unit: id, status: "available" }, StatusCode::CONFLICT, "unit_not_issued"),
        ];
        for (err, status, code) in cases {
            assert_eq!((err.status(), err.code()), (status, code), "{err}");
        }
        let invalid: Track3Error = StepError::Invalid(FieldError::new("/returnedAt", "in the future")).into();
        assert_eq!(invalid.code(), "validation_failed");
    }

    #[test]
    fn field_rules_are_validation_problems() {
        let api = crate::gateway::error::ApiError::from(Track3Error::Invalid(FieldError::new(
            "/dateOfBirth",
            "in the future",
        )));
        let problem = api.problem();
        assert_eq!((problem.status, problem.code.as_str()), (422, "validation_failed"));
        assert_eq!(problem.errors[0].pointer, "/dateOfBirth");
    }
}
