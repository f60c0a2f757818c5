//! Identity: the plan's `users` collection, authentication (argon2id passwords, short-lived
//! JWT access tokens, rotating refresh tokens), login throttling, and the authorisation
//! helpers every track uses ([`guard::AuthUser`]: role guards and audited object-level checks).

pub mod admin;
pub mod domain;
pub mod dto;
pub mod error;
pub mod guard;
pub mod jwt;
pub mod password;
pub mod rate_limit;
pub mod routes;
pub mod service;
pub mod store;

use chrono::Duration;

use self::{jwt::JwtKeys, rate_limit::LoginLimiter, store::IdentityStores};

/// Everything the identity routes and the [`guard::AuthUser`] extractor need (app data).
pub struct Identity {
    /// Users, tokens, audit trail.
    pub stores: IdentityStores,
    /// Access-token keys.
    pub keys: JwtKeys,
    /// Login throttling.
    pub limiter: LoginLimiter,
    /// Refresh-token lifetime.
    pub refresh_ttl: Duration,
}

/// Registers `/api/v1/auth` and `/api/v1/admin`.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/auth").configure(routes::configure))
        .service(utoipa_actix_web::scope("/admin").configure(admin::configure));
}
