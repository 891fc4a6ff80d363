//! k-means clustering from scratch on generated blobs: three Gaussian blobs around known
//! centres, Lloyd's iterations written with whole-array operations, and a check that the
//! centres come back.
//!
//! Each iteration is two lazy expressions: the squared distance of every point to every
//! centre (`[n, 1, 2] - [1, k, 2]`, squared, summed over the last axis) and its `argmin`; then
//! the new centres as a matrix product of the one-hot assignment with the points, divided by
//! the cluster sizes (NumPy's `onehot.T @ X / counts[:, None]`).
//!
//! Run with `cargo run --release --example kmeans` (tests/examples.rs runs it small).

use numcrane::random::default_rng;
use numcrane::{arange, concatenate, matmul, s, Array, DType, NewAxis};

/// What a run found.
pub struct Found {
    /// Recovered centres, sorted by x.
    pub centres: Vec<[f64; 2]>,
    /// The true centres, sorted by x.
    pub truth: Vec<[f64; 2]>,
    /// Iterations until the assignment stopped changing.
    pub iterations: usize,
}

/// Clusters `per_blob` points around each of three centres.
pub fn run(per_blob: usize) -> numcrane::Result<Found> {
    let truth = [[-4.0, 1.0], [0.5, 5.0], [4.0, -2.0]];
    let k = truth.len();
    let mut rng = default_rng(7);
    // Blob j: N(0, 0.6^2) noise around centre j; then every point in one [n, 2] matrix.
    let blobs: Vec<Array> = truth
        .iter()
        .map(|c| rng.standard_normal([per_blob, 2]) * 0.6 + numcrane::array([c[0], c[1]]))
        .collect();
    let x = concatenate(&blobs.iter().collect::<Vec<_>>(), 0).eval()?;
    let n = x.shape()[0];

    // Start from one random point, then add the point farthest from the centres so far
    // ("maximin", a deterministic cousin of k-means++): Lloyd's iterations started from two
    // points of one blob can settle with two centres there.
    let first = rng.integers(0, n as i64, 1).to_vec::<i64>()?[0];
    let mut centres = x.slice(s![first as isize..first as isize + 1, ..]).eval()?;
    while centres.shape()[0] < k {
        let diff = x.slice(s![.., NewAxis, ..]) - centres.slice(s![NewAxis, .., ..]);
        let nearest = (&diff * &diff).sum(-1).min(1);
        let far = nearest.argmax(..).to_vec::<i64>()?[0] as isize;
        let next = x.slice(s![far..far + 1, ..]);
        centres = concatenate(&[&centres, &next], 0).eval()?;
    }
    let mut labels: Option<Vec<i64>> = None;
    let mut iterations = 0;
    for _ in 0..100 {
        iterations += 1;
        // d[i, j] = sum((x[i] - c[j])^2): [n, 1, 2] - [1, k, 2] broadcasts to [n, k, 2].
        let diff = x.slice(s![.., NewAxis, ..]) - centres.slice(s![NewAxis, .., ..]);
        let assign = (&diff * &diff).sum(-1).argmin(1).eval()?;
        let now = assign.to_vec::<i64>()?;
        if labels.as_ref() == Some(&now) {
            break;
        }
        labels = Some(now);
        // One-hot [n, k] as float64; counts per cluster; centres = onehot.T @ x / counts.
        let onehot = assign
            .slice(s![.., NewAxis])
            .eq(arange(0i64, k as i64, 1))
            .astype(DType::F64);
        let counts = onehot.sum(0);
        centres = (matmul(&onehot.transpose(), &x) / counts.slice(s![.., NewAxis])).eval()?;
    }
    let flat = centres.to_vec::<f64>()?;
    let mut found: Vec<[f64; 2]> = flat.chunks(2).map(|c| [c[0], c[1]]).collect();
    found.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let mut truth: Vec<[f64; 2]> = truth.to_vec();
    truth.sort_by(|a, b| a[0].total_cmp(&b[0]));
    Ok(Found {
        centres: found,
        truth,
        iterations,
    })
}

/// Checks that every centre came back within `tol`.
pub fn check(found: &Found, tol: f64) {
    for (got, want) in found.centres.iter().zip(&found.truth) {
        let err = ((got[0] - want[0]).powi(2) + (got[1] - want[1]).powi(2)).sqrt();
        assert!(err < tol, "centre {got:?} is {err:.3} from {want:?}");
    }
}

#[allow(dead_code)]
fn main() -> numcrane::Result<()> {
    let found = run(100_000)?;
    println!(
        "k-means on 3 x 100000 points: converged in {} iterations",
        found.iterations
    );
    for (got, want) in found.centres.iter().zip(&found.truth) {
        println!(
            "  centre ({:7.4}, {:7.4})   true ({:5.2}, {:5.2})",
            got[0], got[1], want[0], want[1]
        );
    }
    check(&found, 0.01);
    println!("every centre within 0.01 of the truth");
    Ok(())
}
