//! Track 2 stores on MongoDB: the plan's `conversations` and `messages` collections.
//!
//! Encodings: UUIDs are BSON binary subtype 4; timestamps BSON dates (milliseconds, hence
//! `storage::now()`); `translatedContent` an embedded map from language to text. Without a
//! replica set there are no multi-document transactions, so [`MessageStore::append`] inserts
//! the message, then adds it to the conversation's counters with one single-document pipeline
//! update (atomic, so concurrent appends all count). Should the conversation be gone, the
//! message is removed again and `NotFound` returned; should the update fail otherwise, the
//! message stays (it is never lost) and the error is logged and returned.

mod docs;
mod queries;

use std::sync::Arc;

use async_trait::async_trait;
use bson::{doc, Document};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use mongodb::{options::IndexOptions, Collection, Database, IndexModel};

use self::docs::{ConversationDoc, MessageDoc};
use super::{ConversationStore, MessageStore, Track2Stores};
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::{
        mongo::{find_page, index},
        pick::BuildOn,
        StorageError, StoreResult,
    },
    tracks::track2::domain::{
        Conversation, ConversationFilter, ConversationId, ConversationPatch, Message, MessageAnalysis, MessageId,
    },
};

struct MongoChat {
    conversations: Collection<ConversationDoc>,
    messages: Collection<MessageDoc>,
}

impl BuildOn<Database> for Track2Stores {
    /// The MongoDB Track 2 stores on `db`.
    fn build_on(db: &Database) -> Self {
        let store =
            Arc::new(MongoChat { conversations: db.collection("conversations"), messages: db.collection("messages") });
        Self { conversations: store.clone(), messages: store }
    }

    /// Creates Track 2's indexes (idempotent): ids, a user's list, a conversation's timeline and
    /// the staff list of flagged messages.
    async fn ensure_indexes(db: &Database) -> StoreResult<()> {
        db.collection::<Document>("conversations")
            .create_indexes([
                index("conversations_id_unique", doc! { "conversationId": 1 }, true),
                index("conversations_user_activity", doc! { "userId": 1, "status": 1, "lastActivityAt": -1 }, false),
            ])
            .await?;
        let flagged = IndexOptions::builder()
            .name("messages_flagged".to_owned())
            .partial_filter_expression(queries::flagged_filter())
            .build();
        db.collection::<Document>("messages")
            .create_indexes([
                index("messages_id_unique", doc! { "messageId": 1 }, true),
                index(
                    "messages_conversation_time",
                    doc! { "conversationId": 1, "timestamp": 1, "messageId": 1 },
                    false,
                ),
                IndexModel::builder().keys(queries::flagged_sort()).options(flagged).build(),
            ])
            .await?;
        Ok(())
    }
}

impl MongoChat {
    async fn messages_page(&self, filter: Document, sort: Document, page: PageRequest) -> StoreResult<Page<Message>> {
        find_page(&self.messages, filter, sort, page).await?.try_map(Message::try_from)
    }

    async fn missed(&self, id: MessageId) -> StorageError {
        match self.messages.count_documents(queries::message(id)).await {
            Ok(0) => StorageError::NotFound,
            Ok(_) => StorageError::Conflict(format!("message {} changed meanwhile", id.0)),
            Err(e) => e.into(),
        }
    }
}

#[async_trait]
impl ConversationStore for MongoChat {
    async fn insert(&self, conversation: &Conversation) -> StoreResult<()> {
        self.conversations.insert_one(ConversationDoc::of(conversation)?).await?;
        Ok(())
    }

    async fn find(&self, id: ConversationId) -> StoreResult<Option<Conversation>> {
        self.conversations.find_one(queries::conversation(id)).await?.map(Conversation::try_from).transpose()
    }

    async fn list(&self, filter: &ConversationFilter, page: PageRequest) -> StoreResult<Page<Conversation>> {
        let filter = queries::list_filter(filter);
        find_page(&self.conversations, filter, queries::list_sort(), page).await?.try_map(Conversation::try_from)
    }

    async fn update(&self, id: ConversationId, patch: &ConversationPatch, now: DateTime<Utc>) -> StoreResult<()> {
        let done =
            self.conversations.update_one(queries::live_conversation(id), queries::patch_update(patch, now)?).await?;
        if done.matched_count == 0 {
            return Err(StorageError::NotFound);
        }
        Ok(())
    }
}

#[async_trait]
impl MessageStore for MongoChat {
    async fn append(&self, message: &Message) -> StoreResult<()> {
        self.messages.insert_one(MessageDoc::of(message)?).await?;
        let counted = self
            .conversations
            .update_one(queries::conversation(message.conversation_id), queries::count_message(message))
            .await;
        match counted {
            Ok(done) if done.matched_count == 1 => Ok(()),
            Ok(_) => {
                self.messages.delete_one(queries::message(message.id)).await?;
                Err(StorageError::NotFound)
            }
            Err(e) => {
                log::error!("message {} stored but not counted in its conversation: {e}", message.id.0);
                Err(e.into())
            }
        }
    }

    async fn find(&self, id: MessageId) -> StoreResult<Option<Message>> {
        self.messages.find_one(queries::message(id)).await?.map(Message::try_from).transpose()
    }

    async fn list(&self, conversation: ConversationId, page: PageRequest) -> StoreResult<Page<Message>> {
        self.messages_page(queries::conversation(conversation), queries::time_order(), page).await
    }

    async fn recent(&self, conversation: ConversationId, limit: u32) -> StoreResult<Vec<Message>> {
        let docs: Vec<MessageDoc> = self
            .messages
            .find(queries::conversation(conversation))
            .sort(doc! { "timestamp": -1, "messageId": -1 })
            .limit(i64::from(limit))
            .await?
            .try_collect()
            .await?;
        let mut items = docs.into_iter().map(Message::try_from).collect::<StoreResult<Vec<_>>>()?;
        items.reverse();
        Ok(items)
    }

    async fn edit(&self, before: &Message, after: &Message) -> StoreResult<()> {
        let done = self.messages.update_one(queries::unchanged(before), queries::edit_update(after)?).await?;
        if done.matched_count == 0 {
            return Err(self.missed(before.id).await);
        }
        Ok(())
    }

    async fn set_translation(&self, id: MessageId, language: &str, text: &str, _now: DateTime<Utc>) -> StoreResult<()> {
        if language.is_empty() || language.contains(['.', '$']) {
            return Err(StorageError::Other(anyhow::anyhow!("invalid translation language `{language}`")));
        }
        let done = self.messages.update_one(queries::message(id), queries::translation_update(language, text)).await?;
        if done.matched_count == 0 {
            return Err(StorageError::NotFound);
        }
        Ok(())
    }

    async fn set_analysis(&self, id: MessageId, analysis: &MessageAnalysis) -> StoreResult<()> {
        let update = doc! { "$set": { "feedbackAnalysis": bson::to_document(analysis)? } };
        let done = self.messages.update_one(queries::message(id), update).await?;
        if done.matched_count == 0 {
            return Err(StorageError::NotFound);
        }
        Ok(())
    }

    async fn flagged(&self, page: PageRequest) -> StoreResult<Page<Message>> {
        self.messages_page(queries::flagged_filter(), queries::flagged_sort(), page).await
    }
}

#[cfg(test)]
#[path = "mongo_tests.rs"]
mod tests;
