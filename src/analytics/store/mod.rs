//! Analytics storage: raw metric events (purged after the retention) and their roll-ups (kept),
//! implemented once for SQLite and PostgreSQL (`sql.rs`, tables `analytics_events` and
//! `analytics_rollups`) and for MongoDB (`mongo/`, the plan's `system_analytics` collection for
//! raw events and `system_analytics_rollups` for roll-ups). Series are summed by the store
//! (SQL `group by`, a MongoDB aggregation pipeline) over the roll-up rows matching the filters.

#[cfg(feature = "mongodb")]
mod mongo;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    domain::MetricEvent,
    rollup::{RollupDelta, SeriesPoint, SeriesQuery},
};
use crate::storage::{pick, Backend, StoreResult};

/// Raw events and roll-ups.
#[async_trait]
pub trait AnalyticsStore: Send + Sync {
    /// Stores `events` and adds `rollups` (their increments) to the roll-up rows, atomically on
    /// SQL backends; `Conflict` when an event id is stored already.
    async fn append(&self, events: &[MetricEvent], rollups: &[RollupDelta]) -> StoreResult<()>;
    /// The series `query` asks for: one point per bucket with data, oldest first.
    async fn series(&self, query: &SeriesQuery) -> StoreResult<Vec<SeriesPoint>>;
    /// Deletes raw events that happened before `cutoff`; how many.
    async fn purge_events_before(&self, cutoff: DateTime<Utc>) -> StoreResult<u64>;
    /// How many raw events are stored.
    async fn count_events(&self) -> StoreResult<u64>;
}

/// The implementation for `backend`.
pub fn build(backend: &Backend) -> Arc<dyn AnalyticsStore> {
    pick::build(backend)
}

/// Creates the MongoDB indexes (SQL schemas come from the migrations).
pub async fn ensure_indexes(backend: &Backend) -> StoreResult<()> {
    pick::ensure_indexes::<Arc<dyn AnalyticsStore>>(backend).await
}
