//! Track 2 store cases: conversations (lists by activity, filters, soft delete, patches) and
//! messages (time order, counters kept with the messages even under concurrent appends, edit
//! history, translations, flags, analyses).

use carechat::{
    gateway::identity::domain::{PageRequest, UserId},
    storage::{self, Backend, StorageError},
    tracks::track2::{
        domain::{
            ContentType, Conversation, ConversationFilter, ConversationPatch, ConversationStatus, ConversationType,
            LlmMetadata, Message, MessageAnalysis, MessageFlag, MessageId, MessageRole, NewConversation, NewMessage,
        },
        store::{ensure_indexes, Track2Stores},
    },
};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

async fn build(backend: &Backend) -> Track2Stores {
    ensure_indexes(backend).await.expect("indexes");
    Track2Stores::build(backend)
}

conformance!(
    build,
    [
        conversations_read_back_as_written,
        lists_show_newest_activity_first_and_never_deleted,
        patches_rename_archive_reactivate_and_delete,
        messages_list_in_time_order_and_move_the_counters,
        concurrent_appends_all_count,
        appending_to_an_unknown_conversation_stores_nothing,
        edits_keep_history_and_lose_to_a_concurrent_edit,
        translations_are_kept_per_language,
        flags_and_analyses,
    ]
);

fn page(page: u32, per_page: u32) -> PageRequest {
    PageRequest { page, per_page }
}

fn new_conversation(user: UserId, kind: ConversationType, at: DateTime<Utc>) -> Conversation {
    let new = NewConversation {
        user_id: user,
        conversation_type: kind,
        title: Some("Questions".into()),
        context: Some(json!({"source": "app", "visit": 3})),
    };
    Conversation::start(new, at)
}

fn message(c: &Conversation, role: MessageRole, text: &str, at: DateTime<Utc>) -> Message {
    let new = NewMessage {
        conversation_id: c.id,
        user_id: c.user_id,
        role,
        content: text.into(),
        content_type: ContentType::Text,
        original_language: Some("en".into()),
        reply_to: None,
        context: None,
    };
    Message::new(new, at)
}

fn reply(c: &Conversation, to: &Message, tokens: i64, ms: i64, at: DateTime<Utc>) -> Message {
    let mut m = message(c, MessageRole::Assistant, "Drink water.", at);
    m.reply_to = Some(to.id);
    m.llm_metadata = Some(LlmMetadata {
        provider: "groq".into(),
        model: "llama-3.3-70b-versatile".into(),
        token_count: tokens,
        response_time: ms,
        temperature: Some(0.3),
        prompt_tokens: tokens - 5,
        completion_tokens: 5,
        thinking_tokens: 0,
        cached_tokens: 2,
        finish_reason: Some("stop".into()),
    });
    m
}

async fn stored(stores: &Track2Stores, c: &Conversation) -> Conversation {
    stores.conversations.find(c.id).await.unwrap().expect("the conversation")
}

async fn conversations_read_back_as_written(stores: &Track2Stores) {
    let c = new_conversation(UserId::generate(), ConversationType::Feedback, storage::now());
    stores.conversations.insert(&c).await.unwrap();
    assert_eq!(stores.conversations.find(c.id).await.unwrap(), Some(c));
    let unknown = new_conversation(UserId::generate(), ConversationType::Chat, storage::now());
    assert_eq!(stores.conversations.find(unknown.id).await.unwrap(), None);
}

async fn lists_show_newest_activity_first_and_never_deleted(stores: &Track2Stores) {
    let user = UserId::generate();
    let t0 = storage::now() - Duration::hours(1);
    let old = new_conversation(user, ConversationType::Chat, t0);
    let newer = new_conversation(user, ConversationType::Feedback, t0 + Duration::minutes(10));
    let gone = new_conversation(user, ConversationType::Chat, t0 + Duration::minutes(20));
    let other = new_conversation(UserId::generate(), ConversationType::Chat, t0);
    for c in [&old, &newer, &gone, &other] {
        stores.conversations.insert(c).await.unwrap();
    }
    let deleted = ConversationPatch { status: Some(ConversationStatus::Deleted), ..Default::default() };
    stores.conversations.update(gone.id, &deleted, t0 + Duration::minutes(21)).await.unwrap();
    // A message makes the oldest conversation the most recently active.
    stores.messages.append(&message(&old, MessageRole::User, "hi", t0 + Duration::minutes(30))).await.unwrap();
    let all = ConversationFilter { user_id: user, status: None, conversation_type: None };
    let listed = stores.conversations.list(&all, page(1, 10)).await.unwrap();
    assert_eq!(listed.total, 2);
    assert_eq!(listed.items.iter().map(|c| c.id).collect::<Vec<_>>(), [old.id, newer.id]);
    let second = stores.conversations.list(&all, page(2, 1)).await.unwrap();
    assert_eq!((second.total, second.items[0].id), (2, newer.id));
    let feedback = ConversationFilter { conversation_type: Some(ConversationType::Feedback), ..all };
    assert_eq!(stores.conversations.list(&feedback, page(1, 10)).await.unwrap().items[0].id, newer.id);
    let archived = ConversationFilter { status: Some(ConversationStatus::Archived), ..all };
    assert_eq!(stores.conversations.list(&archived, page(1, 10)).await.unwrap().total, 0);
    let asked_deleted = ConversationFilter { status: Some(ConversationStatus::Deleted), ..all };
    assert_eq!(stores.conversations.list(&asked_deleted, page(1, 10)).await.unwrap().total, 0);
}

async fn patches_rename_archive_reactivate_and_delete(stores: &Track2Stores) {
    let c = new_conversation(UserId::generate(), ConversationType::Chat, storage::now());
    stores.conversations.insert(&c).await.unwrap();
    let t1 = c.created_at + Duration::seconds(5);
    let rename =
        ConversationPatch { title: Some("Knee".into()), summary: Some("About a knee.".into()), ..Default::default() };
    stores.conversations.update(c.id, &rename, t1).await.unwrap();
    let archive = ConversationPatch { status: Some(ConversationStatus::Archived), ..Default::default() };
    stores.conversations.update(c.id, &archive, t1).await.unwrap();
    let expected = archive.apply(rename.apply(c.clone(), t1), t1);
    assert_eq!(stored(stores, &c).await, expected);
    assert_eq!(expected.archived_at, Some(t1));
    let reopen = ConversationPatch {
        status: Some(ConversationStatus::Active),
        context: Some(json!({"a": 1})),
        ..Default::default()
    };
    stores.conversations.update(c.id, &reopen, t1).await.unwrap();
    let back = stored(stores, &c).await;
    assert_eq!(
        (back.status, back.archived_at, back.context),
        (ConversationStatus::Active, None, Some(json!({"a": 1})))
    );
    let delete = ConversationPatch { status: Some(ConversationStatus::Deleted), ..Default::default() };
    stores.conversations.update(c.id, &delete, t1).await.unwrap();
    assert_eq!(stored(stores, &c).await.status, ConversationStatus::Deleted);
    let err = stores.conversations.update(c.id, &rename, t1).await.unwrap_err();
    assert!(matches!(err, StorageError::NotFound), "a deleted conversation does not change: {err:?}");
}

async fn messages_list_in_time_order_and_move_the_counters(stores: &Track2Stores) {
    let c = new_conversation(UserId::generate(), ConversationType::Chat, storage::now());
    stores.conversations.insert(&c).await.unwrap();
    let t = c.created_at;
    let q1 = message(&c, MessageRole::User, "one", t + Duration::seconds(1));
    let a1 = reply(&c, &q1, 40, 100, t + Duration::seconds(2));
    let q2 = message(&c, MessageRole::User, "two", t + Duration::seconds(3));
    let a2 = reply(&c, &q2, 60, 300, t + Duration::seconds(4));
    // Appended out of order: the list still reads in time order, lastMessageAt is the latest.
    for m in [&q1, &a2, &q2, &a1] {
        stores.messages.append(m).await.unwrap();
    }
    let listed = stores.messages.list(c.id, page(1, 10)).await.unwrap();
    assert_eq!(listed.total, 4);
    assert_eq!(listed.items, vec![q1.clone(), a1.clone(), q2.clone(), a2.clone()]);
    let second = stores.messages.list(c.id, page(2, 3)).await.unwrap();
    assert_eq!(second.items, vec![a2.clone()]);
    assert_eq!(stores.messages.recent(c.id, 2).await.unwrap(), vec![q2, a2.clone()]);
    assert_eq!(stores.messages.find(a1.id).await.unwrap(), Some(a1));
    let after = stored(stores, &c).await;
    assert_eq!(after.counters.message_count, 4);
    assert_eq!(after.counters.total_tokens, 100);
    assert_eq!(after.counters.avg_response_time(), Some(200.0));
    assert_eq!(after.last_message_at, Some(a2.timestamp));
    assert_eq!(after.updated_at, a2.timestamp);
}

async fn concurrent_appends_all_count(stores: &Track2Stores) {
    let c = new_conversation(UserId::generate(), ConversationType::Chat, storage::now());
    stores.conversations.insert(&c).await.unwrap();
    let tasks: Vec<_> = (0..16_i64)
        .map(|i| {
            let stores = stores.clone();
            let q = message(&c, MessageRole::User, "q", c.created_at + Duration::milliseconds(i));
            let m = reply(&c, &q, 10 + i, 100 + i, c.created_at + Duration::milliseconds(i));
            tokio::spawn(async move { stores.messages.append(&m).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let after = stored(stores, &c).await;
    assert_eq!(after.counters.message_count, 16);
    assert_eq!(after.counters.total_tokens, (0..16).map(|i| 10 + i).sum::<i64>());
    assert_eq!(after.counters.avg_response_time(), Some(107.5));
    assert_eq!(after.last_message_at, Some(c.created_at + Duration::milliseconds(15)));
    assert_eq!(stores.messages.list(c.id, page(1, 100)).await.unwrap().total, 16);
}

async fn appending_to_an_unknown_conversation_stores_nothing(stores: &Track2Stores) {
    let c = new_conversation(UserId::generate(), ConversationType::Chat, storage::now());
    let m = message(&c, MessageRole::User, "lost?", storage::now());
    assert!(matches!(stores.messages.append(&m).await, Err(StorageError::NotFound)));
    assert_eq!(stores.messages.find(m.id).await.unwrap(), None);
}

async fn edits_keep_history_and_lose_to_a_concurrent_edit(stores: &Track2Stores) {
    let c = new_conversation(UserId::generate(), ConversationType::Chat, storage::now());
    stores.conversations.insert(&c).await.unwrap();
    let m = message(&c, MessageRole::User, "my knee hurst", c.created_at);
    stores.messages.append(&m).await.unwrap();
    let first = m.edited("my knee hurts".into(), "typo".into(), m.timestamp + Duration::seconds(1));
    stores.messages.edit(&m, &first).await.unwrap();
    let second = first.edited("my left knee hurts".into(), "precision".into(), m.timestamp + Duration::seconds(2));
    stores.messages.edit(&first, &second).await.unwrap();
    assert_eq!(stores.messages.find(m.id).await.unwrap(), Some(second.clone()));
    assert_eq!(second.edit_history.len(), 2);
    let stale = m.edited("other".into(), "late".into(), m.timestamp + Duration::seconds(3));
    assert!(matches!(stores.messages.edit(&m, &stale).await, Err(StorageError::Conflict(_))));
    let ghost = message(&c, MessageRole::User, "x", c.created_at);
    let ghost_edit = ghost.edited("y".into(), "z".into(), c.created_at);
    assert!(matches!(stores.messages.edit(&ghost, &ghost_edit).await, Err(StorageError::NotFound)));
}

async fn translations_are_kept_per_language(stores: &Track2Stores) {
    let c = new_conversation(UserId::generate(), ConversationType::Chat, storage::now());
    stores.conversations.insert(&c).await.unwrap();
    let mut m = message(&c, MessageRole::Assistant, "Drink water.", c.created_at);
    m.translated_content.insert("es".into(), "Bebe agua.".into());
    stores.messages.append(&m).await.unwrap();
    let now = storage::now();
    let (fr, rw) = tokio::join!(
        stores.messages.set_translation(m.id, "fr", "Buvez de l'eau.", now),
        stores.messages.set_translation(m.id, "rw", "Nywa amazi.", now),
    );
    fr.unwrap();
    rw.unwrap();
    stores.messages.set_translation(m.id, "fr", "Buvez de l'eau !", now).await.unwrap();
    let found = stores.messages.find(m.id).await.unwrap().unwrap();
    let languages: Vec<(&str, &str)> = found.translated_content.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(languages, [("es", "Bebe agua."), ("fr", "Buvez de l'eau !"), ("rw", "Nywa amazi.")]);
    assert_eq!(found.updated_at, m.updated_at, "a translation is not an edit");
    assert_eq!(stores.messages.list(c.id, page(1, 5)).await.unwrap().items[0].translated_content.len(), 3);
    let unknown = stores.messages.set_translation(MessageId::generate(), "fr", "x", now).await;
    assert!(matches!(unknown, Err(StorageError::NotFound)));
}

async fn flags_and_analyses(stores: &Track2Stores) {
    let c = new_conversation(UserId::generate(), ConversationType::Feedback, storage::now());
    stores.conversations.insert(&c).await.unwrap();
    let t = c.created_at;
    let mut earlier = message(&c, MessageRole::User, "chest pain", t);
    earlier.flag = Some(MessageFlag { reason: "chest_pain".into(), flagged_at: t });
    let mut later = message(&c, MessageRole::User, "I can't breathe", t + Duration::seconds(1));
    later.flag = Some(MessageFlag { reason: "breathing".into(), flagged_at: t + Duration::seconds(1) });
    let calm = message(&c, MessageRole::User, "thanks", t + Duration::seconds(2));
    for m in [&earlier, &later, &calm] {
        stores.messages.append(m).await.unwrap();
    }
    let flagged = stores.messages.flagged(page(1, 100)).await.unwrap();
    let ours: Vec<MessageId> = flagged.items.iter().filter(|m| m.conversation_id == c.id).map(|m| m.id).collect();
    assert_eq!(ours, [later.id, earlier.id]);
    let analysis = MessageAnalysis {
        rating: 1,
        sentiment: "negative".into(),
        sentiment_score: -0.8,
        topics: vec!["wait_time".into()],
        urgency: "high".into(),
        urgency_score: 0.9,
        action_required: true,
        department: None,
        category: Some("patient_safety".into()),
    };
    stores.messages.set_analysis(calm.id, &analysis).await.unwrap();
    assert_eq!(stores.messages.find(calm.id).await.unwrap().unwrap().feedback_analysis, Some(analysis.clone()));
    let missing = stores.messages.set_analysis(MessageId::generate(), &analysis).await;
    assert!(matches!(missing, Err(StorageError::NotFound)));
}
