//! The storage conformance suite: the same cases run against every backend this build
//! includes (SQLite always; PostgreSQL with `CARECHAT_TEST_POSTGRES_URL`; MongoDB with
//! `CARECHAT_TEST_MONGODB_URI`). Test names read `<case module>::<backend>::<case>`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod harness;
mod cases;
