//! Liveness and readiness probes.

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::storage::Stores;

/// Result of a probe.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    /// `ok` when every check passed, `unavailable` otherwise.
    #[schema(example = "ok")]
    pub status: String,
    /// Per store: `ok`, or why it failed. Empty for the liveness probe.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub stores: BTreeMap<String, String>,
}

/// The process is up and serving.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = HealthReport)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthReport { status: "ok".into(), stores: BTreeMap::new() })
}

/// Every configured store answers a ping.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Every store answered", body = HealthReport),
        (status = 503, description = "At least one store did not answer; it is named with the reason", body = HealthReport)
    )
)]
#[get("/health/ready")]
pub async fn ready(stores: web::Data<Stores>) -> HttpResponse {
    let mut report = BTreeMap::new();
    let mut healthy = true;
    for (name, outcome) in stores.readiness().await {
        let text = match outcome {
            Ok(()) => "ok".to_owned(),
            Err(reason) => {
                healthy = false;
                log::warn!("readiness: store {} failed its ping: {reason}", name.as_str());
                reason
            }
        };
        report.insert(name.as_str().to_owned(), text);
    }
    let body = HealthReport { status: if healthy { "ok" } else { "unavailable" }.into(), stores: report };
    if healthy {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
