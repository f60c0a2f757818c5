//! Track 2: patients chat with an assistant backed by an LLM provider (Gemini, Groq, or the
//! offline knowledge-base provider), with history, token/latency accounting, translation and
//! summaries. Mounted at `/api/v1/chat`; its data is the plan's `conversations` and
//! `messages` collections.

pub mod assistant;
pub mod domain;
mod routes;

/// Mounts Track 2's scope.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/chat").configure(routes::configure));
}
