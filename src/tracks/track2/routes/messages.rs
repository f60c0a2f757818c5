//! A conversation's messages: read, edit, translate; flagged messages for staff.

use actix_web::{get, patch, post, web};
use uuid::Uuid;

use super::{owned, prefs_of, readable};
use crate::{
    gateway::{
        error::{ApiResult, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{dto::page_request, guard::AuthUser, Identity},
    },
    tracks::track2::{
        domain::MessageId,
        dto::{ChatMessage, EditMessageRequest, MessagePage, MessagePageQuery, TranslateMessageRequest},
        service, Track2,
    },
};

/// Registers the message routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_messages).service(edit_message).service(translate_message).service(list_flagged_messages);
}

/// A conversation's messages in time order (oldest first): the owner's, or any for staff
/// roles (the read is audited).
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id"), MessagePageQuery),
    responses(
        (status = 200, description = "A page of messages", body = MessagePage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another user's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation, or deleted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/conversations/{id}/messages")]
async fn list_messages(
    t2: web::Data<Track2>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: ValidatedQuery<MessagePageQuery>,
) -> ApiResult<web::Json<MessagePage>> {
    let conversation = readable(&t2, &identity, &caller, *id, "chat.messages.read").await?;
    let page = page_request(query.0.page, query.0.per_page);
    let found = service::messages::list(&t2.stores, &conversation, page).await?;
    Ok(web::Json(MessagePage::of(found, page.page, page.per_page)))
}

/// Edits the caller's own message; the old text goes to `editHistory` with the reason.
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id"), ("messageId" = Uuid, Path, description = "Message id")),
    request_body = EditMessageRequest,
    responses(
        (status = 200, description = "Edited", body = ChatMessage),
        (status = 403, description = "Not the caller's conversation, or not a message the caller wrote (`message_not_editable`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation or message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Edited by another request meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/conversations/{id}/messages/{messageId}")]
async fn edit_message(
    t2: web::Data<Track2>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidatedJson<EditMessageRequest>,
) -> ApiResult<web::Json<ChatMessage>> {
    let (id, message_id) = path.into_inner();
    let conversation = owned(&t2, &caller, id).await?;
    let b = body.0;
    let edited =
        service::messages::edit(&t2.stores, &conversation, MessageId(message_id), caller.id, b.content, b.reason)
            .await?;
    Ok(web::Json(edited.into()))
}

/// Translates a message into a language through a network provider; translations are kept,
/// so asking again is answered from the message without a provider call. Staff roles may
/// translate messages they may read (audited).
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id"), ("messageId" = Uuid, Path, description = "Message id")),
    request_body = TranslateMessageRequest,
    responses(
        (status = 200, description = "The message with `translatedContent[language]`", body = ChatMessage),
        (status = 403, description = "Another user's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation or message", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid language, or only the offline provider is configured (`not_available_offline`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The provider's answer was unusable", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No provider could answer", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The provider did not answer in time", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/conversations/{id}/messages/{messageId}/translate")]
async fn translate_message(
    t2: web::Data<Track2>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidatedJson<TranslateMessageRequest>,
) -> ApiResult<web::Json<ChatMessage>> {
    let (id, message_id) = path.into_inner();
    let conversation = readable(&t2, &identity, &caller, id, "chat.message.translate").await?;
    let message = service::messages::find_in(&t2.stores, &conversation, MessageId(message_id)).await?;
    let prefs = prefs_of(&identity, &caller).await?;
    let translated = service::extras::translate(&t2, message, &body.0.language, prefs.provider).await?;
    Ok(web::Json(translated.into()))
}

/// Messages flagged for staff (described emergencies), most recent first (staff roles; the
/// read is audited).
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(MessagePageQuery),
    responses(
        (status = 200, description = "A page of flagged messages", body = MessagePage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a staff role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/flagged-messages")]
async fn list_flagged_messages(
    t2: web::Data<Track2>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    query: ValidatedQuery<MessagePageQuery>,
) -> ApiResult<web::Json<MessagePage>> {
    caller.require_staff()?;
    caller.audit(identity.stores.audit.as_ref(), "chat.flagged.read", None, "messages?flagged").await?;
    let page = page_request(query.0.page, query.0.per_page);
    let found = service::messages::flagged(&t2.stores, page).await?;
    Ok(web::Json(MessagePage::of(found, page.page, page.per_page)))
}
