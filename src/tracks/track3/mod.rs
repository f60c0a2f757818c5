//! Track 3: blood-bank management — donors and eligibility, donations and their units,
//! inventory by ABO/Rh and component with expiry, requests, compatible allocation and issue.
//! Relational by design (SQLite or PostgreSQL). Mounted at `/api/v1/blood`.

pub mod domain;
mod routes;

/// Mounts Track 3's scope.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/blood").configure(routes::configure));
}
