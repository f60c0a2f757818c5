//! `/api/v1/feedback` routes.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::feedback::SessionType;
use crate::gateway::{error::ApiResult, identity::guard::AuthUser};

/// Registers the feedback routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_session_types);
}

/// A kind of feedback session patients can start.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionTypeInfo {
    /// The `sessionType` value.
    pub session_type: SessionType,
    /// What it is for.
    pub description: &'static str,
}

/// The kinds of feedback session the clinic collects.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every session type", body = [SessionTypeInfo])
    )
)]
#[get("/session-types")]
async fn list_session_types(_caller: AuthUser) -> ApiResult<web::Json<Vec<SessionTypeInfo>>> {
    let types = SessionType::ALL.map(|t| SessionTypeInfo { session_type: t, description: t.description() });
    Ok(web::Json(types.into()))
}
