//! [`UnitStore`] in shared SQL. A transition is `update units ... where unit_id = $1 and
//! status = $2 and quarantine_reason matches`, plus its `unit_events` row, in one transaction:
//! when another change got there first the update touches no row and the whole transaction
//! is rolled back with `Conflict`. Expiry runs the same kind of conditional update per status.
//! A reserved unit that is discarded, quarantined or expires releases its request's
//! allocation in the same transaction (`allocate.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{limit, total, EventRow, SqlBloodBank, UnitRow, EVENT_COLUMNS, UNIT_COLUMNS};
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::{StorageError, StoreResult},
    tracks::track3::{
        domain::{
            groups::{Abo, BloodGroup, Component},
            inventory::StockCount,
            screening::ScreeningRecord,
            units::{BloodUnit, UnitEvent, UnitId, UnitStatus, UnitTransition},
            TemperatureExcursion,
        },
        store::{UnitFilter, UnitStore},
    },
};

pub(super) const INSERT_EVENT: &str = "insert into unit_events (event_id, unit_id, action, from_status, to_status, \
    reason, note, actor_id, http_request_id, excursion_id, occurred_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
const APPLY_TRANSITION: &str = "update units set status = $4, status_changed_at = $5, quarantine_reason = $6, \
    discard_reason = $7, reserved_for_request = $8 where unit_id = $1 and status = $2 \
    and (quarantine_reason = $3 or (quarantine_reason is null and $3 is null))";
const ANY_DUE: &str = "select count(*) from units where status in ('quarantined', 'available', 'reserved') \
    and expires_at <= $1";
const STATUS_OF: &str = "select status from units where unit_id = $1";
const EXPIRE: &str = "update units set status = 'expired', status_changed_at = $1, quarantine_reason = null, \
    reserved_for_request = null where status = $2 and expires_at <= $1 returning unit_id";
const INSERT_SCREENING: &str = "insert into screening_results (result_id, donation_id, test, result, recorded_by, \
    recorded_at) values ($1, $2, $3, $4, $5, $6)";
const INSERT_EXCURSION: &str = "insert into temperature_excursions (excursion_id, location, temperature_c, \
    started_at, ended_at, note, recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8)";
const STOCK: &str = "select component, abo, rh_positive, status, count(*) as units, \
    sum(case when expires_at <= $1 then 1 else 0 end) as expiring from units \
    where status in ('quarantined', 'available', 'reserved') group by component, abo, rh_positive, status";
const UNIT_FILTER: &str = " where ($1 is null or status = $1) and ($2 is null or abo = $2) \
    and ($3 is null or rh_positive = $3) and ($4 is null or component = $4) and ($5 is null or expires_at <= $5) \
    and ($6 is null or donation_id = $6)";

/// `insert_event!(executor, &UnitEvent)`: writes one audit row.
macro_rules! insert_event {
    ($executor:expr, $event:expr) => {{
        let event: &$crate::tracks::track3::domain::units::UnitEvent = $event;
        sqlx::query($crate::tracks::track3::store::sql::units::INSERT_EVENT)
            .bind(event.id)
            .bind(event.unit_id.0)
            .bind(&event.action)
            .bind(event.from.map(|s| s.as_str()))
            .bind(event.to.as_str())
            .bind(&event.reason)
            .bind(&event.note)
            .bind(event.actor_id)
            .bind(&event.request_id)
            .bind(event.excursion_id)
            .bind(event.occurred_at)
            .execute($executor)
            .await?;
    }};
}
pub(super) use insert_event;

#[derive(sqlx::FromRow)]
struct StockRow {
    component: String,
    abo: String,
    rh_positive: bool,
    status: String,
    units: i64,
    expiring: Option<i64>,
}

impl TryFrom<StockRow> for StockCount {
    type Error = StorageError;

    fn try_from(row: StockRow) -> StoreResult<Self> {
        let corrupt = |what: &str| StorageError::Corrupt(format!("stock row: {what}"));
        Ok(Self {
            component: Component::parse(&row.component).ok_or_else(|| corrupt(&row.component))?,
            blood_group: BloodGroup {
                abo: Abo::parse(&row.abo).ok_or_else(|| corrupt(&row.abo))?,
                rh_positive: row.rh_positive,
            },
            status: UnitStatus::parse(&row.status).ok_or_else(|| corrupt(&row.status))?,
            units: u64::try_from(row.units).unwrap_or_default(),
            expiring: u64::try_from(row.expiring.unwrap_or_default()).unwrap_or_default(),
        })
    }
}

macro_rules! impl_unit_store {
    ($db:ty) => {
        impl SqlBloodBank<$db> {
            /// Applies one transition inside `tx` if the unit is still as read, with its event;
            /// a unit leaving `reserved` other than by issue releases the allocation holding it.
            /// `false` (nothing written) when the unit changed.
            pub(super) async fn try_apply_transition(
                tx: &mut sqlx::Transaction<'_, $db>,
                t: &UnitTransition,
            ) -> StoreResult<bool> {
                let done = sqlx::query(APPLY_TRANSITION)
                    .bind(t.unit_id.0)
                    .bind(t.from.as_str())
                    .bind(t.from_quarantine_reason.map(|r| r.as_str()))
                    .bind(t.to.as_str())
                    .bind(t.at)
                    .bind(t.quarantine_reason.map(|r| r.as_str()))
                    .bind(t.discard_reason.map(|r| r.as_str()))
                    .bind(t.reserved_for_request)
                    .execute(&mut **tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                insert_event!(&mut **tx, &t.event());
                if t.from == UnitStatus::Reserved && t.to != UnitStatus::Issued {
                    Self::release_holds(tx, t.unit_id.0, t.action.name(), t.at).await?;
                }
                Ok(true)
            }

            /// Applies one transition inside `tx`; `Conflict`/`NotFound` leave the caller to roll back.
            pub(super) async fn apply_transition(
                tx: &mut sqlx::Transaction<'_, $db>,
                t: &UnitTransition,
            ) -> StoreResult<()> {
                if Self::try_apply_transition(tx, t).await? {
                    return Ok(());
                }
                let status: Option<(String,)> =
                    sqlx::query_as(STATUS_OF).bind(t.unit_id.0).fetch_optional(&mut **tx).await?;
                Err(match status {
                    None => StorageError::NotFound,
                    Some((now,)) => StorageError::Conflict(format!(
                        "unit {} changed concurrently: it is now {now}, not {}",
                        t.unit_id.0,
                        t.from.as_str()
                    )),
                })
            }
        }

        #[async_trait]
        impl UnitStore for SqlBloodBank<$db> {
            async fn find(&self, id: UnitId) -> StoreResult<Option<BloodUnit>> {
                let sql = format!("select {UNIT_COLUMNS} from units where unit_id = $1");
                let row: Option<UnitRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                row.map(BloodUnit::try_from).transpose()
            }

            async fn list(&self, filter: &UnitFilter, page: PageRequest) -> StoreResult<Page<BloodUnit>> {
                let count_sql = format!("select count(*) from units{UNIT_FILTER}");
                let (count,): (i64,) = sqlx::query_as(&count_sql)
                    .bind(filter.status.map(UnitStatus::as_str))
                    .bind(filter.abo.map(Abo::as_str))
                    .bind(filter.rh_positive)
                    .bind(filter.component.map(Component::as_str))
                    .bind(filter.expires_before)
                    .bind(filter.donation_id.map(|d| d.0))
                    .fetch_one(&self.pool)
                    .await?;
                let (limit, offset) = limit(page);
                let sql = format!(
                    "select {UNIT_COLUMNS} from units{UNIT_FILTER} order by expires_at, unit_id limit $7 offset $8"
                );
                let rows: Vec<UnitRow> = sqlx::query_as(&sql)
                    .bind(filter.status.map(UnitStatus::as_str))
                    .bind(filter.abo.map(Abo::as_str))
                    .bind(filter.rh_positive)
                    .bind(filter.component.map(Component::as_str))
                    .bind(filter.expires_before)
                    .bind(filter.donation_id.map(|d| d.0))
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let items = rows.into_iter().map(BloodUnit::try_from).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: total(count) })
            }

            async fn transition(&self, change: &UnitTransition) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                Self::apply_transition(&mut tx, change).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn record_screening(
                &self,
                results: &[ScreeningRecord],
                changes: &[UnitTransition],
            ) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                for r in results {
                    sqlx::query(INSERT_SCREENING)
                        .bind(r.id)
                        .bind(r.donation_id.0)
                        .bind(r.test.as_str())
                        .bind(r.result.as_str())
                        .bind(r.recorded_by)
                        .bind(r.recorded_at)
                        .execute(&mut *tx)
                        .await?;
                }
                for change in changes {
                    Self::apply_transition(&mut tx, change).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn record_excursion(&self, e: &TemperatureExcursion, changes: &[UnitTransition]) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(INSERT_EXCURSION)
                    .bind(e.id)
                    .bind(&e.location)
                    .bind(e.temperature_c)
                    .bind(e.started_at)
                    .bind(e.ended_at)
                    .bind(&e.note)
                    .bind(e.recorded_by)
                    .bind(e.recorded_at)
                    .execute(&mut *tx)
                    .await?;
                for change in changes {
                    Self::apply_transition(&mut tx, change).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn expire_due(&self, now: DateTime<Utc>) -> StoreResult<u64> {
                // Most reads find nothing due: check before taking a write transaction.
                let (due,): (i64,) = sqlx::query_as(ANY_DUE).bind(now).fetch_one(&self.pool).await?;
                if due == 0 {
                    return Ok(0);
                }
                let mut tx = self.pool.begin().await?;
                let mut expired = 0;
                for from in UnitStatus::EXPIRABLE {
                    let ids: Vec<(Uuid,)> =
                        sqlx::query_as(EXPIRE).bind(now).bind(from.as_str()).fetch_all(&mut *tx).await?;
                    for (id,) in ids {
                        let event = UnitEvent {
                            id: Uuid::now_v7(),
                            unit_id: UnitId(id),
                            action: "expire".into(),
                            from: Some(from),
                            to: UnitStatus::Expired,
                            reason: None,
                            note: None,
                            actor_id: None,
                            request_id: None,
                            excursion_id: None,
                            occurred_at: now,
                        };
                        insert_event!(&mut *tx, &event);
                        if from == UnitStatus::Reserved {
                            Self::release_holds(&mut tx, id, "expire", now).await?;
                        }
                        expired += 1;
                    }
                }
                tx.commit().await?;
                Ok(expired)
            }

            async fn events(&self, id: UnitId) -> StoreResult<Vec<UnitEvent>> {
                let sql = format!(
                    "select {EVENT_COLUMNS} from unit_events where unit_id = $1 order by occurred_at, event_id"
                );
                let rows: Vec<EventRow> = sqlx::query_as(&sql).bind(id.0).fetch_all(&self.pool).await?;
                rows.into_iter().map(UnitEvent::try_from).collect()
            }

            async fn stock(&self, expiring_before: DateTime<Utc>) -> StoreResult<Vec<StockCount>> {
                let rows: Vec<StockRow> = sqlx::query_as(STOCK).bind(expiring_before).fetch_all(&self.pool).await?;
                rows.into_iter().map(StockCount::try_from).collect()
            }
        }
    };
}

#[cfg(feature = "sqlite")]
impl_unit_store!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
impl_unit_store!(sqlx::Postgres);
