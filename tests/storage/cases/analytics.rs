//! Analytics store cases: the same fixture events give the same series on every backend, per
//! period and dimension filter; batches add up incrementally; a replayed batch is refused
//! without counting twice; the purge deletes raw events and keeps the roll-ups.

use std::sync::Arc;

use carechat::{
    analytics::{
        domain::{Dimensions, EventContext, EventDimensions, Metric, MetricEvent, UserSegment},
        period::Period,
        rollup::{rollup, SeriesQuery, Stats},
        store::{build as build_store, ensure_indexes, AnalyticsStore},
    },
    storage::{Backend, StorageError},
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

async fn build(backend: &Backend) -> Arc<dyn AnalyticsStore> {
    ensure_indexes(backend).await.expect("indexes");
    build_store(backend)
}

conformance!(
    build,
    [
        fixture_series_match_per_period,
        dimension_filters_select_their_events,
        batches_add_up_incrementally,
        a_replayed_batch_is_refused_and_counts_once,
        the_range_is_half_open_on_bucket_starts,
        the_purge_deletes_raw_events_and_keeps_rollups,
    ]
);

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn event(metric: Metric, value: f64, time: &str, segment: UserSegment, department: Option<&str>) -> MetricEvent {
    let timestamp = at(time);
    let mut dims = Dimensions::segment(segment);
    dims.department = department.map(str::to_owned);
    MetricEvent {
        id: Uuid::now_v7(),
        metric,
        value,
        dimensions: EventDimensions::derive(metric, dims, timestamp, Tz::UTC),
        timestamp,
        metadata: EventContext { source: "test".into(), version: "0".into(), ..Default::default() },
    }
}

/// Latencies over two days: Thursday 26 (morning and evening) and Friday 27 November 2026.
fn fixture() -> Vec<MetricEvent> {
    use UserSegment::{Assistant, Patient};
    let m = Metric::ProviderLatencyMs;
    vec![
        event(m, 100.0, "2026-11-26T08:00:10Z", Assistant, Some("groq")),
        event(m, 300.0, "2026-11-26T08:00:50Z", Assistant, Some("groq")),
        event(m, 50.5, "2026-11-26T08:59:59Z", Assistant, Some("local")),
        event(m, 1000.0, "2026-11-26T19:30:00Z", Patient, Some("gemini")),
        event(m, 25.0, "2026-11-27T09:15:00Z", Assistant, Some("groq")),
        event(Metric::MessagesSent, 1.0, "2026-11-26T08:00:10Z", Patient, None),
    ]
}

async fn append(store: &dyn AnalyticsStore, events: &[MetricEvent]) {
    store.append(events, &rollup(events, Tz::UTC)).await.unwrap();
}

fn query(metric: Metric, period: Period, from: &str, to: &str) -> SeriesQuery {
    SeriesQuery {
        metric,
        period,
        from: at(from),
        to: at(to),
        track_origin: None,
        department: None,
        user_segment: None,
        time_of_day: None,
        day_of_week: None,
    }
}

fn stats(count: i64, sum: f64, min: f64, max: f64) -> Stats {
    Stats { count, sum, min, max }
}

async fn series(store: &dyn AnalyticsStore, q: &SeriesQuery) -> Vec<(DateTime<Utc>, Stats)> {
    store.series(q).await.unwrap().into_iter().map(|p| (p.bucket_start, p.stats)).collect()
}

async fn fixture_series_match_per_period(store: &Arc<dyn AnalyticsStore>) {
    let events = fixture();
    // Two batches: roll-ups are incremented, not recomputed.
    append(store.as_ref(), &events[..3]).await;
    append(store.as_ref(), &events[3..]).await;
    let (from, to) = ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
    let m = Metric::ProviderLatencyMs;
    assert_eq!(
        series(store.as_ref(), &query(m, Period::Minute, from, to)).await,
        [
            (at("2026-11-26T08:00:00Z"), stats(2, 400.0, 100.0, 300.0)),
            (at("2026-11-26T08:59:00Z"), stats(1, 50.5, 50.5, 50.5)),
            (at("2026-11-26T19:30:00Z"), stats(1, 1000.0, 1000.0, 1000.0)),
            (at("2026-11-27T09:15:00Z"), stats(1, 25.0, 25.0, 25.0)),
        ]
    );
    assert_eq!(
        series(store.as_ref(), &query(m, Period::Hour, from, to)).await,
        [
            (at("2026-11-26T08:00:00Z"), stats(3, 450.5, 50.5, 300.0)),
            (at("2026-11-26T19:00:00Z"), stats(1, 1000.0, 1000.0, 1000.0)),
            (at("2026-11-27T09:00:00Z"), stats(1, 25.0, 25.0, 25.0)),
        ]
    );
    assert_eq!(
        series(store.as_ref(), &query(m, Period::Day, from, to)).await,
        [
            (at("2026-11-26T00:00:00Z"), stats(4, 1450.5, 50.5, 1000.0)),
            (at("2026-11-27T00:00:00Z"), stats(1, 25.0, 25.0, 25.0)),
        ]
    );
    let whole = [(at("2026-11-23T00:00:00Z"), stats(5, 1475.5, 25.0, 1000.0))];
    assert_eq!(series(store.as_ref(), &query(m, Period::Week, from, to)).await, whole);
    let month = series(store.as_ref(), &query(m, Period::Month, from, to)).await;
    assert_eq!(month, [(at("2026-11-01T00:00:00Z"), stats(5, 1475.5, 25.0, 1000.0))]);
    let messages = series(store.as_ref(), &query(Metric::MessagesSent, Period::Day, from, to)).await;
    assert_eq!(messages, [(at("2026-11-26T00:00:00Z"), stats(1, 1.0, 1.0, 1.0))]);
    assert_eq!(store.count_events().await.unwrap(), 6);
}

async fn dimension_filters_select_their_events(store: &Arc<dyn AnalyticsStore>) {
    append(store.as_ref(), &fixture()).await;
    let base = query(Metric::ProviderLatencyMs, Period::Week, "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z");
    let week = at("2026-11-23T00:00:00Z");
    let groq = SeriesQuery { department: Some("groq".into()), ..base.clone() };
    assert_eq!(series(store.as_ref(), &groq).await, [(week, stats(3, 425.0, 25.0, 300.0))]);
    let patient = SeriesQuery { user_segment: Some("patient".into()), ..base.clone() };
    assert_eq!(series(store.as_ref(), &patient).await, [(week, stats(1, 1000.0, 1000.0, 1000.0))]);
    let evening = SeriesQuery { time_of_day: Some("evening".into()), ..base.clone() };
    assert_eq!(series(store.as_ref(), &evening).await, [(week, stats(1, 1000.0, 1000.0, 1000.0))]);
    let friday = SeriesQuery { day_of_week: Some("friday".into()), ..base.clone() };
    assert_eq!(series(store.as_ref(), &friday).await, [(week, stats(1, 25.0, 25.0, 25.0))]);
    let thursday_groq = SeriesQuery {
        day_of_week: Some("thursday".into()),
        department: Some("groq".into()),
        track_origin: Some("track2".into()),
        ..base.clone()
    };
    assert_eq!(series(store.as_ref(), &thursday_groq).await, [(week, stats(2, 400.0, 100.0, 300.0))]);
    let other_track = SeriesQuery { track_origin: Some("track1".into()), ..base };
    assert_eq!(series(store.as_ref(), &other_track).await, []);
}

async fn batches_add_up_incrementally(store: &Arc<dyn AnalyticsStore>) {
    let m = Metric::NpsScore;
    for (value, time) in [(9.0, "2026-11-26T10:00:00Z"), (3.0, "2026-11-26T11:00:00Z"), (10.0, "2026-11-26T12:00:00Z")]
    {
        append(store.as_ref(), &[event(m, value, time, UserSegment::Patient, Some("cardiology"))]).await;
    }
    let q = query(m, Period::Day, "2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z");
    assert_eq!(series(store.as_ref(), &q).await, [(at("2026-11-26T00:00:00Z"), stats(3, 22.0, 3.0, 10.0))]);
}

async fn a_replayed_batch_is_refused_and_counts_once(store: &Arc<dyn AnalyticsStore>) {
    let events = fixture();
    append(store.as_ref(), &events).await;
    let replay = store.append(&events, &rollup(&events, Tz::UTC)).await;
    assert!(matches!(replay, Err(StorageError::Conflict(_))), "{replay:?}");
    let q = query(Metric::ProviderLatencyMs, Period::Month, "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
    assert_eq!(series(store.as_ref(), &q).await, [(at("2026-11-01T00:00:00Z"), stats(5, 1475.5, 25.0, 1000.0))]);
    assert_eq!(store.count_events().await.unwrap(), 6);
}

async fn the_range_is_half_open_on_bucket_starts(store: &Arc<dyn AnalyticsStore>) {
    append(store.as_ref(), &fixture()).await;
    let m = Metric::ProviderLatencyMs;
    // From 08:00 included, to 19:00 excluded: the 19:00 bucket is out.
    let q = query(m, Period::Hour, "2026-11-26T08:00:00Z", "2026-11-26T19:00:00Z");
    assert_eq!(series(store.as_ref(), &q).await, [(at("2026-11-26T08:00:00Z"), stats(3, 450.5, 50.5, 300.0))]);
    let q = query(m, Period::Hour, "2026-11-26T08:00:01Z", "2026-11-26T19:00:01Z");
    assert_eq!(series(store.as_ref(), &q).await, [(at("2026-11-26T19:00:00Z"), stats(1, 1000.0, 1000.0, 1000.0))]);
}

async fn the_purge_deletes_raw_events_and_keeps_rollups(store: &Arc<dyn AnalyticsStore>) {
    append(store.as_ref(), &fixture()).await;
    assert_eq!(store.purge_events_before(at("2026-11-27T00:00:00Z")).await.unwrap(), 5);
    assert_eq!(store.count_events().await.unwrap(), 1);
    assert_eq!(store.purge_events_before(at("2026-11-27T00:00:00Z")).await.unwrap(), 0);
    let q = query(Metric::ProviderLatencyMs, Period::Day, "2026-11-26T00:00:00Z", "2026-11-28T00:00:00Z");
    assert_eq!(series(store.as_ref(), &q).await.len(), 2);
}
