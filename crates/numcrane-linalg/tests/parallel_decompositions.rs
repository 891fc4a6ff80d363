//! eigh, svd and qr of matrices at and above their parallel thresholds (decomposed by faer on
//! the rayon pool): they reconstruct their input, their vectors are orthonormal, and the result has the
//! same bits on 1, 2 and 3 threads (the parallelism is chosen from the matrix's order alone).

mod common;
use common::{bits, matrix, on_threads};
use numcrane_linalg::{
    eigh, qr, svd, EIGH_PARALLEL_MIN_DIM, QR_PARALLEL_MIN_DIM, SVD_PARALLEL_MIN_DIM,
};

/// max |sum_t x[i][t] d[t] y[j][t] - want[i][j]| for row-major x (m x k), y (n x k).
fn worst_reconstruction(x: &[f64], d: &[f64], y: &[f64], want: &[f64], m: usize, n: usize) -> f64 {
    let k = d.len();
    let mut worst: f64 = 0.0;
    for i in 0..m {
        for j in 0..n {
            let s: f64 = (0..k).map(|t| x[i * k + t] * d[t] * y[j * k + t]).sum();
            worst = worst.max((s - want[i * n + j]).abs());
        }
    }
    worst
}

/// max |Q^T Q - I| for the row-major `rows x cols` matrix `q` (orthonormal columns).
fn orthonormality_error(q: &[f64], rows: usize, cols: usize) -> f64 {
    let mut worst: f64 = 0.0;
    for a in 0..cols {
        for b in 0..cols {
            let s: f64 = (0..rows).map(|r| q[r * cols + a] * q[r * cols + b]).sum();
            let want = if a == b { 1.0 } else { 0.0 };
            worst = worst.max((s - want).abs());
        }
    }
    worst
}

#[test]
fn symmetric_eigen_decomposition_in_parallel() {
    let n = EIGH_PARALLEL_MIN_DIM + 3;
    let a = matrix(n, n, 5);
    // symmetric: a + a^T
    let sym: Vec<f64> = (0..n * n).map(|t| a[t] + a[(t % n) * n + t / n]).collect();
    let (w, v) = eigh(&sym, n, true, true).unwrap();
    assert!(w.windows(2).all(|p| p[0] <= p[1]), "eigenvalues ascending");
    // A = V diag(w) V^T
    let err = worst_reconstruction(&v, &w, &v, &sym, n, n);
    assert!(err < 1e-11 * n as f64, "reconstruction {err}");
    assert!(orthonormality_error(&v, n, n) < 1e-12 * n as f64);
    // the upper triangle gives the same decomposition of a symmetric matrix
    let (wu, _) = eigh(&sym, n, false, false).unwrap();
    for (x, y) in w.iter().zip(&wu) {
        assert!((x - y).abs() < 1e-10, "{x} vs {y}");
    }
    let run = |threads| {
        on_threads(threads, || {
            let (w, v) = eigh(&sym, n, true, true).unwrap();
            (bits(&w), bits(&v))
        })
    };
    let one = run(1);
    assert!(one == run(2), "1 and 2 threads differ");
    assert!(one == run(3), "1 and 3 threads differ");
}

#[test]
fn singular_value_decomposition_in_parallel() {
    let (m, n) = (SVD_PARALLEL_MIN_DIM + 40, SVD_PARALLEL_MIN_DIM + 1);
    let a = matrix(m, n, 8);
    let d = svd(&a, m, n, false, true).unwrap();
    let k = n;
    assert!(
        d.s.windows(2).all(|p| p[0] >= p[1]),
        "singular values descending"
    );
    // A = U diag(s) Vh, with Vh's rows the columns of V
    let v: Vec<f64> = (0..n * k).map(|t| d.vh[(t % k) * n + t / k]).collect();
    let err = worst_reconstruction(&d.u, &d.s, &v, &a, m, n);
    assert!(err < 1e-11 * m as f64, "reconstruction {err}");
    assert!(orthonormality_error(&d.u, m, k) < 1e-12 * m as f64);
    // values alone agree with the values of the full decomposition
    let s_only = svd(&a, m, n, false, false).unwrap().s;
    for (x, y) in d.s.iter().zip(&s_only) {
        assert!((x - y).abs() < 1e-10 * d.s[0], "{x} vs {y}");
    }
    let run = |threads| {
        on_threads(threads, || {
            let d = svd(&a, m, n, true, true).unwrap();
            (bits(&d.u), bits(&d.s), bits(&d.vh))
        })
    };
    let one = run(1);
    assert!(one == run(2), "1 and 2 threads differ");
    assert!(one == run(3), "1 and 3 threads differ");
}

/// max |(Q R)[i][j] - a[i][j]| for row-major q (m x k), r (k x n).
fn worst_product_error(q: &[f64], r: &[f64], a: &[f64], m: usize, k: usize, n: usize) -> f64 {
    let mut worst: f64 = 0.0;
    for i in 0..m {
        for j in 0..n {
            let s: f64 = (0..k).map(|t| q[i * k + t] * r[t * n + j]).sum();
            worst = worst.max((s - a[i * n + j]).abs());
        }
    }
    worst
}

#[test]
fn qr_factorisation_in_parallel() {
    // tall and wide, both at or above the threshold
    for (m, n) in [
        (QR_PARALLEL_MIN_DIM + 20, QR_PARALLEL_MIN_DIM),
        (QR_PARALLEL_MIN_DIM, QR_PARALLEL_MIN_DIM + 9),
    ] {
        let a = matrix(m, n, (m * n) as u64);
        let k = m.min(n);
        for complete in [false, true] {
            let (q, r) = qr(&a, m, n, complete, true).unwrap();
            let (qcols, rrows) = if complete { (m, m) } else { (k, k) };
            assert_eq!((q.len(), r.len()), (m * qcols, rrows * n));
            assert!(
                (0..rrows).all(|i| (0..n.min(i)).all(|j| r[i * n + j] == 0.0)),
                "R upper trapezoidal"
            );
            // Q R = A, using Q's first rrows columns (R's rows below k are zero)
            let err = worst_product_error(&q, &r, &a, m, qcols, n);
            assert!(err < 1e-12 * m as f64, "{m} x {n}: |QR - A| {err}");
            assert!(orthonormality_error(&q, m, qcols) < 1e-12 * m as f64);
        }
        let run = |threads| {
            on_threads(threads, || {
                let (q, r) = qr(&a, m, n, false, true).unwrap();
                (bits(&q), bits(&r))
            })
        };
        let one = run(1);
        assert!(one == run(2), "{m} x {n}: 1 and 2 threads differ");
        assert!(one == run(3), "{m} x {n}: 1 and 3 threads differ");
    }
}
