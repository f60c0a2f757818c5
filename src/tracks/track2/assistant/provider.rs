//! The seam every provider implements.

use async_trait::async_trait;

use super::{AssistantError, Completion, CompletionStream, PromptMessage, ProviderName};

/// Everything a provider needs for one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    /// System instruction.
    pub system: String,
    /// Context then the message to answer (last, role user).
    pub messages: Vec<PromptMessage>,
    /// Overrides the provider's configured temperature (translation wants it low).
    pub temperature: Option<f32>,
}

/// An LLM provider. Implementations make exactly one attempt per call: retries and fallback
/// belong to [`super::Assistant`].
#[async_trait]
pub trait LlmProvider: Send + Sync {
    /// Which provider this is.
    fn name(&self) -> ProviderName;

    /// The whole answer at once.
    async fn complete(&self, prompt: &Prompt) -> Result<Completion, AssistantError>;

    /// The answer as it is generated. Errors before the stream is returned (status, headers)
    /// come back as `Err`; later ones as stream items.
    async fn stream(&self, prompt: &Prompt) -> Result<CompletionStream, AssistantError>;
}
