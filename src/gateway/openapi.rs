//! The OpenAPI document's frame: info, tags, shared schemas and the bearer scheme. Paths are
//! collected from the handlers as they are registered (see `app::api_service`).

use utoipa::{
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
    Modify, OpenApi,
};

use super::error::{FieldViolation, Problem};

/// Name of the bearer security scheme, as referenced by `security(("bearer" = []))`.
pub const BEARER: &str = "bearer";

/// Document frame.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "CareChat API",
        description = "The back end a clinic runs for its patients: feedback and reminders (Track 1), \
chat with an AI assistant (Track 2) and blood-bank management (Track 3).\n\n\
Authenticate with `POST /api/v1/auth/login`, then press **Authorize** and paste the `accessToken`. \
Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `code`.",
        license(name = "MIT")
    ),
    modifiers(&BearerScheme),
    components(schemas(Problem, FieldViolation)),
    tags(
        (name = "auth", description = "Registration, login, tokens and the caller's own account"),
        (name = "admin", description = "User administration and the audit trail (admin role)"),
        (name = "operations", description = "Health probes and metrics"),
        (name = "track1", description = "Feedback and reminders"),
        (name = "track2", description = "Chat with the AI assistant"),
        (name = "track3", description = "Blood-bank management")
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        scheme.description = Some("Access token from `POST /api/v1/auth/login` or `/auth/refresh`".into());
        components.add_security_scheme(BEARER, SecurityScheme::Http(scheme));
    }
}
