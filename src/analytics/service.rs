//! Analytics use cases: turning series parameters into a store query (defaults, alignment to
//! buckets, range limits) and reading the series.

use chrono::{DateTime, Months, Utc};
use chrono_tz::Tz;

use super::{
    domain::{track_name, DayOfWeek, TimeOfDay, UserSegment},
    dto::{AnalyticsPoint, AnalyticsSeries, SeriesParams},
    error::AnalyticsError,
    period::Period,
    rollup::SeriesQuery,
    store::AnalyticsStore,
};

/// Buckets a series spans when `from` is not given.
fn default_span(period: Period, to: DateTime<Utc>) -> DateTime<Utc> {
    match period {
        Period::Minute => to - chrono::Duration::minutes(60),
        Period::Hour => to - chrono::Duration::hours(48),
        Period::Day => to - chrono::Duration::days(30),
        Period::Week => to - chrono::Duration::weeks(12),
        Period::Month => to.checked_sub_months(Months::new(12)).unwrap_or(to),
    }
}

/// The store query of `params`: `from` moved back to the start of its bucket, and refused
/// when not before `to` or spanning more than `max_points` buckets.
pub fn series_query(
    params: &SeriesParams,
    now: DateTime<Utc>,
    zone: Tz,
    max_points: u32,
) -> Result<SeriesQuery, AnalyticsError> {
    let to = params.to.unwrap_or(now);
    let from = params.from.unwrap_or_else(|| default_span(params.period, to));
    if from >= to {
        return Err(AnalyticsError::InvalidRange);
    }
    let from = params.period.bucket_start(from, zone);
    let nominal = params.period.nominal().num_seconds();
    let buckets = ((to - from).num_seconds() + nominal - 1) / nominal;
    if buckets > i64::from(max_points) {
        return Err(AnalyticsError::RangeTooLong { buckets, period: params.period.as_str(), max: max_points });
    }
    Ok(SeriesQuery {
        metric: params.metric,
        period: params.period,
        from,
        to,
        track_origin: params.track_origin.map(|t| track_name(t).to_owned()),
        department: params.department.clone(),
        user_segment: params.user_segment.map(|s| UserSegment::as_str(s).to_owned()),
        time_of_day: params.time_of_day.map(|t| TimeOfDay::as_str(t).to_owned()),
        day_of_week: params.day_of_week.map(|d| DayOfWeek::as_str(d).to_owned()),
    })
}

/// The series `query` selects, as the API shows it.
pub async fn series(store: &dyn AnalyticsStore, query: &SeriesQuery) -> Result<AnalyticsSeries, AnalyticsError> {
    let points = store.series(query).await?;
    let info = query.metric.info();
    Ok(AnalyticsSeries {
        metric_name: query.metric,
        metric_type: info.metric_type,
        category: info.category,
        unit: info.unit,
        period: query.period,
        from: query.from,
        to: query.to,
        points: points.into_iter().map(AnalyticsPoint::from).collect(),
    })
}
