//! numcrane's dense factorisations of one matrix: LU (det, slogdet, inv, solve) of real
//! matrices by our own recursive LU over numcrane's GEMM (`lu.rs`), and through `faer`
//! Cholesky, the symmetric and the general eigendecomposition, the SVD, QR and the complex
//! LU.
//!
//! Every function takes one matrix as a contiguous row-major `f64` slice (the layout numcrane
//! realizes arrays in) and returns row-major `Vec<f64>`s (the `_c` functions of `complex.rs`
//! do the same with `Complex<f64>`); batching over stacks of matrices,
//! dtypes and error messages live in `numcrane::linalg` (crates/numcrane/src/linalg_decomp.rs).
//! Computing in float64 whatever the input dtype keeps one code path; float32 results are
//! rounded once at the end, which is at least as accurate as NumPy's single-precision LAPACK.
//!
//! faer asserts on shapes it does not accept; the callers check shapes first, and each faer
//! call also runs under `catch_unwind` so that a panic inside it can only become a
//! [`Fail::Internal`], never unwind through numcrane.

use faer::{MatRef, Side};
pub use num_complex::Complex;
use std::panic::{catch_unwind, AssertUnwindSafe};

mod complex;
mod lu;
mod par;
mod scratch;
pub use complex::{
    cholesky_c, eig_c, eigh_c, eigvals_c, inv_c, lu_diagonal_c, qr_c, solve_c, svd_c, SvdC, C64,
};
pub use par::{EIGH_PARALLEL_MIN_DIM, QR_PARALLEL_MIN_DIM, SVD_PARALLEL_MIN_DIM};

/// Why a factorisation gave no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fail {
    /// An exactly zero pivot in LU (LAPACK's `info > 0` of `getrf`): NumPy's "Singular matrix".
    Singular,
    /// Cholesky met a non-positive pivot: NumPy's "Matrix is not positive definite".
    NotPositiveDefinite,
    /// An iterative eigen or singular value solver did not converge.
    NoConvergence,
    /// A NaN or infinity in the input of a function that rejects them (`eig`, `eigvals`:
    /// NumPy's "Array must not contain infs or NaNs").
    NonFinite,
    /// faer panicked (a bug: the caller should have rejected the input).
    Internal(String),
}

/// Result of this crate's functions.
pub type Result<T> = std::result::Result<T, Fail>;

/// Runs a faer computation, turning a panic into [`Fail::Internal`].
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    par::pin_global_sequential();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic without a message".into());
            Err(Fail::Internal(msg))
        }
    }
}

/// A view of the row-major `m x n` matrix in `a` (the caller guarantees `a.len() == m * n`).
/// Generic so that the complex functions (`c64` elements) share it.
fn view<T>(a: &[T], m: usize, n: usize) -> MatRef<'_, T> {
    MatRef::from_row_major_slice(a, m, n)
}

/// A faer matrix (or view) copied out row-major.
fn rows<T: Copy>(x: MatRef<'_, T>) -> Vec<T> {
    let (m, n) = (x.nrows(), x.ncols());
    let mut out = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            out.push(x[(i, j)]);
        }
    }
    out
}

/// The `n x n` identity, row-major.
fn identity(n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        out[i * n + i] = 1.0;
    }
    out
}

/// The sign of a permutation given as the image of each index (+1 even, -1 odd): counts the
/// cycles, as `n - cycles` transpositions make it up.
fn permutation_sign(p: &[usize]) -> f64 {
    let mut seen = vec![false; p.len()];
    let mut transpositions = 0usize;
    for start in 0..p.len() {
        let mut len = 0usize;
        let mut i = start;
        while !seen[i] {
            seen[i] = true;
            i = p[i];
            len += 1;
        }
        transpositions += len.saturating_sub(1);
    }
    if transpositions.is_multiple_of(2) {
        1.0
    } else {
        -1.0
    }
}

/// The LU factorisation of a square `n x n` matrix with partial pivoting, as the sign of the
/// row permutation and the diagonal of `U`: `det = sign * prod(diag)`.
pub fn lu_diagonal(a: &[f64], n: usize) -> Result<(f64, Vec<f64>)> {
    if n == 0 {
        return Ok((1.0, Vec::new()));
    }
    guarded(|| {
        let lu = lu::Lu::new(a, n);
        Ok((lu.permutation_sign(), lu.diagonal()))
    })
}

/// The inverse of the square `n x n` matrix `a`, or [`Fail::Singular`].
pub fn inv(a: &[f64], n: usize) -> Result<Vec<f64>> {
    if n == 0 {
        return Ok(Default::default());
    }
    guarded(|| {
        let lu = lu::Lu::new(a, n);
        if lu.is_singular() {
            return Err(Fail::Singular);
        }
        Ok(lu.inverse())
    })
}

/// The solution `x` (`n x k`) of `a x = b` for square `a` (`n x n`) and `b` (`n x k`).
pub fn solve(a: &[f64], n: usize, b: &[f64], k: usize) -> Result<Vec<f64>> {
    if n == 0 || k == 0 {
        return Ok(vec![0.0; n * k]);
    }
    guarded(|| {
        let lu = lu::Lu::new(a, n);
        if lu.is_singular() {
            return Err(Fail::Singular);
        }
        let mut x = b[..n * k].to_vec();
        lu.solve_in_place(&mut x, k);
        Ok(x)
    })
}

/// The Cholesky factor of the `n x n` matrix `a`: lower `L` with `a = L L^T` read from the
/// lower triangle, or (with `upper`) upper `U = L^T` with `a = U^T U` read from the upper one.
pub fn cholesky(a: &[f64], n: usize, upper: bool) -> Result<Vec<f64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    guarded(|| {
        let side = if upper { Side::Upper } else { Side::Lower };
        let llt = view(a, n, n)
            .llt(side)
            .map_err(|_| Fail::NotPositiveDefinite)?;
        let l = llt.L();
        Ok(if upper { rows(l.transpose()) } else { rows(l) })
    })
}

/// The eigenvalues (ascending) of the symmetric `n x n` matrix `a` seen through one triangle
/// (`lower`: NumPy's `UPLO='L'`), and with `vectors` the eigenvectors as columns, row-major.
pub fn eigh(a: &[f64], n: usize, lower: bool, vectors: bool) -> Result<(Vec<f64>, Vec<f64>)> {
    if n == 0 {
        // faer's tridiagonalisation does not take an empty matrix
        return Ok((Vec::new(), Vec::new()));
    }
    guarded(|| {
        // faer reads the lower triangle; the upper one is the transpose's lower.
        let m = view(a, n, n);
        let (s, u) = par::symmetric_eigen(if lower { m } else { m.transpose() }, vectors)
            .map_err(|_| Fail::NoConvergence)?;
        let s = s.column_vector();
        let Some(u) = u else {
            let mut w: Vec<f64> = (0..n).map(|i| s[i]).collect();
            w.sort_by(f64::total_cmp);
            return Ok((w, Vec::new()));
        };
        // faer returns them ascending already; sort anyway (stable, by value) so the order
        // never depends on that detail.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| s[i].total_cmp(&s[j]));
        let w = order.iter().map(|&i| s[i]).collect();
        let mut v = Vec::with_capacity(n * n);
        for r in 0..n {
            for &c in &order {
                v.push(u[(r, c)]);
            }
        }
        Ok((w, v))
    })
}

/// An SVD `a = U diag(s) Vh` of an `m x n` matrix, row-major; `s` descending.
pub struct Svd {
    /// `m x m` (full) or `m x min(m, n)`; empty when not asked for
    pub u: Vec<f64>,
    /// the `min(m, n)` singular values, descending
    pub s: Vec<f64>,
    /// `n x n` (full) or `min(m, n) x n`; empty when not asked for
    pub vh: Vec<f64>,
}

/// The singular value decomposition of the `m x n` matrix `a`: with `uv` false only `s`;
/// `full` gives square `U` and `Vh`, otherwise the reduced ones.
pub fn svd(a: &[f64], m: usize, n: usize, full: bool, uv: bool) -> Result<Svd> {
    let k = m.min(n);
    if k == 0 {
        // no singular values; the singular vectors of an empty matrix are the identity
        let (u, vh) = match (uv, full) {
            (false, _) => (Vec::new(), Vec::new()),
            (true, true) => (identity(m), identity(n)),
            (true, false) => (Vec::new(), Vec::new()),
        };
        return Ok(Svd {
            u,
            s: Vec::new(),
            vh,
        });
    }
    guarded(|| {
        let vectors = match (uv, full) {
            (false, _) => par::Vectors::None,
            (true, false) => par::Vectors::Thin,
            (true, true) => par::Vectors::Full,
        };
        let (sv, uv) =
            par::singular_decomposition(view(a, m, n), vectors).map_err(|_| Fail::NoConvergence)?;
        let sv = sv.column_vector();
        let Some((u, v)) = uv else {
            let mut s: Vec<f64> = (0..k).map(|i| sv[i]).collect();
            s.sort_by(|x, y| y.total_cmp(x));
            return Ok(Svd {
                u: Vec::new(),
                s,
                vh: Vec::new(),
            });
        };
        // descending order, as LAPACK's gesdd gives (faer's is descending too; this makes
        // it a guarantee rather than an assumption). The columns past k keep their places.
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&i, &j| sv[j].total_cmp(&sv[i]));
        let s = order.iter().map(|&i| sv[i]).collect();
        let ucols: Vec<usize> = order.iter().copied().chain(k..u.ncols()).collect();
        let vcols: Vec<usize> = order.iter().copied().chain(k..v.ncols()).collect();
        let mut uo = Vec::with_capacity(m * ucols.len());
        for r in 0..m {
            for &c in &ucols {
                uo.push(u[(r, c)]);
            }
        }
        // Vh = V^T: row i of Vh is column i of V
        let mut vh = Vec::with_capacity(vcols.len() * n);
        for &c in &vcols {
            for r in 0..n {
                vh.push(v[(r, c)]);
            }
        }
        Ok(Svd { u: uo, s, vh })
    })
}

/// The QR factorisation of an `m x n` matrix, row-major: `q` is `m x m` (complete) or
/// `m x min(m, n)` (reduced), `r` the matching `m x n` or `min(m, n) x n` upper triangle.
/// With `want_q` false `q` is empty.
pub fn qr(
    a: &[f64],
    m: usize,
    n: usize,
    complete: bool,
    want_q: bool,
) -> Result<(Vec<f64>, Vec<f64>)> {
    guarded(|| {
        let k = m.min(n);
        if k == 0 {
            // nothing to factor: Q is the identity (complete) or m x 0, R all zeros
            let rrows = if complete { m } else { 0 };
            let q = match (want_q, complete) {
                (true, true) => identity(m),
                _ => Vec::new(),
            };
            return Ok((q, vec![0.0; rrows * n]));
        }
        let (r, q) = par::householder_qr(view(a, m, n), complete, want_q);
        // the upper trapezoid, padded with zero rows to m x n for the complete mode
        let mut r = rows(r.as_ref());
        if complete {
            r.resize(m * n, 0.0);
        }
        let q = q.map_or_else(Vec::new, |q| rows(q.as_ref()));
        Ok((q, r))
    })
}

/// Makes each eigenvector (a column of `u`, `n` long) unit 2-norm with its largest-modulus
/// component (the first of equal ones) real and positive, and returns the columns one after
/// another (column-major).
///
/// LAPACK's `geev`, which NumPy calls, also makes each vector unit 2-norm and its largest
/// component real, but leaves that component's sign (and for a real eigenvalue the vector's
/// sign) to the algorithm; numcrane fixes it positive, so vectors equal NumPy's up to a factor
/// of -1 (real eigenvalue) or a unit complex phase that makes the same component real.
fn normalized_columns(u: MatRef<'_, Complex<f64>>, n: usize) -> Vec<Complex<f64>> {
    let mut out = Vec::with_capacity(n * n);
    for j in 0..n {
        let col: Vec<Complex<f64>> = (0..n).map(|i| u[(i, j)]).collect();
        let norm = col.iter().map(|c| c.norm_sqr()).sum::<f64>().sqrt();
        let big = col
            .iter()
            .enumerate()
            .fold((0, -1.0), |(bi, bm), (i, c)| {
                if c.norm_sqr() > bm {
                    (i, c.norm_sqr())
                } else {
                    (bi, bm)
                }
            })
            .0;
        // conj(c) / |c| rotates the largest component onto the positive real axis; a real
        // component gives a real factor, so a real vector stays exactly real.
        let c = col[big];
        let phase = if c.norm() > 0.0 && norm > 0.0 {
            c.conj() / (c.norm() * norm)
        } else {
            Complex::new(1.0, 0.0)
        };
        out.extend(col.iter().map(|&v| {
            let mut w = v * phase;
            if c.im == 0.0 && v.im == 0.0 {
                w.im = 0.0; // keep real vectors free of -0.0 / rounding residue in im
            }
            w
        }));
        if let Some(w) = out.get_mut(j * n + big) {
            w.im = 0.0;
        }
    }
    out
}

fn check_finite(a: &[f64]) -> Result<()> {
    if a.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(Fail::NonFinite)
    }
}

/// [`check_finite`] for complex input: both parts finite.
fn check_finite_c(a: &[Complex<f64>]) -> Result<()> {
    if a.iter().all(|v| v.re.is_finite() && v.im.is_finite()) {
        Ok(())
    } else {
        Err(Fail::NonFinite)
    }
}

/// [`eig`]'s result: the eigenvalues and the column-major eigenvectors.
pub type Eigenpairs = (Vec<Complex<f64>>, Vec<Complex<f64>>);

/// NumPy's `eig` of the general (non-symmetric) row-major `n x n` matrix `a`: its eigenvalues,
/// complex (a real matrix has conjugate pairs), in the order the Schur form gives them (as
/// LAPACK, NumPy does not sort them either, but the two orders may differ), and its right
/// eigenvectors, the `j`-th at `vectors[j * n..(j + 1) * n]` (column-major: `vectors` is the
/// column-major `n x n` matrix NumPy returns as `v`, so `v[:, j]` pairs with `values[j]`).
/// Each vector has unit 2-norm and its largest-modulus component real and positive (see the
/// phase note of `normalized_columns`).
///
/// NumPy returns real arrays when every eigenvalue is real ([`all_real`]); float32 input is
/// computed here in float64 (NumPy uses single-precision LAPACK and returns complex64).
///
/// ```
/// // A rotation by 90 degrees: eigenvalues +-i.
/// let (w, v) = numcrane_linalg::eig(&[0.0, -1.0, 1.0, 0.0], 2).unwrap();
/// let mut ims: Vec<f64> = w.iter().map(|c| c.im).collect();
/// ims.sort_by(f64::total_cmp);
/// assert!((ims[0] + 1.0).abs() < 1e-15 && (ims[1] - 1.0).abs() < 1e-15);
/// assert_eq!(v.len(), 4);
/// ```
pub fn eig(a: &[f64], n: usize) -> Result<Eigenpairs> {
    check_finite(a)?;
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

/// NumPy's `eigvals`: the eigenvalues of the general row-major `n x n` matrix `a`, as [`eig`]
/// gives them (no vectors computed).
///
/// ```
/// let w = numcrane_linalg::eigvals(&[2.0, 0.0, 0.0, 3.0], 2).unwrap();
/// assert!(numcrane_linalg::all_real(&w));
/// ```
pub fn eigvals(a: &[f64], n: usize) -> Result<Vec<Complex<f64>>> {
    check_finite(a)?;
    if n == 0 {
        return Ok(Vec::new());
    }
    guarded(|| view(a, n, n).eigenvalues().map_err(|_| Fail::NoConvergence))
}

/// NumPy's rule for `eig` / `eigvals` of real input: the result is cast to the real type when
/// every eigenvalue's imaginary part is exactly zero (the eigenvectors too, then).
///
/// ```
/// use numcrane_linalg::{all_real, Complex};
/// assert!(all_real(&[Complex::new(1.0, 0.0)]));
/// assert!(!all_real(&[Complex::new(1.0, 1e-300)]));
/// ```
pub fn all_real(values: &[Complex<f64>]) -> bool {
    values.iter().all(|c| c.im == 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_signs() {
        assert_eq!(permutation_sign(&[0, 1, 2]), 1.0);
        assert_eq!(permutation_sign(&[1, 0, 2]), -1.0);
        assert_eq!(permutation_sign(&[1, 2, 0]), 1.0);
        assert_eq!(permutation_sign(&[]), 1.0);
    }

    #[test]
    fn determinant_of_a_permuted_triangle() {
        // rows swapped: det [[0, 2], [3, 1]] = -6
        let (sign, d) = lu_diagonal(&[0.0, 2.0, 3.0, 1.0], 2).unwrap();
        assert_eq!(sign * d.iter().product::<f64>(), -6.0);
    }

    #[test]
    fn singular_and_not_positive_definite() {
        assert_eq!(inv(&[1.0, 2.0, 2.0, 4.0], 2), Err(Fail::Singular));
        assert_eq!(
            cholesky(&[1.0, 2.0, 2.0, 1.0], 2, false),
            Err(Fail::NotPositiveDefinite)
        );
    }
}
