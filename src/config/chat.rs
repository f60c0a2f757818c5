//! `[chat]`: Track 2's assistant — which provider answers, how each network provider is
//! reached, how hard to retry, what context the model sees and where the offline knowledge
//! base lives.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// `[chat]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatSettings {
    /// Which provider answers when the user has no preference.
    pub default_provider: ProviderChoice,
    /// System prompt sent with every conversation turn.
    pub system_prompt: String,
    /// Most history messages sent as context.
    pub max_context_messages: usize,
    /// Estimated token budget of the history sent as context.
    pub max_context_tokens: usize,
    /// Regenerate a conversation's title and summary every this many messages (0: only on demand).
    pub summary_every_messages: u32,
    /// Told to patients in the fixed safety reply, e.g. `112` or `911` (empty: "your local emergency number").
    pub emergency_number: String,
    /// Try the other configured network provider when the chosen one fails.
    pub fallback: bool,
    /// Retries of one provider call.
    pub retry: RetrySettings,
    /// Google Gemini.
    pub gemini: ProviderSettings,
    /// Groq (OpenAI-compatible chat completions).
    pub groq: ProviderSettings,
    /// The offline knowledge-base provider.
    pub local: LocalSettings,
}

/// `[chat] default_provider`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderChoice {
    /// The first of Gemini and Groq with an API key, else the offline provider.
    Auto,
    /// Google Gemini.
    Gemini,
    /// Groq.
    Groq,
    /// The offline knowledge-base provider.
    Local,
}

/// `[chat.retry]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySettings {
    /// Attempts per provider, the first included (1: no retry).
    pub max_attempts: u32,
    /// Delay before the first retry; doubled for each further one.
    pub base_delay_ms: u64,
    /// Longest delay between attempts; a provider asking (Retry-After) for longer is not retried.
    pub max_delay_ms: u64,
}

/// `[chat.gemini]`, `[chat.groq]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// Scheme, host and optional port, without the API path.
    pub base_url: String,
    /// API key; empty leaves the provider unconfigured.
    pub api_key: SecretString,
    /// Model name.
    pub model: String,
    /// Sampling temperature.
    pub temperature: f32,
    /// Longest answer, in tokens.
    pub max_output_tokens: u32,
    /// Milliseconds to wait for the response headers, and between two streamed chunks.
    pub timeout_ms: u64,
}

impl ProviderSettings {
    /// Whether an API key is set.
    pub fn is_configured(&self) -> bool {
        !self.api_key.expose_secret().trim().is_empty()
    }
}

/// `[chat.local]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalSettings {
    /// Folder of Markdown files (relative paths: to the working directory); empty: the example
    /// knowledge base compiled into the binary.
    pub knowledge_dir: PathBuf,
    /// Lowest retrieval score of an answer; below it the assistant says it does not know.
    pub min_score: f64,
    /// Most passages quoted in one answer.
    pub max_passages: usize,
}

impl ChatSettings {
    /// Checks the values the types cannot, naming the key on failure.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let err = |key: &str, message: &str| Err((format!("chat.{key}"), message.to_owned()));
        if self.retry.max_attempts == 0 {
            return err("retry.max_attempts", "must be at least 1");
        }
        if self.max_context_messages == 0 || self.max_context_tokens == 0 {
            return err("max_context_messages", "the context budget must allow at least one message and token");
        }
        for (name, provider) in [("gemini", &self.gemini), ("groq", &self.groq)] {
            if url::Url::parse(&provider.base_url).is_err() {
                return err(&format!("{name}.base_url"), "must be an absolute URL");
            }
            if !(0.0..=2.0).contains(&provider.temperature) {
                return err(&format!("{name}.temperature"), "must be between 0 and 2");
            }
            if provider.timeout_ms == 0 {
                return err(&format!("{name}.timeout_ms"), "must be at least 1");
            }
        }
        let unconfigured = match self.default_provider {
            ProviderChoice::Gemini => !self.gemini.is_configured(),
            ProviderChoice::Groq => !self.groq.is_configured(),
            ProviderChoice::Auto | ProviderChoice::Local => false,
        };
        if unconfigured {
            return err("default_provider", "names a provider without an API key");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::load;

    #[test]
    fn defaults_are_offline() {
        let chat = load(&[]).unwrap().chat;
        assert_eq!(chat.default_provider, ProviderChoice::Auto);
        assert!(!chat.gemini.is_configured() && !chat.groq.is_configured());
        assert_eq!(chat.local.knowledge_dir, PathBuf::new(), "the compiled-in examples");
    }

    #[test]
    fn keys_come_from_the_environment() {
        let chat = load(&[
            ("CARECHAT_CHAT__GROQ__API_KEY", "gsk_test"),
            ("CARECHAT_CHAT__DEFAULT_PROVIDER", "groq"),
            ("CARECHAT_CHAT__RETRY__MAX_ATTEMPTS", "5"),
        ])
        .unwrap()
        .chat;
        assert_eq!(chat.groq.api_key.expose_secret(), "gsk_test");
        assert_eq!((chat.default_provider, chat.retry.max_attempts), (ProviderChoice::Groq, 5));
        assert!(!format!("{chat:?}").contains("gsk_test"), "the key must not be printed");
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = load(&[("CARECHAT_CHAT__DEFAULT_PROVIDER", "gemini")]).unwrap_err();
        assert!(err.contains("chat.default_provider"), "{err}");
        let err = load(&[("CARECHAT_CHAT__DEFAULT_PROVIDER", "openai")]).unwrap_err();
        assert!(err.contains("default_provider"), "{err}");
        let err = load(&[("CARECHAT_CHAT__GROQ__TEMPERATURE", "3")]).unwrap_err();
        assert!(err.contains("chat.groq.temperature"), "{err}");
        let err = load(&[("CARECHAT_CHAT__RETRY__MAX_ATTEMPTS", "0")]).unwrap_err();
        assert!(err.contains("chat.retry.max_attempts"), "{err}");
    }
}
