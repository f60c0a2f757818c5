//! Gemini provider (stub until the wire format lands).

use async_trait::async_trait;

use super::{provider::Prompt, AssistantError, Completion, CompletionStream, LlmProvider, ProviderName};
use crate::config::ProviderSettings;

/// Gemini.
pub struct GeminiProvider;

impl GeminiProvider {
    /// From `[chat.gemini]`.
    pub fn new(_settings: &ProviderSettings) -> anyhow::Result<Self> {
        Ok(Self)
    }
}

#[async_trait]
impl LlmProvider for GeminiProvider {
    fn name(&self) -> ProviderName {
        ProviderName::Gemini
    }

    async fn complete(&self, _prompt: &Prompt) -> Result<Completion, AssistantError> {
        Err(AssistantError::Unavailable { provider: self.name(), detail: "not implemented yet".into(), retry_after: None })
    }

    async fn stream(&self, _prompt: &Prompt) -> Result<CompletionStream, AssistantError> {
        Err(AssistantError::Unavailable { provider: self.name(), detail: "not implemented yet".into(), retry_after: None })
    }
}
