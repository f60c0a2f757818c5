//! Groq provider (stub until the wire format lands).

use async_trait::async_trait;

use super::{provider::Prompt, AssistantError, Completion, CompletionStream, LlmProvider, ProviderName};
use crate::config::ProviderSettings;

/// Groq.
pub struct GroqProvider;

impl GroqProvider {
    /// From `[chat.groq]`.
    pub fn new(_settings: &ProviderSettings) -> anyhow::Result<Self> {
        Ok(Self)
    }
}

#[async_trait]
impl LlmProvider for GroqProvider {
    fn name(&self) -> ProviderName {
        ProviderName::Groq
    }

    async fn complete(&self, _prompt: &Prompt) -> Result<Completion, AssistantError> {
        Err(AssistantError::Unavailable { provider: self.name(), detail: "not implemented yet".into(), retry_after: None })
    }

    async fn stream(&self, _prompt: &Prompt) -> Result<CompletionStream, AssistantError> {
        Err(AssistantError::Unavailable { provider: self.name(), detail: "not implemented yet".into(), retry_after: None })
    }
}
