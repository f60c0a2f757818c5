//! `/api/v1/analytics` routes (staff-side roles): the metric catalogue and time series.

use actix_web::{get, web};

use super::{
    domain::Metric,
    dto::{AnalyticsCatalogue, AnalyticsMetricView, AnalyticsSeries, SeriesParams},
    period::Period,
    service, AnalyticsState,
};
use crate::gateway::{
    error::{ApiResult, Problem},
    extract::ValidatedQuery,
    identity::guard::AuthUser,
};

/// Registers the analytics routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/analytics").service(list_metrics).service(get_series));
}

/// The metrics the tracks record, the roll-up periods and the raw-event retention (staff roles).
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalogue", body = AnalyticsCatalogue),
        (status = 403, description = "Not a staff role (`forbidden`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/metrics")]
async fn list_metrics(state: web::Data<AnalyticsState>, caller: AuthUser) -> ApiResult<web::Json<AnalyticsCatalogue>> {
    caller.require_staff()?;
    Ok(web::Json(AnalyticsCatalogue {
        metrics: Metric::ALL.into_iter().map(AnalyticsMetricView::from).collect(),
        periods: Period::ALL.into(),
        retention_days: state.settings.retention_days,
    }))
}

/// A metric's time series per period, summed over the events matching the dimension filters
/// (staff roles); buckets follow the clinic's time zone, and only buckets with data appear.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(SeriesParams),
    responses(
        (status = 200, description = "The series", body = AnalyticsSeries),
        (status = 400, description = "Malformed or unknown parameter (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a staff role (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter (`validation_failed`), `from` not before `to` (`analytics_invalid_range`) or too many buckets (`analytics_range_too_long`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The analytics store is unavailable (`store_unavailable`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/series")]
async fn get_series(
    state: web::Data<AnalyticsState>,
    caller: AuthUser,
    params: ValidatedQuery<SeriesParams>,
) -> ApiResult<web::Json<AnalyticsSeries>> {
    caller.require_staff()?;
    let query = service::series_query(&params.0, (state.clock)(), state.zone, state.settings.max_series_points)?;
    Ok(web::Json(service::series(state.store.as_ref(), &query).await?))
}
