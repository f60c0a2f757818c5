//! Chat messages posted through the API (offline provider) come back as `messages_sent`,
//! `provider_latency_ms` and `provider_tokens` series.

use serde_json::json;

use crate::{
    analytics::{series_until, total_count},
    helpers::expect_json,
    track2::{chat_app, id_of, say, start},
};

#[actix_web::test]
async fn messages_and_provider_answers_read_back_as_series() {
    let env = [("CARECHAT_ANALYTICS__FLUSH_INTERVAL_MS".to_owned(), "50".to_owned())];
    let Some(app) = chat_app(&env).await else { return };
    let (token, _, _) = app.register_patient().await;
    let id = id_of(&start(&app, &token, json!({"conversationType": "chat"})).await);
    let mut tokens = 0;
    for text in ["What are your opening hours?", "Can I park at the clinic?"] {
        let exchange = expect_json(say(&app, &token, &id, text).await, 201).await;
        tokens += exchange["assistantMessage"]["llmMetadata"]["tokenCount"].as_i64().unwrap();
    }
    let admin = app.admin_token().await;

    let sent =
        series_until(&app, &admin, "metric=messages_sent&period=day&trackOrigin=track2", |p| total_count(p) == 4).await;
    assert_eq!(sent["points"][0]["sum"].as_f64(), Some(4.0));
    let replies = "metric=messages_sent&period=hour&userSegment=assistant";
    series_until(&app, &admin, replies, |p| total_count(p) == 2).await;

    let usage =
        series_until(&app, &admin, "metric=provider_tokens&period=month&department=local", |p| total_count(p) == 2)
            .await;
    #[allow(clippy::cast_precision_loss)]
    let expected = tokens as f64;
    assert_eq!(usage["points"][0]["sum"].as_f64(), Some(expected));
    let latency = series_until(&app, &admin, "metric=provider_latency_ms&period=minute&department=local", |p| {
        total_count(p) == 2
    })
    .await;
    assert_eq!(latency["unit"], "ms");
    assert!(latency["points"].as_array().unwrap().iter().all(|p| p["min"].as_f64().unwrap() >= 0.0));
}
