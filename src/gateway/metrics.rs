//! Prometheus metrics: request counts and latency histograms by route and status, served in
//! the text exposition format at `/metrics`.

use std::time::Instant;

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    get,
    http::header::ContentType,
    middleware::Next,
    web, Error, HttpResponse,
};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

use super::error::ApiError;

/// The registry and the HTTP instruments.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Metrics {
    /// Registers the HTTP instruments in a fresh registry.
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new_custom(Some("carechat".into()), None)?;
        let labels = ["method", "route", "status"];
        let requests = IntCounterVec::new(Opts::new("http_requests_total", "HTTP requests served"), &labels)?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to produce the response head")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &labels,
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        Ok(Self { registry, requests, latency })
    }

    /// The registry, for other modules' instruments.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    fn render(&self) -> Result<String, ApiError> {
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer).map_err(ApiError::internal)?;
        String::from_utf8(buffer).map_err(ApiError::internal)
    }
}

/// Middleware: times every request and counts it under its route pattern (never the raw
/// path, which would explode the label set).
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().to_string();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        metrics.observe(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(response)
}

/// Prometheus scrape endpoint.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Metrics in the Prometheus text format", content_type = "text/plain", body = String))
)]
#[get("/metrics")]
pub async fn scrape(metrics: web::Data<Metrics>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().insert_header(ContentType(mime_text_v004())).body(metrics.render()?))
}

fn mime_text_v004() -> mime::Mime {
    "text/plain; version=0.0.4; charset=utf-8".parse().unwrap_or(mime::TEXT_PLAIN_UTF_8)
}
