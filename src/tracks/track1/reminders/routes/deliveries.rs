//! A reminder's deliveries, the patient's acknowledgement, and the in-app inbox (list and a
//! server-sent-events stream of new items).

use std::{collections::HashSet, time::Duration};

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use futures_util::stream;
use tokio::sync::broadcast::{error::RecvError, Receiver};
use uuid::Uuid;

use crate::{
    gateway::{
        error::{ApiResult, FieldViolation, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{domain::UserId, dto::page_request, error::IdentityError, guard::AuthUser, Identity},
    },
    tracks::track1::{
        reminders::{
            domain::{
                delivery::{Delivery, DeliveryId},
                inbox::InboxItem,
                ReminderId,
            },
            dto::deliveries::{
                DeliveryAcknowledgeRequest, DeliveryPage, DeliveryPageQuery, DeliverySnoozeRequest, DeliveryView,
                ReminderInboxItem, ReminderInboxPage,
            },
            error::ReminderError,
            rules::snooze::snooze_until,
            service::{self, deliveries},
            store::{DeliveryFilter, InboxStore},
        },
        Track1,
    },
};

/// How often a connected stream also asks the store, for items other instances delivered.
const STREAM_POLL: Duration = Duration::from_secs(2);

/// Registers the delivery and inbox routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(inbox).service(inbox_stream).service(acknowledge).service(snooze).service(reminder_deliveries);
}

/// A reminder's deliveries, latest scheduled first.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Reminder id"), DeliveryPageQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = DeliveryPage),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another patient's reminder", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reminder", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/{id}/deliveries")]
async fn reminder_deliveries(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: ValidatedQuery<DeliveryPageQuery>,
) -> ApiResult<web::Json<DeliveryPage>> {
    let r = service::get(t1.reminders.stores.reminders.as_ref(), ReminderId(*id)).await?;
    let resource = format!("reminders/{}/deliveries", r.id.0);
    caller
        .authorize_record(r.user_id, identity.stores.audit.as_ref(), "reminder.deliveries.read", &resource)
        .await
        .map_err(ReminderError::from)?;
    let page = page_request(query.0.page, query.0.per_page);
    let filter = DeliveryFilter { reminder_id: Some(r.id), ..DeliveryFilter::default() };
    let found = deliveries::list(t1.reminders.stores.deliveries.as_ref(), &filter, page).await?;
    Ok(web::Json(DeliveryPage::of(found, page.page, page.per_page)))
}

/// The patient acknowledges a delivery (their own): the response time is measured by the
/// server; acknowledging again changes nothing.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Delivery id")),
    request_body = DeliveryAcknowledgeRequest,
    responses(
        (status = 200, description = "Acknowledged", body = DeliveryView),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the patient's delivery", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not sent yet, or failed (`illegal_delivery_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answer", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/deliveries/{id}/acknowledge")]
async fn acknowledge(
    t1: web::Data<Track1>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<DeliveryAcknowledgeRequest>,
) -> ApiResult<web::Json<DeliveryView>> {
    let d = own_delivery(&t1, &caller, *id).await?;
    let store = t1.reminders.stores.deliveries.as_ref();
    let d = deliveries::acknowledge(store, d, body.0, t1.reminders.engine.clock().now()).await?;
    Ok(web::Json(d.into()))
}

/// The patient snoozes a delivery (their own): the same message goes out again on the same
/// channel after `minutes`, as a new delivery.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Delivery id")),
    request_body = DeliverySnoozeRequest,
    responses(
        (status = 201, description = "The delivery that will follow", body = DeliveryView),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the patient's delivery", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not sent yet, or acknowledged (`illegal_delivery_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Snooze out of range", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/deliveries/{id}/snooze")]
async fn snooze(
    t1: web::Data<Track1>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<DeliverySnoozeRequest>,
) -> ApiResult<HttpResponse> {
    let stores = &t1.reminders.stores;
    let d = own_delivery(&t1, &caller, *id).await?;
    let reminder = service::get(stores.reminders.as_ref(), d.reminder_id).await?;
    let now = t1.reminders.engine.clock().now();
    let until = snooze_until(now, body.0.minutes).map_err(|e| {
        let message = e.to_string();
        ReminderError::Invalid(vec![FieldViolation { pointer: "/minutes".into(), code: "range".into(), message }])
    })?;
    let next = deliveries::snooze(stores.deliveries.as_ref(), &reminder, &d, until, now).await?;
    Ok(HttpResponse::Created().json(DeliveryView::from(next)))
}

/// The caller's own delivery; anyone else's is refused.
async fn own_delivery(t1: &Track1, caller: &AuthUser, id: Uuid) -> ApiResult<Delivery> {
    let d = deliveries::get(t1.reminders.stores.deliveries.as_ref(), DeliveryId(id)).await?;
    if d.user_id != caller.id {
        return Err(ReminderError::from(IdentityError::Forbidden("only the patient answers their reminders")).into());
    }
    Ok(d)
}

/// The caller's in-app inbox, newest first.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(DeliveryPageQuery),
    responses(
        (status = 200, description = "A page of inbox messages", body = ReminderInboxPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/inbox")]
async fn inbox(
    t1: web::Data<Track1>,
    caller: AuthUser,
    query: ValidatedQuery<DeliveryPageQuery>,
) -> ApiResult<web::Json<ReminderInboxPage>> {
    let page = page_request(query.0.page, query.0.per_page);
    let found = t1.reminders.stores.inbox.list(caller.id, page).await.map_err(ReminderError::from)?;
    let items = found.items.into_iter().map(Into::into).collect();
    Ok(web::Json(ReminderInboxPage { items, page: page.page, per_page: page.per_page, total: found.total }))
}

/// New inbox messages as they arrive (`text/event-stream`, one `reminder` event per message,
/// its data a `ReminderInboxItem`). Messages delivered by this instance arrive at once, others
/// within a few seconds.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "An endless event stream of ReminderInboxItem", content_type = "text/event-stream", body = String),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/inbox/stream")]
async fn inbox_stream(t1: web::Data<Track1>, caller: AuthUser) -> HttpResponse {
    let watch = Watch {
        user: caller.id,
        since: t1.reminders.engine.clock().now(),
        rx: t1.reminders.hub.subscribe(),
        store: t1.reminders.stores.inbox.clone(),
        seen: HashSet::new(),
        queue: Vec::new(),
        poll: tokio::time::interval(STREAM_POLL),
    };
    let events = stream::unfold(watch, |mut w| async move {
        let item = w.next().await;
        Some((Ok::<_, actix_web::Error>(web::Bytes::from(sse(&item))), w))
    });
    HttpResponse::Ok().content_type("text/event-stream").insert_header(("cache-control", "no-cache")).streaming(events)
}

fn sse(item: &InboxItem) -> String {
    let data = serde_json::to_string(&ReminderInboxItem::from(item.clone())).unwrap_or_default();
    format!("event: reminder\nid: {}\ndata: {data}\n\n", item.id)
}

/// One client's view of its inbox: the live broadcast plus a periodic store poll.
struct Watch {
    user: UserId,
    since: DateTime<Utc>,
    rx: Receiver<InboxItem>,
    store: std::sync::Arc<dyn InboxStore>,
    seen: HashSet<Uuid>,
    queue: Vec<InboxItem>,
    poll: tokio::time::Interval,
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
