//! `[analytics]`: how the system-analytics recorder queues and writes metric events, how long
//! raw events are kept (roll-ups are kept for good) and how long a series may be.

use serde::Deserialize;

/// `[analytics]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsSettings {
    /// Events the in-memory queue holds; when full, new events are dropped and counted.
    pub queue_capacity: usize,
    /// Events written to the store in one batch.
    pub batch_size: usize,
    /// Longest an event waits in the queue before being written, in milliseconds.
    pub flush_interval_ms: u64,
    /// Most events kept in memory while the store is failing.
    pub max_pending: usize,
    /// Days raw events are kept before the purge deletes them.
    pub retention_days: u32,
    /// Seconds between two purges of raw events.
    pub purge_interval_secs: u64,
    /// Most buckets one series request may span.
    pub max_series_points: u32,
}

impl AnalyticsSettings {
    /// Checks the values; `(key, message)` on the first problem.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let err = |key: &str, message: &str| Err((format!("analytics.{key}"), message.to_owned()));
        if self.queue_capacity == 0 || self.batch_size == 0 || self.max_pending < self.batch_size {
            return err(
                "max_pending",
                "queue_capacity and batch_size must be at least 1, max_pending at least batch_size",
            );
        }
        if self.flush_interval_ms == 0 || self.purge_interval_secs == 0 {
            return err("flush_interval_ms", "flush_interval_ms and purge_interval_secs must be at least 1");
        }
        if self.retention_days == 0 {
            return err("retention_days", "must be at least 1");
        }
        if self.max_series_points == 0 {
            return err("max_series_points", "must be at least 1");
        }
        Ok(())
    }
}
