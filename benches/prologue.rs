//! The GEMM prologue (`numcrane_fuse::prologue`) measured: `(0.5 * X) @ W` and
//! `maximum((0.5 * X) @ W + b, 0)`, X 4096 x 1024, W 1024 x 1024, float32, with the scaling
//! read while packed against the same expression with `0.5 * X` materialised first.
//!
//! `NUMCRANE_PROLOGUE` is read once per process, so `benches/prologue.sh` runs this binary
//! with it on and off, alternating, and NumPy on the same expressions in between. Prints one
//! tab-separated line per expression: name, median seconds, min seconds, samples.

use numcrane::{matmul, maximum, Array, DType};
use std::hint::black_box;
use std::time::Instant;

fn matrix(rows: usize, cols: usize, phase: f64) -> Array {
    // The same values as benches/prologue_numpy.py: sin(0.37 i + phase) over the flat index.
    let v: Vec<f32> = (0..rows * cols)
        .map(|i| (0.37 * i as f64 + phase).sin() as f32)
        .collect();
    Array::from_vec(v, [rows, cols])
}

fn time(label: &str, f: impl Fn() -> Array) {
    for _ in 0..2 {
        black_box(f().eval().expect("warm-up"));
    }
    let mut samples: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            black_box(f().eval().expect("eval"));
            t.elapsed().as_secs_f64()
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!(
        "{label}\t{:.6}\t{:.6}\t{}",
        samples[samples.len() / 2],
        samples[0],
        samples.len()
    );
}

fn main() {
    let (m, k, n) = (4096, 1024, 1024);
    let x = matrix(m, k, 0.1);
    let w = matrix(k, n, 0.2);
    let b = matrix(1, n, 0.3).reshape([n]);
    assert_eq!(x.dtype(), DType::F32);
    time("scaled_matmul", || matmul(&(0.5 * &x), &w));
    time("scaled_dense", || {
        maximum(&(matmul(&(0.5 * &x), &w) + &b), 0.0)
    });
}
