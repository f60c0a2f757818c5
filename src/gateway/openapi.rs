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
Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `code`. \
Text never contains the NUL character (U+0000): a body or query with one is refused with 400 `invalid_character`.",
        license(name = "MIT")
    ),
    modifiers(&BearerScheme),
    components(schemas(Problem, FieldViolation)),
    tags(
        (name = "auth", description = "Registration, login, tokens and the caller's own account"),
        (name = "admin", description = "User administration and the audit trail (admin role)"),
        (name = "operations", description = "Health probes and metrics"),
        (name = "analytics", description = "System analytics: metric time series (staff roles)"),
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

/// Adds the error responses every operation of a kind can give, so handlers document only
/// their own: bodies can be malformed (400), too large (413), not JSON (415) or invalid (422);
/// parameters can be malformed (400); secured operations can lack a valid token (401).
pub fn add_common_responses(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            let takes_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if operation.request_body.is_some() {
                ensure(operation, "400", "Malformed JSON (`malformed_json`) or parameter");
                ensure(operation, "413", "Body larger than the configured limit (`payload_too_large`)");
                ensure(operation, "415", "Body not sent as JSON (`unsupported_media_type`)");
                ensure(operation, "422", "Invalid fields, each listed in `errors` (`validation_failed`)");
            } else if takes_parameters {
                ensure(operation, "400", "Malformed parameter (`invalid_query`, `invalid_path_parameter`)");
            }
            if takes_parameters {
                ensure(operation, "422", "Parameter out of range (`validation_failed`)");
            }
            if operation.security.is_some() {
                ensure(operation, "401", "Missing (`authentication_required`), invalid (`invalid_token`) or expired (`token_expired`) access token");
            }
        }
    }
}

fn ensure(operation: &mut utoipa::openapi::path::Operation, status: &str, description: &str) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    operation.responses.responses.entry(status.to_owned()).or_insert_with(|| {
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
        RefOr::T(ResponseBuilder::new().description(description).content("application/problem+json", content).build())
    });
}
