//! Track 1: patient feedback (questionnaires, sentiment/urgency analysis, escalation, review
//! queue, NPS analytics) and reminders (time-zone-aware schedules, delivery by in-app, SMS,
//! email and push, retries, acknowledgement, escalation). Mounted at `/api/v1/feedback` and
//! `/api/v1/reminders`; its data is the plan's `feedback_sessions`, `reminders` and
//! `reminder_deliveries` collections.

pub mod feedback;
mod routes;

/// Mounts Track 1's scopes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/feedback").configure(routes::configure));
}
