//! The HTTP suite: every test starts the real application on 127.0.0.1, a random port and a
//! fresh database (`TEST_BACKEND`: `sqlite` by default, `postgres`, `mongodb`), and talks to
//! it over HTTP as a client would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin;
mod analytics;
#[cfg(feature = "track3")]
mod analytics_blood;
#[cfg(feature = "track2")]
mod analytics_chat;
#[cfg(feature = "track1")]
mod analytics_feedback;
#[cfg(feature = "track1")]
mod analytics_reminders;
#[cfg(feature = "track2")]
mod assistant;
#[cfg(all(feature = "track1", feature = "track3"))]
mod donor_recall;
mod fakes;
mod gateway;
mod helpers;
mod legacy_login;
mod login;
mod me;
#[cfg(feature = "postgres")]
mod readiness;
mod register;
#[cfg(feature = "track1")]
mod reminder_channels;
#[cfg(feature = "track1")]
mod reminders;
#[cfg(feature = "track1")]
mod reminders_callbacks;
#[cfg(feature = "track1")]
mod reminders_engine;
#[cfg(feature = "track1")]
mod routing;
mod tokens;
#[cfg(feature = "track1")]
mod track1;
#[cfg(feature = "track2")]
mod track2;
#[cfg(feature = "track2")]
mod track2_messages;
#[cfg(feature = "track2")]
mod track2_stream;
#[cfg(feature = "track3")]
mod track3;
