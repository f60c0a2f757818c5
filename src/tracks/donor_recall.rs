//! Donor recall through the reminders engine, built only when Tracks 1 and 3 both are (neither
//! depends on the other). Track 3 writes a pending recall with every donation, due on the day
//! the donor may give again; this bridge reads the recalls due on the clinic's current day,
//! finds the donor's account — by phone number, then by email, both unique to one account — and
//! gives it a one-time reminder through the engine: in-app, plus SMS and email to the donor's
//! contact when those channels are configured. The reminder takes the recall's id, so a second
//! instance or a crash between the two steps never creates two; the recall is then marked
//! done. Donors without an account stay on the staff list (`GET /api/v1/blood/recalls/due`).

use std::{collections::HashSet, sync::Arc, time::Duration as StdDuration};

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{
    track1::reminders::{
        domain::{
            DeliveryPreferences, DeliverySettings, EmailPreference, NewReminder, Reminder, ReminderId, SmartFeatures,
            SmsPreference,
        },
        rules::{DeliveryMethod, ReminderType},
        schedule::{ReminderSchedule, ScheduleType},
        store::ReminderStore,
    },
    track3::api::{DueRecall, RecallStore},
};
use crate::{
    gateway::identity::{
        domain::{Email, PageRequest, PhoneNumber, User, UserId},
        store::UserStore,
    },
    storage::{StorageError, StoreResult},
};

/// Recalls read per page.
const PAGE: u32 = 100;
/// Local time of day a recall reminder goes out on its due day (sent at once when later).
const SEND_AT: NaiveTime = match NaiveTime::from_hms_opt(10, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecallRun {
    /// Recalls turned into reminders (and marked done).
    pub reminded: u32,
    /// Recalls left for staff: no account has the donor's phone number or email.
    pub without_account: u32,
}

/// Turns due donor recalls into reminders.
pub struct DonorRecallBridge {
    recalls: Arc<dyn RecallStore>,
    users: Arc<dyn UserStore>,
    reminders: Arc<dyn ReminderStore>,
    /// Channels besides in-app that are configured, so a recall never waits on an unusable one.
    channels: Vec<DeliveryMethod>,
    time_zone: Tz,
}

impl DonorRecallBridge {
    /// The bridge over the three stores; `channels` are the configured methods besides in-app.
    pub fn new(
        recalls: Arc<dyn RecallStore>,
        users: Arc<dyn UserStore>,
        reminders: Arc<dyn ReminderStore>,
        channels: Vec<DeliveryMethod>,
        time_zone: Tz,
    ) -> Self {
        Self { recalls, users, reminders, channels, time_zone }
    }

    /// One pass over the recalls due on the clinic's day at `now`.
    pub async fn run_once(&self, now: DateTime<Utc>) -> StoreResult<RecallRun> {
        let today = now.with_timezone(&self.time_zone).date_naive();
        let (mut run, mut seen, mut page) = (RecallRun::default(), HashSet::new(), 1);
        loop {
            let batch = self.recalls.due(today, PageRequest { page, per_page: PAGE }).await?.items;
            let last = batch.len() < PAGE as usize;
            let mut reminded_here = 0;
            for due in batch.into_iter().filter(|d| seen.insert(d.recall.id)) {
                match self.account(&due).await? {
                    Some(user) => {
                        self.remind(&user, &due, now).await?;
                        reminded_here += 1;
                    }
                    None => run.without_account += 1,
                }
            }
            run.reminded += reminded_here;
            // Reminded recalls leave the list, so the same page holds new ones; otherwise move on.
            if reminded_here == 0 {
                if last {
                    return Ok(run);
                }
                page += 1;
            }
        }
    }

    /// Runs a pass every `every` until `stop` resolves; a failed pass is logged and retried.
    pub async fn run(&self, every: StdDuration, stop: impl std::future::Future<Output = ()>) {
        let mut ticks = tokio::time::interval(every);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                _ = ticks.tick() => match self.run_once(crate::storage::now()).await {
                    Ok(run) if run.reminded > 0 => log::info!("donor recall: {} reminder(s) scheduled", run.reminded),
                    Ok(_) => {}
                    Err(e) => log::warn!("donor recall pass failed, retried next time: {e}"),
                },
            }
        }
    }

    async fn account(&self, due: &DueRecall) -> StoreResult<Option<User>> {
        if let Some(phone) = due.phone_number.as_deref().and_then(|p| PhoneNumber::parse(p).ok()) {
            if let Some(user) = self.users.find_by_phone(&phone).await? {
                return Ok(Some(user));
            }
        }
        match due.email.as_deref().and_then(|e| Email::parse(e).ok()) {
            Some(email) => self.users.find_by_email(&email).await,
            None => Ok(None),
        }
    }

    async fn remind(&self, user: &User, due: &DueRecall, now: DateTime<Utc>) -> StoreResult<()> {
        let reminder = recall_reminder(user.id, due, &self.channels, self.time_zone, now);
        match self.reminders.insert(&reminder).await {
            // Already created by another instance or an interrupted pass: only the recall is left.
            Ok(()) | Err(StorageError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
        match self.recalls.complete(due.recall.id, now).await {
            Ok(_) | Err(StorageError::Conflict(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// The reminder of `due` for `account`: one time, at 10:00 clinic time on the due day (at once
/// when that has passed), in-app plus each configured channel the donor has an address for.
pub fn recall_reminder(
    account: UserId,
    due: &DueRecall,
    channels: &[DeliveryMethod],
    time_zone: Tz,
    now: DateTime<Utc>,
) -> Reminder {
    let at = due
        .recall
        .due_on
        .and_time(SEND_AT)
        .and_local_timezone(time_zone)
        .earliest()
        .map_or(now, |t| t.with_timezone(&Utc))
        .max(now + Duration::minutes(1));
    let sms = due.phone_number.clone().filter(|_| channels.contains(&DeliveryMethod::Sms));
    let email = due.email.clone().filter(|_| channels.contains(&DeliveryMethod::Email));
    let mut methods = vec![DeliveryMethod::InApp];
    methods.extend(sms.as_ref().map(|_| DeliveryMethod::Sms));
    methods.extend(email.as_ref().map(|_| DeliveryMethod::Email));
    let kind = due.recall.donation_type.as_str().replace('_', " ");
    let new = NewReminder {
        user_id: account,
        title: "You can give blood again".into(),
        message: format!(
            "Thank you for your last donation, {}. From {} you may give {kind} again: book a visit \
             with the blood bank when it suits you.",
            due.donor_name, due.recall.due_on
        ),
        reminder_type: ReminderType::Followup,
        category: Some("donor_recall".into()),
        schedule: ReminderSchedule {
            schedule_type: ScheduleType::OneTime,
            timezone: time_zone.name().to_owned(),
            start_date: None,
            end_date: None,
            scheduled_time: Some(at),
            recurrence: None,
        },
        delivery: DeliverySettings {
            methods,
            preferences: DeliveryPreferences {
                sms: sms.map(|phone| SmsPreference { phone, enabled: true }),
                email: email.map(|address| EmailPreference { address, enabled: true }),
                push: None,
            },
            retry_policy: Default::default(),
            escalation: Default::default(),
        },
        smart_features: SmartFeatures::default(),
    };
    // Written by the system for the account, whose own id is the author of record.
    let mut reminder = Reminder::create(new, Some(at), account, now);
    reminder.id = ReminderId(due.recall.id);
    reminder
}
