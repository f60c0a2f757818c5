//! `/api/v1/blood` routes.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::domain::{compatible_donors, BloodGroup, Component};
use crate::gateway::{
    error::{ApiResult, Problem},
    identity::guard::AuthUser,
};

/// Registers the blood-bank routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(compatibility_table);
}

/// Which donor groups may give a component to one recipient group.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompatibilityRow {
    /// Recipient group.
    #[schema(value_type = String, example = "A+")]
    pub recipient: BloodGroup,
    /// Compatible donor groups, most preferred (identical) first.
    #[schema(value_type = Vec<String>, example = json!(["A+", "A-", "O-", "O+"]))]
    pub donors: Vec<BloodGroup>,
}

/// The ABO/Rh compatibility table of a component (staff roles).
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("component" = inline(Component), Path, description = "The blood component")),
    responses(
        (status = 200, description = "One row per recipient group", body = [CompatibilityRow]),
        (status = 400, description = "Unknown component", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a staff role", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/compatibility/{component}")]
async fn compatibility_table(
    caller: AuthUser,
    component: web::Path<Component>,
) -> ApiResult<web::Json<Vec<CompatibilityRow>>> {
    caller.require_staff()?;
    let rows = BloodGroup::all()
        .map(|recipient| CompatibilityRow { recipient, donors: compatible_donors(*component, recipient) })
        .collect();
    Ok(web::Json(rows))
}
