//! The patient's in-app inbox: what the `in_app` channel delivers.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{delivery::DeliveryId, ReminderId};
use crate::gateway::identity::domain::UserId;

/// One message in a patient's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxItem {
    /// Id (UUIDv7).
    pub id: Uuid,
    /// The patient.
    pub user_id: UserId,
    /// The delivery it came from (one item per delivery, however often it is dispatched).
    pub delivery_id: DeliveryId,
    /// The reminder.
    pub reminder_id: ReminderId,
    /// Title.
    pub title: String,
    /// Text.
    pub message: String,
    /// When it arrived.
    pub created_at: DateTime<Utc>,
    /// When the patient read it.
    pub read_at: Option<DateTime<Utc>>,
}
