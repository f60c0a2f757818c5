//! Verification's counts per target collection. Per-record checks read the records with the
//! derived ids, so they miss what is there *besides* them: a second account of a person who
//! should have been merged, a message added to a migrated conversation. These counts see them:
//! each collection's records of the migration, counted by the store, are set against what the
//! legacy rows give (see docs/migration.md for what each collection's count takes in).

use std::{collections::HashSet, future::Future};

use futures_util::{stream, StreamExt};

use super::{normalise::Source, report::CollectionCount, Migration};
use crate::{
    gateway::identity::domain::{PageRequest, UserId},
    storage::StoreResult,
    tracks::{
        track1::reminders::{domain::ReminderId, store::DeliveryFilter, store::ReminderFilter},
        track2::domain::{ConversationFilter, ConversationId},
    },
};

/// The records the legacy rows give to each collection but `users` (whose accounts are the
/// distinct values of `Migration::users`).
#[derive(Debug, Default)]
pub(super) struct Expected {
    pub sessions: u64,
    pub reminders: u64,
    pub deliveries: u64,
    /// Conversations not deleted: the store's list (which counts them) leaves deleted ones out.
    pub conversations: u64,
    pub messages: u64,
}

/// A list page of one record: only its `total` is read.
const ONE: PageRequest = PageRequest { page: 1, per_page: 1 };

/// Count queries in flight at once.
const PARALLEL_COUNTS: usize = 8;

impl Migration {
    /// Counts every target collection's records of the migration into the report.
    pub(super) async fn collections(&mut self) -> anyhow::Result<()> {
        let t = self.targets.clone();
        let accounts: HashSet<UserId> = self.users.values().copied().collect();
        let conversations: Vec<ConversationId> =
            self.conversations.values().map(|(id, _)| ConversationId(*id)).collect();
        let reminders: Vec<ReminderId> = self.reminders.values().map(|(id, ..)| ReminderId(*id)).collect();
        let sources = [Source::Track1.as_str(), Source::Track2.as_str()];

        let users = t.identity.users.count_migrated(&sources).await?;
        let sessions = sum(accounts.iter().copied(), |user| {
            let store = t.track1.sessions.clone();
            async move { Ok(store.list_by_user(user, ONE).await?.total) }
        });
        let own_reminders = sum(accounts.iter().copied(), |user| {
            let store = t.reminders.reminders.clone();
            let filter = ReminderFilter { user_id: Some(user), ..ReminderFilter::default() };
            async move { Ok(store.list(&filter, ONE).await?.total) }
        });
        let deliveries = sum(reminders, |reminder| {
            let store = t.reminders.deliveries.clone();
            let filter = DeliveryFilter { reminder_id: Some(reminder), ..DeliveryFilter::default() };
            async move { Ok(store.list(&filter, ONE).await?.total) }
        });
        let own_conversations = sum(accounts.iter().copied(), |user| {
            let store = t.track2.conversations.clone();
            let filter = ConversationFilter { user_id: user, status: None, conversation_type: None };
            async move { Ok(store.list(&filter, ONE).await?.total) }
        });
        let messages = sum(conversations, |conversation| {
            let store = t.track2.messages.clone();
            async move { Ok(store.list(conversation, ONE).await?.total) }
        });

        let e = &self.expected;
        let counts = [
            ("users", accounts.len() as u64, users),
            ("feedback_sessions", e.sessions, sessions.await?),
            ("reminders", e.reminders, own_reminders.await?),
            ("reminder_deliveries", e.deliveries, deliveries.await?),
            ("conversations", e.conversations, own_conversations.await?),
            ("messages", e.messages, messages.await?),
        ];
        for (collection, expected, found) in counts {
            self.report.collections.insert(collection, CollectionCount { expected, found });
        }
        Ok(())
    }
}

/// The sum of `count` over `keys`, a few queries at a time.
async fn sum<K, F, Fut>(keys: impl IntoIterator<Item = K>, count: F) -> StoreResult<u64>
where
    F: FnMut(K) -> Fut,
    Fut: Future<Output = StoreResult<u64>>,
{
    let totals: Vec<StoreResult<u64>> = stream::iter(keys).map(count).buffer_unordered(PARALLEL_COUNTS).collect().await;
    totals.into_iter().sum()
}
