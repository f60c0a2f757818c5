//! Track 2 domain: the plan's `conversations` (here) and `messages` ([`message`]) records, with
//! the counter rules that keep a conversation consistent with its messages.

mod message;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use self::message::{
    ContentType, EditRecord, LlmMetadata, Message, MessageAnalysis, MessageContext, MessageFlag, MessageId,
    MessageRole, NewMessage,
};
use crate::gateway::identity::domain::UserId;

/// Generates `as_str`/`parse` for a snake_case enum, the names it is stored under.
macro_rules! stored_names {
    ($ty:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The stored and serialised name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }

            /// The value of a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($name => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use stored_names;

/// A conversation's id (UUIDv7, generated here so it is the same on every backend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConversationId(pub Uuid);

impl ConversationId {
    /// A fresh, time-ordered id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }
}

/// The plan's `conversationType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationType {
    /// Free conversation with the assistant.
    Chat,
    /// Feedback given through chat; messages get a feedback analysis.
    Feedback,
    /// A patient's answer to a reminder.
    ReminderFeedback,
}

stored_names!(ConversationType { Chat => "chat", Feedback => "feedback", ReminderFeedback => "reminder_feedback" });

impl ConversationType {
    /// Every conversation type.
    pub const ALL: [Self; 3] = [Self::Chat, Self::Feedback, Self::ReminderFeedback];

    /// What a conversation of this type is for.
    pub fn description(self) -> &'static str {
        match self {
            Self::Chat => "Questions to the clinic's assistant",
            Self::Feedback => "Feedback about a visit or the service, analysed for sentiment and urgency",
            Self::ReminderFeedback => "Replies to medication or appointment reminders",
        }
    }
}

/// The plan's conversation `status`. A `deleted` conversation is kept but hidden: lists skip
/// it and reading it is `not found`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// Open for new messages.
    Active,
    /// Kept for reading; no new messages until reactivated.
    Archived,
    /// Soft-deleted.
    Deleted,
}

stored_names!(ConversationStatus { Active => "active", Archived => "archived", Deleted => "deleted" });

/// Running totals a conversation keeps of its messages, updated with each message insert.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Messages in the conversation.
    pub message_count: i64,
    /// Tokens spent by the provider across its replies.
    pub total_tokens: i64,
    /// Sum of the provider response times, in milliseconds.
    pub response_time_total_ms: i64,
    /// Replies that have a response time.
    pub timed_replies: i64,
}

impl Counters {
    /// Average provider response time in milliseconds, when any reply was timed.
    pub fn avg_response_time(&self) -> Option<f64> {
        (self.timed_replies > 0).then(|| self.response_time_total_ms as f64 / self.timed_replies as f64)
    }

    /// What one more message adds.
    pub fn delta_of(message: &Message) -> Self {
        let llm = message.llm_metadata.as_ref();
        Self {
            message_count: 1,
            total_tokens: llm.map_or(0, |m| m.token_count),
            response_time_total_ms: llm.map_or(0, |m| m.response_time),
            timed_replies: i64::from(llm.is_some()),
        }
    }

    /// These totals with `delta` added.
    pub fn plus(self, delta: Self) -> Self {
        Self {
            message_count: self.message_count + delta.message_count,
            total_tokens: self.total_tokens + delta.total_tokens,
            response_time_total_ms: self.response_time_total_ms + delta.response_time_total_ms,
            timed_replies: self.timed_replies + delta.timed_replies,
        }
    }
}

/// What a user gives to start a conversation.
#[derive(Debug, Clone)]
pub struct NewConversation {
    /// The owner.
    pub user_id: UserId,
    /// Its kind.
    pub conversation_type: ConversationType,
    /// Optional title (otherwise generated from the messages later).
    pub title: Option<String>,
    /// Free metadata (a JSON object) the client wants kept with it.
    pub context: Option<serde_json::Value>,
}

/// A conversation: the plan's `conversations` record.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    /// Id.
    pub id: ConversationId,
    /// Owner.
    pub user_id: UserId,
    /// Kind.
    pub conversation_type: ConversationType,
    /// Title, given or generated.
    pub title: Option<String>,
    /// Generated summary.
    pub summary: Option<String>,
    /// Lifecycle state.
    pub status: ConversationStatus,
    /// Free client metadata (a JSON object).
    pub context: Option<serde_json::Value>,
    /// Totals of its messages.
    pub counters: Counters,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When its latest message was written.
    pub last_message_at: Option<DateTime<Utc>>,
    /// When it was archived (while archived).
    pub archived_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change of its own fields or counters.
    pub updated_at: DateTime<Utc>,
}

impl Conversation {
    /// A new, empty, active conversation.
    pub fn start(new: NewConversation, now: DateTime<Utc>) -> Self {
        Self {
            id: ConversationId::generate(),
            user_id: new.user_id,
            conversation_type: new.conversation_type,
            title: new.title,
            summary: None,
            status: ConversationStatus::Active,
            context: new.context,
            counters: Counters::default(),
            started_at: now,
            last_message_at: None,
            archived_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The time lists sort by, newest first: the latest message, or the start when it has none.
    pub fn last_activity_at(&self) -> DateTime<Utc> {
        self.last_message_at.unwrap_or(self.started_at)
    }

    /// Whether it is still visible to its owner.
    pub fn is_visible(&self) -> bool {
        self.status != ConversationStatus::Deleted
    }
}

/// A change to a conversation's own fields; `None` leaves a field as it is. Counters are never
/// patched: only message inserts move them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversationPatch {
    /// New title.
    pub title: Option<String>,
    /// New summary.
    pub summary: Option<String>,
    /// New status (`archivedAt` follows it: set on archive, cleared on reactivation).
    pub status: Option<ConversationStatus>,
    /// New metadata.
    pub context: Option<serde_json::Value>,
}

impl ConversationPatch {
    /// What `archivedAt` becomes: `Some(Some(now))` on archive, `Some(None)` on reactivation,
    /// `None` when it stays.
    pub fn archived_at(&self, now: DateTime<Utc>) -> Option<Option<DateTime<Utc>>> {
        match self.status {
            Some(ConversationStatus::Archived) => Some(Some(now)),
            Some(ConversationStatus::Active) => Some(None),
            Some(ConversationStatus::Deleted) | None => None,
        }
    }

    /// `conversation` with this patch applied at `now` (what the stores write).
    pub fn apply(&self, mut conversation: Conversation, now: DateTime<Utc>) -> Conversation {
        if let Some(title) = &self.title {
            conversation.title = Some(title.clone());
        }
        if let Some(summary) = &self.summary {
            conversation.summary = Some(summary.clone());
        }
        if let Some(context) = &self.context {
            conversation.context = Some(context.clone());
        }
        if let Some(archived_at) = self.archived_at(now) {
            conversation.archived_at = archived_at;
        }
        if let Some(status) = self.status {
            conversation.status = status;
        }
        conversation.updated_at = now;
        conversation
    }
}

/// Filters of a user's conversation list; deleted conversations are never listed.
#[derive(Debug, Clone, Copy)]
pub struct ConversationFilter {
    /// The owner.
    pub user_id: UserId,
    /// Only `active` or only `archived` ones.
    pub status: Option<ConversationStatus>,
    /// Only this kind.
    pub conversation_type: Option<ConversationType>,
}

#[cfg(test)]
#[path = "domain_tests.rs"]
mod tests;
