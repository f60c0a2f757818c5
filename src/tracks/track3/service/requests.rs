//! Blood request use cases: entering and reading requests, suggesting and reserving
//! compatible units, and cancelling. Every use case first marks overdue units expired, so an
//! expired unit is never suggested or reserved.

use super::{units::expire_due, Track3};
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::{self, StorageError},
    tracks::track3::{
        domain::{
            allocation::{donor_plan, AllocatedUnit, AllocationPlan, AllocationState, DonorPlan},
            requests::{AllocationCounts, BloodRequest, NewBloodRequest, RequestId},
            units::{Actor, BloodUnit},
        },
        error::Track3Error,
        store::RequestFilter,
    },
};

type Result<T> = std::result::Result<T, Track3Error>;

/// A request with its allocations.
#[derive(Debug, Clone)]
pub struct RequestDetail {
    /// The request.
    pub request: BloodRequest,
    /// Its allocations, oldest first.
    pub allocations: Vec<AllocatedUnit>,
}

impl RequestDetail {
    /// Its allocations counted by state.
    pub fn counts(&self) -> AllocationCounts {
        let mut counts = AllocationCounts::default();
        for a in &self.allocations {
            match a.allocation.state {
                AllocationState::Reserved => counts.reserved += 1,
                AllocationState::Issued => counts.issued += 1,
                AllocationState::Transfused => counts.transfused += 1,
                AllocationState::Released | AllocationState::Returned => {}
            }
        }
        counts
    }

    /// Units still to reserve: asked for, minus those reserved, issued or transfused.
    pub fn shortfall(&self) -> u32 {
        self.request.units_requested.saturating_sub(self.counts().active())
    }
}

/// Maps store errors of a request operation to the request's problems.
pub(super) fn request_error(err: StorageError, id: RequestId) -> Track3Error {
    match err {
        StorageError::NotFound => Track3Error::RequestNotFound(id.0),
        StorageError::Conflict(what) if what.starts_with("request_status: ") => {
            Track3Error::RequestState(what.trim_start_matches("request_status: ").to_owned())
        }
        StorageError::Conflict(what) => Track3Error::UnitChanged(what),
        other => other.into(),
    }
}

/// Enters a request for a patient.
pub async fn create(t3: &Track3, new: NewBloodRequest, actor: &Actor) -> Result<BloodRequest> {
    let request =
        BloodRequest::create(new, actor.user_id.unwrap_or_default(), storage::now()).map_err(Track3Error::Invalid)?;
    t3.stores.requests.insert(&request).await?;
    Ok(request)
}

/// A request, or `request_not_found`.
pub async fn request(t3: &Track3, id: RequestId) -> Result<BloodRequest> {
    t3.stores.requests.find(id).await?.ok_or(Track3Error::RequestNotFound(id.0))
}

/// A request with its allocations (after marking overdue units expired).
pub async fn detail(t3: &Track3, id: RequestId) -> Result<RequestDetail> {
    expire_due(t3).await?;
    load(t3, id).await
}

/// A request with its allocations as stored.
pub(super) async fn load(t3: &Track3, id: RequestId) -> Result<RequestDetail> {
    let request = request(t3, id).await?;
    let allocations = t3.stores.requests.allocations(id).await?;
    Ok(RequestDetail { request, allocations })
}

/// A page of requests, soonest needed first.
pub async fn list(t3: &Track3, filter: RequestFilter, page: PageRequest) -> Result<Page<BloodRequest>> {
    Ok(t3.stores.requests.list(&filter, page).await?)
}

/// What allocation would reserve now.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The request and its allocations.
    pub detail: RequestDetail,
    /// The donor groups it may receive.
    pub donors: DonorPlan,
    /// Units still to reserve (0 when the request's status allows no allocation).
    pub needed: u32,
    /// The units that would be reserved, best first (at most the shortfall).
    pub units: Vec<BloodUnit>,
}

async fn planned(t3: &Track3, id: RequestId, actor: &Actor) -> Result<(RequestDetail, DonorPlan, AllocationPlan)> {
    let now = expire_due(t3).await?;
    let detail = load(t3, id).await?;
    let donors = donor_plan(&detail.request, &t3.rules, now.date_naive());
    let plan = AllocationPlan::new(&detail.request, &donors, actor, now);
    Ok((detail, donors, plan))
}

/// The compatible units allocation would reserve, first-expiring-first by group preference,
/// without reserving anything.
pub async fn suggest(t3: &Track3, id: RequestId, actor: &Actor) -> Result<Suggestion> {
    let (detail, donors, plan) = planned(t3, id, actor).await?;
    let mut units = t3.stores.requests.candidates(&plan).await?;
    let needed = if detail.request.status.allows_allocation() { detail.shortfall() } else { 0 };
    units.truncate(usize::try_from(needed).unwrap_or(usize::MAX));
    Ok(Suggestion { detail, donors, needed, units })
}

/// What a reservation run did.
#[derive(Debug, Clone)]
pub struct Allocated {
    /// The request and its allocations after the run.
    pub detail: RequestDetail,
    /// The units reserved by this run.
    pub reserved: Vec<BloodUnit>,
}

/// Reserves compatible units up to the request's shortfall; some may be missing (see the
/// shortfall), but `insufficient_stock` when not one could be reserved.
pub async fn allocate(t3: &Track3, id: RequestId, actor: &Actor) -> Result<Allocated> {
    let (detail, donors, plan) = planned(t3, id, actor).await?;
    if !detail.request.status.allows_allocation() {
        let status = detail.request.status.as_str();
        return Err(Track3Error::RequestState(format!("the request is {status}: there is nothing to allocate")));
    }
    let reserved = t3.stores.requests.allocate(&plan).await.map_err(|e| request_error(e, id))?;
    let after = load(t3, id).await?;
    if reserved.is_empty() && after.shortfall() > 0 {
        let groups: Vec<String> = donors.groups.iter().map(ToString::to_string).collect();
        return Err(Track3Error::InsufficientStock {
            needed: after.shortfall(),
            component: after.request.component.as_str(),
            groups: groups.join(", "),
        });
    }
    Ok(Allocated { detail: after, reserved })
}

/// Cancels a request, putting its reserved units back in stock.
pub async fn cancel(t3: &Track3, id: RequestId, reason: String, actor: &Actor) -> Result<RequestDetail> {
    let now = expire_due(t3).await?;
    t3.stores.requests.cancel(id, &reason, actor, now).await.map_err(|e| request_error(e, id))?;
    load(t3, id).await
}
