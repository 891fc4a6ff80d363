//! Case families of the golden test that live in files of their own (one file per family,
//! matching tests/numpy/golden_<family>.py), so that they can grow without touching
//! tests/golden.rs. Each file has `pub fn build(case, inputs) -> Harness<Variants>`; they use the
//! harness helpers of tests/golden.rs through `super::super`.

pub mod clinalg;
pub mod complex;
pub mod complex2;
pub mod fft;
pub mod histbins;
pub mod pad;
pub mod poly;
pub mod quantile;
pub mod sets;

use super::{Array, Case, Harness, Variants};

pub mod indexing;
pub mod intmatmul;
pub mod linalg;

/// Maps a case of a kind that tests/golden.rs does not handle itself.
pub fn build(kind: &str, case: &Case, inputs: &[Array]) -> Harness<Variants> {
    match kind {
        "indexing" => indexing::build(case, inputs),
        "intmatmul" => intmatmul::build(case, inputs),
        "sets" => sets::build(case, inputs),
        "quantile" => quantile::build(case, inputs),
        "pad" => pad::build(case, inputs),
        "histbins" => histbins::build(case, inputs),
        "complex" => complex::build(case, inputs),
        "complex2" => complex2::build(case, inputs),
        "nplinalg" => linalg::build(case, inputs),
        "clinalg" => clinalg::build(case, inputs),
        "fft" => fft::build(case, inputs),
        "poly" => poly::build(case, inputs),
        _ => Err(format!("harness: unknown kind {kind}")),
    }
}
