//! `/api/v1/admin`: user administration and the audit trail, for the admin role.

use actix_web::{get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::{
    domain::{AuditFilter, UserFilter, UserId},
    dto::{
        page_request, AuditPage, AuditQuery, CreateUserRequest, UpdateUserRequest, UserListQuery, UserPage,
        UserResponse,
    },
    guard::AuthUser,
    routes::new_account,
    service::{self, AdminChanges},
    Identity,
};
use crate::gateway::{
    error::{ApiResult, Problem},
    extract::{ValidatedJson, ValidatedQuery},
};

/// Registers the routes on the `/api/v1/admin` scope.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users).service(create_user).service(get_user).service(update_user).service(list_audit);
}

/// Lists and searches accounts, newest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/users")]
async fn list_users(
    identity: web::Data<Identity>,
    caller: AuthUser,
    query: ValidatedQuery<UserListQuery>,
) -> ApiResult<web::Json<UserPage>> {
    caller.require_admin()?;
    let query = query.0;
    let page = page_request(query.page, query.per_page);
    let filter = UserFilter { search: query.q, role: query.role, is_active: query.is_active };
    let found = identity.stores.users.list(&filter, page).await.map_err(super::error::IdentityError::from)?;
    Ok(web::Json(UserPage {
        items: found.items.into_iter().map(UserResponse::from).collect(),
        page: page.page,
        per_page: page.per_page,
        total: found.total,
    }))
}

/// Creates an account with any role (staff, lab, admin, or a patient at the front desk).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserResponse),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Phone number or email taken", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/users")]
async fn create_user(
    identity: web::Data<Identity>,
    caller: AuthUser,
    body: ValidatedJson<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_admin()?;
    let body = body.0;
    let language = body.preferred_language;
    let account =
        new_account(body.full_name, &body.phone_number, body.email.as_deref(), body.password, language, body.role)?;
    let user = service::create_account(&identity, account).await?;
    caller.audit(identity.stores.audit.as_ref(), "user.created", Some(user.id), &format!("users/{}", user.id)).await?;
    Ok(HttpResponse::Created().json(UserResponse::from(user)))
}

/// One account, with its login history (the read is audited).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("userId" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The account", body = UserResponse),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/users/{userId}")]
async fn get_user(
    identity: web::Data<Identity>,
    caller: AuthUser,
    user_id: web::Path<Uuid>,
) -> ApiResult<web::Json<UserResponse>> {
    caller.require_admin()?;
    Ok(web::Json(service::read_user(&identity, &caller, UserId(*user_id)).await?.into()))
}

/// Changes an account's role, activation or verification; deactivation ends its sessions.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("userId" = Uuid, Path, description = "The user's id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The updated account", body = UserResponse),
        (status = 400, description = "Malformed id or JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An administrator cannot deactivate or demote themselves (`self_lockout`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/users/{userId}")]
async fn update_user(
    identity: web::Data<Identity>,
    caller: AuthUser,
    user_id: web::Path<Uuid>,
    body: ValidatedJson<UpdateUserRequest>,
) -> ApiResult<web::Json<UserResponse>> {
    caller.require_admin()?;
    let body = body.0;
    let changes = AdminChanges { role: body.role, is_active: body.is_active, is_verified: body.is_verified };
    Ok(web::Json(service::administer(&identity, &caller, UserId(*user_id), changes).await?.into()))
}

/// The audit trail: who read or changed whose data, newest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of audit events", body = AuditPage),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/audit")]
async fn list_audit(
    identity: web::Data<Identity>,
    caller: AuthUser,
    query: ValidatedQuery<AuditQuery>,
) -> ApiResult<web::Json<AuditPage>> {
    caller.require_admin()?;
    let query = query.0;
    let page = page_request(query.page, query.per_page);
    let filter = AuditFilter { actor_id: query.actor_id, subject_user_id: query.subject_user_id };
    let found = identity.stores.audit.list(&filter, page).await.map_err(super::error::IdentityError::from)?;
    Ok(web::Json(AuditPage { items: found.items, page: page.page, per_page: page.per_page, total: found.total }))
}
