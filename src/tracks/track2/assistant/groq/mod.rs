//! Groq: OpenAI-compatible `POST {base}/openai/v1/chat/completions` with a Bearer key;
//! streaming as SSE `data:` chunks ending with `data: [DONE]`, usage requested with
//! `stream_options.include_usage`.

mod wire;

use async_trait::async_trait;
use secrecy::ExposeSecret;

use super::{
    http::Endpoint, provider::Prompt, AssistantError, Completion, CompletionStream, LlmProvider, ProviderName,
};
use crate::config::ProviderSettings;

/// The Groq provider.
pub struct GroqProvider {
    endpoint: Endpoint,
}

impl GroqProvider {
    /// From `[chat.groq]`.
    pub fn new(settings: &ProviderSettings) -> anyhow::Result<Self> {
        Ok(Self { endpoint: Endpoint::new(settings)? })
    }

    fn request(&self, prompt: &Prompt, stream: bool) -> (reqwest::RequestBuilder, wire::Reader) {
        let e = &self.endpoint;
        let temperature = prompt.temperature.unwrap_or(e.temperature);
        let body = wire::Request::new(prompt, &e.model, temperature, e.max_output_tokens, stream);
        let request =
            e.client.post(e.url("/openai/v1/chat/completions")).bearer_auth(e.api_key.expose_secret()).json(&body);
        (request, wire::Reader::new(&e.model, temperature))
    }
}

#[async_trait]
impl LlmProvider for GroqProvider {
    fn name(&self) -> ProviderName {
        ProviderName::Groq
    }

    async fn complete(&self, prompt: &Prompt) -> Result<Completion, AssistantError> {
        let (request, reader) = self.request(prompt, false);
        self.endpoint.complete(request, reader).await
    }

    async fn stream(&self, prompt: &Prompt) -> Result<CompletionStream, AssistantError> {
        let (request, reader) = self.request(prompt, true);
        self.endpoint.stream(request, reader).await
    }
}
