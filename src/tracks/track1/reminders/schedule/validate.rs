//! From the received [`ReminderSchedule`] to a [`ValidSchedule`], collecting every problem.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use rrule::{Frequency, RRule, Unvalidated};

use super::{
    local, DateRule, RecurrencePattern, Recurring, ReminderRecurrence, ReminderSchedule, Rule, ScheduleError,
    ScheduleType, ScheduleViolation as V, ValidSchedule, MAX_RRULE_LEN, MAX_TIMES_PER_DAY,
};

/// Largest `interval`.
const MAX_INTERVAL: u32 = 366;

impl ReminderSchedule {
    /// Checks the schedule on its own (what a stored schedule must satisfy).
    pub fn validate(self) -> Result<ValidSchedule, ScheduleError> {
        let mut errors = Vec::new();
        let tz = self.timezone.parse::<Tz>().map_err(|_| {
            errors.push(V::new(
                "/timezone",
                "unknown_time_zone",
                format!("`{}` is not an IANA time zone, e.g. Europe/Paris", self.timezone),
            ))
        });
        if let (Some(start), Some(end)) = (self.start_date, self.end_date) {
            if end < start {
                errors.push(V::new("/endDate", "end_before_start", "endDate must not be before startDate"));
            }
        }
        let rule = match self.schedule_type {
            ScheduleType::OneTime => one_time(&self, &mut errors),
            ScheduleType::Recurring => tz.ok().and_then(|tz| recurring(&self, tz, &mut errors)),
        };
        match (tz, rule) {
            (Ok(tz), Some(rule)) if errors.is_empty() => Ok(ValidSchedule { spec: self, tz, rule }),
            _ => Err(ScheduleError { violations: errors }),
        }
    }

    /// [`Self::validate`] plus what only holds when a reminder is created or rescheduled at
    /// `now`: a one-time reminder and an `endDate` are in the future, and it fires at least once.
    pub fn validate_new(self, now: DateTime<Utc>) -> Result<ValidSchedule, ScheduleError> {
        let valid = self.validate()?;
        let spec = valid.spec();
        let mut errors = Vec::new();
        if let (ScheduleType::OneTime, Some(at)) = (spec.schedule_type, spec.scheduled_time) {
            if at <= now {
                errors.push(V::new("/scheduledTime", "scheduled_time_in_past", "scheduledTime must be in the future"));
            }
        }
        if let Some(end) = spec.end_date.filter(|end| *end <= now) {
            errors.push(V::new("/endDate", "end_date_in_past", format!("endDate {end} is in the past")));
        }
        if errors.is_empty() && valid.next_after(now).is_none() {
            errors.push(V::new("", "no_occurrences", "the schedule never fires after now"));
        }
        if errors.is_empty() {
            Ok(valid)
        } else {
            Err(ScheduleError { violations: errors })
        }
    }
}

fn one_time(spec: &ReminderSchedule, errors: &mut Vec<V>) -> Option<Rule> {
    if spec.recurrence.is_some() {
        errors.push(V::new("/recurrence", "not_applicable", "a one_time schedule has no recurrence"));
    }
    if spec.scheduled_time.is_none() {
        errors.push(V::new("/scheduledTime", "scheduled_time_required", "a one_time schedule needs scheduledTime"));
    }
    spec.scheduled_time.map(Rule::Once)
}

fn recurring(spec: &ReminderSchedule, tz: Tz, errors: &mut Vec<V>) -> Option<Rule> {
    if spec.scheduled_time.is_some() {
        errors.push(V::new("/scheduledTime", "not_applicable", "a recurring schedule uses recurrence.times"));
    }
    let Some(start) = spec.start_date else {
        errors.push(V::new("/startDate", "start_date_required", "a recurring schedule needs startDate"));
        return None;
    };
    let Some(recurrence) = &spec.recurrence else {
        errors.push(V::new("/recurrence", "recurrence_required", "a recurring schedule needs recurrence"));
        return None;
    };
    let times = times(&recurrence.times, errors);
    let dates = date_rule(recurrence, local::local_date(tz, start), errors)?;
    Some(Rule::Recurring(Recurring { dates, times: times?, start, end: spec.end_date }))
}

/// `HH:MM` on a 24-hour clock, sorted and without repeats.
fn times(raw: &[String], errors: &mut Vec<V>) -> Option<Vec<NaiveTime>> {
    if raw.is_empty() {
        errors.push(V::new("/recurrence/times", "times_required", "give at least one time, e.g. \"08:00\""));
        return None;
    }
    if raw.len() > MAX_TIMES_PER_DAY {
        let message = format!("at most {MAX_TIMES_PER_DAY} times a day");
        errors.push(V::new("/recurrence/times", "too_many_times", message));
        return None;
    }
    let before = errors.len();
    let mut parsed: Vec<NaiveTime> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let ok = t.len() == 5 && t.as_bytes()[2] == b':';
            let time = NaiveTime::parse_from_str(t, "%H:%M").ok().filter(|_| ok);
            if time.is_none() {
                errors.push(V::new(
                    format!("/recurrence/times/{i}"),
                    "invalid_time",
                    format!("`{t}` is not a time of day as HH:MM (00:00 to 23:59)"),
                ));
            }
            time
        })
        .collect();
    parsed.sort_unstable();
    parsed.dedup();
    (errors.len() == before).then_some(parsed)
}

/// Weekday bits (bit 0 = Sunday) from the plan's 0–6 numbers.
fn weekdays(days: &[u8], errors: &mut Vec<V>) -> u8 {
    days.iter().enumerate().fold(0, |bits, (i, day)| {
        if *day > 6 {
            let message = format!("{day} is not a weekday: 0 (Sunday) to 6 (Saturday)");
            errors.push(V::new(format!("/recurrence/daysOfWeek/{i}"), "invalid_day_of_week", message));
            bits
        } else {
            bits | (1 << day)
        }
    })
}

fn date_rule(r: &ReminderRecurrence, start: chrono::NaiveDate, errors: &mut Vec<V>) -> Option<DateRule> {
    use chrono::Datelike;
    let not_applicable = |field: &str| {
        let message = format!("{field} does not apply to a {} recurrence", pattern_name(r.pattern));
        V::new(format!("/recurrence/{field}"), "not_applicable", message)
    };
    if r.interval == 0 || r.interval > MAX_INTERVAL {
        let message = format!("interval must be 1 to {MAX_INTERVAL}");
        errors.push(V::new("/recurrence/interval", "invalid_interval", message));
    }
    if r.pattern != RecurrencePattern::Custom && r.rrule.is_some() {
        errors.push(not_applicable("rrule"));
    }
    if r.pattern != RecurrencePattern::Monthly && !r.days_of_month.is_empty() {
        errors.push(not_applicable("daysOfMonth"));
    }
    if matches!(r.pattern, RecurrencePattern::Monthly | RecurrencePattern::Custom) && !r.days_of_week.is_empty() {
        errors.push(not_applicable("daysOfWeek"));
    }
    for (field, len, max) in [("daysOfWeek", r.days_of_week.len(), 7), ("daysOfMonth", r.days_of_month.len(), 31)] {
        if len > max {
            errors.push(V::new(format!("/recurrence/{field}"), "too_many_days", format!("at most {max} days")));
        }
    }
    let interval = r.interval.clamp(1, MAX_INTERVAL);
    let start_weekday = 1 << start.weekday().num_days_from_sunday();
    let rule = match r.pattern {
        RecurrencePattern::Daily => match weekdays(&r.days_of_week, errors) {
            0 => DateRule::Daily { interval, weekdays: 0x7f },
            bits => DateRule::Daily { interval, weekdays: bits },
        },
        RecurrencePattern::Weekly => match weekdays(&r.days_of_week, errors) {
            0 => DateRule::Weekly { interval, weekdays: start_weekday },
            bits => DateRule::Weekly { interval, weekdays: bits },
        },
        RecurrencePattern::Monthly => DateRule::Monthly { interval, days: month_days(&r.days_of_month, start, errors) },
        RecurrencePattern::Custom => {
            if r.interval != 1 {
                errors.push(not_applicable("interval"));
            }
            DateRule::Custom(Box::new(custom(r.rrule.as_deref(), start, errors)?))
        }
    };
    Some(rule)
}

fn month_days(days: &[u8], start: chrono::NaiveDate, errors: &mut Vec<V>) -> Vec<u32> {
    use chrono::Datelike;
    let mut out: Vec<u32> = days
        .iter()
        .enumerate()
        .filter_map(|(i, day)| {
            if (1..=31).contains(day) {
                return Some(u32::from(*day));
            }
            let message = format!("{day} is not a day of the month: 1 to 31");
            errors.push(V::new(format!("/recurrence/daysOfMonth/{i}"), "invalid_day_of_month", message));
            None
        })
        .collect();
    if out.is_empty() {
        out.push(start.day());
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Parses the RRULE and anchors it at `start` 00:00 in floating time (wall clock read as UTC),
/// so it only picks dates and the time zone rules stay ours.
fn custom(text: Option<&str>, start: chrono::NaiveDate, errors: &mut Vec<V>) -> Option<rrule::RRuleSet> {
    let pointer = "/recurrence/rrule";
    let Some(text) = text else {
        errors.push(V::new(pointer, "rrule_required", "a custom recurrence needs rrule"));
        return None;
    };
    let mut invalid = |message: String| errors.push(V::new(pointer, "invalid_rrule", message));
    let body = text.trim().strip_prefix("RRULE:").unwrap_or(text.trim());
    if text.chars().count() > MAX_RRULE_LEN
        || body.contains(['\n', '\r'])
        || body.to_ascii_uppercase().contains("DTSTART")
    {
        invalid(format!("give one RRULE line of at most {MAX_RRULE_LEN} characters, without DTSTART"));
        return None;
    }
    let parsed: RRule<Unvalidated> = match body.parse() {
        Ok(rule) => rule,
        Err(e) => {
            invalid(format!("not an RFC 5545 RRULE: {e}"));
            return None;
        }
    };
    if matches!(parsed.get_freq(), Frequency::Hourly | Frequency::Minutely | Frequency::Secondly) {
        invalid("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY: recurrence.times gives the hours".into());
        return None;
    }
    if !(parsed.get_by_hour().is_empty() && parsed.get_by_minute().is_empty() && parsed.get_by_second().is_empty()) {
        invalid("BYHOUR, BYMINUTE and BYSECOND are not allowed: recurrence.times gives the hours".into());
        return None;
    }
    parsed.build(local::floating(start)).map_err(|e| invalid(format!("not a usable RRULE: {e}"))).ok()
}

fn pattern_name(p: RecurrencePattern) -> &'static str {
    match p {
        RecurrencePattern::Daily => "daily",
        RecurrencePattern::Weekly => "weekly",
        RecurrencePattern::Monthly => "monthly",
        RecurrencePattern::Custom => "custom",
    }
}
