//! A fake Groq API: OpenAI-compatible `POST /openai/v1/chat/completions` with a Bearer key,
//! streaming `chat.completion.chunk`s, a usage chunk (when `stream_options.include_usage`) and
//! `data: [DONE]`.

use serde_json::{json, Value};

use super::llm::{FakeLlm, Recorded, Wire};

/// The key the fake accepts.
pub const API_KEY: &str = "fake-groq-key";
/// The model the fake serves.
pub const MODEL: &str = "llama-fake";
/// Prompt tokens reported with every answer (answer tokens = its words).
pub const PROMPT_TOKENS: u32 = 13;
/// Cached prompt tokens reported with every answer.
pub const CACHED_TOKENS: u32 = 5;

struct Groq;

fn usage(words: usize) -> Value {
    let words = u32::try_from(words).unwrap();
    json!({
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": words,
        "total_tokens": PROMPT_TOKENS + words,
        "prompt_tokens_details": {"cached_tokens": CACHED_TOKENS}
    })
}

impl Wire for Groq {
    fn is_stream(&self, request: &Recorded) -> bool {
        request.body["stream"] == json!(true)
    }

    fn check(&self, request: &Recorded) -> Result<(), (u16, String)> {
        if request.method != "POST" || request.path != "/openai/v1/chat/completions" {
            return Err((404, format!("Unknown request URL: {} {}", request.method, request.path)));
        }
        if request.header("authorization") != Some(&format!("Bearer {API_KEY}")) {
            return Err((401, "Invalid API Key".into()));
        }
        if request.body["model"] != json!(MODEL) {
            return Err((
                404,
                format!("The model `{}` does not exist or you do not have access to it.", request.body["model"]),
            ));
        }
        if request.body["messages"].as_array().is_none_or(Vec::is_empty) {
            return Err((400, "'messages' : minimum number of items is 1".into()));
        }
        Ok(())
    }

    fn answer(&self, text: &str) -> Value {
        json!({
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000, "model": MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": usage(text.split_whitespace().count())
        })
    }

    fn stream(&self, pieces: &[String]) -> Vec<String> {
        let chunk = |delta: Value, finish: Value| {
            json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": MODEL,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
            .to_string()
        };
        let words: usize = pieces.iter().map(|p| p.split_whitespace().count()).sum();
        let mut events = vec![chunk(json!({"role": "assistant", "content": ""}), Value::Null)];
        events.extend(pieces.iter().map(|p| chunk(json!({"content": p}), Value::Null)));
        events.push(chunk(json!({}), json!("stop")));
        events.push(json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": MODEL, "choices": [], "usage": usage(words)}).to_string());
        events.push("[DONE]".to_owned());
        events
    }

    fn error(&self, status: u16, message: &str) -> Value {
        let (kind, code) = match status {
            401 => ("invalid_request_error", "invalid_api_key"),
            404 => ("invalid_request_error", "model_not_found"),
            429 => ("tokens", "rate_limit_exceeded"),
            400..=499 => ("invalid_request_error", "invalid_request"),
            _ => ("internal_server_error", "internal_error"),
        };
        json!({"error": {"message": message, "type": kind, "code": code}})
    }
}

/// Starts a fake Groq answering `default_answer` unless scripted otherwise.
pub async fn start(default_answer: &str) -> FakeLlm {
    FakeLlm::start(Groq, default_answer).await
}

/// `CARECHAT_*` settings pointing the app at this fake.
pub fn env(fake: &FakeLlm) -> Vec<(String, String)> {
    vec![
        ("CARECHAT_CHAT__GROQ__BASE_URL".into(), fake.url.clone()),
        ("CARECHAT_CHAT__GROQ__API_KEY".into(), API_KEY.into()),
        ("CARECHAT_CHAT__GROQ__MODEL".into(), MODEL.into()),
    ]
}
