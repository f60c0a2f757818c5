//! [`RequestStore`] in shared SQL: requests, their allocations joined with their units, and
//! the read-only candidates of a plan. The transactions that change allocations live in
//! `allocate.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    allocate::retrying,
    limit, qualified,
    request_rows::{AllocationRow, RequestRow, ALLOCATION_COLUMNS, REQUEST_COLUMNS},
    total, SqlBloodBank, UnitRow, UNIT_COLUMNS,
};
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::StoreResult,
    tracks::track3::{
        domain::{
            allocation::{AllocatedUnit, AllocationPlan},
            groups::Component,
            requests::{BloodRequest, RequestId, RequestStatus, Urgency},
            transfusion::AllocationChange,
            units::{Actor, BloodUnit},
        },
        store::{RequestFilter, RequestStore},
    },
};

const INSERT_REQUEST: &str = "insert into blood_requests (request_id, patient_user_id, patient_name, patient_mrn, \
    patient_sex, patient_date_of_birth, abo, rh_positive, component, units_requested, urgency, department, \
    clinician, needed_by, indication, status, cancel_reason, created_by, created_at, updated_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";
const REQUEST_FILTER: &str = " where ($1 is null or status = $1) and ($2 is null or urgency = $2) \
    and ($3 is null or component = $3) and ($4 is null or patient_mrn = $4)";
/// `$1` component, `$2` now, `$3` request: available, unexpired, not crossmatched
/// incompatible for the request.
pub(super) const AVAILABLE_FOR: &str = " where status = 'available' and component = $1 and expires_at > $2 \
    and not exists (select 1 from request_allocations x where x.unit_id = units.unit_id and x.request_id = $3 \
    and x.crossmatch_result = 'incompatible')";

macro_rules! bind_request_filter {
    ($query:expr, $filter:expr) => {
        $query
            .bind($filter.status.map(RequestStatus::as_str))
            .bind($filter.urgency.map(Urgency::as_str))
            .bind($filter.component.map(Component::as_str))
            .bind($filter.patient_mrn.as_deref())
    };
}

macro_rules! impl_request_store {
    ($db:ty) => {
        #[async_trait]
        impl RequestStore for SqlBloodBank<$db> {
            async fn insert(&self, r: &BloodRequest) -> StoreResult<()> {
                sqlx::query(INSERT_REQUEST)
                    .bind(r.id.0)
                    .bind(r.patient.user_id)
                    .bind(&r.patient.name)
                    .bind(&r.patient.mrn)
                    .bind(r.patient.sex.map(|s| s.as_str()))
                    .bind(r.patient.date_of_birth)
                    .bind(r.blood_group.map(|g| g.abo.as_str()))
                    .bind(r.blood_group.map(|g| g.rh_positive))
                    .bind(r.component.as_str())
                    .bind(i32::try_from(r.units_requested).unwrap_or(i32::MAX))
                    .bind(r.urgency.as_str())
                    .bind(&r.department)
                    .bind(&r.clinician)
                    .bind(r.needed_by)
                    .bind(&r.indication)
                    .bind(r.status.as_str())
                    .bind(&r.cancel_reason)
                    .bind(r.created_by)
                    .bind(r.created_at)
                    .bind(r.updated_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn find(&self, id: RequestId) -> StoreResult<Option<BloodRequest>> {
                let sql = format!("select {REQUEST_COLUMNS} from blood_requests where request_id = $1");
                let row: Option<RequestRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                row.map(BloodRequest::try_from).transpose()
            }

            async fn list(&self, filter: &RequestFilter, page: PageRequest) -> StoreResult<Page<BloodRequest>> {
                let count_sql = format!("select count(*) from blood_requests{REQUEST_FILTER}");
                let (count,): (i64,) =
                    bind_request_filter!(sqlx::query_as(&count_sql), filter).fetch_one(&self.pool).await?;
                let (limit, offset) = limit(page);
                let sql = format!(
                    "select {REQUEST_COLUMNS} from blood_requests{REQUEST_FILTER} \
                     order by needed_by, request_id limit $5 offset $6"
                );
                let rows: Vec<RequestRow> = bind_request_filter!(sqlx::query_as(&sql), filter)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let items = rows.into_iter().map(BloodRequest::try_from).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: total(count) })
            }

            async fn allocations(&self, id: RequestId) -> StoreResult<Vec<AllocatedUnit>> {
                let sql = format!(
                    "select {ALLOCATION_COLUMNS}, {} from request_allocations a join units u on u.unit_id = a.unit_id \
                     where a.request_id = $1 order by a.reserved_at, a.allocation_id",
                    qualified(UNIT_COLUMNS, "u")
                );
                let rows: Vec<AllocationRow> = sqlx::query_as(&sql).bind(id.0).fetch_all(&self.pool).await?;
                rows.into_iter().map(AllocatedUnit::try_from).collect()
            }

            async fn candidates(&self, plan: &AllocationPlan) -> StoreResult<Vec<BloodUnit>> {
                let sql = format!("select {UNIT_COLUMNS} from units{AVAILABLE_FOR}");
                let rows: Vec<UnitRow> = sqlx::query_as(&sql)
                    .bind(plan.component.as_str())
                    .bind(plan.at)
                    .bind(plan.request_id.0)
                    .fetch_all(&self.pool)
                    .await?;
                let units = rows.into_iter().map(BloodUnit::try_from).collect::<StoreResult<Vec<_>>>()?;
                Ok(plan.rank(units))
            }

            async fn allocate(&self, plan: &AllocationPlan) -> StoreResult<Vec<BloodUnit>> {
                retrying(|| Self::allocate_once(&self.pool, plan)).await
            }

            async fn apply(&self, changes: &[AllocationChange]) -> StoreResult<()> {
                retrying(|| Self::apply_once(&self.pool, changes)).await
            }

            async fn cancel(&self, id: RequestId, reason: &str, actor: &Actor, at: DateTime<Utc>) -> StoreResult<()> {
                retrying(|| Self::cancel_once(&self.pool, id, reason, actor, at)).await
            }
        }
    };
}

#[cfg(feature = "sqlite")]
impl_request_store!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
impl_request_store!(sqlx::Postgres);
