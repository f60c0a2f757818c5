//! Documents of Track 2's MongoDB collections (the plan's `conversations` and `messages`,
//! camelCase) and their mapping to the domain.

use std::collections::BTreeMap;

use bson::{Bson, DateTime as BsonDate, Document, Uuid as BsonUuid};
use serde::{Deserialize, Serialize};

use crate::{
    gateway::identity::domain::UserId,
    storage::{mongo::bson_safe_json, StorageError, StoreResult},
    tracks::track2::domain::{
        ContentType, Conversation, ConversationId, ConversationStatus, ConversationType, Counters, EditRecord, Message,
        MessageContext, MessageFlag, MessageId, MessageRole,
    },
};

/// Every conversation stored here started in Track 2.
pub(super) const TRACK_ORIGIN: &str = "track2";

/// A `conversations` document. `responseTimeTotal` and `timedReplies` are the running sums
/// `avgResponseTime` is computed from, so concurrent updates never average an average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConversationDoc {
    pub conversation_id: BsonUuid,
    pub user_id: BsonUuid,
    pub track_origin: String,
    pub conversation_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Bson>,
    pub message_count: i64,
    pub total_tokens: i64,
    pub response_time_total: i64,
    pub timed_replies: i64,
    #[serde(default)]
    pub avg_response_time: Option<f64>,
    pub started_at: BsonDate,
    #[serde(default)]
    pub last_message_at: Option<BsonDate>,
    pub last_activity_at: BsonDate,
    #[serde(default)]
    pub archived_at: Option<BsonDate>,
    pub created_at: BsonDate,
    pub updated_at: BsonDate,
}

fn corrupt(record: &str, id: impl std::fmt::Display, field: &str, value: &str) -> StorageError {
    StorageError::Corrupt(format!("{record} {id}: {field} `{value}`"))
}

/// `context` with its free `sessionData` made storable.
fn storable_context(context: &MessageContext) -> MessageContext {
    let session_data = context
        .session_data
        .as_ref()
        .map(|fields| fields.iter().map(|(k, v)| (k.clone(), bson_safe_json(v))).collect());
    MessageContext { session_data, ..context.clone() }
}

impl ConversationDoc {
    pub fn of(c: &Conversation) -> StoreResult<Self> {
        Ok(Self {
            conversation_id: c.id.0.into(),
            user_id: c.user_id.0.into(),
            track_origin: TRACK_ORIGIN.to_owned(),
            conversation_type: c.conversation_type.as_str().to_owned(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            status: c.status.as_str().to_owned(),
            context: c.context.as_ref().map(|v| bson::to_bson(&bson_safe_json(v))).transpose()?,
            message_count: c.counters.message_count,
            total_tokens: c.counters.total_tokens,
            response_time_total: c.counters.response_time_total_ms,
            timed_replies: c.counters.timed_replies,
            avg_response_time: c.counters.avg_response_time(),
            started_at: BsonDate::from_chrono(c.started_at),
            last_message_at: c.last_message_at.map(BsonDate::from_chrono),
            last_activity_at: BsonDate::from_chrono(c.last_activity_at()),
            archived_at: c.archived_at.map(BsonDate::from_chrono),
            created_at: BsonDate::from_chrono(c.created_at),
            updated_at: BsonDate::from_chrono(c.updated_at),
        })
    }
}

impl TryFrom<ConversationDoc> for Conversation {
    type Error = StorageError;

    fn try_from(d: ConversationDoc) -> StoreResult<Self> {
        let id = d.conversation_id;
        Ok(Self {
            id: ConversationId(id.into()),
            user_id: UserId(d.user_id.into()),
            conversation_type: ConversationType::parse(&d.conversation_type)
                .ok_or_else(|| corrupt("conversation", id, "conversationType", &d.conversation_type))?,
            title: d.title,
            summary: d.summary,
            status: ConversationStatus::parse(&d.status)
                .ok_or_else(|| corrupt("conversation", id, "status", &d.status))?,
            context: d.context.map(Bson::into_relaxed_extjson),
            counters: Counters {
                message_count: d.message_count,
                total_tokens: d.total_tokens,
                response_time_total_ms: d.response_time_total,
                timed_replies: d.timed_replies,
            },
            started_at: d.started_at.to_chrono(),
            last_message_at: d.last_message_at.map(BsonDate::to_chrono),
            archived_at: d.archived_at.map(BsonDate::to_chrono),
            created_at: d.created_at.to_chrono(),
            updated_at: d.updated_at.to_chrono(),
        })
    }
}

/// One `editHistory` entry, with a BSON date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EditDoc {
    pub edited_at: BsonDate,
    pub old_content: String,
    pub reason: String,
}

impl From<&EditRecord> for EditDoc {
    fn from(e: &EditRecord) -> Self {
        Self {
            edited_at: BsonDate::from_chrono(e.edited_at),
            old_content: e.old_content.clone(),
            reason: e.reason.clone(),
        }
    }
}

/// The staff flag, with a BSON date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FlagDoc {
    pub reason: String,
    pub flagged_at: BsonDate,
}

/// A `messages` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MessageDoc {
    pub message_id: BsonUuid,
    pub conversation_id: BsonUuid,
    pub user_id: BsonUuid,
    pub role: String,
    pub content: String,
    pub content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_language: Option<String>,
    #[serde(default)]
    pub translated_content: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm_metadata: Option<Document>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_analysis: Option<Document>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to_message_id: Option<BsonUuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Document>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<FlagDoc>,
    #[serde(default)]
    pub incomplete: bool,
    pub timestamp: BsonDate,
    #[serde(default)]
    pub edit_history: Vec<EditDoc>,
    pub created_at: BsonDate,
    pub updated_at: BsonDate,
}

impl MessageDoc {
    pub fn of(m: &Message) -> StoreResult<Self> {
        Ok(Self {
            message_id: m.id.0.into(),
            conversation_id: m.conversation_id.0.into(),
            user_id: m.user_id.0.into(),
            role: m.role.as_str().to_owned(),
            content: m.content.clone(),
            content_type: m.content_type.as_str().to_owned(),
            original_language: m.original_language.clone(),
            translated_content: m.translated_content.clone(),
            llm_metadata: m.llm_metadata.as_ref().map(bson::to_document).transpose()?,
            feedback_analysis: m.feedback_analysis.as_ref().map(bson::to_document).transpose()?,
            reply_to_message_id: m.reply_to.map(|r| r.0.into()),
            context: m.context.as_ref().map(storable_context).map(|c| bson::to_document(&c)).transpose()?,
            flag: m
                .flag
                .as_ref()
                .map(|f| FlagDoc { reason: f.reason.clone(), flagged_at: BsonDate::from_chrono(f.flagged_at) }),
            incomplete: m.incomplete,
            timestamp: BsonDate::from_chrono(m.timestamp),
            edit_history: m.edit_history.iter().map(EditDoc::from).collect(),
            created_at: BsonDate::from_chrono(m.created_at),
            updated_at: BsonDate::from_chrono(m.updated_at),
        })
    }
}

impl TryFrom<MessageDoc> for Message {
    type Error = StorageError;

    fn try_from(d: MessageDoc) -> StoreResult<Self> {
        let id = d.message_id;
        Ok(Self {
            id: MessageId(id.into()),
            conversation_id: ConversationId(d.conversation_id.into()),
            user_id: UserId(d.user_id.into()),
            role: MessageRole::parse(&d.role).ok_or_else(|| corrupt("message", id, "role", &d.role))?,
            content: d.content,
            content_type: ContentType::parse(&d.content_type)
                .ok_or_else(|| corrupt("message", id, "contentType", &d.content_type))?,
            original_language: d.original_language,
            translated_content: d.translated_content,
            llm_metadata: d.llm_metadata.map(bson::from_document).transpose()?,
            feedback_analysis: d.feedback_analysis.map(bson::from_document).transpose()?,
            reply_to: d.reply_to_message_id.map(|r| MessageId(r.into())),
            context: d.context.map(bson::from_document).transpose()?,
            flag: d.flag.map(|f| MessageFlag { reason: f.reason, flagged_at: f.flagged_at.to_chrono() }),
            incomplete: d.incomplete,
            timestamp: d.timestamp.to_chrono(),
            edit_history: d
                .edit_history
                .into_iter()
                .map(|e| EditRecord {
                    edited_at: e.edited_at.to_chrono(),
                    old_content: e.old_content,
                    reason: e.reason,
                })
                .collect(),
            created_at: d.created_at.to_chrono(),
            updated_at: d.updated_at.to_chrono(),
        })
    }
}
