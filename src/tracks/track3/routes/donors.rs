//! Donors, deferrals, eligibility and donations.

use actix_web::{get, patch, post, web, HttpResponse};
use uuid::Uuid;

use super::{
    responses::{DonorErrors, StaffOnly},
    staff,
};
use crate::{
    gateway::{
        error::{ApiError, ApiResult, FieldViolation, Problem},
        extract::{ValidatedJson, ValidatedQuery},
        identity::{
            domain::{Email, PhoneNumber},
            dto::page_request,
        },
    },
    storage,
    tracks::track3::{
        domain::donor::{Contact, DonorChanges, DonorId, NewDonor},
        dto::{
            donations::{
                CreateDonationRequest, DonationPage, DonationResponse, EligibilityQuery, EligibilityResponse, PageQuery,
            },
            donors::{
                AddDeferralRequest, CreateDonorRequest, DeferralResponse, DonorListQuery, DonorPage, DonorResponse,
                UpdateDonorRequest,
            },
        },
        service::donors::{self, DonationInput, DonorQuery},
        Track3,
    },
};

/// Registers the donor routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_donor)
        .service(list_donors)
        .service(get_donor)
        .service(update_donor)
        .service(add_deferral)
        .service(list_deferrals)
        .service(check_eligibility)
        .service(record_donation)
        .service(list_donations);
}

fn parsed<T>(pointer: &str, value: Option<&str>, parse: fn(&str) -> Result<T, &'static str>) -> ApiResult<Option<T>> {
    value
        .map(|v| {
            parse(v).map_err(|message| {
                ApiError::validation(vec![FieldViolation {
                    pointer: pointer.into(),
                    code: "invalid".into(),
                    message: message.into(),
                }])
            })
        })
        .transpose()
}

/// Registers a blood donor.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    request_body = CreateDonorRequest,
    responses(
        (status = 201, description = "Registered", body = DonorResponse),
        StaffOnly
    )
)]
#[post("/donors")]
async fn create_donor(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    body: ValidatedJson<CreateDonorRequest>,
) -> ApiResult<HttpResponse> {
    staff(&caller)?;
    let b = body.0;
    let contact = Contact {
        phone: parsed("/phoneNumber", b.phone_number.as_deref(), PhoneNumber::parse)?,
        email: parsed("/email", b.email.as_deref(), Email::parse)?,
        address: b.address,
    };
    let new = NewDonor {
        full_name: b.full_name,
        national_id: b.national_id,
        date_of_birth: b.date_of_birth,
        sex: b.sex,
        weight_kg: b.weight_kg,
        blood_group: b.blood_group,
        abo_confirmed: b.abo_confirmed,
        contact,
    };
    let donor = donors::register(&t3, new).await?;
    Ok(HttpResponse::Created().json(DonorResponse::from(donor)))
}

/// Lists and searches donors, newest first.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(DonorListQuery),
    responses(
        (status = 200, description = "A page of donors", body = DonorPage),
        StaffOnly
    )
)]
#[get("/donors")]
async fn list_donors(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    query: ValidatedQuery<DonorListQuery>,
) -> ApiResult<web::Json<DonorPage>> {
    staff(&caller)?;
    let q = query.0;
    let page = page_request(q.page, q.per_page);
    let filter =
        DonorQuery { search: q.q, abo: q.abo, rh_positive: q.rh.map(|r| r.is_positive()), eligible: q.eligible };
    let found = donors::list(&t3, filter, page).await?;
    let items = found.items.into_iter().map(DonorResponse::from).collect();
    Ok(web::Json(DonorPage { items, page: page.page, per_page: page.per_page, total: found.total }))
}

/// One donor.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("donorId" = Uuid, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "The donor", body = DonorResponse),
        DonorErrors
    )
)]
#[get("/donors/{donorId}")]
async fn get_donor(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<DonorResponse>> {
    staff(&caller)?;
    Ok(web::Json(donors::donor(&t3, DonorId(*id)).await?.into()))
}

/// Changes a donor's name, national id, contact or weight.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("donorId" = Uuid, Path, description = "The donor's id")),
    request_body = UpdateDonorRequest,
    responses(
        (status = 200, description = "The updated donor", body = DonorResponse),
        DonorErrors
    )
)]
#[patch("/donors/{donorId}")]
async fn update_donor(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<UpdateDonorRequest>,
) -> ApiResult<web::Json<DonorResponse>> {
    staff(&caller)?;
    let b = body.0;
    let changes = DonorChanges {
        full_name: b.full_name,
        national_id: b.national_id,
        phone: parsed("/phoneNumber", b.phone_number.as_deref(), PhoneNumber::parse)?,
        email: parsed("/email", b.email.as_deref(), Email::parse)?,
        address: b.address,
        weight_kg: b.weight_kg,
    };
    Ok(web::Json(donors::update(&t3, DonorId(*id), changes).await?.into()))
}

/// Defers a donor from today, until a date or permanently.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("donorId" = Uuid, Path, description = "The donor's id")),
    request_body = AddDeferralRequest,
    responses(
        (status = 201, description = "Deferred", body = DeferralResponse),
        DonorErrors
    )
)]
#[post("/donors/{donorId}/deferrals")]
async fn add_deferral(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<AddDeferralRequest>,
) -> ApiResult<HttpResponse> {
    let actor = staff(&caller)?;
    let b = body.0;
    let deferral = donors::defer(&t3, DonorId(*id), b.reason, b.until, b.note, &actor).await?;
    Ok(HttpResponse::Created().json(DeferralResponse::new(deferral, storage::now().date_naive())))
}

/// A donor's deferrals, newest first, with whether each applies today.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("donorId" = Uuid, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "Every deferral of the donor", body = [DeferralResponse]),
        DonorErrors
    )
)]
#[get("/donors/{donorId}/deferrals")]
async fn list_deferrals(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<DeferralResponse>>> {
    staff(&caller)?;
    let today = storage::now().date_naive();
    let deferrals = donors::deferrals(&t3, DonorId(*id)).await?;
    Ok(web::Json(deferrals.into_iter().map(|d| DeferralResponse::new(d, today)).collect()))
}

/// Whether a donor may give a donation type on a day: every reason against, and the first
/// day they next may.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("donorId" = Uuid, Path, description = "The donor's id"), EligibilityQuery),
    responses(
        (status = 200, description = "The assessment", body = EligibilityResponse),
        DonorErrors
    )
)]
#[get("/donors/{donorId}/eligibility")]
async fn check_eligibility(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    query: ValidatedQuery<EligibilityQuery>,
) -> ApiResult<web::Json<EligibilityResponse>> {
    staff(&caller)?;
    let q = query.0;
    let donation_type = q.donation_type.unwrap_or_default();
    let on = q.on.unwrap_or_else(|| storage::now().date_naive());
    let (donor, assessment) = donors::eligibility(&t3, DonorId(*id), donation_type, on, q.hemoglobin_gdl).await?;
    Ok(web::Json(EligibilityResponse::new(donor.id.0, donation_type, on, &assessment)))
}

/// Records a donation and creates its units (quarantined until screening clears them).
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("donorId" = Uuid, Path, description = "The donor's id")),
    request_body = CreateDonationRequest,
    responses(
        (status = 201, description = "Recorded, with its units", body = DonationResponse),
        DonorErrors,
        (status = 409, description = "Not eligible, every reason in `detail` (`donor_not_eligible`); typing disagrees with the donor's group (`blood_group_mismatch`); donation number used (`unit_number_taken`); donor changed meanwhile (`donor_changed`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/donors/{donorId}/donations")]
async fn record_donation(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    body: ValidatedJson<CreateDonationRequest>,
) -> ApiResult<HttpResponse> {
    let actor = staff(&caller)?;
    let b = body.0;
    let input = DonationInput {
        donation_type: b.donation_type,
        hemoglobin_gdl: b.hemoglobin_gdl,
        volume_ml: b.volume_ml,
        collected_at: b.collected_at,
        blood_group: b.blood_group,
        components: b.components,
        donation_number: b.donation_number,
    };
    let (donation, units) = donors::record_donation(&t3, DonorId(*id), input, &actor).await?;
    let units = units.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Created().json(DonationResponse::new(donation, units)))
}

/// A donor's donation history, newest first.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("donorId" = Uuid, Path, description = "The donor's id"), PageQuery),
    responses(
        (status = 200, description = "A page of donations", body = DonationPage),
        DonorErrors
    )
)]
#[get("/donors/{donorId}/donations")]
async fn list_donations(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<web::Json<DonationPage>> {
    staff(&caller)?;
    let page = page_request(query.0.page, query.0.per_page);
    let found = donors::donations(&t3, DonorId(*id), page).await?;
    let items = found.items.into_iter().map(|d| DonationResponse::new(d, Vec::new())).collect();
    Ok(web::Json(DonationPage { items, page: page.page, per_page: page.per_page, total: found.total }))
}
