//! The transactions that change allocations, in shared SQL.
//!
//! **Allocation** locks the request row first (`update blood_requests ... where status in
//! ('open', 'partially_allocated')`), so two runs for one request take turns and the second
//! sees what the first reserved; on SQLite that first write also takes the database's write
//! lock before anything is read. It then reads the candidates, ranks them with the domain's
//! plan, and reserves each with the conditional update of a unit transition (`... where
//! unit_id = $1 and status = 'available'`): when a concurrent run for another request took a
//! unit first, PostgreSQL waits for that run, re-checks the condition, updates no row, and the
//! loop moves on to the next candidate. So stock is never over-reserved and no unit is held by
//! two requests (the partial unique index on `request_allocations (unit_id)` would refuse it
//! as well). Runs for different requests can lock units in different orders; PostgreSQL then
//! aborts one as a deadlock and [`retrying`] runs it again.
//!
//! Every change to allocations ends with [`SqlBloodBank::sync_request`], which re-derives the
//! request's status from its allocation counts in the same transaction; a unit leaving
//! `reserved` any other way (discard, quarantine, expiry) releases its allocation through
//! [`SqlBloodBank::release_holds`].

use std::{future::Future, time::Duration};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{corrupt, requests::AVAILABLE_FOR, SqlBloodBank, UnitRow, UNIT_COLUMNS};
use crate::{
    storage::{StorageError, StoreResult},
    tracks::track3::domain::{
        allocation::{Allocation, AllocationPlan, AllocationState},
        requests::{AllocationCounts, RequestId, RequestStatus},
        transfusion::{AllocationChange, AllocationStep},
        units::{Actor, BloodUnit, UnitAction, UnitStatus},
    },
};

const CLAIM_REQUEST: &str = "update blood_requests set updated_at = updated_at where request_id = $1 \
    and status in ('open', 'partially_allocated') returning units_requested";
const REQUEST_STATUS: &str = "select units_requested, status from blood_requests where request_id = $1";
const COUNTS: &str = "select state, count(*) from request_allocations where request_id = $1 group by state";
const SET_STATUS: &str = "update blood_requests set status = $2, updated_at = $3 where request_id = $1";
const INSERT_ALLOCATION: &str = "insert into request_allocations (allocation_id, request_id, unit_id, state, \
    reserved_at, reserved_by) values ($1, $2, $3, $4, $5, $6)";
const RELEASE_HOLD: &str = "update request_allocations set state = 'released', released_at = $2, \
    release_reason = $3 where unit_id = $1 and state = 'reserved' returning request_id";
const CROSSMATCH: &str = "update request_allocations set state = $3, crossmatch_result = $4, crossmatched_at = $5, \
    crossmatched_by = $6, crossmatch_note = $7, released_at = $8, release_reason = $9 \
    where allocation_id = $1 and state = $2 and crossmatch_result is null";
const ISSUE: &str = "update request_allocations set state = 'issued', issued_at = $3, issued_by = $4, \
    collected_by = $5, emergency_release = $6 where allocation_id = $1 and state = $2 \
    and ($6 or crossmatch_result = 'compatible')";
const RETURN: &str = "update request_allocations set state = 'returned', returned_at = $3, return_outcome = $4 \
    where allocation_id = $1 and state = $2";
const TRANSFUSE: &str = "update request_allocations set state = 'transfused', transfused_at = $3, \
    administered_by = $4, confirmed_by = $5 where allocation_id = $1 and state = $2";
const CANCEL: &str = "update blood_requests set status = 'cancelled', cancel_reason = $2, updated_at = $3 \
    where request_id = $1 and status in ('open', 'partially_allocated', 'fully_allocated') \
    and not exists (select 1 from request_allocations where request_id = $1 and state = 'issued')";
const RELEASE_FOR_CANCEL: &str = "update request_allocations set state = 'released', released_at = $2, \
    release_reason = 'request_cancelled' where request_id = $1 and state = 'reserved' returning unit_id";

/// Times a transaction is run when the database aborts it as a deadlock or busy.
const ATTEMPTS: u64 = 5;

/// Whether the database aborted a transaction that may succeed when run again: a PostgreSQL
/// deadlock or serialization failure, or SQLite still busy after its timeout.
pub(super) fn retryable(err: &StorageError) -> bool {
    let StorageError::Other(e) = err else { return false };
    let Some(sqlx::Error::Database(db)) = e.downcast_ref::<sqlx::Error>() else { return false };
    matches!(db.code().as_deref(), Some("40P01" | "40001" | "5" | "6" | "261" | "517" | "773"))
}

/// Runs `transaction` until it succeeds, fails for good, or [`ATTEMPTS`] runs were aborted.
pub(super) async fn retrying<T, F, Fut>(transaction: F) -> StoreResult<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = StoreResult<T>>,
{
    let mut attempt = 1;
    loop {
        match transaction().await {
            Err(e) if attempt < ATTEMPTS && retryable(&e) => {
                log::warn!("track3 transaction aborted ({e}); retrying");
                tokio::time::sleep(Duration::from_millis(5 * attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn request_conflict(status: &str) -> StorageError {
    StorageError::Conflict(format!("request_status: the request is {status}"))
}

macro_rules! impl_allocation {
    ($db:ty) => {
        impl SqlBloodBank<$db> {
            async fn counts(tx: &mut sqlx::Transaction<'_, $db>, id: RequestId) -> StoreResult<AllocationCounts> {
                let rows: Vec<(String, i64)> = sqlx::query_as(COUNTS).bind(id.0).fetch_all(&mut **tx).await?;
                let mut counts = AllocationCounts::default();
                for (state, n) in rows {
                    let n = u32::try_from(n).unwrap_or(u32::MAX);
                    match AllocationState::parse(&state) {
                        Some(AllocationState::Reserved) => counts.reserved = n,
                        Some(AllocationState::Issued) => counts.issued = n,
                        Some(AllocationState::Transfused) => counts.transfused = n,
                        _ => {}
                    }
                }
                Ok(counts)
            }

            /// Re-derives a request's status from its allocations.
            pub(super) async fn sync_request(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: RequestId,
                at: DateTime<Utc>,
            ) -> StoreResult<()> {
                let row: Option<(i32, String)> =
                    sqlx::query_as(REQUEST_STATUS).bind(id.0).fetch_optional(&mut **tx).await?;
                let (requested, status) = row.ok_or(StorageError::NotFound)?;
                let current = RequestStatus::parse(&status).ok_or_else(|| corrupt("status", id.0, &status))?;
                let next = current.derive(u32::try_from(requested).unwrap_or_default(), Self::counts(tx, id).await?);
                if next != current {
                    sqlx::query(SET_STATUS).bind(id.0).bind(next.as_str()).bind(at).execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Releases the reservation holding `unit` (it left `reserved` by `reason`).
            pub(super) async fn release_holds(
                tx: &mut sqlx::Transaction<'_, $db>,
                unit: Uuid,
                reason: &str,
                at: DateTime<Utc>,
            ) -> StoreResult<()> {
                let held: Vec<(Uuid,)> =
                    sqlx::query_as(RELEASE_HOLD).bind(unit).bind(at).bind(reason).fetch_all(&mut **tx).await?;
                for (request,) in held {
                    Self::sync_request(tx, RequestId(request), at).await?;
                }
                Ok(())
            }

            /// Locks the request for allocation; its size, or why it cannot allocate.
            async fn claim_request(tx: &mut sqlx::Transaction<'_, $db>, id: RequestId) -> StoreResult<u32> {
                let claimed: Option<(i32,)> =
                    sqlx::query_as(CLAIM_REQUEST).bind(id.0).fetch_optional(&mut **tx).await?;
                if let Some((requested,)) = claimed {
                    return Ok(u32::try_from(requested).unwrap_or_default());
                }
                let row: Option<(i32, String)> =
                    sqlx::query_as(REQUEST_STATUS).bind(id.0).fetch_optional(&mut **tx).await?;
                Err(row.map_or(StorageError::NotFound, |(_, status)| request_conflict(&status)))
            }

            /// Reserves `unit` for the plan's request unless another request took it first.
            async fn reserve(
                tx: &mut sqlx::Transaction<'_, $db>,
                plan: &AllocationPlan,
                unit: BloodUnit,
            ) -> StoreResult<Option<BloodUnit>> {
                let action = UnitAction::Reserve { request_id: plan.request_id.0 };
                let Ok(change) = unit.transition(action, plan.note.clone(), &plan.actor, plan.at) else {
                    return Ok(None);
                };
                if !Self::try_apply_transition(tx, &change).await? {
                    return Ok(None);
                }
                let a = Allocation::reserve(plan.request_id, unit.id, &plan.actor, plan.at);
                sqlx::query(INSERT_ALLOCATION)
                    .bind(a.id)
                    .bind(a.request_id.0)
                    .bind(a.unit_id.0)
                    .bind(a.state.as_str())
                    .bind(a.reserved_at)
                    .bind(a.reserved_by)
                    .execute(&mut **tx)
                    .await?;
                let status_changed_at = plan.at;
                let reserved_for_request = Some(plan.request_id.0);
                Ok(Some(BloodUnit { status: UnitStatus::Reserved, status_changed_at, reserved_for_request, ..unit }))
            }

            pub(super) async fn allocate_once(
                pool: &sqlx::Pool<$db>,
                plan: &AllocationPlan,
            ) -> StoreResult<Vec<BloodUnit>> {
                let mut tx = pool.begin().await?;
                let requested = Self::claim_request(&mut tx, plan.request_id).await?;
                let mut need = requested.saturating_sub(Self::counts(&mut tx, plan.request_id).await?.active());
                let sql = format!("select {UNIT_COLUMNS} from units{AVAILABLE_FOR}");
                let rows: Vec<UnitRow> = sqlx::query_as(&sql)
                    .bind(plan.component.as_str())
                    .bind(plan.at)
                    .bind(plan.request_id.0)
                    .fetch_all(&mut *tx)
                    .await?;
                let candidates = rows.into_iter().map(BloodUnit::try_from).collect::<StoreResult<Vec<_>>>()?;
                let mut reserved = Vec::new();
                for unit in plan.rank(candidates) {
                    if need == 0 {
                        break;
                    }
                    if let Some(unit) = Self::reserve(&mut tx, plan, unit).await? {
                        reserved.push(unit);
                        need -= 1;
                    }
                }
                Self::sync_request(&mut tx, plan.request_id, plan.at).await?;
                tx.commit().await?;
                Ok(reserved)
            }

            async fn apply_step(tx: &mut sqlx::Transaction<'_, $db>, c: &AllocationChange) -> StoreResult<()> {
                let (id, from) = (c.allocation_id, c.from.as_str());
                let done = match &c.step {
                    AllocationStep::Crossmatch(x) => {
                        let released = c.to == AllocationState::Released;
                        sqlx::query(CROSSMATCH)
                            .bind(id)
                            .bind(from)
                            .bind(c.to.as_str())
                            .bind(x.result.as_str())
                            .bind(x.at)
                            .bind(x.by)
                            .bind(&x.note)
                            .bind(released.then_some(c.at))
                            .bind(released.then_some("crossmatch_incompatible"))
                            .execute(&mut **tx)
                            .await?
                    }
                    AllocationStep::Issue { collected_by, emergency_release } => {
                        let q = sqlx::query(ISSUE).bind(id).bind(from).bind(c.at).bind(c.by).bind(collected_by);
                        q.bind(*emergency_release).execute(&mut **tx).await?
                    }
                    AllocationStep::Return(outcome) => {
                        let q = sqlx::query(RETURN).bind(id).bind(from).bind(c.at).bind(outcome.as_str());
                        q.execute(&mut **tx).await?
                    }
                    AllocationStep::Transfuse { administered_by } => {
                        let q = sqlx::query(TRANSFUSE).bind(id).bind(from).bind(c.at).bind(administered_by);
                        q.bind(c.by).execute(&mut **tx).await?
                    }
                };
                if done.rows_affected() == 0 {
                    let what = format!("allocation {id} changed concurrently: it is no longer {from}");
                    return Err(StorageError::Conflict(what));
                }
                if let Some(t) = &c.unit {
                    Self::apply_transition(tx, t).await?;
                }
                Ok(())
            }

            pub(super) async fn apply_once(pool: &sqlx::Pool<$db>, changes: &[AllocationChange]) -> StoreResult<()> {
                let mut tx = pool.begin().await?;
                for change in changes {
                    Self::apply_step(&mut tx, change).await?;
                }
                let mut requests: Vec<(RequestId, DateTime<Utc>)> =
                    changes.iter().map(|c| (c.request_id, c.unit.as_ref().map_or(c.at, |u| u.at))).collect();
                requests.dedup_by_key(|(r, _)| *r);
                for (request, at) in requests {
                    Self::sync_request(&mut tx, request, at).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn not_cancellable(tx: &mut sqlx::Transaction<'_, $db>, id: RequestId) -> StoreResult<StorageError> {
                let row: Option<(i32, String)> =
                    sqlx::query_as(REQUEST_STATUS).bind(id.0).fetch_optional(&mut **tx).await?;
                Ok(match row {
                    None => StorageError::NotFound,
                    Some((_, status)) if RequestStatus::parse(&status).is_some_and(|s| s.is_final()) => {
                        request_conflict(&status)
                    }
                    Some(_) => StorageError::Conflict(
                        "request_status: units are out on issue; return or transfuse them first".into(),
                    ),
                })
            }

            pub(super) async fn cancel_once(
                pool: &sqlx::Pool<$db>,
                id: RequestId,
                reason: &str,
                actor: &Actor,
                at: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = pool.begin().await?;
                let done = sqlx::query(CANCEL).bind(id.0).bind(reason).bind(at).execute(&mut *tx).await?;
                if done.rows_affected() == 0 {
                    return Err(Self::not_cancellable(&mut tx, id).await?);
                }
                let released: Vec<(Uuid,)> =
                    sqlx::query_as(RELEASE_FOR_CANCEL).bind(id.0).bind(at).fetch_all(&mut *tx).await?;
                let sql = format!("select {UNIT_COLUMNS} from units where unit_id = $1");
                for (unit_id,) in released {
                    let row: UnitRow = sqlx::query_as(&sql).bind(unit_id).fetch_one(&mut *tx).await?;
                    let note = Some(format!("request {} cancelled", id.0));
                    let change = BloodUnit::try_from(row)?
                        .transition(UnitAction::Unreserve, note, actor, at)
                        .map_err(|e| StorageError::Conflict(e.to_string()))?;
                    Self::apply_transition(&mut tx, &change).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

#[cfg(feature = "sqlite")]
impl_allocation!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
impl_allocation!(sqlx::Postgres);
