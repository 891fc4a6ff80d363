//! numcrane-suite: helpers shared by the integration tests, examples and benchmarks that live
//! at the repository root. Users depend on the `numcrane` crate, not on this one.
#![deny(missing_docs)]

pub use numcrane;

use numcrane::{arange, Array, DType};

/// A realized benchmark input of `n` elements: `sin(0.001 i + phase)` as `dtype` (values in
/// [-1, 1], different per phase, the same on every run).
pub fn bench_input(n: usize, dtype: DType, phase: f64) -> Array {
    (arange(0.0, n as f64, 1.0) * 0.001 + phase)
        .sin()
        .astype(dtype)
        .eval()
        .expect("benchmark input")
}
