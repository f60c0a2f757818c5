use chrono::Duration;

use super::*;
use crate::storage;

fn conversation() -> Conversation {
    let new = NewConversation {
        user_id: UserId::generate(),
        conversation_type: ConversationType::Chat,
        title: None,
        context: None,
    };
    Conversation::start(new, storage::now())
}

fn reply(c: &Conversation, tokens: i64, ms: i64) -> Message {
    let new = NewMessage {
        conversation_id: c.id,
        user_id: c.user_id,
        role: MessageRole::Assistant,
        content: "Hello".into(),
        content_type: ContentType::Text,
        original_language: Some("en".into()),
        reply_to: None,
        context: None,
    };
    let mut m = Message::new(new, storage::now());
    m.llm_metadata = Some(LlmMetadata {
        provider: "groq".into(),
        model: "llama".into(),
        token_count: tokens,
        response_time: ms,
        temperature: Some(0.3),
        prompt_tokens: tokens - 1,
        completion_tokens: 1,
        thinking_tokens: 0,
        cached_tokens: 0,
        finish_reason: None,
    });
    m
}

#[test]
fn names_round_trip() {
    for t in ConversationType::ALL {
        assert_eq!(ConversationType::parse(t.as_str()), Some(t));
    }
    assert_eq!(ConversationStatus::parse("deleted"), Some(ConversationStatus::Deleted));
    assert_eq!(MessageRole::parse("robot"), None);
    assert_eq!(ContentType::parse("reminder_response"), Some(ContentType::ReminderResponse));
}

#[test]
fn counters_add_messages_and_average_timed_replies_only() {
    let c = conversation();
    let mut user = reply(&c, 0, 0);
    user.llm_metadata = None;
    let totals = Counters::default()
        .plus(Counters::delta_of(&user))
        .plus(Counters::delta_of(&reply(&c, 30, 100)))
        .plus(Counters::delta_of(&reply(&c, 10, 300)));
    assert_eq!(totals.message_count, 3);
    assert_eq!(totals.total_tokens, 40);
    assert_eq!(totals.avg_response_time(), Some(200.0));
    assert_eq!(Counters::default().avg_response_time(), None);
}

#[test]
fn activity_is_the_latest_message_or_the_start() {
    let mut c = conversation();
    assert_eq!(c.last_activity_at(), c.started_at);
    let later = c.started_at + Duration::minutes(5);
    c.last_message_at = Some(later);
    assert_eq!(c.last_activity_at(), later);
}

#[test]
fn archiving_sets_and_reactivating_clears_archived_at() {
    let c = conversation();
    let now = c.created_at + Duration::seconds(9);
    let archived = ConversationPatch { status: Some(ConversationStatus::Archived), ..Default::default() }.apply(c, now);
    assert_eq!(archived.archived_at, Some(now));
    let renamed = ConversationPatch { title: Some("Visit".into()), ..Default::default() }.apply(archived, now);
    assert_eq!((renamed.archived_at, renamed.title.as_deref()), (Some(now), Some("Visit")));
    let active =
        ConversationPatch { status: Some(ConversationStatus::Active), ..Default::default() }.apply(renamed, now);
    assert_eq!((active.status, active.archived_at), (ConversationStatus::Active, None));
}

#[test]
fn edits_keep_the_old_text() {
    let c = conversation();
    let m = reply(&c, 1, 1);
    let later = m.timestamp + Duration::seconds(3);
    let edited = m.edited("Hi".into(), "typo".into(), later);
    assert_eq!(edited.content, "Hi");
    assert_eq!(
        edited.edit_history,
        vec![EditRecord { edited_at: later, old_content: "Hello".into(), reason: "typo".into() }]
    );
    assert_eq!(edited.timestamp, m.timestamp);
}
