//! Conformance cases, one module per store.

mod identity;
