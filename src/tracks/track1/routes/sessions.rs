//! A patient's feedback sessions: start, answer, resume, submit, list and export their own.

use actix_web::{get, post, web, HttpResponse};
use uuid::Uuid;

use crate::{
    gateway::{
        error::{ApiResult, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{
            dto::page_request,
            error::IdentityError,
            guard::{Access, AuthUser},
            Identity,
        },
    },
    tracks::track1::{
        domain::{FeedbackSession, NewSession, SessionId},
        dto::{AnswerRequest, MineQuery, SessionPage, SessionView, StartSessionRequest},
        service, Track1,
    },
};

/// Registers the session routes (`/sessions/mine` before `/sessions/{id}`).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(start_session).service(my_sessions).service(get_session).service(answer).service(submit);
}

/// The caller's own session; anyone else's is refused (403).
async fn own_session(t1: &Track1, caller: &AuthUser, id: Uuid) -> ApiResult<FeedbackSession> {
    let session = service::get_session(t1.stores.sessions.as_ref(), SessionId(id)).await?;
    match caller.access_to(session.user_id)? {
        Access::Own => Ok(session),
        Access::Staff => Err(IdentityError::Forbidden("only the patient answers their own feedback").into()),
    }
}

/// Starts a feedback session on the questionnaire in force for its type and department.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    request_body = StartSessionRequest,
    responses(
        (status = 201, description = "Started", body = SessionView),
        (status = 404, description = "No questionnaire for this session type, department and language (`template_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions")]
async fn start_session(
    t1: web::Data<Track1>,
    caller: AuthUser,
    body: ValidatedJson<StartSessionRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let new = NewSession {
        user_id: caller.id,
        session_type: b.session_type,
        department: b.department,
        conversation_id: b.conversation_id,
        visit_date: b.visit_date,
        visit_type: b.visit_type,
        language: b.language.unwrap_or_else(|| "en".to_owned()),
        accessibility_features: b
            .accessibility_features
            .unwrap_or_default()
            .iter()
            .map(|f| f.as_str().to_owned())
            .collect(),
    };
    let session = service::start_session(t1.stores.sessions.as_ref(), t1.stores.templates.as_ref(), new).await?;
    Ok(HttpResponse::Created().json(SessionView::from(session)))
}

/// The caller's own sessions, newest first, in full (answers, analyses, analytics): the
/// patient's export of their feedback.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(MineQuery),
    responses(
        (status = 200, description = "A page of the caller's sessions", body = SessionPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/sessions/mine")]
async fn my_sessions(
    t1: web::Data<Track1>,
    caller: AuthUser,
    query: ValidatedQuery<MineQuery>,
) -> ApiResult<web::Json<SessionPage>> {
    let page = page_request(query.0.page, query.0.per_page);
    let found = service::mine(t1.stores.sessions.as_ref(), caller.id, page).await?;
    Ok(web::Json(SessionPage::of(found, page.page, page.per_page)))
}

/// A session, to resume it (its owner) or to review it (staff roles; the read is audited).
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 200, description = "The session", body = SessionView),
        (status = 403, description = "Another patient's session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/sessions/{id}")]
async fn get_session(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<SessionView>> {
    let session = service::get_session(t1.stores.sessions.as_ref(), SessionId(*id)).await?;
    let resource = format!("feedback_sessions/{}", session.id.0);
    caller
        .authorize_record(session.user_id, identity.stores.audit.as_ref(), "feedback.session.read", &resource)
        .await?;
    Ok(web::Json(session.into()))
}

/// Answers one question or many (the caller's own session, in progress). Each answer is
/// checked against its question; every problem is listed as a 422 with its pointer.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "Recorded; the provisional analytics are recomputed", body = SessionView),
        (status = 403, description = "Not the caller's session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already submitted, or changed by another request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answers", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/{id}/answers")]
async fn answer(
    t1: web::Data<Track1>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<AnswerRequest>,
) -> ApiResult<web::Json<SessionView>> {
    let session = own_session(&t1, &caller, *id).await?;
    let submitted = body.0.submitted();
    let session = service::answer(t1.stores.sessions.as_ref(), t1.analyzer.as_ref(), session, &submitted).await?;
    Ok(web::Json(session.into()))
}

/// Submits the caller's session: required questions must be answered; the analytics are
/// computed here, and an escalation level of 2 or more raises a staff notification.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 200, description = "Submitted", body = SessionView),
        (status = 403, description = "Not the caller's session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already submitted, or changed by another request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Required questions unanswered", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/{id}/submit")]
async fn submit(t1: web::Data<Track1>, caller: AuthUser, id: web::Path<Uuid>) -> ApiResult<web::Json<SessionView>> {
    let session = own_session(&t1, &caller, *id).await?;
    let session = service::submit(t1.stores.sessions.as_ref(), &t1.analytics, session).await?;
    Ok(web::Json(session.into()))
}
