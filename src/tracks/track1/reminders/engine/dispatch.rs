//! Step 2: claim due deliveries, send each once, record the outcome (and retries).

use chrono::{DateTime, Utc};
use futures_util::{future::join_all, stream, StreamExt};
use serde_json::json;
use uuid::Uuid;

use super::{Engine, CONCURRENCY};
use crate::{
    gateway::identity::domain::UserId,
    storage::{StorageError, StoreResult},
    tracks::track1::reminders::{
        channels::{push::merge_device_outcomes, Channel, OutboundMessage, SendOutcome},
        domain::{
            delivery::{Delivery, DeliveryKind, ProviderReport},
            inbox::InboxItem,
            name_of, Reminder,
        },
        rules::{
            retry::RetryDecision,
            status::{transition, DeliveryEvent, DeliveryStatus},
            DeliveryMethod,
        },
        store::CounterDelta,
    },
};

pub(super) async fn run(engine: &Engine, now: DateTime<Utc>) -> StoreResult<u64> {
    let lease_until = now + engine.config.lease;
    let claimed = engine.stores.deliveries.claim(now, &engine.owner, lease_until, engine.config.batch_size).await?;
    let attempted = claimed.len() as u64;
    // Providers answer in tens or hundreds of milliseconds: send several at once.
    let sends = claimed.into_iter().map(|d| attempt(engine, d, now));
    let mut sends = stream::iter(sends).buffer_unordered(CONCURRENCY);
    while let Some(result) = sends.next().await {
        result?;
    }
    Ok(attempted)
}

/// One claimed delivery: sent and recorded; a lease lost meanwhile is logged, not an error.
async fn attempt(engine: &Engine, d: Delivery, now: DateTime<Utc>) -> StoreResult<()> {
    let id = d.id.0;
    let Some(reminder) = engine.stores.reminders.find(d.reminder_id).await? else { return Ok(()) };
    match send(engine, &reminder, d, now).await {
        // The lease lapsed and another instance took it over: its outcome stands.
        Err(StorageError::Conflict(e)) => {
            log::warn!("delivery {id}: {e}");
            Ok(())
        }
        other => other,
    }
}

/// Where a delivery goes: its own recipient (escalations) or the patient's preference — for
/// push, every device token of the patient (each once, in their order).
fn addresses(r: &Reminder, d: &Delivery) -> Vec<String> {
    if let Some(to) = &d.recipient {
        return vec![to.clone()];
    }
    let prefs = &r.delivery.preferences;
    match d.method {
        DeliveryMethod::Sms => prefs.sms.iter().filter(|p| p.enabled).map(|p| p.phone.clone()).collect(),
        DeliveryMethod::Email => prefs.email.iter().filter(|p| p.enabled).map(|p| p.address.clone()).collect(),
        DeliveryMethod::Push => {
            let mut tokens: Vec<String> = Vec::new();
            for token in prefs.push.iter().filter(|p| p.enabled).flat_map(|p| &p.device_tokens) {
                if !tokens.contains(token) {
                    tokens.push(token.clone());
                }
            }
            tokens
        }
        DeliveryMethod::InApp => vec![d.user_id.0.to_string()],
    }
}

/// Sends the message to each address at once (several only for push: FCM takes one token per
/// request) and merges the answers by the rule of [`merge_device_outcomes`] (one address: its
/// answer as is). Every request carries the delivery id, the push channel's idempotency key.
async fn fan_out(channel: &dyn Channel, d: &Delivery, to: Vec<String>, title: String, body: String) -> SendOutcome {
    let sends = to.into_iter().map(|to| {
        let message = OutboundMessage { delivery_id: d.id.0, to, title: title.clone(), body: body.clone() };
        async move {
            let outcome = channel.send(&message).await;
            (message.to, outcome)
        }
    });
    merge_device_outcomes(join_all(sends).await)
}

fn content(r: &Reminder, d: &Delivery) -> (String, String) {
    if d.kind != DeliveryKind::Escalation {
        return (r.title.clone(), r.message.clone());
    }
    let rule =
        r.smart_features.escalation_rules.iter().find(|rule| Some(rule.recipient.trim()) == d.recipient.as_deref());
    let action = rule.map_or_else(|| "follow up".to_owned(), |rule| name_of(&rule.action).replace('_', " "));
    let body = format!(
        "Patient {} has missed {} reminder(s) in a row: \"{}\" ({}). Action: {action}.",
        r.user_id.0,
        r.counters.missed_consecutive,
        r.title,
        name_of(&r.reminder_type)
    );
    (format!("Escalation: {}", r.title), body)
}

async fn send(engine: &Engine, r: &Reminder, mut d: Delivery, now: DateTime<Utc>) -> StoreResult<()> {
    let (title, body) = content(r, &d);
    let to = addresses(r, &d);
    let outcome = match (d.method, to.first()) {
        (DeliveryMethod::InApp, Some(user)) => in_app(engine, r, &d, user, title, body, now).await?,
        (method, Some(_)) => match engine.channels.get(method) {
            Some(channel) => fan_out(channel.as_ref(), &d, to, title, body).await,
            None => SendOutcome::failure(
                "none",
                "channel_not_configured",
                format!("{} is not configured", method.as_str()),
                false,
            ),
        },
        (method, None) => {
            SendOutcome::failure("none", "no_address", format!("no enabled {} address", method.as_str()), false)
        }
    };
    let delta = record(r, &mut d, &outcome, now);
    engine.stores.deliveries.finish_attempt(&d, &engine.owner, &delta).await
}

/// Stores the inbox item (once per delivery) and announces it.
async fn in_app(
    engine: &Engine,
    r: &Reminder,
    d: &Delivery,
    to: &str,
    title: String,
    message: String,
    now: DateTime<Utc>,
) -> StoreResult<SendOutcome> {
    let user = Uuid::parse_str(to).map_or(d.user_id, UserId);
    let item = InboxItem {
        id: Uuid::now_v7(),
        user_id: user,
        delivery_id: d.id,
        reminder_id: r.id,
        title,
        message,
        created_at: now,
        read_at: None,
    };
    if engine.stores.inbox.put(&item).await? {
        engine.hub.publish(item.clone());
    }
    Ok(SendOutcome {
        accepted: true,
        provider: "in_app",
        provider_message_id: Some(d.id.0.to_string()),
        provider_status: Some("delivered".into()),
        cost: Some(0.0),
        error_code: None,
        error_message: None,
        retryable: false,
        raw_response: json!({"inboxItemId": item.id}),
    })
}

/// Applies the outcome to `d` and returns what it adds to the reminder's analytics.
fn record(r: &Reminder, d: &mut Delivery, o: &SendOutcome, now: DateTime<Utc>) -> CounterDelta {
    d.provider = ProviderReport {
        name: Some(o.provider.to_owned()),
        message_id: o.provider_message_id.clone().or_else(|| d.provider.message_id.clone()),
        response: Some(o.raw_response.clone()),
        cost: o.cost,
        error_code: o.error_code.clone(),
        error_message: o.error_message.clone(),
    };
    d.lease = None;
    d.due_at = None;
    d.updated_at = now;
    if o.accepted {
        let delivered = d.method == DeliveryMethod::InApp;
        d.status = if delivered { DeliveryStatus::Delivered } else { DeliveryStatus::Sent };
        d.sent_at = Some(now);
        d.delivered_at = delivered.then_some(now);
        return CounterDelta { sent: 1, delivered: i64::from(delivered), ..CounterDelta::default() };
    }
    d.status = transition(DeliveryStatus::Sending, DeliveryEvent::Rejected).map_or(DeliveryStatus::Failed, |t| t.to);
    match r.delivery.retry_policy.after_failure(d.retry_count, now, o.retryable) {
        RetryDecision::Retry { at, retry_count, final_attempt } => {
            d.status = DeliveryStatus::Pending;
            d.retry_count = retry_count;
            d.next_retry_at = Some(at);
            d.due_at = Some(at);
            d.final_attempt = final_attempt;
        }
        RetryDecision::GiveUp => {
            d.final_attempt = true;
            d.next_retry_at = None;
        }
    }
    CounterDelta::default()
}
