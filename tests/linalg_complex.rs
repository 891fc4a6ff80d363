//! Properties of `numcrane::linalg` on complex matrices (issue 8), where NumPy's own factors
//! are unique only up to a unit phase per vector so golden values cannot be compared directly:
//! reconstructions (`U S V^H = A`, `Q R = A`, `L L^H = A`, `A V = V diag(w)`, `A inv(A) = I`),
//! unitarity, Hermitian input read from one triangle, identities between functions (det of a
//! product, slogdet vs det, lstsq vs solve and pinv, pinv's Penrose conditions, norms from the
//! singular values), dtypes (complex64 in, complex64 / float32 out; mixed real and complex
//! operands), stacks, and the errors of bad complex input. The unique parts are checked against
//! NumPy by the golden family `clinalg`.

use numcrane::linalg::{self, NormAxes, NormOrd, QrMode, RankTol, Uplo};
use numcrane::random::default_rng;
use numcrane::{
    conj, eye, matmul, tril, triu, zeros_like, Array, Complex64, DType, Error, TakeMode,
};

const FILE: &str = file!();

/// The real values of a standard-normal draw.
fn normals(shape: &[usize], seed: u128) -> Vec<f64> {
    default_rng(seed)
        .standard_normal(shape.to_vec())
        .to_vec::<f64>()
        .expect("evaluates")
}

/// A random complex128 array: standard-normal real and imaginary parts.
fn crandn(shape: &[usize], seed: u128) -> Array {
    let re = normals(shape, seed);
    let im = normals(shape, seed + 1_000);
    let v: Vec<Complex64> = re
        .iter()
        .zip(&im)
        .map(|(&r, &i)| Complex64::new(r, i))
        .collect();
    Array::from_vec(v, shape.to_vec())
}

/// The `n x n` identity as complex128.
fn ceye(n: usize) -> Array {
    eye(n, DType::C128)
}

/// A well-conditioned complex square stack: random plus `3 n I`.
fn well(shape: &[usize], seed: u128) -> Array {
    let n = shape[shape.len() - 1];
    crandn(shape, seed) + ceye(n) * (3.0 * n as f64)
}

/// The conjugate transpose of the last two axes.
fn h(a: &Array) -> Array {
    conj(&a.swapaxes(-1, -2))
}

/// A Hermitian positive definite stack `X X^H + n I`.
fn hpd(shape: &[usize], seed: u128) -> Array {
    let x = crandn(shape, seed);
    let n = shape[shape.len() - 1];
    matmul(&x, &h(&x)) + ceye(n) * n as f64
}

fn cvals(a: &Array) -> Vec<Complex64> {
    a.astype(DType::C128)
        .to_vec::<Complex64>()
        .expect("evaluates")
}

/// `||x - y||_F / ||y||_F` (or `||x - y||` when `y` is 0), over complex values.
fn rel(x: &Array, y: &Array) -> f64 {
    assert_eq!(x.shape(), y.shape(), "shapes differ");
    let (x, y) = (cvals(x), cvals(y));
    let d: f64 = x
        .iter()
        .zip(&y)
        .map(|(a, b)| (a - b).norm_sqr())
        .sum::<f64>()
        .sqrt();
    let n: f64 = y.iter().map(|b| b.norm_sqr()).sum::<f64>().sqrt();
    if n == 0.0 {
        d
    } else {
        d / n
    }
}

/// The identity stacked to `shape` (`(..., n, n)`), complex128.
fn identity_like(shape: &[usize]) -> Array {
    let n = shape[shape.len() - 1];
    ceye(n).broadcast_to(shape)
}

/// `shape` with its last two entries replaced by `r x c`.
fn with_tail(shape: &[usize], r: usize, c: usize) -> Vec<usize> {
    let nd = shape.len();
    let mut s = shape.to_vec();
    s[nd - 2] = r;
    s[nd - 1] = c;
    s
}

/// The first `k` entries of `a` along `axis`.
fn first(a: &Array, k: usize, axis: isize) -> Array {
    let idx: Vec<i64> = (0..k as i64).collect();
    numcrane::take(a, &Array::from_vec(idx, [k]), Some(axis), TakeMode::Raise)
}

#[test]
fn svd_reconstructs_with_unitary_factors() {
    let shapes: [&[usize]; 5] = [&[5, 3], &[3, 5], &[4, 4], &[2, 3, 6], &[1, 1]];
    for (i, shape) in shapes.iter().enumerate() {
        let a = crandn(shape, 10 + i as u128);
        let nd = shape.len();
        let (m, n) = (shape[nd - 2], shape[nd - 1]);
        let k = m.min(n);
        for full in [false, true] {
            let d = linalg::svd(&a, full);
            assert_eq!(
                (d.u.dtype(), d.s.dtype(), d.vh.dtype()),
                (DType::C128, DType::F64, DType::C128)
            );
            let s = d.s.to_vec::<f64>().unwrap();
            for row in s.chunks(k) {
                assert!(row.windows(2).all(|w| w[0] >= w[1]), "{row:?}");
                assert!(row.iter().all(|&x| x >= 0.0));
            }
            // A = U[..., :k] diag(s) Vh[..., :k, :]
            let uk = if full {
                first(&d.u, k, -1)
            } else {
                d.u.clone()
            };
            let vk = if full {
                first(&d.vh, k, -2)
            } else {
                d.vh.clone()
            };
            let back = matmul(&(&uk * &d.s.expand_dims(-2)), &vk);
            let e = rel(&back, &a);
            assert!(e < 1e-12, "svd {shape:?} full={full}: relative error {e}");
            let uc = d.u.shape()[nd - 1];
            let vr = d.vh.shape()[nd - 2];
            let eu = rel(
                &matmul(&h(&d.u), &d.u),
                &identity_like(&with_tail(shape, uc, uc)),
            );
            let ev = rel(
                &matmul(&d.vh, &h(&d.vh)),
                &identity_like(&with_tail(shape, vr, vr)),
            );
            assert!(eu < 1e-12 && ev < 1e-12, "{shape:?} full={full}: {eu} {ev}");
        }
        // svdvals is svd's s
        assert!(rel(&linalg::svdvals(&a), &linalg::svd(&a, false).s) < 1e-14);
    }
}

#[test]
fn eigh_reads_one_triangle_of_a_hermitian_matrix() {
    for (i, shape) in [&[4usize, 4][..], &[2, 5, 5], &[1, 1]].iter().enumerate() {
        let x = crandn(shape, 40 + i as u128);
        let herm = &x + &h(&x);
        let n = shape[shape.len() - 1];
        let r = linalg::eigh(&herm, Uplo::L);
        assert_eq!(r.eigenvalues.dtype(), DType::F64);
        assert_eq!(r.eigenvectors.dtype(), DType::C128);
        let w = r.eigenvalues.to_vec::<f64>().unwrap();
        for row in w.chunks(n) {
            assert!(row.windows(2).all(|p| p[0] <= p[1]), "ascending: {row:?}");
        }
        // A V = V diag(w), V unitary
        let av = matmul(&herm, &r.eigenvectors);
        let vw = &r.eigenvectors * &r.eigenvalues.expand_dims(-2);
        let e = rel(&av, &vw);
        assert!(e < 1e-12, "eigh {shape:?}: {e}");
        let eu = rel(
            &matmul(&h(&r.eigenvectors), &r.eigenvectors),
            &identity_like(shape),
        );
        assert!(eu < 1e-12, "unitary {shape:?}: {eu}");
        // only one triangle is read: noise in the other (and in the diagonal's imaginary
        // part) changes nothing
        let noise = crandn(shape, 90 + i as u128);
        let lower = tril(&herm, 0) + triu(&noise, 1);
        let upper = triu(&herm, 0) + tril(&noise, -1);
        for (a, u) in [(&lower, Uplo::L), (&upper, Uplo::U)] {
            let e = rel(&linalg::eigvalsh(a, u), &linalg::eigvalsh(&herm, Uplo::L));
            assert!(e < 1e-12, "{u:?}: {e}");
        }
        let imag_diag = &herm + &(ceye(n) * Complex64::new(0.0, 3.0));
        let e = rel(
            &linalg::eigvalsh(&imag_diag, Uplo::L),
            &linalg::eigvalsh(&herm, Uplo::L),
        );
        assert!(e < 1e-12, "diagonal imaginary part read: {e}");
    }
}

#[test]
fn eig_pairs_satisfy_a_v_equals_v_w() {
    for (i, shape) in [&[4usize, 4][..], &[3, 3, 3], &[1, 1]].iter().enumerate() {
        let a = crandn(shape, 60 + i as u128);
        let r = linalg::eig(&a);
        assert_eq!(r.eigenvalues.dtype(), DType::C128);
        assert_eq!(r.eigenvectors.dtype(), DType::C128);
        let av = matmul(&a, &r.eigenvectors);
        let vw = &r.eigenvectors * &r.eigenvalues.expand_dims(-2);
        let e = rel(&av, &vw);
        assert!(e < 1e-12, "eig {shape:?}: {e}");
        // unit columns
        let norms = linalg::norm(
            &r.eigenvectors,
            NormOrd::Default,
            NormAxes::Vector(-2),
            false,
        );
        assert!(norms
            .to_vec::<f64>()
            .unwrap()
            .iter()
            .all(|x| (x - 1.0).abs() < 1e-12));
        // eigvals gives the same values
        assert!(rel(&linalg::eigvals(&a), &r.eigenvalues) < 1e-12);
    }
    // complex input with real eigenvalues still gives complex results (NumPy's rule for real
    // input does not apply)
    let tri = Array::from_vec(
        vec![
            Complex64::new(2.0, 0.0),
            Complex64::new(1.0, 0.0),
            Complex64::new(0.0, 0.0),
            Complex64::new(3.0, 0.0),
        ],
        [2, 2],
    );
    assert_eq!(linalg::eigvals(&tri).dtype(), DType::C128);
    assert_eq!(linalg::eig(&tri).eigenvectors.dtype(), DType::C128);
}

#[test]
fn cholesky_factors_reconstruct() {
    for (i, shape) in [&[4usize, 4][..], &[2, 3, 3], &[1, 1]].iter().enumerate() {
        let a = hpd(shape, 20 + i as u128);
        let l = linalg::cholesky(&a, false);
        assert_eq!(l.dtype(), DType::C128);
        assert!(rel(&matmul(&l, &h(&l)), &a) < 1e-12, "L L^H {shape:?}");
        assert_eq!(rel(&triu(&l, 1), &zeros_like(&l)), 0.0);
        let u = linalg::cholesky(&a, true);
        assert!(rel(&matmul(&h(&u), &u), &a) < 1e-12, "U^H U {shape:?}");
        // the factors are unique: U = L^H, and the diagonal is real and positive
        assert!(rel(&u, &h(&l)) < 1e-12);
        let n = shape[shape.len() - 1];
        let d = cvals(&l);
        for (j, z) in d.iter().enumerate() {
            if (j % (n * n)) % (n + 1) == 0 {
                assert!(z.im == 0.0 && z.re > 0.0, "diagonal {z}");
            }
        }
    }
}

#[test]
fn qr_reconstructs_with_unitary_q() {
    for (i, shape) in [&[5usize, 3][..], &[3, 5], &[4, 4], &[2, 4, 3]]
        .iter()
        .enumerate()
    {
        let a = crandn(shape, 30 + i as u128);
        let nd = shape.len();
        for mode in [QrMode::Reduced, QrMode::Complete] {
            let f = linalg::qr(&a, mode);
            let q = f.q.clone().unwrap();
            assert_eq!((q.dtype(), f.r.dtype()), (DType::C128, DType::C128));
            let e = rel(&matmul(&q, &f.r), &a);
            assert!(e < 1e-12, "qr {shape:?} {mode:?}: {e}");
            let qc = q.shape()[nd - 1];
            let eq = rel(
                &matmul(&h(&q), &q),
                &identity_like(&with_tail(shape, qc, qc)),
            );
            assert!(eq < 1e-12, "unitary {shape:?} {mode:?}: {eq}");
            assert_eq!(rel(&tril(&f.r, -1), &zeros_like(&f.r)), 0.0);
        }
        // mode r gives the reduced r
        let r = linalg::qr(&a, QrMode::R).r;
        assert!(rel(&r, &linalg::qr(&a, QrMode::Reduced).r) < 1e-14);
    }
}

#[test]
fn solve_inv_det_agree() {
    let a = well(&[2, 4, 4], 1);
    let b = well(&[2, 4, 4], 2);
    let i4 = identity_like(&[2, 4, 4]);
    let ai = linalg::inv(&a);
    assert_eq!(ai.dtype(), DType::C128);
    assert!(rel(&matmul(&a, &ai), &i4) < 1e-12);
    assert!(rel(&matmul(&ai, &a), &i4) < 1e-12);
    // a x = rhs
    let rhs = crandn(&[2, 4, 3], 3);
    let x = linalg::solve(&a, &rhs);
    assert!(rel(&matmul(&a, &x), &rhs) < 1e-12);
    // det(AB) = det(A) det(B)
    let dab = linalg::det(&matmul(&a, &b));
    assert_eq!(dab.dtype(), DType::C128);
    assert!(rel(&dab, &(&linalg::det(&a) * &linalg::det(&b))) < 1e-12);
    // slogdet: |sign| = 1 and sign * exp(logabsdet) = det
    let s = linalg::slogdet(&a);
    assert_eq!(
        (s.sign.dtype(), s.logabsdet.dtype()),
        (DType::C128, DType::F64)
    );
    for z in cvals(&s.sign) {
        assert!((z.norm() - 1.0).abs() < 1e-14, "{z}");
    }
    let back = &s.sign * &s.logabsdet.exp();
    assert!(rel(&back, &linalg::det(&a)) < 1e-12);
}

#[test]
fn mixed_real_and_complex_operands_promote_as_numpy() {
    let real = numcrane::array([[3.0, 1.0], [1.0, 2.0]]);
    let creal = real.astype(DType::C128);
    let b = crandn(&[2, 3], 7);
    let x = linalg::solve(&real, &b);
    assert_eq!(x.dtype(), DType::C128);
    assert!(rel(&x, &linalg::solve(&creal, &b)) < 1e-14);
    // a complex a and a real b
    let rb = numcrane::array([1.0, 2.0]);
    let x = linalg::solve(&crandn(&[2, 2], 8), &rb);
    assert_eq!(x.dtype(), DType::C128);
    // float32 with complex64 stays single; float64 with complex64 is complex128
    let x = linalg::solve(&real.astype(DType::F32), &b.astype(DType::C64));
    assert_eq!(x.dtype(), DType::C64);
    let x = linalg::solve(&real, &b.astype(DType::C64));
    assert_eq!(x.dtype(), DType::C128);
    // lstsq with a real a and a complex b
    let r = linalg::lstsq(&real, &b, None);
    assert_eq!(
        (r.x.dtype(), r.residuals.dtype(), r.s.dtype()),
        (DType::C128, DType::F64, DType::F64)
    );
    assert!(rel(&r.x, &linalg::solve(&real, &b)) < 1e-12);
}

#[test]
fn pinv_and_lstsq_are_the_least_squares_solution() {
    let a = crandn(&[6, 3], 11);
    let p = linalg::pinv(&a);
    assert_eq!((p.dtype(), p.shape()), (DType::C128, &[3usize, 6][..]));
    // Penrose conditions
    let ap = matmul(&a, &p);
    let pa = matmul(&p, &a);
    assert!(rel(&matmul(&ap, &a), &a) < 1e-12);
    assert!(rel(&matmul(&pa, &p), &p) < 1e-12);
    assert!(rel(&h(&ap), &ap) < 1e-12);
    assert!(rel(&h(&pa), &pa) < 1e-12);
    // lstsq's x is pinv(a) @ b; its residual is |b - a x|^2
    let b = crandn(&[6, 2], 12);
    let r = linalg::lstsq(&a, &b, None);
    assert!(rel(&r.x, &matmul(&p, &b)) < 1e-12);
    let resid = (&b - &matmul(&a, &r.x)).abs();
    let want = (&resid * &resid).sum(0);
    assert!(rel(&r.residuals, &want) < 1e-12);
    assert_eq!(r.rank.item::<i32>().unwrap(), 3);
    // the normal equations: a^H (b - a x) = 0
    let normal = matmul(&h(&a), &(&b - &matmul(&a, &r.x)));
    assert!(cvals(&normal).iter().all(|z| z.norm() < 1e-12));
}

#[test]
fn norms_ranks_and_powers() {
    let a = crandn(&[3, 4], 50);
    let s = linalg::svdvals(&a).to_vec::<f64>().unwrap();
    let z = cvals(&a);
    let norm = |ord| {
        linalg::norm(&a, ord, NormAxes::All, false)
            .item::<f64>()
            .unwrap()
    };
    let fro = z.iter().map(|c| c.norm_sqr()).sum::<f64>().sqrt();
    assert!((norm(NormOrd::Fro) - fro).abs() < 1e-12 * fro);
    assert!((norm(NormOrd::Default) - fro).abs() < 1e-12 * fro);
    assert!((norm(NormOrd::P(2.0)) - s[0]).abs() < 1e-12 * s[0]);
    assert!((norm(NormOrd::P(-2.0)) - s[2]).abs() < 1e-12 * s[0]);
    assert!((norm(NormOrd::Nuc) - s.iter().sum::<f64>()).abs() < 1e-12 * s[0]);
    // inf: the largest row sum of moduli
    let rows: Vec<f64> = z
        .chunks(4)
        .map(|r| r.iter().map(|c| c.norm()).sum())
        .collect();
    let inf = rows.iter().copied().fold(f64::MIN, f64::max);
    assert!((norm(NormOrd::Inf) - inf).abs() < 1e-12 * inf);
    // vector norms use |z|
    let v = numcrane::array([Complex64::new(3.0, 4.0), Complex64::new(0.0, -1.0)]);
    let vn = |ord| {
        linalg::norm(&v, ord, NormAxes::All, false)
            .item::<f64>()
            .unwrap()
    };
    assert!((vn(NormOrd::P(1.0)) - 6.0).abs() < 1e-14);
    assert!((vn(NormOrd::Inf) - 5.0).abs() < 1e-14);
    assert!((vn(NormOrd::Default) - 26f64.sqrt()).abs() < 1e-14);
    // cond 2 is s_max / s_min
    let sq = well(&[3, 3], 51);
    let sv = linalg::svdvals(&sq).to_vec::<f64>().unwrap();
    let c = linalg::cond(&sq, NormOrd::Default).item::<f64>().unwrap();
    assert!((c - sv[0] / sv[2]).abs() < 1e-12 * c);
    // rank of a product of rank 2
    let low = matmul(&crandn(&[5, 2], 52), &crandn(&[2, 4], 53));
    assert_eq!(
        linalg::matrix_rank(&low, RankTol::Default)
            .item::<i64>()
            .unwrap(),
        2
    );
    // a^-2 a^2 = I, a^0 = I (complex)
    let m = well(&[3, 3], 54) / 9.0;
    let p = matmul(&linalg::matrix_power(&m, -2), &linalg::matrix_power(&m, 2));
    assert!(rel(&p, &ceye(3)) < 1e-12);
    let p0 = linalg::matrix_power(&m, 0);
    assert_eq!(p0.dtype(), DType::C128);
    assert_eq!(rel(&p0, &ceye(3)), 0.0);
    // multi_dot with a real matrix in the chain
    let chain = [
        crandn(&[3, 5], 55),
        numcrane::ones([5, 2], DType::F64),
        crandn(&[2, 4], 56),
    ];
    let md = linalg::multi_dot(&[&chain[0], &chain[1], &chain[2]]);
    assert_eq!(md.dtype(), DType::C128);
    let plain = matmul(&matmul(&chain[0], &chain[1]), &chain[2]);
    assert!(rel(&md, &plain) < 1e-12);
}

#[test]
fn complex64_in_complex64_out() {
    let a = well(&[2, 3, 3], 70).astype(DType::C64);
    let eps = 1e-5;
    let i3 = identity_like(&[2, 3, 3]);
    let ai = linalg::inv(&a);
    assert_eq!(ai.dtype(), DType::C64);
    assert!(rel(&matmul(&a, &ai), &i3) < eps);
    assert_eq!(linalg::det(&a).dtype(), DType::C64);
    let s = linalg::slogdet(&a);
    assert_eq!(
        (s.sign.dtype(), s.logabsdet.dtype()),
        (DType::C64, DType::F32)
    );
    let d = linalg::svd(&a, false);
    assert_eq!(
        (d.u.dtype(), d.s.dtype(), d.vh.dtype()),
        (DType::C64, DType::F32, DType::C64)
    );
    let back = matmul(&(&d.u * &d.s.expand_dims(-2)), &d.vh);
    assert!(rel(&back, &a) < eps);
    let x = crandn(&[3, 3], 71);
    let herm = (&x + &h(&x)).astype(DType::C64);
    let r = linalg::eigh(&herm, Uplo::L);
    assert_eq!(
        (r.eigenvalues.dtype(), r.eigenvectors.dtype()),
        (DType::F32, DType::C64)
    );
    let e = linalg::eig(&a);
    assert_eq!(e.eigenvalues.dtype(), DType::C64);
    let av = matmul(&a, &e.eigenvectors);
    assert!(rel(&av, &(&e.eigenvectors * &e.eigenvalues.expand_dims(-2))) < eps);
    let f = linalg::qr(&a, QrMode::Reduced);
    assert_eq!(f.r.dtype(), DType::C64);
    assert!(rel(&matmul(f.q.as_ref().unwrap(), &f.r), &a) < eps);
    let l = linalg::cholesky(&hpd(&[3, 3], 72).astype(DType::C64), false);
    assert_eq!(l.dtype(), DType::C64);
    assert_eq!(linalg::pinv(&a).dtype(), DType::C64);
    for ord in [NormOrd::Default, NormOrd::Nuc, NormOrd::P(1.0)] {
        let n = linalg::norm(&a, ord, NormAxes::Matrix(-2, -1), false);
        assert_eq!(n.dtype(), DType::F32);
    }
    assert_eq!(linalg::cond(&a, NormOrd::Default).dtype(), DType::F32);
    assert_eq!(linalg::svdvals(&a).dtype(), DType::F32);
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
fn bad_complex_input_gives_linalg_errors() {
    let c = |re, im| Complex64::new(re, im);
    let sing = Array::from_vec(vec![c(1.0, 1.0), c(2.0, 2.0), c(1.0, 0.0), c(2.0, 0.0)], [2, 2]);
    let notpd = Array::from_vec(vec![c(1.0, 0.0), c(0.0, 2.0), c(0.0, -2.0), c(1.0, 0.0)], [2, 2]);
    let rect = crandn(&[2, 3], 80);
    let nan = Array::from_vec(vec![c(f64::NAN, 0.0), c(0.0, 0.0), c(0.0, 0.0), c(1.0, 0.0)], [2, 2]);
    let cases: Vec<(Array, &str, &str, u32)> = vec![
        (linalg::inv(&sing), "inv", "Singular matrix (input shape (2, 2))", line!()),
        (linalg::solve(&sing, &crandn(&[2], 81)), "solve", "Singular matrix", line!()),
        (linalg::cholesky(&notpd, false), "cholesky", "not positive definite", line!()),
        (linalg::det(&rect), "det", "must be square", line!()),
        (linalg::eigvals(&nan), "eigvals", "Array must not contain infs or NaNs", line!()),
        (linalg::inv(&numcrane::stack(&[&ceye(2), &sing], 0)), "inv", "Singular matrix", line!()),
    ];
    for (r, op, needle, line) in &cases {
        linalg_error(r, op, needle, *line);
    }
    // det of a singular matrix is 0 and slogdet's sign 0 with -inf, not errors (as NumPy)
    assert_eq!(linalg::det(&sing).item::<Complex64>().unwrap(), c(0.0, 0.0));
    let s = linalg::slogdet(&sing);
    assert_eq!(s.sign.item::<Complex64>().unwrap(), c(0.0, 0.0));
    assert_eq!(s.logabsdet.item::<f64>().unwrap(), f64::NEG_INFINITY);
}
