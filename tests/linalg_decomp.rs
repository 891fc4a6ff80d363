//! Properties of `numcrane::linalg`'s factorisations, where NumPy's own factors are not unique
//! (signs of singular vectors, eigenvectors and QR factors) so golden values cannot be compared:
//! reconstructions (`U S Vh = A`, `Q R = A`, `L L^T = A`, `A v = w v`), orthogonality, solve
//! residuals, `inv(A) A = I`, identities between functions (det of a product, slogdet vs det,
//! lstsq vs solve, pinv's Penrose conditions), dtypes, and the errors of bad input (naming the
//! operation, the shape and this file's line). The unique parts are checked against NumPy by
//! the golden family `nplinalg`.

use numcrane::linalg::{self, NormAxes, NormOrd, QrMode, RankTol, Uplo};
use numcrane::random::default_rng;
use numcrane::{eye, matmul, Array, DType, Error, TakeMode};

const FILE: &str = file!();

/// A random standard-normal array (float64).
fn randn(shape: &[usize], seed: u128) -> Array {
    default_rng(seed).standard_normal(shape.to_vec())
}

/// A well-conditioned square stack: random plus `3 n I`.
fn well(shape: &[usize], seed: u128) -> Array {
    let n = shape[shape.len() - 1];
    randn(shape, seed) + eye(n, DType::F64) * (3.0 * n as f64)
}

/// A symmetric positive definite stack `X X^T + n I`.
fn spd(shape: &[usize], seed: u128) -> Array {
    let x = randn(shape, seed);
    let n = shape[shape.len() - 1];
    matmul(&x, &x.swapaxes(-1, -2)) + eye(n, DType::F64) * n as f64
}

fn vals(a: &Array) -> Vec<f64> {
    a.astype(DType::F64).to_vec::<f64>().expect("evaluates")
}

/// `||x - y||_F / ||y||_F` (or `||x - y||` when `y` is 0).
fn rel(x: &Array, y: &Array) -> f64 {
    assert_eq!(x.shape(), y.shape(), "shapes differ");
    let (x, y) = (vals(x), vals(y));
    let d: f64 = x
        .iter()
        .zip(&y)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f64>()
        .sqrt();
    let n: f64 = y.iter().map(|b| b * b).sum::<f64>().sqrt();
    if n == 0.0 {
        d
    } else {
        d / n
    }
}

/// The identity stacked to `shape` (`(..., n, n)`).
fn identity_like(shape: &[usize]) -> Array {
    let n = shape[shape.len() - 1];
    eye(n, DType::F64).broadcast_to(shape)
}

fn t(a: &Array) -> Array {
    a.swapaxes(-1, -2)
}

#[test]
fn svd_reconstructs_with_orthonormal_factors() {
    let shapes: [&[usize]; 5] = [&[5, 3], &[3, 5], &[4, 4], &[2, 3, 6], &[1, 1]];
    for (i, shape) in shapes.iter().enumerate() {
        let a = randn(shape, 10 + i as u128);
        let nd = shape.len();
        let (m, n) = (shape[nd - 2], shape[nd - 1]);
        let k = m.min(n);
        for full in [false, true] {
            let d = linalg::svd(&a, full);
            // descending, non-negative
            let s = vals(&d.s);
            for row in s.chunks(k) {
                assert!(row.windows(2).all(|w| w[0] >= w[1]), "{row:?}");
                assert!(row.iter().all(|&x| x >= 0.0));
            }
            let uk = if full {
                d.u.slice_last(m, k)
            } else {
                d.u.clone()
            };
            let vk = if full {
                d.vh.slice_rows(k)
            } else {
                d.vh.clone()
            };
            let back = matmul(&(&uk * &d.s.expand_dims(-2)), &vk);
            let e = rel(&back, &a);
            assert!(e < 1e-12, "svd {shape:?} full={full}: relative error {e}");
            let (uc, vr) = (d.u.shape()[nd - 1], d.vh.shape()[nd - 2]);
            let mut ushape = shape.to_vec();
            ushape[nd - 2] = uc;
            ushape[nd - 1] = uc;
            assert!(rel(&matmul(&t(&d.u), &d.u), &identity_like(&ushape)) < 1e-12);
            let mut vshape = shape.to_vec();
            vshape[nd - 2] = vr;
            vshape[nd - 1] = vr;
            assert!(rel(&matmul(&d.vh, &t(&d.vh)), &identity_like(&vshape)) < 1e-12);
        }
        // svdvals is svd's s
        assert!(rel(&linalg::svdvals(&a), &linalg::svd(&a, false).s) < 1e-14);
    }
}

/// Views the helpers above need, through the public API.
trait Cut {
    fn slice_last(&self, m: usize, k: usize) -> Array;
    fn slice_rows(&self, k: usize) -> Array;
}

impl Cut for Array {
    /// `self[..., :m, :k]`
    fn slice_last(&self, m: usize, k: usize) -> Array {
        let nd = self.ndim() as isize;
        let cols = first(&self.clone(), k, nd - 1);
        first(&cols, m, nd - 2)
    }
    /// `self[..., :k, :]`
    fn slice_rows(&self, k: usize) -> Array {
        first(self, k, self.ndim() as isize - 2)
    }
}

/// The first `k` entries of `a` along `axis`.
fn first(a: &Array, k: usize, axis: isize) -> Array {
    let idx: Vec<i64> = (0..k as i64).collect();
    numcrane::take(a, &Array::from_vec(idx, [k]), Some(axis), TakeMode::Raise)
}

#[test]
fn eigh_vectors_are_orthonormal_eigenvectors() {
    for (i, shape) in [[4usize, 4], [1, 1], [6, 6]].iter().enumerate() {
        let a = spd(shape, 20 + i as u128);
        let a = &a - eye(shape[0], DType::F64) * 5.0; // indefinite as well
        for uplo in [Uplo::L, Uplo::U] {
            let r = linalg::eigh(&a, uplo);
            let (w, v) = (&r.eigenvalues, &r.eigenvectors);
            let av = matmul(&a, v);
            let vw = v * &w.expand_dims(-2);
            assert!(rel(&av, &vw) < 1e-12, "A v = v w");
            assert!(rel(&matmul(&t(v), v), &identity_like(shape)) < 1e-12);
            let wv = vals(w);
            assert!(wv.windows(2).all(|p| p[0] <= p[1]), "ascending {wv:?}");
            assert!(rel(&linalg::eigvalsh(&a, uplo), w) < 1e-13);
        }
    }
    // a stack, reading only the lower triangle: noise above it changes nothing
    let a = spd(&[3, 5, 5], 29);
    let noisy = numcrane::tril(&a, 0) + numcrane::triu(&randn(&[3, 5, 5], 30), 1);
    assert!(
        rel(
            &linalg::eigvalsh(&noisy, Uplo::L),
            &linalg::eigvalsh(&a, Uplo::L)
        ) < 1e-13
    );
    let r = linalg::eigh(&a, Uplo::L);
    assert!(
        rel(
            &matmul(&a, &r.eigenvectors),
            &(&r.eigenvectors * &r.eigenvalues.expand_dims(-2))
        ) < 1e-12
    );
}

#[test]
fn cholesky_factors_reconstruct() {
    for (i, shape) in [vec![4usize, 4], vec![2, 3, 3], vec![1, 1]]
        .iter()
        .enumerate()
    {
        let a = spd(shape, 40 + i as u128);
        let l = linalg::cholesky(&a, false);
        assert!(rel(&matmul(&l, &t(&l)), &a) < 1e-13);
        assert!(
            rel(&numcrane::tril(&l, 0), &l) == 0.0,
            "L is lower triangular"
        );
        let u = linalg::cholesky(&a, true);
        assert!(rel(&matmul(&t(&u), &u), &a) < 1e-13);
        assert!(rel(&u, &t(&l)) < 1e-14);
    }
}

#[test]
fn qr_reconstructs_with_orthonormal_q() {
    let shapes: [&[usize]; 4] = [&[5, 3], &[3, 5], &[4, 4], &[2, 6, 2]];
    for (i, shape) in shapes.iter().enumerate() {
        let a = randn(shape, 50 + i as u128);
        let nd = shape.len();
        for mode in [QrMode::Reduced, QrMode::Complete] {
            let f = linalg::qr(&a, mode);
            let q = f.q.expect("q");
            assert!(rel(&matmul(&q, &f.r), &a) < 1e-13, "{shape:?} {mode:?}");
            let qc = q.shape()[nd - 1];
            let mut s = shape.to_vec();
            s[nd - 2] = qc;
            s[nd - 1] = qc;
            assert!(rel(&matmul(&t(&q), &q), &identity_like(&s)) < 1e-13);
            assert!(
                rel(&numcrane::triu(&f.r, 0), &f.r) == 0.0,
                "R upper triangular"
            );
        }
        let r_only = linalg::qr(&a, QrMode::R);
        assert!(r_only.q.is_none());
        assert!(rel(&r_only.r.abs(), &linalg::qr(&a, QrMode::Reduced).r.abs()) < 1e-13);
    }
}

#[test]
fn solve_inv_det_agree() {
    let a = well(&[3, 4, 4], 60);
    let b = randn(&[3, 4, 2], 61);
    let x = linalg::solve(&a, &b);
    assert!(rel(&matmul(&a, &x), &b) < 1e-13, "solve residual");
    let ai = linalg::inv(&a);
    assert!(rel(&matmul(&ai, &a), &identity_like(&[3, 4, 4])) < 1e-13);
    // a vector right-hand side is shared by every matrix
    let v = randn(&[4], 62);
    let xv = linalg::solve(&a, &v);
    assert_eq!(xv.shape(), &[3, 4]);
    assert!(
        rel(
            &matmul(&a, &xv.expand_dims(-1)).squeeze_axis(-1),
            &v.broadcast_to(&[3, 4])
        ) < 1e-13
    );
    // det(AB) = det(A) det(B); slogdet agrees with det
    let c = well(&[3, 4, 4], 63);
    let lhs = linalg::det(&matmul(&a, &c));
    let rhs = linalg::det(&a) * linalg::det(&c);
    assert!(rel(&lhs, &rhs) < 1e-12);
    let sl = linalg::slogdet(&a);
    assert!(rel(&(&sl.sign * sl.logabsdet.exp()), &linalg::det(&a)) < 1e-12);
    // lstsq of a square system is solve's answer
    let a2 = well(&[5, 5], 64);
    let b2 = randn(&[5], 65);
    let l = linalg::lstsq(&a2, &b2, None);
    assert!(rel(&l.x, &linalg::solve(&a2, &b2)) < 1e-12);
    assert_eq!(l.rank.item::<i32>().unwrap(), 5);
}

#[test]
fn pinv_meets_the_penrose_conditions() {
    for (i, shape) in [[4usize, 2], [2, 5], [3, 3]].iter().enumerate() {
        let a = randn(shape, 70 + i as u128);
        let p = linalg::pinv(&a);
        assert_eq!(p.shape(), &[shape[1], shape[0]]);
        assert!(rel(&matmul(&matmul(&a, &p), &a), &a) < 1e-12);
        assert!(rel(&matmul(&matmul(&p, &a), &p), &p) < 1e-12);
    }
}

#[test]
fn dtypes_follow_numpy() {
    let f32a = well(&[3, 3], 80).astype(DType::F32);
    assert_eq!(linalg::inv(&f32a).dtype(), DType::F32);
    assert_eq!(linalg::det(&f32a).dtype(), DType::F32);
    assert_eq!(linalg::svd(&f32a, true).u.dtype(), DType::F32);
    assert_eq!(
        linalg::norm(&f32a, NormOrd::Default, NormAxes::All, false).dtype(),
        DType::F32
    );
    let ints = numcrane::array([[2i64, 1], [1, 1]]);
    assert_eq!(linalg::inv(&ints).dtype(), DType::F64);
    assert_eq!(linalg::matrix_power(&ints, 3).dtype(), DType::I64);
    assert_eq!(linalg::matrix_power(&ints, -1).dtype(), DType::F64);
    assert_eq!(
        linalg::matrix_rank(&ints, RankTol::Default).dtype(),
        DType::I64
    );
    let i8s = numcrane::array([[2i8, 1], [1, 1]]);
    assert_eq!(linalg::matrix_power(&i8s, 5).dtype(), DType::I8);
    assert_eq!(
        linalg::matrix_power(&ints, 5).to_vec::<i64>().unwrap(),
        vec![89, 55, 55, 34]
    );
}

#[test]
fn multi_dot_matches_the_plain_chain() {
    let shapes = [[10usize, 30], [30, 5], [5, 60], [60, 3]];
    let xs: Vec<Array> = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| randn(s, 90 + i as u128))
        .collect();
    let refs: Vec<&Array> = xs.iter().collect();
    let plain = matmul(&matmul(&matmul(&xs[0], &xs[1]), &xs[2]), &xs[3]);
    assert!(rel(&linalg::multi_dot(&refs), &plain) < 1e-12);
}

/// The error of `a` is a LinAlg error naming `op`, `needle` and `line` of this file.
#[track_caller]
fn linalg_error(a: &Array, op: &str, needle: &str, line: u32) {
    let e = a.eval().expect_err("expected an error");
    assert!(
        matches!(e, Error::LinAlg { .. }),
        "not a LinAlg error: {e:?}"
    );
    let msg = e.to_string();
    assert!(msg.starts_with(op), "{msg}");
    assert!(msg.contains(needle), "{msg} lacks {needle}");
    assert!(
        msg.contains(&format!("{FILE}:{line}:")),
        "{msg} lacks {FILE}:{line}"
    );
}

#[rustfmt::skip] // keeps each call on the line its line!() names
#[test]
fn bad_input_gives_linalg_errors() {
    let sing = numcrane::array([[1.0, 2.0], [2.0, 4.0]]);
    let rect = numcrane::ones([2, 3], DType::F64);
    let vec = numcrane::ones([3], DType::F64);
    let notpd = numcrane::array([[1.0, 2.0], [2.0, 1.0]]);
    // each call and its line!() on one line, so the error's location is that line
    let cases: Vec<(Array, &str, &str, u32)> = vec![
        (linalg::inv(&sing), "inv", "Singular matrix (input shape (2, 2))", line!()),
        (linalg::solve(&sing, &numcrane::ones([2], DType::F64)), "solve", "Singular matrix", line!()),
        (linalg::inv(&rect), "inv", "Last 2 dimensions of the array must be square (shape (2, 3))", line!()),
        (linalg::det(&rect), "det", "must be square", line!()),
        (linalg::cholesky(&rect, false), "cholesky", "must be square", line!()),
        (linalg::det(&vec), "det", "1-dimensional array given", line!()),
        (linalg::svd(&vec, true).u, "svd", "at least two-dimensional", line!()),
        (linalg::cholesky(&notpd, false), "cholesky", "not positive definite", line!()),
        (linalg::slogdet(&rect).logabsdet, "slogdet", "square", line!()),
        // a singular matrix inside a stack fails the whole call
        (linalg::inv(&numcrane::stack(&[&eye(2, DType::F64), &sing], 0)), "inv", "Singular matrix", line!()),
    ];
    for (r, op, needle, line) in &cases {
        linalg_error(r, op, needle, *line);
    }
    // det of a singular matrix is 0, not an error (as NumPy)
    assert_eq!(linalg::det(&sing).item::<f64>().unwrap(), 0.0);
    let s = linalg::slogdet(&sing);
    assert_eq!(s.sign.item::<f64>().unwrap(), 0.0);
    assert_eq!(s.logabsdet.item::<f64>().unwrap(), f64::NEG_INFINITY);
    // an input that fails to evaluate passes its own error on
    let bad = numcrane::ones([2, 2], DType::F64) + numcrane::ones([3], DType::F64);
    assert!(matches!(
        linalg::inv(&bad).eval(),
        Err(Error::ShapeMismatch { .. })
    ));
    // NaN does not panic
    let nan = numcrane::array([[f64::NAN, 1.0], [1.0, 1.0]]);
    let _ = linalg::svd(&nan, true).s.eval();
    let _ = linalg::eigh(&nan, Uplo::L).eigenvalues.eval();
    let _ = linalg::inv(&nan).eval();
}
