//! Blood requests: a clinician asks the blood bank for units of one component for one patient,
//! with an urgency and a needed-by time. The patient is identified as the blood bank records
//! them (name, medical record number, optionally a CareChat user id): Track 3 is staff-only and
//! the patient need not be a CareChat user. The ABO/Rh group may be unknown only in an
//! emergency, when universal-donor units are released (see `allocation`).
//!
//! A request's status follows from its allocations ([`RequestStatus::derive`]): `open` with
//! none, `partially_allocated` / `fully_allocated` as units are reserved, `issued` once every
//! unit asked for has left the blood bank, `completed` once every one is transfused;
//! `cancelled` is set explicitly and, like `completed`, final.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    allocation::emergency_groups,
    donor::Sex,
    groups::{BloodGroup, Component},
    FieldError,
};

/// A blood request's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RequestId(pub Uuid);

/// How soon the units are needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = BloodRequestUrgency)]
pub enum Urgency {
    /// Planned (e.g. surgery tomorrow): full crossmatch before issue.
    Routine,
    /// Within hours: full crossmatch before issue.
    Urgent,
    /// Life-threatening bleeding: units may be issued before crossmatch (emergency release),
    /// and the group may be unknown.
    Emergency,
}

impl Urgency {
    /// Every urgency.
    pub const ALL: [Self; 3] = [Self::Routine, Self::Urgent, Self::Emergency];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Routine => "routine",
            Self::Urgent => "urgent",
            Self::Emergency => "emergency",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == text)
    }
}

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = BloodRequestStatus)]
pub enum RequestStatus {
    /// Nothing reserved yet.
    Open,
    /// Some of the units reserved.
    PartiallyAllocated,
    /// Every unit asked for reserved (or further along).
    FullyAllocated,
    /// Every unit asked for has been issued (or transfused).
    Issued,
    /// Every unit asked for has been transfused (final).
    Completed,
    /// Withdrawn; its reservations were released (final).
    Cancelled,
}

impl RequestStatus {
    /// Every status.
    pub const ALL: [Self; 6] =
        [Self::Open, Self::PartiallyAllocated, Self::FullyAllocated, Self::Issued, Self::Completed, Self::Cancelled];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::PartiallyAllocated => "partially_allocated",
            Self::FullyAllocated => "fully_allocated",
            Self::Issued => "issued",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the status is final.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled)
    }

    /// Whether more units may be reserved.
    pub fn allows_allocation(self) -> bool {
        matches!(self, Self::Open | Self::PartiallyAllocated)
    }

    /// Statuses a request may be cancelled from (when none of its units is out on issue).
    pub const CANCELLABLE: [Self; 3] = [Self::Open, Self::PartiallyAllocated, Self::FullyAllocated];

    /// The status a request of `requested` units is in with `counts`; final statuses stay.
    pub fn derive(self, requested: u32, counts: AllocationCounts) -> Self {
        if self.is_final() {
            return self;
        }
        if counts.transfused >= requested {
            Self::Completed
        } else if counts.issued + counts.transfused >= requested {
            Self::Issued
        } else if counts.active() >= requested {
            Self::FullyAllocated
        } else if counts.active() > 0 {
            Self::PartiallyAllocated
        } else {
            Self::Open
        }
    }
}

/// A request's live allocations by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocationCounts {
    /// Reserved, not yet issued.
    pub reserved: u32,
    /// Issued, not yet transfused or returned.
    pub issued: u32,
    /// Transfused.
    pub transfused: u32,
}

impl AllocationCounts {
    /// Units reserved, issued or transfused: what counts towards the request.
    pub fn active(self) -> u32 {
        self.reserved + self.issued + self.transfused
    }
}

/// The patient, as the blood bank records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    /// Their CareChat user id, when they are one.
    pub user_id: Option<Uuid>,
    /// Full name.
    pub name: String,
    /// Medical record number (a temporary one for an unidentified emergency patient).
    pub mrn: String,
    /// Sex, when documented (it decides emergency RhD-positive eligibility).
    pub sex: Option<Sex>,
    /// Date of birth, when documented.
    pub date_of_birth: Option<NaiveDate>,
}

/// A blood request.
#[derive(Debug, Clone, PartialEq)]
pub struct BloodRequest {
    /// Id.
    pub id: RequestId,
    /// For whom.
    pub patient: Patient,
    /// The patient's ABO/Rh group; `None` when unknown (emergency only).
    pub blood_group: Option<BloodGroup>,
    /// Component asked for.
    pub component: Component,
    /// Units asked for (1–20).
    pub units_requested: u32,
    /// How soon.
    pub urgency: Urgency,
    /// Requesting department or ward.
    pub department: String,
    /// Requesting clinician.
    pub clinician: String,
    /// When the units must be ready.
    pub needed_by: DateTime<Utc>,
    /// Clinical indication.
    pub indication: Option<String>,
    /// Where it is.
    pub status: RequestStatus,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// Staff member who entered it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change (of status).
    pub updated_at: DateTime<Utc>,
}

/// What entering a request takes.
#[derive(Debug, Clone)]
pub struct NewBloodRequest {
    /// For whom.
    pub patient: Patient,
    /// The patient's group, `None` when unknown.
    pub blood_group: Option<BloodGroup>,
    /// Component.
    pub component: Component,
    /// Units (1–20).
    pub units_requested: u32,
    /// Urgency.
    pub urgency: Urgency,
    /// Department.
    pub department: String,
    /// Clinician.
    pub clinician: String,
    /// Needed by.
    pub needed_by: DateTime<Utc>,
    /// Indication.
    pub indication: Option<String>,
}

/// Most units one request may ask for.
pub const MAX_UNITS_PER_REQUEST: u32 = 20;

impl BloodRequest {
    /// A new open request entered `now` by `created_by`. An unknown group is only accepted in
    /// an emergency and for a component that has universal donors (not whole blood); the
    /// needed-by time lies between a day ago (entered after the fact) and a year ahead; a date
    /// of birth is not in the future.
    pub fn create(new: NewBloodRequest, created_by: Uuid, now: DateTime<Utc>) -> Result<Self, FieldError> {
        if new.blood_group.is_none() {
            if new.urgency != Urgency::Emergency {
                return Err(FieldError::new("/bloodGroup", "may be null (unknown) only for an emergency request"));
            }
            if emergency_groups(new.component, true).is_empty() {
                return Err(FieldError::new(
                    "/component",
                    format!("{} has no universal donor: the patient's group is needed", new.component.as_str()),
                ));
            }
        }
        if new.needed_by < now - Duration::days(1) || new.needed_by > now + Duration::days(365) {
            return Err(FieldError::new("/neededBy", "must lie between a day ago and a year from now"));
        }
        if new.patient.date_of_birth.is_some_and(|dob| dob > now.date_naive()) {
            return Err(FieldError::new("/patientDateOfBirth", "must not be in the future"));
        }
        if !(1..=MAX_UNITS_PER_REQUEST).contains(&new.units_requested) {
            return Err(FieldError::new("/units", "must be between 1 and 20"));
        }
        Ok(Self {
            id: RequestId(Uuid::now_v7()),
            patient: new.patient,
            blood_group: new.blood_group,
            component: new.component,
            units_requested: new.units_requested,
            urgency: new.urgency,
            department: new.department,
            clinician: new.clinician,
            needed_by: chrono::SubsecRound::trunc_subsecs(new.needed_by, 3),
            indication: new.indication,
            status: RequestStatus::Open,
            cancel_reason: None,
            created_by,
            created_at: now,
            updated_at: now,
        })
    }
}

#[cfg(test)]
#[path = "requests_tests.rs"]
mod tests;
