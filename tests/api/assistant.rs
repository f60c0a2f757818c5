//! The assistant against fake Gemini and Groq servers on 127.0.0.1: wire formats, streaming,
//! usage, retries, fallback, timeouts and malformed answers, without the HTTP endpoint.

use std::path::Path;

use carechat::{
    config::Settings,
    gateway::error::ApiErrorCode,
    tracks::track2::assistant::{
        Assistant, AssistantError, CompletionRequest, PromptMessage, PromptRole, ProviderName, StreamEvent, TokenUsage,
    },
};
use futures_util::StreamExt;

use crate::fakes::{
    gemini, groq,
    llm::{FakeLlm, Reply},
};

const HOURS: &str = "We are open from 8:00 to 19:00 on weekdays.";

/// An assistant configured like the app, with `env` on top of fast test retry settings.
fn assistant(env: Vec<(String, String)>) -> Assistant {
    let mut vars = vec![
        ("CARECHAT_PROFILE".to_owned(), "test".to_owned()),
        ("CARECHAT_CHAT__RETRY__BASE_DELAY_MS".to_owned(), "10".to_owned()),
        ("CARECHAT_CHAT__RETRY__MAX_ATTEMPTS".to_owned(), "3".to_owned()),
    ];
    vars.extend(env);
    let settings = Settings::load_from(Path::new("/nonexistent"), vars).unwrap();
    Assistant::from_settings(&settings.chat).unwrap()
}

fn env(pairs: &[&[(String, String)]], extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = pairs.iter().flat_map(|p| p.iter().cloned()).collect();
    all.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    all
}

fn request(message: &str) -> CompletionRequest {
    CompletionRequest {
        history: vec![
            PromptMessage::new(PromptRole::User, "Hello"),
            PromptMessage::new(PromptRole::Assistant, "Hello! How can I help?"),
        ],
        user_message: message.to_owned(),
        ..CompletionRequest::default()
    }
}

fn error(status: u16) -> Reply {
    Reply::Error { status, message: format!("scripted {status}"), retry_after: None }
}

async fn collect(
    assistant: &Assistant,
    request: CompletionRequest,
) -> (String, Vec<Result<StreamEvent, AssistantError>>) {
    let events: Vec<_> = assistant.stream(request).await.unwrap().collect().await;
    let text = events
        .iter()
        .filter_map(|e| match e {
            Ok(StreamEvent::Delta(d)) => Some(d.as_str()),
            _ => None,
        })
        .collect();
    (text, events)
}

#[tokio::test]
async fn gemini_answers_with_normalised_usage_and_the_real_request_shape() {
    let fake = gemini::start(HOURS).await;
    let assistant = assistant(gemini::env(&fake));
    assert_eq!(assistant.default_provider(), ProviderName::Gemini);
    let completion = assistant.complete(request("When are you open?")).await.unwrap();
    assert_eq!((completion.content.as_str(), completion.provider), (HOURS, ProviderName::Gemini));
    assert_eq!(completion.model, gemini::MODEL);
    assert_eq!(completion.finish_reason.as_deref(), Some("STOP"));
    let words = 9;
    assert_eq!(
        completion.usage,
        TokenUsage {
            prompt_tokens: gemini::PROMPT_TOKENS,
            completion_tokens: words,
            thinking_tokens: gemini::THOUGHTS_TOKENS,
            cached_tokens: gemini::CACHED_TOKENS,
            total_tokens: gemini::PROMPT_TOKENS + words + gemini::THOUGHTS_TOKENS,
        }
    );
    let sent = &fake.requests()[0];
    let roles: Vec<&str> =
        sent.body["contents"].as_array().unwrap().iter().map(|c| c["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "model", "user"]);
    assert_eq!(sent.body["contents"][2]["parts"][0]["text"], "When are you open?");
    assert!(sent.body["systemInstruction"]["parts"][0]["text"].as_str().unwrap().contains("CareChat"));
    assert_eq!(sent.body["generationConfig"]["temperature"], 0.7);
}

#[tokio::test]
async fn groq_streams_token_by_token_and_records_usage() {
    let fake = groq::start(HOURS).await;
    let assistant = assistant(groq::env(&fake));
    let (text, events) = collect(&assistant, request("When are you open?")).await;
    assert_eq!(text, HOURS);
    assert!(events.len() > 5, "one delta per word, then Done");
    let Some(Ok(StreamEvent::Done(done))) = events.last() else { panic!("no Done: {events:?}") };
    assert_eq!((done.content.as_str(), done.provider), (HOURS, ProviderName::Groq));
    assert_eq!(done.usage.prompt_tokens, groq::PROMPT_TOKENS);
    assert_eq!(done.usage.completion_tokens, 9);
    assert_eq!(done.usage.cached_tokens, groq::CACHED_TOKENS);
    assert_eq!(done.finish_reason.as_deref(), Some("stop"));
    let sent = &fake.requests()[0].body;
    assert_eq!((sent["stream"].clone(), sent["stream_options"]["include_usage"].clone()), (true.into(), true.into()));
    assert_eq!(sent["messages"][0]["role"], "system");
}

#[tokio::test]
async fn gemini_streams_and_records_the_last_chunks_usage() {
    let fake = gemini::start(HOURS).await;
    let assistant = assistant(gemini::env(&fake));
    let (text, events) = collect(&assistant, request("When are you open?")).await;
    assert_eq!(text, HOURS);
    let Some(Ok(StreamEvent::Done(done))) = events.last() else { panic!("no Done: {events:?}") };
    assert_eq!((done.usage.completion_tokens, done.usage.thinking_tokens), (9, gemini::THOUGHTS_TOKENS));
    assert!(fake.requests()[0].path.ends_with(":streamGenerateContent?alt=sse"));
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() {
    let fake = gemini::start(HOURS).await;
    fake.script([Reply::Error { status: 429, message: "quota".into(), retry_after: Some(0) }]);
    let completion = assistant(gemini::env(&fake)).complete(request("Hours?")).await.unwrap();
    assert_eq!(completion.content, HOURS);
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn server_errors_exhaust_retries_then_fall_back_to_the_other_provider() {
    let (g, q) = (gemini::start("from gemini").await, groq::start(HOURS).await);
    g.script([error(500), error(503), error(500)]);
    let assistant = assistant(env(&[&gemini::env(&g), &groq::env(&q)], &[]));
    let completion = assistant.complete(request("Hours?")).await.unwrap();
    assert_eq!((completion.provider, completion.content.as_str()), (ProviderName::Groq, HOURS));
    assert_eq!((g.count(), q.count()), (3, 1));
}

#[tokio::test]
async fn the_preferred_provider_goes_first() {
    let (g, q) = (gemini::start("from gemini").await, groq::start("from groq").await);
    let assistant = assistant(env(&[&gemini::env(&g), &groq::env(&q)], &[]));
    let completion = assistant
        .complete(CompletionRequest { preferred_provider: Some(ProviderName::Groq), ..request("Hi") })
        .await
        .unwrap();
    assert_eq!(completion.content, "from groq");
    assert_eq!((g.count(), q.count()), (0, 1));
}

#[tokio::test]
async fn everything_failing_is_unavailable_with_retry_after() {
    let (g, q) = (gemini::start("").await, groq::start("").await);
    g.script(vec![error(500); 3]);
    q.script(vec![Reply::Error { status: 429, message: "slow down".into(), retry_after: Some(120) }]);
    let err = assistant(env(&[&gemini::env(&g), &groq::env(&q)], &[])).complete(request("Hours?")).await.unwrap_err();
    assert_eq!((err.status().as_u16(), err.code()), (503, "assistant_unavailable"));
    assert_eq!(err.headers()[0].1, "120");
    // Groq asked for longer than max_delay_ms: not retried.
    assert_eq!((g.count(), q.count()), (3, 1));
}

#[tokio::test]
async fn a_provider_that_hangs_times_out() {
    let fake = groq::start(HOURS).await;
    fake.script([Reply::Hang, Reply::Hang]);
    let assistant = assistant(env(
        &[&groq::env(&fake)],
        &[("CARECHAT_CHAT__GROQ__TIMEOUT_MS", "200"), ("CARECHAT_CHAT__RETRY__MAX_ATTEMPTS", "2")],
    ));
    let started = std::time::Instant::now();
    let err = assistant.complete(request("Hours?")).await.unwrap_err();
    assert_eq!((err.status().as_u16(), err.code()), (504, "assistant_timeout"));
    assert_eq!(fake.count(), 2);
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
}

#[tokio::test]
async fn malformed_answers_are_bad_gateway_and_not_retried() {
    let fake = groq::start(HOURS).await;
    fake.script([Reply::Malformed]);
    let err = assistant(groq::env(&fake)).complete(request("Hours?")).await.unwrap_err();
    assert!(matches!(err, AssistantError::Malformed { provider: ProviderName::Groq, .. }), "{err}");
    assert_eq!((err.status().as_u16(), err.code()), (502, "assistant_bad_gateway"));
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried_but_fall_back() {
    let (g, q) = (gemini::start("").await, groq::start(HOURS).await);
    g.script([error(400)]);
    let assistant = assistant(env(&[&gemini::env(&g), &groq::env(&q)], &[]));
    assert_eq!(assistant.complete(request("Hours?")).await.unwrap().provider, ProviderName::Groq);
    assert_eq!((g.count(), q.count()), (1, 1));
    let alone = self::assistant(gemini::env(&g));
    g.script([error(400)]);
    let err = alone.complete(request("Hours?")).await.unwrap_err();
    assert!(matches!(err, AssistantError::Rejected { status: 400, .. }), "{err}");
}

#[tokio::test]
async fn a_stream_is_retried_before_its_first_delta_only() {
    let fake = groq::start(HOURS).await;
    fake.script([error(503)]);
    let assistant = assistant(env(&[&groq::env(&fake)], &[("CARECHAT_CHAT__GROQ__TIMEOUT_MS", "300")]));
    let (text, _) = collect(&assistant, request("Hours?")).await;
    assert_eq!((text.as_str(), fake.count()), (HOURS, 2));

    fake.script([Reply::StreamThenHang(HOURS.into())]);
    let (text, events) = collect(&assistant, request("Hours?")).await;
    assert_eq!(text, "We ");
    assert!(matches!(events.last(), Some(Err(AssistantError::Timeout { .. }))), "{events:?}");
    assert_eq!(fake.count(), 3, "no retry once text reached the caller");
}

#[tokio::test]
async fn a_malformed_stream_chunk_fails_the_stream() {
    let fake = gemini::start(HOURS).await;
    fake.script([Reply::Malformed]);
    let err = match assistant(gemini::env(&fake)).stream(request("Hours?")).await {
        Err(err) => err,
        Ok(_) => panic!("a malformed first chunk fails before any delta"),
    };
    assert_eq!(err.code(), "assistant_bad_gateway");
}

#[tokio::test]
async fn without_keys_the_local_provider_answers_from_the_knowledge_base() {
    let assistant = assistant(Vec::new());
    assert_eq!(assistant.default_provider(), ProviderName::Local);
    let completion = assistant.complete(request("Where can I park my car?")).await.unwrap();
    assert_eq!(completion.provider, ProviderName::Local);
    assert!(completion.content.contains("car park"), "{}", completion.content);
    let unknown = assistant.complete(request("Who won the match yesterday?")).await.unwrap();
    assert!(unknown.content.starts_with("I don't know"), "{}", unknown.content);
    let err = assistant.translate("Bonjour", "en", None).await.unwrap_err();
    assert_eq!((err.status().as_u16(), err.code()), (422, "not_available_offline"));
    let transcript = [PromptMessage::new(PromptRole::User, "How do I get a refill of my prescription?")];
    let summary = assistant.summarize(&transcript, None).await.unwrap();
    assert_eq!(
        (summary.title.as_str(), summary.completion.provider),
        ("Repeat prescription refills", ProviderName::Local)
    );
    assert!(summary.summary.contains("refill"), "{}", summary.summary);
}

#[tokio::test]
async fn translation_and_summaries_go_through_the_provider() {
    let fake = groq::start("Nous sommes ouverts de 8 h à 19 h.").await;
    let assistant = assistant(groq::env(&fake));
    let translated = assistant.translate(HOURS, "fr", None).await.unwrap();
    assert_eq!(translated.content, "Nous sommes ouverts de 8 h à 19 h.");
    let sent = &fake.requests()[0].body;
    assert_eq!(sent["temperature"], 0.2);
    assert!(sent["messages"][0]["content"].as_str().unwrap().contains("`fr`"));
    assert_eq!(sent["messages"][1]["content"], HOURS);

    fake.script([Reply::Answer(
        r#"{"title": "Opening hours", "summary": "The patient asked when the clinic opens."}"#.into(),
    )]);
    let transcript =
        [PromptMessage::new(PromptRole::User, "When are you open?"), PromptMessage::new(PromptRole::Assistant, HOURS)];
    let summary = assistant.summarize(&transcript, None).await.unwrap();
    assert_eq!(
        (summary.title.as_str(), summary.summary.as_str()),
        ("Opening hours", "The patient asked when the clinic opens.")
    );
    assert!(fake.requests()[1].body["messages"][1]["content"]
        .as_str()
        .unwrap()
        .contains("Patient: When are you open?"));
    assert_eq!(summary.completion.provider, ProviderName::Groq);
}

#[tokio::test]
async fn safety_replies_name_the_configured_emergency_number() {
    let assistant = assistant(env(&[], &[("CARECHAT_CHAT__EMERGENCY_NUMBER", "112")]));
    assert!(assistant.safety_reply("en").ends_with("(emergency number: 112)"));
    assert!(assistant.safety_reply("fr").contains("112"));
}

#[tokio::test]
async fn the_fakes_refuse_what_the_real_apis_refuse() {
    let fake: FakeLlm = gemini::start(HOURS).await;
    let mut wrong = gemini::env(&fake);
    wrong[1].1 = "wrong".into();
    let err = assistant(wrong).complete(request("Hours?")).await.unwrap_err();
    let rejected = |err: &AssistantError, want: u16, text: &str| matches!(err, AssistantError::Rejected { status, detail, .. } if *status == want && detail.contains(text));
    assert!(rejected(&err, 400, "API key not valid"), "{err}");
    let mut other_model = groq::env(&groq::start(HOURS).await);
    other_model[2].1 = "llama-unknown".into();
    let err = assistant(other_model).complete(request("Hours?")).await.unwrap_err();
    assert!(rejected(&err, 404, "does not exist"), "{err}");
}
