//! The offline provider: answers from the clinic's knowledge base by retrieval, quoting the
//! best passages with their source, and says plainly when it does not know; summarises
//! conversations extractively ([`summary`]). Usage is estimated (the same estimate as the
//! context budget).

mod index;
mod knowledge;
mod summary;

use std::time::Instant;

use async_trait::async_trait;
use futures_util::stream;

use super::{
    context::estimate_tokens, http::elapsed_ms, provider::Prompt, AssistantError, Completion, CompletionStream,
    LlmProvider, PromptMessage, PromptRole, ProviderName, StreamEvent, TokenUsage,
};
use crate::config::LocalSettings;

/// The `model` the local provider reports.
pub const MODEL: &str = "knowledge-base";
/// A second passage is quoted only when it scores at least this share of the best one.
const SECOND_PASSAGE_SHARE: f64 = 0.6;

/// The knowledge-base provider.
pub struct LocalProvider {
    passages: Vec<knowledge::Passage>,
    index: index::Index,
    min_score: f64,
    max_passages: usize,
}

impl LocalProvider {
    /// Loads `[chat.local] knowledge_dir` (empty: the compiled-in example knowledge base); fails
    /// when the folder cannot be read.
    pub fn load(settings: &LocalSettings) -> anyhow::Result<Self> {
        let dir = &settings.knowledge_dir;
        let passages = if dir.as_os_str().is_empty() { knowledge::builtin() } else { knowledge::load(dir)? };
        let source =
            if dir.as_os_str().is_empty() { "the built-in examples".into() } else { dir.display().to_string() };
        log::info!("chat: {} knowledge-base passages from {source}", passages.len());
        Ok(Self::new(passages, settings.min_score, settings.max_passages))
    }

    fn new(passages: Vec<knowledge::Passage>, min_score: f64, max_passages: usize) -> Self {
        let index = index::Index::new(&passages);
        Self { passages, index, min_score, max_passages: max_passages.max(1) }
    }

    /// The answer to a question: the best passages with their source, or "I don't know".
    pub fn answer(&self, question: &str) -> String {
        let hits = self.index.search(question);
        let best = match hits.first() {
            Some(best) if best.answers(self.min_score) => best.score,
            _ => return dont_know(super::language::detect(question)),
        };
        let quoted: Vec<String> = hits
            .iter()
            .take(self.max_passages)
            .filter(|hit| hit.score >= best * SECOND_PASSAGE_SHARE && hit.answers(self.min_score))
            .map(|hit| {
                let p = &self.passages[hit.passage];
                let source = if p.heading == p.document {
                    p.document.clone()
                } else {
                    format!("{} › {}", p.document, p.heading)
                };
                format!("{}\n(Source: {source})", p.text)
            })
            .collect();
        format!("Here is what the clinic's information says:\n\n{}", quoted.join("\n\n"))
    }

    /// A conversation's title and summary as a completion whose content is the JSON
    /// `{"title", "summary"}` a network provider is asked for.
    pub fn summary_completion(&self, transcript: &[PromptMessage]) -> Completion {
        let started = Instant::now();
        let (title, summary) = self.summary(transcript);
        let content = serde_json::json!({"title": title, "summary": summary}).to_string();
        let prompt: usize = transcript.iter().map(|m| estimate_tokens(&m.content)).sum();
        self.completion_of(content, prompt, started)
    }

    fn completion(&self, prompt: &Prompt, started: Instant) -> Completion {
        let question = prompt.messages.iter().rev().find(|m| m.role == PromptRole::User).map_or("", |m| &m.content);
        let prompt_tokens = estimate_tokens(&prompt.system)
            + prompt.messages.iter().map(|m| estimate_tokens(&m.content)).sum::<usize>();
        self.completion_of(self.answer(question), prompt_tokens, started)
    }

    fn completion_of(&self, content: String, prompt_tokens: usize, started: Instant) -> Completion {
        let completion_tokens = estimate_tokens(&content);
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Completion {
            content,
            provider: ProviderName::Local,
            model: MODEL.to_owned(),
            usage: TokenUsage {
                prompt_tokens: count(prompt_tokens),
                completion_tokens: count(completion_tokens),
                thinking_tokens: 0,
                cached_tokens: 0,
                total_tokens: count(prompt_tokens + completion_tokens),
            },
            response_time_ms: elapsed_ms(started),
            temperature: 0.0,
            finish_reason: Some("stop".to_owned()),
        }
    }
}

/// The plain "I don't know" answer, in the question's language.
fn dont_know(language: Option<&str>) -> String {
    match language {
        Some("fr") => {
            "Je ne sais pas répondre à cette question avec les informations de la clinique. \
                       Merci de contacter directement la clinique."
        }
        Some("es") => {
            "No sé responder a esa pregunta con la información de la clínica. \
                       Por favor, póngase en contacto directamente con la clínica."
        }
        _ => "I don't know the answer to that from the clinic's information. Please contact the clinic directly.",
    }
    .to_owned()
}

#[async_trait]
impl LlmProvider for LocalProvider {
    fn name(&self) -> ProviderName {
        ProviderName::Local
    }

    async fn complete(&self, prompt: &Prompt) -> Result<Completion, AssistantError> {
        Ok(self.completion(prompt, Instant::now()))
    }

    /// The same answer, one word (with its trailing space) per delta.
    async fn stream(&self, prompt: &Prompt) -> Result<CompletionStream, AssistantError> {
        let completion = self.completion(prompt, Instant::now());
        let deltas: Vec<Result<StreamEvent, AssistantError>> = completion
            .content
            .split_inclusive(char::is_whitespace)
            .map(|word| Ok(StreamEvent::Delta(word.to_owned())))
            .chain([Ok(StreamEvent::Done(completion.clone()))])
            .collect();
        Ok(Box::pin(stream::iter(deltas)))
    }
}

#[cfg(test)]
#[path = "local_tests.rs"]
mod tests;
