//! Google Gemini: `POST {base}/v1beta/models/{model}:generateContent` and
//! `:streamGenerateContent?alt=sse`, authenticated with the `x-goog-api-key` header.

mod wire;

use async_trait::async_trait;
use secrecy::ExposeSecret;

use super::{
    http::Endpoint, provider::Prompt, AssistantError, Completion, CompletionStream, LlmProvider, ProviderName,
};
use crate::config::ProviderSettings;

/// The Gemini provider.
pub struct GeminiProvider {
    endpoint: Endpoint,
}

impl GeminiProvider {
    /// From `[chat.gemini]`.
    pub fn new(settings: &ProviderSettings) -> anyhow::Result<Self> {
        Ok(Self { endpoint: Endpoint::new(settings)? })
    }

    fn request(&self, prompt: &Prompt, method: &str) -> (reqwest::RequestBuilder, wire::Reader) {
        let e = &self.endpoint;
        let temperature = prompt.temperature.unwrap_or(e.temperature);
        let request = e
            .client
            .post(e.url(&format!("/v1beta/models/{}:{method}", e.model)))
            .header("x-goog-api-key", e.api_key.expose_secret())
            .json(&wire::Request::new(prompt, temperature, e.max_output_tokens));
        (request, wire::Reader::new(&e.model, temperature))
    }
}

#[async_trait]
impl LlmProvider for GeminiProvider {
    fn name(&self) -> ProviderName {
        ProviderName::Gemini
    }

    async fn complete(&self, prompt: &Prompt) -> Result<Completion, AssistantError> {
        let (request, reader) = self.request(prompt, "generateContent");
        self.endpoint.complete(request, reader).await
    }

    async fn stream(&self, prompt: &Prompt) -> Result<CompletionStream, AssistantError> {
        let (request, reader) = self.request(prompt, "streamGenerateContent?alt=sse");
        self.endpoint.stream(request, reader).await
    }
}
