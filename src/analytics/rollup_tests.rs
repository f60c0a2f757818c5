use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::{
    domain::{Dimensions, EventContext, EventDimensions, Metric, MetricEvent, UserSegment},
    period::Period,
    rollup::{rollup, Stats},
};

fn event(metric: Metric, value: f64, at: &str, segment: UserSegment) -> MetricEvent {
    let timestamp: DateTime<Utc> = at.parse().unwrap();
    MetricEvent {
        id: Uuid::now_v7(),
        metric,
        value,
        dimensions: EventDimensions::derive(metric, Dimensions::segment(segment), timestamp, Tz::UTC),
        timestamp,
        metadata: EventContext::default(),
    }
}

#[test]
fn dimensions_are_derived_in_the_clinic_zone() {
    let t: DateTime<Utc> = "2026-11-29T23:30:00Z".parse().unwrap(); // Sunday night in UTC
    let tokyo: Tz = "Asia/Tokyo".parse().unwrap(); // Monday 08:30
    let d =
        EventDimensions::derive(Metric::NpsScore, Dimensions::segment(UserSegment::Patient).department("er"), t, tokyo);
    assert_eq!((d.track_origin.as_str(), d.department.as_str(), d.user_segment.as_str()), ("track1", "er", "patient"));
    assert_eq!((d.time_of_day.as_str(), d.day_of_week.as_str()), ("morning", "monday"));
    let utc = EventDimensions::derive(Metric::MessagesSent, Dimensions::default(), t, Tz::UTC);
    assert_eq!(
        (utc.time_of_day.as_str(), utc.day_of_week.as_str(), utc.department.as_str()),
        ("evening", "sunday", "")
    );
}

#[test]
fn a_batch_becomes_one_increment_per_row_and_period() {
    let events = [
        event(Metric::ProviderLatencyMs, 120.0, "2026-11-26T10:00:05Z", UserSegment::Assistant),
        event(Metric::ProviderLatencyMs, 80.0, "2026-11-26T10:00:50Z", UserSegment::Assistant),
        event(Metric::ProviderLatencyMs, 200.0, "2026-11-26T10:01:10Z", UserSegment::Assistant),
    ];
    let deltas = rollup(&events, Tz::UTC);
    let of = |p: Period| deltas.iter().filter(|d| d.key.period == p).map(|d| d.stats).collect::<Vec<_>>();
    assert_eq!(
        of(Period::Minute),
        [Stats { count: 2, sum: 200.0, min: 80.0, max: 120.0 }, Stats { count: 1, sum: 200.0, min: 200.0, max: 200.0 }]
    );
    for p in [Period::Hour, Period::Day, Period::Week, Period::Month] {
        assert_eq!(of(p), [Stats { count: 3, sum: 400.0, min: 80.0, max: 200.0 }], "{p:?}");
    }
    assert!(deltas.iter().all(|d| d.metric_type == "timer" && d.category == "message_analytics"));
}

#[test]
fn different_dimensions_stay_apart() {
    let events = [
        event(Metric::MessagesSent, 1.0, "2026-11-26T10:00:05Z", UserSegment::Patient),
        event(Metric::MessagesSent, 1.0, "2026-11-26T10:00:06Z", UserSegment::Assistant),
    ];
    let day: Vec<_> = rollup(&events, Tz::UTC).into_iter().filter(|d| d.key.period == Period::Day).collect();
    assert_eq!(day.len(), 2);
    assert!(day.iter().all(|d| d.stats.count == 1));
}

#[test]
fn increments_merge_like_the_stores_do() {
    let a = Stats { count: 2, sum: 5.0, min: 1.0, max: 4.0 };
    let b = Stats { count: 1, sum: 9.0, min: 9.0, max: 9.0 };
    assert_eq!(a.merge(b), Stats { count: 3, sum: 14.0, min: 1.0, max: 9.0 });
}
