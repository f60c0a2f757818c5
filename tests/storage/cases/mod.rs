//! Conformance cases, one module per store.

mod identity;
#[cfg(feature = "track3")]
mod track3;
