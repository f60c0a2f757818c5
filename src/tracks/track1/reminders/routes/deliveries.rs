//! A reminder's deliveries, the patient's acknowledgement and snooze, and the in-app inbox
//! list (its live stream is `stream.rs`).

use actix_web::{get, post, web, HttpResponse};
use uuid::Uuid;

use crate::{
    gateway::{
        error::{ApiResult, FieldViolation, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{dto::page_request, error::IdentityError, guard::AuthUser, Identity},
    },
    tracks::track1::{
        reminders::{
            domain::{
                delivery::{Delivery, DeliveryId},
                ReminderId,
            },
            dto::deliveries::{
                DeliveryAcknowledgeRequest, DeliveryPage, DeliveryPageQuery, DeliverySnoozeRequest, DeliveryView,
                ReminderInboxPage,
            },
            error::ReminderError,
            rules::snooze::snooze_until,
            service::{self, deliveries},
            store::DeliveryFilter,
        },
        Track1,
    },
};

/// Registers the delivery and inbox routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(inbox).service(acknowledge).service(snooze).service(reminder_deliveries);
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
