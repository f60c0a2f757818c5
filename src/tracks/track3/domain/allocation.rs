//! Allocation: which units a request gets, and the record of each unit it got.
//!
//! **Which donor groups** ([`donor_plan`]): with a known patient group, the component's
//! compatibility table ([`compatible_donors`]: identical group first, then same ABO, then the
//! rest). With an unknown group (emergencies only) the *universal donors* of the component —
//! the groups compatible with every recipient ([`emergency_groups`]): O− red cells, AB plasma
//! and cryoprecipitate, AB− platelets; whole blood has none. **RhD-positive exception:** a
//! patient documented as male, or as female aged at least
//! [`BloodRules::emergency_rh_positive_female_min_age`] (default 50, past child-bearing age),
//! may receive RhD-positive units (O+ red cells), and these are preferred so the scarce
//! RhD-negative stock is kept for girls and women who may still bear children; an
//! undocumented patient is treated as a woman of child-bearing age (O− only).
//!
//! **Which units** ([`AllocationPlan::rank`]): available, unexpired units of the component in
//! those groups, by group preference and first-expiring-first (FEFO) within a group.
//!
//! Each reserved unit gets an [`Allocation`]: reserved → (crossmatched) → issued →
//! transfused, or released (crossmatch incompatible, request cancelled, unit discarded or
//! expired) or returned. Only reserved and issued allocations hold their unit.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    donor::Sex,
    eligibility::age_on,
    groups::{compatible_donors, is_compatible, BloodGroup, Component},
    reasons::ReturnDisposition,
    requests::{BloodRequest, Patient, RequestId},
    rules::BloodRules,
    units::{Actor, BloodUnit, UnitId, UnitStatus},
};

/// Where one allocated unit is, for its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AllocationState {
    /// The unit is set aside for the request.
    Reserved,
    /// Let go before issue (see `releaseReason`).
    Released,
    /// Out of the blood bank for the patient.
    Issued,
    /// Brought back unused (see `returnOutcome`).
    Returned,
    /// Given to the patient.
    Transfused,
}

impl AllocationState {
    /// Every state.
    pub const ALL: [Self; 5] = [Self::Reserved, Self::Released, Self::Issued, Self::Returned, Self::Transfused];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reserved => "reserved",
            Self::Released => "released",
            Self::Issued => "issued",
            Self::Returned => "returned",
            Self::Transfused => "transfused",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the allocation still holds its unit.
    pub fn holds_unit(self) -> bool {
        matches!(self, Self::Reserved | Self::Issued)
    }
}

/// Outcome of a crossmatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CrossmatchResult {
    /// No reaction between the patient's plasma and the donor's cells: may be issued.
    Compatible,
    /// A reaction: the unit must not be given to this patient.
    Incompatible,
}

impl CrossmatchResult {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compatible => "compatible",
            Self::Incompatible => "incompatible",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Compatible, Self::Incompatible].into_iter().find(|r| r.as_str() == text)
    }
}

/// A recorded crossmatch.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossmatch {
    /// Outcome.
    pub result: CrossmatchResult,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// Who recorded it.
    pub by: Option<Uuid>,
    /// Detail (method, antibody found...).
    pub note: Option<String>,
}

/// One unit allocated to one request, and what happened to it since.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// Id.
    pub id: Uuid,
    /// The request.
    pub request_id: RequestId,
    /// The unit.
    pub unit_id: UnitId,
    /// Where it is.
    pub state: AllocationState,
    /// When it was reserved, and by whom.
    pub reserved_at: DateTime<Utc>,
    /// Who reserved it.
    pub reserved_by: Option<Uuid>,
    /// Its crossmatch, once recorded.
    pub crossmatch: Option<Crossmatch>,
    /// When it was released, and why (`crossmatch_incompatible`, `request_cancelled`,
    /// `discard`, `quarantine`, `expire`, `unreserve`).
    pub released: Option<(DateTime<Utc>, String)>,
    /// When it was issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// Who issued it.
    pub issued_by: Option<Uuid>,
    /// Who collected it from the blood bank.
    pub collected_by: Option<String>,
    /// Issued without a compatible crossmatch, under emergency release.
    pub emergency_release: bool,
    /// When it came back, and where it went.
    pub returned: Option<(DateTime<Utc>, ReturnDisposition)>,
    /// When it was transfused.
    pub transfused_at: Option<DateTime<Utc>>,
    /// Who administered it (clinician or nurse, free text).
    pub administered_by: Option<String>,
    /// Staff member who recorded the transfusion.
    pub confirmed_by: Option<Uuid>,
}

impl Allocation {
    /// A fresh reservation of `unit` for `request`.
    pub fn reserve(request: RequestId, unit: UnitId, actor: &Actor, at: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::now_v7(),
            request_id: request,
            unit_id: unit,
            state: AllocationState::Reserved,
            reserved_at: at,
            reserved_by: actor.user_id,
            crossmatch: None,
            released: None,
            issued_at: None,
            issued_by: None,
            collected_by: None,
            emergency_release: false,
            returned: None,
            transfused_at: None,
            administered_by: None,
            confirmed_by: None,
        }
    }
}

/// An allocation with its unit as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct AllocatedUnit {
    /// The allocation.
    pub allocation: Allocation,
    /// The unit.
    pub unit: BloodUnit,
}

/// The donor groups a request may receive, most preferred first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DonorPlan {
    /// Groups in order of preference.
    pub groups: Vec<BloodGroup>,
    /// The patient's group is unknown: universal-donor units are released.
    pub unknown_group: bool,
    /// The RhD-positive exception applies (unknown group only).
    pub rh_positive_allowed: bool,
}

/// Whether a patient of unknown group may receive RhD-positive units: documented as male, or
/// as female aged at least the rules' limit on `today`.
pub fn rh_positive_acceptable(patient: &Patient, rules: &BloodRules, today: NaiveDate) -> bool {
    match patient.sex {
        Some(Sex::Male) => true,
        Some(Sex::Female) => patient.date_of_birth.is_some_and(|dob| {
            age_on(dob, today) >= i32::try_from(rules.emergency_rh_positive_female_min_age).unwrap_or(i32::MAX)
        }),
        None => false,
    }
}

/// Groups whose `component` suits every recipient (every RhD-positive recipient when
/// `rh_positive_allowed`), RhD-positive first in that case to spare RhD-negative stock.
pub fn emergency_groups(component: Component, rh_positive_allowed: bool) -> Vec<BloodGroup> {
    let recipients: Vec<BloodGroup> = BloodGroup::all().filter(|r| !rh_positive_allowed || r.rh_positive).collect();
    let mut donors: Vec<BloodGroup> =
        BloodGroup::all().filter(|d| recipients.iter().all(|r| is_compatible(component, *d, *r))).collect();
    if rh_positive_allowed {
        donors.sort_by_key(|d| !d.rh_positive);
    }
    donors
}

/// The groups `request` may receive on `today` (see the module documentation).
pub fn donor_plan(request: &BloodRequest, rules: &BloodRules, today: NaiveDate) -> DonorPlan {
    match request.blood_group {
        Some(group) => DonorPlan {
            groups: compatible_donors(request.component, group),
            unknown_group: false,
            rh_positive_allowed: false,
        },
        None => {
            let rh_positive_allowed = rh_positive_acceptable(&request.patient, rules, today);
            DonorPlan {
                groups: emergency_groups(request.component, rh_positive_allowed),
                unknown_group: true,
                rh_positive_allowed,
            }
        }
    }
}

/// What a reservation run needs: the request, the component and groups, who and when.
#[derive(Debug, Clone, PartialEq)]
pub struct AllocationPlan {
    /// The request.
    pub request_id: RequestId,
    /// Component.
    pub component: Component,
    /// Donor groups, most preferred first.
    pub groups: Vec<BloodGroup>,
    /// Audit note of each reservation (e.g. emergency release).
    pub note: Option<String>,
    /// Who.
    pub actor: Actor,
    /// When; units expiring at or before it are never chosen.
    pub at: DateTime<Utc>,
}

impl AllocationPlan {
    /// The plan for `request` with `donors`.
    pub fn new(request: &BloodRequest, donors: &DonorPlan, actor: &Actor, at: DateTime<Utc>) -> Self {
        let note = donors.unknown_group.then(|| {
            let groups: Vec<String> = donors.groups.iter().map(ToString::to_string).collect();
            format!("emergency release for unknown group: {}", groups.join(", "))
        });
        Self {
            request_id: request.id,
            component: request.component,
            groups: donors.groups.clone(),
            note,
            actor: actor.clone(),
            at,
        }
    }

    /// The candidates that suit the plan, best first: available, of the component, unexpired,
    /// in one of the groups; by group preference, then first expiring first, then id.
    pub fn rank(&self, candidates: Vec<BloodUnit>) -> Vec<BloodUnit> {
        let mut ranked: Vec<(usize, BloodUnit)> = candidates
            .into_iter()
            .filter(|u| u.status == UnitStatus::Available && u.component == self.component && !u.is_expired_at(self.at))
            .filter_map(|u| self.groups.iter().position(|g| *g == u.blood_group).map(|rank| (rank, u)))
            .collect();
        ranked.sort_by(|(ra, a), (rb, b)| (ra, a.expires_at, a.id.0).cmp(&(rb, b.expires_at, b.id.0)));
        ranked.into_iter().map(|(_, u)| u).collect()
    }
}

#[cfg(test)]
#[path = "allocation_tests.rs"]
mod tests;
