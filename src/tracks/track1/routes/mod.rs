//! `/api/v1/feedback` routes: session types and questionnaire templates (here), the patient's
//! sessions (`sessions.rs`) and the staff review queue (`review.rs`).

mod review;
mod sessions;

use actix_web::{get, post, put, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    dto::TemplateQuery,
    feedback::{session::QuestionnaireTemplate, SessionType},
    service, Track1,
};
use crate::gateway::{
    error::{ApiResult, Problem},
    extract::{ValidatedJson, ValidatedQuery},
    identity::guard::AuthUser,
};

/// Registers the feedback routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_session_types)
        .service(list_templates)
        .service(create_template)
        .service(update_template)
        .configure(sessions::configure)
        .configure(review::configure);
}

/// A kind of feedback session patients can start.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionTypeInfo {
    /// The `sessionType` value.
    pub session_type: SessionType,
    /// What it is for.
    pub description: &'static str,
}

/// The kinds of feedback session the clinic collects.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every session type", body = [SessionTypeInfo])
    )
)]
#[get("/session-types")]
async fn list_session_types(_caller: AuthUser) -> ApiResult<web::Json<Vec<SessionTypeInfo>>> {
    let types = SessionType::ALL.map(|t| SessionTypeInfo { session_type: t, description: t.description() });
    Ok(web::Json(types.into()))
}

/// Questionnaire templates in force (stored ones, then the seeded defaults they do not
/// replace); with `sessionType`, the one template a session of that type and department uses.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(TemplateQuery),
    responses(
        (status = 200, description = "Matching templates", body = [QuestionnaireTemplate]),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/templates")]
async fn list_templates(
    t1: web::Data<Track1>,
    _caller: AuthUser,
    query: ValidatedQuery<TemplateQuery>,
) -> ApiResult<web::Json<Vec<QuestionnaireTemplate>>> {
    let q = query.0;
    let found = service::find_templates(
        t1.stores.templates.as_ref(),
        q.session_type,
        q.department.as_deref(),
        q.language.as_deref(),
    )
    .await?;
    Ok(web::Json(found))
}

/// Creates a questionnaire template (staff roles); every inconsistency is listed.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    request_body = QuestionnaireTemplate,
    responses(
        (status = 201, description = "Created", body = QuestionnaireTemplate),
        (status = 403, description = "Not a staff role", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid template", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/templates")]
async fn create_template(
    t1: web::Data<Track1>,
    caller: AuthUser,
    body: ValidatedJson<QuestionnaireTemplate>,
) -> ApiResult<HttpResponse> {
    caller.require_staff()?;
    service::create_template(t1.stores.templates.as_ref(), &body.0).await?;
    Ok(HttpResponse::Created().json(body.0))
}

/// Replaces a questionnaire template, stored or seeded (staff roles). Sessions already started
/// keep the questionnaire they started with.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Template id")),
    request_body = QuestionnaireTemplate,
    responses(
        (status = 200, description = "Saved", body = QuestionnaireTemplate),
        (status = 403, description = "Not a staff role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid template", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/templates/{id}")]
async fn update_template(
    t1: web::Data<Track1>,
    caller: AuthUser,
    id: web::Path<String>,
    body: ValidatedJson<QuestionnaireTemplate>,
) -> ApiResult<web::Json<QuestionnaireTemplate>> {
    caller.require_staff()?;
    service::update_template(t1.stores.templates.as_ref(), &id, &body.0).await?;
    Ok(web::Json(body.0))
}
