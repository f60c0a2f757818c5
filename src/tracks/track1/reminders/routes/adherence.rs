//! Adherence reports: per reminder and per patient over a period.

use actix_web::{get, web};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::{
    gateway::{
        error::{ApiResult, Problem},
        extract::ValidatedQuery,
        identity::{domain::UserId, guard::AuthUser, Identity},
    },
    tracks::track1::{
        reminders::{
            domain::ReminderId,
            dto::deliveries::{AdherenceQuery, ReminderAdherenceReport, ReminderDose},
            error::ReminderError,
            rules::adherence::AdherenceWindows,
            service::{self, adherence},
            store::{DeliveryFilter, ReminderFilter},
        },
        Track1,
    },
};

/// Registers the report routes (before `/{id}`).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(patient_adherence).service(reminder_adherence);
}

async fn build(t1: &Track1, filter: DeliveryFilter, tz: Tz, q: &AdherenceQuery) -> ApiResult<ReminderAdherenceReport> {
    adherence::check_period(q.from, q.to)?;
    let filter = DeliveryFilter { from: Some(q.from), to: Some(q.to), ..filter };
    let windows = AdherenceWindows {
        missed_after_minutes: t1.reminders.settings.missed_after_minutes,
        ..AdherenceWindows::default()
    };
    let now = t1.reminders.engine.clock().now();
    let (doses, summary) =
        adherence::report(t1.reminders.stores.deliveries.as_ref(), &filter, tz, &windows, now).await?;
    let doses = doses
        .into_iter()
        .map(|d| ReminderDose {
            reminder_id: d.reminder_id.0,
            scheduled_for: d.scheduled_for,
            acknowledged_at: d.acknowledged_at,
            outcome: d.outcome,
        })
        .collect();
    Ok(ReminderAdherenceReport { from: q.from, to: q.to, timezone: tz.name().to_owned(), summary, doses })
}

fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// Adherence to one reminder over a period: every dose on time, late, missed or pending, and
/// the proportion of days covered (PDC; ≥ 0.8 is adherent), days in the reminder's time zone.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Reminder id"), AdherenceQuery),
    responses(
        (status = 200, description = "The report", body = ReminderAdherenceReport),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another patient's reminder", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reminder", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid period", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/{id}/adherence")]
async fn reminder_adherence(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: ValidatedQuery<AdherenceQuery>,
) -> ApiResult<web::Json<ReminderAdherenceReport>> {
    let r = service::get(t1.reminders.stores.reminders.as_ref(), ReminderId(*id)).await?;
    let resource = format!("reminders/{}/adherence", r.id.0);
    caller
        .authorize_record(r.user_id, identity.stores.audit.as_ref(), "reminder.adherence.read", &resource)
        .await
        .map_err(ReminderError::from)?;
    let filter = DeliveryFilter { reminder_id: Some(r.id), ..DeliveryFilter::default() };
    Ok(web::Json(build(&t1, filter, zone(&r.schedule.timezone), &query.0).await?))
}

/// A patient's adherence over a period, across their reminders (the caller's own; staff name
/// `userId`), days in the time zone of the patient's latest reminder.
#[utoipa::path(
    tag = "track1",
    security(("bearer" = [])),
    params(AdherenceQuery),
    responses(
        (status = 200, description = "The report", body = ReminderAdherenceReport),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another patient", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid period", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/adherence")]
async fn patient_adherence(
    t1: web::Data<Track1>,
    identity: web::Data<Identity>,
    caller: AuthUser,
    query: ValidatedQuery<AdherenceQuery>,
) -> ApiResult<web::Json<ReminderAdherenceReport>> {
    let patient = query.0.user_id.map_or(caller.id, UserId);
    let resource = format!("reminders/adherence/{}", patient.0);
    caller
        .authorize_record(patient, identity.stores.audit.as_ref(), "reminder.adherence.read", &resource)
        .await
        .map_err(ReminderError::from)?;
    let latest = ReminderFilter { user_id: Some(patient), ..ReminderFilter::default() };
    let page = crate::gateway::identity::domain::PageRequest { page: 1, per_page: 1 };
    let found = service::list(t1.reminders.stores.reminders.as_ref(), &latest, page).await?;
    let tz = found.items.first().map_or(Tz::UTC, |r| zone(&r.schedule.timezone));
    let filter = DeliveryFilter { user_id: Some(patient), ..DeliveryFilter::default() };
    Ok(web::Json(build(&t1, filter, tz, &query.0).await?))
}
