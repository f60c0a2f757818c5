//! The delivery engine, in the same binary as the API. Each [`Engine::tick`]:
//! 1. **materialises** ([`materialise`]): active reminders whose next occurrence falls within
//!    the lookahead get one delivery per (occurrence, method) — inserted under a unique
//!    idempotency key, so a re-run or a second instance creates nothing twice — and their next
//!    occurrence moves by compare-and-set; occurrences missed while the engine was down go
//!    through the catch-up rule (`rules::catch_up`: send late, miss or skip, per reminderType),
//!    and the misses it records fire the reminder's escalation rules, once per rule per batch;
//! 2. **dispatches** ([`dispatch`]): claims due deliveries with a lease (an atomic update, safe
//!    with several instances on one database), sends them — in-app into the inbox (and live to
//!    connected clients through the [`InboxHub`]), SMS/email/push through the provider channels
//!    with the delivery id as idempotency key; push to every device token of the patient — and
//!    records the outcome, scheduling retries by the reminder's retry policy;
//! 3. **follows up** ([`follow_up`]): the escalation ladder of every sent occurrence not yet
//!    acknowledged — repeats, fallback channel, then missed, which may fire escalation rules.
//!
//! Crash safety: a delivery is claimed before it is sent and finished after; an instance that
//! dies in between leaves a lease that lapses after `lease_secs`, and the delivery is claimed
//! and sent again (at least once; exactly once where the provider honours the idempotency key,
//! and always for in-app, whose inbox keeps one item per delivery). Time comes from a [`Clock`]
//! so tests step the engine instead of sleeping.

pub mod clock;
mod dispatch;
mod follow_up;
mod materialise;

use std::{sync::Arc, time::Duration};

use chrono::Duration as Span;
use tokio::sync::broadcast;
use uuid::Uuid;

pub use self::clock::{Clock, ManualClock, SystemClock};
use super::{
    channels::ProviderChannels, domain::inbox::InboxItem, rules::catch_up::CatchUpPolicy, store::ReminderStores,
};
use crate::{config::RemindersSettings, storage::StoreResult};

/// Reminders materialised, and deliveries sent, at once within one step.
const CONCURRENCY: usize = 16;

/// The engine's limits, from `[reminders]`.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    /// How long a claim lasts.
    pub lease: Span,
    /// How far ahead occurrences are materialised.
    pub lookahead: Span,
    /// When an unacknowledged occurrence counts as missed.
    pub missed_after: Span,
    /// Reminders and deliveries handled per step and tick.
    pub batch_size: u32,
    /// Late sends, misses and skips after downtime.
    pub catch_up: CatchUpPolicy,
}

impl EngineConfig {
    /// From the settings.
    pub fn from_settings(s: &RemindersSettings) -> Self {
        let secs = |n: u64| Span::seconds(i64::try_from(n).unwrap_or(i64::MAX / 1000));
        Self {
            lease: secs(s.lease_secs),
            lookahead: secs(s.lookahead_secs),
            missed_after: Span::minutes(i64::from(s.missed_after_minutes)),
            batch_size: s.batch_size,
            catch_up: CatchUpPolicy::default(),
        }
    }
}

/// Live delivery of new inbox items to connected clients of this instance (items sent by
/// other instances reach them through the stream's store poll).
#[derive(Clone)]
pub struct InboxHub(broadcast::Sender<InboxItem>);

impl InboxHub {
    /// A hub buffering up to 1024 items per slow subscriber.
    pub fn new() -> Self {
        Self(broadcast::channel(1024).0)
    }

    /// Announces a new item (nobody listening is fine).
    pub fn publish(&self, item: InboxItem) {
        let _ = self.0.send(item);
    }

    /// Listens for new items.
    pub fn subscribe(&self) -> broadcast::Receiver<InboxItem> {
        self.0.subscribe()
    }
}

impl Default for InboxHub {
    fn default() -> Self {
        Self::new()
    }
}

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Deliveries materialised (with the escalation notices caught-up misses fired).
    pub materialised: u64,
    /// Deliveries claimed and attempted.
    pub attempted: u64,
    /// Follow-ups created and occurrences marked missed.
    pub followed_up: u64,
}

/// The engine of one instance.
#[derive(Clone)]
pub struct Engine {
    stores: ReminderStores,
    channels: ProviderChannels,
    hub: InboxHub,
    clock: Arc<dyn Clock>,
    config: EngineConfig,
    owner: String,
}

impl Engine {
    /// An engine over `stores`; `owner` names this instance in leases.
    pub fn new(
        stores: ReminderStores,
        channels: ProviderChannels,
        hub: InboxHub,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Self {
        Self { stores, channels, hub, clock, config, owner: format!("engine-{}", Uuid::now_v7()) }
    }

    /// The clock it runs on.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// One pass of every step at the clock's time.
    pub async fn tick(&self) -> StoreResult<TickReport> {
        let now = self.clock.now();
        let materialised = materialise::run(self, now).await?;
        let attempted = dispatch::run(self, now).await?;
        let followed_up = follow_up::run(self, now).await?;
        Ok(TickReport { materialised, attempted, followed_up })
    }

    /// Step 1 alone (tests, benchmarks).
    pub async fn materialise(&self) -> StoreResult<u64> {
        materialise::run(self, self.clock.now()).await
    }

    /// Step 2 alone (tests, benchmarks).
    pub async fn dispatch(&self) -> StoreResult<u64> {
        dispatch::run(self, self.clock.now()).await
    }

    /// Claims due deliveries and sends none of them: what an instance that dies right after
    /// claiming leaves behind (crash-safety tests).
    pub async fn claim_and_abandon(&self) -> StoreResult<usize> {
        let now = self.clock.now();
        let claimed = self.stores.deliveries.claim(now, &self.owner, now + self.config.lease, self.config.batch_size);
        Ok(claimed.await?.len())
    }

    /// Runs ticks every `interval` until `stop` resolves; a failing tick is logged and the
    /// loop goes on.
    pub async fn run(self, interval: Duration, stop: impl std::future::Future<Output = ()>) {
        let mut stop = std::pin::pin!(stop);
        let mut timer = tokio::time::interval(interval);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = &mut stop => break,
                _ = timer.tick() => {
                    if let Err(e) = self.tick().await {
                        log::warn!("reminder engine tick failed: {e}");
                    }
                }
            }
        }
        log::info!("reminder engine stopped");
    }
}
