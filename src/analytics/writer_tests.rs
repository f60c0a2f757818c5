use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{
    domain::{Dimensions, EventContext, Metric, UserSegment},
    period::Period,
    rollup::SeriesQuery,
    store::{self, AnalyticsStore},
    AnalyticsModule,
};
use crate::{
    config::AnalyticsSettings,
    storage::{testing::TestBackend, BackendKind},
};

fn settings(queue_capacity: usize) -> AnalyticsSettings {
    AnalyticsSettings {
        queue_capacity,
        batch_size: 100,
        flush_interval_ms: 3_600_000,
        max_pending: 1000,
        retention_days: 30,
        purge_interval_secs: 3600,
        max_series_points: 1000,
    }
}

/// A clock tests move by hand.
fn clock(start: &str) -> (Arc<AtomicI64>, super::recorder::Clock) {
    let millis = Arc::new(AtomicI64::new(start.parse::<DateTime<Utc>>().unwrap().timestamp_millis()));
    let read = millis.clone();
    (millis, Arc::new(move || DateTime::from_timestamp_millis(read.load(Ordering::SeqCst)).unwrap()))
}

fn day_query(from: &str, to: &str) -> SeriesQuery {
    SeriesQuery {
        metric: Metric::MessagesSent,
        period: Period::Day,
        from: from.parse().unwrap(),
        to: to.parse().unwrap(),
        track_origin: None,
        department: None,
        user_segment: None,
        time_of_day: None,
        day_of_week: None,
    }
}

async fn run_until_stopped(module: AnalyticsModule, before_stop: Duration) {
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let writer = tokio::spawn(module.writer.run(async {
        let _ = stopping.await;
    }));
    tokio::time::sleep(before_stop).await;
    stop.send(()).unwrap();
    writer.await.unwrap();
}

fn record(module: &AnalyticsModule, n: usize) {
    for _ in 0..n {
        module.recorder.counter(
            Metric::MessagesSent,
            1,
            Dimensions::segment(UserSegment::Patient),
            EventContext::default(),
        );
    }
}

#[tokio::test]
async fn stopping_writes_every_queued_event() {
    let test = TestBackend::new(BackendKind::Sqlite).await.unwrap();
    let store = store::build(&test.backend);
    let (_, now) = clock("2026-11-26T10:00:00Z");
    let module = AnalyticsModule::with_clock(store.clone(), &settings(1000), Tz::UTC, None, now).unwrap();
    record(&module, 250);
    // The flush interval is an hour: only the shutdown drain can write these.
    run_until_stopped(module, Duration::from_millis(50)).await;
    assert_eq!(store.count_events().await.unwrap(), 250);
    let points = store.series(&day_query("2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z")).await.unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!((points[0].stats.count, points[0].stats.sum), (250, 250.0));
}

#[tokio::test]
async fn a_full_queue_drops_and_counts_without_waiting() {
    let test = TestBackend::new(BackendKind::Sqlite).await.unwrap();
    let (_, now) = clock("2026-11-26T10:00:00Z");
    let module = AnalyticsModule::with_clock(store::build(&test.backend), &settings(3), Tz::UTC, None, now).unwrap();
    let started = std::time::Instant::now();
    record(&module, 10);
    assert!(started.elapsed() < Duration::from_millis(100));
    assert_eq!(format!("{:?}", module.recorder), "Analytics { zone: UTC, dropped: 7 }");
}

#[tokio::test]
async fn the_purge_deletes_old_raw_events_and_keeps_rollups() {
    let test = TestBackend::new(BackendKind::Sqlite).await.unwrap();
    let store: Arc<dyn AnalyticsStore> = store::build(&test.backend);
    let (millis, now) = clock("2026-08-01T10:00:00Z");
    let first = AnalyticsModule::with_clock(store.clone(), &settings(1000), Tz::UTC, None, now.clone()).unwrap();
    record(&first, 5);
    run_until_stopped(first, Duration::from_millis(20)).await;
    assert_eq!(store.count_events().await.unwrap(), 5);

    millis.fetch_add(chrono::Duration::days(31).num_milliseconds(), Ordering::SeqCst);
    // A purge runs when the writer starts, then every purge interval.
    let later = AnalyticsModule::with_clock(store.clone(), &settings(1000), Tz::UTC, None, now).unwrap();
    run_until_stopped(later, Duration::from_millis(200)).await;
    assert_eq!(store.count_events().await.unwrap(), 0);
    let points = store.series(&day_query("2026-08-01T00:00:00Z", "2026-08-02T00:00:00Z")).await.unwrap();
    assert_eq!(points.iter().map(|p| p.stats.count).sum::<i64>(), 5);
}
