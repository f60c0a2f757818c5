use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{
    domain::{Metric, TrackOrigin, UserSegment},
    dto::SeriesParams,
    error::AnalyticsError,
    period::Period,
    service::series_query,
};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn params(period: Period, from: Option<&str>, to: Option<&str>) -> SeriesParams {
    SeriesParams {
        metric: Metric::MessagesSent,
        period,
        from: from.map(at),
        to: to.map(at),
        track_origin: Some(TrackOrigin::Track2),
        department: None,
        user_segment: Some(UserSegment::Patient),
        time_of_day: None,
        day_of_week: None,
    }
}

#[test]
fn from_moves_back_to_its_bucket_and_filters_carry_stored_names() {
    let q = series_query(
        &params(Period::Hour, Some("2026-11-26T10:30:00Z"), Some("2026-11-26T12:00:00Z")),
        at("2026-11-27T00:00:00Z"),
        Tz::UTC,
        100,
    )
    .unwrap();
    assert_eq!((q.from, q.to), (at("2026-11-26T10:00:00Z"), at("2026-11-26T12:00:00Z")));
    assert_eq!((q.track_origin.as_deref(), q.user_segment.as_deref()), (Some("track2"), Some("patient")));
}

#[test]
fn defaults_end_now_and_span_a_period_dependent_range() {
    let now = at("2026-11-26T10:30:00Z");
    let q = series_query(&params(Period::Day, None, None), now, Tz::UTC, 100).unwrap();
    assert_eq!((q.from, q.to), (at("2026-10-27T00:00:00Z"), now));
    let q = series_query(&params(Period::Month, None, None), now, Tz::UTC, 100).unwrap();
    assert_eq!(q.from, at("2025-11-01T00:00:00Z"));
}

#[test]
fn empty_reversed_and_too_long_ranges_are_refused() {
    let now = at("2026-11-26T10:30:00Z");
    let same = params(Period::Minute, Some("2026-11-26T10:00:00Z"), Some("2026-11-26T10:00:00Z"));
    assert!(matches!(series_query(&same, now, Tz::UTC, 100), Err(AnalyticsError::InvalidRange)));
    let long = params(Period::Minute, Some("2026-11-25T10:00:00Z"), Some("2026-11-26T10:00:00Z"));
    assert!(matches!(
        series_query(&long, now, Tz::UTC, 1000),
        Err(AnalyticsError::RangeTooLong { buckets: 1440, max: 1000, .. })
    ));
    assert!(series_query(&long, now, Tz::UTC, 1440).is_ok());
}
