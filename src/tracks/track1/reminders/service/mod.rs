//! Reminder use cases over the store traits, without actix types: creating and editing (every
//! rule checked, every problem listed with its pointer), the life cycle, previews. Callers
//! have checked who may act on the reminder; deliveries are in [`deliveries`].

pub mod adherence;
pub mod callbacks;
pub mod deliveries;

use chrono::{DateTime, Duration, Utc};

use super::{
    domain::{DeliverySettings, NewReminder, Reminder, ReminderId, ReminderStatus, SmartFeatures},
    dto::{CreateReminderRequest, UpdateReminderRequest},
    error::ReminderError,
    rules::DeliveryMethod,
    schedule::{ReminderSchedule, ValidSchedule},
    store::{ReminderFilter, ReminderStore},
};
use crate::{
    gateway::{
        error::FieldViolation,
        identity::domain::{Page, PageRequest, UserId},
    },
    storage::StorageError,
};

type Result<T> = std::result::Result<T, ReminderError>;

fn violation(pointer: String, code: &str, message: String) -> FieldViolation {
    FieldViolation { pointer, code: code.to_owned(), message }
}

/// Every problem the schema cannot express in delivery settings and smart features; methods
/// given twice are kept once.
fn check_settings(delivery: &mut DeliverySettings, smart: &SmartFeatures) -> Vec<FieldViolation> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    delivery.methods.retain(|m| {
        if seen.contains(m) {
            false
        } else {
            seen.push(*m);
            true
        }
    });
    if let Err(problems) = delivery.retry_policy.validate() {
        out.extend(
            problems
                .into_iter()
                .map(|p| violation(format!("/delivery/retryPolicy{}", p.pointer), "out_of_range", p.message)),
        );
    }
    if let Err((pointer, message)) = delivery.escalation.validate() {
        out.push(violation(format!("/delivery/escalation{pointer}"), "out_of_range", message));
    }
    let prefs = &delivery.preferences;
    for method in &delivery.methods {
        let missing = match method {
            DeliveryMethod::Sms => prefs.sms.is_none(),
            DeliveryMethod::Email => prefs.email.is_none(),
            DeliveryMethod::Push => prefs.push.is_none(),
            DeliveryMethod::InApp => false,
        };
        if missing {
            let pointer = format!("/delivery/preferences/{}", method.as_str());
            out.push(violation(pointer, "required", format!("{} needs its address", method.as_str())));
        }
    }
    for (i, rule) in smart.escalation_rules.iter().enumerate() {
        if let Err((pointer, message)) = rule.validate() {
            out.push(violation(format!("/smartFeatures/escalationRules/{i}{pointer}"), "invalid", message));
        }
    }
    out
}

/// The schedule's first occurrence at or after `now`.
fn first_after(schedule: &ValidSchedule, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    schedule.next_after(now - Duration::milliseconds(1))
}

fn checked(schedule: ReminderSchedule, now: DateTime<Utc>, settings: Vec<FieldViolation>) -> Result<ValidSchedule> {
    let valid = schedule.validate_new(now).map_err(|e| e.under("/schedule"));
    match (valid, settings.is_empty()) {
        (Ok(valid), true) => Ok(valid),
        (Ok(_), false) => Err(ReminderError::Invalid(settings)),
        (Err(e), true) => Err(e.into()),
        (Err(e), false) => {
            let mut all = crate::gateway::error::ApiErrorCode::violations(&e);
            all.extend(settings);
            Err(ReminderError::Invalid(all))
        }
    }
}

/// Creates a reminder for `patient` on behalf of `actor`.
pub async fn create(
    store: &dyn ReminderStore,
    patient: UserId,
    actor: UserId,
    req: CreateReminderRequest,
    now: DateTime<Utc>,
) -> Result<Reminder> {
    let mut delivery = req.delivery;
    let smart = req.smart_features.unwrap_or_default();
    let problems = check_settings(&mut delivery, &smart);
    let valid = checked(req.schedule, now, problems)?;
    let new = NewReminder {
        user_id: patient,
        title: req.title,
        message: req.message,
        reminder_type: req.reminder_type,
        category: req.category,
        schedule: valid.spec().clone(),
        delivery,
        smart_features: smart,
    };
    let reminder = Reminder::create(new, first_after(&valid, now), actor, now);
    store.insert(&reminder).await?;
    Ok(reminder)
}

/// A reminder by id.
pub async fn get(store: &dyn ReminderStore, id: ReminderId) -> Result<Reminder> {
    store.find(id).await?.ok_or(ReminderError::ReminderNotFound(id.0))
}

/// A page of reminders.
pub async fn list(store: &dyn ReminderStore, filter: &ReminderFilter, page: PageRequest) -> Result<Page<Reminder>> {
    Ok(store.list(filter, page).await?)
}

fn lost(id: ReminderId, err: StorageError) -> ReminderError {
    match err {
        StorageError::NotFound => ReminderError::ReminderNotFound(id.0),
        StorageError::Conflict(_) => ReminderError::Changed(id.0),
        other => other.into(),
    }
}

/// Applies a PATCH; a new schedule restarts from `now`.
pub async fn update(
    store: &dyn ReminderStore,
    mut r: Reminder,
    req: UpdateReminderRequest,
    actor: UserId,
    now: DateTime<Utc>,
) -> Result<Reminder> {
    if !r.status.is_open() {
        return Err(ReminderError::Closed(r.id.0));
    }
    let mut delivery = req.delivery.unwrap_or_else(|| r.delivery.clone());
    let smart = req.smart_features.unwrap_or_else(|| r.smart_features.clone());
    let problems = check_settings(&mut delivery, &smart);
    let schedule_changed = req.schedule.is_some();
    let valid = match req.schedule {
        Some(s) => checked(s, now, problems)?,
        None if problems.is_empty() => r.schedule.clone().validate()?,
        None => return Err(ReminderError::Invalid(problems)),
    };
    if schedule_changed {
        r.next_occurrence_at = first_after(&valid, now);
        r.schedule = valid.spec().clone();
    }
    r.title = req.title.unwrap_or(r.title);
    r.message = req.message.unwrap_or(r.message);
    r.category = req.category.or(r.category);
    r.delivery = delivery;
    r.smart_features = smart;
    r.touch(actor, now);
    store.update(&r).await.map_err(|e| lost(r.id, e))?;
    Ok(r)
}

/// Pauses, resumes, completes or cancels. Resuming starts again from `now`: occurrences that
/// fell in the pause are not sent.
pub async fn set_status(
    store: &dyn ReminderStore,
    mut r: Reminder,
    to: ReminderStatus,
    actor: UserId,
    now: DateTime<Utc>,
) -> Result<Reminder> {
    let from = r.status;
    r.transition(to, actor, now).map_err(|from| ReminderError::IllegalStatus { from, to })?;
    if from == ReminderStatus::Paused && to == ReminderStatus::Active {
        r.next_occurrence_at = first_after(&r.schedule.clone().validate()?, now);
    }
    store.update(&r).await.map_err(|e| lost(r.id, e))?;
    Ok(r)
}

/// The next `count` occurrences after `now`.
pub fn preview(r: &Reminder, count: usize, now: DateTime<Utc>) -> Result<(Vec<DateTime<Utc>>, Vec<String>)> {
    let valid = r.schedule.clone().validate()?;
    let at = valid.preview(now, count);
    let local = at.iter().map(|t| t.with_timezone(&valid.tz()).to_rfc3339()).collect();
    Ok((at, local))
}
