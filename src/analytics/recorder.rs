//! The recorder handle tracks hold: recording an event builds it and puts it on a bounded
//! channel, never waiting — when the channel is full (the writer is behind) or closed
//! (shutting down) the event is counted as dropped (Prometheus
//! `carechat_analytics_events_dropped_total`) and logged, and the request goes on.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use prometheus::{IntCounterVec, Opts, Registry};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::domain::{Dimensions, EventContext, EventDimensions, Metric, MetricEvent};

/// Clock of the recorder (tests pass a fixed one).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Cheap, cloneable handle recording metric events off the request's critical path.
#[derive(Clone)]
pub struct Analytics {
    sender: mpsc::Sender<MetricEvent>,
    zone: Tz,
    clock: Clock,
    dropped: Arc<Dropped>,
}

impl std::fmt::Debug for Analytics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analytics").field("zone", &self.zone).field("dropped", &self.dropped.total()).finish()
    }
}

/// Events dropped, by reason, for Prometheus and the log.
pub struct Dropped {
    counter: IntCounterVec,
    total: AtomicU64,
}

impl Dropped {
    /// A counter registered in `registry` (if given).
    pub fn new(registry: Option<&Registry>) -> prometheus::Result<Self> {
        let counter = IntCounterVec::new(
            Opts::new("analytics_events_dropped_total", "Analytics events dropped, by reason"),
            &["reason"],
        )?;
        if let Some(registry) = registry {
            registry.register(Box::new(counter.clone()))?;
        }
        Ok(Self { counter, total: AtomicU64::new(0) })
    }

    /// Counts `n` events dropped for `reason`; logs the first and then every thousandth.
    pub fn add(&self, reason: &str, n: u64) {
        self.counter.with_label_values(&[reason]).inc_by(n);
        let before = self.total.fetch_add(n, Ordering::Relaxed);
        if before == 0 || (before + n) / 1000 > before / 1000 {
            log::warn!("analytics: {n} event(s) dropped ({reason}); {} dropped since start", before + n);
        }
    }

    /// Events dropped since start.
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }
}

impl Analytics {
    /// A handle sending to `sender`; time dimensions are read in `zone`.
    pub fn new(sender: mpsc::Sender<MetricEvent>, zone: Tz, clock: Clock, dropped: Arc<Dropped>) -> Self {
        Self { sender, zone, clock, dropped }
    }

    /// Adds `by` to a counter.
    pub fn counter(&self, metric: Metric, by: u64, dims: Dimensions, context: EventContext) {
        #[allow(clippy::cast_precision_loss)] // counts stay far below 2^53
        self.record(metric, by as f64, dims, context);
    }

    /// Records the level of a gauge.
    pub fn gauge(&self, metric: Metric, value: f64, dims: Dimensions, context: EventContext) {
        self.record(metric, value, dims, context);
    }

    /// Records one observation of a histogram.
    pub fn histogram(&self, metric: Metric, value: f64, dims: Dimensions, context: EventContext) {
        self.record(metric, value, dims, context);
    }

    /// Records a duration (stored in milliseconds).
    pub fn timer(&self, metric: Metric, took: Duration, dims: Dimensions, context: EventContext) {
        self.record(metric, took.as_secs_f64() * 1000.0, dims, context);
    }

    fn record(&self, metric: Metric, value: f64, dims: Dimensions, mut context: EventContext) {
        if !value.is_finite() {
            self.dropped.add("not_finite", 1);
            return;
        }
        let timestamp = (self.clock)();
        if context.source.is_empty() {
            crate::analytics::domain::track_name(metric.info().track_origin).clone_into(&mut context.source);
        }
        env!("CARGO_PKG_VERSION").clone_into(&mut context.version);
        let event = MetricEvent {
            id: Uuid::now_v7(),
            metric,
            value,
            dimensions: EventDimensions::derive(metric, dims, timestamp, self.zone),
            timestamp,
            metadata: context,
        };
        match self.sender.try_send(event) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => self.dropped.add("channel_full", 1),
            Err(mpsc::error::TrySendError::Closed(_)) => self.dropped.add("shutting_down", 1),
        }
    }
}
