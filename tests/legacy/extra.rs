//! Records no migration writes, added to a migrated target through the store traits: the
//! per-record checks of `--verify` read only the records with derived ids and cannot see them;
//! its counts per target collection must.

use carechat::{
    gateway::identity::domain::{PageRequest, PhoneNumber, UserId},
    legacy::{target_id, Report, Source, Targets},
    tracks::track2::domain::{ConversationId, MessageId},
};
use uuid::Uuid;

use crate::fixtures::AMINA_CONVERSATION;

/// A second account of Amina carrying her Track 1 origin: a person who should have been merged.
pub async fn duplicate_account(t: &Targets) {
    let phone = PhoneNumber::parse("+250788123456").unwrap();
    let amina = t.identity.users.find_by_phone(&phone).await.unwrap().unwrap();
    let mut twin = amina.clone();
    twin.id = UserId::generate();
    twin.phone = PhoneNumber::parse("+250788999001").unwrap();
    twin.email = None;
    twin.migrated_from.truncate(1);
    t.identity.users.insert(&twin).await.unwrap();
}

/// One more message in Amina's migrated conversation.
pub async fn extra_message(t: &Targets) {
    let conversation = ConversationId(target_id(Source::Track2, "conversations", AMINA_CONVERSATION));
    let first = PageRequest { page: 1, per_page: 1 };
    let mut message = t.track2.messages.list(conversation, first).await.unwrap().items.remove(0);
    message.id = MessageId(Uuid::new_v4());
    message.content = "added after the migration".into();
    t.track2.messages.append(&message).await.unwrap();
}

/// The target collections whose count differs: (collection, found − expected).
pub fn differing(report: &Report) -> Vec<(&'static str, i64)> {
    let signed = |n: u64| i64::try_from(n).unwrap();
    report
        .collections
        .iter()
        .filter(|(_, c)| c.expected != c.found)
        .map(|(name, c)| (*name, signed(c.found) - signed(c.expected)))
        .collect()
}
