//! Conversations and messages. A conversation of a migrated chat user becomes a `chat`
//! conversation of the account that user became (merged or not); its counters are rebuilt by
//! appending its messages, so they always match the messages stored. An assistant message
//! keeps its provider, model, tokens and response time as `llmMetadata`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use futures_util::{stream, StreamExt};
use uuid::Uuid;

use super::{
    normalise::{ms, target_id, Source},
    source::{ConversationRow, MessageRow},
    written, Handle, Migration, Mode, Written,
};
use crate::tracks::track2::domain::{
    ContentType, Conversation, ConversationId, ConversationStatus, ConversationType, Counters, LlmMetadata, Message,
    MessageId, MessageRole,
};

const CONVERSATIONS: &str = "conversations";
const MESSAGES: &str = "messages";

#[async_trait]
impl Handle<ConversationRow> for Migration {
    async fn handle(&mut self, row: ConversationRow) -> anyhow::Result<()> {
        self.report.tally(CONVERSATIONS).read += 1;
        let original = row.conversation_id;
        let Some(user_id) = row.user_id.and_then(|u| self.users.get(&(Source::Track2, u)).copied()) else {
            self.skip(CONVERSATIONS, original, "orphan", format!("user {:?} does not exist", row.user_id));
            return Ok(());
        };
        let Some(status) = ConversationStatus::parse(&row.status) else {
            self.skip(CONVERSATIONS, original, "bad_value", format!("unknown status `{}`", row.status));
            return Ok(());
        };
        let conversation = Conversation {
            id: ConversationId(target_id(Source::Track2, CONVERSATIONS, original)),
            user_id,
            conversation_type: ConversationType::Chat,
            title: row.title,
            summary: row.summary,
            status,
            context: None,
            counters: Counters::default(),
            started_at: ms(row.started_at),
            last_message_at: None,
            archived_at: row.archived_at.map(ms),
            created_at: ms(row.created_at),
            updated_at: ms(row.updated_at),
        };
        self.conversations.insert(original, (conversation.id.0, user_id));
        self.expected.conversations += u64::from(conversation.status != ConversationStatus::Deleted);
        match self.options.mode {
            Mode::Verify => {
                let found = self.targets.track2.conversations.find(conversation.id).await?;
                let print = |c: &Conversation| {
                    format!(
                        "{:?}",
                        (c.id, c.user_id, &c.title, &c.summary, c.status, c.started_at, c.archived_at, c.created_at)
                    )
                };
                self.check(CONVERSATIONS, original, print(&conversation), found.as_ref().map(print));
            }
            Mode::DryRun => self.count(CONVERSATIONS, Written::New),
            Mode::Write => {
                let outcome = written(self.targets.track2.conversations.insert(&conversation).await)?;
                self.count(CONVERSATIONS, outcome);
            }
        }
        Ok(())
    }
}

/// Messages of one batch written at once: appends commute (counters add up, the latest time
/// wins), so their order does not matter.
const PARALLEL_APPENDS: usize = 8;

#[async_trait]
impl Handle<MessageRow> for Migration {
    async fn handle(&mut self, row: MessageRow) -> anyhow::Result<()> {
        self.handle_batch(vec![row]).await
    }

    async fn handle_batch(&mut self, rows: Vec<MessageRow>) -> anyhow::Result<()> {
        let messages: Vec<(Uuid, Message)> =
            rows.into_iter().filter_map(|row| Some((row.message_id, self.message(row)?))).collect();
        match self.options.mode {
            Mode::Verify => {
                for (original, message) in messages {
                    let found = self.targets.track2.messages.find(message.id).await?;
                    self.check(MESSAGES, original, message_print(&message), found.as_ref().map(message_print));
                }
            }
            Mode::DryRun => messages.into_iter().for_each(|_| self.count(MESSAGES, Written::New)),
            Mode::Write => {
                let store = self.targets.track2.messages.clone();
                let outcomes: Vec<anyhow::Result<Written>> = stream::iter(messages)
                    .map(|(_, message)| {
                        let store = store.clone();
                        async move { written(store.append(&message).await) }
                    })
                    .buffer_unordered(PARALLEL_APPENDS)
                    .collect()
                    .await;
                for outcome in outcomes {
                    self.count(MESSAGES, outcome?);
                }
            }
        }
        Ok(())
    }
}

fn message_print(m: &Message) -> String {
    format!(
        "{:?}",
        (m.id, m.conversation_id, m.user_id, m.role, &m.content, &m.original_language, &m.llm_metadata, m.timestamp)
    )
}

impl Migration {
    /// The message a legacy row gives, or `None` (reported) when it cannot be migrated.
    fn message(&mut self, row: MessageRow) -> Option<Message> {
        self.report.tally(MESSAGES).read += 1;
        let original = row.message_id;
        let Some((conversation, owner)) = row.conversation_id.and_then(|c| self.conversations.get(&c).copied()) else {
            let detail = format!("conversation {:?} was not migrated", row.conversation_id);
            self.skip(MESSAGES, original, "orphan", detail);
            return None;
        };
        let Some(role) = MessageRole::parse(&row.role) else {
            self.skip(MESSAGES, original, "bad_value", format!("unknown role `{}`", row.role));
            return None;
        };
        let author = row.user_id.and_then(|u| self.users.get(&(Source::Track2, u)).copied()).unwrap_or(owner);
        let at = ms(row.created_at);
        self.expected.messages += 1;
        Some(Message {
            id: MessageId(target_id(Source::Track2, MESSAGES, original)),
            conversation_id: ConversationId(conversation),
            user_id: author,
            role,
            llm_metadata: llm_metadata(&row),
            content: row.content,
            content_type: ContentType::Text,
            original_language: row.original_language,
            translated_content: BTreeMap::new(),
            feedback_analysis: None,
            reply_to: None,
            context: None,
            flag: None,
            incomplete: false,
            timestamp: at,
            edit_history: Vec::new(),
            created_at: at,
            updated_at: at,
        })
    }
}

/// Provider, model, tokens and timing of an assistant message.
fn llm_metadata(row: &MessageRow) -> Option<LlmMetadata> {
    let provider = row.provider.as_ref()?;
    let prompt = i64::from(row.prompt_tokens.unwrap_or(0));
    let completion = i64::from(row.completion_tokens.unwrap_or(0));
    Some(LlmMetadata {
        provider: provider.clone(),
        model: row.model.clone().unwrap_or_default(),
        token_count: row.total_tokens.map_or(prompt + completion, i64::from),
        response_time: i64::from(row.response_time_ms.unwrap_or(0)),
        temperature: row.temperature,
        prompt_tokens: prompt,
        completion_tokens: completion,
        thinking_tokens: 0,
        cached_tokens: 0,
        finish_reason: None,
    })
}
