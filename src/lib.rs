//! CareChat: one actix-web binary serving feedback and reminders (Track 1), chat with an AI
//! assistant (Track 2) and blood-bank management (Track 3) behind an internal gateway, on
//! SQLite, PostgreSQL or MongoDB stores.

pub mod analytics;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod gateway;
#[cfg(all(feature = "track1", feature = "track2", feature = "postgres"))]
pub mod legacy;
pub mod storage;
pub mod text;
pub mod tracks;
