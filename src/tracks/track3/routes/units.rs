//! Units (reading, screening, discard, release), temperature excursions and the inventory.
//! Every read first marks units past their expiry as expired.

use actix_web::{get, post, web, HttpResponse};
use uuid::Uuid;

use super::{
    responses::{StaffOnly, UnitErrors},
    staff,
};
use crate::{
    gateway::{
        error::{ApiResult, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::dto::page_request,
    },
    tracks::track3::{
        domain::{donation::DonationId, units::UnitId},
        dto::units::{
            DiscardRequest, ExcursionRequest, ExcursionResponse, InventoryLineResponse, InventoryQuery,
            InventoryResponse, ReleaseRequest, ScreeningRequest, ScreeningResponse, UnitEventResponse, UnitListQuery,
            UnitPage, UnitResponse,
        },
        service::units::{self, ExcursionInput},
        store::UnitFilter,
        Track3,
    },
};

/// Default horizon of "expiring soon" in the inventory, in days.
const DEFAULT_EXPIRING_WITHIN_DAYS: u32 = 3;

/// Registers the unit, excursion and inventory routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_units)
        .service(get_unit)
        .service(list_unit_events)
        .service(record_screening)
        .service(discard_unit)
        .service(release_unit)
        .service(record_excursion)
        .service(inventory);
}

/// Lists units, first expiring first.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(UnitListQuery),
    responses(
        (status = 200, description = "A page of units", body = UnitPage),
        StaffOnly
    )
)]
#[get("/units")]
async fn list_units(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    query: ValidatedQuery<UnitListQuery>,
) -> ApiResult<web::Json<UnitPage>> {
    staff(&caller)?;
    let q = query.0;
    let page = page_request(q.page, q.per_page);
    let filter = UnitFilter {
        status: q.status,
        abo: q.abo,
        rh_positive: q.rh.map(|r| r.is_positive()),
        component: q.component,
        expires_before: None,
        donation_id: q.donation_id.map(DonationId),
    };
    let found = units::list(&t3, filter, q.expiring_within_days, page).await?;
    let items = found.items.into_iter().map(UnitResponse::from).collect();
    Ok(web::Json(UnitPage { items, page: page.page, per_page: page.per_page, total: found.total }))
}

/// One unit.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("unitId" = Uuid, Path, description = "The unit's id")),
    responses(
        (status = 200, description = "The unit", body = UnitResponse),
        UnitErrors
    )
)]
#[get("/units/{unitId}")]
async fn get_unit(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UnitResponse>> {
    staff(&caller)?;
    Ok(web::Json(units::unit(&t3, UnitId(*id)).await?.into()))
}

/// A unit's audit trail: every status change with who, when, from, to and why.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("unitId" = Uuid, Path, description = "The unit's id")),
    responses(
        (status = 200, description = "Its events, oldest first", body = [UnitEventResponse]),
        UnitErrors
    )
)]
#[get("/units/{unitId}/events")]
async fn list_unit_events(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<UnitEventResponse>>> {
    staff(&caller)?;
    let events = units::events(&t3, UnitId(*id)).await?;
    Ok(web::Json(events.into_iter().map(Into::into).collect()))
}

/// Records screening results for the donation the unit came from. When every required test
/// (HIV, HBV, HCV, syphilis, HTLV) is negative its units awaiting screening become available;
/// a positive result discards every unit of the donation still in stock.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("unitId" = Uuid, Path, description = "Any unit of the donation")),
    request_body = ScreeningRequest,
    responses(
        (status = 200, description = "The donation's screening and units", body = ScreeningResponse),
        UnitErrors,
        (status = 409, description = "A unit changed concurrently (`illegal_transition`); nothing was recorded", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/units/{unitId}/screening")]
async fn record_screening(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<ScreeningRequest>,
) -> ApiResult<web::Json<ScreeningResponse>> {
    let actor = staff(&caller)?;
    let results: Vec<_> = body.0.results.into_iter().map(|r| (r.test, r.result)).collect();
    let outcome = units::record_screening(&t3, UnitId(*id), &results, &actor).await?;
    Ok(web::Json(outcome.into()))
}

/// Discards a unit with a reason (from quarantine, stock, a reservation, or after expiry).
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("unitId" = Uuid, Path, description = "The unit's id")),
    request_body = DiscardRequest,
    responses(
        (status = 200, description = "The discarded unit", body = UnitResponse),
        UnitErrors,
        (status = 409, description = "Not allowed in the unit's status, e.g. issued or already discarded (`illegal_transition`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/units/{unitId}/discard")]
async fn discard_unit(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<DiscardRequest>,
) -> ApiResult<web::Json<UnitResponse>> {
    let actor = staff(&caller)?;
    let b = body.0;
    Ok(web::Json(units::discard(&t3, UnitId(*id), b.reason, b.note, &actor).await?.into()))
}

/// Releases a quarantined unit after assessment (a temperature excursion judged harmless);
/// its donation's screening must be cleared and it must not have expired.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("unitId" = Uuid, Path, description = "The unit's id")),
    request_body = ReleaseRequest,
    responses(
        (status = 200, description = "The released unit", body = UnitResponse),
        UnitErrors,
        (status = 409, description = "Not quarantined (`illegal_transition`) or screening not cleared (`unit_not_releasable`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/units/{unitId}/release")]
async fn release_unit(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<ReleaseRequest>,
) -> ApiResult<web::Json<UnitResponse>> {
    let actor = staff(&caller)?;
    Ok(web::Json(units::release(&t3, UnitId(*id), Some(body.0.note), &actor).await?.into()))
}

/// Records a storage temperature excursion and quarantines every unit it names.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    request_body = ExcursionRequest,
    responses(
        (status = 201, description = "Recorded; the units are quarantined", body = ExcursionResponse),
        StaffOnly,
        (status = 404, description = "A unit does not exist (`unit_not_found`); nothing was recorded", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A unit is not in stock, e.g. issued or expired (`illegal_transition`); nothing was recorded", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/temperature-excursions")]
async fn record_excursion(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    body: ValidatedJson<ExcursionRequest>,
) -> ApiResult<HttpResponse> {
    let actor = staff(&caller)?;
    let b = body.0;
    let input = ExcursionInput {
        unit_ids: b.unit_ids,
        location: b.location,
        temperature_c: b.temperature_c,
        started_at: b.started_at,
        ended_at: b.ended_at,
        note: b.note,
    };
    let (excursion, quarantined) = units::record_excursion(&t3, input, &actor).await?;
    Ok(HttpResponse::Created().json(ExcursionResponse::new(excursion, quarantined)))
}

/// Stock by component and ABO/Rh group: available, reserved, quarantined, expiring soon, and
/// alerts for groups below their minimum stock.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(InventoryQuery),
    responses(
        (status = 200, description = "The summary", body = InventoryResponse),
        StaffOnly
    )
)]
#[get("/inventory")]
async fn inventory(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    query: ValidatedQuery<InventoryQuery>,
) -> ApiResult<web::Json<InventoryResponse>> {
    staff(&caller)?;
    let days = query.0.expiring_within_days.unwrap_or(DEFAULT_EXPIRING_WITHIN_DAYS);
    let (generated_at, lines) = units::inventory(&t3, days).await?;
    let lines: Vec<InventoryLineResponse> = lines.into_iter().map(Into::into).collect();
    let alerts = lines.iter().filter(|l| l.below_minimum).copied().collect();
    Ok(web::Json(InventoryResponse { generated_at, expiring_within_days: days, lines, alerts }))
}
