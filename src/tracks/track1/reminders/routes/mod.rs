//! `/api/v1/reminders`: reminders (here), their deliveries, acknowledgement and the in-app
//! inbox (`deliveries.rs`). Patients reach their own reminders; staff roles reach any, and
//! their access to a patient's reminder is audited.

mod adherence;
mod callbacks;
mod deliveries;
mod stream;

use actix_web::{get, patch, post, web, HttpResponse};
use uuid::Uuid;

use crate::{
    gateway::{
        error::{ApiResult, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{dto::page_request, guard::AuthUser, Identity},
    },
    tracks::track1::{
        reminders::{
            domain::{Reminder, ReminderId, ReminderStatus},
            dto::{
                CreateReminderRequest, PreviewQuery, ReminderListQuery, ReminderPage, ReminderPreview, ReminderView,
                UpdateReminderRequest,
            },
            error::ReminderError,
            service,
            store::ReminderFilter,
        },
        Track1,
    },
};

/// Registers the reminder routes (fixed paths before `/{id}`).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(deliveries::configure)
        .configure(stream::configure)
        .configure(callbacks::configure)
        .configure(adherence::configure)
        .service(create_reminder)
        .service(list_reminders)
        .service(get_reminder)
        .service(update_reminder)
        .service(change_status)
        .service(preview_reminder);
}

/// The reminder, if the caller may reach it (staff access audited).
async fn reachable(t1: &Track1, identity: &Identity, caller: &AuthUser, id: Uuid, action: &str) -> ApiResult<Reminder> {
    let r = service::get(t1.reminders.stores.reminders.as_ref(), ReminderId(id)).await?;
    let resource = format!("reminders/{id}");
    caller
        .authorize_record(r.user_id, identity.stores.audit.as_ref(), action, &resource)
        .await
        .map_err(ReminderError::from)?;
    Ok(r)
}

/// Creates a reminder: staff for any patient (`userId`), a patient for themselves.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    request_body = CreateReminderRequest,
    responses(
        (status = 201, description = "Created", body = ReminderView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A patient naming another patient", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid reminder or schedule (every problem listed)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("")]
async fn create_reminder(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    body: ValidatedJson<CreateReminderRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.0;
    let patient = req.user_id.map_or(caller.id, crate::gateway::identity::domain::UserId);
    let resource = format!("reminders/for/{}", patient.0);
    caller
        .authorize_record(patient, identity.stores.audit.as_ref(), "reminder.create", &resource)
        .await
        .map_err(ReminderError::from)?;
    let now = t1.reminders.engine.clock().now();
    let r = service::create(t1.reminders.stores.reminders.as_ref(), patient, caller.id, req, now).await?;
    Ok(HttpResponse::Created().json(ReminderView::from(r)))
}

/// Reminders, newest first: a patient's own; staff any (optionally one patient's).
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(ReminderListQuery),
    responses(
        (status = 200, description = "A page of reminders", body = ReminderPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("")]
async fn list_reminders(
    t1: web::Data<Track1>,
    caller: AuthUser,
    query: ValidatedQuery<ReminderListQuery>,
) -> ApiResult<web::Json<ReminderPage>> {
    let q = query.0;
    let user_id =
        if caller.role.is_staff() { q.user_id.map(crate::gateway::identity::domain::UserId) } else { Some(caller.id) };
    let filter = ReminderFilter { user_id, status: q.status, reminder_type: q.reminder_type, category: q.category };
    let page = page_request(q.page, q.per_page);
    let found = service::list(t1.reminders.stores.reminders.as_ref(), &filter, page).await?;
    Ok(web::Json(ReminderPage::of(found, page.page, page.per_page)))
}

/// A reminder.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Reminder id")),
    responses(
        (status = 200, description = "The reminder", body = ReminderView),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another patient's reminder", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reminder", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/{id}")]
async fn get_reminder(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ReminderView>> {
    let r = reachable(&t1, &identity, &caller, *id, "reminder.read").await?;
    Ok(web::Json(r.into()))
}

/// Changes a reminder's content, schedule or settings (only the fields given).
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Reminder id")),
    request_body = UpdateReminderRequest,
    responses(
        (status = 200, description = "Saved", body = ReminderView),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another patient's reminder", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reminder", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Completed or cancelled, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid changes (every problem listed)", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/{id}")]
async fn update_reminder(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<UpdateReminderRequest>,
) -> ApiResult<web::Json<ReminderView>> {
    let r = reachable(&t1, &identity, &caller, *id, "reminder.update").await?;
    let now = t1.reminders.engine.clock().now();
    let r = service::update(t1.reminders.stores.reminders.as_ref(), r, body.0, caller.id, now).await?;
    Ok(web::Json(r.into()))
}

/// Pauses, resumes, completes or cancels a reminder (`action`: pause, resume, complete,
/// cancel). Completing or cancelling also cancels its pending deliveries.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Reminder id"),
        ("action" = String, Path, description = "pause, resume, complete or cancel", pattern = "^(pause|resume|complete|cancel)$")
    ),
    responses(
        (status = 200, description = "The reminder in its new status", body = ReminderView),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another patient's reminder", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reminder or action", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed from its current status (`illegal_status_transition`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/{id}/{action}")]
async fn change_status(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    path: web::Path<(Uuid, String)>,
) -> ApiResult<web::Json<ReminderView>> {
    let (id, action) = path.into_inner();
    let to = match action.as_str() {
        "pause" => ReminderStatus::Paused,
        "resume" => ReminderStatus::Active,
        "complete" => ReminderStatus::Completed,
        "cancel" => ReminderStatus::Cancelled,
        _ => {
            let detail = format!("no action `{action}`: use pause, resume, complete or cancel");
            return Err(crate::gateway::error::ApiError::new(
                actix_web::http::StatusCode::NOT_FOUND,
                "not_found",
                detail,
            ));
        }
    };
    let r = reachable(&t1, &identity, &caller, id, "reminder.status").await?;
    let now = t1.reminders.engine.clock().now();
    let r = service::set_status(t1.reminders.stores.reminders.as_ref(), r, to, caller.id, now).await?;
    Ok(web::Json(r.into()))
}

/// The next occurrences of a reminder's schedule, in UTC and local time.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Reminder id"), PreviewQuery),
    responses(
        (status = 200, description = "Upcoming occurrences", body = ReminderPreview),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another patient's reminder", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reminder", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid count", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/{id}/preview")]
async fn preview_reminder(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: ValidatedQuery<PreviewQuery>,
) -> ApiResult<web::Json<ReminderPreview>> {
    let r = reachable(&t1, &identity, &caller, *id, "reminder.read").await?;
    let count = query.0.count.unwrap_or(10) as usize;
    let (occurrences, local_times) = service::preview(&r, count, t1.reminders.engine.clock().now())?;
    Ok(web::Json(ReminderPreview { timezone: r.schedule.timezone.clone(), occurrences, local_times }))
}
