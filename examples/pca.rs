//! Principal component analysis two ways on correlated 3-D data: the SVD of the centred data
//! and `eigh` of its covariance matrix. The principal directions agree up to sign, the
//! explained variances agree, and the first direction is the one the data was stretched along.
//!
//! Run with `cargo run --release --example pca` (tests/examples.rs runs it small).

use numcrane::linalg::{eigh, svd, Uplo};
use numcrane::random::default_rng;
use numcrane::{array, matmul, s};

/// What both methods found.
pub struct Components {
    /// Variances along the components, largest first (SVD: s^2 / (n - 1)).
    pub svd_variances: Vec<f64>,
    /// The same from the covariance's eigenvalues (largest first).
    pub eigh_variances: Vec<f64>,
    /// |cos| of the angle between the two methods' directions, per component.
    pub agreement: Vec<f64>,
    /// |cos| between the first direction and the stretch direction.
    pub first_vs_truth: f64,
}

/// Row-major values of a 3x3 matrix's column `j`.
fn column(m: &[f64], j: usize) -> [f64; 3] {
    [m[j], m[3 + j], m[6 + j]]
}

/// `n` samples: independent N(0, 1) coordinates scaled by (5, 2, 0.5), then rotated.
pub fn run(n: usize) -> numcrane::Result<Components> {
    let mut rng = default_rng(11);
    // A rotation (orthonormal rows): the data's axes in the original coordinates.
    let (c, s_) = (0.6f64, 0.8f64);
    let rot = [
        [c, s_, 0.0],
        [-s_ * 0.6, c * 0.6, 0.8],
        [s_ * 0.8, -c * 0.8, 0.6],
    ];
    let z = rng.standard_normal([n, 3]) * array([5.0, 2.0, 0.5]);
    let x = matmul(&z, &array(rot)).eval()?;
    let centred = (&x - x.mean(0)).eval()?;

    // SVD of the centred data: right singular vectors are the directions.
    let d = svd(&centred, false);
    let sv = d.s.to_vec::<f64>()?;
    let svd_variances: Vec<f64> = sv.iter().map(|s| s * s / (n as f64 - 1.0)).collect();
    let v = d.vh.transpose().eval()?.to_vec::<f64>()?;

    // eigh of the covariance X^T X / (n - 1): ascending, so reversed.
    let cov = matmul(&centred.transpose(), &centred) / (n as f64 - 1.0);
    let e = eigh(&cov, Uplo::L);
    let mut eigh_variances = e.eigenvalues.to_vec::<f64>()?;
    eigh_variances.reverse();
    let w = e
        .eigenvectors
        .slice(s![.., ..;-1])
        .eval()?
        .to_vec::<f64>()?;

    let dot = |a: [f64; 3], b: [f64; 3]| (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]).abs();
    let agreement = (0..3).map(|j| dot(column(&v, j), column(&w, j))).collect();
    let first_vs_truth = dot(column(&v, 0), rot[0]);
    Ok(Components {
        svd_variances,
        eigh_variances,
        agreement,
        first_vs_truth,
    })
}

/// Checks the two methods agree and find the stretch.
pub fn check(c: &Components, variance_tol: f64) {
    for (a, b) in c.svd_variances.iter().zip(&c.eigh_variances) {
        assert!((a - b).abs() < 1e-8 * a.max(1.0), "variances {a} vs {b}");
    }
    for (truth, got) in [25.0, 4.0, 0.25].iter().zip(&c.svd_variances) {
        assert!(
            (got / truth - 1.0).abs() < variance_tol,
            "variance {got}, truth {truth}"
        );
    }
    assert!(
        c.agreement.iter().all(|&a| a > 1.0 - 1e-8),
        "{:?}",
        c.agreement
    );
    assert!(
        c.first_vs_truth > 0.999,
        "first direction |cos| {}",
        c.first_vs_truth
    );
}

#[allow(dead_code)]
fn main() -> numcrane::Result<()> {
    let c = run(1_000_000)?;
    println!("PCA of 1e6 points stretched by (5, 2, 0.5) and rotated:");
    println!("  variances (SVD)  {:?}", c.svd_variances);
    println!("  variances (eigh) {:?}", c.eigh_variances);
    println!("  |cos| between the methods' directions {:?}", c.agreement);
    println!(
        "  |cos| between the first direction and the stretch {:.6}",
        c.first_vs_truth
    );
    check(&c, 0.01);
    println!("SVD and eigh agree; the first component is the stretch direction");
    Ok(())
}
