//! System analytics (the plan's `system_analytics`), cross-track and always compiled: tracks
//! record metric events through the cheap [`Analytics`] handle (counters, gauges, histograms,
//! timers with the plan's categories and dimensions); a background [`writer::Writer`] drains
//! them in batches into the analytics store, which keeps raw events for the retention and rolls
//! them up per minute/hour/day/week/month; staff read series at `/api/v1/analytics`.

pub mod domain;
pub mod dto;
pub mod error;
pub mod period;
#[cfg(test)]
mod period_tests;
pub mod recorder;
pub mod rollup;
#[cfg(test)]
mod rollup_tests;
mod routes;
pub mod service;
#[cfg(test)]
mod service_tests;
pub mod store;
pub mod writer;
#[cfg(test)]
mod writer_tests;

use std::sync::Arc;

use chrono_tz::Tz;
use tokio::sync::mpsc;

pub use self::{
    domain::{Dimensions, EventContext, Metric, UserSegment},
    recorder::Analytics,
    routes::configure,
};
use self::{
    recorder::{Clock, Dropped},
    store::AnalyticsStore,
    writer::{Writer, WriterSettings},
};
use crate::{config::AnalyticsSettings, storage::Backend};

/// What the analytics routes need (app data).
pub struct AnalyticsState {
    /// Raw events and roll-ups.
    pub store: Arc<dyn AnalyticsStore>,
    /// `[analytics]`.
    pub settings: AnalyticsSettings,
    /// The clinic's time zone: buckets and time dimensions follow its calendar.
    pub zone: Tz,
    /// The current time.
    pub clock: Clock,
}

/// The recorder handle, the route state and the writer to start.
pub struct AnalyticsModule {
    /// Route state.
    pub state: Arc<AnalyticsState>,
    /// The handle tracks record with.
    pub recorder: Analytics,
    /// The background writer, to run until shutdown ([`Writer::run`]).
    pub writer: Writer,
}

impl AnalyticsModule {
    /// The recorder over `backend`; its dropped-events counter goes to `registry`.
    pub fn init(
        backend: &Backend,
        settings: &AnalyticsSettings,
        zone: Tz,
        registry: Option<&prometheus::Registry>,
    ) -> anyhow::Result<Self> {
        Self::with_clock(store::build(backend), settings, zone, registry, Arc::new(crate::storage::now))
    }

    /// [`AnalyticsModule::init`] over a given store and clock.
    pub fn with_clock(
        store: Arc<dyn AnalyticsStore>,
        settings: &AnalyticsSettings,
        zone: Tz,
        registry: Option<&prometheus::Registry>,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let dropped = Arc::new(Dropped::new(registry)?);
        let (sender, receiver) = mpsc::channel(settings.queue_capacity);
        let writer_settings = WriterSettings {
            batch_size: settings.batch_size,
            flush_interval: std::time::Duration::from_millis(settings.flush_interval_ms),
            max_pending: settings.max_pending,
            retention: chrono::Duration::days(i64::from(settings.retention_days)),
            purge_interval: std::time::Duration::from_secs(settings.purge_interval_secs),
        };
        let writer = Writer::new(receiver, store.clone(), zone, writer_settings, dropped.clone(), clock.clone());
        Ok(Self {
            state: Arc::new(AnalyticsState { store, settings: settings.clone(), zone, clock: clock.clone() }),
            recorder: Analytics::new(sender, zone, clock, dropped),
            writer,
        })
    }
}

/// Creates the analytics store's MongoDB indexes (nothing on SQL backends).
pub async fn ensure_indexes(backend: &Backend) -> crate::storage::StoreResult<()> {
    store::ensure_indexes(backend).await
}
