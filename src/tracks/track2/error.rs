//! Track 2 errors and their problem codes. Assistant failures keep their own problem
//! ([`AssistantError`]: 502/503/504, `not_available_offline`).

use actix_web::http::{header::HeaderName, StatusCode};
use uuid::Uuid;

use super::assistant::AssistantError;
use crate::{
    gateway::{error::ApiErrorCode, identity::error::IdentityError},
    storage::StorageError,
};

/// Everything the chat routes can refuse.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// No such conversation, deleted, or not the caller's (a patient cannot tell which).
    #[error("no conversation with id {0}")]
    ConversationNotFound(Uuid),
    /// No such message in this conversation.
    #[error("no message with id {0} in this conversation")]
    MessageNotFound(Uuid),
    /// The conversation is archived: reactivate it before writing.
    #[error("conversation {0} is archived; set its status to active to continue it")]
    ConversationArchived(Uuid),
    /// Only the author edits a message, and only user messages are edited.
    #[error("only your own messages can be edited")]
    NotEditable,
    /// Another request changed the message first.
    #[error("message {0} was changed meanwhile; read it again and retry")]
    MessageChanged(Uuid),
    /// Role or object-level refusal.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// The provider failed; the user's message is stored.
    #[error(transparent)]
    Assistant(#[from] AssistantError),
    /// Storage failure.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ChatError {
    /// Maps a store error about conversation `id`: `NotFound` becomes `conversation_not_found`.
    pub fn of_conversation(id: Uuid) -> impl Fn(StorageError) -> Self {
        move |err| match err {
            StorageError::NotFound => Self::ConversationNotFound(id),
            other => Self::Storage(other),
        }
    }

    /// Maps a store error about message `id`: `NotFound` and `Conflict` get their own codes.
    pub fn of_message(id: Uuid) -> impl Fn(StorageError) -> Self {
        move |err| match err {
            StorageError::NotFound => Self::MessageNotFound(id),
            StorageError::Conflict(_) => Self::MessageChanged(id),
            other => Self::Storage(other),
        }
    }
}

impl ApiErrorCode for ChatError {
    fn status(&self) -> StatusCode {
        match self {
            Self::ConversationNotFound(_) | Self::MessageNotFound(_) => StatusCode::NOT_FOUND,
            Self::ConversationArchived(_) | Self::MessageChanged(_) => StatusCode::CONFLICT,
            Self::NotEditable => StatusCode::FORBIDDEN,
            Self::Identity(e) => e.status(),
            Self::Assistant(e) => e.status(),
            Self::Storage(e) => e.status(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::ConversationNotFound(_) => "conversation_not_found",
            Self::MessageNotFound(_) => "message_not_found",
            Self::ConversationArchived(_) => "conversation_archived",
            Self::NotEditable => "message_not_editable",
            Self::MessageChanged(_) => "message_changed",
            Self::Identity(e) => e.code(),
            Self::Assistant(e) => e.code(),
            Self::Storage(e) => e.code(),
        }
    }

    fn headers(&self) -> Vec<(HeaderName, String)> {
        match self {
            Self::Identity(e) => e.headers(),
            Self::Assistant(e) => e.headers(),
            _ => Vec::new(),
        }
    }
}
