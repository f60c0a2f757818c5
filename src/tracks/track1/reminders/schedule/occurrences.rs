//! Listing a schedule's instants: dates from the pattern, times of day on each, resolved in the
//! zone (see the module rules), in increasing order without repeats.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::{local, DateRule, Recurring, Rule, ValidSchedule};

/// How far past its first candidate date a listing looks (a monthly rule with the largest
/// interval fires every 30½ years).
const HORIZON_DAYS: i64 = 100 * 366;

impl ValidSchedule {
    /// Up to `limit` instants strictly after `after`, in order.
    pub fn occurrences_after(&self, after: DateTime<Utc>, limit: usize) -> Vec<DateTime<Utc>> {
        self.instants_from(after).filter(|at| *at > after).take(limit).collect()
    }

    /// Every instant in `[from, to)`, in order. The caller bounds the window: a daily schedule
    /// with 24 times yields 8,784 instants a year.
    pub fn occurrences_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        self.instants_from(from).take_while(|at| *at < to).collect()
    }

    /// Instants at or after `from`, in order.
    fn instants_from(&self, from: DateTime<Utc>) -> Box<dyn Iterator<Item = DateTime<Utc>> + '_> {
        match &self.rule {
            Rule::Once(at) => Box::new(Some(*at).into_iter().filter(move |at| *at >= from)),
            Rule::Recurring(r) => Box::new(self.recurring_from(r, from)),
        }
    }

    fn recurring_from<'a>(&'a self, r: &'a Recurring, from: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> + 'a {
        let tz = self.tz;
        let start_date = local::local_date(tz, r.start);
        // A day earlier: a time in a gap may resolve into the next day.
        let first = start_date.max(local::local_date(tz, from) - Duration::days(1));
        let lower = from.max(r.start);
        let mut previous = None;
        dates(&r.dates, start_date, first)
            .flat_map(move |date| r.times.iter().filter_map(move |time| local::resolve(tz, date.and_time(*time))))
            .filter(move |at| {
                let fresh = previous != Some(*at);
                previous = Some(*at);
                fresh
            })
            .skip_while(move |at| *at < lower)
            .take_while(move |at| r.end.is_none_or(|end| *at <= end))
    }
}

/// The pattern's dates from `first` on.
fn dates<'a>(rule: &'a DateRule, start: NaiveDate, first: NaiveDate) -> Box<dyn Iterator<Item = NaiveDate> + 'a> {
    let horizon = first + Duration::days(HORIZON_DAYS);
    if let DateRule::Custom(set) = rule {
        let dates = set.into_iter().map(|at| at.date_naive());
        return Box::new(dates.skip_while(move |d| *d < first).take_while(move |d| *d <= horizon));
    }
    let days = first.iter_days().take_while(move |d| *d <= horizon);
    Box::new(days.filter(move |date| matches(rule, start, *date)))
}

/// Whether a daily, weekly or monthly rule fires on `date` (never before `start`).
fn matches(rule: &DateRule, start: NaiveDate, date: NaiveDate) -> bool {
    let weekday_bit = |d: NaiveDate| 1u8 << d.weekday().num_days_from_sunday();
    match rule {
        DateRule::Daily { interval, weekdays } => {
            (date - start).num_days() % i64::from(*interval) == 0 && weekdays & weekday_bit(date) != 0
        }
        DateRule::Weekly { interval, weekdays } => {
            let monday = |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
            let weeks = (monday(date) - monday(start)).num_days() / 7;
            weeks % i64::from(*interval) == 0 && weekdays & weekday_bit(date) != 0
        }
        DateRule::Monthly { interval, days } => {
            let months = (date.year() - start.year()) * 12 + date.month0() as i32 - start.month0() as i32;
            let last = last_day_of_month(date);
            // A day the month lacks fires on its last day.
            months % *interval as i32 == 0 && days.iter().any(|d| (*d).min(last) == date.day())
        }
        DateRule::Custom(_) => false,
    }
}

fn last_day_of_month(date: NaiveDate) -> u32 {
    (28..=31).rev().find(|d| date.with_day(*d).is_some()).unwrap_or(28)
}
