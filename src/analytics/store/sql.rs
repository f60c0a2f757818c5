//! Analytics on SQLite and PostgreSQL: one implementation in the SQL both dialects share,
//! instantiated per pool type by `impl_analytics_store!`. A batch (its events and its roll-up
//! increments) is one transaction, so a retried batch either finds its events (`Conflict`) or
//! adds its increments exactly once.
//!
//! Encodings: UUIDs native `uuid` / 16-byte BLOBs; timestamps `timestamptz` / RFC 3339 TEXT
//! (UTC, so TEXT sorts in time order); metadata `jsonb` / JSON TEXT; absent dimensions `''`.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{types::Json, Pool};

use super::AnalyticsStore;
use crate::{
    analytics::{
        domain::{category_name, type_name, MetricEvent},
        rollup::{RollupDelta, SeriesPoint, SeriesQuery, Stats},
    },
    storage::{pick::BuildOn, StoreResult},
};

const INSERT_EVENT: &str = "insert into analytics_events (analytics_id, metric_name, metric_type, category, value, \
    track_origin, department, user_segment, time_of_day, day_of_week, metadata, occurred_at, created_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
/// Adds an increment to a roll-up row, creating it when missing (`case` rather than
/// `least`/`min` because the two dialects name the two-argument minimum differently).
const UPSERT_ROLLUP: &str = "insert into analytics_rollups (metric_name, period, bucket_start, track_origin, \
    department, user_segment, time_of_day, day_of_week, metric_type, category, count, sum, min, max, updated_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
    on conflict (metric_name, period, bucket_start, track_origin, department, user_segment, time_of_day, \
    day_of_week) do update set count = analytics_rollups.count + excluded.count, \
    sum = analytics_rollups.sum + excluded.sum, \
    min = case when excluded.min < analytics_rollups.min then excluded.min else analytics_rollups.min end, \
    max = case when excluded.max > analytics_rollups.max then excluded.max else analytics_rollups.max end, \
    updated_at = excluded.updated_at";
const SERIES: &str = "select bucket_start, cast(sum(count) as bigint), sum(sum), min(min), max(max) \
    from analytics_rollups where metric_name = $1 and period = $2 and bucket_start >= $3 and bucket_start < $4 \
    and ($5 is null or track_origin = $5) and ($6 is null or department = $6) \
    and ($7 is null or user_segment = $7) and ($8 is null or time_of_day = $8) \
    and ($9 is null or day_of_week = $9) group by bucket_start order by bucket_start";

type PointRow = (DateTime<Utc>, i64, f64, f64, f64);

/// The analytics store over one SQL pool.
pub struct SqlAnalytics<DB: sqlx::Database> {
    pool: Pool<DB>,
}

impl<DB: sqlx::Database> BuildOn<Pool<DB>> for Arc<dyn AnalyticsStore>
where
    SqlAnalytics<DB>: AnalyticsStore,
{
    fn build_on(pool: &Pool<DB>) -> Self {
        Arc::new(SqlAnalytics { pool: pool.clone() })
    }
}

fn point((bucket_start, count, sum, min, max): PointRow) -> SeriesPoint {
    SeriesPoint { bucket_start, stats: Stats { count, sum, min, max } }
}

macro_rules! impl_analytics_store {
    ($db:ty) => {
        #[async_trait]
        impl AnalyticsStore for SqlAnalytics<$db> {
            async fn append(&self, events: &[MetricEvent], rollups: &[RollupDelta]) -> StoreResult<()> {
                let now = crate::storage::now();
                let mut tx = self.pool.begin().await?;
                for e in events {
                    let info = e.metric.info();
                    let d = &e.dimensions;
                    sqlx::query(INSERT_EVENT)
                        .bind(e.id)
                        .bind(e.metric.as_str())
                        .bind(type_name(info.metric_type))
                        .bind(category_name(info.category))
                        .bind(e.value)
                        .bind(&d.track_origin)
                        .bind(&d.department)
                        .bind(&d.user_segment)
                        .bind(&d.time_of_day)
                        .bind(&d.day_of_week)
                        .bind(Json(&e.metadata))
                        .bind(e.timestamp)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                for r in rollups {
                    let (k, d, s) = (&r.key, &r.key.dimensions, r.stats);
                    sqlx::query(UPSERT_ROLLUP)
                        .bind(k.metric_name)
                        .bind(k.period.as_str())
                        .bind(k.bucket_start)
                        .bind(&d.track_origin)
                        .bind(&d.department)
                        .bind(&d.user_segment)
                        .bind(&d.time_of_day)
                        .bind(&d.day_of_week)
                        .bind(r.metric_type)
                        .bind(r.category)
                        .bind(s.count)
                        .bind(s.sum)
                        .bind(s.min)
                        .bind(s.max)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn series(&self, q: &SeriesQuery) -> StoreResult<Vec<SeriesPoint>> {
                let rows: Vec<PointRow> = sqlx::query_as(SERIES)
                    .bind(q.metric.as_str())
                    .bind(q.period.as_str())
                    .bind(q.from)
                    .bind(q.to)
                    .bind(&q.track_origin)
                    .bind(&q.department)
                    .bind(&q.user_segment)
                    .bind(&q.time_of_day)
                    .bind(&q.day_of_week)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(point).collect())
            }

            async fn purge_events_before(&self, cutoff: DateTime<Utc>) -> StoreResult<u64> {
                let done = sqlx::query("delete from analytics_events where occurred_at < $1")
                    .bind(cutoff)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn count_events(&self) -> StoreResult<u64> {
                let (n,): (i64,) =
                    sqlx::query_as("select count(*) from analytics_events").fetch_one(&self.pool).await?;
                Ok(u64::try_from(n).unwrap_or_default())
            }
        }
    };
}

#[cfg(feature = "sqlite")]
impl_analytics_store!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
impl_analytics_store!(sqlx::Postgres);
