//! Posting a user message and getting the assistant's reply.
//!
//! The user's message is stored first, so nothing the user wrote is lost when a provider
//! fails. A message describing an emergency is flagged for staff and answered at once with
//! the fixed safety reply, without any provider call. Otherwise the history (none when the
//! user turned context retention off, else bounded by the `[chat]` budget) and the message go
//! to the user's preferred provider. Best effort afterwards, never failing the reply: a
//! translation into the user's language when the reply is in another one, and every
//! `summary_every_messages` messages a fresh summary, in the background.

use super::{extras, metrics, ChatPrefs, Result};
use crate::{
    storage,
    tracks::track2::{
        assistant::{language, safety, AssistantError, Completion, CompletionRequest, PromptMessage, PromptRole},
        domain::{
            ContentType, Conversation, ConversationStatus, ConversationType, LlmMetadata, Message, MessageContext,
            MessageFlag, MessageId, MessageRole, NewMessage,
        },
        error::ChatError,
        Track2,
    },
};

/// How many recent messages are read to build the context before the `[chat]` budget bounds it.
const HISTORY_WINDOW: u32 = 100;

/// What the user posts.
#[derive(Debug, Clone)]
pub struct UserInput {
    /// The text.
    pub content: String,
    /// The message it answers.
    pub reply_to: Option<MessageId>,
    /// Where it was written from.
    pub context: Option<MessageContext>,
}

/// The stored user message and the stored reply.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The user's message.
    pub user: Message,
    /// The assistant's reply.
    pub assistant: Message,
}

/// Where a turn stands once the user's message is stored.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per request, moved once: boxing buys nothing
pub enum Turn {
    /// Answered without a provider (the safety reply).
    Answered(Exchange),
    /// The provider must answer `request`.
    Ask {
        /// The stored user message.
        user: Message,
        /// What to send.
        request: CompletionRequest,
    },
}

/// Posts a message and waits for the whole reply.
pub async fn post(t2: &Track2, conversation: &Conversation, prefs: &ChatPrefs, input: UserInput) -> Result<Exchange> {
    match begin(t2, conversation, prefs, input).await? {
        Turn::Answered(exchange) => Ok(exchange),
        Turn::Ask { user, request } => {
            let completion = t2.assistant.complete(request).await.inspect_err(|e| log_failure(&user, e))?;
            let assistant = finish(t2, conversation, prefs, &user, &completion).await?;
            Ok(Exchange { user, assistant })
        }
    }
}

/// Stores the user's message, answers an emergency, or prepares the provider request.
pub async fn begin(t2: &Track2, conversation: &Conversation, prefs: &ChatPrefs, input: UserInput) -> Result<Turn> {
    if conversation.status == ConversationStatus::Archived {
        return Err(ChatError::ConversationArchived(conversation.id.0));
    }
    let now = storage::now();
    let new = NewMessage {
        conversation_id: conversation.id,
        user_id: conversation.user_id,
        role: MessageRole::User,
        original_language: language::detect(&input.content).map(str::to_owned),
        content_type: content_type_of(conversation.conversation_type),
        content: input.content,
        reply_to: input.reply_to,
        context: input.context,
    };
    let mut user = Message::new(new, now);
    let emergency = safety::detect_emergency(&user.content);
    if let Some(e) = &emergency {
        user.flag = Some(MessageFlag { reason: category_name(e.category), flagged_at: now });
    }
    if conversation.conversation_type == ConversationType::Feedback {
        if let Some(analyzer) = &t2.analyzer {
            user.feedback_analysis = analyzer.analyze(&user.content, user.original_language.as_deref()).await;
        }
    }
    append(t2, &user).await?;
    if let Some(e) = emergency {
        let text = t2.assistant.safety_reply(e.language);
        let reply = reply_to(conversation, &user, text, Some(e.language.to_owned()));
        append(t2, &reply).await?;
        log::warn!("message {} in conversation {} flagged for staff: {:?}", user.id.0, conversation.id.0, e.category);
        return Ok(Turn::Answered(Exchange { user, assistant: reply }));
    }
    let history = if prefs.context_retention { history(t2, conversation, &user).await? } else { Vec::new() };
    let request = CompletionRequest {
        history,
        user_message: user.content.clone(),
        preferred_provider: prefs.provider,
        system_prompt: None,
    };
    Ok(Turn::Ask { user, request })
}

/// Stores the provider's reply to `user` (translated when useful) and schedules a summary.
pub async fn finish(
    t2: &Track2,
    conversation: &Conversation,
    prefs: &ChatPrefs,
    user: &Message,
    completion: &Completion,
) -> Result<Message> {
    let detected = language::detect(&completion.content).map(str::to_owned);
    let mut reply = reply_to(conversation, user, completion.content.clone(), detected);
    reply.llm_metadata = Some(metadata(completion));
    translate_for_user(t2, prefs, &mut reply).await;
    append(t2, &reply).await?;
    extras::summarize_in_background(t2, conversation, prefs, 2);
    Ok(reply)
}

/// Stores what a cut-short stream delivered, marked incomplete (nothing when no text came).
pub async fn keep_partial(t2: &Track2, conversation: &Conversation, user: &Message, text: String) -> Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    let detected = language::detect(&text).map(str::to_owned);
    let mut reply = reply_to(conversation, user, text, detected);
    reply.incomplete = true;
    append(t2, &reply).await
}

/// Logs a provider failure; the user's message stays stored.
pub fn log_failure(user: &Message, err: &AssistantError) {
    log::warn!("no reply to message {} (it is stored): {err}", user.id.0);
}

async fn append(t2: &Track2, message: &Message) -> Result<()> {
    t2.stores.messages.append(message).await.map_err(ChatError::of_conversation(message.conversation_id.0))?;
    metrics::message_stored(&t2.analytics, message);
    Ok(())
}

/// The earlier messages as provider context, oldest first, within the `[chat]` budget.
async fn history(t2: &Track2, conversation: &Conversation, current: &Message) -> Result<Vec<PromptMessage>> {
    let recent = t2.stores.messages.recent(conversation.id, HISTORY_WINDOW).await?;
    let prompts: Vec<PromptMessage> =
        recent.iter().filter(|m| m.id != current.id && !m.incomplete).filter_map(prompt_of).collect();
    Ok(t2.assistant.bound_history(&prompts))
}

/// A stored message as provider context (system messages are never replayed).
pub fn prompt_of(message: &Message) -> Option<PromptMessage> {
    let role = match message.role {
        MessageRole::User => PromptRole::User,
        MessageRole::Assistant => PromptRole::Assistant,
        MessageRole::System => return None,
    };
    Some(PromptMessage::new(role, message.content.clone()))
}

fn reply_to(conversation: &Conversation, user: &Message, text: String, language: Option<String>) -> Message {
    let new = NewMessage {
        conversation_id: conversation.id,
        user_id: conversation.user_id,
        role: MessageRole::Assistant,
        content: text,
        content_type: ContentType::Text,
        original_language: language,
        reply_to: Some(user.id),
        context: None,
    };
    // Never before the question, even within one millisecond (the id breaks the tie).
    Message::new(new, storage::now().max(user.timestamp))
}

/// Best effort: the reply in the user's language when it is in another one.
async fn translate_for_user(t2: &Track2, prefs: &ChatPrefs, reply: &mut Message) {
    let target = language::primary(&prefs.language);
    let Some(source) = reply.original_language.as_deref() else { return };
    if target.is_empty() || source == target {
        return;
    }
    match t2.assistant.translate(&reply.content, &target, prefs.provider).await {
        Ok(translation) => {
            reply.translated_content.insert(target, translation.content);
        }
        Err(AssistantError::NotAvailableOffline { .. }) => {
            log::debug!("reply {} left in {source}: no network provider to translate it", reply.id.0);
        }
        Err(e) => log::warn!("reply {} left untranslated into {target}: {e}", reply.id.0),
    }
}

fn metadata(c: &Completion) -> LlmMetadata {
    LlmMetadata {
        provider: c.provider.as_str().to_owned(),
        model: c.model.clone(),
        token_count: i64::from(c.usage.total_tokens),
        response_time: i64::try_from(c.response_time_ms).unwrap_or(i64::MAX),
        // f32 → f64 would show 0.7 as 0.699999988; three decimals are what configs use.
        temperature: Some((f64::from(c.temperature) * 1000.0).round() / 1000.0),
        prompt_tokens: i64::from(c.usage.prompt_tokens),
        completion_tokens: i64::from(c.usage.completion_tokens),
        thinking_tokens: i64::from(c.usage.thinking_tokens),
        cached_tokens: i64::from(c.usage.cached_tokens),
        finish_reason: c.finish_reason.clone(),
    }
}

fn content_type_of(kind: ConversationType) -> ContentType {
    match kind {
        ConversationType::Chat => ContentType::Text,
        ConversationType::Feedback => ContentType::Feedback,
        ConversationType::ReminderFeedback => ContentType::ReminderResponse,
    }
}

/// The snake_case name of an emergency category (its serde name).
fn category_name(category: safety::EmergencyCategory) -> String {
    serde_json::to_value(category)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "emergency".into())
}
