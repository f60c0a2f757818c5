//! A fake Gemini API: `POST /v1beta/models/{model}:generateContent` and
//! `:streamGenerateContent?alt=sse` with the `x-goog-api-key` header.

use serde_json::{json, Value};

use super::llm::{FakeLlm, Recorded, Wire};

/// The key the fake accepts.
pub const API_KEY: &str = "fake-gemini-key";
/// The model the fake serves.
pub const MODEL: &str = "gemini-fake";
/// Usage the fake reports: prompt, thoughts and cached tokens (answer tokens = its words).
pub const PROMPT_TOKENS: u32 = 11;
/// Thinking tokens reported with every answer.
pub const THOUGHTS_TOKENS: u32 = 3;
/// Cached prompt tokens reported with every answer.
pub const CACHED_TOKENS: u32 = 2;

struct Gemini;

fn usage(words: usize) -> Value {
    let words = u32::try_from(words).unwrap();
    json!({
        "promptTokenCount": PROMPT_TOKENS,
        "candidatesTokenCount": words,
        "thoughtsTokenCount": THOUGHTS_TOKENS,
        "cachedContentTokenCount": CACHED_TOKENS,
        "totalTokenCount": PROMPT_TOKENS + words + THOUGHTS_TOKENS
    })
}

fn candidate(text: &str, finish: Option<&str>) -> Value {
    let mut c = json!({"content": {"role": "model", "parts": [{"text": text}]}, "index": 0});
    if let Some(reason) = finish {
        c["finishReason"] = json!(reason);
    }
    c
}

impl Wire for Gemini {
    fn is_stream(&self, request: &Recorded) -> bool {
        request.path.contains(":streamGenerateContent")
    }

    fn check(&self, request: &Recorded) -> Result<(), (u16, String)> {
        let generate = format!("/v1beta/models/{MODEL}:generateContent");
        let stream = format!("/v1beta/models/{MODEL}:streamGenerateContent?alt=sse");
        if request.method != "POST" || (request.path != generate && request.path != stream) {
            return Err((404, "Requested entity was not found.".into()));
        }
        if request.header("x-goog-api-key") != Some(API_KEY) {
            return Err((400, "API key not valid. Please pass a valid API key.".into()));
        }
        let roles: Vec<&str> = request.body["contents"]
            .as_array()
            .map(|c| c.iter().map(|c| c["role"].as_str().unwrap_or("user")).collect())
            .unwrap_or_default();
        let alternating = roles.first() == Some(&"user") && roles.windows(2).all(|w| w[0] != w[1]);
        if !alternating {
            return Err((400, "Please ensure that multiturn requests alternate between user and model.".into()));
        }
        Ok(())
    }

    fn answer(&self, text: &str) -> Value {
        json!({
            "candidates": [candidate(text, Some("STOP"))],
            "usageMetadata": usage(text.split_whitespace().count()),
            "modelVersion": MODEL
        })
    }

    /// Usage on every chunk, growing; the last chunk carries the final counts and finishReason.
    fn stream(&self, pieces: &[String]) -> Vec<String> {
        let mut words = 0;
        pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                words += piece.split_whitespace().count();
                let finish = (i + 1 == pieces.len()).then_some("STOP");
                json!({"candidates": [candidate(piece, finish)], "usageMetadata": usage(words), "modelVersion": MODEL})
                    .to_string()
            })
            .collect()
    }

    fn error(&self, status: u16, message: &str) -> Value {
        let kind = match status {
            400 => "INVALID_ARGUMENT",
            401 | 403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            429 => "RESOURCE_EXHAUSTED",
            503 => "UNAVAILABLE",
            _ => "INTERNAL",
        };
        json!({"error": {"code": status, "message": message, "status": kind}})
    }
}

/// Starts a fake Gemini answering `default_answer` unless scripted otherwise.
pub async fn start(default_answer: &str) -> FakeLlm {
    FakeLlm::start(Gemini, default_answer).await
}

/// `CARECHAT_*` settings pointing the app at this fake.
pub fn env(fake: &FakeLlm) -> Vec<(String, String)> {
    vec![
        ("CARECHAT_CHAT__GEMINI__BASE_URL".into(), fake.url.clone()),
        ("CARECHAT_CHAT__GEMINI__API_KEY".into(), API_KEY.into()),
        ("CARECHAT_CHAT__GEMINI__MODEL".into(), MODEL.into()),
    ]
}
