//! Blood requests: entering, listing and reading them, suggesting and reserving compatible
//! units, and cancelling.

use actix_web::{get, post, web, HttpResponse};
use uuid::Uuid;

use super::{
    audited,
    responses::{RequestErrors, StaffOnly},
    staff,
};
use crate::{
    gateway::{
        error::{ApiResult, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{dto::page_request, Identity},
    },
    tracks::track3::{
        domain::requests::{NewBloodRequest, Patient, RequestId},
        dto::requests::{
            AllocationRunResponse, BloodRequestPage, BloodRequestResponse, BloodRequestSummary, CancelBloodRequest,
            CreateBloodRequest, RequestListQuery, SuggestionResponse,
        },
        service::requests::{self, RequestDetail},
        store::RequestFilter,
        Track3,
    },
};

/// Registers the request routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_request)
        .service(list_requests)
        .service(get_request)
        .service(suggest_units)
        .service(allocate_units)
        .service(cancel_request);
}

/// Enters a blood request for a patient (who need not be a CareChat user).
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    request_body = CreateBloodRequest,
    responses(
        (status = 201, description = "Entered, `open`", body = BloodRequestResponse),
        StaffOnly,
        (status = 422, description = "Invalid fields (`validation_failed`), e.g. an unknown group outside an emergency", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests")]
async fn create_request(
    t3: web::Data<Track3>,
    identity: web::Data<Identity>,
    caller: super::AuthUser,
    body: ValidatedJson<CreateBloodRequest>,
) -> ApiResult<HttpResponse> {
    let actor = staff(&caller)?;
    let b = body.0;
    let new = NewBloodRequest {
        patient: Patient {
            user_id: b.patient_user_id,
            name: b.patient_name,
            mrn: b.patient_mrn,
            sex: b.patient_sex,
            date_of_birth: b.patient_date_of_birth,
        },
        blood_group: b.blood_group,
        component: b.component,
        units_requested: b.units,
        urgency: b.urgency,
        department: b.department,
        clinician: b.clinician,
        needed_by: b.needed_by,
        indication: b.indication,
    };
    let detail = RequestDetail { request: requests::create(&t3, new, &actor).await?, allocations: Vec::new() };
    Ok(HttpResponse::Created().json(audited(&caller, &identity, "blood.request.create", detail).await?))
}

/// Lists blood requests, soonest needed first.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(RequestListQuery),
    responses(
        (status = 200, description = "A page of requests", body = BloodRequestPage),
        StaffOnly
    )
)]
#[get("/requests")]
async fn list_requests(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    query: ValidatedQuery<RequestListQuery>,
) -> ApiResult<web::Json<BloodRequestPage>> {
    staff(&caller)?;
    let q = query.0;
    let page = page_request(q.page, q.per_page);
    let filter =
        RequestFilter { status: q.status, urgency: q.urgency, component: q.component, patient_mrn: q.patient_mrn };
    let found = requests::list(&t3, filter, page).await?;
    let items = found.items.into_iter().map(BloodRequestSummary::from).collect();
    Ok(web::Json(BloodRequestPage { items, page: page.page, per_page: page.per_page, total: found.total }))
}

/// One blood request with every unit allocated to it.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("requestId" = Uuid, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request", body = BloodRequestResponse),
        RequestErrors
    )
)]
#[get("/requests/{requestId}")]
async fn get_request(
    t3: web::Data<Track3>,
    identity: web::Data<Identity>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<BloodRequestResponse>> {
    staff(&caller)?;
    let detail = requests::detail(&t3, RequestId(*id)).await?;
    Ok(web::Json(audited(&caller, &identity, "blood.request.read", detail).await?))
}

/// The compatible units allocation would reserve now, without reserving them: identical
/// group first (then the compatibility table's order), first expiring first within a group,
/// never expired; universal donors when the group is unknown.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("requestId" = Uuid, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The suggestion (empty when nothing is needed)", body = SuggestionResponse),
        RequestErrors
    )
)]
#[get("/requests/{requestId}/suggestions")]
async fn suggest_units(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<SuggestionResponse>> {
    let actor = staff(&caller)?;
    let s = requests::suggest(&t3, RequestId(*id), &actor).await?;
    let units = s.units.into_iter().map(Into::into).collect();
    Ok(web::Json(SuggestionResponse::new(id.into_inner(), s.needed, s.donors, units)))
}

/// Reserves compatible units for the request up to what it still needs, in the suggestion's
/// order; units another request takes at the same moment are skipped, so no unit is ever
/// reserved twice. Some units may remain missing (`shortfall`).
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("requestId" = Uuid, Path, description = "The request's id")),
    responses(
        (status = 200, description = "Units reserved", body = AllocationRunResponse),
        RequestErrors,
        (status = 409, description = "No compatible unit in stock (`insufficient_stock`), or the request is not open or partially allocated (`illegal_transition`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests/{requestId}/allocate")]
async fn allocate_units(
    t3: web::Data<Track3>,
    identity: web::Data<Identity>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AllocationRunResponse>> {
    let actor = staff(&caller)?;
    let run = requests::allocate(&t3, RequestId(*id), &actor).await?;
    let request = audited(&caller, &identity, "blood.request.allocate", run.detail).await?;
    let reserved = run.reserved.into_iter().map(Into::into).collect();
    Ok(web::Json(AllocationRunResponse { reserved, request }))
}

/// Cancels a request and puts its reserved units back in stock (audited).
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("requestId" = Uuid, Path, description = "The request's id")),
    request_body = CancelBloodRequest,
    responses(
        (status = 200, description = "Cancelled", body = BloodRequestResponse),
        RequestErrors,
        (status = 409, description = "Completed or cancelled already, or units are out on issue (`illegal_transition`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests/{requestId}/cancel")]
async fn cancel_request(
    t3: web::Data<Track3>,
    identity: web::Data<Identity>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<CancelBloodRequest>,
) -> ApiResult<web::Json<BloodRequestResponse>> {
    let actor = staff(&caller)?;
    let detail = requests::cancel(&t3, RequestId(*id), body.0.reason, &actor).await?;
    Ok(web::Json(audited(&caller, &identity, "blood.request.cancel", detail).await?))
}
