//! The staff side: the review queue, review steps (audited) and the notifications a session
//! raised. Staff roles only (staff, lab, admin); patients get 403.

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    config::ClinicSettings,
    gateway::{
        error::{ApiResult, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{dto::page_request, guard::AuthUser, Identity},
    },
    tracks::track1::{
        analytics::{AnalyticsQuery, GroupBy, Period},
        domain::{QueueFilter, SessionId, StaffNotification},
        dto::{AnalyticsParams, AnalyticsReport, QueueQuery, ReviewRequest, SessionPage, SessionView},
        service, Track1,
    },
};

/// Registers the staff routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(review_queue).service(review_session).service(session_notifications).service(analytics);
}

/// Submitted sessions to review, most escalated first, then oldest first.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "A page of the queue", body = SessionPage),
        (status = 403, description = "Not a staff role", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/review-queue")]
async fn review_queue(
    t1: web::Data<Track1>,
    caller: AuthUser,
    query: ValidatedQuery<QueueQuery>,
) -> ApiResult<web::Json<SessionPage>> {
    caller.require_staff()?;
    let q = query.0;
    let page = page_request(q.page, q.per_page);
    let filter =
        QueueFilter { department: q.department, review_status: q.status, urgency: q.urgency, from: q.from, to: q.to };
    let found = service::queue(t1.stores.sessions.as_ref(), &filter, page).await?;
    Ok(web::Json(SessionPage::of(found, page.page, page.per_page)))
}

/// Moves a submitted session's review one step (pending → reviewed → acted_upon), with the
/// staff member in charge and notes; audited. Any other step is 409.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "Reviewed", body = SessionView),
        (status = 403, description = "Not a staff role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal step", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/{id}/review")]
async fn review_session(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<ReviewRequest>,
) -> ApiResult<web::Json<SessionView>> {
    caller.require_staff()?;
    let sessions = t1.stores.sessions.as_ref();
    let session = service::get_session(sessions, SessionId(*id)).await?;
    let owner = session.user_id;
    let b = body.0;
    let session = service::review(sessions, session, b.review_status, b.assigned_to, b.notes).await?;
    let action = format!("feedback.review.{}", b.review_status.as_str());
    caller.audit(identity.stores.audit.as_ref(), &action, Some(owner), &format!("feedback_sessions/{}", *id)).await?;
    Ok(web::Json(session.into()))
}

/// A notification raised for staff.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    /// Id.
    pub notification_id: Uuid,
    /// What happened (`feedback_escalation`).
    pub kind: String,
    /// The session concerned.
    pub session_id: Uuid,
    /// Escalation level (2–3).
    pub level: u8,
    /// Raised.
    pub created_at: DateTime<Utc>,
    /// Consumed by the notification work.
    pub consumed_at: Option<DateTime<Utc>>,
}

impl From<StaffNotification> for NotificationView {
    fn from(n: StaffNotification) -> Self {
        Self {
            notification_id: n.id,
            kind: n.kind,
            session_id: n.session_id.0,
            level: n.level,
            created_at: n.created_at,
            consumed_at: n.consumed_at,
        }
    }
}

/// The staff notifications a session raised on submit (staff roles).
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 200, description = "Oldest first", body = [NotificationView]),
        (status = 403, description = "Not a staff role", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/sessions/{id}/notifications")]
async fn session_notifications(
    t1: web::Data<Track1>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<NotificationView>>> {
    caller.require_staff()?;
    let found = t1
        .stores
        .sessions
        .notifications(SessionId(*id))
        .await
        .map_err(crate::tracks::track1::error::Track1Error::from)?;
    Ok(web::Json(found.into_iter().map(Into::into).collect()))
}

/// NPS (promoters 9–10 minus detractors 0–6), average rating, sentiment distribution, top
/// topics, response and completion rates per department or session type and per day, ISO week
/// or month in the clinic's time zone (`[clinic] time_zone`; staff roles). Groups of fewer than 30 submitted sessions are flagged thin.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(AnalyticsParams),
    responses(
        (status = 200, description = "The groups", body = AnalyticsReport),
        (status = 403, description = "Not a staff role", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/analytics")]
async fn analytics(
    t1: web::Data<Track1>,
    caller: AuthUser,
    clinic: web::Data<ClinicSettings>,
    query: ValidatedQuery<AnalyticsParams>,
) -> ApiResult<web::Json<AnalyticsReport>> {
    caller.require_staff()?;
    let q = query.0;
    let query = AnalyticsQuery {
        group_by: q.group_by.unwrap_or(GroupBy::Department),
        period: q.period.unwrap_or(Period::Month),
        from: q.from,
        to: q.to,
        time_zone: clinic.time_zone,
    };
    let groups = service::analytics(t1.stores.sessions.as_ref(), &query).await?;
    Ok(web::Json(AnalyticsReport {
        group_by: query.group_by,
        period: query.period,
        time_zone: query.time_zone.name().to_owned(),
        groups,
    }))
}
