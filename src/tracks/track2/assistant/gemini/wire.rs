//! Gemini's JSON: the `generateContent` request, its response (also each
//! `streamGenerateContent` chunk), and usage normalisation.

use serde::{Deserialize, Serialize};

use super::super::{
    provider::Prompt, sse::ChunkReader, AssistantError, Completion, PromptRole, ProviderName, TokenUsage,
};

/// Request body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    system_instruction: Content,
    contents: Vec<Content>,
    generation_config: GenerationConfig,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Content {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(default)]
    parts: Vec<Part>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Part {
    #[serde(default)]
    text: String,
    /// Thought summaries of thinking models: not part of the answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    thought: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GenerationConfig {
    temperature: f32,
    max_output_tokens: u32,
}

impl Request {
    /// The body for a prompt. Gemini has no system role in `contents` (system messages of the
    /// history join the system instruction) and rejects a conversation that opens with a model
    /// turn or repeats a role: leading model turns are dropped (a bounded history may start
    /// with one) and consecutive turns of one role merged (a question whose reply failed is
    /// followed by the next question).
    pub fn new(prompt: &Prompt, temperature: f32, max_output_tokens: u32) -> Self {
        let mut system = vec![prompt.system.clone()];
        let mut contents: Vec<Content> = Vec::new();
        for message in &prompt.messages {
            let role = match message.role {
                PromptRole::System => {
                    system.push(message.content.clone());
                    continue;
                }
                PromptRole::User => "user",
                PromptRole::Assistant if contents.is_empty() => continue,
                PromptRole::Assistant => "model",
            };
            match contents.last_mut() {
                Some(last) if last.role.as_deref() == Some(role) => last.parts.push(text_part(&message.content)),
                _ => contents.push(Content { role: Some(role.into()), parts: vec![text_part(&message.content)] }),
            }
        }
        Self {
            system_instruction: Content { role: None, parts: vec![text_part(&system.join("\n\n"))] },
            contents,
            generation_config: GenerationConfig { temperature, max_output_tokens },
        }
    }
}

fn text_part(text: &str) -> Part {
    Part { text: text.to_owned(), thought: false }
}

/// A `generateContent` response or one streamed chunk.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    #[serde(default)]
    candidates: Vec<Candidate>,
    usage_metadata: Option<UsageMetadata>,
    model_version: Option<String>,
    prompt_feedback: Option<PromptFeedback>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate {
    #[serde(default)]
    content: Content,
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PromptFeedback {
    block_reason: Option<String>,
}

/// Gemini's `usageMetadata`.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageMetadata {
    #[serde(default)]
    prompt_token_count: u32,
    #[serde(default)]
    candidates_token_count: u32,
    #[serde(default)]
    thoughts_token_count: u32,
    #[serde(default)]
    cached_content_token_count: u32,
    #[serde(default)]
    total_token_count: u32,
}

impl From<UsageMetadata> for TokenUsage {
    fn from(u: UsageMetadata) -> Self {
        let sum = u.prompt_token_count + u.candidates_token_count + u.thoughts_token_count;
        Self {
            prompt_tokens: u.prompt_token_count,
            completion_tokens: u.candidates_token_count,
            thinking_tokens: u.thoughts_token_count,
            cached_tokens: u.cached_content_token_count,
            total_tokens: if u.total_token_count > 0 { u.total_token_count } else { sum },
        }
    }
}

impl Response {
    /// The answer text of the first candidate (thought parts left out).
    pub fn text(&self) -> String {
        self.candidates
            .first()
            .map(|c| c.content.parts.iter().filter(|p| !p.thought).map(|p| p.text.as_str()).collect())
            .unwrap_or_default()
    }

    fn finish_reason(&self) -> Option<String> {
        self.candidates.first().and_then(|c| c.finish_reason.clone())
    }

    /// Why nothing came back, when the prompt or the answer was blocked.
    fn blocked(&self) -> Option<String> {
        let prompt = self.prompt_feedback.as_ref().and_then(|f| f.block_reason.clone());
        prompt.or_else(|| self.finish_reason().filter(|r| !matches!(r.as_str(), "STOP" | "MAX_TOKENS")))
    }
}

/// What a response means, as the provider-independent completion.
#[derive(Debug)]
pub struct Reader {
    model: String,
    temperature: f32,
    usage: Option<UsageMetadata>,
    finish_reason: Option<String>,
    blocked: Option<String>,
}

impl Reader {
    /// A reader for a call to `model`.
    pub fn new(model: &str, temperature: f32) -> Self {
        Self { model: model.to_owned(), temperature, usage: None, finish_reason: None, blocked: None }
    }
}

impl ChunkReader for Reader {
    type Body = Response;

    const PROVIDER: ProviderName = ProviderName::Gemini;

    fn absorb(&mut self, response: Response) -> String {
        if let Some(usage) = response.usage_metadata {
            self.usage = Some(usage);
        }
        if let Some(version) = &response.model_version {
            self.model.clone_from(version);
        }
        self.finish_reason = response.finish_reason().or(self.finish_reason.take());
        self.blocked = response.blocked().or(self.blocked.take());
        response.text()
    }

    fn finish(self, content: String, response_time_ms: u64) -> Result<Completion, AssistantError> {
        if content.trim().is_empty() {
            let why = self.blocked.unwrap_or_else(|| "no candidates".to_owned());
            return Err(AssistantError::malformed(ProviderName::Gemini, format!("empty answer ({why})")));
        }
        Ok(Completion {
            content,
            provider: ProviderName::Gemini,
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
