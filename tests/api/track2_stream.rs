//! Streamed replies as Server-Sent Events: the event sequence, what is stored when the stream
//! ends, fails mid-way or loses its client, and the time the server adds before the first
//! token.

use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::{json, Value};

use crate::{
    fakes::{gemini, llm::Reply},
    helpers::{expect_problem, header_of, TestApp},
    track2::{chat_app, conversation, id_of, messages, start, CONVERSATIONS},
};

/// 60 words: streamed by the fake one word every few milliseconds.
fn long_answer() -> String {
    (1..=60).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ")
}

/// `(event, data)` of every event in an SSE body.
fn events(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name)).unwrap_or_default().to_owned();
            (field("event: "), serde_json::from_str(&field("data: ")).expect("JSON data"))
        })
        .collect()
}

async fn stream(app: &TestApp, token: &str, id: &str, text: &str) -> Response {
    let path = format!("{CONVERSATIONS}/{id}/messages?stream=true");
    app.send(app.post(&path, Some(token), &json!({"content": text}))).await
}

async fn patient_in_chat(app: &TestApp) -> (String, String) {
    let (token, _, _) = app.register_patient().await;
    let id = id_of(&start(app, &token, json!({})).await);
    (token, id)
}

/// Polls until the conversation holds `count` messages (background work finishing).
async fn wait_for_messages(app: &TestApp, token: &str, id: &str, count: usize) -> Vec<Value> {
    for _ in 0..100 {
        let found = messages(app, token, id).await;
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the conversation never reached {count} messages");
}

#[actix_web::test]
async fn a_streamed_reply_is_message_deltas_done_and_is_stored() {
    let fake = gemini::start(&long_answer()).await;
    let Some(app) = chat_app(&gemini::env(&fake)).await else { return };
    let (token, id) = patient_in_chat(&app).await;
    let response = stream(&app, &token, &id, "Tell me everything").await;
    assert_eq!(response.status(), 200);
    assert_eq!(header_of(&response, "content-type").as_deref(), Some("text/event-stream"));
    let all = events(&response.text().await.unwrap());
    let names: Vec<&str> = all.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!((names[0], names[names.len() - 1]), ("message", "done"));
    assert!(names[1..names.len() - 1].iter().all(|n| *n == "delta") && names.len() > 10, "{names:?}");
    let text: String = all.iter().filter(|(e, _)| e == "delta").map(|(_, d)| d["text"].as_str().unwrap()).collect();
    let (user, done) = (&all[0].1, &all[all.len() - 1].1);
    assert_eq!((user["role"].as_str(), user["content"].as_str()), (Some("user"), Some("Tell me everything")));
    assert_eq!((done["content"].as_str(), text.as_str()), (Some(long_answer().as_str()), long_answer().as_str()));
    assert_eq!(done["llmMetadata"]["completionTokens"].as_i64(), Some(60));
    assert_eq!(done["llmMetadata"]["thinkingTokens"].as_i64(), Some(i64::from(gemini::THOUGHTS_TOKENS)));
    let stored = messages(&app, &token, &id).await;
    assert_eq!((stored[0]["messageId"].clone(), stored[1].clone()), (user["messageId"].clone(), done.clone()));
    let c = conversation(&app, &token, &id).await;
    assert_eq!(
        (c["messageCount"].as_i64(), c["totalTokens"].as_i64()),
        (Some(2), done["llmMetadata"]["tokenCount"].as_i64())
    );
}

#[actix_web::test]
async fn the_accept_header_asks_for_a_stream_and_the_offline_provider_streams_too() {
    let Some(app) = chat_app(&[]).await else { return };
    let (token, id) = patient_in_chat(&app).await;
    let path = format!("{CONVERSATIONS}/{id}/messages");
    let request = app.post(&path, Some(&token), &json!({"content": "What are your opening hours?"}));
    let response = app.send(request.header("accept", "text/event-stream")).await;
    let all = events(&response.text().await.unwrap());
    assert_eq!(all.last().unwrap().0, "done");
    assert_eq!(all.last().unwrap().1["llmMetadata"]["provider"], "local");
    let emergency = events(&stream(&app, &token, &id, "I want to kill myself").await.text().await.unwrap());
    let names: Vec<&str> = emergency.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(names, ["message", "delta", "done"]);
    assert_eq!(emergency[0].1["flag"]["reason"], "suicide_or_self_harm");
}

#[actix_web::test]
async fn a_provider_failing_mid_stream_ends_with_an_error_and_keeps_the_partial_reply() {
    let fake = gemini::start("unused").await;
    let settings = [
        gemini::env(&fake),
        vec![
            ("CARECHAT_CHAT__GEMINI__TIMEOUT_MS".into(), "400".into()),
            ("CARECHAT_CHAT__RETRY__MAX_ATTEMPTS".into(), "1".into()),
        ],
    ]
    .concat();
    let Some(app) = chat_app(&settings).await else { return };
    let (token, id) = patient_in_chat(&app).await;
    fake.script([Reply::StreamThenHang("Partial answer that stops".into())]);
    let all = events(&stream(&app, &token, &id, "Hello").await.text().await.unwrap());
    let names: Vec<&str> = all.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(names, ["message", "delta", "error"]);
    assert_eq!(all[2].1["code"], "assistant_timeout");
    let stored = messages(&app, &token, &id).await;
    assert_eq!(stored.len(), 2);
    assert_eq!((stored[1]["incomplete"].as_bool(), stored[1]["content"].as_str()), (Some(true), Some("Partial ")));
    assert_eq!(conversation(&app, &token, &id).await["messageCount"], 2);

    // Failing before the first token: a plain problem, the user's message stored.
    fake.script([Reply::Error { status: 503, message: "down".into(), retry_after: None }]);
    expect_problem(stream(&app, &token, &id, "Again").await, 503, "assistant_unavailable").await;
    assert_eq!(messages(&app, &token, &id).await.len(), 3);
}

#[actix_web::test]
async fn a_client_leaving_mid_stream_leaves_the_partial_reply_marked_incomplete() {
    let fake = gemini::start(&long_answer()).await;
    let Some(app) = chat_app(&gemini::env(&fake)).await else { return };
    let (token, id) = patient_in_chat(&app).await;
    let mut response = stream(&app, &token, &id, "Tell me everything").await;
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        seen.push_str(&String::from_utf8_lossy(&response.chunk().await.unwrap().unwrap()));
    }
    drop(response);
    let stored = wait_for_messages(&app, &token, &id, 2).await;
    let partial = stored[1]["content"].as_str().unwrap();
    assert_eq!(stored[1]["incomplete"], true);
    assert!(!partial.is_empty() && partial.len() < long_answer().len(), "{partial}");
    assert!(long_answer().starts_with(partial));
    let c = conversation(&app, &token, &id).await;
    assert_eq!((c["messageCount"].as_i64(), c["totalTokens"].as_i64()), (Some(2), Some(0)));
}

/// Time to the first token through the app vs straight from the fake provider: what the
/// server adds (authentication, preferences, storing the user message, relaying).
#[actix_web::test]
async fn the_server_adds_little_before_the_first_token() {
    let fake = gemini::start("Short answer here.").await;
    let Some(app) = chat_app(&gemini::env(&fake)).await else { return };
    let (token, id) = patient_in_chat(&app).await;
    let direct_url = format!("{}/v1beta/models/{}:streamGenerateContent?alt=sse", fake.url, gemini::MODEL);
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]});
    let (mut direct, mut through) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let begun = Instant::now();
        let mut r =
            app.client.post(&direct_url).header("x-goog-api-key", gemini::API_KEY).json(&body).send().await.unwrap();
        let mut seen = String::new();
        while !seen.contains("data:") {
            seen.push_str(&String::from_utf8_lossy(&r.chunk().await.unwrap().unwrap()));
        }
        direct.push(begun.elapsed());
        r.text().await.unwrap();
        let begun = Instant::now();
        let mut r = stream(&app, &token, &id, "hi").await;
        let mut seen = String::new();
        while !seen.contains("event: delta") {
            seen.push_str(&String::from_utf8_lossy(&r.chunk().await.unwrap().unwrap()));
        }
        through.push(begun.elapsed());
        r.text().await.unwrap();
    }
    direct.sort();
    through.sort();
    let (d, t) = (direct[direct.len() / 2], through[through.len() / 2]);
    eprintln!(
        "first token, median of 15: fake provider direct {d:?}, through CareChat {t:?}, added {:?}",
        t.saturating_sub(d)
    );
    assert!(t.saturating_sub(d) < Duration::from_millis(200), "direct {d:?}, through {t:?}");
}
