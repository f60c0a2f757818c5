//! The plan's `messages` record and the values embedded in it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{stored_names, ConversationId};
use crate::gateway::identity::domain::UserId;

/// A message's id (UUIDv7: time-ordered, so it breaks ties between equal timestamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageId(pub Uuid);

impl MessageId {
    /// A fresh, time-ordered id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageRole {
    /// The patient or user.
    User,
    /// The assistant (a provider's reply, or the fixed safety reply).
    Assistant,
    /// Instructions (not shown to the user).
    System,
}

stored_names!(MessageRole { User => "user", Assistant => "assistant", System => "system" });

/// The plan's `contentType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = MessageContentType)]
pub enum ContentType {
    /// Plain text.
    Text,
    /// Feedback about the care or the service.
    Feedback,
    /// An answer to a reminder.
    ReminderResponse,
}

stored_names!(ContentType { Text => "text", Feedback => "feedback", ReminderResponse => "reminder_response" });

/// The plan's `llmMetadata`, with the provider's token usage normalised (Gemini
/// `usageMetadata`, Groq `usage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LlmMetadata {
    /// Provider that answered (`gemini`, `groq`, `local`).
    #[schema(example = "gemini")]
    pub provider: String,
    /// Model that answered.
    #[schema(example = "gemini-2.0-flash")]
    pub model: String,
    /// Tokens the exchange cost in total.
    pub token_count: i64,
    /// Provider response time in milliseconds.
    pub response_time: i64,
    /// Sampling temperature used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Tokens of the prompt (context and question).
    #[serde(default)]
    pub prompt_tokens: i64,
    /// Tokens of the reply.
    #[serde(default)]
    pub completion_tokens: i64,
    /// Tokens the model spent thinking (Gemini).
    #[serde(default)]
    pub thinking_tokens: i64,
    /// Prompt tokens served from the provider's cache.
    #[serde(default)]
    pub cached_tokens: i64,
    /// Why the provider stopped (`stop`, `length`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
}

/// The plan's `feedbackAnalysis`, as Track 1's analyzer reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageAnalysis {
    /// Estimated rating, 1–5.
    pub rating: u8,
    /// `positive`, `negative` or `neutral`.
    pub sentiment: String,
    /// −1 (very negative) to 1.
    pub sentiment_score: f64,
    /// Topics mentioned, most mentioned first.
    pub topics: Vec<String>,
    /// `high`, `medium` or `low`.
    pub urgency: String,
    /// 0 to 1.
    pub urgency_score: f64,
    /// Whether someone must act on it.
    pub action_required: bool,
    /// Department concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Category of the main topic (`patient_safety` with clinical red flags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// The plan's message `context`: where the message was written from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageContext {
    /// Where the user was (free text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Device or app used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Free session data (a JSON object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub session_data: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One earlier version of an edited message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MessageEditRecord)]
pub struct EditRecord {
    /// When the edit was made.
    pub edited_at: DateTime<Utc>,
    /// The content before the edit.
    pub old_content: String,
    /// Why the user edited it.
    pub reason: String,
}

/// Marks a message staff must see (a described emergency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageFlag {
    /// What was detected (`chest_pain`, `suicidal_thoughts`, ...).
    pub reason: String,
    /// When it was flagged.
    pub flagged_at: DateTime<Utc>,
}

/// What a message is made of before it is stored.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// The conversation's owner (the plan's `userId`; also on the assistant's replies, so a
    /// user's messages are found by one key).
    pub user_id: UserId,
    /// Author.
    pub role: MessageRole,
    /// Text.
    pub content: String,
    /// Kind of content.
    pub content_type: ContentType,
    /// Language the text is in, when known.
    pub original_language: Option<String>,
    /// Message it answers.
    pub reply_to: Option<MessageId>,
    /// Where it was written from.
    pub context: Option<MessageContext>,
}

/// A message: the plan's `messages` record.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Id.
    pub id: MessageId,
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// The conversation's owner.
    pub user_id: UserId,
    /// Author.
    pub role: MessageRole,
    /// Current text.
    pub content: String,
    /// Kind of content.
    pub content_type: ContentType,
    /// Language of the text.
    pub original_language: Option<String>,
    /// Translations by language code.
    pub translated_content: BTreeMap<String, String>,
    /// How the provider produced it (assistant replies).
    pub llm_metadata: Option<LlmMetadata>,
    /// Analysis of feedback (messages of feedback conversations).
    pub feedback_analysis: Option<MessageAnalysis>,
    /// Message it answers.
    pub reply_to: Option<MessageId>,
    /// Where it was written from.
    pub context: Option<MessageContext>,
    /// Set when staff must see it.
    pub flag: Option<MessageFlag>,
    /// A streamed reply cut short because the client went away: the text is what had arrived.
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

impl Message {
    /// A message written at `now`.
    pub fn new(new: NewMessage, now: DateTime<Utc>) -> Self {
        Self {
            id: MessageId::generate(),
            conversation_id: new.conversation_id,
            user_id: new.user_id,
            role: new.role,
            content: new.content,
            content_type: new.content_type,
            original_language: new.original_language,
            translated_content: BTreeMap::new(),
            llm_metadata: None,
            feedback_analysis: None,
            reply_to: new.reply_to,
            context: new.context,
            flag: None,
            incomplete: false,
            timestamp: now,
            edit_history: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// This message with its text replaced, the old text kept in the history with `reason`.
    pub fn edited(&self, content: String, reason: String, now: DateTime<Utc>) -> Self {
        let mut after = self.clone();
        after.edit_history.push(EditRecord { edited_at: now, old_content: self.content.clone(), reason });
        after.content = content;
        after.updated_at = now;
        after
    }
}
