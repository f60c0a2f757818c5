use bson::{doc, Bson, DateTime as BsonDate, Uuid as BsonUuid};
use chrono::Duration;
use serde_json::json;

use super::{docs::*, queries::*};
use crate::{
    gateway::identity::domain::UserId,
    storage,
    tracks::track2::domain::{
        ContentType, Conversation, ConversationFilter, ConversationPatch, ConversationStatus, ConversationType,
        LlmMetadata, Message, MessageAnalysis, MessageContext, MessageFlag, MessageRole, NewConversation, NewMessage,
    },
};

fn conversation() -> Conversation {
    let new = NewConversation {
        user_id: UserId::generate(),
        conversation_type: ConversationType::Feedback,
        title: Some("Knee pain".into()),
        context: Some(json!({"clinic": "north", "visits": 2})),
    };
    let mut c = Conversation::start(new, storage::now());
    c.counters.message_count = 2;
    c.counters.total_tokens = 90;
    c.counters.response_time_total_ms = 420;
    c.counters.timed_replies = 1;
    c.last_message_at = Some(c.started_at + Duration::seconds(4));
    c
}

fn reply(c: &Conversation) -> Message {
    let new = NewMessage {
        conversation_id: c.id,
        user_id: c.user_id,
        role: MessageRole::Assistant,
        content: "Rest and ice.".into(),
        content_type: ContentType::Feedback,
        original_language: Some("en".into()),
        reply_to: Some(crate::tracks::track2::domain::MessageId::generate()),
        context: Some(MessageContext {
            location: Some("home".into()),
            device: Some("android".into()),
            session_data: json!({"screen": "chat"}).as_object().cloned(),
        }),
    };
    let mut m = Message::new(new, storage::now());
    m.translated_content.insert("fr".into(), "Repos et glace.".into());
    m.llm_metadata = Some(LlmMetadata {
        provider: "gemini".into(),
        model: "gemini-2.0-flash".into(),
        token_count: 42,
        response_time: 420,
        temperature: Some(0.4),
        prompt_tokens: 30,
        completion_tokens: 8,
        thinking_tokens: 3,
        cached_tokens: 1,
        finish_reason: Some("STOP".into()),
    });
    m.feedback_analysis = Some(MessageAnalysis {
        rating: 2,
        sentiment: "negative".into(),
        sentiment_score: -0.5,
        topics: vec!["pain".into()],
        urgency: "medium".into(),
        urgency_score: 0.4,
        action_required: true,
        department: Some("orthopedics".into()),
        category: None,
    });
    m.flag = Some(MessageFlag { reason: "chest_pain".into(), flagged_at: m.timestamp });
    m.edited("Rest, ice.".into(), "shorter".into(), m.timestamp + Duration::seconds(1))
}

#[test]
fn conversations_round_trip_in_the_plan_layout() {
    let c = conversation();
    let as_bson = bson::to_document(&ConversationDoc::of(&c).unwrap()).unwrap();
    assert_eq!(as_bson.get_str("trackOrigin").unwrap(), "track2");
    assert_eq!(as_bson.get_str("conversationType").unwrap(), "feedback");
    assert_eq!(as_bson.get_i64("messageCount").unwrap(), 2);
    assert_eq!(as_bson.get_f64("avgResponseTime").unwrap(), 420.0);
    assert_eq!(as_bson.get_datetime("lastActivityAt").unwrap(), &BsonDate::from_chrono(c.last_activity_at()));
    assert!(
        matches!(as_bson.get("conversationId"), Some(Bson::Binary(b)) if b.subtype == bson::spec::BinarySubtype::Uuid)
    );
    let back: ConversationDoc = bson::from_document(as_bson).unwrap();
    assert_eq!(Conversation::try_from(back).unwrap(), c);
}

#[test]
fn messages_round_trip_with_every_embedded_object() {
    let m = reply(&conversation());
    let as_bson = bson::to_document(&MessageDoc::of(&m).unwrap()).unwrap();
    assert_eq!(as_bson.get_document("translatedContent").unwrap().get_str("fr").unwrap(), "Repos et glace.");
    assert_eq!(as_bson.get_document("llmMetadata").unwrap().get_i64("tokenCount").unwrap(), 42);
    assert_eq!(as_bson.get_document("feedbackAnalysis").unwrap().get_str("urgency").unwrap(), "medium");
    let history = as_bson.get_array("editHistory").unwrap();
    assert!(matches!(&history[0], Bson::Document(d) if d.get_datetime("editedAt").is_ok()));
    assert!(as_bson.get_document("flag").unwrap().get_datetime("flaggedAt").is_ok());
    assert!(as_bson.get("replyToMessageId").is_some());
    let back: MessageDoc = bson::from_document(as_bson).unwrap();
    assert_eq!(Message::try_from(back).unwrap(), m);
}

#[test]
fn corrupt_names_are_reported() {
    let mut d = MessageDoc::of(&reply(&conversation())).unwrap();
    d.role = "robot".into();
    assert!(matches!(Message::try_from(d), Err(storage::StorageError::Corrupt(_))));
}

#[test]
fn lists_never_show_deleted_conversations() {
    let user = UserId::generate();
    let all = list_filter(&ConversationFilter { user_id: user, status: None, conversation_type: None });
    assert_eq!(all, doc! { "userId": BsonUuid::from(user.0), "status": { "$ne": "deleted" } });
    let some = list_filter(&ConversationFilter {
        user_id: user,
        status: Some(ConversationStatus::Archived),
        conversation_type: Some(ConversationType::ReminderFeedback),
    });
    assert_eq!(
        some,
        doc! {
            "userId": BsonUuid::from(user.0),
            "status": { "$ne": "deleted", "$eq": "archived" },
            "conversationType": "reminder_feedback",
        }
    );
    assert_eq!(list_sort(), doc! { "lastActivityAt": -1, "conversationId": -1 });
}

#[test]
fn patches_set_what_they_name_and_follow_the_status() {
    let now = storage::now();
    let at = BsonDate::from_chrono(now);
    let archive = ConversationPatch { status: Some(ConversationStatus::Archived), ..Default::default() };
    assert_eq!(
        patch_update(&archive, now).unwrap(),
        doc! { "$set": { "updatedAt": at, "status": "archived", "archivedAt": at } }
    );
    let reopen = ConversationPatch {
        title: Some("T".into()),
        status: Some(ConversationStatus::Active),
        context: Some(json!({"a": 1})),
        ..Default::default()
    };
    assert_eq!(
        patch_update(&reopen, now).unwrap(),
        doc! {
            "$set": { "updatedAt": at, "title": "T", "status": "active", "context": { "a": 1_i64 } },
            "$unset": { "archivedAt": "" },
        }
    );
}

#[test]
fn counting_a_message_is_one_pipeline_of_sums_then_the_average() {
    let m = reply(&conversation());
    let at = BsonDate::from_chrono(m.timestamp);
    let pipeline = count_message(&m);
    assert_eq!(pipeline.len(), 2);
    assert_eq!(
        pipeline[0],
        doc! { "$set": {
            "messageCount": { "$add": ["$messageCount", 1_i64] },
            "totalTokens": { "$add": ["$totalTokens", 42_i64] },
            "responseTimeTotal": { "$add": ["$responseTimeTotal", 420_i64] },
            "timedReplies": { "$add": ["$timedReplies", 1_i64] },
            "lastMessageAt": { "$max": ["$lastMessageAt", at] },
            "lastActivityAt": { "$max": ["$lastActivityAt", at] },
            "updatedAt": { "$max": ["$updatedAt", at] },
        } }
    );
    let avg = pipeline[1].get_document("$set").unwrap().get_document("avgResponseTime").unwrap();
    assert_eq!(
        avg.get_array("$cond").unwrap()[1],
        Bson::Document(doc! { "$divide": ["$responseTimeTotal", "$timedReplies"] })
    );
}

#[test]
fn edits_are_conditional_pushes_and_translations_one_key() {
    let before = reply(&conversation());
    let after = before.edited("Ice.".into(), "even shorter".into(), before.updated_at + Duration::seconds(2));
    let filter = unchanged(&before);
    assert_eq!(filter.get_str("content").unwrap(), "Rest, ice.");
    assert_eq!(filter.get_datetime("updatedAt").unwrap(), &BsonDate::from_chrono(before.updated_at));
    let update = edit_update(&after).unwrap();
    assert_eq!(update.get_document("$set").unwrap().get_str("content").unwrap(), "Ice.");
    let pushed = update.get_document("$push").unwrap().get_document("editHistory").unwrap();
    assert_eq!(
        (pushed.get_str("oldContent").unwrap(), pushed.get_str("reason").unwrap()),
        ("Rest, ice.", "even shorter")
    );
    assert_eq!(translation_update("pt-br", "Gelo."), doc! { "$set": { "translatedContent.pt-br": "Gelo." } });
    assert_eq!(flagged_filter(), doc! { "flag.flaggedAt": { "$exists": true } });
}
