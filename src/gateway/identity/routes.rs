//! `/api/v1/auth`: registration, login, token refresh and logout, and the caller's account.

use actix_web::{get, http::header, patch, post, web, HttpRequest, HttpResponse};

use super::{
    domain::{Email, PhoneNumber, Role},
    dto::{
        AuthResponse, ChangePasswordRequest, LoginRequest, RefreshRequest, RegisterRequest, UpdateMeRequest,
        UserResponse,
    },
    guard::AuthUser,
    service::{self, ClientMeta, NewAccount, OwnChanges, Session},
    Identity,
};
use crate::gateway::{
    error::{ApiError, ApiResult, FieldViolation, Problem},
    extract::ValidatedJson,
};

/// Registers the routes on the `/api/v1/auth` scope.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(me)
        .service(update_me)
        .service(change_password);
}

fn client_meta(req: &HttpRequest) -> ClientMeta {
    ClientMeta {
        ip: req.peer_addr().map(|a| a.ip().to_string()),
        user_agent: req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

fn auth_response(session: Session) -> AuthResponse {
    AuthResponse {
        access_token: session.access_token,
        token_type: "Bearer".into(),
        expires_in: session.expires_in,
        refresh_token: session.refresh_token,
        refresh_expires_in: session.refresh_expires_in,
        user: session.user.into(),
    }
}

/// Parses a field the `validator` rules already accepted; a failure here is still a 422.
pub(super) fn parse_field<T>(pointer: &str, parsed: Result<T, &'static str>) -> ApiResult<T> {
    parsed.map_err(|message| {
        ApiError::validation(vec![FieldViolation {
            pointer: pointer.into(),
            code: "invalid".into(),
            message: message.into(),
        }])
    })
}

pub(super) fn optional_email(email: Option<&str>) -> ApiResult<Option<Email>> {
    email.map(|e| parse_field("/email", Email::parse(e))).transpose()
}

/// The account a registration or an administrator's request describes.
pub(super) fn new_account(
    full_name: String,
    phone: &str,
    email: Option<&str>,
    password: String,
    preferred_language: Option<String>,
    role: Role,
) -> ApiResult<NewAccount> {
    Ok(NewAccount {
        phone: parse_field("/phoneNumber", PhoneNumber::parse(phone))?,
        email: optional_email(email)?,
        full_name,
        password,
        preferred_language: preferred_language.unwrap_or_else(|| "en".into()),
        role,
    })
}

/// Registers a patient account and logs it in.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and logged in", body = AuthResponse),
        (status = 409, description = "Phone number (`phone_taken`) or email (`email_taken`) already registered", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/register")]
async fn register(
    identity: web::Data<Identity>,
    req: HttpRequest,
    body: ValidatedJson<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let language = body.preferred_language;
    let account =
        new_account(body.full_name, &body.phone_number, body.email.as_deref(), body.password, language, Role::Patient)?;
    let session = service::register(&identity, account, client_meta(&req)).await?;
    Ok(HttpResponse::Created().json(auth_response(session)))
}

/// Logs in with a phone number or email and a password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = AuthResponse),
        (status = 401, description = "Wrong identifier or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Account deactivated (`account_deactivated`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts for this account or address; see `Retry-After`", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait")))
    )
)]
#[post("/login")]
async fn login(
    identity: web::Data<Identity>,
    req: HttpRequest,
    body: ValidatedJson<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let session = service::login(&identity, &body.identifier, body.password, client_meta(&req)).await?;
    Ok(HttpResponse::Ok().json(auth_response(session)))
}

/// Exchanges a refresh token for a new token pair. Each refresh token works once; presenting
/// a used one again revokes every token of that login.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair", body = AuthResponse),
        (status = 401, description = "Invalid, expired or revoked (`refresh_token_invalid`) or replayed (`refresh_token_reused`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/refresh")]
async fn refresh(identity: web::Data<Identity>, body: ValidatedJson<RefreshRequest>) -> ApiResult<HttpResponse> {
    let session = service::refresh(&identity, &body.0.refresh_token).await?;
    Ok(HttpResponse::Ok().json(auth_response(session)))
}

/// Ends the session of a refresh token (idempotent).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Logged out")
    )
)]
#[post("/logout")]
async fn logout(identity: web::Data<Identity>, body: ValidatedJson<RefreshRequest>) -> ApiResult<HttpResponse> {
    service::logout(&identity, &body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's account.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = UserResponse),
        (status = 404, description = "The account no longer exists", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/me")]
async fn me(identity: web::Data<Identity>, caller: AuthUser) -> ApiResult<web::Json<UserResponse>> {
    Ok(web::Json(service::get_user(&identity, caller.id).await?.into()))
}

/// Changes the caller's name, phone number, email, language or profile.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated account", body = UserResponse),
        (status = 409, description = "Phone number or email taken", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/me")]
async fn update_me(
    identity: web::Data<Identity>,
    caller: AuthUser,
    body: ValidatedJson<UpdateMeRequest>,
) -> ApiResult<web::Json<UserResponse>> {
    let body = body.0;
    let changes = OwnChanges {
        phone: body.phone_number.as_deref().map(|p| parse_field("/phoneNumber", PhoneNumber::parse(p))).transpose()?,
        email: optional_email(body.email.as_deref())?,
        full_name: body.full_name,
        preferred_language: body.preferred_language,
        profile: body.profile,
    };
    Ok(web::Json(service::update_own(&identity, caller.id, changes).await?.into()))
}

/// Changes the caller's password and ends every session of the account.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed; log in again"),
        (status = 422, description = "Wrong current password (`wrong_current_password`) or invalid new one", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/me/password")]
async fn change_password(
    identity: web::Data<Identity>,
    caller: AuthUser,
    body: ValidatedJson<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    service::change_password(&identity, caller.id, body.current_password, body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}
