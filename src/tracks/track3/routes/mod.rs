//! `/api/v1/blood` routes, for the staff-side roles (staff, lab, admin; patients get 403):
//! donors (`donors.rs`), units and inventory (`units.rs`), blood requests and allocation
//! (`requests.rs`), crossmatch, issue, return and transfusion (`transfusion.rs`), reactions
//! and donor recalls (`reactions.rs`), and the compatibility tables.

mod donors;
mod reactions;
mod requests;
mod responses;
mod transfusion;
mod units;

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    domain::{compatible_donors, units::Actor, BloodGroup, Component},
    dto::requests::BloodRequestResponse,
    service::requests::RequestDetail,
};
use crate::gateway::{
    error::{ApiResult, Problem},
    identity::{
        domain::{Role, UserId},
        guard::AuthUser,
        Identity,
    },
};
use responses::StaffOnly;

/// Registers the blood-bank routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(compatibility_table)
        .configure(donors::configure)
        .configure(units::configure)
        .configure(requests::configure)
        .configure(transfusion::configure)
        .configure(reactions::configure);
}

/// Passes staff, lab and admin callers, as the actor of what they do.
fn staff(caller: &AuthUser) -> ApiResult<Actor> {
    caller.require_role(&[Role::Staff, Role::Lab, Role::Admin])?;
    Ok(Actor { user_id: Some(caller.id.0), request_id: caller.request_id.clone() })
}

/// Records in the gateway's audit trail that a staff member reached (`action`) the blood
/// request of a patient who is a CareChat user (patients known only to the blood bank have no
/// account to audit against), and gives the request as it is now, for the answer.
async fn audited(
    caller: &AuthUser,
    identity: &Identity,
    action: &str,
    detail: RequestDetail,
) -> ApiResult<BloodRequestResponse> {
    if let Some(patient) = detail.request.patient.user_id {
        let resource = format!("blood_requests/{}", detail.request.id.0);
        caller.audit(identity.stores.audit.as_ref(), action, Some(UserId(patient)), &resource).await?;
    }
    Ok(detail.into())
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
        StaffOnly
    )
)]
#[get("/compatibility/{component}")]
async fn compatibility_table(
    caller: AuthUser,
    component: web::Path<Component>,
) -> ApiResult<web::Json<Vec<CompatibilityRow>>> {
    staff(&caller)?;
    let rows = BloodGroup::all()
        .map(|recipient| CompatibilityRow { recipient, donors: compatible_donors(*component, recipient) })
        .collect();
    Ok(web::Json(rows))
}
