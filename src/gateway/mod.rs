//! The gateway owns everything cross-cutting: routing under `/api/v1`, authentication and
//! authorisation (`identity`), request ids, access logs, metrics, error mapping, body limits,
//! CORS, health probes and the OpenAPI document. Tracks mount their scopes through it.

pub mod error;
pub mod extract;
pub mod fallback;
pub mod health;
pub mod identity;
pub mod metrics;
pub mod openapi;
pub mod request_id;
mod strict_json;

use utoipa_actix_web::service_config::ServiceConfig;

/// Prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";
/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";
/// Where Swagger UI is served.
pub const DOCS_PATH: &str = "/docs/";

/// Registers every documented route: operations endpoints, identity, and the enabled tracks.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::live).service(health::ready).service(metrics::scrape).service(
        utoipa_actix_web::scope(API_PREFIX)
            .configure(identity::configure)
            .configure(crate::analytics::configure)
            .configure(crate::tracks::configure),
    );
}

/// The OpenAPI document, built from the same registration as the server's routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi as _;
    use utoipa_actix_web::AppExt as _;
    let (_, mut doc) =
        actix_web::App::new().into_utoipa_app().openapi(openapi::ApiDoc::openapi()).configure(routes).split_for_parts();
    openapi::add_common_responses(&mut doc);
    doc
}
