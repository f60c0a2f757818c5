//! Blood request, allocation and suggestion bodies.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{present, units::UnitResponse};
use crate::tracks::track3::{
    domain::{
        allocation::{AllocatedUnit, AllocationState, CrossmatchResult, DonorPlan},
        donor::Sex,
        groups::{BloodGroup, Component},
        reasons::ReturnDisposition,
        requests::{BloodRequest, RequestStatus, Urgency},
    },
    service::requests::RequestDetail,
};

/// A request for blood for one patient.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateBloodRequest {
    /// The patient's CareChat user id, when they are one (not checked: the blood bank serves
    /// patients who are not CareChat users too).
    pub patient_user_id: Option<Uuid>,
    /// The patient's full name (1–200 characters).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Marie Uwase")]
    pub patient_name: String,
    /// Medical record number (1–64 characters; a temporary one for an unidentified patient).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, example = "MRN-004211")]
    pub patient_mrn: String,
    /// Sex, when documented: with an unknown group, a man (or a woman of 50 or more, by
    /// `patientDateOfBirth`) may receive O+ red cells in an emergency.
    pub patient_sex: Option<Sex>,
    /// Date of birth, when documented (not in the future: 422).
    pub patient_date_of_birth: Option<NaiveDate>,
    /// The patient's ABO/Rh group, or `null` when unknown — allowed only for an `emergency`
    /// request of a component with universal donors (422 otherwise). Required, so an unknown
    /// group is always a deliberate choice.
    #[serde(deserialize_with = "present")]
    #[schema(required = true, value_type = Option<String>, pattern = r"^(O|A|B|AB)[+-]$", example = "A+")]
    pub blood_group: Option<BloodGroup>,
    /// Component asked for.
    pub component: Component,
    /// Units asked for (1–20).
    #[validate(range(min = 1, max = 20))]
    #[schema(minimum = 1, maximum = 20, example = 2)]
    pub units: u32,
    /// How soon.
    pub urgency: Urgency,
    /// Requesting department or ward (1–100 characters).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Maternity")]
    pub department: String,
    /// Requesting clinician (1–200 characters).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Dr. Habimana")]
    pub clinician: String,
    /// When the units must be ready, RFC 3339 (from a day ago to a year ahead: 422 otherwise).
    pub needed_by: DateTime<Utc>,
    /// Clinical indication (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, example = "Postpartum haemorrhage, Hb 6.1 g/dL")]
    pub indication: Option<String>,
}

/// Filters and paging of the request list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct RequestListQuery {
    /// Only this status.
    pub status: Option<RequestStatus>,
    /// Only this urgency.
    pub urgency: Option<Urgency>,
    /// Only this component.
    pub component: Option<Component>,
    /// Only this patient (medical record number, exact; 1–64 characters).
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub patient_mrn: Option<String>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A blood request, without its allocations.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BloodRequestSummary {
    /// Id.
    pub request_id: Uuid,
    /// The patient's CareChat user id, if given.
    pub patient_user_id: Option<Uuid>,
    /// The patient's name.
    pub patient_name: String,
    /// Medical record number.
    pub patient_mrn: String,
    /// Sex, if documented.
    pub patient_sex: Option<Sex>,
    /// Date of birth, if documented.
    pub patient_date_of_birth: Option<NaiveDate>,
    /// The patient's group; `null` when unknown.
    #[schema(value_type = Option<String>, example = "A+")]
    pub blood_group: Option<BloodGroup>,
    /// Component.
    pub component: Component,
    /// Units asked for.
    pub units: u32,
    /// Urgency.
    pub urgency: Urgency,
    /// Requesting department.
    pub department: String,
    /// Requesting clinician.
    pub clinician: String,
    /// When the units must be ready.
    pub needed_by: DateTime<Utc>,
    /// Clinical indication.
    pub indication: Option<String>,
    /// `open`, `partially_allocated`, `fully_allocated`, `issued`, `completed` or `cancelled`.
    pub status: RequestStatus,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// Staff member who entered it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<BloodRequest> for BloodRequestSummary {
    fn from(r: BloodRequest) -> Self {
        Self {
            request_id: r.id.0,
            patient_user_id: r.patient.user_id,
            patient_name: r.patient.name,
            patient_mrn: r.patient.mrn,
            patient_sex: r.patient.sex,
            patient_date_of_birth: r.patient.date_of_birth,
            blood_group: r.blood_group,
            component: r.component,
            units: r.units_requested,
            urgency: r.urgency,
            department: r.department,
            clinician: r.clinician,
            needed_by: r.needed_by,
            indication: r.indication,
            status: r.status,
            cancel_reason: r.cancel_reason,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A recorded crossmatch.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CrossmatchResponse {
    /// Outcome.
    pub result: CrossmatchResult,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: Option<Uuid>,
    /// Detail.
    pub note: Option<String>,
}

/// One unit allocated to the request and what happened to it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AllocationResponse {
    /// Id.
    pub allocation_id: Uuid,
    /// `reserved`, `released`, `issued`, `returned` or `transfused`.
    pub state: AllocationState,
    /// The unit as it is now.
    pub unit: UnitResponse,
    /// When it was reserved.
    pub reserved_at: DateTime<Utc>,
    /// Who reserved it.
    pub reserved_by: Option<Uuid>,
    /// Its crossmatch, once recorded.
    pub crossmatch: Option<CrossmatchResponse>,
    /// When it was released.
    pub released_at: Option<DateTime<Utc>>,
    /// Why: `crossmatch_incompatible`, `request_cancelled`, or the unit's action that ended
    /// the reservation (`discard`, `quarantine`, `expire`).
    pub release_reason: Option<String>,
    /// When it was issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// Who issued it.
    pub issued_by: Option<Uuid>,
    /// Who collected it.
    pub collected_by: Option<String>,
    /// Issued uncrossmatched under emergency release.
    pub emergency_release: bool,
    /// When it was returned.
    pub returned_at: Option<DateTime<Utc>>,
    /// Where the returned unit went.
    pub return_outcome: Option<ReturnDisposition>,
    /// When it was transfused.
    pub transfused_at: Option<DateTime<Utc>>,
    /// Who administered it.
    pub administered_by: Option<String>,
    /// Who recorded the transfusion.
    pub confirmed_by: Option<Uuid>,
}

impl From<AllocatedUnit> for AllocationResponse {
    fn from(a: AllocatedUnit) -> Self {
        let (x, unit) = (a.allocation, a.unit);
        let crossmatch = x.crossmatch.map(|c| CrossmatchResponse {
            result: c.result,
            recorded_at: c.at,
            recorded_by: c.by,
            note: c.note,
        });
        let (released_at, release_reason) = x.released.map_or((None, None), |(at, why)| (Some(at), Some(why)));
        Self {
            allocation_id: x.id,
            state: x.state,
            unit: unit.into(),
            reserved_at: x.reserved_at,
            reserved_by: x.reserved_by,
            crossmatch,
            released_at,
            release_reason,
            issued_at: x.issued_at,
            issued_by: x.issued_by,
            collected_by: x.collected_by,
            emergency_release: x.emergency_release,
            returned_at: x.returned.map(|(at, _)| at),
            return_outcome: x.returned.map(|(_, outcome)| outcome),
            transfused_at: x.transfused_at,
            administered_by: x.administered_by,
            confirmed_by: x.confirmed_by,
        }
    }
}

/// A blood request with its allocations.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BloodRequestResponse {
    /// The request.
    #[serde(flatten)]
    pub request: BloodRequestSummary,
    /// Units reserved and not yet issued.
    pub units_reserved: u32,
    /// Units issued and not yet transfused or returned.
    pub units_issued: u32,
    /// Units transfused.
    pub units_transfused: u32,
    /// Units still to reserve.
    pub shortfall: u32,
    /// Every allocation, oldest first (released and returned ones included).
    pub allocations: Vec<AllocationResponse>,
}

impl From<RequestDetail> for BloodRequestResponse {
    fn from(d: RequestDetail) -> Self {
        let (counts, shortfall) = (d.counts(), d.shortfall());
        Self {
            request: d.request.into(),
            units_reserved: counts.reserved,
            units_issued: counts.issued,
            units_transfused: counts.transfused,
            shortfall,
            allocations: d.allocations.into_iter().map(Into::into).collect(),
        }
    }
}

/// A page of requests.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BloodRequestPage {
    /// The requests of this page, soonest needed first.
    pub items: Vec<BloodRequestSummary>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Requests matching the filters across all pages.
    pub total: u64,
}

/// The units allocation would reserve now.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionResponse {
    /// The request.
    pub request_id: Uuid,
    /// Units still to reserve.
    pub units_needed: u32,
    /// Donor groups the patient may receive, most preferred first.
    #[schema(value_type = Vec<String>, example = json!(["A+", "A-", "O-", "O+"]))]
    pub donor_groups: Vec<BloodGroup>,
    /// The patient's group is unknown: universal-donor units (emergency release).
    pub unknown_group: bool,
    /// With an unknown group, RhD-positive units are allowed (a documented man, or a woman
    /// of 50 or more) and preferred.
    pub rh_positive_allowed: bool,
    /// The units, in the order they would be reserved: group preference, then first expiring.
    pub units: Vec<UnitResponse>,
    /// Units needed that no compatible unit in stock covers.
    pub shortfall: u32,
}

impl SuggestionResponse {
    /// The response for a request, its donor groups and the suggested units.
    pub fn new(request_id: Uuid, units_needed: u32, donors: DonorPlan, units: Vec<UnitResponse>) -> Self {
        let shortfall = units_needed.saturating_sub(u32::try_from(units.len()).unwrap_or(u32::MAX));
        Self {
            request_id,
            units_needed,
            donor_groups: donors.groups,
            unknown_group: donors.unknown_group,
            rh_positive_allowed: donors.rh_positive_allowed,
            units,
            shortfall,
        }
    }
}

/// What an allocation run reserved.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AllocationRunResponse {
    /// The units this run reserved, in rank order.
    pub reserved: Vec<UnitResponse>,
    /// The request after the run (`shortfall` says how many units are still missing).
    pub request: BloodRequestResponse,
}

/// Cancelling a request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CancelBloodRequest {
    /// Why (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, example = "Bleeding controlled; transfusion no longer indicated")]
    pub reason: String,
}
