//! Reminders and their deliveries. A reminder of a migrated patient keeps its content,
//! schedule (in its time zone) and status; an active one gets its next occurrence from now on,
//! so the engine carries on. A delivery keeps its times, method, status and provider report,
//! under the idempotency key `legacy:<delivery_id>`; a legacy `pending` delivery becomes
//! `skipped` (its time has passed; the reminder materialises the next ones).

use async_trait::async_trait;
use chrono::DateTime;
use serde_json::{json, Value};

use super::{
    normalise::{ms, target_id, Source},
    report::Action,
    source::{DeliveryRow, ReminderRow},
    written, Handle, Migration, Mode, Written,
};
use crate::tracks::track1::reminders::{
    domain::{
        delivery::{Delivery, DeliveryContext, DeliveryId, DeliveryKind, ProviderReport, UserResponse},
        parse_name, NewReminder, Reminder, ReminderId, ReminderStatus,
    },
    rules::status::DeliveryStatus,
    schedule::ReminderSchedule,
};

const REMINDERS: &str = "reminders";
const DELIVERIES: &str = "reminder_deliveries";

#[async_trait]
impl Handle<ReminderRow> for Migration {
    async fn handle(&mut self, row: ReminderRow) -> anyhow::Result<()> {
        self.report.tally(REMINDERS).read += 1;
        let Some(reminder) = self.reminder(&row) else { return Ok(()) };
        self.expected.reminders += 1;
        let entry = (reminder.id.0, reminder.user_id, reminder.schedule.timezone.clone());
        self.reminders.insert(row.reminder_id, entry);
        match self.options.mode {
            Mode::Verify => {
                let found = self.targets.reminders.reminders.find(reminder.id).await?;
                self.check(REMINDERS, row.reminder_id, reminder_print(&reminder), found.as_ref().map(reminder_print));
            }
            Mode::DryRun => self.count(REMINDERS, Written::New),
            Mode::Write => {
                let outcome = written(self.targets.reminders.reminders.insert(&reminder).await)?;
                self.count(REMINDERS, outcome);
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Handle<DeliveryRow> for Migration {
    async fn handle(&mut self, row: DeliveryRow) -> anyhow::Result<()> {
        self.report.tally(DELIVERIES).read += 1;
        let Some(delivery) = self.delivery(&row) else { return Ok(()) };
        self.expected.deliveries += 1;
        match self.options.mode {
            Mode::Verify => {
                let found = self.targets.reminders.deliveries.find(delivery.id).await?;
                self.check(DELIVERIES, row.delivery_id, delivery_print(&delivery), found.as_ref().map(delivery_print));
            }
            Mode::DryRun => self.count(DELIVERIES, Written::New),
            Mode::Write => {
                let new = self.targets.reminders.deliveries.insert_new(std::slice::from_ref(&delivery)).await?;
                self.count(DELIVERIES, if new > 0 { Written::New } else { Written::Existing });
            }
        }
        Ok(())
    }
}

fn reminder_print(r: &Reminder) -> String {
    format!(
        "{:?}",
        (r.id, r.user_id, &r.title, &r.message, r.reminder_type, &r.category, &r.schedule, r.status, r.created_at)
    )
}

fn delivery_print(d: &Delivery) -> String {
    format!(
        "{:?}",
        (
            d.id,
            d.reminder_id,
            d.user_id,
            d.method,
            d.status,
            d.scheduled_for,
            d.sent_at,
            d.delivered_at,
            d.acknowledged_at,
            &d.provider
        )
    )
}

impl Migration {
    fn reminder(&mut self, row: &ReminderRow) -> Option<Reminder> {
        let original = row.reminder_id;
        let Some(user_id) = row.patient_id.and_then(|p| self.users.get(&(Source::Track1, p)).copied()) else {
            self.skip(REMINDERS, original, "orphan", format!("patient {:?} does not exist", row.patient_id));
            return None;
        };
        let start_date = row.start_date.as_deref().map(str::trim).filter(|d| !d.is_empty()).and_then(|text| {
            let parsed = DateTime::parse_from_rfc3339(text).ok().map(|d| ms(d.to_utc()));
            if parsed.is_none() {
                let detail = format!("start_date `{text}` is not an RFC 3339 time; the creation time is used");
                self.report.find(REMINDERS, original, "bad_date", Action::MigratedFieldReplaced, detail);
            }
            parsed
        });
        // A recurring schedule needs a start: the reminder's creation is the legacy system's own default.
        let start_date = start_date.unwrap_or_else(|| ms(row.created_at));
        let recurrence = row.pattern.as_ref().map(|pattern| {
            json!({
                "pattern": pattern,
                "interval": row.interval_n.unwrap_or(1),
                "daysOfWeek": row.days_of_week.clone().unwrap_or_default(),
                "times": row.times.clone().unwrap_or_default(),
            })
        });
        let schedule = json!({
            "type": row.schedule_type,
            "timezone": row.timezone.clone()
                .or_else(|| row.patient_id.and_then(|p| self.timezones.get(&p).cloned()))
                .unwrap_or_else(|| "UTC".into()),
            "startDate": start_date,
            "endDate": row.end_date.map(ms),
            "scheduledTime": row.scheduled_time.map(ms),
            "recurrence": recurrence,
        });
        let methods = row.methods.clone().filter(|m| !m.is_empty()).unwrap_or_else(|| vec!["in_app".into()]);
        let parsed = (
            parse_name(&row.reminder_type),
            serde_json::from_value::<ReminderSchedule>(strip_nulls(schedule)),
            serde_json::from_value(json!({ "methods": methods })),
            parse_name::<ReminderStatus>(&row.status),
        );
        let (Some(reminder_type), Ok(schedule), Ok(delivery), Some(status)) = parsed else {
            let detail = format!("type `{}`, schedule or status `{}` not understood", row.reminder_type, row.status);
            self.skip(REMINDERS, original, "bad_value", detail);
            return None;
        };
        let valid = match schedule.clone().validate() {
            Ok(valid) => valid,
            Err(err) => {
                self.skip(REMINDERS, original, "bad_value", format!("schedule: {err}"));
                return None;
            }
        };
        let next = (status == ReminderStatus::Active).then(|| valid.next_after(self.migrated_at)).flatten();
        let new = NewReminder {
            user_id,
            title: row.title.clone(),
            message: row.message.clone(),
            reminder_type,
            category: row.category.clone(),
            schedule,
            delivery,
            smart_features: Default::default(),
        };
        let mut reminder = Reminder::create(new, next, user_id, ms(row.created_at));
        reminder.id = ReminderId(target_id(Source::Track1, REMINDERS, original));
        reminder.status = status;
        reminder.updated_at = ms(row.updated_at);
        Some(reminder)
    }

    fn delivery(&mut self, row: &DeliveryRow) -> Option<Delivery> {
        let original = row.delivery_id;
        let Some((reminder_id, user_id, timezone)) = row.reminder_id.and_then(|r| self.reminders.get(&r).cloned())
        else {
            self.skip(DELIVERIES, original, "orphan", format!("reminder {:?} was not migrated", row.reminder_id));
            return None;
        };
        let status = if row.status == "pending" { Some(DeliveryStatus::Skipped) } else { parse_name(&row.status) };
        let (Some(method), Some(status)) = (parse_name(&row.method), status) else {
            let detail = format!("method `{}` or status `{}` not understood", row.method, row.status);
            self.skip(DELIVERIES, original, "bad_value", detail);
            return None;
        };
        let scheduled_for = ms(row.scheduled_for);
        Some(Delivery {
            id: DeliveryId(target_id(Source::Track1, DELIVERIES, original)),
            reminder_id: ReminderId(reminder_id),
            user_id,
            idempotency_key: format!("legacy:{original}"),
            kind: DeliveryKind::Scheduled,
            recipient: None,
            occurrence_at: scheduled_for,
            scheduled_for,
            method,
            status,
            due_at: None,
            lease: None,
            sent_at: row.sent_at.map(ms),
            delivered_at: row.delivered_at.map(ms),
            acknowledged_at: row.acknowledged_at.map(ms),
            missed_at: None,
            provider: ProviderReport {
                name: row.provider_name.clone(),
                message_id: row.provider_message_id.clone(),
                error_message: row.error_message.clone(),
                ..ProviderReport::default()
            },
            user_response: row.acknowledged_at.map(|_| UserResponse { acknowledged: true, ..UserResponse::default() }),
            retry_count: u32::try_from(row.retry_count).unwrap_or(0),
            max_retries: 3,
            next_retry_at: None,
            final_attempt: status == DeliveryStatus::Failed,
            context: DeliveryContext { user_timezone: timezone },
            created_at: ms(row.created_at),
            updated_at: ms(row.updated_at),
        })
    }
}

/// Drops null members so absent legacy columns take the schedule's defaults.
fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}
