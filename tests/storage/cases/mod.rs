//! Conformance cases, one module per store.

mod analytics;
mod identity;
#[cfg(feature = "track1")]
mod track1;
#[cfg(feature = "track1")]
mod track1_reminders;
#[cfg(feature = "track2")]
mod track2;
#[cfg(feature = "track3")]
mod track3;
