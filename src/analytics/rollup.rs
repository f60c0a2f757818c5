//! Roll-ups: what the store keeps per metric, period, bucket and combination of dimensions
//! (count, sum, min, max; averages are derived), and the pure function turning a batch of
//! events into the increments the store adds to them. The store adds them with an upsert
//! (SQL `on conflict do update`, MongoDB `$inc`/`$min`/`$max`), so roll-ups grow incrementally
//! and survive the purge of raw events.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{
    domain::{category_name, type_name, EventDimensions, Metric, MetricEvent},
    period::Period,
};

/// Which roll-up row an increment goes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RollupKey {
    /// `metricName`.
    pub metric_name: &'static str,
    /// `aggregationPeriod`.
    pub period: Period,
    /// First instant of the bucket.
    pub bucket_start: DateTime<Utc>,
    /// Every dimension (absent ones `""`).
    pub dimensions: EventDimensions,
}

/// Statistics of one roll-up row, or the increment a batch adds to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Events.
    pub count: i64,
    /// Sum of their values.
    pub sum: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Stats {
    fn of(value: f64) -> Self {
        Self { count: 1, sum: value, min: value, max: value }
    }

    /// Both together.
    pub fn merge(self, other: Self) -> Self {
        Self {
            count: self.count + other.count,
            sum: self.sum + other.sum,
            min: self.min.min(other.min),
            max: self.max.max(other.max),
        }
    }
}

/// An increment of one roll-up row.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupDelta {
    /// The row.
    pub key: RollupKey,
    /// `metricType` (stored name).
    pub metric_type: &'static str,
    /// `category` (stored name).
    pub category: &'static str,
    /// What to add.
    pub stats: Stats,
}

/// The increments `events` add to the roll-ups of every period, one per row, in key order
/// (a stable order keeps concurrent writers from deadlocking on SQL row locks).
pub fn rollup(events: &[MetricEvent], zone: Tz) -> Vec<RollupDelta> {
    let mut rows: BTreeMap<RollupKey, (Metric, Stats)> = BTreeMap::new();
    for event in events {
        for period in Period::ALL {
            let key = RollupKey {
                metric_name: event.metric.as_str(),
                period,
                bucket_start: period.bucket_start(event.timestamp, zone),
                dimensions: event.dimensions.clone(),
            };
            let stats = Stats::of(event.value);
            rows.entry(key).and_modify(|(_, s)| *s = s.merge(stats)).or_insert((event.metric, stats));
        }
    }
    rows.into_iter()
        .map(|(key, (metric, stats))| {
            let info = metric.info();
            RollupDelta { key, metric_type: type_name(info.metric_type), category: category_name(info.category), stats }
        })
        .collect()
}

/// What a series is read from: one metric and period, buckets starting in `[from, to)`,
/// restricted to the dimension values given.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesQuery {
    /// The metric.
    pub metric: Metric,
    /// Bucket length.
    pub period: Period,
    /// Buckets starting at or after.
    pub from: DateTime<Utc>,
    /// Buckets starting before.
    pub to: DateTime<Utc>,
    /// Only this `trackOrigin`.
    pub track_origin: Option<String>,
    /// Only this `department`.
    pub department: Option<String>,
    /// Only this `userSegment`.
    pub user_segment: Option<String>,
    /// Only this `timeOfDay`.
    pub time_of_day: Option<String>,
    /// Only this `dayOfWeek`.
    pub day_of_week: Option<String>,
}

/// One bucket of a series: the matching roll-up rows summed by the store.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    /// First instant of the bucket.
    pub bucket_start: DateTime<Utc>,
    /// The bucket's statistics.
    pub stats: Stats,
}
