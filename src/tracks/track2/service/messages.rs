//! Reading and editing a conversation's messages, and the staff list of flagged messages.

use super::Result;
use crate::{
    gateway::identity::domain::{Page, PageRequest, UserId},
    storage,
    tracks::track2::{
        domain::{Conversation, Message, MessageId, MessageRole},
        error::ChatError,
        store::Track2Stores,
    },
};

/// A conversation's messages in time order.
pub async fn list(stores: &Track2Stores, conversation: &Conversation, page: PageRequest) -> Result<Page<Message>> {
    Ok(stores.messages.list(conversation.id, page).await?)
}

/// A message of `conversation`.
pub async fn find_in(stores: &Track2Stores, conversation: &Conversation, id: MessageId) -> Result<Message> {
    match stores.messages.find(id).await? {
        Some(m) if m.conversation_id == conversation.id => Ok(m),
        _ => Err(ChatError::MessageNotFound(id.0)),
    }
}

/// Replaces the text of the author's own user message, keeping the old text with `reason`.
pub async fn edit(
    stores: &Track2Stores,
    conversation: &Conversation,
    id: MessageId,
    author: UserId,
    content: String,
    reason: String,
) -> Result<Message> {
    let before = find_in(stores, conversation, id).await?;
    if before.role != MessageRole::User || before.user_id != author {
        return Err(ChatError::NotEditable);
    }
    let after = before.edited(content, reason, storage::now());
    stores.messages.edit(&before, &after).await.map_err(ChatError::of_message(id.0))?;
    Ok(after)
}

/// Messages flagged for staff, most recent first.
pub async fn flagged(stores: &Track2Stores, page: PageRequest) -> Result<Page<Message>> {
    Ok(stores.messages.flagged(page).await?)
}
