//! Server-Sent Events parsing.
