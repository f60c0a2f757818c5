//! From reservation to the patient: crossmatch, issue, return and transfusion of a request's
//! units. Each answers with the request as it is afterwards.

use actix_web::{post, web};
use uuid::Uuid;

use super::{
    audited,
    responses::{IssuedUnitErrors, RequestErrors},
    staff,
};
use crate::{
    gateway::{
        error::{ApiResult, Problem},
        extract::ValidatedJson,
        identity::Identity,
    },
    tracks::track3::{
        domain::requests::RequestId,
        dto::{
            requests::BloodRequestResponse,
            transfusion::{CrossmatchRequest, IssueRequest, ReturnRequest, TransfusionRequest},
        },
        service::transfusion,
        Track3,
    },
};

/// Registers the crossmatch, issue, return and transfusion routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(record_crossmatch).service(issue_units).service(return_unit).service(confirm_transfusion);
}

/// Records the crossmatch of a reserved unit: `compatible` keeps it reserved for issue;
/// `incompatible` puts it back in stock (audited) and it is never offered to this request
/// again.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(
        ("requestId" = Uuid, Path, description = "The request's id"),
        ("unitId" = Uuid, Path, description = "A unit reserved for it")
    ),
    request_body = CrossmatchRequest,
    responses(
        (status = 200, description = "Recorded", body = BloodRequestResponse),
        RequestErrors,
        (status = 409, description = "The unit is not reserved for the request (`unit_not_allocated`), or already crossmatched or changed meanwhile (`illegal_transition`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests/{requestId}/units/{unitId}/crossmatch")]
async fn record_crossmatch(
    t3: web::Data<Track3>,
    identity: web::Data<Identity>,
    caller: super::AuthUser,
    ids: web::Path<(Uuid, Uuid)>,
    body: ValidatedJson<CrossmatchRequest>,
) -> ApiResult<web::Json<BloodRequestResponse>> {
    let actor = staff(&caller)?;
    let (request, unit) = ids.into_inner();
    let b = body.0;
    let detail = transfusion::crossmatch(&t3, RequestId(request), unit, b.result, b.note, &actor).await?;
    Ok(web::Json(audited(&caller, &identity, "blood.request.crossmatch", detail).await?))
}

/// Issues reserved units, all or none: each needs a compatible crossmatch, except under
/// emergency release (an `emergency` request), which issues uncrossmatched units flagged
/// `emergencyRelease`.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("requestId" = Uuid, Path, description = "The request's id")),
    request_body = IssueRequest,
    responses(
        (status = 200, description = "Issued", body = BloodRequestResponse),
        RequestErrors,
        (status = 409, description = "A unit is not reserved for the request (`unit_not_allocated`), has no compatible crossmatch (`crossmatch_required`) or changed meanwhile (`illegal_transition`); nothing was issued", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests/{requestId}/issue")]
async fn issue_units(
    t3: web::Data<Track3>,
    identity: web::Data<Identity>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<IssueRequest>,
) -> ApiResult<web::Json<BloodRequestResponse>> {
    let actor = staff(&caller)?;
    let b = body.0;
    let detail = transfusion::issue(&t3, RequestId(*id), &b.unit_ids, &b.collected_by, &actor).await?;
    Ok(web::Json(audited(&caller, &identity, "blood.request.issue", detail).await?))
}

/// Takes back an issued unit. Within the return window (30 minutes out of controlled storage
/// by default) it goes back into stock; later it is discarded (`returned_out_of_time`), or
/// quarantined for assessment when it was kept in a validated container; past its expiry it
/// is discarded (`expired`). The request needs a unit again.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(
        ("requestId" = Uuid, Path, description = "The request's id"),
        ("unitId" = Uuid, Path, description = "A unit issued for it")
    ),
    request_body = ReturnRequest,
    responses(
        (status = 200, description = "Returned; see the allocation's `returnOutcome`", body = BloodRequestResponse),
        IssuedUnitErrors,
        (status = 422, description = "`returnedAt` before the issue or in the future (`validation_failed`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests/{requestId}/units/{unitId}/return")]
async fn return_unit(
    t3: web::Data<Track3>,
    identity: web::Data<Identity>,
    caller: super::AuthUser,
    ids: web::Path<(Uuid, Uuid)>,
    body: ValidatedJson<ReturnRequest>,
) -> ApiResult<web::Json<BloodRequestResponse>> {
    let actor = staff(&caller)?;
    let (request, unit) = ids.into_inner();
    let b = body.0;
    let container = b.stored_in_validated_container;
    let detail = transfusion::give_back(&t3, RequestId(request), unit, b.returned_at, container, &actor).await?;
    Ok(web::Json(audited(&caller, &identity, "blood.request.return", detail).await?))
}

/// Confirms an issued unit was transfused: who administered it and when. The request is
/// `completed` once every unit asked for is transfused.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(
        ("requestId" = Uuid, Path, description = "The request's id"),
        ("unitId" = Uuid, Path, description = "A unit issued for it")
    ),
    request_body = TransfusionRequest,
    responses(
        (status = 200, description = "Confirmed", body = BloodRequestResponse),
        IssuedUnitErrors,
        (status = 422, description = "`transfusedAt` before the issue or in the future (`validation_failed`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests/{requestId}/units/{unitId}/transfuse")]
async fn confirm_transfusion(
    t3: web::Data<Track3>,
    identity: web::Data<Identity>,
    caller: super::AuthUser,
    ids: web::Path<(Uuid, Uuid)>,
    body: ValidatedJson<TransfusionRequest>,
) -> ApiResult<web::Json<BloodRequestResponse>> {
    let actor = staff(&caller)?;
    let (request, unit) = ids.into_inner();
    let b = body.0;
    let detail =
        transfusion::transfuse(&t3, RequestId(request), unit, b.administered_by, b.transfused_at, &actor).await?;
    Ok(web::Json(audited(&caller, &identity, "blood.request.transfuse", detail).await?))
}
