//! Reminders: channels (work in progress).
