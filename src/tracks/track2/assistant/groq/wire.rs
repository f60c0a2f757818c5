//! Groq's OpenAI-compatible JSON: the chat-completions request, the response, the streamed
//! `chat.completion.chunk`s, and usage normalisation.

use serde::{Deserialize, Serialize};

use super::super::{
    provider::Prompt, sse::ChunkReader, AssistantError, Completion, PromptRole, ProviderName, TokenUsage,
};

/// Request body.
#[derive(Debug, Serialize)]
pub struct Request<'a> {
    model: &'a str,
    messages: Vec<Message<'a>>,
    temperature: f32,
    max_tokens: u32,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
}

#[derive(Debug, Serialize)]
struct Message<'a> {
    role: &'static str,
    content: &'a str,
}

#[derive(Debug, Serialize)]
struct StreamOptions {
    include_usage: bool,
}

impl<'a> Request<'a> {
    /// The body for a prompt.
    pub fn new(prompt: &'a Prompt, model: &'a str, temperature: f32, max_tokens: u32, stream: bool) -> Self {
        let system = Message { role: "system", content: &prompt.system };
        let history = prompt.messages.iter().map(|m| Message {
            role: match m.role {
                PromptRole::System => "system",
                PromptRole::User => "user",
                PromptRole::Assistant => "assistant",
            },
            content: &m.content,
        });
        Self {
            model,
            messages: std::iter::once(system).chain(history).collect(),
            temperature,
            max_tokens,
            stream,
            stream_options: stream.then_some(StreamOptions { include_usage: true }),
        }
    }
}

/// A response or one streamed chunk (`message` in the former, `delta` in the latter).
#[derive(Debug, Deserialize)]
pub struct Response {
    #[serde(default)]
    choices: Vec<Choice>,
    model: Option<String>,
    usage: Option<Usage>,
    /// Groq's own extension, where older stream chunks carried usage.
    x_groq: Option<XGroq>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    message: Option<Text>,
    delta: Option<Text>,
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Text {
    content: Option<String>,
}

#[derive(Debug, Deserialize)]
struct XGroq {
    usage: Option<Usage>,
}

/// OpenAI-style `usage`.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub struct Usage {
    #[serde(default)]
    prompt_tokens: u32,
    #[serde(default)]
    completion_tokens: u32,
    #[serde(default)]
    total_tokens: u32,
    prompt_tokens_details: Option<PromptDetails>,
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: u32,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: u32,
}

impl From<Usage> for TokenUsage {
    fn from(u: Usage) -> Self {
        Self {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
            // Reasoning tokens are part of completion_tokens in this format; reported apart too.
            thinking_tokens: u.completion_tokens_details.map_or(0, |d| d.reasoning_tokens),
            cached_tokens: u.prompt_tokens_details.map_or(0, |d| d.cached_tokens),
            total_tokens: if u.total_tokens > 0 { u.total_tokens } else { u.prompt_tokens + u.completion_tokens },
        }
    }
}

/// What responses mean, as the provider-independent completion.
#[derive(Debug)]
pub struct Reader {
    model: String,
    temperature: f32,
    usage: Option<Usage>,
    finish_reason: Option<String>,
}

impl Reader {
    /// A reader for a call to `model`.
    pub fn new(model: &str, temperature: f32) -> Self {
        Self { model: model.to_owned(), temperature, usage: None, finish_reason: None }
    }
}

impl ChunkReader for Reader {
    type Body = Response;

    const PROVIDER: ProviderName = ProviderName::Groq;

    fn absorb(&mut self, response: Response) -> String {
        if let Some(usage) = response.usage.or(response.x_groq.and_then(|x| x.usage)) {
            self.usage = Some(usage);
        }
        if let Some(model) = response.model {
            self.model = model;
        }
        let Some(choice) = response.choices.into_iter().next() else { return String::new() };
        if choice.finish_reason.is_some() {
            self.finish_reason = choice.finish_reason;
        }
        choice.message.or(choice.delta).and_then(|t| t.content).unwrap_or_default()
    }

    fn read(&mut self, data: &str) -> Result<Option<String>, AssistantError> {
        if data.trim() == "[DONE]" {
            return Ok(None);
        }
        let chunk = serde_json::from_str(data)
            .map_err(|e| AssistantError::malformed(Self::PROVIDER, format!("unreadable stream chunk: {e}")))?;
        Ok(Some(self.absorb(chunk)))
    }

    fn finish(self, content: String, response_time_ms: u64) -> Result<Completion, AssistantError> {
        if content.trim().is_empty() {
            return Err(AssistantError::malformed(ProviderName::Groq, "empty answer (no choices)"));
        }
        Ok(Completion {
            content,
            provider: ProviderName::Groq,
            model: self.model,
            usage: self.usage.map(TokenUsage::from).unwrap_or_default(),
            response_time_ms,
            temperature: self.temperature,
            finish_reason: self.finish_reason,
        })
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
