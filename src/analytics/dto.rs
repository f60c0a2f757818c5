//! What the analytics routes read and answer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    domain::{Category, DayOfWeek, Metric, MetricType, TimeOfDay, TrackOrigin, UserSegment},
    period::Period,
    rollup::SeriesPoint,
};

/// Which series to read.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SeriesParams {
    /// The metric (see `GET /api/v1/analytics/metrics`).
    #[param(inline)]
    pub metric: Metric,
    /// Bucket length.
    #[param(inline)]
    pub period: Period,
    /// Start of the range (its bucket included); default: a period-dependent span before `to`
    /// (60 minutes, 48 hours, 30 days, 12 weeks or 12 months).
    pub from: Option<DateTime<Utc>>,
    /// End of the range, exclusive; default: now.
    pub to: Option<DateTime<Utc>>,
    /// Only events of this track.
    #[param(inline)]
    pub track_origin: Option<TrackOrigin>,
    /// Only events of this department (provider, for provider metrics); exact match.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub department: Option<String>,
    /// Only events caused by this segment.
    #[param(inline)]
    pub user_segment: Option<UserSegment>,
    /// Only events in this part of the day (clinic time).
    #[param(inline)]
    pub time_of_day: Option<TimeOfDay>,
    /// Only events on this day of the week (clinic time).
    #[param(inline)]
    pub day_of_week: Option<DayOfWeek>,
}

/// A metric of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsMetricView {
    /// `metricName`, the `metric` parameter of a series.
    pub metric_name: Metric,
    /// Type.
    pub metric_type: MetricType,
    /// Category.
    pub category: Category,
    /// Track recording it.
    pub track_origin: TrackOrigin,
    /// Unit of the values.
    pub unit: &'static str,
    /// What one event means.
    pub description: &'static str,
}

impl From<Metric> for AnalyticsMetricView {
    fn from(metric: Metric) -> Self {
        let i = metric.info();
        Self {
            metric_name: metric,
            metric_type: i.metric_type,
            category: i.category,
            track_origin: i.track_origin,
            unit: i.unit,
            description: i.description,
        }
    }
}

/// The metric catalogue and the ways to slice it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsCatalogue {
    /// Every metric.
    pub metrics: Vec<AnalyticsMetricView>,
    /// Roll-up periods.
    pub periods: Vec<Period>,
    /// Days raw events are kept (roll-ups are kept for good).
    pub retention_days: u32,
}

/// One bucket of a series.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsPoint {
    /// First instant of the bucket.
    pub bucket_start: DateTime<Utc>,
    /// Events in the bucket.
    pub count: i64,
    /// Sum of their values (counters: the total).
    pub sum: f64,
    /// Mean value.
    pub avg: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl From<SeriesPoint> for AnalyticsPoint {
    fn from(p: SeriesPoint) -> Self {
        let s = p.stats;
        #[allow(clippy::cast_precision_loss)] // counts stay far below 2^53
        let avg = if s.count > 0 { s.sum / s.count as f64 } else { 0.0 };
        Self { bucket_start: p.bucket_start, count: s.count, sum: s.sum, avg, min: s.min, max: s.max }
    }
}

/// A time series: buckets with data, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsSeries {
    /// The metric.
    pub metric_name: Metric,
    /// Its type.
    pub metric_type: MetricType,
    /// Its category.
    pub category: Category,
    /// Its unit.
    pub unit: &'static str,
    /// Bucket length.
    pub period: Period,
    /// Start of the first bucket the range covers.
    pub from: DateTime<Utc>,
    /// End of the range (exclusive).
    pub to: DateTime<Utc>,
    /// The buckets.
    pub points: Vec<AnalyticsPoint>,
}
