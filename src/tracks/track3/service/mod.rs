//! Track 3's use cases as free functions over [`Track3`] (its stores and rules), with no
//! actix types: handlers convert DTOs to the inputs here and map the results back.

pub mod donors;
pub mod reactions;
pub mod requests;
pub mod transfusion;
pub mod units;

pub use super::Track3;
