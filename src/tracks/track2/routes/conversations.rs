//! A user's conversations: start, list, read, rename/archive, delete, summarize.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::{owned, prefs_of, readable};
use crate::{
    gateway::{
        error::{ApiResult, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{dto::page_request, guard::AuthUser, Identity},
    },
    tracks::track2::{
        domain::{ConversationFilter, ConversationPatch, ConversationType, NewConversation},
        dto::{
            ChatConversation, ConversationListQuery, ConversationPage, CreateConversationRequest,
            UpdateConversationRequest,
        },
        service, Track2,
    },
};

/// Registers the conversation routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_conversation)
        .service(list_conversations)
        .service(get_conversation)
        .service(update_conversation)
        .service(delete_conversation)
        .service(summarize_conversation);
}

/// Starts a conversation.
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    request_body = CreateConversationRequest,
    responses(
        (status = 201, description = "Started", body = ChatConversation),
        (status = 422, description = "Invalid request", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/conversations")]
async fn create_conversation(
    t2: web::Data<Track2>,
    caller: AuthUser,
    body: ValidatedJson<CreateConversationRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let new = NewConversation {
        user_id: caller.id,
        conversation_type: b.conversation_type.unwrap_or(ConversationType::Chat),
        title: b.title,
        context: b.context,
    };
    let conversation = service::conversations::create(&t2.stores, new).await?;
    Ok(HttpResponse::Created().json(ChatConversation::from(conversation)))
}

/// The caller's conversations (not deleted), newest activity first.
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(ConversationListQuery),
    responses(
        (status = 200, description = "A page of the caller's conversations", body = ConversationPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/conversations")]
async fn list_conversations(
    t2: web::Data<Track2>,
    caller: AuthUser,
    query: ValidatedQuery<ConversationListQuery>,
) -> ApiResult<web::Json<ConversationPage>> {
    let q = query.0;
    let page = page_request(q.page, q.per_page);
    let filter = ConversationFilter {
        user_id: caller.id,
        status: q.status.map(Into::into),
        conversation_type: q.conversation_type,
    };
    let found = service::conversations::list(&t2.stores, &filter, page).await?;
    Ok(web::Json(ConversationPage::of(found, page.page, page.per_page)))
}

/// A conversation: the owner's, or any for staff roles (the read is audited).
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The conversation", body = ChatConversation),
        (status = 403, description = "Another user's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation, or deleted", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/conversations/{id}")]
async fn get_conversation(
    t2: web::Data<Track2>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ChatConversation>> {
    let conversation = readable(&t2, &identity, &caller, *id, "chat.conversation.read").await?;
    Ok(web::Json(conversation.into()))
}

/// Renames, archives or reactivates the caller's conversation, or replaces its metadata.
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    request_body = UpdateConversationRequest,
    responses(
        (status = 200, description = "Changed", body = ChatConversation),
        (status = 403, description = "Not the caller's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation, or deleted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/conversations/{id}")]
async fn update_conversation(
    t2: web::Data<Track2>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<UpdateConversationRequest>,
) -> ApiResult<web::Json<ChatConversation>> {
    let conversation = owned(&t2, &caller, *id).await?;
    let b = body.0;
    let patch =
        ConversationPatch { title: b.title, summary: None, status: b.status.map(Into::into), context: b.context };
    let changed = service::conversations::update(&t2.stores, conversation.id, &patch).await?;
    Ok(web::Json(changed.into()))
}

/// Deletes the caller's conversation: it is hidden from then on (`404`), its data kept.
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not the caller's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation, or deleted already", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/conversations/{id}")]
async fn delete_conversation(t2: web::Data<Track2>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let conversation = owned(&t2, &caller, *id).await?;
    service::conversations::delete(&t2.stores, conversation.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Regenerates the title and summary of the caller's conversation: written by the user's
/// provider, or extracted offline when the knowledge-base provider answers.
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The conversation with its new title and summary", body = ChatConversation),
        (status = 403, description = "Not the caller's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation, or deleted", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The provider's answer was unusable", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No provider could answer", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The provider did not answer in time", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/conversations/{id}/summary")]
async fn summarize_conversation(
    t2: web::Data<Track2>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ChatConversation>> {
    let conversation = owned(&t2, &caller, *id).await?;
    let prefs = prefs_of(&identity, &caller).await?;
    let changed = service::extras::summarize(&t2, conversation.id, prefs.provider, false).await?;
    Ok(web::Json(changed.into()))
}
