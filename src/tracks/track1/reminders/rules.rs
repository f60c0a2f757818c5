//! Reminders: rules (work in progress).
