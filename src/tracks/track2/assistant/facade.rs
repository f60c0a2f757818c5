//! [`Assistant`]: picks the providers for a call (the user's preference, the default, then the
//! other configured network provider), retries each with backoff and falls back in order.

use std::{future::Future, sync::Arc};

use futures_util::StreamExt;

use super::{
    context, gemini::GeminiProvider, groq::GroqProvider, local::LocalProvider, prompts, provider::Prompt,
    AssistantError, Completion, CompletionRequest, CompletionStream, LlmProvider, PromptMessage, ProviderName,
    RetryPolicy, TitleAndSummary,
};
use crate::config::{ChatSettings, ProviderChoice};

/// The assistant; cheap to clone (one shared state).
#[derive(Clone)]
pub struct Assistant {
    inner: Arc<Inner>,
}

struct Inner {
    /// Network providers with an API key, in configuration order (Gemini, Groq).
    network: Vec<Arc<dyn LlmProvider>>,
    local: Arc<LocalProvider>,
    default: ProviderName,
    fallback: bool,
    retry: RetryPolicy,
    system_prompt: String,
    emergency_number: String,
    max_context_messages: usize,
    max_context_tokens: usize,
    summary_every_messages: u32,
}

impl Assistant {
    /// Builds the providers `[chat]` configures and loads the knowledge base.
    pub fn from_settings(settings: &ChatSettings) -> anyhow::Result<Self> {
        let mut network: Vec<Arc<dyn LlmProvider>> = Vec::new();
        if settings.gemini.is_configured() {
            network.push(Arc::new(GeminiProvider::new(&settings.gemini)?));
        }
        if settings.groq.is_configured() {
            network.push(Arc::new(GroqProvider::new(&settings.groq)?));
        }
        let local = Arc::new(LocalProvider::load(&settings.local)?);
        let default = match settings.default_provider {
            ProviderChoice::Gemini => ProviderName::Gemini,
            ProviderChoice::Groq => ProviderName::Groq,
            ProviderChoice::Local => ProviderName::Local,
            ProviderChoice::Auto => network.first().map_or(ProviderName::Local, |p| p.name()),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                network,
                local,
                default,
                fallback: settings.fallback,
                retry: RetryPolicy::from(&settings.retry),
                system_prompt: settings.system_prompt.clone(),
                emergency_number: settings.emergency_number.trim().to_owned(),
                max_context_messages: settings.max_context_messages,
                max_context_tokens: settings.max_context_tokens,
                summary_every_messages: settings.summary_every_messages,
            }),
        })
    }

    /// The provider answering users without a (usable) preference.
    pub fn default_provider(&self) -> ProviderName {
        self.inner.default
    }

    /// Every provider that can answer: the configured network ones, then `local`.
    pub fn available_providers(&self) -> Vec<ProviderName> {
        self.inner.network.iter().map(|p| p.name()).chain([ProviderName::Local]).collect()
    }

    /// `history` bounded by `[chat] max_context_messages` and `max_context_tokens`.
    pub fn bound_history(&self, history: &[PromptMessage]) -> Vec<PromptMessage> {
        context::bound(history, self.inner.max_context_messages, self.inner.max_context_tokens)
    }

    /// `[chat] summary_every_messages` (0: summaries only on demand).
    pub fn summary_every_messages(&self) -> u32 {
        self.inner.summary_every_messages
    }

    /// The fixed emergency reply in `language`, naming `[chat] emergency_number` when set.
    pub fn safety_reply(&self, language: &str) -> String {
        let reply = super::safety::safety_reply(language);
        match self.inner.emergency_number.as_str() {
            "" => reply.to_owned(),
            number => format!("{reply} ({}: {number})", prompts::emergency_label(language)),
        }
    }

    /// Answers the user's message.
    pub async fn complete(&self, request: CompletionRequest) -> Result<Completion, AssistantError> {
        let prompt = self.prompt(&request);
        let chain = self.chain(request.preferred_provider);
        self.complete_with(&chain, &prompt).await
    }

    /// Answers the user's message as a stream. Retries and fallback happen only until the
    /// first delta: once text reached the caller, a failure ends the stream with an error item.
    pub async fn stream(&self, request: CompletionRequest) -> Result<CompletionStream, AssistantError> {
        let prompt = self.prompt(&request);
        let chain = self.chain(request.preferred_provider);
        self.first_success(&chain, |p| {
            let prompt = prompt.clone();
            async move { started(p.stream(&prompt).await?).await }
        })
        .await
    }

    /// `text` translated into `target_language` (a language tag) by a network provider;
    /// `not_available_offline` when none is configured or the user chose `local`.
    pub async fn translate(
        &self,
        text: &str,
        target_language: &str,
        preferred: Option<ProviderName>,
    ) -> Result<Completion, AssistantError> {
        let chain = self.network_chain(preferred, "translation")?;
        let prompt = prompts::translation(text, target_language);
        self.complete_with(&chain, &prompt).await
    }

    /// A title and summary of a conversation: written by the network provider, or extracted
    /// offline (knowledge-base topics and the latest question) when `local` answers.
    pub async fn summarize(
        &self,
        transcript: &[PromptMessage],
        preferred: Option<ProviderName>,
    ) -> Result<TitleAndSummary, AssistantError> {
        let chain = self.chain(preferred);
        let completion = if chain.iter().any(|p| p.name() == ProviderName::Local) {
            self.inner.local.summary_completion(transcript)
        } else {
            let prompt = prompts::summary(transcript, self.inner.max_context_tokens);
            self.complete_with(&chain, &prompt).await?
        };
        let (title, summary) = prompts::parse_summary(&completion)?;
        Ok(TitleAndSummary { title, summary, completion })
    }

    fn prompt(&self, request: &CompletionRequest) -> Prompt {
        let mut messages = request.history.clone();
        messages.push(PromptMessage::new(super::PromptRole::User, request.user_message.clone()));
        let system = request.system_prompt.clone().unwrap_or_else(|| self.inner.system_prompt.clone());
        Prompt { system, messages, temperature: None }
    }

    /// The providers to try, in order: the preferred one when available, else the default, then
    /// (with fallback on) the other network providers. `local` is only tried when chosen, so a
    /// network outage is reported rather than answered from the knowledge base unasked.
    fn chain(&self, preferred: Option<ProviderName>) -> Vec<Arc<dyn LlmProvider>> {
        let inner = &self.inner;
        let find = |name| inner.network.iter().find(|p| p.name() == name).cloned();
        let first = match preferred.filter(|name| *name == ProviderName::Local || find(*name).is_some()) {
            Some(name) => name,
            None => inner.default,
        };
        if first == ProviderName::Local {
            return vec![inner.local.clone() as Arc<dyn LlmProvider>];
        }
        let mut chain: Vec<Arc<dyn LlmProvider>> = find(first).into_iter().collect();
        if inner.fallback || chain.is_empty() {
            chain.extend(inner.network.iter().filter(|p| p.name() != first).cloned());
        }
        if chain.is_empty() {
            chain.push(inner.local.clone() as Arc<dyn LlmProvider>);
        }
        chain
    }

    /// [`Self::chain`] for features only a network provider has.
    fn network_chain(
        &self,
        preferred: Option<ProviderName>,
        feature: &'static str,
    ) -> Result<Vec<Arc<dyn LlmProvider>>, AssistantError> {
        let chain = self.chain(preferred);
        if chain.iter().any(|p| p.name() == ProviderName::Local) {
            return Err(AssistantError::NotAvailableOffline { feature });
        }
        Ok(chain)
    }

    /// One whole answer to `prompt` from the chain.
    async fn complete_with(
        &self,
        chain: &[Arc<dyn LlmProvider>],
        prompt: &Prompt,
    ) -> Result<Completion, AssistantError> {
        self.first_success(chain, |p| async move { p.complete(prompt).await }).await
    }

    /// Runs `call` on each provider of the chain with retries, returning the first success or
    /// the last provider's error.
    async fn first_success<T, F, Fut>(&self, chain: &[Arc<dyn LlmProvider>], call: F) -> Result<T, AssistantError>
    where
        F: Fn(Arc<dyn LlmProvider>) -> Fut,
        Fut: Future<Output = Result<T, AssistantError>>,
    {
        let mut last = None;
        for provider in chain {
            let mut failed = 0;
            loop {
                match call(provider.clone()).await {
                    Ok(value) => return Ok(value),
                    Err(err) => {
                        failed += 1;
                        let wait =
                            if err.is_retryable() { self.inner.retry.delay(failed, err.retry_after()) } else { None };
                        log::warn!("assistant: {} attempt {failed} failed: {err}", provider.name());
                        last = Some(err);
                        match wait {
                            Some(wait) => tokio::time::sleep(wait).await,
                            None => break,
                        }
                    }
                }
            }
        }
        // `chain()` never returns an empty chain, so `last` is always set here.
        Err(last.unwrap_or(AssistantError::NotAvailableOffline { feature: "the assistant" }))
    }
}

/// Waits for a stream's first item so that a failure before any text can still be retried;
/// the item is put back in front of the rest.
async fn started(mut stream: CompletionStream) -> Result<CompletionStream, AssistantError> {
    match stream.next().await {
        Some(Err(err)) => Err(err),
        Some(Ok(first)) => Ok(Box::pin(futures_util::stream::once(async { Ok(first) }).chain(stream))),
        None => Ok(stream),
    }
}
