//! The background writer: drains the recorder's channel into batches, writes each batch with
//! its roll-up increments in one store call, retries a failed batch on the next tick (keeping
//! at most `max_pending` events: beyond that the oldest are dropped and counted), purges raw
//! events older than the retention, and on stop closes the channel and writes everything
//! still queued before returning.

use std::{future::Future, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use tokio::sync::mpsc;

use super::{domain::MetricEvent, recorder::Dropped, rollup::rollup, store::AnalyticsStore};
use crate::storage::StorageError;

/// How the writer batches, retries and purges.
#[derive(Debug, Clone, Copy)]
pub struct WriterSettings {
    /// Events per store write.
    pub batch_size: usize,
    /// Longest an event waits in memory before being written.
    pub flush_interval: Duration,
    /// Most events kept while the store is failing.
    pub max_pending: usize,
    /// Raw events older than this are purged (roll-ups are kept).
    pub retention: chrono::Duration,
    /// How often the purge runs.
    pub purge_interval: Duration,
}

/// The writer task's state.
pub struct Writer {
    receiver: mpsc::Receiver<MetricEvent>,
    store: Arc<dyn AnalyticsStore>,
    zone: Tz,
    settings: WriterSettings,
    dropped: Arc<Dropped>,
    clock: super::recorder::Clock,
    pending: Vec<MetricEvent>,
}

impl Writer {
    /// A writer draining `receiver` into `store`.
    pub fn new(
        receiver: mpsc::Receiver<MetricEvent>,
        store: Arc<dyn AnalyticsStore>,
        zone: Tz,
        settings: WriterSettings,
        dropped: Arc<Dropped>,
        clock: super::recorder::Clock,
    ) -> Self {
        Self { receiver, store, zone, settings, dropped, clock, pending: Vec::new() }
    }

    /// Runs until `stop` resolves (or every recorder handle is gone), then writes what is left.
    pub async fn run(mut self, stop: impl Future<Output = ()>) {
        let mut stop = std::pin::pin!(stop);
        let mut flush_tick = tokio::time::interval(self.settings.flush_interval);
        let mut purge_tick = tokio::time::interval(self.settings.purge_interval);
        let mut incoming = Vec::with_capacity(self.settings.batch_size);
        loop {
            tokio::select! {
                () = &mut stop => break,
                received = self.receiver.recv_many(&mut incoming, self.settings.batch_size) => {
                    if received == 0 {
                        break;
                    }
                    self.pending.append(&mut incoming);
                    if self.pending.len() >= self.settings.batch_size {
                        self.flush().await;
                    }
                }
                _ = flush_tick.tick() => self.flush().await,
                _ = purge_tick.tick() => self.purge().await,
            }
        }
        self.drain().await;
    }

    /// Stops new events, then writes every queued one (a few attempts if the store fails).
    async fn drain(mut self) {
        self.receiver.close();
        while let Some(event) = self.receiver.recv().await {
            self.pending.push(event);
            if self.pending.len() >= self.settings.batch_size {
                self.flush().await;
            }
        }
        for attempt in 0..3 {
            self.flush().await;
            if self.pending.is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
        }
        self.dropped.add("store_unavailable_at_shutdown", self.pending.len() as u64);
    }

    /// Writes pending events in batches; on failure keeps them for the next tick.
    async fn flush(&mut self) {
        while !self.pending.is_empty() {
            let take = self.pending.len().min(self.settings.batch_size);
            let batch = &self.pending[..take];
            match self.store.append(batch, &rollup(batch, self.zone)).await {
                // A conflict means a previous attempt was written after all (ids are unique).
                Ok(()) | Err(StorageError::Conflict(_)) => {
                    self.pending.drain(..take);
                }
                Err(e) => {
                    log::warn!("analytics: writing {take} event(s) failed, retrying later: {e}");
                    self.shed();
                    return;
                }
            }
        }
    }

    /// Drops the oldest events beyond `max_pending`.
    fn shed(&mut self) {
        let excess = self.pending.len().saturating_sub(self.settings.max_pending);
        if excess > 0 {
            self.pending.drain(..excess);
            self.dropped.add("store_unavailable", excess as u64);
        }
    }

    async fn purge(&self) {
        let cutoff: DateTime<Utc> = (self.clock)() - self.settings.retention;
        match self.store.purge_events_before(cutoff).await {
            Ok(0) => {}
            Ok(n) => log::info!("analytics: purged {n} raw event(s) older than {cutoff}"),
            Err(e) => log::warn!("analytics: purging raw events failed: {e}"),
        }
    }
}
