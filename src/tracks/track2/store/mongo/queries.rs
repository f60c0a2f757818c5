//! The pure filter, sort and update builders of Track 2's MongoDB store.

use bson::{doc, Bson, DateTime as BsonDate, Document, Uuid as BsonUuid};
use chrono::{DateTime, Utc};

use super::docs::EditDoc;
use crate::{
    storage::StoreResult,
    tracks::track2::domain::{ConversationFilter, ConversationId, ConversationPatch, Counters, Message, MessageId},
};

/// The conversation with this id.
pub(super) fn conversation(id: ConversationId) -> Document {
    doc! { "conversationId": BsonUuid::from(id.0) }
}

/// The message with this id.
pub(super) fn message(id: MessageId) -> Document {
    doc! { "messageId": BsonUuid::from(id.0) }
}

/// A conversation that may still change: not deleted.
pub(super) fn live_conversation(id: ConversationId) -> Document {
    doc! { "conversationId": BsonUuid::from(id.0), "status": { "$ne": "deleted" } }
}

/// A user's conversations that are not deleted, by status and type.
pub(super) fn list_filter(f: &ConversationFilter) -> Document {
    let mut status = doc! { "$ne": "deleted" };
    if let Some(s) = f.status {
        status.insert("$eq", s.as_str());
    }
    let mut filter = doc! { "userId": BsonUuid::from(f.user_id.0), "status": status };
    if let Some(t) = f.conversation_type {
        filter.insert("conversationType", t.as_str());
    }
    filter
}

/// Newest activity first (the `conversations_user_activity` index).
pub(super) fn list_sort() -> Document {
    doc! { "lastActivityAt": -1, "conversationId": -1 }
}

/// A conversation's messages in time order.
pub(super) fn time_order() -> Document {
    doc! { "timestamp": 1, "messageId": 1 }
}

/// Flagged messages, most recently flagged first.
pub(super) fn flagged_filter() -> Document {
    doc! { "flag.flaggedAt": { "$exists": true } }
}

/// See [`flagged_filter`].
pub(super) fn flagged_sort() -> Document {
    doc! { "flag.flaggedAt": -1, "messageId": -1 }
}

/// `$set`/`$unset` of a patch applied at `now`.
pub(super) fn patch_update(p: &ConversationPatch, now: DateTime<Utc>) -> StoreResult<Document> {
    let mut set = doc! { "updatedAt": BsonDate::from_chrono(now) };
    let mut unset = Document::new();
    if let Some(title) = &p.title {
        set.insert("title", title);
    }
    if let Some(summary) = &p.summary {
        set.insert("summary", summary);
    }
    if let Some(status) = p.status {
        set.insert("status", status.as_str());
    }
    if let Some(context) = &p.context {
        set.insert("context", bson::to_bson(context)?);
    }
    match p.archived_at(now) {
        Some(Some(at)) => {
            set.insert("archivedAt", BsonDate::from_chrono(at));
        }
        Some(None) => {
            unset.insert("archivedAt", "");
        }
        None => {}
    }
    let mut update = doc! { "$set": set };
    if !unset.is_empty() {
        update.insert("$unset", unset);
    }
    Ok(update)
}

/// The pipeline update that adds one message to its conversation's counters, atomically (one
/// document): sums are added to, `avgResponseTime` recomputed from the new sums, and the
/// times moved forward only (`$max`, which ignores a missing `lastMessageAt`).
pub(super) fn count_message(m: &Message) -> Vec<Document> {
    let delta = Counters::delta_of(m);
    let at = Bson::DateTime(BsonDate::from_chrono(m.timestamp));
    vec![
        doc! { "$set": {
            "messageCount": { "$add": ["$messageCount", delta.message_count] },
            "totalTokens": { "$add": ["$totalTokens", delta.total_tokens] },
            "responseTimeTotal": { "$add": ["$responseTimeTotal", delta.response_time_total_ms] },
            "timedReplies": { "$add": ["$timedReplies", delta.timed_replies] },
            "lastMessageAt": { "$max": ["$lastMessageAt", at.clone()] },
            "lastActivityAt": { "$max": ["$lastActivityAt", at.clone()] },
            "updatedAt": { "$max": ["$updatedAt", at] },
        } },
        doc! { "$set": {
            "avgResponseTime": { "$cond": [
                { "$gt": ["$timedReplies", 0] },
                { "$divide": ["$responseTimeTotal", "$timedReplies"] },
                Bson::Null,
            ] },
        } },
    ]
}

/// The message as it was read: an edit applies only if nobody changed it since.
pub(super) fn unchanged(before: &Message) -> Document {
    doc! {
        "messageId": BsonUuid::from(before.id.0),
        "content": &before.content,
        "updatedAt": BsonDate::from_chrono(before.updated_at),
    }
}

/// Sets the new content and appends the latest history entry of `after`.
pub(super) fn edit_update(after: &Message) -> StoreResult<Document> {
    let mut update = doc! { "$set": {
        "content": &after.content,
        "updatedAt": BsonDate::from_chrono(after.updated_at),
    } };
    if let Some(entry) = after.edit_history.last() {
        update.insert("$push", doc! { "editHistory": bson::to_bson(&EditDoc::from(entry))? });
    }
    Ok(update)
}

/// Sets one translation. `language` is a validated tag (letters, digits, `-`): never a `.` or
/// `$` that would change the path.
pub(super) fn translation_update(language: &str, text: &str) -> Document {
    doc! { "$set": { format!("translatedContent.{language}"): text } }
}
