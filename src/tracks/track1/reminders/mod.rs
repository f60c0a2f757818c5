//! Reminders: time-zone-aware schedules, delivery by in-app, SMS, email and push with retries,
//! acknowledgement and escalation (the plan's `reminders` and `reminder_deliveries`).

pub mod channels;
pub mod rules;
pub mod schedule;
