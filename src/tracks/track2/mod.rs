//! Track 2: patients chat with an assistant backed by an LLM provider (Gemini, Groq, or the
//! offline knowledge-base provider), with history, token/latency accounting, translation and
//! summaries. Mounted at `/api/v1/chat`; its data is the plan's `conversations` and
//! `messages` collections ([`store`]).
//!
//! Posting a message stores it first, so a provider failure never loses it; an emergency gets
//! the fixed safety reply without any provider call and is flagged for staff; otherwise the
//! user's preferred provider answers with the bounded history as context ([`service::reply`]),
//! as one JSON answer or as Server-Sent Events ([`service::stream`]).

pub mod analysis;
pub mod assistant;
pub mod domain;
pub mod dto;
pub mod error;
mod routes;
pub mod service;
pub mod store;

use std::sync::Arc;

use self::{analysis::MessageAnalyzer, assistant::Assistant, store::Track2Stores};
use crate::{
    analytics::Analytics,
    config::ChatSettings,
    storage::{Backend, StoreResult},
};

/// Everything Track 2's handlers need (app data).
#[derive(Clone)]
pub struct Track2 {
    /// Conversations and messages.
    pub stores: Track2Stores,
    /// The providers.
    pub assistant: Assistant,
    /// Analyses messages of feedback conversations, when an analyzer is built in (Track 1's).
    pub analyzer: Option<Arc<dyn MessageAnalyzer>>,
    /// Records messages, provider latency and tokens (system analytics).
    pub analytics: Analytics,
}

impl Track2 {
    /// The state over `backend` with the `[chat]` providers, without a feedback analyzer.
    pub fn init(backend: &Backend, settings: &ChatSettings, analytics: Analytics) -> anyhow::Result<Self> {
        Ok(Self {
            stores: Track2Stores::build(backend),
            assistant: Assistant::from_settings(settings)?,
            analyzer: None,
            analytics,
        })
    }

    /// The same state, analysing feedback messages with `analyzer`.
    pub fn with_analyzer(self, analyzer: Arc<dyn MessageAnalyzer>) -> Self {
        Self { analyzer: Some(analyzer), ..self }
    }

    /// Creates the MongoDB indexes of Track 2's collections (nothing on SQL backends).
    pub async fn ensure_indexes(backend: &Backend) -> StoreResult<()> {
        store::ensure_indexes(backend).await
    }
}

/// Mounts Track 2's scope.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/chat").configure(routes::configure));
}
