//! Message bodies.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::language_tag;
use crate::{
    gateway::identity::domain::Page,
    tracks::track2::domain::{
        ContentType, EditRecord, LlmMetadata, Message, MessageAnalysis, MessageContext, MessageFlag, MessageRole,
    },
};

/// A user writes to the assistant.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostMessageRequest {
    /// The text (1–4000 characters).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000, example = "What are the clinic's opening hours?")]
    pub content: String,
    /// The message this one answers.
    pub reply_to_message_id: Option<Uuid>,
    /// Where it was written from.
    pub context: Option<MessageContext>,
}

/// How the reply comes back.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PostMessageQuery {
    /// `true`: stream the reply as Server-Sent Events (as does `Accept: text/event-stream`).
    pub stream: Option<bool>,
}

/// A user corrects their own message.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditMessageRequest {
    /// The new text (1–4000 characters).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub content: String,
    /// Why (1–500 characters), kept in the edit history.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500, example = "typo")]
    pub reason: String,
}

/// The language to translate a message into.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TranslateMessageRequest {
    /// Language tag, lower case (`fr`, `es`, `pt-br`).
    #[validate(custom(function = "language_tag"))]
    #[schema(pattern = r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$", example = "fr")]
    pub language: String,
}

/// A message: the plan's `messages` record.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    /// Id.
    pub message_id: Uuid,
    /// Its conversation.
    pub conversation_id: Uuid,
    /// The conversation's owner (also on the assistant's replies).
    pub user_id: Uuid,
    /// Author.
    pub role: MessageRole,
    /// Current text.
    pub content: String,
    /// Kind of content.
    pub content_type: ContentType,
    /// Detected language of the text.
    pub original_language: Option<String>,
    /// Translations by language tag.
    pub translated_content: BTreeMap<String, String>,
    /// How the provider produced it (assistant replies from a provider).
    pub llm_metadata: Option<LlmMetadata>,
    /// Analysis of feedback (messages of feedback conversations).
    pub feedback_analysis: Option<MessageAnalysis>,
    /// The message it answers.
    pub reply_to_message_id: Option<Uuid>,
    /// Where it was written from.
    pub context: Option<MessageContext>,
    /// Present when the message was flagged for staff (a described emergency).
    pub flag: Option<MessageFlag>,
    /// A streamed reply cut short (the client left): the text is what had arrived.
    pub incomplete: bool,
    /// When it was written.
    pub timestamp: DateTime<Utc>,
    /// Earlier versions, oldest first.
    pub edit_history: Vec<EditRecord>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<Message> for ChatMessage {
    fn from(m: Message) -> Self {
        Self {
            message_id: m.id.0,
            conversation_id: m.conversation_id.0,
            user_id: m.user_id.0,
            role: m.role,
            content: m.content,
            content_type: m.content_type,
            original_language: m.original_language,
            translated_content: m.translated_content,
            llm_metadata: m.llm_metadata,
            feedback_analysis: m.feedback_analysis,
            reply_to_message_id: m.reply_to.map(|r| r.0),
            context: m.context,
            flag: m.flag,
            incomplete: m.incomplete,
            timestamp: m.timestamp,
            edit_history: m.edit_history,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// The stored user message and the stored reply.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageExchange {
    /// The user's message.
    pub user_message: ChatMessage,
    /// The assistant's reply.
    pub assistant_message: ChatMessage,
}

/// A page of messages.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    /// The messages of this page.
    pub items: Vec<ChatMessage>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Messages across all pages.
    pub total: u64,
}

impl MessagePage {
    /// The page's messages as views.
    pub fn of(page: Page<Message>, number: u32, per_page: u32) -> Self {
        Self { items: page.items.into_iter().map(Into::into).collect(), page: number, per_page, total: page.total }
    }
}
