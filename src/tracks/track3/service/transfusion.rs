//! Crossmatch, issue, return and transfusion of a request's units: each reads the request and
//! the unit's allocation, lets the domain check and build the change, and has the store apply
//! it only if nothing moved meanwhile (409 `illegal_transition` otherwise).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    requests::{load, request_error, RequestDetail},
    units::expire_due,
    Track3,
};
use crate::{
    analytics::{Dimensions, EventContext, Metric, UserSegment},
    tracks::track3::{
        domain::{
            allocation::{AllocatedUnit, CrossmatchResult},
            requests::RequestId,
            transfusion::AllocationChange,
            units::Actor,
        },
        error::Track3Error,
    },
};

type Result<T> = std::result::Result<T, Track3Error>;

/// The allocation of `unit` under the request: the one still holding it, else the latest.
fn allocation_of(detail: &RequestDetail, unit: Uuid) -> Result<&AllocatedUnit> {
    let of_unit = || detail.allocations.iter().filter(move |a| a.unit.id.0 == unit);
    of_unit()
        .find(|a| a.allocation.state.holds_unit())
        .or_else(|| of_unit().next_back())
        .ok_or(Track3Error::UnitNotAllocated { unit, request: detail.request.id.0 })
}

async fn apply(t3: &Track3, id: RequestId, changes: &[AllocationChange]) -> Result<RequestDetail> {
    t3.stores.requests.apply(changes).await.map_err(|e| request_error(e, id))?;
    load(t3, id).await
}

/// Records the crossmatch of a reserved unit; an incompatible one goes back to stock.
pub async fn crossmatch(
    t3: &Track3,
    id: RequestId,
    unit: Uuid,
    result: CrossmatchResult,
    note: Option<String>,
    actor: &Actor,
) -> Result<RequestDetail> {
    let now = expire_due(t3).await?;
    let current = load(t3, id).await?;
    let change = allocation_of(&current, unit)?.crossmatch(result, note, actor, now)?;
    apply(t3, id, &[change]).await
}

/// Issues reserved units (all or none): crossmatched compatible, or under emergency release.
pub async fn issue(
    t3: &Track3,
    id: RequestId,
    units: &[Uuid],
    collected_by: &str,
    actor: &Actor,
) -> Result<RequestDetail> {
    let now = expire_due(t3).await?;
    let current = load(t3, id).await?;
    let mut units = units.to_vec();
    units.sort_unstable();
    units.dedup();
    let mut changes = Vec::with_capacity(units.len());
    for unit in units {
        let allocated = allocation_of(&current, unit)?;
        changes.push(allocated.issue(current.request.urgency, collected_by.to_owned(), actor, now)?);
    }
    let detail = apply(t3, id, &changes).await?;
    let dims = Dimensions::segment(UserSegment::Staff).department(current.request.department.as_str());
    let context = EventContext { user_id: actor.user_id, ..EventContext::default() };
    t3.analytics.counter(Metric::BloodUnitsIssued, changes.len() as u64, dims, context);
    Ok(detail)
}

/// Takes back an issued unit returned at `returned_at` (default now): restocked within the
/// return window, else quarantined or discarded by the documented rule.
pub async fn give_back(
    t3: &Track3,
    id: RequestId,
    unit: Uuid,
    returned_at: Option<DateTime<Utc>>,
    validated_container: bool,
    actor: &Actor,
) -> Result<RequestDetail> {
    let now = expire_due(t3).await?;
    let current = load(t3, id).await?;
    let returned_at = returned_at.map_or(now, |t| chrono::SubsecRound::trunc_subsecs(t, 3));
    let change = allocation_of(&current, unit)?.give_back(returned_at, validated_container, &t3.rules, actor, now)?;
    apply(t3, id, &[change]).await
}

/// Confirms an issued unit was transfused at `transfused_at` (default now) by
/// `administered_by`; the request completes with its last unit.
pub async fn transfuse(
    t3: &Track3,
    id: RequestId,
    unit: Uuid,
    administered_by: String,
    transfused_at: Option<DateTime<Utc>>,
    actor: &Actor,
) -> Result<RequestDetail> {
    let now = expire_due(t3).await?;
    let current = load(t3, id).await?;
    let at = transfused_at.map_or(now, |t| chrono::SubsecRound::trunc_subsecs(t, 3));
    let change = allocation_of(&current, unit)?.transfuse(administered_by, at, actor, now)?;
    apply(t3, id, &[change]).await
}
