//! Analytics on MongoDB: raw events in the plan's `system_analytics` collection, roll-ups in
//! `system_analytics_rollups` (documents built in `docs.rs`).
//!
//! Without a replica set there is no multi-document transaction: a batch inserts its events
//! (one `insertMany`), then adds each roll-up increment with an upsert (`$inc`/`$min`/`$max`,
//! atomic per row). A retried batch whose events were all stored reports `Conflict` and adds
//! nothing again; a crash between the two steps can leave that batch's increments out of
//! the roll-ups (the raw events stay, within the retention).

mod docs;
#[cfg(test)]
mod docs_tests;

use std::sync::Arc;

use async_trait::async_trait;
use bson::{doc, Document};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::{error::ErrorKind, Collection, Database};

use self::docs::{event_doc, point_of, rollup_upsert, series_pipeline};
use super::AnalyticsStore;
use crate::{
    analytics::{
        domain::MetricEvent,
        rollup::{RollupDelta, SeriesPoint, SeriesQuery},
    },
    storage::{mongo::index, pick::BuildOn, StorageError, StoreResult},
};

const EVENTS: &str = "system_analytics";
const ROLLUPS: &str = "system_analytics_rollups";

/// The analytics store on one MongoDB database.
pub struct MongoAnalytics {
    events: Collection<Document>,
    rollups: Collection<Document>,
}

impl BuildOn<Database> for Arc<dyn AnalyticsStore> {
    fn build_on(db: &Database) -> Self {
        Arc::new(MongoAnalytics { events: db.collection(EVENTS), rollups: db.collection(ROLLUPS) })
    }

    /// Creates the indexes (idempotent): events by time for the purge, roll-ups by series.
    async fn ensure_indexes(db: &Database) -> StoreResult<()> {
        db.collection::<Document>(EVENTS)
            .create_indexes([
                index("system_analytics_timestamp", doc! { "timestamp": 1 }, false),
                index("system_analytics_metric_time", doc! { "metricName": 1, "timestamp": 1 }, false),
            ])
            .await?;
        db.collection::<Document>(ROLLUPS)
            .create_indexes([index(
                "system_analytics_rollups_series",
                doc! { "metricName": 1, "aggregationPeriod": 1, "timestamp": 1 },
                false,
            )])
            .await?;
        Ok(())
    }
}

/// `insertMany` reports duplicate keys as its own kind; the batch was stored before.
fn insert_error(err: mongodb::error::Error) -> StorageError {
    if let ErrorKind::InsertMany(e) = err.kind.as_ref() {
        if let Some(first) = e.write_errors.as_ref().and_then(|w| w.iter().find(|w| w.code == 11000)) {
            return StorageError::Conflict(first.message.clone());
        }
    }
    err.into()
}

#[async_trait]
impl AnalyticsStore for MongoAnalytics {
    async fn append(&self, events: &[MetricEvent], rollups: &[RollupDelta]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let now = crate::storage::now();
        self.events.insert_many(events.iter().map(|e| event_doc(e, now))).await.map_err(insert_error)?;
        for r in rollups {
            let (filter, update) = rollup_upsert(r, now);
            self.rollups.update_one(filter, update).upsert(true).await?;
        }
        Ok(())
    }

    async fn series(&self, q: &SeriesQuery) -> StoreResult<Vec<SeriesPoint>> {
        let docs: Vec<Document> = self.rollups.aggregate(series_pipeline(q)).await?.try_collect().await?;
        docs.iter().map(point_of).collect()
    }

    async fn purge_events_before(&self, cutoff: DateTime<Utc>) -> StoreResult<u64> {
        let done =
            self.events.delete_many(doc! { "timestamp": { "$lt": bson::DateTime::from_chrono(cutoff) } }).await?;
        Ok(done.deleted_count)
    }

    async fn count_events(&self) -> StoreResult<u64> {
        Ok(self.events.count_documents(doc! {}).await?)
    }
}
