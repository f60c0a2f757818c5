//! Posting a message: the reply as one JSON answer, or streamed as Server-Sent Events.

use std::convert::Infallible;

use actix_web::{http::header, post, web, HttpRequest, HttpResponse};
use futures_util::{stream, StreamExt};
use uuid::Uuid;

use super::{owned, prefs_of};
use crate::{
    gateway::{
        error::{ApiError, ApiResult, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{guard::AuthUser, Identity},
    },
    tracks::track2::{
        domain::{Message, MessageId},
        dto::{ChatDelta, ChatEventStream, ChatStreamEvent, MessageExchange, PostMessageQuery, PostMessageRequest},
        service::{self, reply::UserInput, stream::ChatEvent},
        Track2,
    },
};

/// Registers the posting route.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(post_message);
}

/// Sends a message to the assistant in the caller's conversation and returns it with the
/// reply. The message is stored first: when the provider fails, it stays stored and the
/// answer is the provider problem (502/503/504). A message describing an emergency gets the
/// fixed safety reply at once, without any provider, and is flagged for staff.
///
/// With `stream=true` or `Accept: text/event-stream` the answer is a stream of Server-Sent
/// Events (`200`, `text/event-stream`), each an `event:` line and one `data:` line of JSON:
///
/// - `event: message` — the stored user message (a `ChatMessage`), first;
/// - `event: delta` — `{"text": "..."}`, the next piece of the reply, any number of times;
/// - `event: done` — the stored reply (a `ChatMessage` with `llmMetadata` and its token
///   usage), last;
/// - `event: error` — a problem document, last, when the provider fails mid-way.
///
/// A client that disconnects mid-stream leaves the text received so far stored as a reply
/// with `incomplete: true` (nothing when no text had come); the counters match the stored
/// messages either way.
#[utoipa::path(
    tag = "track2",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Conversation id"), PostMessageQuery),
    request_body = PostMessageRequest,
    responses(
        (status = 201, description = "The stored message and the stored reply", body = MessageExchange),
        (status = 200, description = "Streamed reply (`stream=true` or `Accept: text/event-stream`): Server-Sent Events `message`, `delta`…, then `done` or `error`; each event (its `event` name and `data`) is described by the `ChatStreamEvent` schema", body = inline(ChatEventStream), content_type = "text/event-stream"),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the caller's conversation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation, or deleted", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The conversation is archived (`conversation_archived`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The provider refused or sent an unusable answer; the message is stored", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No provider could answer; the message is stored", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The provider did not answer in time; the message is stored", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/conversations/{id}/messages")]
async fn post_message(
    t2: web::Data<Track2>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    request: HttpRequest,
    id: web::Path<Uuid>,
    query: ValidatedQuery<PostMessageQuery>,
    body: ValidatedJson<PostMessageRequest>,
) -> ApiResult<HttpResponse> {
    let conversation = owned(&t2, &caller, *id).await?;
    let prefs = prefs_of(&identity, &caller).await?;
    let b = body.0;
    let input = UserInput { content: b.content, reply_to: b.reply_to_message_id.map(MessageId), context: b.context };
    if query.0.stream.unwrap_or(false) || wants_events(&request) {
        let (user, events) = service::stream::start(&t2, conversation, prefs, input).await?;
        return Ok(sse(user, events));
    }
    let exchange = service::reply::post(&t2, &conversation, &prefs, input).await?;
    let body = MessageExchange { user_message: exchange.user.into(), assistant_message: exchange.assistant.into() };
    Ok(HttpResponse::Created().json(body))
}

fn wants_events(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.to_ascii_lowercase().contains("text/event-stream"))
}

/// The SSE response: the stored user message, then the relayed events.
fn sse(user: Message, events: tokio::sync::mpsc::Receiver<ChatEvent>) -> HttpResponse {
    let first = ChatStreamEvent::Message(user.into());
    let rest = stream::unfold(events, |mut events| async move {
        let event = events.recv().await?;
        let frame = match event {
            ChatEvent::Delta(text) => ChatStreamEvent::Delta(ChatDelta { text }),
            ChatEvent::Done(message) => ChatStreamEvent::Done((*message).into()),
            ChatEvent::Failed(err) => ChatStreamEvent::Error(ApiError::from(err).problem()),
        };
        Some((frame, events))
    });
    let body = stream::once(async move { first })
        .chain(rest)
        .map(|event| Ok::<_, Infallible>(web::Bytes::from(event.frame())));
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // Proxies such as nginx would otherwise buffer the events.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body)
}
