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
mod reminder_metrics;
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
        let analyzer = analyzer(&settings.feedback)?;
        let clock = Arc::new(reminders::engine::SystemClock);
        let reminders = Self::reminders(backend, &settings.reminders, &analytics, clock)?;
        Ok(Self { stores: Track1Stores::build(backend), analyzer: Arc::new(analyzer), reminders, analytics })
    }

    /// Track 1's reminders as the application composes them: their stores record reminder
    /// delivery in `analytics` (`reminder_metrics`). The application runs them on the system
    /// clock; tests step a `ManualClock` through this same composition.
    pub fn reminders(
        backend: &Backend,
        settings: &crate::config::RemindersSettings,
        analytics: &crate::analytics::Analytics,
        clock: Arc<dyn reminders::engine::Clock>,
    ) -> anyhow::Result<reminders::Reminders> {
        let stores = reminder_metrics::recorded(reminders::store::ReminderStores::build(backend), analytics);
        reminders::Reminders::with_stores(stores, settings, clock)
    }

    /// Creates the MongoDB indexes of Track 1's collections (nothing on SQL backends).
    pub async fn ensure_indexes(backend: &Backend) -> StoreResult<()> {
        store::ensure_indexes(backend).await?;
        reminders::store::ensure_indexes(backend).await
    }
}

/// The offline analyzer with the clinic's extra taxonomy and red-flag rows.
fn analyzer(settings: &crate::config::FeedbackSettings) -> anyhow::Result<OfflineAnalyzer> {
    let read = |key: &str, path: &std::path::Path| -> anyhow::Result<Option<String>> {
        if path.as_os_str().is_empty() {
            return Ok(None);
        }
        std::fs::read_to_string(path).map(Some).map_err(|e| anyhow::anyhow!("feedback.{key}: {}: {e}", path.display()))
    };
    let taxonomy = read("taxonomy_file", &settings.taxonomy_file)?;
    let red_flags = read("red_flags_file", &settings.red_flags_file)?;
    OfflineAnalyzer::with_extensions(taxonomy.as_deref(), red_flags.as_deref())
        .map_err(|e| anyhow::anyhow!("feedback analyzer data: {e}"))
}

/// Mounts Track 1's scopes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/feedback").configure(routes::configure));
    cfg.configure(reminders::configure);
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::{config::FeedbackSettings, tracks::track1::feedback::analyzer::AnalysisInput};

    fn topics(analyzer: &OfflineAnalyzer, text: &str) -> Vec<String> {
        analyzer.analyze_text(&AnalysisInput { text, language_hint: Some("en"), department_hint: None }).topics
    }

    #[test]
    fn a_clinic_taxonomy_file_adds_its_topics() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("taxonomy.tsv");
        std::fs::write(&file, "@topic\tparking\tfacilities\t-\tParking\ntopic\tparking\t*\tparking;car park\n")
            .unwrap();
        let none = FeedbackSettings { taxonomy_file: PathBuf::new(), red_flags_file: PathBuf::new() };
        let text = "The car park was full and I was late";
        assert!(!topics(&analyzer(&none).unwrap(), text).contains(&"parking".to_owned()));
        let custom = FeedbackSettings { taxonomy_file: file, ..none.clone() };
        assert!(topics(&analyzer(&custom).unwrap(), text).contains(&"parking".to_owned()));

        let missing = FeedbackSettings { red_flags_file: dir.path().join("nope.tsv"), ..none };
        let error = analyzer(&missing).unwrap_err().to_string();
        assert!(error.starts_with("feedback.red_flags_file"), "{error}");
    }
}
