//! Linear regression three ways on synthetic data `y = 3x + 2 + noise`: the normal equation
//! (`solve(X^T X, X^T y)`), batch gradient descent on the mean squared error, and
//! `linalg::lstsq`; all three recover the slope and intercept and agree with each other.
//!
//! Run with `cargo run --release --example linear_regression` (tests/examples.rs runs it small).

use numcrane::linalg::{lstsq, solve};
use numcrane::random::default_rng;
use numcrane::{concatenate, matmul, ones, s, Array, DType, NewAxis};

/// (slope, intercept) from each method.
pub struct Fits {
    pub normal_equation: [f64; 2],
    pub gradient_descent: [f64; 2],
    pub lstsq: [f64; 2],
}

fn pair(a: &Array) -> numcrane::Result<[f64; 2]> {
    let v = a.to_vec::<f64>()?;
    Ok([v[0], v[1]])
}

/// Fits `n` noisy points.
pub fn run(n: usize, steps: usize) -> numcrane::Result<Fits> {
    let mut rng = default_rng(3);
    let x = rng.uniform(0.0, 10.0, n);
    let y = (&x * 3.0 + 2.0 + rng.standard_normal(n) * 0.5).eval()?;
    // The design matrix [x, 1] (NumPy: np.column_stack([x, np.ones(n)])).
    let design = concatenate(&[&x.slice(s![.., NewAxis]), &ones([n, 1], DType::F64)], 1).eval()?;
    let xt = design.transpose();

    // Normal equation: (X^T X) w = X^T y.
    let normal = solve(&matmul(&xt, &design), &matmul(&xt, &y));

    // Gradient descent on mean((X w - y)^2): gradient 2/n X^T (X w - y). Features are scaled
    // to [0, 1] first (x / 10) so one step size suits both weights; the slope is rescaled.
    let scaled = concatenate(
        &[
            &(x.slice(s![.., NewAxis]) / 10.0),
            &ones([n, 1], DType::F64),
        ],
        1,
    )
    .eval()?;
    let mut w = numcrane::zeros([2], DType::F64);
    let lr = 0.5;
    for _ in 0..steps {
        let residual = matmul(&scaled, &w) - &y;
        let grad = matmul(&scaled.transpose(), &residual) * (2.0 / n as f64);
        w = (&w - grad * lr).eval()?;
    }
    let gd = w.to_vec::<f64>()?;

    let ls = lstsq(&design, &y, None);
    Ok(Fits {
        normal_equation: pair(&normal)?,
        gradient_descent: [gd[0] / 10.0, gd[1]],
        lstsq: pair(&ls.x)?,
    })
}

/// Checks every fit against the truth (3, 2) within `tol`, and the two exact methods against
/// each other to 1e-9.
pub fn check(f: &Fits, tol: f64) {
    for (name, [slope, icpt]) in [
        ("normal equation", f.normal_equation),
        ("gradient descent", f.gradient_descent),
        ("lstsq", f.lstsq),
    ] {
        assert!((slope - 3.0).abs() < tol, "{name}: slope {slope}");
        assert!((icpt - 2.0).abs() < tol * 4.0, "{name}: intercept {icpt}");
    }
    for k in 0..2 {
        assert!((f.normal_equation[k] - f.lstsq[k]).abs() < 1e-9);
    }
}

#[allow(dead_code)]
fn main() -> numcrane::Result<()> {
    let f = run(1_000_000, 3000)?;
    println!("y = 3x + 2 + N(0, 0.5^2), 1e6 points:");
    for (name, [a, b]) in [
        ("normal equation", f.normal_equation),
        ("gradient descent", f.gradient_descent),
        ("lstsq", f.lstsq),
    ] {
        println!("  {name:<17} slope {a:.5}  intercept {b:.5}");
    }
    check(&f, 0.01);
    println!("all three within 0.01 of the slope (0.04 of the intercept)");
    Ok(())
}
