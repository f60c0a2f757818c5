//! Everything the migration wrote to a target, as comparable text: two targets with equal
//! snapshots hold the same records. Only the run's own clock is blanked (`migratedAt`, and the
//! next occurrence an active reminder gets from "now").

use carechat::{
    gateway::identity::domain::{PageRequest, UserFilter},
    legacy::Targets,
    storage::testing::TestBackend,
    tracks::{
        track1::reminders::store::{DeliveryFilter, ReminderFilter},
        track2::domain::ConversationFilter,
    },
};
use chrono::DateTime;

const ALL: PageRequest = PageRequest { page: 1, per_page: 1000 };

pub async fn take(target: &TestBackend) -> Vec<String> {
    let t = Targets::from_backend(&target.backend);
    let mut users = t.identity.users.list(&UserFilter::default(), ALL).await.unwrap().items;
    users.sort_by_key(|u| u.id.0);
    let mut lines = Vec::new();
    for mut user in users {
        for origin in &mut user.migrated_from {
            origin.migrated_at = DateTime::UNIX_EPOCH;
        }
        let id = user.id;
        lines.push(format!("{user:?}"));
        for session in t.track1.sessions.list_by_user(id, ALL).await.unwrap().items {
            lines.push(format!("{session:?}"));
        }
        let filter = ReminderFilter { user_id: Some(id), ..ReminderFilter::default() };
        for mut reminder in t.reminders.reminders.list(&filter, ALL).await.unwrap().items {
            reminder.next_occurrence_at = None;
            lines.push(format!("{reminder:?}"));
        }
        let filter = DeliveryFilter { user_id: Some(id), ..DeliveryFilter::default() };
        for delivery in t.reminders.deliveries.list(&filter, ALL).await.unwrap().items {
            lines.push(format!("{delivery:?}"));
        }
        let filter = ConversationFilter { user_id: id, status: None, conversation_type: None };
        for conversation in t.track2.conversations.list(&filter, ALL).await.unwrap().items {
            lines.push(format!("{conversation:?}"));
            for message in t.track2.messages.list(conversation.id, ALL).await.unwrap().items {
                lines.push(format!("{message:?}"));
            }
        }
    }
    lines
}
