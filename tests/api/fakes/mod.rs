//! Fake third-party servers on 127.0.0.1 speaking the real wire formats, scriptable per test
//! and counting what they received.

#[cfg(feature = "track1")]
pub mod fcm;
#[cfg(feature = "track2")]
pub mod gemini;
#[cfg(feature = "track2")]
pub mod groq;
#[cfg(feature = "track2")]
pub mod llm;
#[cfg(feature = "track1")]
pub mod recorder;
#[cfg(feature = "track1")]
pub mod smtp;
#[cfg(feature = "track1")]
pub mod twilio;
