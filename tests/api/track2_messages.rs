//! Posting to the assistant over HTTP, with the offline provider and with fake Gemini and Groq
//! servers on 127.0.0.1: replies with usage, counters, the user's preferences, emergencies,
//! provider failures (the user's message always stays), edits, translation and summaries.

use serde_json::{json, Value};

use crate::{
    fakes::{gemini, groq, llm::Reply},
    helpers::{expect_json, expect_problem, TestApp},
    track2::{chat_app, conversation, id_of, messages, prefer, say, start, CONVERSATIONS},
};

const HOURS: &str = "We are open from 8:00 to 19:00 on weekdays.";

fn error(status: u16) -> Reply {
    Reply::Error { status, message: format!("scripted {status}"), retry_after: None }
}

/// A patient with a fresh conversation: `(token, conversation id)`.
async fn patient_in_conversation(app: &TestApp, kind: &str) -> (String, String) {
    let (token, _, _) = app.register_patient().await;
    let id = id_of(&start(app, &token, json!({"conversationType": kind})).await);
    (token, id)
}

async fn exchange(app: &TestApp, token: &str, id: &str, text: &str) -> Value {
    expect_json(say(app, token, id, text).await, 201).await
}

#[actix_web::test]
async fn the_offline_provider_answers_and_the_counters_follow() {
    let Some(app) = chat_app(&[]).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    let first = exchange(&app, &token, &id, "What are your opening hours?").await;
    let (user, reply) = (&first["userMessage"], &first["assistantMessage"]);
    assert_eq!((user["role"].as_str(), user["originalLanguage"].as_str()), (Some("user"), Some("en")));
    assert_eq!(reply["role"], "assistant");
    assert_eq!(reply["replyToMessageId"], user["messageId"]);
    assert_eq!(reply["llmMetadata"]["provider"], "local");
    assert!(!reply["content"].as_str().unwrap().is_empty());
    let second = exchange(&app, &token, &id, "Can I park at the clinic?").await;
    let stored = messages(&app, &token, &id).await;
    let order: Vec<&Value> = stored.iter().map(|m| &m["messageId"]).collect();
    let expected =
        [&first["userMessage"], &first["assistantMessage"], &second["userMessage"], &second["assistantMessage"]];
    assert_eq!(order, expected.map(|m| &m["messageId"]));
    let c = conversation(&app, &token, &id).await;
    let tokens: i64 =
        [&first, &second].iter().map(|e| e["assistantMessage"]["llmMetadata"]["tokenCount"].as_i64().unwrap()).sum();
    assert_eq!((c["messageCount"].as_i64(), c["totalTokens"].as_i64()), (Some(4), Some(tokens)));
    assert_eq!(c["lastMessageAt"], second["assistantMessage"]["timestamp"]);
    assert!(c["avgResponseTime"].as_f64().is_some());
    let summarized = app.send(app.post(&format!("{CONVERSATIONS}/{id}/summary"), Some(&token), &json!({}))).await;
    let summarized = expect_json(summarized, 200).await;
    assert!(summarized["title"].as_str().is_some_and(|t| !t.is_empty()), "offline title: {summarized}");
    assert!(summarized["summary"].as_str().is_some_and(|s| !s.is_empty()));
}

#[actix_web::test]
async fn gemini_replies_with_its_usage_and_the_history_as_context() {
    let fake = gemini::start(HOURS).await;
    let Some(app) = chat_app(&gemini::env(&fake)).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    let reply = exchange(&app, &token, &id, "When are you open?").await["assistantMessage"].clone();
    let llm = &reply["llmMetadata"];
    assert_eq!((llm["provider"].as_str(), llm["model"].as_str()), (Some("gemini"), Some(gemini::MODEL)));
    let words = i64::try_from(HOURS.split_whitespace().count()).unwrap();
    assert_eq!(llm["promptTokens"].as_i64(), Some(i64::from(gemini::PROMPT_TOKENS)));
    assert_eq!(llm["completionTokens"].as_i64(), Some(words));
    assert_eq!(llm["thinkingTokens"].as_i64(), Some(i64::from(gemini::THOUGHTS_TOKENS)));
    assert_eq!(llm["cachedTokens"].as_i64(), Some(i64::from(gemini::CACHED_TOKENS)));
    let total = i64::from(gemini::PROMPT_TOKENS + gemini::THOUGHTS_TOKENS) + words;
    assert_eq!(llm["tokenCount"].as_i64(), Some(total));
    assert!(llm["temperature"].is_number() && llm["responseTime"].is_number());
    assert_eq!(conversation(&app, &token, &id).await["totalTokens"].as_i64(), Some(total));

    exchange(&app, &token, &id, "And on Saturday?").await;
    let contents = |i: usize| fake.requests()[i].body["contents"].as_array().unwrap().len();
    assert_eq!((contents(0), contents(1)), (1, 3), "the second call carries the first exchange");
    // Without context retention only the new message goes out.
    prefer(&app, &token, "gemini", false, "en").await;
    exchange(&app, &token, &id, "And on Sunday?").await;
    assert_eq!(contents(2), 1);
}

#[actix_web::test]
async fn the_preferred_provider_answers() {
    let (g, q) = (gemini::start(HOURS).await, groq::start("Groq here.").await);
    let Some(app) = chat_app(&[gemini::env(&g), groq::env(&q)].concat()).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    prefer(&app, &token, "groq", true, "en").await;
    let reply = exchange(&app, &token, &id, "Hello").await["assistantMessage"].clone();
    assert_eq!(
        (reply["llmMetadata"]["provider"].as_str(), reply["content"].as_str()),
        (Some("groq"), Some("Groq here."))
    );
    assert_eq!((g.count(), q.count()), (0, 1));
}

#[actix_web::test]
async fn an_emergency_gets_the_safety_reply_without_any_provider_and_is_flagged() {
    let fake = gemini::start(HOURS).await;
    let Some(app) = chat_app(&gemini::env(&fake)).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    let answered = exchange(&app, &token, &id, "I have chest pain and my left arm feels numb").await;
    let (user, reply) = (&answered["userMessage"], &answered["assistantMessage"]);
    assert_eq!(user["flag"]["reason"], "chest_pain");
    assert!(reply["content"].as_str().unwrap().contains("emergency"));
    assert!(reply["llmMetadata"].is_null());
    assert_eq!(fake.count(), 0, "no provider call");
    let french = exchange(&app, &token, &id, "J'ai une douleur thoracique").await;
    assert!(french["assistantMessage"]["content"].as_str().unwrap().contains("urgence"));

    expect_problem(app.send(app.get("/api/v1/chat/flagged-messages", Some(&token))).await, 403, "forbidden").await;
    let admin = app.admin_token().await;
    let flagged = expect_json(app.send(app.get("/api/v1/chat/flagged-messages", Some(&admin))).await, 200).await;
    let flagged_ids: Vec<&Value> = flagged["items"].as_array().unwrap().iter().map(|m| &m["messageId"]).collect();
    assert_eq!(flagged_ids, [&french["userMessage"]["messageId"], &user["messageId"]]);
    assert_eq!(conversation(&app, &token, &id).await["messageCount"], 4);
}

#[actix_web::test]
async fn a_provider_failure_keeps_the_users_message() {
    let fake = gemini::start(HOURS).await;
    fake.script([error(503), error(503), error(503)]);
    let Some(app) = chat_app(&gemini::env(&fake)).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    expect_problem(say(&app, &token, &id, "Are you open today?").await, 503, "assistant_unavailable").await;
    let stored = messages(&app, &token, &id).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0]["role"].as_str(), stored[0]["content"].as_str()),
        (Some("user"), Some("Are you open today?"))
    );
    assert_eq!(conversation(&app, &token, &id).await["messageCount"], 1);
    assert_eq!(fake.count(), 3, "three attempts");
}

#[actix_web::test]
async fn rate_limits_are_retried_and_server_errors_fall_back_to_the_other_provider() {
    let (g, q) = (gemini::start(HOURS).await, groq::start("Groq answers.").await);
    let Some(app) = chat_app(&[gemini::env(&g), groq::env(&q)].concat()).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    g.script([Reply::Error { status: 429, message: "slow down".into(), retry_after: None }]);
    let retried = exchange(&app, &token, &id, "Hello").await;
    assert_eq!(retried["assistantMessage"]["llmMetadata"]["provider"], "gemini");
    assert_eq!((g.count(), q.count()), (2, 0));
    g.script([error(500), error(502), error(500)]);
    let fell_back = exchange(&app, &token, &id, "Hello again").await;
    assert_eq!(fell_back["assistantMessage"]["llmMetadata"]["provider"], "groq");
    assert_eq!((g.count(), q.count()), (5, 1));
}

#[actix_web::test]
async fn timeouts_and_malformed_answers_are_gateway_problems() {
    let fake = gemini::start(HOURS).await;
    let settings = [
        gemini::env(&fake),
        vec![
            ("CARECHAT_CHAT__GEMINI__TIMEOUT_MS".into(), "300".into()),
            ("CARECHAT_CHAT__RETRY__MAX_ATTEMPTS".into(), "1".into()),
        ],
    ]
    .concat();
    let Some(app) = chat_app(&settings).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    fake.script([Reply::Hang]);
    expect_problem(say(&app, &token, &id, "Hello?").await, 504, "assistant_timeout").await;
    fake.script([Reply::Malformed]);
    expect_problem(say(&app, &token, &id, "Hello??").await, 502, "assistant_bad_gateway").await;
    assert_eq!(messages(&app, &token, &id).await.len(), 2, "both user messages stay");
}

#[actix_web::test]
async fn users_edit_their_own_messages_with_a_history() {
    let Some(app) = chat_app(&[]).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    let sent = exchange(&app, &token, &id, "Do you have parkng?").await;
    let path = |m: &Value| format!("{CONVERSATIONS}/{id}/messages/{}", m["messageId"].as_str().unwrap());
    let user_path = path(&sent["userMessage"]);
    let body = json!({"content": "Do you have parking?", "reason": "typo"});
    let edited = expect_json(app.send(app.patch(&user_path, Some(&token), &body)).await, 200).await;
    assert_eq!(edited["content"], "Do you have parking?");
    assert_eq!(edited["editHistory"][0]["oldContent"], "Do you have parkng?");
    assert_eq!(edited["editHistory"][0]["reason"], "typo");
    let stored = messages(&app, &token, &id).await;
    assert_eq!(stored[0]["editHistory"].as_array().unwrap().len(), 1);
    let reply_path = path(&sent["assistantMessage"]);
    let refused = app.send(app.patch(&reply_path, Some(&token), &body)).await;
    expect_problem(refused, 403, "message_not_editable").await;
    let unknown = format!("{CONVERSATIONS}/{id}/messages/{}", uuid::Uuid::now_v7());
    expect_problem(app.send(app.patch(&unknown, Some(&token), &body)).await, 404, "message_not_found").await;
    let empty = json!({"content": "x", "reason": ""});
    expect_problem(app.send(app.patch(&user_path, Some(&token), &empty)).await, 422, "validation_failed").await;
}

#[actix_web::test]
async fn translations_are_cached_and_need_a_network_provider() {
    let fake = gemini::start(HOURS).await;
    let Some(app) = chat_app(&gemini::env(&fake)).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    let sent = exchange(&app, &token, &id, "When are you open?").await;
    let message = sent["assistantMessage"]["messageId"].as_str().unwrap().to_owned();
    let path = format!("{CONVERSATIONS}/{id}/messages/{message}/translate");
    fake.script([Reply::Answer("Nous sommes ouverts de 8h à 19h en semaine.".into())]);
    let before = fake.count();
    let translated = expect_json(app.send(app.post(&path, Some(&token), &json!({"language": "fr"}))).await, 200).await;
    assert_eq!(translated["translatedContent"]["fr"], "Nous sommes ouverts de 8h à 19h en semaine.");
    let again = expect_json(app.send(app.post(&path, Some(&token), &json!({"language": "fr"}))).await, 200).await;
    assert_eq!(again["translatedContent"], translated["translatedContent"]);
    assert_eq!(fake.count(), before + 1, "the second translation comes from the cache");
    assert_eq!(messages(&app, &token, &id).await[1]["translatedContent"]["fr"], translated["translatedContent"]["fr"]);
    let bad = app.post(&path, Some(&token), &json!({"language": "French!"}));
    expect_problem(app.send(bad).await, 422, "validation_failed").await;

    let Some(offline) = chat_app(&[]).await else { return };
    let (token, id) = patient_in_conversation(&offline, "chat").await;
    let sent = exchange(&offline, &token, &id, "When are you open?").await;
    let message = sent["assistantMessage"]["messageId"].as_str().unwrap();
    let path = format!("{CONVERSATIONS}/{id}/messages/{message}/translate");
    let refused = offline.send(offline.post(&path, Some(&token), &json!({"language": "fr"}))).await;
    expect_problem(refused, 422, "not_available_offline").await;
}

#[actix_web::test]
async fn replies_in_another_language_are_translated_for_the_user() {
    let fake = gemini::start(HOURS).await;
    let Some(app) = chat_app(&gemini::env(&fake)).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    prefer(&app, &token, "gemini", true, "fr").await;
    fake.script([Reply::Answer(HOURS.into()), Reply::Answer("Nous sommes ouverts de 8h à 19h.".into())]);
    let reply = exchange(&app, &token, &id, "Quand êtes-vous ouverts ?").await["assistantMessage"].clone();
    assert_eq!((reply["content"].as_str(), reply["originalLanguage"].as_str()), (Some(HOURS), Some("en")));
    assert_eq!(reply["translatedContent"]["fr"], "Nous sommes ouverts de 8h à 19h.");
    // A failed translation leaves the reply as it is.
    fake.script([Reply::Answer(HOURS.into()), error(400)]);
    let reply = exchange(&app, &token, &id, "Et le samedi ?").await["assistantMessage"].clone();
    assert_eq!(reply["content"], HOURS);
    assert!(reply["translatedContent"].as_object().unwrap().is_empty());
}

#[actix_web::test]
async fn titles_and_summaries_on_demand_and_every_n_messages() {
    let fake = gemini::start(HOURS).await;
    let every_two = [gemini::env(&fake), vec![("CARECHAT_CHAT__SUMMARY_EVERY_MESSAGES".into(), "2".into())]].concat();
    let Some(app) = chat_app(&every_two).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    let summary = r#"{"title": "Opening hours", "summary": "The patient asked when the clinic opens."}"#;
    fake.script([Reply::Answer(HOURS.into()), Reply::Answer(summary.into())]);
    exchange(&app, &token, &id, "When are you open?").await;
    let mut refreshed = Value::Null;
    for _ in 0..50 {
        refreshed = conversation(&app, &token, &id).await;
        if refreshed["summary"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(refreshed["title"], "Opening hours", "the automatic summary fills a missing title");
    assert_eq!(refreshed["summary"], "The patient asked when the clinic opens.");
    let renamed = r#"{"title": "Clinic hours", "summary": "Hours, asked twice."}"#;
    fake.script([Reply::Answer(renamed.into())]);
    let path = format!("{CONVERSATIONS}/{id}/summary");
    let on_demand = expect_json(app.send(app.post(&path, Some(&token), &json!({}))).await, 200).await;
    assert_eq!(
        (on_demand["title"].as_str(), on_demand["summary"].as_str()),
        (Some("Clinic hours"), Some("Hours, asked twice."))
    );
    fake.script([Reply::Malformed]);
    expect_problem(app.send(app.post(&path, Some(&token), &json!({}))).await, 502, "assistant_bad_gateway").await;
}

#[cfg(feature = "track1")]
#[actix_web::test]
async fn feedback_messages_are_analysed() {
    let Some(app) = chat_app(&[]).await else { return };
    let (token, id) = patient_in_conversation(&app, "feedback").await;
    let sent = exchange(&app, &token, &id, "The nurse was rude and I waited three hours. Terrible service.").await;
    let analysis = &sent["userMessage"]["feedbackAnalysis"];
    assert_eq!(sent["userMessage"]["contentType"], "feedback");
    assert_eq!(analysis["sentiment"], "negative");
    assert!(analysis["topics"].as_array().is_some_and(|t| !t.is_empty()), "{analysis}");
    assert_eq!(messages(&app, &token, &id).await[0]["feedbackAnalysis"], *analysis);
}

#[actix_web::test]
async fn the_context_stays_within_the_configured_budget() {
    let fake = gemini::start(HOURS).await;
    let budget = [gemini::env(&fake), vec![("CARECHAT_CHAT__MAX_CONTEXT_MESSAGES".into(), "2".into())]].concat();
    let Some(app) = chat_app(&budget).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    for question in ["One?", "Two?", "Three?"] {
        exchange(&app, &token, &id, question).await;
    }
    let last = &fake.requests()[2].body["contents"];
    let texts: Vec<&str> = last.as_array().unwrap().iter().map(|c| c["parts"][0]["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Two?", HOURS, "Three?"], "the two newest history messages, then the question");
}

#[actix_web::test]
async fn messages_posted_at_once_all_count() {
    let Some(app) = chat_app(&[]).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    let posts = (0..6).map(|i| say(&app, &token, &id, if i % 2 == 0 { "Opening hours?" } else { "Parking?" }));
    for response in futures_util::future::join_all(posts).await {
        assert_eq!(response.status(), 201);
    }
    let c = conversation(&app, &token, &id).await;
    let stored = messages(&app, &token, &id).await;
    assert_eq!((c["messageCount"].as_i64(), stored.len()), (Some(12), 12));
    let tokens: i64 = stored.iter().filter_map(|m| m["llmMetadata"]["tokenCount"].as_i64()).sum();
    assert_eq!(c["totalTokens"].as_i64(), Some(tokens));
}

#[actix_web::test]
async fn a_message_keeps_where_it_was_written_from_which_must_be_an_object() {
    let Some(app) = chat_app(&[]).await else { return };
    let (token, id) = patient_in_conversation(&app, "chat").await;
    let path = format!("{CONVERSATIONS}/{id}/messages");
    let context = json!({"location": "ward 3", "device": "android", "sessionData": {"screen": "chat", "step": 2}});
    let sent = app.post(&path, Some(&token), &json!({"content": "What are your opening hours?", "context": context}));
    let sent = expect_json(app.send(sent).await, 201).await;
    assert_eq!(sent["userMessage"]["context"], context);
    let not_objects =
        [json!({"sessionData": "d"}), json!({"sessionData": 3}), json!({"sessionData": [1]}), json!(["x"])];
    for context in not_objects {
        let body = json!({"content": "Hello", "context": context});
        expect_problem(app.send(app.post(&path, Some(&token), &body)).await, 422, "validation_failed").await;
    }
    let stored = messages(&app, &token, &id).await;
    assert_eq!(stored.len(), 2, "a refused message is not stored");
    assert_eq!(stored[0]["context"], context);
}
