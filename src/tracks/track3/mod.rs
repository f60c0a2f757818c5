//! Track 3: blood-bank management — donors and eligibility, donations and their units,
//! screening, the unit lifecycle with its audit trail, temperature excursions, inventory by
//! ABO/Rh and component with expiry, blood requests with compatible first-expiring-first
//! allocation (emergency release of universal donors when the patient's group is unknown),
//! crossmatch, issue, return and transfusion, transfusion reactions, and donor recall.
//! Relational by design (SQLite or PostgreSQL). Mounted at `/api/v1/blood` for the staff-side
//! roles (staff, lab, admin).
//!
//! **Donor recall without a dependency on Track 1.** Recording a donation also writes a
//! pending row of the `donor_recalls` outbox, due on the donor's next eligible day (see
//! [`domain::recall`]). Staff read it at `GET /api/v1/blood/recalls/due?on=` and mark rows
//! done; Track 1's reminders engine, once it exists, consumes the same outbox through
//! [`api`] (`RecallStore::due` to find donors to remind, `RecallStore::complete` once the
//! reminder is scheduled), declaring `track1 = ["track3"]` or reading the tables — Track 3
//! itself never calls Track 1, so it builds and works alone.

pub mod domain;
pub mod dto;
pub mod error;
mod routes;
pub mod service;
pub mod store;

/// What another track may use of Track 3: the donor recall outbox.
pub mod api {
    pub use super::{
        domain::recall::{DonorRecall, DueRecall, RecallStatus},
        store::RecallStore,
        Track3,
    };
}

use self::{domain::rules::BloodRules, store::Track3Stores};
use crate::{analytics::Analytics, config::BloodSettings, storage::Backend};

/// Everything Track 3's handlers need (app data).
pub struct Track3 {
    /// Donors, donations, units.
    pub stores: Track3Stores,
    /// The rules applied (the `[blood]` configuration section).
    pub rules: BloodRules,
    /// Records units issued and expired (system analytics).
    pub analytics: Analytics,
}

impl Track3 {
    /// The state over `backend` with the configured rules; fails for a MongoDB backend or an
    /// unknown screening test.
    pub fn init(backend: &Backend, settings: &BloodSettings, analytics: Analytics) -> anyhow::Result<Self> {
        let rules = BloodRules::from_settings(settings).map_err(anyhow::Error::msg)?;
        let stores = Track3Stores::build(backend).map_err(|e| anyhow::anyhow!("storage.track3: {e}"))?;
        Ok(Self { stores, rules, analytics })
    }
}

/// Mounts Track 3's scope.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/blood").configure(routes::configure));
}
