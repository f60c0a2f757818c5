//! Posting a message with the reply streamed as it is generated.
//!
//! A task of its own relays the provider's stream to the client through a channel, so what is
//! stored does not depend on the client staying: the user's message is stored before anything
//! is sent; the whole reply is stored when the provider's stream ends, then announced. When the
//! client goes away mid-stream (the channel closes), the task stops reading the provider and
//! stores the text received so far as an `incomplete` reply — nothing when no text had come —
//! and the counters count exactly the messages stored. A provider failure after the first
//! delta is handled the same way, and reported as an error event.

use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::{
    reply::{self, Exchange, Turn, UserInput},
    ChatPrefs, Result,
};
use crate::tracks::track2::{
    assistant::{AssistantError, CompletionStream, StreamEvent},
    domain::{Conversation, Message},
    error::ChatError,
    Track2,
};

/// Events buffered between the relay task and a slow client.
const BUFFER: usize = 32;

/// What the client receives after the stored user message.
#[derive(Debug)]
pub enum ChatEvent {
    /// The next piece of the reply.
    Delta(String),
    /// The stored reply: the last event of a successful turn.
    Done(Box<Message>),
    /// The provider or the store failed; the last event.
    Failed(ChatError),
}

/// Stores the user's message and starts the reply: the stored message and the events to
/// relay. A provider that fails before its first delta is an error here (no stream starts).
pub async fn start(
    t2: &Track2,
    conversation: Conversation,
    prefs: ChatPrefs,
    input: UserInput,
) -> Result<(Message, mpsc::Receiver<ChatEvent>)> {
    let (tx, rx) = mpsc::channel(BUFFER);
    match reply::begin(t2, &conversation, &prefs, input).await? {
        Turn::Answered(Exchange { user, assistant }) => {
            // Both fit in the buffer: nothing waits on the client here.
            let _ = tx.send(ChatEvent::Delta(assistant.content.clone())).await;
            let _ = tx.send(ChatEvent::Done(Box::new(assistant))).await;
            Ok((user, rx))
        }
        Turn::Ask { user, request } => {
            let provider = t2.assistant.stream(request).await.inspect_err(|e| reply::log_failure(&user, e))?;
            let relay = Relay { t2: t2.clone(), conversation, prefs, user: user.clone(), tx };
            tokio::spawn(relay.run(provider));
            Ok((user, rx))
        }
    }
}

struct Relay {
    t2: Track2,
    conversation: Conversation,
    prefs: ChatPrefs,
    user: Message,
    tx: mpsc::Sender<ChatEvent>,
}

impl Relay {
    async fn run(self, mut provider: CompletionStream) {
        let mut text = String::new();
        while let Some(item) = provider.next().await {
            match item {
                Ok(StreamEvent::Delta(delta)) => {
                    text.push_str(&delta);
                    if self.tx.send(ChatEvent::Delta(delta)).await.is_err() {
                        drop(provider);
                        log::info!("client left during the reply to message {}", self.user.id.0);
                        return self.keep_partial(text).await;
                    }
                }
                Ok(StreamEvent::Done(completion)) => {
                    let stored =
                        reply::finish(&self.t2, &self.conversation, &self.prefs, &self.user, &completion).await;
                    let event = stored.map_or_else(ChatEvent::Failed, |m| ChatEvent::Done(Box::new(m)));
                    let _ = self.tx.send(event).await;
                    return;
                }
                Err(e) => return self.fail(text, e).await,
            }
        }
        let ended = AssistantError::Malformed {
            provider: self.prefs.provider.unwrap_or_else(|| self.t2.assistant.default_provider()),
            detail: "the stream ended without its final chunk".into(),
        };
        self.fail(text, ended).await;
    }

    async fn fail(self, text: String, err: AssistantError) {
        reply::log_failure(&self.user, &err);
        self.keep_partial(text).await;
        let _ = self.tx.send(ChatEvent::Failed(err.into())).await;
    }

    async fn keep_partial(&self, text: String) {
        if let Err(e) = reply::keep_partial(&self.t2, &self.conversation, &self.user, text).await {
            log::error!("partial reply to message {} not stored: {e}", self.user.id.0);
        }
    }
}
