//! Shared HTTP plumbing of the network providers.
