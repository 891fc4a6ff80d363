//! Monte Carlo with whole-array random draws: pi from points in the unit square, the
//! distribution of the sum of two dice, a geometric Brownian motion stock price, and the
//! value-at-risk of a portfolio of correlated assets (returns correlated through a Cholesky
//! factor). Every estimate is checked against its exact value within a few standard errors.
//!
//! Run with `cargo run --release --example monte_carlo` (tests/examples.rs runs it small).

use numcrane::linalg::cholesky;
use numcrane::random::default_rng;
use numcrane::{array, bincount, matmul, percentile, s, DType};

/// The estimates of one run, each with its exact value and standard error.
pub struct Estimates {
    /// (estimate, exact, standard error) per quantity, with its name.
    pub rows: Vec<(&'static str, f64, f64, f64)>,
}

/// Draws `n` samples for each experiment.
pub fn run(n: usize) -> numcrane::Result<Estimates> {
    let mut rng = default_rng(2026);
    let mut rows = Vec::new();

    // pi: the fraction of uniform points of [0, 1)^2 inside the quarter circle is pi / 4.
    let p = rng.random([n, 2]);
    let (x, y) = (p.slice(s![.., 0]), p.slice(s![.., 1]));
    let inside = (&x * &x + &y * &y).le(1.0).astype(DType::F64).mean(..);
    let pi = 4.0 * inside.item::<f64>()?;
    let q = std::f64::consts::PI / 4.0;
    rows.push((
        "pi",
        pi,
        std::f64::consts::PI,
        4.0 * (q * (1.0 - q) / n as f64).sqrt(),
    ));

    // Two dice: P(sum = s) = (6 - |s - 7|) / 36; report P(sum = 7) and check every s.
    let dice = rng.integers(1, 7, [n, 2]);
    let sums = dice.sum(1);
    let counts = bincount(&sums, None, 13).to_vec::<i64>()?;
    for (s, &c) in counts.iter().enumerate().skip(2) {
        let exact = (6.0 - (s as f64 - 7.0).abs()) / 36.0;
        let se = (exact * (1.0 - exact) / n as f64).sqrt();
        let got = c as f64 / n as f64;
        assert!(
            (got - exact).abs() < 5.0 * se,
            "P(sum = {s}) = {got}, exact {exact}"
        );
    }
    let p7 = counts[7] as f64 / n as f64;
    rows.push((
        "P(two dice sum to 7)",
        p7,
        1.0 / 6.0,
        (5.0 / 36.0 / n as f64).sqrt(),
    ));

    // Geometric Brownian motion: S_T = S_0 exp(sum of (mu - sigma^2/2) dt + sigma sqrt(dt) Z)
    // over 252 daily steps (cumsum gives every path's whole trajectory); E[S_T] = S_0 e^(mu T).
    let (s0, mu, sigma, steps) = (100.0, 0.05, 0.2, 252usize);
    let paths = (n / 64).max(100);
    let dt = 1.0 / steps as f64;
    let z = rng.standard_normal([paths, steps]);
    let log_path = (z * (sigma * dt.sqrt()) + (mu - 0.5 * sigma * sigma) * dt).cumsum(1);
    let prices = log_path.exp() * s0;
    let last = prices.slice(s![.., -1]).eval()?;
    let mean = last.mean(..).item::<f64>()?;
    let sd = last.std(..).item::<f64>()?;
    rows.push((
        "E[S_T] of GBM",
        mean,
        s0 * mu.exp(),
        sd / (paths as f64).sqrt(),
    ));

    // Value-at-risk: three assets with daily mean returns, volatilities and correlations;
    // correlated normal returns are Z @ L^T with L the Cholesky factor of the covariance. The
    // 95% VaR of the portfolio is minus the 5th percentile of its return; for normal returns
    // it is exactly -(w.mu - 1.6449 * sqrt(w^T C w)).
    let means = [0.0004, 0.0003, 0.0006];
    let vols = [0.010, 0.015, 0.020];
    let corr = [[1.0, 0.3, 0.1], [0.3, 1.0, 0.5], [0.1, 0.5, 1.0]];
    let mut cov = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            cov[i][j] = corr[i][j] * vols[i] * vols[j];
        }
    }
    // NumPy: L = np.linalg.cholesky(cov)
    let l = cholesky(&array(cov), false);
    let weights = [0.5, 0.3, 0.2];
    let returns = matmul(&rng.standard_normal([n, 3]), &l.transpose()) + array(means);
    let portfolio = matmul(&returns, &array(weights));
    let var95 = -percentile(&portfolio, 5.0, ..).item::<f64>()?;
    let w_mu: f64 = weights.iter().zip(&means).map(|(w, m)| w * m).sum();
    let mut w_c_w = 0.0;
    for i in 0..3 {
        for j in 0..3 {
            w_c_w += weights[i] * cov[i][j] * weights[j];
        }
    }
    let sd = w_c_w.sqrt();
    let exact = -(w_mu - 1.644_853_626_951_472_2 * sd);
    // Standard error of a sample quantile: sqrt(p (1 - p) / n) / density at the quantile.
    let density = (-0.5f64 * 1.644_853_626_951_472_2f64.powi(2)).exp()
        / (sd * (2.0 * std::f64::consts::PI).sqrt());
    rows.push((
        "95% one-day VaR",
        var95,
        exact,
        (0.05f64 * 0.95 / n as f64).sqrt() / density,
    ));
    Ok(Estimates { rows })
}

/// Checks every estimate within `sigmas` standard errors of its exact value.
pub fn check(e: &Estimates, sigmas: f64) {
    for &(name, got, exact, se) in &e.rows {
        assert!(
            (got - exact).abs() < sigmas * se,
            "{name}: {got} vs exact {exact} (standard error {se})"
        );
    }
}

/// Prints the table of estimates.
fn print(e: &Estimates) {
    println!(
        "{:<22} {:>12} {:>12} {:>10}",
        "quantity", "estimate", "exact", "std err"
    );
    for &(name, got, exact, se) in &e.rows {
        println!("{name:<22} {got:>12.6} {exact:>12.6} {se:>10.2e}");
    }
}

#[allow(dead_code)]
fn main() -> numcrane::Result<()> {
    let e = run(10_000_000)?;
    print(&e);
    check(&e, 5.0);
    println!("every estimate within 5 standard errors of the exact value");
    Ok(())
}
