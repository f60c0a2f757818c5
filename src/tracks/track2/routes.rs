//! `/api/v1/chat` routes.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::domain::ConversationType;
use crate::gateway::{error::ApiResult, identity::guard::AuthUser};

/// Registers the chat routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_conversation_types);
}

/// A kind of conversation a user can start.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationTypeInfo {
    /// The `conversationType` value.
    pub conversation_type: ConversationType,
    /// What it is for.
    pub description: &'static str,
}

/// The kinds of conversation users can start.
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every conversation type", body = [ConversationTypeInfo])
    )
)]
#[get("/conversation-types")]
async fn list_conversation_types(_caller: AuthUser) -> ApiResult<web::Json<Vec<ConversationTypeInfo>>> {
    let types =
        ConversationType::ALL.map(|t| ConversationTypeInfo { conversation_type: t, description: t.description() });
    Ok(web::Json(types.into()))
}
