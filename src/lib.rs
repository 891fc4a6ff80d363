//! numcrane-suite: helpers shared by the integration tests, examples and benchmarks that live
//! at the repository root. Users depend on the `numcrane` crate, not on this one.
#![deny(missing_docs)]

pub use numcrane;
