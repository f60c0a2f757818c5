//! The live inbox: new in-app reminders as server-sent events. A connection lasts at most
//! `timeoutSecs` (browsers' `EventSource` reconnects by itself, after the `retry` delay, and
//! sends `Last-Event-ID`, from which the stream resumes), so no connection is held forever.
//! Items sent by this instance arrive at once through the [`InboxHub`]; those sent by other
//! instances sharing the database, within [`STREAM_POLL`].
//!
//! [`InboxHub`]: crate::tracks::track1::reminders::engine::InboxHub

use std::{collections::HashSet, sync::Arc, time::Duration};

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::stream;
use serde::Deserialize;
use tokio::{
    sync::broadcast::{error::RecvError, Receiver},
    time::Instant,
};
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

use crate::{
    gateway::{
        error::{ApiResult, Problem},
        extract::ValidatedQuery,
        identity::{domain::UserId, guard::AuthUser},
    },
    tracks::track1::{
        reminders::{domain::inbox::InboxItem, dto::deliveries::ReminderInboxItem, store::InboxStore},
        Track1,
    },
};

/// How often a connected stream also asks the store, for items other instances delivered.
const STREAM_POLL: Duration = Duration::from_secs(2);

/// Registers the stream route (before `/{id}`).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(inbox_stream);
}

/// How long one connection lasts.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxStreamQuery {
    /// Seconds before the server closes the stream, 1–60 (default 30); clients reconnect.
    #[validate(range(min = 1, max = 60))]
    #[param(minimum = 1, maximum = 60)]
    pub timeout_secs: Option<u32>,
}

/// New inbox messages as they arrive (`text/event-stream`): one `reminder` event per message,
/// its `data` a `ReminderInboxItem` and its `id` the message's arrival time, which a
/// reconnecting client sends back as `Last-Event-ID` to get what arrived meanwhile.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(
        InboxStreamQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id (an RFC 3339 time)")
    ),
    responses(
        (status = 200, description = "Server-sent events, each a ReminderInboxItem, until the timeout", content_type = "text/event-stream", body = String),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Timeout out of range", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/inbox/stream")]
async fn inbox_stream(
    t1: web::Data<Track1>,
    caller: AuthUser,
    req: HttpRequest,
    query: ValidatedQuery<InboxStreamQuery>,
) -> ApiResult<HttpResponse> {
    let resume = req
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
        .map(|at| at.with_timezone(&Utc));
    let seconds = query.0.timeout_secs.unwrap_or(30);
    let watch = Watch {
        user: caller.id,
        since: resume.unwrap_or_else(|| t1.reminders.engine.clock().now()),
        rx: t1.reminders.hub.subscribe(),
        store: t1.reminders.stores.inbox.clone(),
        seen: HashSet::new(),
        queue: Vec::new(),
        poll: tokio::time::interval(STREAM_POLL),
        deadline: Instant::now() + Duration::from_secs(u64::from(seconds)),
    };
    let preamble = stream::iter([Ok::<_, actix_web::Error>(web::Bytes::from_static(b"retry: 1000\n\n"))]);
    let events = stream::unfold(watch, |mut w| async move {
        let item = tokio::time::timeout_at(w.deadline, w.next()).await.ok()?;
        Some((Ok(web::Bytes::from(sse(&item))), w))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .streaming(futures_util::StreamExt::chain(preamble, events)))
}

fn sse(item: &InboxItem) -> String {
    let data = serde_json::to_string(&ReminderInboxItem::from(item.clone())).unwrap_or_default();
    let id = item.created_at.to_rfc3339_opts(SecondsFormat::Millis, true);
    format!("event: reminder\nid: {id}\ndata: {data}\n\n")
}

/// One client's view of its inbox: the live broadcast plus a periodic store poll.
struct Watch {
    user: UserId,
    since: DateTime<Utc>,
    rx: Receiver<InboxItem>,
    store: Arc<dyn InboxStore>,
    seen: HashSet<Uuid>,
    queue: Vec<InboxItem>,
    poll: tokio::time::Interval,
    deadline: Instant,
}

impl Watch {
    async fn next(&mut self) -> InboxItem {
        loop {
            if let Some(item) = self.queue.pop() {
                if self.seen.insert(item.id) {
                    return item;
                }
                continue;
            }
            tokio::select! {
                got = self.rx.recv() => match got {
                    Ok(item) if item.user_id == self.user => self.queue.push(item),
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => std::future::pending::<()>().await,
                },
                _ = self.poll.tick() => {
                    if let Ok(mut items) = self.store.since(self.user, self.since, 100).await {
                        if let Some(last) = items.last() {
                            self.since = last.created_at;
                        }
                        items.reverse();
                        self.queue.extend(items);
                    }
                }
            }
        }
    }
}
