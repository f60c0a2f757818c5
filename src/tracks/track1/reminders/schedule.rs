//! Reminders: schedule (work in progress).
