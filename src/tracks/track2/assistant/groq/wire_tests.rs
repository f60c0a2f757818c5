use super::*;
use crate::tracks::track2::assistant::PromptMessage;

const ANSWER: &str = r#"{
  "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "llama-3.3-70b-versatile",
  "choices": [{"index": 0, "message": {"role": "assistant", "content": "We open at 8am."}, "finish_reason": "stop"}],
  "usage": {"prompt_tokens": 50, "completion_tokens": 7, "total_tokens": 57, "prompt_tokens_details": {"cached_tokens": 32}}
}"#;

#[test]
fn builds_the_request_body() {
    let prompt = Prompt {
        system: "Be brief.".into(),
        messages: vec![
            PromptMessage::new(PromptRole::Assistant, "Hello!"),
            PromptMessage::new(PromptRole::User, "Hours?"),
        ],
        temperature: None,
    };
    let body = serde_json::to_value(Request::new(&prompt, "llama", 0.5, 256, true)).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "model": "llama",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "Hours?"}
            ],
            "temperature": 0.5, "max_tokens": 256, "stream": true, "stream_options": {"include_usage": true}
        })
    );
    let plain = serde_json::to_value(Request::new(&prompt, "llama", 0.5, 256, false)).unwrap();
    assert!(plain.get("stream_options").is_none());
}

#[test]
fn reads_text_usage_and_finish_reason() {
    let mut reader = Reader::new("configured", 0.7);
    let text = reader.absorb(serde_json::from_str(ANSWER).unwrap());
    let completion = reader.finish(text, 9).unwrap();
    assert_eq!(completion.content, "We open at 8am.");
    assert_eq!(completion.model, "llama-3.3-70b-versatile");
    assert_eq!(completion.finish_reason.as_deref(), Some("stop"));
    assert_eq!(
        completion.usage,
        TokenUsage { prompt_tokens: 50, completion_tokens: 7, thinking_tokens: 0, cached_tokens: 32, total_tokens: 57 }
    );
}

#[test]
fn reasoning_tokens_count_as_thinking() {
    let body = r#"{"choices":[{"message":{"content":"ok"}}],"usage":{"prompt_tokens":3,"completion_tokens":9,"completion_tokens_details":{"reasoning_tokens":6}}}"#;
    let mut reader = Reader::new("m", 0.1);
    let text = reader.absorb(serde_json::from_str(body).unwrap());
    let usage = reader.finish(text, 1).unwrap().usage;
    assert_eq!((usage.thinking_tokens, usage.total_tokens), (6, 12));
}

#[test]
fn stream_chunks_then_usage_then_done() {
    let mut reader = Reader::new("m", 0.1);
    let chunks = [
        r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
        r#"{"choices":[{"index":0,"delta":{"content":"We open"},"finish_reason":null}]}"#,
        r#"{"choices":[{"index":0,"delta":{"content":" at 8."},"finish_reason":"stop"}]}"#,
        r#"{"choices":[],"usage":{"prompt_tokens":20,"completion_tokens":4,"total_tokens":24}}"#,
    ];
    let texts: Vec<Option<String>> = chunks.iter().map(|c| reader.read(c).unwrap()).collect();
    assert_eq!(texts, [Some(String::new()), Some("We open".into()), Some(" at 8.".into()), Some(String::new())]);
    assert_eq!(reader.read("[DONE]").unwrap(), None);
    let done = reader.finish("We open at 8.".into(), 3).unwrap();
    assert_eq!((done.usage.total_tokens, done.finish_reason.as_deref()), (24, Some("stop")));
}

#[test]
fn usage_in_x_groq_is_read_too() {
    let mut reader = Reader::new("m", 0.1);
    reader.read(r#"{"choices":[{"delta":{"content":"hi"},"finish_reason":"stop"}],"x_groq":{"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}}"#).unwrap();
    assert_eq!(reader.finish("hi".into(), 1).unwrap().usage.total_tokens, 2);
}

#[test]
fn malformed_and_empty_answers_are_errors() {
    let mut reader = Reader::new("m", 0.1);
    assert!(matches!(reader.read("{\"choices\": 3}"), Err(AssistantError::Malformed { .. })));
    assert!(matches!(Reader::new("m", 0.1).finish(String::new(), 1), Err(AssistantError::Malformed { .. })));
}
