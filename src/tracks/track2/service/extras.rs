//! Translation of a message (cached per language) and conversation titles and summaries.

use super::{ChatPrefs, Result};
use crate::{
    storage,
    tracks::track2::{
        assistant::{language, PromptMessage, ProviderName},
        domain::{Conversation, ConversationId, ConversationPatch, Message},
        error::ChatError,
        Track2,
    },
};

/// How many of the latest messages a summary reads.
const SUMMARY_WINDOW: u32 = 200;

/// `message` with its translation into `target` (a validated language tag), from the cache
/// when it was translated before, else from a network provider, then cached.
pub async fn translate(
    t2: &Track2,
    mut message: Message,
    target: &str,
    preferred: Option<ProviderName>,
) -> Result<Message> {
    if message.translated_content.contains_key(target) {
        return Ok(message);
    }
    let same_language = message.original_language.as_deref() == Some(language::primary(target).as_str());
    let text = if same_language {
        message.content.clone()
    } else {
        t2.assistant.translate(&message.content, target, preferred).await?.content
    };
    let stored = t2.stores.messages.set_translation(message.id, target, &text, storage::now()).await;
    stored.map_err(ChatError::of_message(message.id.0))?;
    message.translated_content.insert(target.to_owned(), text);
    Ok(message)
}

/// Regenerates the title and summary of a conversation from its latest messages. `keep_title`
/// keeps a title the conversation already has (automatic refreshes never undo a rename).
pub async fn summarize(
    t2: &Track2,
    id: ConversationId,
    preferred: Option<ProviderName>,
    keep_title: bool,
) -> Result<Conversation> {
    let conversation = super::conversations::visible(&t2.stores, id).await?;
    let recent = t2.stores.messages.recent(id, SUMMARY_WINDOW).await?;
    let transcript: Vec<PromptMessage> = recent.iter().filter_map(super::reply::prompt_of).collect();
    let generated = t2.assistant.summarize(&transcript, preferred).await?;
    let title = (!keep_title || conversation.title.is_none()).then_some(generated.title);
    let patch = ConversationPatch { title, summary: Some(generated.summary), ..Default::default() };
    super::conversations::update(&t2.stores, id, &patch).await
}

/// After `added` messages, refreshes the summary in the background when the conversation
/// crossed a multiple of `summary_every_messages`. Best effort: a failure is logged.
pub fn summarize_in_background(t2: &Track2, conversation: &Conversation, prefs: &ChatPrefs, added: i64) {
    let every = i64::from(t2.assistant.summary_every_messages());
    let before = conversation.counters.message_count;
    if every == 0 || before / every == (before + added) / every {
        return;
    }
    let (t2, id, preferred) = (t2.clone(), conversation.id, prefs.provider);
    tokio::spawn(async move {
        if let Err(e) = summarize(&t2, id, preferred, true).await {
            log::info!("conversation {} keeps its summary: {e}", id.0);
        }
    });
}
