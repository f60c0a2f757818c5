//! Track 2 storage: conversations and their messages, one trait per aggregate, implemented once
//! for SQLite and PostgreSQL (`sql.rs`) and for MongoDB (`mongo/`, the plan's `conversations`
//! and `messages` collections).
//!
//! A conversation's counters (`messageCount`, `totalTokens`, `avgResponseTime`,
//! `lastMessageAt`) move only with [`MessageStore::append`], which adds the message and its
//! share of the totals as one step: a SQL transaction, or on MongoDB the insert followed by one
//! atomic single-document update. Two messages appended at once both count.

#[cfg(feature = "mongodb")]
mod mongo;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::domain::{
    Conversation, ConversationFilter, ConversationId, ConversationPatch, Message, MessageAnalysis, MessageId,
};
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::{pick, Backend, StoreResult},
};

/// Conversations.
#[async_trait]
pub trait ConversationStore: Send + Sync {
    /// Stores a new conversation.
    async fn insert(&self, conversation: &Conversation) -> StoreResult<()>;
    /// A conversation by id, whatever its status.
    async fn find(&self, id: ConversationId) -> StoreResult<Option<Conversation>>;
    /// A user's conversations that are not deleted, newest activity first.
    async fn list(&self, filter: &ConversationFilter, page: PageRequest) -> StoreResult<Page<Conversation>>;
    /// Applies `patch` at `now` to a conversation that is not deleted; `NotFound` otherwise.
    async fn update(&self, id: ConversationId, patch: &ConversationPatch, now: DateTime<Utc>) -> StoreResult<()>;
}

/// Messages.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a message and adds it to its conversation's counters, atomically; `NotFound`
    /// (and nothing stored) when the conversation does not exist.
    async fn append(&self, message: &Message) -> StoreResult<()>;
    /// A message by id, with its translations.
    async fn find(&self, id: MessageId) -> StoreResult<Option<Message>>;
    /// A conversation's messages in time order (oldest first), with their translations.
    async fn list(&self, conversation: ConversationId, page: PageRequest) -> StoreResult<Page<Message>>;
    /// The latest `limit` messages of a conversation, in time order (for the provider context).
    async fn recent(&self, conversation: ConversationId, limit: u32) -> StoreResult<Vec<Message>>;
    /// Saves an edit (`after` is `before` with new content and one more history entry) if the
    /// stored message is still `before`; `Conflict` when it changed meanwhile.
    async fn edit(&self, before: &Message, after: &Message) -> StoreResult<()>;
    /// Stores the translation of a message into `language` (replacing an earlier one).
    async fn set_translation(&self, id: MessageId, language: &str, text: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Stores a message's feedback analysis.
    async fn set_analysis(&self, id: MessageId, analysis: &MessageAnalysis) -> StoreResult<()>;
    /// Messages flagged for staff, most recently flagged first.
    async fn flagged(&self, page: PageRequest) -> StoreResult<Page<Message>>;
}

/// Track 2's stores on one backend.
#[derive(Clone)]
pub struct Track2Stores {
    /// Conversations.
    pub conversations: Arc<dyn ConversationStore>,
    /// Messages.
    pub messages: Arc<dyn MessageStore>,
}

impl Track2Stores {
    /// The implementations for `backend`.
    pub fn build(backend: &Backend) -> Self {
        pick::build(backend)
    }
}

/// Creates MongoDB collections' indexes (SQL schemas come from the migrations).
pub async fn ensure_indexes(backend: &Backend) -> StoreResult<()> {
    pick::ensure_indexes::<Track2Stores>(backend).await
}
