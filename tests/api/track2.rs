//! Track 2's conversations as a client sees them: types, create/list/read/rename/archive/
//! delete, who may reach a conversation, and bad input. Shared helpers for the other
//! `track2_*` files live here.

use reqwest::Response;
use serde_json::{json, Value};

use crate::helpers::{expect_json, expect_problem, TestApp};

pub const CONVERSATIONS: &str = "/api/v1/chat/conversations";

/// The app with automatic summaries off, fast retries, and `extra` settings (fake providers).
pub async fn chat_app(extra: &[(String, String)]) -> Option<TestApp> {
    let mut env: Vec<(String, String)> = vec![
        ("CARECHAT_CHAT__SUMMARY_EVERY_MESSAGES".into(), "0".into()),
        ("CARECHAT_CHAT__RETRY__BASE_DELAY_MS".into(), "10".into()),
    ];
    env.extend(extra.iter().cloned());
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    TestApp::spawn_with(&pairs).await
}

/// Starts a conversation of `body` and returns it.
pub async fn start(app: &TestApp, token: &str, body: Value) -> Value {
    expect_json(app.send(app.post(CONVERSATIONS, Some(token), &body)).await, 201).await
}

/// The id of a conversation view.
pub fn id_of(conversation: &Value) -> String {
    conversation["conversationId"].as_str().unwrap().to_owned()
}

/// POSTs a message to a conversation.
pub async fn say(app: &TestApp, token: &str, conversation: &str, text: &str) -> Response {
    app.send(app.post(&format!("{CONVERSATIONS}/{conversation}/messages"), Some(token), &json!({"content": text})))
        .await
}

/// The conversation's messages (first page of 100).
pub async fn messages(app: &TestApp, token: &str, conversation: &str) -> Vec<Value> {
    let path = format!("{CONVERSATIONS}/{conversation}/messages?perPage=100");
    let page = expect_json(app.send(app.get(&path, Some(token))).await, 200).await;
    page["items"].as_array().unwrap().clone()
}

/// The conversation as its owner reads it.
pub async fn conversation(app: &TestApp, token: &str, id: &str) -> Value {
    expect_json(app.send(app.get(&format!("{CONVERSATIONS}/{id}"), Some(token))).await, 200).await
}

/// Sets the caller's chat preferences (and language).
pub async fn prefer(app: &TestApp, token: &str, provider: &str, context_retention: bool, language: &str) {
    let body = json!({
        "preferredLanguage": language,
        "profile": {"chatPreferences": {
            "preferredProvider": provider, "contextRetention": context_retention, "analyticsOptIn": false
        }}
    });
    expect_json(app.send(app.patch("/api/v1/auth/me", Some(token), &body)).await, 200).await;
}

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(id_of).collect()
}

#[actix_web::test]
async fn conversation_types_need_a_token_and_list_three() {
    let Some(app) = TestApp::spawn().await else { return };
    let path = "/api/v1/chat/conversation-types";
    expect_problem(app.send(app.get(path, None)).await, 401, "authentication_required").await;
    let (token, _, _) = app.register_patient().await;
    let types = expect_json(app.send(app.get(path, Some(&token))).await, 200).await;
    let names: Vec<&str> = types.as_array().unwrap().iter().map(|t| t["conversationType"].as_str().unwrap()).collect();
    assert_eq!(names, ["chat", "feedback", "reminder_feedback"]);
}

#[actix_web::test]
async fn a_patient_lists_renames_archives_and_deletes_conversations() {
    let Some(app) = chat_app(&[]).await else { return };
    let (token, _, user) = app.register_patient().await;
    let first = start(&app, &token, json!({"title": "Prescription", "context": {"source": "app"}})).await;
    assert_eq!((first["conversationType"].as_str(), first["status"].as_str()), (Some("chat"), Some("active")));
    assert_eq!((first["messageCount"].as_i64(), first["userId"].as_str()), (Some(0), user["userId"].as_str()));
    assert_eq!(first["trackOrigin"], "track2");
    let second = start(&app, &token, json!({"conversationType": "feedback"})).await;
    let (first, second) = (id_of(&first), id_of(&second));
    let page = expect_json(app.send(app.get(CONVERSATIONS, Some(&token))).await, 200).await;
    assert_eq!((ids(&page), page["total"].as_u64()), (vec![second.clone(), first.clone()], Some(2)));
    // A message makes the first conversation the most recently active.
    expect_json(say(&app, &token, &first, "What are your opening hours?").await, 201).await;
    let page = expect_json(app.send(app.get(&format!("{CONVERSATIONS}?perPage=1"), Some(&token))).await, 200).await;
    assert_eq!((ids(&page), page["total"].as_u64(), page["perPage"].as_u64()), (vec![first.clone()], Some(2), Some(1)));
    let feedback = format!("{CONVERSATIONS}?conversationType=feedback");
    assert_eq!(
        ids(&expect_json(app.send(app.get(&feedback, Some(&token))).await, 200).await),
        std::slice::from_ref(&second)
    );

    let path = format!("{CONVERSATIONS}/{first}");
    let renamed = app.send(app.patch(&path, Some(&token), &json!({"title": "Renewal", "status": "archived"}))).await;
    let renamed = expect_json(renamed, 200).await;
    assert_eq!((renamed["title"].as_str(), renamed["status"].as_str()), (Some("Renewal"), Some("archived")));
    assert!(renamed["archivedAt"].is_string());
    let archived = format!("{CONVERSATIONS}?status=archived");
    assert_eq!(
        ids(&expect_json(app.send(app.get(&archived, Some(&token))).await, 200).await),
        std::slice::from_ref(&first)
    );
    expect_problem(say(&app, &token, &first, "hello?").await, 409, "conversation_archived").await;
    let reopened = expect_json(app.send(app.patch(&path, Some(&token), &json!({"status": "active"}))).await, 200).await;
    assert!(reopened["archivedAt"].is_null());

    let deleted = app.send(bearer(app.client.delete(app.url(&path)), &token)).await;
    assert_eq!(deleted.status(), 204);
    expect_problem(app.send(app.get(&path, Some(&token))).await, 404, "conversation_not_found").await;
    expect_problem(say(&app, &token, &first, "still there?").await, 404, "conversation_not_found").await;
    let again = app.send(bearer(app.client.delete(app.url(&path)), &token)).await;
    expect_problem(again, 404, "conversation_not_found").await;
    let page = expect_json(app.send(app.get(CONVERSATIONS, Some(&token))).await, 200).await;
    assert_eq!(ids(&page), [second]);
}

fn bearer(request: reqwest::RequestBuilder, token: &str) -> reqwest::RequestBuilder {
    request.bearer_auth(token)
}

#[actix_web::test]
async fn nobody_reaches_another_users_conversation_and_staff_reads_are_audited() {
    let Some(app) = chat_app(&[]).await else { return };
    let (owner, _, _) = app.register_patient().await;
    let (other, _, _) = app.register_patient().await;
    let id = id_of(&start(&app, &owner, json!({})).await);
    expect_json(say(&app, &owner, &id, "Do you have parking?").await, 201).await;
    let path = format!("{CONVERSATIONS}/{id}");
    let message_id = messages(&app, &owner, &id).await[0]["messageId"].as_str().unwrap().to_owned();
    let requests = [
        app.get(&path, Some(&other)),
        app.get(&format!("{path}/messages"), Some(&other)),
        app.post(&format!("{path}/messages"), Some(&other), &json!({"content": "hi"})),
        app.patch(&path, Some(&other), &json!({"title": "mine"})),
        bearer(app.client.delete(app.url(&path)), &other),
        app.patch(&format!("{path}/messages/{message_id}"), Some(&other), &json!({"content": "x", "reason": "y"})),
        app.post(&format!("{path}/summary"), Some(&other), &json!({})),
    ];
    for request in requests {
        expect_problem(app.send(request).await, 403, "forbidden").await;
    }
    let own_list = expect_json(app.send(app.get(CONVERSATIONS, Some(&other))).await, 200).await;
    assert_eq!(own_list["total"], 0);

    let admin = app.admin_token().await;
    assert_eq!(id_of(&conversation(&app, &admin, &id).await), id);
    assert_eq!(messages(&app, &admin, &id).await.len(), 2);
    let write = app.post(&format!("{path}/messages"), Some(&admin), &json!({"content": "staff here"}));
    expect_problem(app.send(write).await, 403, "forbidden").await;
    let audit = expect_json(app.send(app.get("/api/v1/admin/audit?perPage=100", Some(&admin))).await, 200).await;
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"chat.conversation.read") && actions.contains(&"chat.messages.read"), "{actions:?}");
}

#[actix_web::test]
async fn bad_input_is_a_clear_problem() {
    let Some(app) = chat_app(&[]).await else { return };
    let (token, _, _) = app.register_patient().await;
    let bad = [
        json!({"conversationType": "gossip"}),
        json!({"title": ""}),
        json!({"title": "x".repeat(201)}),
        json!({"context": [1, 2]}),
        json!({"unknown": true}),
    ];
    for body in bad {
        expect_problem(app.send(app.post(CONVERSATIONS, Some(&token), &body)).await, 422, "validation_failed").await;
    }
    let id = id_of(&start(&app, &token, json!({})).await);
    expect_problem(say(&app, &token, &id, "").await, 422, "validation_failed").await;
    expect_problem(say(&app, &token, &id, &"a".repeat(4001)).await, 422, "validation_failed").await;
    let bad_path = app.get(&format!("{CONVERSATIONS}/not-a-uuid"), Some(&token));
    expect_problem(app.send(bad_path).await, 400, "invalid_path_parameter").await;
    for query in ["status=deleted", "perPage=0", "perPage=101", "page=", "conversationType=x"] {
        let response = app.send(app.get(&format!("{CONVERSATIONS}?{query}"), Some(&token))).await;
        assert!([400, 422].contains(&response.status().as_u16()), "{query}: {}", response.status());
    }
    let unknown = format!("{CONVERSATIONS}/{}", uuid::Uuid::now_v7());
    expect_problem(app.send(app.get(&unknown, Some(&token))).await, 404, "conversation_not_found").await;
}
