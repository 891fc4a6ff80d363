//! The complex (`complex128`, faer's `c64` = `num_complex::Complex<f64>`) twins of the real
//! factorisations in `lib.rs`: LU (det, slogdet, inv, solve), Cholesky of a Hermitian matrix,
//! the Hermitian and the general eigendecomposition, the SVD and QR.
//!
//! They sit beside the real functions rather than replacing them with generic ones so the real
//! bodies stay as they are (their parallelism may be chosen per call later). The conventions
//! are NumPy's (LAPACK's `z` routines): Hermitian input is read from one triangle, the other is
//! its conjugate and the diagonal's imaginary part is ignored (`zheevd` and `zpotrf` take
//! `DBLE(A(j,j))`); `Vh` is the conjugate transpose of faer's `V`; singular values and the
//! eigenvalues of a Hermitian matrix are real. complex64 input is computed here in complex128
//! and rounded by the caller, as NumPy's `_commonType` computes in `cdouble` for it.

use crate::{check_finite_c, guarded, normalized_columns, permutation_sign, rows, view};
use crate::{Eigenpairs, Fail, Result};
use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::Side;
use num_complex::Complex;

/// A complex128 element.
pub type C64 = Complex<f64>;

const ZERO: C64 = Complex::new(0.0, 0.0);
const ONE: C64 = Complex::new(1.0, 0.0);

/// The `n x n` complex identity, row-major.
fn identity_c(n: usize) -> Vec<C64> {
    let mut out = vec![ZERO; n * n];
    for i in 0..n {
        out[i * n + i] = ONE;
    }
    out
}

/// The full Hermitian matrix that one triangle of the row-major `n x n` matrix `a` stands for
/// (`lower`: the lower one): the other triangle is the conjugate of the one read, and the
/// diagonal is real, as LAPACK's Hermitian routines read it.
fn hermitian(a: &[C64], n: usize, lower: bool) -> Vec<C64> {
    let mut h = vec![ZERO; n * n];
    for i in 0..n {
        for j in 0..n {
            let read = if (i > j) == lower || i == j {
                a[i * n + j]
            } else {
                a[j * n + i].conj()
            };
            h[i * n + j] = if i == j {
                Complex::new(read.re, 0.0)
            } else {
                read
            };
        }
    }
    h
}

/// [`crate::lu_diagonal`] for a complex matrix: the sign of the row permutation and the
/// (complex) diagonal of `U`, `det = sign * prod(diag)`.
///
/// ```
/// use numcrane_linalg::{lu_diagonal_c, Complex};
/// // det [[i, 0], [0, 2]] = 2i
/// let z = Complex::new(0.0, 0.0);
/// let (sign, d) = lu_diagonal_c(&[Complex::new(0.0, 1.0), z, z, Complex::new(2.0, 0.0)], 2).unwrap();
/// assert_eq!(d.iter().product::<Complex<f64>>() * sign, Complex::new(0.0, 2.0));
/// ```
pub fn lu_diagonal_c(a: &[C64], n: usize) -> Result<(f64, Vec<C64>)> {
    if n == 0 {
        return Ok((1.0, Vec::new()));
    }
    guarded(|| {
        let lu = view(a, n, n).partial_piv_lu();
        let u = lu.U();
        let diag = (0..n).map(|i| u[(i, i)]).collect();
        let (forward, _) = lu.P().arrays();
        Ok((permutation_sign(forward), diag))
    })
}

/// Whether complex LU factors have an exactly zero pivot (LAPACK `zgetrf`'s singular test).
fn singular_c(lu: &faer::linalg::solvers::PartialPivLu<C64>, n: usize) -> bool {
    let u = lu.U();
    (0..n).any(|i| u[(i, i)] == ZERO)
}

/// The inverse of the complex `n x n` matrix `a`, or [`Fail::Singular`].
///
/// ```
/// use numcrane_linalg::{inv_c, Complex};
/// // 1 / (2i) = -i / 2
/// assert_eq!(inv_c(&[Complex::new(0.0, 2.0)], 1).unwrap(), vec![Complex::new(0.0, -0.5)]);
/// ```
pub fn inv_c(a: &[C64], n: usize) -> Result<Vec<C64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    guarded(|| {
        let lu = view(a, n, n).partial_piv_lu();
        if singular_c(&lu, n) {
            return Err(Fail::Singular);
        }
        Ok(rows(lu.inverse().as_ref()))
    })
}

/// The solution `x` (`n x k`) of `a x = b` for complex square `a` (`n x n`) and `b` (`n x k`).
///
/// ```
/// use numcrane_linalg::{solve_c, Complex};
/// let x = solve_c(&[Complex::new(0.0, 1.0)], 1, &[Complex::new(1.0, 0.0)], 1).unwrap();
/// assert_eq!(x, vec![Complex::new(0.0, -1.0)]);
/// ```
pub fn solve_c(a: &[C64], n: usize, b: &[C64], k: usize) -> Result<Vec<C64>> {
    if n == 0 || k == 0 {
        return Ok(vec![ZERO; n * k]);
    }
    guarded(|| {
        let lu = view(a, n, n).partial_piv_lu();
        if singular_c(&lu, n) {
            return Err(Fail::Singular);
        }
        Ok(rows(lu.solve(view(b, n, k)).as_ref()))
    })
}

/// The Cholesky factor of the Hermitian positive definite `n x n` matrix `a`: lower `L` with
/// `a = L L^H`, read from the lower triangle, or (with `upper`) `U = L^H` with `a = U^H U`,
/// read from the upper one. Not positive definite: [`Fail::NotPositiveDefinite`].
///
/// ```
/// use numcrane_linalg::{cholesky_c, Complex};
/// let c = |re, im| Complex::new(re, im);
/// // [[4, 2i], [-2i, 5]] = L L^H with L = [[2, 0], [-i, 2]]
/// let l = cholesky_c(&[c(4.0, 0.0), c(0.0, 2.0), c(0.0, -2.0), c(5.0, 0.0)], 2, false).unwrap();
/// assert_eq!(l, vec![c(2.0, 0.0), c(0.0, 0.0), c(0.0, -1.0), c(2.0, 0.0)]);
/// ```
pub fn cholesky_c(a: &[C64], n: usize, upper: bool) -> Result<Vec<C64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    guarded(|| {
        let h = hermitian(a, n, !upper);
        let llt = view(&h, n, n)
            .llt(Side::Lower)
            .map_err(|_| Fail::NotPositiveDefinite)?;
        let l = llt.L();
        // U = L^H: the transpose, conjugated
        let mut out: Vec<C64> = if upper {
            rows(l.transpose()).into_iter().map(|z| z.conj()).collect()
        } else {
            rows(l)
        };
        // faer's diagonal can carry a rounding residue in its imaginary part; LAPACK's
        // `zpotrf` stores the square roots as real numbers, so NumPy's diagonal is exactly real
        for i in 0..n {
            out[i * n + i].im = 0.0;
        }
        Ok(out)
    })
}

/// The eigenvalues (real, ascending) of the Hermitian `n x n` matrix `a` read from one triangle
/// (`lower`: NumPy's `UPLO='L'`), and with `vectors` its eigenvectors as columns, row-major.
///
/// ```
/// use numcrane_linalg::{eigh_c, Complex};
/// let c = |re, im| Complex::new(re, im);
/// // [[2, -i], [i, 2]] has eigenvalues 1 and 3
/// let (w, _) = eigh_c(&[c(2.0, 0.0), c(0.0, -1.0), c(0.0, 1.0), c(2.0, 0.0)], 2, true, false).unwrap();
/// assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 3.0).abs() < 1e-12);
/// ```
pub fn eigh_c(a: &[C64], n: usize, lower: bool, vectors: bool) -> Result<(Vec<f64>, Vec<C64>)> {
    if n == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    guarded(|| {
        let h = hermitian(a, n, lower);
        if !vectors {
            let mut w = view(&h, n, n)
                .self_adjoint_eigenvalues(Side::Lower)
                .map_err(|_| Fail::NoConvergence)?;
            w.sort_by(f64::total_cmp);
            return Ok((w, Vec::new()));
        }
        let evd = view(&h, n, n)
            .self_adjoint_eigen(Side::Lower)
            .map_err(|_| Fail::NoConvergence)?;
        let s = evd.S().column_vector();
        let u = evd.U();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| s[i].re.total_cmp(&s[j].re));
        let w = order.iter().map(|&i| s[i].re).collect();
        let mut v = Vec::with_capacity(n * n);
        for r in 0..n {
            for &c in &order {
                v.push(u[(r, c)]);
            }
        }
        Ok((w, v))
    })
}

/// A complex SVD `a = U diag(s) Vh` of an `m x n` matrix, row-major; `s` real, descending.
pub struct SvdC {
    /// `m x m` (full) or `m x min(m, n)`; empty when not asked for
    pub u: Vec<C64>,
    /// the `min(m, n)` singular values, descending
    pub s: Vec<f64>,
    /// `n x n` (full) or `min(m, n) x n`, the conjugate transpose of `V`; empty when not
    /// asked for
    pub vh: Vec<C64>,
}

/// The singular value decomposition of the complex `m x n` matrix `a` (see [`crate::svd`]):
/// `Vh` is `V^H`, so `a = U diag(s) Vh`.
///
/// ```
/// use numcrane_linalg::{svd_c, Complex};
/// // diag(3i, -4): singular values 4 and 3
/// let z = Complex::new(0.0, 0.0);
/// let d = svd_c(&[Complex::new(0.0, 3.0), z, z, Complex::new(-4.0, 0.0)], 2, 2, false, false).unwrap();
/// assert_eq!(d.s, vec![4.0, 3.0]);
/// ```
pub fn svd_c(a: &[C64], m: usize, n: usize, full: bool, uv: bool) -> Result<SvdC> {
    let k = m.min(n);
    if k == 0 {
        let (u, vh) = match (uv, full) {
            (true, true) => (identity_c(m), identity_c(n)),
            _ => (Vec::new(), Vec::new()),
        };
        return Ok(SvdC {
            u,
            s: Vec::new(),
            vh,
        });
    }
    guarded(|| {
        if !uv {
            let mut s = view(a, m, n)
                .singular_values()
                .map_err(|_| Fail::NoConvergence)?;
            s.sort_by(|x, y| y.total_cmp(x));
            return Ok(SvdC {
                u: Vec::new(),
                s,
                vh: Vec::new(),
            });
        }
        let d = if full {
            view(a, m, n).svd()
        } else {
            view(a, m, n).thin_svd()
        }
        .map_err(|_| Fail::NoConvergence)?;
        let sv = d.S().column_vector();
        let (u, v) = (d.U(), d.V());
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&i, &j| sv[j].re.total_cmp(&sv[i].re));
        let s = order.iter().map(|&i| sv[i].re).collect();
        let ucols: Vec<usize> = order.iter().copied().chain(k..u.ncols()).collect();
        let vcols: Vec<usize> = order.iter().copied().chain(k..v.ncols()).collect();
        let mut uo = Vec::with_capacity(m * ucols.len());
        for r in 0..m {
            for &c in &ucols {
                uo.push(u[(r, c)]);
            }
        }
        // Vh = V^H: row i of Vh is the conjugate of column i of V
        let mut vh = Vec::with_capacity(vcols.len() * n);
        for &c in &vcols {
            for r in 0..n {
                vh.push(v[(r, c)].conj());
            }
        }
        Ok(SvdC { u: uo, s, vh })
    })
}

/// The QR factorisation of a complex `m x n` matrix (see [`crate::qr`]): `q` unitary
/// (`m x m` complete, `m x min(m, n)` reduced), `r` upper triangular.
///
/// ```
/// use numcrane_linalg::{qr_c, Complex};
/// let (q, r) = qr_c(&[Complex::new(0.0, 3.0), Complex::new(4.0, 0.0)], 2, 1, false, true).unwrap();
/// assert!((r[0].norm() - 5.0).abs() < 1e-12);
/// assert!(((q[0] * r[0]) - Complex::new(0.0, 3.0)).norm() < 1e-12);
/// ```
pub fn qr_c(
    a: &[C64],
    m: usize,
    n: usize,
    complete: bool,
    want_q: bool,
) -> Result<(Vec<C64>, Vec<C64>)> {
    guarded(|| {
        let k = m.min(n);
        if k == 0 {
            let rrows = if complete { m } else { 0 };
            let q = match (want_q, complete) {
                (true, true) => identity_c(m),
                _ => Vec::new(),
            };
            return Ok((q, vec![ZERO; rrows * n]));
        }
        let f = view(a, m, n).qr();
        let mut r = rows(f.thin_R());
        if complete {
            r.resize(m * n, ZERO);
        }
        let q = match (want_q, complete) {
            (false, _) => Vec::new(),
            (true, true) => rows(f.compute_Q().as_ref()),
            (true, false) => rows(f.compute_thin_Q().as_ref()),
        };
        Ok((q, r))
    })
}

/// NumPy's `eig` of a complex `n x n` matrix (LAPACK `zgeev`): eigenvalues in the Schur
/// form's order and the right eigenvectors column after column (column-major, as
/// [`crate::eig`]), each of unit 2-norm with its largest-modulus component real and positive.
/// A NaN or infinity is [`Fail::NonFinite`].
///
/// ```
/// use numcrane_linalg::{eig_c, Complex};
/// let z = Complex::new(0.0, 0.0);
/// let (w, v) = eig_c(&[Complex::new(0.0, 1.0), z, z, Complex::new(2.0, 0.0)], 2).unwrap();
/// assert_eq!(w.len(), 2);
/// assert_eq!(v.len(), 4);
/// ```
pub fn eig_c(a: &[C64], n: usize) -> Result<Eigenpairs> {
    check_finite_c(a)?;
    if n == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    guarded(|| {
        let e = view(a, n, n).eigen().map_err(|_| Fail::NoConvergence)?;
        let s = e.S().column_vector();
        let w = (0..n).map(|i| s[i]).collect();
        Ok((w, normalized_columns(e.U(), n)))
    })
}

/// NumPy's `eigvals` of a complex `n x n` matrix: the eigenvalues as [`eig_c`] gives them.
///
/// ```
/// use numcrane_linalg::{eigvals_c, Complex};
/// let w = eigvals_c(&[Complex::new(0.0, 1.0)], 1).unwrap();
/// assert_eq!(w, vec![Complex::new(0.0, 1.0)]);
/// ```
pub fn eigvals_c(a: &[C64], n: usize) -> Result<Vec<C64>> {
    check_finite_c(a)?;
    if n == 0 {
        return Ok(Vec::new());
    }
    guarded(|| view(a, n, n).eigenvalues().map_err(|_| Fail::NoConvergence))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> C64 {
        Complex::new(re, im)
    }

    #[test]
    fn hermitian_reads_one_triangle() {
        // the upper entry and the diagonal's imaginary parts are ignored with lower
        let a = [c(1.0, 5.0), c(9.0, 9.0), c(2.0, 3.0), c(4.0, -1.0)];
        let h = hermitian(&a, 2, true);
        assert_eq!(h, vec![c(1.0, 0.0), c(2.0, -3.0), c(2.0, 3.0), c(4.0, 0.0)]);
        let h = hermitian(&a, 2, false);
        assert_eq!(h, vec![c(1.0, 0.0), c(9.0, 9.0), c(9.0, -9.0), c(4.0, 0.0)]);
    }

    #[test]
    fn singular_and_not_positive_definite() {
        let a = [c(1.0, 1.0), c(2.0, 2.0), c(1.0, 0.0), c(2.0, 0.0)];
        assert_eq!(inv_c(&a, 2), Err(Fail::Singular));
        let b = [c(1.0, 0.0), c(0.0, 2.0), c(0.0, -2.0), c(1.0, 0.0)];
        assert_eq!(cholesky_c(&b, 2, false), Err(Fail::NotPositiveDefinite));
        assert_eq!(
            eig_c(&[c(f64::NAN, 0.0)], 1).map(|_| ()),
            Err(Fail::NonFinite)
        );
    }
}
