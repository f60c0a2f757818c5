//! Track 2 use cases: free functions over the Track 2 state, without actix types. Callers
//! have checked who may act on the conversation before calling.

pub mod conversations;
pub mod extras;
pub mod messages;
mod metrics;
pub mod reply;
pub mod stream;

use super::{assistant::ProviderName, error::ChatError};
use crate::gateway::identity::domain::{LlmProvider, User};

type Result<T> = std::result::Result<T, ChatError>;

/// What of a user's profile shapes the assistant's replies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatPrefs {
    /// The provider the user prefers (`None`: the configured default).
    pub provider: Option<ProviderName>,
    /// Whether earlier messages go to the provider as context.
    pub context_retention: bool,
    /// The user's language tag (replies in another language get a translation into it).
    pub language: String,
}

impl ChatPrefs {
    /// The preferences of `user`; without chat preferences, context is kept.
    pub fn of(user: &User) -> Self {
        let chat = user.profile.chat_preferences.as_ref();
        Self {
            provider: chat.map(|c| match c.preferred_provider {
                LlmProvider::Gemini => ProviderName::Gemini,
                LlmProvider::Groq => ProviderName::Groq,
                LlmProvider::Local => ProviderName::Local,
            }),
            context_retention: chat.is_none_or(|c| c.context_retention),
            language: user.preferred_language.clone(),
        }
    }
}
