//! The assistant: LLM providers (Gemini, Groq, the offline knowledge-base provider) behind one
//! trait, with retries, fallback, safety screening, context budgets, translation and summaries.
//!
//! Callers (the chat service) bound the history with [`context::bound`], screen the user's
//! message with [`safety::detect_emergency`] first, then call [`Assistant::complete`] or
//! [`Assistant::stream`]. Every answer carries its provider, model, normalised [`TokenUsage`]
//! and latency. Failures are [`AssistantError`]s that render as 502/503/504 problems.

pub mod context;
mod error;
mod facade;
mod gemini;
mod groq;
mod http;
pub mod language;
mod local;
mod prompts;
mod provider;
mod retry;
pub mod safety;
mod sse;

use std::pin::Pin;

use futures_util::Stream;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use self::{error::AssistantError, facade::Assistant, provider::LlmProvider, retry::RetryPolicy};

/// A provider of answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ChatProviderName)]
pub enum ProviderName {
    /// Google Gemini.
    Gemini,
    /// Groq (OpenAI-compatible chat completions).
    Groq,
    /// The offline provider answering from the clinic's knowledge base.
    Local,
}

impl ProviderName {
    /// The name as in configuration and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gemini => "gemini",
            Self::Groq => "groq",
            Self::Local => "local",
        }
    }
}

impl std::fmt::Display for ProviderName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who wrote a prompt message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptRole {
    /// Instructions (only the system prompt; history should not carry these).
    System,
    /// The patient.
    User,
    /// The assistant.
    Assistant,
}

/// One message of the context sent to a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptMessage {
    /// Its author.
    pub role: PromptRole,
    /// Its text.
    pub content: String,
}

impl PromptMessage {
    /// A message of `role`.
    pub fn new(role: PromptRole, content: impl Into<String>) -> Self {
        Self { role, content: content.into() }
    }
}

/// What to answer.
#[derive(Debug, Clone, Default)]
pub struct CompletionRequest {
    /// Earlier messages, oldest first, already bounded with [`context::bound`] (empty when the
    /// user's context retention is off).
    pub history: Vec<PromptMessage>,
    /// The message to answer.
    pub user_message: String,
    /// The user's preferred provider; unconfigured providers are skipped.
    pub preferred_provider: Option<ProviderName>,
    /// Overrides `[chat] system_prompt`.
    pub system_prompt: Option<String>,
}

/// Token counts, the same for every provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ChatTokenUsage)]
pub struct TokenUsage {
    /// Tokens of the prompt (system prompt, context and message).
    pub prompt_tokens: u32,
    /// Tokens of the answer.
    pub completion_tokens: u32,
    /// Tokens the model spent thinking (Gemini `thoughtsTokenCount`), not part of the answer.
    pub thinking_tokens: u32,
    /// Prompt tokens served from the provider's cache.
    pub cached_tokens: u32,
    /// Everything billed.
    pub total_tokens: u32,
}

/// A finished answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The answer text.
    pub content: String,
    /// Who answered.
    pub provider: ProviderName,
    /// The model that answered (`knowledge-base` for the local provider).
    pub model: String,
    /// Token accounting (estimated for the local provider).
    pub usage: TokenUsage,
    /// Milliseconds from sending the request to the complete answer (the successful attempt).
    pub response_time_ms: u64,
    /// Sampling temperature used.
    pub temperature: f32,
    /// Why the provider stopped (`STOP`, `stop`, `length`, `MAX_TOKENS`...), as it said it.
    pub finish_reason: Option<String>,
}

/// One item of a streamed answer.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// The next piece of the answer.
    Delta(String),
    /// The end: the whole answer with its usage. Always the last item of a successful stream.
    Done(Completion),
}

/// A streamed answer: deltas then [`StreamEvent::Done`], or an error (after the first delta,
/// errors are not retried: the caller keeps what it got).
pub type CompletionStream = Pin<Box<dyn Stream<Item = Result<StreamEvent, AssistantError>> + Send>>;

/// A conversation's generated title and summary.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleAndSummary {
    /// A short title (at most about 8 words).
    pub title: String,
    /// A few sentences.
    pub summary: String,
    /// The provider call that produced them (usage, latency).
    pub completion: Completion,
}
