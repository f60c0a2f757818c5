//! `/api/v1/chat` routes: conversation types and the access rules (here), conversations
//! (`conversations.rs`), messages (`messages.rs`) and posting with the reply (`post.rs`).
//!
//! Access: the owner reads and writes their conversations; staff roles may read them (each
//! read audited) and list flagged messages; nobody else reaches them (403). A deleted
//! conversation is `404 conversation_not_found` for everyone.

mod conversations;
mod messages;
mod post;

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    domain::{Conversation, ConversationId, ConversationType},
    service::{self, ChatPrefs},
    Track2,
};
use crate::gateway::{
    error::ApiResult,
    identity::{
        error::IdentityError,
        guard::{Access, AuthUser},
        Identity,
    },
};

/// Registers the chat routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_conversation_types)
        .configure(conversations::configure)
        .configure(messages::configure)
        .configure(post::configure);
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

/// The caller's own conversation, to change it or write to it.
async fn owned(t2: &Track2, caller: &AuthUser, id: Uuid) -> ApiResult<Conversation> {
    let conversation = service::conversations::visible(&t2.stores, ConversationId(id)).await?;
    match caller.access_to(conversation.user_id)? {
        Access::Own => Ok(conversation),
        Access::Staff => Err(IdentityError::Forbidden("only its owner changes or writes to a conversation").into()),
    }
}

/// A conversation the caller may read: their own, or any for staff roles (audited as `action`).
async fn readable(
    t2: &Track2,
    identity: &Identity,
    caller: &AuthUser,
    id: Uuid,
    action: &str,
) -> ApiResult<Conversation> {
    let conversation = service::conversations::visible(&t2.stores, ConversationId(id)).await?;
    let resource = format!("conversations/{}", conversation.id.0);
    caller.authorize_record(conversation.user_id, identity.stores.audit.as_ref(), action, &resource).await?;
    Ok(conversation)
}

/// The caller's chat preferences (defaults when the account has none).
async fn prefs_of(identity: &Identity, caller: &AuthUser) -> ApiResult<ChatPrefs> {
    let user = identity.stores.users.find_by_id(caller.id).await?;
    Ok(user.as_ref().map_or_else(
        || ChatPrefs { provider: None, context_retention: true, language: "en".to_owned() },
        ChatPrefs::of,
    ))
}
