//! Lists versus arrays: the same computation, `y = a*b + c*d - e` then `sum(exp(-y*y/2))`, as a
//! plain Rust loop over `Vec<f64>` and as one numcrane expression (fused into one compiled
//! loop, run on every core), with both times printed and the results compared.
//!
//! Run with `cargo run --release --example lists_vs_arrays [N]` (default 10 million).

use numcrane::random::default_rng;
use numcrane::{eval_all, Array};
use std::time::Instant;

/// The times of one comparison, in seconds, and both results.
pub struct Compared {
    pub loop_s: f64,
    pub numcrane_s: f64,
    pub loop_result: f64,
    pub numcrane_result: f64,
}

/// The numcrane expression.
fn expression(a: &Array, b: &Array, c: &Array, d: &Array, e: &Array) -> Array {
    let y = a * b + c * d - e;
    (-(&y * &y) / 2.0).exp().sum(..)
}

/// Runs both on `n` random values per input; the best of `reps` runs each.
pub fn run(n: usize, reps: usize) -> numcrane::Result<Compared> {
    let mut rng = default_rng(5);
    let inputs: Vec<Array> = (0..5).map(|_| rng.standard_normal(n)).collect();
    eval_all(&inputs.iter().collect::<Vec<_>>())?;
    let vecs: Vec<Vec<f64>> = inputs
        .iter()
        .map(|a| a.to_vec::<f64>())
        .collect::<numcrane::Result<_>>()?;
    let (mut loop_s, mut numcrane_s) = (f64::INFINITY, f64::INFINITY);
    let (mut loop_result, mut numcrane_result) = (0.0, 0.0);
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        let mut total = 0.0;
        let [a, b, c, d, e] = [0, 1, 2, 3, 4].map(|k| &vecs[k]);
        for ((((a, b), c), d), e) in a.iter().zip(b).zip(c).zip(d).zip(e) {
            let y = a * b + c * d - e;
            total += (-(y * y) / 2.0).exp();
        }
        loop_s = loop_s.min(t.elapsed().as_secs_f64());
        loop_result = std::hint::black_box(total);

        let t = Instant::now();
        let [a, b, c, d, e] = [0, 1, 2, 3, 4].map(|k| &inputs[k]);
        let r = expression(a, b, c, d, e).item::<f64>()?;
        numcrane_s = numcrane_s.min(t.elapsed().as_secs_f64());
        numcrane_result = r;
    }
    Ok(Compared {
        loop_s,
        numcrane_s,
        loop_result,
        numcrane_result,
    })
}

#[allow(dead_code)]
fn main() -> numcrane::Result<()> {
    let n = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let c = run(n, 5)?;
    println!("sum(exp(-(a*b + c*d - e)^2 / 2)) over {n} float64 values, best of 5:");
    println!(
        "  Vec<f64> loop:        {:9.3} ms  -> {}",
        c.loop_s * 1e3,
        c.loop_result
    );
    println!(
        "  numcrane expression:  {:9.3} ms  -> {}",
        c.numcrane_s * 1e3,
        c.numcrane_result
    );
    println!("  ratio loop / numcrane: {:.2}x", c.loop_s / c.numcrane_s);
    // The sums differ only by rounding order (numcrane adds in blocks, pairwise like NumPy).
    let rel = (c.loop_result - c.numcrane_result).abs() / c.loop_result.abs();
    assert!(rel < 1e-9, "results differ by {rel}");
    Ok(())
}
