//! Track 3: blood-bank management — donors and eligibility, donations and their units,
//! screening, the unit lifecycle with its audit trail, temperature excursions, and inventory
//! by ABO/Rh and component with expiry. Relational by design (SQLite or PostgreSQL). Mounted
//! at `/api/v1/blood` for the staff-side roles (staff, lab, admin). Blood requests, allocation,
//! crossmatch, issue and transfusion come next; the unit lifecycle already has their states.

pub mod domain;
pub mod dto;
pub mod error;
mod routes;
pub mod service;
pub mod store;

use self::{domain::rules::BloodRules, store::Track3Stores};
use crate::storage::{Backend, StoreResult};

/// Everything Track 3's handlers need (app data).
pub struct Track3 {
    /// Donors, donations, units.
    pub stores: Track3Stores,
    /// The rules applied (issue 6's defaults).
    pub rules: BloodRules,
}

impl Track3 {
    /// The state over `backend` with the default rules; fails for a MongoDB backend.
    pub fn init(backend: &Backend) -> StoreResult<Self> {
        Ok(Self { stores: Track3Stores::build(backend)?, rules: BloodRules::default() })
    }
}

/// Mounts Track 3's scope.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/blood").configure(routes::configure));
}
