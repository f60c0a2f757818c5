//! Conversations: start, find, list, change, soft-delete.

use super::Result;
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage,
    tracks::track2::{
        domain::{
            Conversation, ConversationFilter, ConversationId, ConversationPatch, ConversationStatus, NewConversation,
        },
        error::ChatError,
        store::Track2Stores,
    },
};

/// Starts a conversation.
pub async fn create(stores: &Track2Stores, new: NewConversation) -> Result<Conversation> {
    let conversation = Conversation::start(new, storage::now());
    stores.conversations.insert(&conversation).await?;
    Ok(conversation)
}

/// A conversation that is not deleted.
pub async fn visible(stores: &Track2Stores, id: ConversationId) -> Result<Conversation> {
    match stores.conversations.find(id).await? {
        Some(c) if c.is_visible() => Ok(c),
        _ => Err(ChatError::ConversationNotFound(id.0)),
    }
}

/// A user's conversations, newest activity first.
pub async fn list(stores: &Track2Stores, filter: &ConversationFilter, page: PageRequest) -> Result<Page<Conversation>> {
    Ok(stores.conversations.list(filter, page).await?)
}

/// Applies `patch` and returns the conversation as stored.
pub async fn update(stores: &Track2Stores, id: ConversationId, patch: &ConversationPatch) -> Result<Conversation> {
    stores.conversations.update(id, patch, storage::now()).await.map_err(ChatError::of_conversation(id.0))?;
    visible(stores, id).await
}

/// Soft-deletes: the conversation and its messages stay stored, hidden from their owner.
pub async fn delete(stores: &Track2Stores, id: ConversationId) -> Result<()> {
    let patch = ConversationPatch { status: Some(ConversationStatus::Deleted), ..Default::default() };
    stores.conversations.update(id, &patch, storage::now()).await.map_err(ChatError::of_conversation(id.0))
}
