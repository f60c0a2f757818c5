//! Local provider (stub until the wire format lands).

use async_trait::async_trait;

use super::{provider::Prompt, AssistantError, Completion, CompletionStream, LlmProvider, ProviderName};
use crate::config::LocalSettings;

/// Local.
pub struct LocalProvider;

impl LocalProvider {
    /// From `[chat.local]`.
    pub fn load(_settings: &LocalSettings) -> anyhow::Result<Self> {
        Ok(Self)
    }
}

#[async_trait]
impl LlmProvider for LocalProvider {
    fn name(&self) -> ProviderName {
        ProviderName::Local
    }

    async fn complete(&self, _prompt: &Prompt) -> Result<Completion, AssistantError> {
        Err(AssistantError::Unavailable { provider: self.name(), detail: "not implemented yet".into(), retry_after: None })
    }

    async fn stream(&self, _prompt: &Prompt) -> Result<CompletionStream, AssistantError> {
        Err(AssistantError::Unavailable { provider: self.name(), detail: "not implemented yet".into(), retry_after: None })
    }
}
