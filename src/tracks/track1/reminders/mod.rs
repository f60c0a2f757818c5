//! Reminders: time-zone-aware schedules, delivery by in-app, SMS, email and push with retries,
//! acknowledgement and escalation (the plan's `reminders` and `reminder_deliveries`).

pub mod channels;
pub mod domain;
pub mod dto;
pub mod engine;
pub mod error;
mod routes;
pub mod rules;
pub mod schedule;
pub mod service;
pub mod store;

use std::{sync::Arc, time::Duration};

use self::{
    channels::ProviderChannels,
    engine::{Clock, Engine, EngineConfig, InboxHub},
    store::ReminderStores,
};
use crate::{config::RemindersSettings, storage::Backend};

/// Everything the reminder routes and the engine need.
pub struct Reminders {
    /// Reminders, deliveries, inbox.
    pub stores: ReminderStores,
    /// Live inbox items of this instance.
    pub hub: InboxHub,
    /// The delivery engine (its clock is the routes' clock too).
    pub engine: Engine,
    /// `[reminders]`.
    pub settings: RemindersSettings,
}

impl Reminders {
    /// The state over `backend` with the configured channels and an explicit clock, recording
    /// no system analytics (tests of the engine itself; the application's composition, which
    /// records, is [`crate::tracks::track1::Track1::reminders`]).
    pub fn with_clock(backend: &Backend, settings: &RemindersSettings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        Self::with_stores(ReminderStores::build(backend), settings, clock)
    }

    /// The state over given stores (e.g. wrapped to record system analytics) and clock.
    pub fn with_stores(
        stores: ReminderStores,
        settings: &RemindersSettings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let channels = ProviderChannels::from_settings(settings)?;
        let hub = InboxHub::new();
        let engine = Engine::new(stores.clone(), channels, hub.clone(), clock, EngineConfig::from_settings(settings));
        Ok(Self { stores, hub, engine, settings: settings.clone() })
    }

    /// Starts the engine's loop when `[reminders] engine_enabled`; it ends when `stop` resolves.
    pub fn start(
        &self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Option<tokio::task::JoinHandle<()>> {
        if !self.settings.engine_enabled {
            return None;
        }
        let interval = Duration::from_millis(self.settings.tick_interval_ms);
        Some(tokio::spawn(self.engine.clone().run(interval, stop)))
    }
}

/// Mounts `/reminders`.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/reminders").configure(routes::configure));
}
