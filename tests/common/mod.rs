//! Helpers shared by the fusion and JIT integration tests.
#![allow(dead_code)]

use numcrane::{arange, Array, DType};

/// Deterministic values with negatives, zeros and fractions (`7 sin(0.37 i + seed)`), in
/// `dtype` and `shape`, already evaluated.
pub fn input(shape: &[usize], dtype: DType, seed: u64) -> Array {
    let n: usize = shape.iter().product();
    let base = (arange(0.0, n as f64, 1.0) * 0.37 + seed as f64).sin() * 7.0;
    base.astype(dtype)
        .reshape(shape.iter().map(|&d| d as isize).collect::<Vec<_>>())
        .eval()
        .expect("input")
}

/// The number of property-test cases: `default` in CI, `PROPTEST_CASES` for longer local runs.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
