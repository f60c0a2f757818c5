use super::*;
use crate::tracks::track2::assistant::PromptMessage;

const ANSWER: &str = r#"{
  "candidates": [{"content": {"parts": [{"text": "thinking...", "thought": true}, {"text": "We open at "}, {"text": "8am."}], "role": "model"},
                  "finishReason": "STOP", "index": 0}],
  "usageMetadata": {"promptTokenCount": 120, "candidatesTokenCount": 8, "thoughtsTokenCount": 30,
                    "cachedContentTokenCount": 100, "totalTokenCount": 158},
  "modelVersion": "gemini-2.5-flash-001"
}"#;

fn read(body: &str) -> Result<Completion, AssistantError> {
    let mut reader = Reader::new("gemini-2.5-flash", 0.7);
    let response: Response = serde_json::from_str(body).unwrap();
    let text = reader.absorb(response);
    reader.finish(text, 12)
}

#[test]
fn builds_the_request_body() {
    let prompt = Prompt {
        system: "Be brief.".into(),
        messages: vec![
            PromptMessage::new(PromptRole::User, "Hi"),
            PromptMessage::new(PromptRole::Assistant, "Hello!"),
            PromptMessage::new(PromptRole::User, "Hours?"),
        ],
        temperature: None,
    };
    let body = serde_json::to_value(Request::new(&prompt, 0.5, 256)).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [
                {"role": "user", "parts": [{"text": "Hi"}]},
                {"role": "model", "parts": [{"text": "Hello!"}]},
                {"role": "user", "parts": [{"text": "Hours?"}]}
            ],
            "generationConfig": {"temperature": 0.5, "maxOutputTokens": 256}
        })
    );
}

#[test]
fn contents_open_with_the_user_and_alternate() {
    let prompt = Prompt {
        system: "S".into(),
        messages: vec![
            PromptMessage::new(PromptRole::Assistant, "earlier answer"),
            PromptMessage::new(PromptRole::User, "first question (its reply failed)"),
            PromptMessage::new(PromptRole::User, "second question"),
        ],
        temperature: None,
    };
    let body = serde_json::to_value(Request::new(&prompt, 0.5, 256)).unwrap();
    assert_eq!(
        body["contents"],
        serde_json::json!([{"role": "user", "parts": [{"text": "first question (its reply failed)"}, {"text": "second question"}]}])
    );
}

#[test]
fn reads_text_finish_reason_model_and_usage() {
    let completion = read(ANSWER).unwrap();
    assert_eq!(completion.content, "We open at 8am.");
    assert_eq!(completion.finish_reason.as_deref(), Some("STOP"));
    assert_eq!(completion.model, "gemini-2.5-flash-001");
    assert_eq!(
        completion.usage,
        TokenUsage {
            prompt_tokens: 120,
            completion_tokens: 8,
            thinking_tokens: 30,
            cached_tokens: 100,
            total_tokens: 158
        }
    );
}

#[test]
fn missing_usage_counts_default_to_zero_and_total_is_summed() {
    let body = r#"{"candidates":[{"content":{"parts":[{"text":"ok"}]}}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2}}"#;
    let usage = read(body).unwrap().usage;
    assert_eq!((usage.thinking_tokens, usage.cached_tokens, usage.total_tokens), (0, 0, 7));
}

#[test]
fn blocked_or_empty_answers_are_malformed() {
    let blocked = r#"{"candidates":[{"finishReason":"SAFETY"}]}"#;
    let err = read(blocked).unwrap_err();
    assert!(matches!(&err, AssistantError::Malformed { detail, .. } if detail.contains("SAFETY")), "{err}");
    let feedback = r#"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}}"#;
    assert!(read(feedback).unwrap_err().to_string().contains("PROHIBITED_CONTENT"));
    assert!(read("{}").is_err());
}

#[test]
fn stream_chunks_accumulate_and_the_last_usage_wins() {
    let mut reader = Reader::new("gemini-2.5-flash", 0.7);
    let first = r#"{"candidates":[{"content":{"parts":[{"text":"We open "}],"role":"model"}}],"usageMetadata":{"promptTokenCount":9}}"#;
    let last = r#"{"candidates":[{"content":{"parts":[{"text":"at 8."}],"role":"model"},"finishReason":"STOP"}],
                   "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":4,"totalTokenCount":13}}"#;
    assert_eq!(reader.read(first).unwrap().as_deref(), Some("We open "));
    assert_eq!(reader.read(last).unwrap().as_deref(), Some("at 8."));
    let done = reader.finish("We open at 8.".into(), 5).unwrap();
    assert_eq!((done.usage.completion_tokens, done.usage.total_tokens), (4, 13));
    assert_eq!(done.finish_reason.as_deref(), Some("STOP"));
}

#[test]
fn a_malformed_chunk_is_an_error() {
    let mut reader = Reader::new("m", 0.1);
    assert!(matches!(reader.read("{not json"), Err(AssistantError::Malformed { .. })));
}
