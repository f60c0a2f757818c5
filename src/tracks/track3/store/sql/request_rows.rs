//! Rows of `blood_requests` and `request_allocations` (joined with their unit), in the
//! encodings of `sql/mod.rs`; a request's patient is flattened into `patient_*` columns and an
//! unknown group is a null `abo` and `rh_positive`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;
use uuid::Uuid;

use super::{corrupt, group_opt, parsed, parsed_opt, UnitRow};
use crate::{
    storage::{StorageError, StoreResult},
    tracks::track3::domain::{
        allocation::{AllocatedUnit, Allocation, AllocationState, Crossmatch, CrossmatchResult},
        donor::Sex,
        groups::Component,
        reasons::ReturnDisposition,
        requests::{BloodRequest, Patient, RequestId, RequestStatus, Urgency},
        units::{BloodUnit, UnitId},
    },
};

pub(super) const REQUEST_COLUMNS: &str = "request_id, patient_user_id, patient_name, patient_mrn, patient_sex, \
    patient_date_of_birth, abo, rh_positive, component, units_requested, urgency, department, clinician, needed_by, \
    indication, status, cancel_reason, created_by, created_at, updated_at";

#[derive(FromRow)]
pub(super) struct RequestRow {
    request_id: Uuid,
    patient_user_id: Option<Uuid>,
    patient_name: String,
    patient_mrn: String,
    patient_sex: Option<String>,
    patient_date_of_birth: Option<NaiveDate>,
    abo: Option<String>,
    rh_positive: Option<bool>,
    component: String,
    units_requested: i32,
    urgency: String,
    department: String,
    clinician: String,
    needed_by: DateTime<Utc>,
    indication: Option<String>,
    status: String,
    cancel_reason: Option<String>,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<RequestRow> for BloodRequest {
    type Error = StorageError;

    fn try_from(row: RequestRow) -> StoreResult<Self> {
        let id = row.request_id;
        let blood_group = group_opt(id, row.abo.as_deref(), row.rh_positive)?;
        let sex = parsed_opt(row.patient_sex.as_deref(), Sex::parse, "patient_sex", id)?;
        let units = row.units_requested;
        Ok(Self {
            id: RequestId(id),
            patient: Patient {
                user_id: row.patient_user_id,
                name: row.patient_name,
                mrn: row.patient_mrn,
                sex,
                date_of_birth: row.patient_date_of_birth,
            },
            blood_group,
            component: parsed(Component::parse(&row.component), "component", id, &row.component)?,
            units_requested: u32::try_from(units).map_err(|_| corrupt("units_requested", id, &units.to_string()))?,
            urgency: parsed(Urgency::parse(&row.urgency), "urgency", id, &row.urgency)?,
            department: row.department,
            clinician: row.clinician,
            needed_by: row.needed_by,
            indication: row.indication,
            status: parsed(RequestStatus::parse(&row.status), "status", id, &row.status)?,
            cancel_reason: row.cancel_reason,
            created_by: row.created_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Allocation columns, qualified for the join with `units u`.
pub(super) const ALLOCATION_COLUMNS: &str = "a.allocation_id, a.request_id, a.state, a.reserved_at, a.reserved_by, \
    a.crossmatch_result, a.crossmatched_at, a.crossmatched_by, a.crossmatch_note, a.released_at, a.release_reason, \
    a.issued_at, a.issued_by, a.collected_by, a.emergency_release, a.returned_at, a.return_outcome, a.transfused_at, \
    a.administered_by, a.confirmed_by";

#[derive(FromRow)]
pub(super) struct AllocationRow {
    allocation_id: Uuid,
    request_id: Uuid,
    state: String,
    reserved_at: DateTime<Utc>,
    reserved_by: Option<Uuid>,
    crossmatch_result: Option<String>,
    crossmatched_at: Option<DateTime<Utc>>,
    crossmatched_by: Option<Uuid>,
    crossmatch_note: Option<String>,
    released_at: Option<DateTime<Utc>>,
    release_reason: Option<String>,
    issued_at: Option<DateTime<Utc>>,
    issued_by: Option<Uuid>,
    collected_by: Option<String>,
    emergency_release: bool,
    returned_at: Option<DateTime<Utc>>,
    return_outcome: Option<String>,
    transfused_at: Option<DateTime<Utc>>,
    administered_by: Option<String>,
    confirmed_by: Option<Uuid>,
    #[sqlx(flatten)]
    unit: UnitRow,
}

fn crossmatch(id: Uuid, row: &AllocationRow) -> StoreResult<Option<Crossmatch>> {
    let (Some(result), Some(at)) = (&row.crossmatch_result, row.crossmatched_at) else { return Ok(None) };
    Ok(Some(Crossmatch {
        result: parsed(CrossmatchResult::parse(result), "crossmatch_result", id, result)?,
        at,
        by: row.crossmatched_by,
        note: row.crossmatch_note.clone(),
    }))
}

fn returned(id: Uuid, row: &AllocationRow) -> StoreResult<Option<(DateTime<Utc>, ReturnDisposition)>> {
    let (Some(at), Some(outcome)) = (row.returned_at, &row.return_outcome) else { return Ok(None) };
    Ok(Some((at, parsed(ReturnDisposition::parse(outcome), "return_outcome", id, outcome)?)))
}

impl TryFrom<AllocationRow> for AllocatedUnit {
    type Error = StorageError;

    fn try_from(row: AllocationRow) -> StoreResult<Self> {
        let id = row.allocation_id;
        let crossmatch = crossmatch(id, &row)?;
        let returned = returned(id, &row)?;
        let unit = BloodUnit::try_from(row.unit)?;
        let allocation = Allocation {
            id,
            request_id: RequestId(row.request_id),
            unit_id: UnitId(unit.id.0),
            state: parsed(AllocationState::parse(&row.state), "state", id, &row.state)?,
            reserved_at: row.reserved_at,
            reserved_by: row.reserved_by,
            crossmatch,
            released: row.released_at.zip(row.release_reason),
            issued_at: row.issued_at,
            issued_by: row.issued_by,
            collected_by: row.collected_by,
            emergency_release: row.emergency_release,
            returned,
            transfused_at: row.transfused_at,
            administered_by: row.administered_by,
            confirmed_by: row.confirmed_by,
        };
        Ok(Self { allocation, unit })
    }
}
