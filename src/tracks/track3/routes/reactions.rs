//! Transfusion reactions and the donor recall list.

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
        domain::{donor::DonorId, reactions::NewReaction, requests::RequestId, units::UnitId},
        dto::transfusion::{
            DueRecallPage, ReactionListQuery, ReactionPage, ReactionRequest, ReactionResponse, RecallQuery,
            RecallResponse,
        },
        service::reactions,
        store::ReactionFilter,
        Track3,
    },
};

/// Registers the reaction and recall routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(report_reaction).service(list_reactions).service(list_due_recalls).service(complete_recall);
}

/// Reports a transfusion reaction against the unit given; it is linked to the unit's
/// donation and donor.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    request_body = ReactionRequest,
    responses(
        (status = 201, description = "Reported", body = ReactionResponse),
        UnitErrors,
        (status = 409, description = "The unit was never issued to a patient (`unit_not_issued`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`occurredAt` before the unit's collection or in the future (`validation_failed`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/reactions")]
async fn report_reaction(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    body: ValidatedJson<ReactionRequest>,
) -> ApiResult<HttpResponse> {
    let actor = staff(&caller)?;
    let b = body.0;
    let new = NewReaction {
        reaction_type: b.reaction_type,
        severity: b.severity,
        occurred_at: b.occurred_at,
        description: b.description,
    };
    let reaction = reactions::report(&t3, UnitId(b.unit_id), new, &actor).await?;
    Ok(HttpResponse::Created().json(ReactionResponse::from(reaction)))
}

/// Lists transfusion reactions, most recent first, per donor, unit or request.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(ReactionListQuery),
    responses(
        (status = 200, description = "A page of reactions", body = ReactionPage),
        StaffOnly
    )
)]
#[get("/reactions")]
async fn list_reactions(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    query: ValidatedQuery<ReactionListQuery>,
) -> ApiResult<web::Json<ReactionPage>> {
    staff(&caller)?;
    let q = query.0;
    let page = page_request(q.page, q.per_page);
    let filter = ReactionFilter {
        donor_id: q.donor_id.map(DonorId),
        unit_id: q.unit_id.map(UnitId),
        request_id: q.request_id.map(RequestId),
    };
    let found = reactions::list(&t3, filter, page).await?;
    let items = found.items.into_iter().map(Into::into).collect();
    Ok(web::Json(ReactionPage { items, page: page.page, per_page: page.per_page, total: found.total }))
}

/// Donors due for recall on a day: pending recalls (written with each donation, due on the
/// donor's next eligible day for the same donation type) due on or before `on`, leaving out
/// donors deferred that day. The outbox a reminders engine can also consume.
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(RecallQuery),
    responses(
        (status = 200, description = "A page of due recalls, earliest due first", body = DueRecallPage),
        StaffOnly
    )
)]
#[get("/recalls/due")]
async fn list_due_recalls(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    query: ValidatedQuery<RecallQuery>,
) -> ApiResult<web::Json<DueRecallPage>> {
    staff(&caller)?;
    let q = query.0;
    let page = page_request(q.page, q.per_page);
    let (on, found) = reactions::due_recalls(&t3, q.on, page).await?;
    let items = found.items.into_iter().map(Into::into).collect();
    Ok(web::Json(DueRecallPage { on, items, page: page.page, per_page: page.per_page, total: found.total }))
}

/// Marks a pending recall done (the donor was contacted).
#[utoipa::path(
    tag = "track3",
    security(("bearer" = [])),
    params(("recallId" = Uuid, Path, description = "The recall's id")),
    responses(
        (status = 200, description = "Done", body = RecallResponse),
        StaffOnly,
        (status = 404, description = "No such recall (`recall_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not pending: done already or superseded by a later donation (`illegal_transition`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/recalls/{recallId}/done")]
async fn complete_recall(
    t3: web::Data<Track3>,
    caller: super::AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<RecallResponse>> {
    staff(&caller)?;
    Ok(web::Json(reactions::complete_recall(&t3, *id).await?.into()))
}
