//! Track 1: patient feedback (questionnaires, sentiment/urgency analysis, escalation, review
//! queue, NPS analytics) and reminders (time-zone-aware schedules, delivery by in-app, SMS,
//! email and push, retries, acknowledgement, escalation). Mounted at `/api/v1/feedback` and
//! `/api/v1/reminders`; its data is the plan's `feedback_sessions`, `reminders` and
//! `reminder_deliveries` collections. Today: [`feedback`] (the pure domain), feedback sessions
//! and templates stored on every backend ([`store`]), and the `/api/v1/feedback` routes.

pub mod analytics;
pub mod domain;
pub mod dto;
pub mod error;
pub mod feedback;
pub mod reminders;
mod routes;
pub mod service;
pub mod store;
pub mod zone_offsets;

use std::sync::Arc;

use self::{
    feedback::analyzer::{FeedbackAnalyzer, OfflineAnalyzer},
    store::Track1Stores,
};
use crate::storage::{Backend, StoreResult};

/// Everything Track 1's handlers need (app data).
pub struct Track1 {
    /// Feedback sessions and templates.
    pub stores: Track1Stores,
    /// Reads free-text answers (the offline analyzer).
    pub analyzer: Arc<dyn FeedbackAnalyzer>,
    /// Reminders, their delivery engine and inbox.
    pub reminders: reminders::Reminders,
    /// Records feedback submitted and its NPS inputs (system analytics).
    pub analytics: crate::analytics::Analytics,
}

impl Track1 {
    /// The state over `backend`, with the built-in offline analyzer.
    pub fn init(
        backend: &Backend,
        settings: &crate::config::Settings,
        analytics: crate::analytics::Analytics,
    ) -> anyhow::Result<Self> {
        let analyzer = OfflineAnalyzer::builtin().map_err(|e| anyhow::anyhow!("feedback analyzer data: {e}"))?;
        let reminders = reminders::Reminders::init(backend, &settings.reminders)?;
        Ok(Self { stores: Track1Stores::build(backend), analyzer: Arc::new(analyzer), reminders, analytics })
    }

    /// Creates the MongoDB indexes of Track 1's collections (nothing on SQL backends).
    pub async fn ensure_indexes(backend: &Backend) -> StoreResult<()> {
        store::ensure_indexes(backend).await?;
        reminders::store::ensure_indexes(backend).await
    }
}

/// Mounts Track 1's scopes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/feedback").configure(routes::configure));
    cfg.configure(reminders::configure);
}
