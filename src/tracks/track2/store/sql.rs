//! Track 2 stores on SQLite and PostgreSQL: one implementation written in the SQL both
//! dialects share, instantiated per pool type by `impl_track2_stores!` (`sql_impl.rs`).
//!
//! Encodings: UUIDs are native `uuid` on PostgreSQL and 16-byte BLOBs on SQLite; timestamps
//! `timestamptz` and RFC 3339 TEXT (UTC, so TEXT sorts in time order); the embedded objects
//! (`context`, `llmMetadata`, `feedbackAnalysis`, `editHistory`) `jsonb` and JSON TEXT; enums
//! their snake_case names. Translations are rows of `message_translations`, so two
//! translations of one message written at once both stay.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{types::Json, FromRow, Pool};
use uuid::Uuid;

use super::{ConversationStore, MessageStore, Track2Stores};
use crate::{
    gateway::identity::domain::{Page, PageRequest, UserId},
    storage::{pick::BuildOn, StorageError, StoreResult},
    tracks::track2::domain::{
        ContentType, Conversation, ConversationFilter, ConversationId, ConversationPatch, ConversationStatus,
        ConversationType, Counters, EditRecord, LlmMetadata, Message, MessageAnalysis, MessageContext, MessageFlag,
        MessageId, MessageRole,
    },
};

const CONVERSATION_COLUMNS: &str = "conversation_id, user_id, conversation_type, title, summary, status, context, \
    message_count, total_tokens, response_time_total_ms, timed_replies, started_at, last_message_at, archived_at, \
    created_at, updated_at";
const INSERT_CONVERSATION: &str = "insert into conversations (conversation_id, user_id, conversation_type, title, \
    summary, status, context, message_count, total_tokens, response_time_total_ms, timed_replies, started_at, \
    last_message_at, archived_at, created_at, updated_at, last_activity_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
const LIST_FILTER: &str = " where user_id = $1 and status <> 'deleted' and ($2 is null or status = $2) \
    and ($3 is null or conversation_type = $3)";
const PATCH_CONVERSATION: &str = "update conversations set title = coalesce($2, title), \
    summary = coalesce($3, summary), status = coalesce($4, status), context = coalesce($5, context), \
    archived_at = case when $6 then $7 else archived_at end, updated_at = $8 \
    where conversation_id = $1 and status <> 'deleted'";
/// `$5` is the message's time: the latest of the times wins, whatever the commit order.
const COUNT_MESSAGE: &str = "update conversations set message_count = message_count + 1, \
    total_tokens = total_tokens + $2, response_time_total_ms = response_time_total_ms + $3, \
    timed_replies = timed_replies + $4, \
    last_message_at = case when last_message_at is null or last_message_at < $5 then $5 else last_message_at end, \
    last_activity_at = case when last_activity_at < $5 then $5 else last_activity_at end, \
    updated_at = case when updated_at < $5 then $5 else updated_at end \
    where conversation_id = $1";
const MESSAGE_COLUMNS: &str = "message_id, conversation_id, user_id, role, content, content_type, original_language, \
    llm_metadata, feedback_analysis, reply_to, context, flag_reason, flagged_at, incomplete, sent_at, edit_history, \
    created_at, updated_at";
const INSERT_MESSAGE: &str =
    "insert into messages (message_id, conversation_id, user_id, role, content, content_type, \
    original_language, llm_metadata, feedback_analysis, reply_to, context, flag_reason, flagged_at, incomplete, \
    sent_at, edit_history, created_at, updated_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
const EDIT_MESSAGE: &str = "update messages set content = $2, edit_history = $3, updated_at = $4 \
    where message_id = $1 and content = $5 and updated_at = $6";
const SAVE_TRANSLATION: &str = "insert into message_translations (message_id, language, content, created_at) \
    values ($1, $2, $3, $4) on conflict (message_id, language) do update set content = excluded.content, \
    created_at = excluded.created_at";
const CONVERSATION_ORDER: &str = " order by sent_at, message_id";
const FLAGGED_ORDER: &str = " order by flagged_at desc, message_id desc";

#[derive(FromRow)]
struct ConversationRow {
    conversation_id: Uuid,
    user_id: Uuid,
    conversation_type: String,
    title: Option<String>,
    summary: Option<String>,
    status: String,
    context: Option<Json<serde_json::Value>>,
    message_count: i64,
    total_tokens: i64,
    response_time_total_ms: i64,
    timed_replies: i64,
    started_at: DateTime<Utc>,
    last_message_at: Option<DateTime<Utc>>,
    archived_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn corrupt(record: &str, id: Uuid, field: &str, value: &str) -> StorageError {
    StorageError::Corrupt(format!("{record} {id}: {field} `{value}`"))
}

impl TryFrom<ConversationRow> for Conversation {
    type Error = StorageError;

    fn try_from(row: ConversationRow) -> StoreResult<Self> {
        let id = row.conversation_id;
        Ok(Self {
            id: ConversationId(id),
            user_id: UserId(row.user_id),
            conversation_type: ConversationType::parse(&row.conversation_type)
                .ok_or_else(|| corrupt("conversation", id, "conversation_type", &row.conversation_type))?,
            title: row.title,
            summary: row.summary,
            status: ConversationStatus::parse(&row.status)
                .ok_or_else(|| corrupt("conversation", id, "status", &row.status))?,
            context: row.context.map(|c| c.0),
            counters: Counters {
                message_count: row.message_count,
                total_tokens: row.total_tokens,
                response_time_total_ms: row.response_time_total_ms,
                timed_replies: row.timed_replies,
            },
            started_at: row.started_at,
            last_message_at: row.last_message_at,
            archived_at: row.archived_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(FromRow)]
struct MessageRow {
    message_id: Uuid,
    conversation_id: Uuid,
    user_id: Uuid,
    role: String,
    content: String,
    content_type: String,
    original_language: Option<String>,
    llm_metadata: Option<Json<LlmMetadata>>,
    feedback_analysis: Option<Json<MessageAnalysis>>,
    reply_to: Option<Uuid>,
    context: Option<Json<MessageContext>>,
    flag_reason: Option<String>,
    flagged_at: Option<DateTime<Utc>>,
    incomplete: bool,
    sent_at: DateTime<Utc>,
    edit_history: Json<Vec<EditRecord>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct TranslationRow {
    message_id: Uuid,
    language: String,
    content: String,
}

impl MessageRow {
    fn into_message(self, translations: &mut HashMap<Uuid, BTreeMap<String, String>>) -> StoreResult<Message> {
        let id = self.message_id;
        let translated_content = translations.remove(&id).unwrap_or_default();
        let flag = match (self.flag_reason, self.flagged_at) {
            (Some(reason), Some(flagged_at)) => Some(MessageFlag { reason, flagged_at }),
            _ => None,
        };
        Ok(Message {
            id: MessageId(id),
            conversation_id: ConversationId(self.conversation_id),
            user_id: UserId(self.user_id),
            role: MessageRole::parse(&self.role).ok_or_else(|| corrupt("message", id, "role", &self.role))?,
            content: self.content,
            content_type: ContentType::parse(&self.content_type)
                .ok_or_else(|| corrupt("message", id, "content_type", &self.content_type))?,
            original_language: self.original_language,
            translated_content,
            llm_metadata: self.llm_metadata.map(|m| m.0),
            feedback_analysis: self.feedback_analysis.map(|a| a.0),
            reply_to: self.reply_to.map(MessageId),
            context: self.context.map(|c| c.0),
            flag,
            incomplete: self.incomplete,
            timestamp: self.sent_at,
            edit_history: self.edit_history.0,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn messages_of(rows: Vec<MessageRow>, translations: Vec<TranslationRow>) -> StoreResult<Vec<Message>> {
    let mut by_message: HashMap<Uuid, BTreeMap<String, String>> = HashMap::new();
    for t in translations {
        by_message.entry(t.message_id).or_default().insert(t.language, t.content);
    }
    rows.into_iter().map(|row| row.into_message(&mut by_message)).collect()
}

fn limit(page: PageRequest) -> (i64, i64) {
    (i64::from(page.per_page), i64::try_from(page.offset()).unwrap_or(i64::MAX))
}

fn total(count: i64) -> u64 {
    u64::try_from(count).unwrap_or_default()
}

/// The filter's optional columns as bound values.
fn list_binds(f: &ConversationFilter) -> (Option<&'static str>, Option<&'static str>) {
    (f.status.map(ConversationStatus::as_str), f.conversation_type.map(ConversationType::as_str))
}

/// One store value implements both Track 2 traits over a pool.
pub(super) struct SqlChat<DB: sqlx::Database> {
    pool: Pool<DB>,
}

impl<DB: sqlx::Database> BuildOn<Pool<DB>> for Track2Stores
where
    SqlChat<DB>: ConversationStore + MessageStore,
{
    fn build_on(pool: &Pool<DB>) -> Self {
        let store = Arc::new(SqlChat { pool: pool.clone() });
        Self { conversations: store.clone(), messages: store }
    }
}

#[path = "sql_impl.rs"]
#[macro_use]
mod sql_impl;

#[cfg(feature = "sqlite")]
impl_track2_stores!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
impl_track2_stores!(sqlx::Postgres);
