//! [`ReactionStore`] and [`RecallStore`] in shared SQL. Due recalls leave out donors deferred
//! on the day asked about; completing a recall is a conditional update on `pending`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;
use uuid::Uuid;

use super::{limit, parsed, total, SqlBloodBank};
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::{StorageError, StoreResult},
    tracks::track3::{
        domain::{
            donation::{DonationId, DonationType},
            donor::DonorId,
            reactions::{ReactionType, Severity, TransfusionReaction},
            recall::{DonorRecall, DueRecall, RecallStatus},
            requests::RequestId,
            units::UnitId,
        },
        store::{ReactionFilter, ReactionStore, RecallStore},
    },
};

const REACTION_COLUMNS: &str = "reaction_id, unit_id, request_id, donation_id, donor_id, reaction_type, severity, \
    occurred_at, description, reported_by, reported_at";
const INSERT_REACTION: &str = "insert into transfusion_reactions (reaction_id, unit_id, request_id, donation_id, \
    donor_id, reaction_type, severity, occurred_at, description, reported_by, reported_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
const REACTION_FILTER: &str =
    " where ($1 is null or donor_id = $1) and ($2 is null or unit_id = $2) and ($3 is null or request_id = $3)";
const RECALL_COLUMNS: &str =
    "r.recall_id, r.donor_id, r.donation_id, r.donation_type, r.due_on, r.status, r.created_at, r.completed_at";
/// `$1` the day: pending, due, donor not deferred on that day.
const DUE_FILTER: &str = " from donor_recalls r join donors d on d.donor_id = r.donor_id \
    where r.status = 'pending' and r.due_on <= $1 and not exists (select 1 from deferrals f \
    where f.donor_id = r.donor_id and f.starts_on <= $1 and (f.ends_on is null or f.ends_on > $1))";
const COMPLETE: &str = "update donor_recalls set status = 'done', completed_at = $2 \
    where recall_id = $1 and status = 'pending'";

#[derive(FromRow)]
struct ReactionRow {
    reaction_id: Uuid,
    unit_id: Uuid,
    request_id: Option<Uuid>,
    donation_id: Uuid,
    donor_id: Uuid,
    reaction_type: String,
    severity: String,
    occurred_at: DateTime<Utc>,
    description: String,
    reported_by: Option<Uuid>,
    reported_at: DateTime<Utc>,
}

impl TryFrom<ReactionRow> for TransfusionReaction {
    type Error = StorageError;

    fn try_from(row: ReactionRow) -> StoreResult<Self> {
        let id = row.reaction_id;
        Ok(Self {
            id,
            unit_id: UnitId(row.unit_id),
            request_id: row.request_id.map(RequestId),
            donation_id: DonationId(row.donation_id),
            donor_id: DonorId(row.donor_id),
            reaction_type: parsed(ReactionType::parse(&row.reaction_type), "reaction_type", id, &row.reaction_type)?,
            severity: parsed(Severity::parse(&row.severity), "severity", id, &row.severity)?,
            occurred_at: row.occurred_at,
            description: row.description,
            reported_by: row.reported_by,
            reported_at: row.reported_at,
        })
    }
}

#[derive(FromRow)]
struct RecallRow {
    recall_id: Uuid,
    donor_id: Uuid,
    donation_id: Uuid,
    donation_type: String,
    due_on: NaiveDate,
    status: String,
    created_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
}

impl TryFrom<RecallRow> for DonorRecall {
    type Error = StorageError;

    fn try_from(row: RecallRow) -> StoreResult<Self> {
        let id = row.recall_id;
        Ok(Self {
            id,
            donor_id: DonorId(row.donor_id),
            donation_id: DonationId(row.donation_id),
            donation_type: parsed(DonationType::parse(&row.donation_type), "donation_type", id, &row.donation_type)?,
            due_on: row.due_on,
            status: parsed(RecallStatus::parse(&row.status), "status", id, &row.status)?,
            created_at: row.created_at,
            completed_at: row.completed_at,
        })
    }
}

#[derive(FromRow)]
struct DueRow {
    #[sqlx(flatten)]
    recall: RecallRow,
    full_name: String,
    phone_number: Option<String>,
    email: Option<String>,
}

macro_rules! impl_reaction_and_recall_stores {
    ($db:ty) => {
        #[async_trait]
        impl ReactionStore for SqlBloodBank<$db> {
            async fn insert(&self, r: &TransfusionReaction) -> StoreResult<()> {
                sqlx::query(INSERT_REACTION)
                    .bind(r.id)
                    .bind(r.unit_id.0)
                    .bind(r.request_id.map(|x| x.0))
                    .bind(r.donation_id.0)
                    .bind(r.donor_id.0)
                    .bind(r.reaction_type.as_str())
                    .bind(r.severity.as_str())
                    .bind(r.occurred_at)
                    .bind(&r.description)
                    .bind(r.reported_by)
                    .bind(r.reported_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list(&self, filter: &ReactionFilter, page: PageRequest) -> StoreResult<Page<TransfusionReaction>> {
                let (donor, unit, request) =
                    (filter.donor_id.map(|d| d.0), filter.unit_id.map(|u| u.0), filter.request_id.map(|r| r.0));
                let count_sql = format!("select count(*) from transfusion_reactions{REACTION_FILTER}");
                let (count,): (i64,) =
                    sqlx::query_as(&count_sql).bind(donor).bind(unit).bind(request).fetch_one(&self.pool).await?;
                let (limit, offset) = limit(page);
                let sql = format!(
                    "select {REACTION_COLUMNS} from transfusion_reactions{REACTION_FILTER} \
                     order by occurred_at desc, reaction_id desc limit $4 offset $5"
                );
                let rows: Vec<ReactionRow> = sqlx::query_as(&sql)
                    .bind(donor)
                    .bind(unit)
                    .bind(request)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let items = rows.into_iter().map(TransfusionReaction::try_from).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: total(count) })
            }
        }

        #[async_trait]
        impl RecallStore for SqlBloodBank<$db> {
            async fn due(&self, on: NaiveDate, page: PageRequest) -> StoreResult<Page<DueRecall>> {
                let count_sql = format!("select count(*){DUE_FILTER}");
                let (count,): (i64,) = sqlx::query_as(&count_sql).bind(on).fetch_one(&self.pool).await?;
                let (limit, offset) = limit(page);
                let sql = format!(
                    "select {RECALL_COLUMNS}, d.full_name, d.phone_number, d.email{DUE_FILTER} \
                     order by r.due_on, r.recall_id limit $2 offset $3"
                );
                let rows: Vec<DueRow> =
                    sqlx::query_as(&sql).bind(on).bind(limit).bind(offset).fetch_all(&self.pool).await?;
                let items = rows
                    .into_iter()
                    .map(|row| {
                        Ok(DueRecall {
                            recall: DonorRecall::try_from(row.recall)?,
                            donor_name: row.full_name,
                            phone_number: row.phone_number,
                            email: row.email,
                        })
                    })
                    .collect::<StoreResult<_>>()?;
                Ok(Page { items, total: total(count) })
            }

            async fn complete(&self, id: Uuid, at: DateTime<Utc>) -> StoreResult<DonorRecall> {
                let done = sqlx::query(COMPLETE).bind(id).bind(at).execute(&self.pool).await?;
                let sql = format!("select {RECALL_COLUMNS} from donor_recalls r where r.recall_id = $1");
                let row: Option<RecallRow> = sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
                let recall = DonorRecall::try_from(row.ok_or(StorageError::NotFound)?)?;
                if done.rows_affected() == 0 {
                    let status = recall.status.as_str();
                    return Err(StorageError::Conflict(format!("recall_status: the recall is {status}")));
                }
                Ok(recall)
            }
        }
    };
}

#[cfg(feature = "sqlite")]
impl_reaction_and_recall_stores!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
impl_reaction_and_recall_stores!(sqlx::Postgres);
