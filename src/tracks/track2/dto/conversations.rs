//! Conversation bodies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::json_object;
use crate::{
    gateway::identity::domain::Page,
    tracks::track2::domain::{Conversation, ConversationStatus, ConversationType},
};

/// A user starts a conversation.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateConversationRequest {
    /// Kind of conversation (default `chat`).
    pub conversation_type: Option<ConversationType>,
    /// Title (1–200 characters); otherwise generated from the messages.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Questions about my prescription")]
    pub title: Option<String>,
    /// Free metadata kept with the conversation (a JSON object).
    #[validate(custom(function = "json_object"))]
    #[schema(value_type = Option<Object>)]
    pub context: Option<Value>,
}

/// The statuses a user can set: `archived`, or `active` to reactivate (deleting is `DELETE`).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatusChange {
    /// Reactivate.
    Active,
    /// Archive.
    Archived,
}

impl From<ConversationStatusChange> for ConversationStatus {
    fn from(s: ConversationStatusChange) -> Self {
        match s {
            ConversationStatusChange::Active => Self::Active,
            ConversationStatusChange::Archived => Self::Archived,
        }
    }
}

/// Renames, archives or reactivates a conversation, or replaces its metadata.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateConversationRequest {
    /// New title (1–200 characters).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// New status.
    pub status: Option<ConversationStatusChange>,
    /// New metadata (a JSON object).
    #[validate(custom(function = "json_object"))]
    #[schema(value_type = Option<Object>)]
    pub context: Option<Value>,
}

/// Filters and page of the conversation list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConversationListQuery {
    /// Only `active` or only `archived` conversations (deleted ones are never listed).
    pub status: Option<ConversationStatusChange>,
    /// Only this kind.
    pub conversation_type: Option<ConversationType>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A conversation: the plan's `conversations` record.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatConversation {
    /// Id.
    pub conversation_id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// Always `track2`.
    #[schema(example = "track2")]
    pub track_origin: &'static str,
    /// Kind.
    pub conversation_type: ConversationType,
    /// Title, given or generated.
    pub title: Option<String>,
    /// Generated summary.
    pub summary: Option<String>,
    /// `active` or `archived`.
    pub status: ConversationStatus,
    /// Client metadata.
    #[schema(value_type = Option<Object>)]
    pub context: Option<Value>,
    /// Messages in the conversation.
    pub message_count: i64,
    /// Provider tokens spent on its replies.
    pub total_tokens: i64,
    /// Average provider response time, in milliseconds.
    pub avg_response_time: Option<f64>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When its latest message was written.
    pub last_message_at: Option<DateTime<Utc>>,
    /// When it was archived.
    pub archived_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<Conversation> for ChatConversation {
    fn from(c: Conversation) -> Self {
        Self {
            conversation_id: c.id.0,
            user_id: c.user_id.0,
            track_origin: "track2",
            conversation_type: c.conversation_type,
            title: c.title,
            summary: c.summary,
            status: c.status,
            context: c.context,
            message_count: c.counters.message_count,
            total_tokens: c.counters.total_tokens,
            avg_response_time: c.counters.avg_response_time(),
            started_at: c.started_at,
            last_message_at: c.last_message_at,
            archived_at: c.archived_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A page of conversations, newest activity first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    /// The conversations of this page.
    pub items: Vec<ChatConversation>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Conversations matching the filters across all pages.
    pub total: u64,
}

impl ConversationPage {
    /// The page's conversations as views.
    pub fn of(page: Page<Conversation>, number: u32, per_page: u32) -> Self {
        Self { items: page.items.into_iter().map(Into::into).collect(), page: number, per_page, total: page.total }
    }
}
