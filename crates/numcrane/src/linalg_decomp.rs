//! `numpy.linalg` for real and complex arrays: `det`, `slogdet`, `inv`, `solve`, `cholesky`, `eigh`,
//! `eigvalsh`, `svd`, `svdvals`, `qr`, `pinv`, `lstsq`, `matrix_rank`, `matrix_power`,
//! `norm`, `cond`, `multi_dot` and `trace`, re-exported as `numcrane::linalg::*`.
//!
//! The factorisations run in `numcrane-linalg` (faer). Like the set routines, they evaluate
//! their input when called, compute on the host and return realized leaves; errors (a singular
//! matrix, a non-square one, ...) come back as arrays whose `eval` returns them, never as a
//! panic. Every matrix of a stack (the leading dimensions) is factorised on its own.
//!
//! Dtypes follow NumPy 2 exactly, including how it computes: NumPy's bundled LAPACK runs in
//! float64 for every real input (`_commonType` gives `double`) and casts the result to float32
//! only when every input was float32; integers and bools give float64. numcrane does the same,
//! so float32 results are NumPy's up to the rounding of the final cast. Products of
//! the factors (`pinv`, `matrix_power`, `multi_dot`) go through numcrane's `matmul`, so
//! `matrix_power` of an integer matrix stays integer as in NumPy.
//!
//! Complex input (complex64, complex128, or a complex operand of `solve` / `lstsq`) takes the
//! `_c` twins of the factorisations, which compute in complex128 (NumPy's `cdouble`) and round
//! complex64 results once at the end, as for float32. Results that are real in NumPy (singular
//! values, the eigenvalues of `eigh`, `slogdet`'s `logabsdet`, norms, condition numbers) have
//! the real dtype of the complex one (`DType::real_dtype`).

use crate::search::{failed, host, leaf};
use crate::{build, matmul, Array};
use numcrane_graph::error::{ShapeDisplay, SourceLocation};
use numcrane_graph::Element;
use numcrane_graph::{DType, Error, Result};
use numcrane_linalg as kern;
use numcrane_linalg::C64;
use rayon::prelude::*;
use std::borrow::Cow;

/// A stack of matrices read to the host as float64 (or complex128: `Stack<C64>`): `batch`
/// leading dimensions, each matrix `m x n` row-major, one after the other in `data`.
/// `data` borrows the array's own buffer when it already holds those values contiguously:
/// a copy of a large matrix into fresh memory costs a page fault per 4 KiB page (4.7 ms for
/// 8 MiB on the machine of docs/performance.md, a quarter of a 1024 x 1024 `det`).
struct Stack<'a, T: Clone = f64> {
    batch: Vec<usize>,
    m: usize,
    n: usize,
    data: Cow<'a, [T]>,
}

impl<T: Clone> Stack<'_, T> {
    fn count(&self) -> usize {
        self.batch.iter().product()
    }
    fn mat(&self, i: usize) -> &[T] {
        let len = self.m * self.n;
        &self.data[i * len..(i + 1) * len]
    }
    /// `batch + tail`
    fn shape(&self, tail: &[usize]) -> Vec<usize> {
        self.batch.iter().chain(tail).copied().collect()
    }
}

/// NumPy's result dtype: float32, complex64 and complex128 stay, everything else computes and
/// returns float64.
fn result_dtype(d: DType) -> DType {
    match d {
        DType::F32 | DType::C64 | DType::C128 => d,
        _ => DType::F64,
    }
}

/// Checks that `a` has at least two dimensions (NumPy's `_assert_stacked_2d`).
fn stacked_2d(op: &'static str, a: &Array, loc: SourceLocation) -> Result<()> {
    if a.ndim() < 2 {
        return Err(Error::linalg(
            op,
            format!(
                "{}-dimensional array given. Array must be at least two-dimensional (shape {})",
                a.ndim(),
                ShapeDisplay::from(a.shape())
            ),
            loc,
        ));
    }
    Ok(())
}

/// Checks that the last two dimensions of `a` are equal (NumPy's `_assert_stacked_square`).
fn stacked_square(op: &'static str, a: &Array, loc: SourceLocation) -> Result<()> {
    stacked_2d(op, a, loc)?;
    let s = a.shape();
    if s[s.len() - 1] != s[s.len() - 2] {
        return Err(Error::linalg(
            op,
            format!(
                "Last 2 dimensions of the array must be square (shape {})",
                ShapeDisplay::from(s)
            ),
            loc,
        ));
    }
    Ok(())
}

/// Evaluates `a` (at least 2-D) into a float64 [`Stack`].
fn read(a: &Array, loc: SourceLocation) -> Result<Stack<'_>> {
    let s = a.shape();
    let nd = s.len();
    Ok(Stack {
        batch: s[..nd - 2].to_vec(),
        m: s[nd - 2],
        n: s[nd - 1],
        data: host_values::<f64>(a, loc)?,
    })
}

/// Evaluates `a` (at least 2-D, any dtype) into a complex128 [`Stack`].
fn read_c(a: &Array, loc: SourceLocation) -> Result<Stack<'_, C64>> {
    let s = a.shape();
    let nd = s.len();
    Ok(Stack {
        batch: s[..nd - 2].to_vec(),
        m: s[nd - 2],
        n: s[nd - 1],
        data: host_values::<C64>(a, loc)?,
    })
}

/// The elements of `a` as `T` in row-major order: its own buffer when `a` already has dtype
/// `T` and is contiguous, else a converted copy.
fn host_values<T: Element>(a: &Array, loc: SourceLocation) -> Result<Cow<'_, [T]>> {
    if a.dtype() == T::DTYPE && a.error().is_none() {
        return numcrane_graph::eval::values::<T>(a.realized()?);
    }
    host::<T>(a, loc).map(Cow::Owned)
}

/// The numcrane error for a failed factorisation of the matrix stack of shape `shape`.
fn failure(op: &'static str, f: kern::Fail, shape: &[usize], loc: SourceLocation) -> Error {
    let shape = ShapeDisplay::from(shape);
    let what = match f {
        kern::Fail::Singular => "Singular matrix",
        kern::Fail::NotPositiveDefinite => "Matrix is not positive definite",
        kern::Fail::NoConvergence if op.starts_with("eig") => "Eigenvalues did not converge",
        kern::Fail::NoConvergence => "SVD did not converge",
        kern::Fail::NonFinite => "Array must not contain infs or NaNs",
        kern::Fail::Internal(m) => return Error::internal(op, m),
    };
    Error::linalg(op, format!("{what} (input shape {shape})"), loc)
}

/// A realized array of `values` in `dtype` (float32 or float64), rounding once for float32.
fn emit(values: Vec<f64>, shape: Vec<usize>, dtype: DType, loc: SourceLocation) -> Array {
    if dtype == DType::F32 {
        leaf(values.iter().map(|&x| x as f32).collect(), shape, loc)
    } else {
        leaf(values, shape, loc)
    }
}

/// A realized array of complex `values` in `dtype` (complex64 or complex128), rounding once
/// for complex64.
fn emit_c(values: Vec<C64>, shape: Vec<usize>, dtype: DType, loc: SourceLocation) -> Array {
    if dtype == DType::C64 {
        let v = values
            .iter()
            .map(|c| numcrane_graph::Complex32::new(c.re as f32, c.im as f32))
            .collect();
        leaf(v, shape, loc)
    } else {
        leaf(values, shape, loc)
    }
}

/// [`arrays`] where the outputs have different dtypes (a complex result with real parts):
/// on error, one array per entry of `dtypes` that returns it.
fn arrays_dt(
    r: Result<Vec<Array>>,
    dtypes: &[DType],
    shape: &[usize],
    loc: SourceLocation,
) -> Vec<Array> {
    match r {
        Ok(v) => v,
        Err(e) => dtypes
            .iter()
            .map(|&d| failed(e.clone(), d, shape.to_vec(), loc))
            .collect(),
    }
}

/// A host result turned into arrays: on error, `n` arrays that each return it.
fn arrays(
    r: Result<Vec<Array>>,
    n: usize,
    dtype: DType,
    shape: &[usize],
    loc: SourceLocation,
) -> Vec<Array> {
    match r {
        Ok(v) => v,
        Err(e) => (0..n)
            .map(|_| failed(e.clone(), dtype, shape.to_vec(), loc))
            .collect(),
    }
}

/// The one array of a host result.
fn single(r: Result<Array>, dtype: DType, shape: &[usize], loc: SourceLocation) -> Array {
    r.unwrap_or_else(|e| failed(e, dtype, shape.to_vec(), loc))
}

/// `f(i)` for every matrix `i` of a stack: in parallel over the matrices when there are
/// several (faer itself runs sequentially here), in order. Any failure fails the whole call;
/// the message names the input shape, not the matrix, so which one rayon reports first does
/// not change it.
fn per_matrix<T: Send>(
    count: usize,
    f: impl Fn(usize) -> kern::Result<T> + Sync + Send,
) -> kern::Result<Vec<T>> {
    if count > 1 {
        (0..count).into_par_iter().map(f).collect()
    } else {
        (0..count).map(f).collect()
    }
}

/// The determinant of each square matrix of `a` (`np.linalg.det`): shape `a.shape[:-2]`,
/// computed from the LU factorisation with partial pivoting as NumPy does, `sign *
/// exp(logabsdet)` of [`slogdet`] (0 for a singular matrix even when the other pivots' product
/// overflows, 1 for a 0x0 one).
///
/// ```
/// use numcrane::{array, linalg};
/// let d = linalg::det(&array([[1.0, 2.0], [3.0, 4.0]]));
/// assert!((d.item::<f64>().unwrap() + 2.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn det(a: &Array) -> Array {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype());
    let r = (|| {
        stacked_square("det", a, loc)?;
        if dtype.is_complex() {
            let st = read_c(a, loc)?;
            // NumPy's det_from_slogdet: sign * exp(logabsdet), so that a zero pivot gives 0
            // even when the product of the other pivots overflows
            let out = per_matrix(st.count(), |i| {
                kern::lu_diagonal_c(st.mat(i), st.n).map(|(sign, diag)| {
                    let (sign, log) = slogdet_of_c(sign, &diag);
                    sign * log.exp()
                })
            })
            .map_err(|f| failure("det", f, a.shape(), loc))?;
            return Ok(emit_c(out, st.batch.clone(), dtype, loc));
        }
        let st = read(a, loc)?;
        let out = per_matrix(st.count(), |i| {
            kern::lu_diagonal(st.mat(i), st.n).map(|(sign, diag)| {
                let (sign, log) = slogdet_of(sign, &diag);
                sign * log.exp()
            })
        })
        .map_err(|f| failure("det", f, a.shape(), loc))?;
        Ok(emit(out, st.batch.clone(), dtype, loc))
    })();
    single(r, dtype, a.shape(), loc)
}

/// The sign and the natural log of the absolute value of the determinant, as NumPy 2's
/// `SlogdetResult`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg};
/// // det = 1e-400 underflows a float64; its log does not.
/// let a = array([[1e-200, 0.0], [0.0, 1e-200]]);
/// let r = linalg::slogdet(&a);
/// assert_eq!(r.sign.item::<f64>().unwrap(), 1.0);
/// assert!((r.logabsdet.item::<f64>().unwrap() + 400.0 * 10f64.ln()).abs() < 1e-9);
/// ```
#[derive(Clone, Debug)]
pub struct Slogdet {
    /// 1, -1, or 0 for a singular matrix; for complex input `det / |det|` (complex) or 0
    pub sign: Array,
    /// `log|det|`, `-inf` for a singular matrix
    pub logabsdet: Array,
}

/// `np.linalg.slogdet`: the determinant as a sign and `log|det|`, which neither overflows nor
/// underflows where `det` would.
///
/// ```
/// use numcrane::{array, linalg};
/// let r = linalg::slogdet(&array([[0.0, 2.0], [3.0, 1.0]]));
/// assert_eq!(r.sign.item::<f64>().unwrap(), -1.0);
/// assert!((r.logabsdet.item::<f64>().unwrap() - 6f64.ln()).abs() < 1e-12);
/// ```
#[track_caller]
pub fn slogdet(a: &Array) -> Slogdet {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype());
    let r = (|| {
        stacked_square("slogdet", a, loc)?;
        if dtype.is_complex() {
            return slogdet_c(a, dtype, loc);
        }
        let st = read(a, loc)?;
        let (mut signs, mut logs) = (Vec::new(), Vec::new());
        for i in 0..st.count() {
            let (sign, diag) = kern::lu_diagonal(st.mat(i), st.n)
                .map_err(|f| failure("slogdet", f, a.shape(), loc))?;
            let (sign, log) = slogdet_of(sign, &diag);
            signs.push(sign);
            logs.push(log);
        }
        Ok(vec![
            emit(signs, st.batch.clone(), dtype, loc),
            emit(logs, st.batch.clone(), dtype, loc),
        ])
    })();
    let mut v = arrays_dt(r, &[dtype, dtype.real_dtype()], a.shape(), loc);
    let logabsdet = v.pop().unwrap_or_else(|| a.clone());
    let sign = v.pop().unwrap_or_else(|| a.clone());
    Slogdet { sign, logabsdet }
}

/// NumPy's `slogdet_from_factored_diagonal`: the sign and `log|det|` from the permutation's
/// sign and the pivots; a zero pivot (LAPACK's `info > 0`) gives sign 0 and `-inf`.
fn slogdet_of(mut sign: f64, diag: &[f64]) -> (f64, f64) {
    let mut log = 0.0;
    for &d in diag {
        if d == 0.0 {
            return (0.0, f64::NEG_INFINITY);
        }
        if d < 0.0 {
            sign = -sign;
        }
        log += d.abs().ln();
    }
    (sign, log)
}

/// [`slogdet_of`] for complex pivots: the sign is the product of the permutation's sign and
/// each pivot over its modulus, `log|det|` the sum of the pivots' log-moduli.
fn slogdet_of_c(sign: f64, diag: &[C64]) -> (C64, f64) {
    let mut sign = C64::new(sign, 0.0);
    let mut log = 0.0;
    for &d in diag {
        let m = d.norm();
        if m == 0.0 {
            return (C64::new(0.0, 0.0), f64::NEG_INFINITY);
        }
        sign *= d / m;
        log += m.ln();
    }
    (sign, log)
}

/// [`slogdet`] of a complex stack (NumPy's `umath_linalg` loop): the sign is the product of
/// the permutation's sign and each pivot over its modulus, `logabsdet` the sum of the pivots'
/// log-moduli (real); a zero pivot gives sign 0 and `-inf`.
fn slogdet_c(a: &Array, dtype: DType, loc: SourceLocation) -> Result<Vec<Array>> {
    let st = read_c(a, loc)?;
    let parts = per_matrix(st.count(), |i| {
        let (sign, diag) = kern::lu_diagonal_c(st.mat(i), st.n)?;
        Ok(slogdet_of_c(sign, &diag))
    })
    .map_err(|f| failure("slogdet", f, a.shape(), loc))?;
    let (signs, logs): (Vec<C64>, Vec<f64>) = parts.into_iter().unzip();
    Ok(vec![
        emit_c(signs, st.batch.clone(), dtype, loc),
        emit(logs, st.batch.clone(), dtype.real_dtype(), loc),
    ])
}

/// The inverse of each square matrix of `a` (`np.linalg.inv`); a singular matrix gives a
/// `LinAlg` error ("Singular matrix").
///
/// ```
/// use numcrane::{array, linalg};
/// let inv = linalg::inv(&array([[2.0, 0.0], [0.0, 4.0]]));
/// assert_eq!(inv.to_vec::<f64>().unwrap(), vec![0.5, 0.0, 0.0, 0.25]);
/// ```
#[track_caller]
pub fn inv(a: &Array) -> Array {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype());
    let r = (|| {
        stacked_square("inv", a, loc)?;
        if dtype.is_complex() {
            let st = read_c(a, loc)?;
            let out = per_matrix(st.count(), |i| kern::inv_c(st.mat(i), st.n))
                .map_err(|f| failure("inv", f, a.shape(), loc))?
                .concat();
            return Ok(emit_c(out, a.shape().to_vec(), dtype, loc));
        }
        let st = read(a, loc)?;
        let out = per_matrix(st.count(), |i| kern::inv(st.mat(i), st.n))
            .map_err(|f| failure("inv", f, a.shape(), loc))?
            .concat();
        Ok(emit(out, a.shape().to_vec(), dtype, loc))
    })();
    single(r, dtype, a.shape(), loc)
}

/// `np.linalg.solve(a, b)`: the solution of `a @ x = b` for square `a` (`(..., M, M)`).
/// As in NumPy 2, a 1-D `b` (`(M,)`) is one right-hand side for every matrix of `a`; otherwise
/// `b` is a stack of `(M, K)` matrices whose leading dimensions broadcast with `a`'s.
///
/// ```
/// use numcrane::{array, linalg};
/// let x = linalg::solve(&array([[3.0, 1.0], [1.0, 2.0]]), &array([9.0, 8.0]));
/// let x = x.to_vec::<f64>().unwrap();
/// assert!((x[0] - 2.0).abs() < 1e-12 && (x[1] - 3.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn solve(a: &Array, b: &Array) -> Array {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype()).promote(result_dtype(b.dtype()));
    let r = (|| -> Result<Array> {
        stacked_square("solve", a, loc)?;
        let m = a.shape()[a.ndim() - 1];
        let abatch = &a.shape()[..a.ndim() - 2];
        let vector = b.ndim() == 1;
        let bad = |what: String| {
            Error::invalid(
                "solve",
                format!(
                    "{what}: a has shape {}, b has shape {}",
                    ShapeDisplay::from(a.shape()),
                    ShapeDisplay::from(b.shape())
                ),
                loc,
            )
        };
        if b.ndim() == 0 {
            return Err(bad("b must be at least one-dimensional".into()));
        }
        let (bm, k, bbatch) = if vector {
            (b.shape()[0], 1, &[][..])
        } else {
            let s = b.shape();
            (s[s.len() - 2], s[s.len() - 1], &s[..s.len() - 2])
        };
        if bm != m {
            return Err(bad(format!(
                "mismatch in core dimension 0 (size {bm} is different from {m})"
            )));
        }
        let batch = crate::broadcast_shapes(abatch, bbatch)
            .ok_or_else(|| bad("the stack dimensions could not be broadcast together".into()))?;
        let with = |tail: [usize; 2]| -> Vec<usize> { batch.iter().copied().chain(tail).collect() };
        let a3 = build::broadcast(a, &with([m, m]), loc);
        let b2 = if vector {
            b.reshape_at(vec![m, 1], loc)
        } else {
            b.clone()
        };
        let b3 = build::broadcast(&b2, &with([m, k]), loc);
        let shape = if vector {
            batch.iter().copied().chain([m]).collect()
        } else {
            with([m, k])
        };
        if dtype.is_complex() {
            // either operand complex: both go to complex128, as NumPy's `_commonType`
            let (sa, sb) = (read_c(&a3, loc)?, read_c(&b3, loc)?);
            let out = per_matrix(sa.count(), |i| kern::solve_c(sa.mat(i), m, sb.mat(i), k))
                .map_err(|f| failure("solve", f, a.shape(), loc))?
                .concat();
            return Ok(emit_c(out, shape, dtype, loc));
        }
        let (sa, sb) = (read(&a3, loc)?, read(&b3, loc)?);
        let out = per_matrix(sa.count(), |i| kern::solve(sa.mat(i), m, sb.mat(i), k))
            .map_err(|f| failure("solve", f, a.shape(), loc))?
            .concat();
        Ok(emit(out, shape, dtype, loc))
    })();
    single(r, dtype, b.shape(), loc)
}

/// `np.linalg.cholesky(a, upper=upper)`: the lower factor `L` with `a = L @ L.T` (read from
/// the lower triangle of `a`), or with `upper` the upper factor `U = L.T` with `a = U.T @ U`
/// (read from the upper triangle). A matrix that is not positive definite is a `LinAlg` error.
///
/// ```
/// use numcrane::{array, linalg};
/// let l = linalg::cholesky(&array([[4.0, 2.0], [2.0, 5.0]]), false);
/// assert_eq!(l.to_vec::<f64>().unwrap(), vec![2.0, 0.0, 1.0, 2.0]);
/// ```
#[track_caller]
pub fn cholesky(a: &Array, upper: bool) -> Array {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype());
    let r = (|| {
        stacked_square("cholesky", a, loc)?;
        if dtype.is_complex() {
            let st = read_c(a, loc)?;
            let out = per_matrix(st.count(), |i| kern::cholesky_c(st.mat(i), st.n, upper))
                .map_err(|f| failure("cholesky", f, a.shape(), loc))?
                .concat();
            return Ok(emit_c(out, a.shape().to_vec(), dtype, loc));
        }
        let st = read(a, loc)?;
        let out = per_matrix(st.count(), |i| kern::cholesky(st.mat(i), st.n, upper))
            .map_err(|f| failure("cholesky", f, a.shape(), loc))?
            .concat();
        Ok(emit(out, a.shape().to_vec(), dtype, loc))
    })();
    single(r, dtype, a.shape(), loc)
}

/// Which triangle of a symmetric matrix `eigh` and `eigvalsh` read (NumPy's `UPLO`).
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg};
/// use numcrane::linalg::Uplo;
/// // Only one triangle is read: the other may hold anything.
/// let a = array([[2.0, 99.0], [1.0, 2.0]]);
/// let lower = linalg::eigvalsh(&a, Uplo::L).to_vec::<f64>().unwrap();
/// assert!((lower[0] - 1.0).abs() < 1e-12 && (lower[1] - 3.0).abs() < 1e-12);
/// assert_eq!(Uplo::default(), Uplo::L);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Uplo {
    /// the lower triangle (`UPLO='L'`, NumPy's default)
    #[default]
    L,
    /// the upper triangle (`UPLO='U'`)
    U,
}

/// The eigenvalues (ascending) and eigenvectors (the columns) of symmetric matrices, as NumPy
/// 2's `EighResult`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg, matmul};
/// let a = array([[2.0, 1.0], [1.0, 2.0]]);
/// let r = linalg::eigh(&a, linalg::Uplo::L);
/// // a @ v == v * w, column by column.
/// let av = matmul(&a, &r.eigenvectors).to_vec::<f64>().unwrap();
/// let vw = (&r.eigenvectors * &r.eigenvalues).to_vec::<f64>().unwrap();
/// for (x, y) in av.iter().zip(&vw) {
///     assert!((x - y).abs() < 1e-12);
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Eigh {
    /// `(..., M)`, ascending
    pub eigenvalues: Array,
    /// `(..., M, M)`: column `i` belongs to `eigenvalues[..., i]`
    pub eigenvectors: Array,
}

#[track_caller]
fn eigh_impl(a: &Array, uplo: Uplo, vectors: bool, op: &'static str) -> Vec<Array> {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype());
    let r = (|| {
        stacked_square(op, a, loc)?;
        if dtype.is_complex() {
            // Hermitian: real eigenvalues, complex eigenvectors
            let st = read_c(a, loc)?;
            let parts = per_matrix(st.count(), |i| {
                kern::eigh_c(st.mat(i), st.n, uplo == Uplo::L, vectors)
            })
            .map_err(|f| failure(op, f, a.shape(), loc))?;
            let (mut w, mut v) = (Vec::new(), Vec::new());
            for (wi, vi) in parts {
                w.extend(wi);
                v.extend(vi);
            }
            let mut out = vec![emit(w, st.shape(&[st.n]), dtype.real_dtype(), loc)];
            if vectors {
                out.push(emit_c(v, a.shape().to_vec(), dtype, loc));
            }
            return Ok(out);
        }
        let st = read(a, loc)?;
        let parts = per_matrix(st.count(), |i| {
            kern::eigh(st.mat(i), st.n, uplo == Uplo::L, vectors)
        })
        .map_err(|f| failure(op, f, a.shape(), loc))?;
        let (mut w, mut v) = (Vec::new(), Vec::new());
        for (wi, vi) in parts {
            w.extend(wi);
            v.extend(vi);
        }
        let mut out = vec![emit(w, st.shape(&[st.n]), dtype, loc)];
        if vectors {
            out.push(emit(v, a.shape().to_vec(), dtype, loc));
        }
        Ok(out)
    })();
    let dtypes = [dtype.real_dtype(), dtype];
    arrays_dt(r, &dtypes[..1 + usize::from(vectors)], a.shape(), loc)
}

/// `np.linalg.eigh(a, UPLO)`: the eigendecomposition of symmetric matrices, reading only the
/// triangle `uplo`. Eigenvectors are unique only up to sign (and within repeated
/// eigenvalues), so compare `a @ v` with `v * w` rather than `v` itself.
///
/// ```
/// use numcrane::{array, linalg};
/// let r = linalg::eigh(&array([[2.0, 1.0], [1.0, 2.0]]), linalg::Uplo::L);
/// let w = r.eigenvalues.to_vec::<f64>().unwrap();
/// assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 3.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn eigh(a: &Array, uplo: Uplo) -> Eigh {
    let mut v = eigh_impl(a, uplo, true, "eigh");
    let eigenvectors = v.pop().unwrap_or_else(|| a.clone());
    let eigenvalues = v.pop().unwrap_or_else(|| a.clone());
    Eigh {
        eigenvalues,
        eigenvectors,
    }
}

/// `np.linalg.eigvalsh(a, UPLO)`: the eigenvalues of symmetric matrices, ascending.
///
/// ```
/// use numcrane::{array, linalg};
/// let w = linalg::eigvalsh(&array([[2.0, 0.0], [0.0, -1.0]]), linalg::Uplo::L);
/// assert_eq!(w.to_vec::<f64>().unwrap(), vec![-1.0, 2.0]);
/// ```
#[track_caller]
pub fn eigvalsh(a: &Array, uplo: Uplo) -> Array {
    let mut v = eigh_impl(a, uplo, false, "eigvalsh");
    v.pop().unwrap_or_else(|| a.clone())
}

/// The eigenvalues and right eigenvectors of general square matrices, as NumPy 2's
/// `EigResult`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg, matmul};
/// let a = array([[2.0, 0.0], [0.0, 3.0]]);
/// let r = linalg::eig(&a);
/// // a @ v == v * w, column by column.
/// let av = matmul(&a, &r.eigenvectors).to_vec::<f64>().unwrap();
/// let vw = (&r.eigenvectors * &r.eigenvalues).to_vec::<f64>().unwrap();
/// assert!(av.iter().zip(&vw).all(|(x, y)| (x - y).abs() < 1e-12));
/// ```
#[derive(Clone, Debug)]
pub struct Eig {
    /// `(..., M)`
    pub eigenvalues: Array,
    /// `(..., M, M)`: column `j` pairs with eigenvalue `j`
    pub eigenvectors: Array,
}

/// `eig` / `eigvals` of a real stack: complex results (complex64 for float32 input, else
/// complex128), or real ones when every eigenvalue of the stack is real (NumPy's rule); complex
/// input always gives complex results.
#[track_caller]
fn eig_impl(a: &Array, vectors: bool, op: &'static str) -> Vec<Array> {
    let loc = SourceLocation::caller();
    let single = matches!(a.dtype(), DType::F32 | DType::C64);
    let complex = if single { DType::C64 } else { DType::C128 };
    let r = (|| {
        stacked_square(op, a, loc)?;
        let st_c;
        let st;
        let n;
        let parts = if a.dtype().is_complex() {
            st_c = read_c(a, loc)?;
            n = st_c.n;
            per_matrix(st_c.count(), |i| match vectors {
                true => kern::eig_c(st_c.mat(i), n),
                false => kern::eigvals_c(st_c.mat(i), n).map(|w| (w, Vec::new())),
            })
        } else {
            st = read(a, loc)?;
            n = st.n;
            per_matrix(st.count(), |i| match vectors {
                true => kern::eig(st.mat(i), n),
                false => kern::eigvals(st.mat(i), n).map(|w| (w, Vec::new())),
            })
        }
        .map_err(|f| failure(op, f, a.shape(), loc))?;
        let batch = &a.shape()[..a.ndim() - 2];
        let wshape: Vec<usize> = batch.iter().copied().chain([n]).collect();
        let (mut w, mut v) = (Vec::new(), Vec::new());
        for (wi, vi) in parts {
            w.extend(wi);
            // The kernel's vectors are column-major: NumPy's v[i, j] is component i of
            // eigenvector j.
            for i in 0..n {
                v.extend((0..n).filter_map(|j| vi.get(j * n + i).copied()));
            }
        }
        // complex input gives complex results even when every eigenvalue is real
        let real = !a.dtype().is_complex() && kern::all_real(&w);
        let emit_c = |values: Vec<kern::Complex<f64>>, shape: Vec<usize>| -> Array {
            match (real, single) {
                (true, _) => emit(
                    values.iter().map(|c| c.re).collect(),
                    shape,
                    result_dtype(a.dtype()),
                    loc,
                ),
                (false, true) => leaf(
                    values
                        .iter()
                        .map(|c| numcrane_graph::Complex32::new(c.re as f32, c.im as f32))
                        .collect(),
                    shape,
                    loc,
                ),
                (false, false) => leaf(values, shape, loc),
            }
        };
        let mut out = vec![emit_c(w, wshape)];
        if vectors {
            out.push(emit_c(v, a.shape().to_vec()));
        }
        Ok(out)
    })();
    arrays(r, 1 + usize::from(vectors), complex, a.shape(), loc)
}

/// `np.linalg.eig(a)`: the eigenvalues and right eigenvectors of general square matrices
/// (stacked over leading dimensions), `a @ v[:, j] = w[j] * v[:, j]`. Complex (complex64 for
/// float32 and complex64 input, complex128 otherwise) unless the input is real and every
/// eigenvalue is real, then real, as NumPy.
/// Each eigenvector has unit norm with its largest component real and positive (NumPy's
/// LAPACK leaves that component's sign open, so vectors may differ from NumPy's by a sign or
/// phase); eigenvalues come in the Schur form's order, which may differ from NumPy's.
///
/// ```
/// use numcrane::{array, linalg, Complex64};
/// // A rotation by 90 degrees: eigenvalues +i and -i.
/// let r = linalg::eig(&array([[0.0, -1.0], [1.0, 0.0]]));
/// let mut w = r.eigenvalues.to_vec::<Complex64>().unwrap();
/// w.sort_by(|a, b| a.im.total_cmp(&b.im));
/// assert!((w[0] - Complex64::new(0.0, -1.0)).norm() < 1e-12);
/// assert!((w[1] - Complex64::new(0.0, 1.0)).norm() < 1e-12);
/// // A triangular matrix has real eigenvalues: a real result.
/// let r = linalg::eig(&array([[2.0, 1.0], [0.0, 3.0]]));
/// assert_eq!(r.eigenvalues.dtype(), numcrane::DType::F64);
/// ```
#[track_caller]
pub fn eig(a: &Array) -> Eig {
    let mut v = eig_impl(a, true, "eig");
    let eigenvectors = v.pop().unwrap_or_else(|| a.clone());
    let eigenvalues = v.pop().unwrap_or_else(|| a.clone());
    Eig {
        eigenvalues,
        eigenvectors,
    }
}

/// `np.linalg.eigvals(a)`: the eigenvalues of general square matrices (see [`eig`]).
///
/// ```
/// use numcrane::{array, linalg};
/// let w = linalg::eigvals(&array([[2.0, 0.0], [0.0, -1.0]]));
/// let mut w = w.to_vec::<f64>().unwrap();
/// w.sort_by(f64::total_cmp);
/// assert_eq!(w, vec![-1.0, 2.0]);
/// ```
#[track_caller]
pub fn eigvals(a: &Array) -> Array {
    let mut v = eig_impl(a, false, "eigvals");
    v.pop().unwrap_or_else(|| a.clone())
}

/// The singular value decomposition `a = u @ (s[..., None] * vh)`, as NumPy 2's `SVDResult`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg, matmul};
/// let a = array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// let d = linalg::svd(&a, false);
/// assert_eq!((d.u.shape(), d.s.shape(), d.vh.shape()), (&[3usize, 2][..], &[2usize][..], &[2usize, 2][..]));
/// // u @ (s[:, None] * vh) rebuilds a.
/// let back = matmul(&d.u, &(&d.s.expand_dims(1) * &d.vh)).to_vec::<f64>().unwrap();
/// for (x, y) in back.iter().zip([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) {
///     assert!((x - y).abs() < 1e-12);
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Svd {
    /// `(..., M, M)` (full) or `(..., M, K)`, `K = min(M, N)`
    pub u: Array,
    /// `(..., K)`, descending
    pub s: Array,
    /// `(..., N, N)` (full) or `(..., K, N)`
    pub vh: Array,
}

/// `np.linalg.svd(a, full_matrices)` (with `compute_uv=True`; `svdvals` is `compute_uv=False`).
/// The singular vectors are unique only up to sign; `s` is unique.
///
/// ```
/// use numcrane::{array, linalg};
/// let r = linalg::svd(&array([[3.0, 0.0], [0.0, -4.0]]), false);
/// assert_eq!(r.s.to_vec::<f64>().unwrap(), vec![4.0, 3.0]);
/// ```
#[track_caller]
pub fn svd(a: &Array, full_matrices: bool) -> Svd {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype());
    let r = (|| {
        stacked_2d("svd", a, loc)?;
        if dtype.is_complex() {
            return svd_c(a, full_matrices, dtype, loc);
        }
        let st = read(a, loc)?;
        let (m, n) = (st.m, st.n);
        let k = m.min(n);
        let parts = per_matrix(st.count(), |i| {
            kern::svd(st.mat(i), m, n, full_matrices, true)
        })
        .map_err(|f| failure("svd", f, a.shape(), loc))?;
        let (mut u, mut s, mut vh) = (Vec::new(), Vec::new(), Vec::new());
        for d in parts {
            u.extend(d.u);
            s.extend(d.s);
            vh.extend(d.vh);
        }
        let (uc, vr) = if full_matrices { (m, n) } else { (k, k) };
        Ok(vec![
            emit(u, st.shape(&[m, uc]), dtype, loc),
            emit(s, st.shape(&[k]), dtype, loc),
            emit(vh, st.shape(&[vr, n]), dtype, loc),
        ])
    })();
    let mut v = arrays_dt(r, &[dtype, dtype.real_dtype(), dtype], a.shape(), loc);
    let vh = v.pop().unwrap_or_else(|| a.clone());
    let s = v.pop().unwrap_or_else(|| a.clone());
    let u = v.pop().unwrap_or_else(|| a.clone());
    Svd { u, s, vh }
}

/// [`svd`] of a complex stack: complex `u` and `vh` (`vh` the conjugate transpose of `V`),
/// real `s`.
fn svd_c(a: &Array, full_matrices: bool, dtype: DType, loc: SourceLocation) -> Result<Vec<Array>> {
    let st = read_c(a, loc)?;
    let (m, n) = (st.m, st.n);
    let k = m.min(n);
    let parts = per_matrix(st.count(), |i| {
        kern::svd_c(st.mat(i), m, n, full_matrices, true)
    })
    .map_err(|f| failure("svd", f, a.shape(), loc))?;
    let (mut u, mut s, mut vh) = (Vec::new(), Vec::new(), Vec::new());
    for d in parts {
        u.extend(d.u);
        s.extend(d.s);
        vh.extend(d.vh);
    }
    let (uc, vr) = if full_matrices { (m, n) } else { (k, k) };
    Ok(vec![
        emit_c(u, st.shape(&[m, uc]), dtype, loc),
        emit(s, st.shape(&[k]), dtype.real_dtype(), loc),
        emit_c(vh, st.shape(&[vr, n]), dtype, loc),
    ])
}

/// The singular values of each matrix, descending, as float64 (host side, for the functions
/// built on them).
fn singular_values<'a>(
    op: &'static str,
    a: &'a Array,
    loc: SourceLocation,
) -> Result<(Stack<'a>, Vec<f64>)> {
    stacked_2d(op, a, loc)?;
    if a.dtype().is_complex() {
        let st = read_c(a, loc)?;
        let s = per_matrix(st.count(), |i| {
            kern::svd_c(st.mat(i), st.m, st.n, false, false).map(|d| d.s)
        })
        .map_err(|f| failure(op, f, a.shape(), loc))?
        .concat();
        // only the shape of the stack is used from here on
        let shape = Stack {
            batch: st.batch,
            m: st.m,
            n: st.n,
            data: Cow::Owned(Vec::new()),
        };
        return Ok((shape, s));
    }
    let st = read(a, loc)?;
    let s = per_matrix(st.count(), |i| {
        kern::svd(st.mat(i), st.m, st.n, false, false).map(|d| d.s)
    })
    .map_err(|f| failure(op, f, a.shape(), loc))?
    .concat();
    Ok((st, s))
}

/// `np.linalg.svdvals(a)` (= `svd(a, compute_uv=False)`): the singular values, descending,
/// shape `(..., min(M, N))`.
///
/// ```
/// use numcrane::{array, linalg};
/// let s = linalg::svdvals(&array([[0.0, 2.0], [1.0, 0.0]]));
/// assert_eq!(s.to_vec::<f64>().unwrap(), vec![2.0, 1.0]);
/// ```
#[track_caller]
pub fn svdvals(a: &Array) -> Array {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype()).real_dtype();
    let r = singular_values("svdvals", a, loc).map(|(st, s)| {
        let k = st.m.min(st.n);
        emit(s, st.shape(&[k]), dtype, loc)
    });
    single(r, dtype, a.shape(), loc)
}

/// The `mode` of [`qr`].
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg};
/// use numcrane::linalg::QrMode;
/// let a = array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// assert_eq!(linalg::qr(&a, QrMode::Reduced).q.unwrap().shape(), &[3, 2]);
/// assert_eq!(linalg::qr(&a, QrMode::Complete).q.unwrap().shape(), &[3, 3]);
/// let r_only = linalg::qr(&a, QrMode::R);
/// assert!(r_only.q.is_none());
/// assert_eq!(r_only.r.shape(), &[2, 2]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QrMode {
    /// `q` `(..., M, K)` and `r` `(..., K, N)`, `K = min(M, N)` (NumPy's default)
    #[default]
    Reduced,
    /// `q` `(..., M, M)` and `r` `(..., M, N)`
    Complete,
    /// `r` only, `(..., K, N)`
    R,
}

/// The QR factorisation, as NumPy 2's `QRResult` (`q` is `None` for [`QrMode::R`]).
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg};
/// let a = array([[3.0, 1.0], [4.0, 2.0]]);
/// let f = linalg::qr(&a, linalg::QrMode::Reduced);
/// // r is upper triangular, |r[0, 0]| is the norm of a's first column.
/// let r = f.r.to_vec::<f64>().unwrap();
/// assert!(r[2].abs() < 1e-12);
/// assert!((r[0].abs() - 5.0).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct Qr {
    /// the orthonormal factor
    pub q: Option<Array>,
    /// the upper triangular factor
    pub r: Array,
}

/// `np.linalg.qr(a, mode)` for stacks of matrices. The factors are unique only up to the signs
/// of `r`'s rows (and `q`'s columns); `|r[i, i]|` and `q @ r` are unique.
///
/// ```
/// use numcrane::{array, linalg, matmul};
/// let a = array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// let f = linalg::qr(&a, linalg::QrMode::Reduced);
/// let back = matmul(f.q.as_ref().unwrap(), &f.r).to_vec::<f64>().unwrap();
/// for (x, y) in back.iter().zip([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) {
///     assert!((x - y).abs() < 1e-12);
/// }
/// ```
#[track_caller]
pub fn qr(a: &Array, mode: QrMode) -> Qr {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype());
    let want_q = mode != QrMode::R;
    let complete = mode == QrMode::Complete;
    let r = (|| {
        stacked_2d("qr", a, loc)?;
        if dtype.is_complex() {
            let st = read_c(a, loc)?;
            let (m, n) = (st.m, st.n);
            let k = m.min(n);
            let parts = per_matrix(st.count(), |i| {
                kern::qr_c(st.mat(i), m, n, complete, want_q)
            })
            .map_err(|f| failure("qr", f, a.shape(), loc))?;
            let (mut qs, mut rs) = (Vec::new(), Vec::new());
            for (q, r) in parts {
                qs.extend(q);
                rs.extend(r);
            }
            let (qc, rr) = if complete { (m, m) } else { (k, k) };
            let mut out = vec![emit_c(rs, st.shape(&[rr, n]), dtype, loc)];
            if want_q {
                out.push(emit_c(qs, st.shape(&[m, qc]), dtype, loc));
            }
            return Ok(out);
        }
        let st = read(a, loc)?;
        let (m, n) = (st.m, st.n);
        let k = m.min(n);
        let parts = per_matrix(st.count(), |i| kern::qr(st.mat(i), m, n, complete, want_q))
            .map_err(|f| failure("qr", f, a.shape(), loc))?;
        let (mut qs, mut rs) = (Vec::new(), Vec::new());
        for (q, r) in parts {
            qs.extend(q);
            rs.extend(r);
        }
        let (qc, rr) = if complete { (m, m) } else { (k, k) };
        let mut out = vec![emit(rs, st.shape(&[rr, n]), dtype, loc)];
        if want_q {
            out.push(emit(qs, st.shape(&[m, qc]), dtype, loc));
        }
        Ok(out)
    })();
    let mut v = arrays(r, 1 + usize::from(want_q), dtype, a.shape(), loc);
    let q = if want_q { v.pop() } else { None };
    let r = v.pop().unwrap_or_else(|| a.clone());
    Qr { q, r }
}

/// `np.linalg.pinv(a)`: the Moore-Penrose pseudo-inverse with NumPy's default cutoff
/// (`rcond=1e-15` times the largest singular value). See [`pinv_rcond`].
///
/// ```
/// use numcrane::{array, linalg};
/// let p = linalg::pinv(&array([[2.0, 0.0], [0.0, 0.0]]));
/// assert_eq!(p.to_vec::<f64>().unwrap(), vec![0.5, 0.0, 0.0, 0.0]);
/// ```
#[track_caller]
pub fn pinv(a: &Array) -> Array {
    pinv_rcond(a, 1e-15)
}

/// `np.linalg.pinv(a, rcond)` (also NumPy 2's `rtol=`; `rtol=None` is
/// `rcond = max(M, N) * eps`): singular values at most `rcond * max(s)` count as zero. The
/// result is `vh.T @ (s⁺[..., None] * u.T)` of the SVD of `conj(a)` (NumPy's formula: for
/// complex input the conjugate transpose of `V s⁺ U^H`), the product run by numcrane's matmul.
///
/// ```
/// use numcrane::{array, linalg};
/// let p = linalg::pinv_rcond(&array([[1.0, 0.0], [0.0, 1e-9]]), 1e-6);
/// assert_eq!(p.to_vec::<f64>().unwrap(), vec![1.0, 0.0, 0.0, 0.0]);
/// ```
#[track_caller]
pub fn pinv_rcond(a: &Array, rcond: f64) -> Array {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype());
    if let Err(e) = stacked_2d("pinv", a, loc) {
        return failed(e, dtype, a.shape().to_vec(), loc);
    }
    let nd = a.ndim();
    let (m, n) = (a.shape()[nd - 2], a.shape()[nd - 1]);
    let mut tshape = a.shape().to_vec();
    tshape[nd - 2] = n;
    tshape[nd - 1] = m;
    if m == 0 || n == 0 {
        // NumPy returns an empty (..., N, M) array of a's own dtype
        return crate::zeros(tshape, a.dtype());
    }
    // NumPy takes the SVD of conj(a) (the identity for real input)
    let d = svd(&crate::conj(a), false);
    if let Some(e) = d.s.error() {
        return failed(e.clone(), dtype, tshape, loc);
    }
    // s⁺: 1/s above the cutoff, 0 below (on the host: s is small)
    let k = m.min(n);
    let sinv = (|| -> Result<Array> {
        let s = host::<f64>(&d.s, loc)?;
        let mut out = Vec::with_capacity(s.len());
        for row in s.chunks(k.max(1)) {
            let cutoff = rcond * row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            out.extend(row.iter().map(|&x| if x > cutoff { 1.0 / x } else { 0.0 }));
        }
        let mut shape = d.s.shape().to_vec();
        shape.push(1);
        Ok(emit(out, shape, dtype.real_dtype(), loc))
    })();
    let sinv = match sinv {
        Ok(s) => s,
        Err(e) => return failed(e, dtype, tshape, loc),
    };
    let swap = |x: &Array| x.swapaxes(-1, -2);
    let ut = swap(&d.u);
    matmul(&swap(&d.vh), &(&sinv * &ut))
}

/// The result of [`lstsq`], NumPy's `(x, residuals, rank, s)`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg};
/// // Fit y = c0 + c1 x to three points that are not on one line.
/// let a = array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]);
/// let r = linalg::lstsq(&a, &array([0.0, 1.0, 1.0]), None);
/// assert_eq!(r.x.shape(), &[2]);
/// assert_eq!(r.residuals.shape(), &[1]);
/// assert!(r.residuals.item::<f64>().unwrap() > 0.0);
/// assert_eq!(r.s.shape(), &[2]);
/// ```
#[derive(Clone, Debug)]
pub struct Lstsq {
    /// the least-squares solution, `(N,)` or `(N, K)`
    pub x: Array,
    /// squared residual norms per column `(K,)` (`(1,)` for a 1-D `b`) when `a` has full
    /// column rank `N < M`, otherwise empty `(0,)`
    pub residuals: Array,
    /// the effective rank of `a`, a 0-d int32 array (NumPy's `lstsq` gives a C int)
    pub rank: Array,
    /// the singular values of `a`, `(min(M, N),)`, descending
    pub s: Array,
}

/// `np.linalg.lstsq(a, b, rcond)`: the minimum-norm least-squares solution of `a @ x = b` for a
/// 2-D `a` `(M, N)` and `b` `(M,)` or `(M, K)`, through the SVD of `a` (singular values at most
/// `rcond * max(s)` count as zero; `rcond = None` is NumPy 2's default `eps * max(M, N)`).
///
/// ```
/// use numcrane::{array, linalg};
/// let a = array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]);
/// let r = linalg::lstsq(&a, &array([1.0, 2.0, 3.0]), None);
/// let x = r.x.to_vec::<f64>().unwrap();
/// assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12);
/// assert_eq!(r.rank.item::<i32>().unwrap(), 2);
/// ```
#[track_caller]
pub fn lstsq(a: &Array, b: &Array, rcond: Option<f64>) -> Lstsq {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(a.dtype()).promote(result_dtype(b.dtype()));
    let r = (|| -> Result<Vec<Array>> {
        let shapes = || {
            format!(
                "a has shape {}, b has shape {}",
                ShapeDisplay::from(a.shape()),
                ShapeDisplay::from(b.shape())
            )
        };
        if a.ndim() != 2 || !(b.ndim() == 1 || b.ndim() == 2) {
            return Err(Error::linalg(
                "lstsq",
                format!(
                    "a must be two-dimensional and b one- or two-dimensional: {}",
                    shapes()
                ),
                loc,
            ));
        }
        let (m, n) = (a.shape()[0], a.shape()[1]);
        let vector = b.ndim() == 1;
        let k = if vector { 1 } else { b.shape()[1] };
        if b.shape()[0] != m {
            return Err(Error::linalg(
                "lstsq",
                format!("Incompatible dimensions: {}", shapes()),
                loc,
            ));
        }
        if dtype.is_complex() {
            return lstsq_c(a, b, (m, n, k), vector, rcond, dtype, loc);
        }
        let av = host::<f64>(a, loc)?;
        let bv = host::<f64>(b, loc)?;
        let rcond = rcond.unwrap_or(f64::EPSILON * m.max(n) as f64);
        let d =
            kern::svd(&av, m, n, false, true).map_err(|f| failure("lstsq", f, a.shape(), loc))?;
        let p = m.min(n);
        let smax = d.s.first().copied().unwrap_or(0.0);
        let cutoff = rcond * smax;
        let rank = d.s.iter().filter(|&&x| x > cutoff).count();
        // x = V diag(s⁺) U^T b; U is m x p, vh is p x n
        let mut x = vec![0.0; n * k];
        for j in 0..k {
            for (i, &si) in d.s.iter().enumerate().take(rank) {
                let c: f64 = (0..m).map(|r| d.u[r * p + i] * bv[r * k + j]).sum::<f64>() / si;
                for col in 0..n {
                    x[col * k + j] += d.vh[i * n + col] * c;
                }
            }
        }
        let residuals = if rank == n && m > n {
            (0..k)
                .map(|j| {
                    (0..m)
                        .map(|r| {
                            let ax: f64 = (0..n).map(|c| av[r * n + c] * x[c * k + j]).sum();
                            (bv[r * k + j] - ax).powi(2)
                        })
                        .sum()
                })
                .collect()
        } else {
            Vec::new()
        };
        let rlen = residuals.len();
        let xshape = if vector { vec![n] } else { vec![n, k] };
        Ok(vec![
            emit(x, xshape, dtype, loc),
            emit(residuals, vec![rlen], dtype, loc),
            // NumPy's gufunc returns the rank as a C int
            leaf(vec![rank as i32], vec![], loc),
            emit(d.s, vec![p], dtype, loc),
        ])
    })();
    let real = dtype.real_dtype();
    let mut v = arrays_dt(r, &[dtype, real, DType::I32, real], b.shape(), loc);
    let s = v.pop().unwrap_or_else(|| a.clone());
    let rank = v.pop().unwrap_or_else(|| a.clone());
    let residuals = v.pop().unwrap_or_else(|| a.clone());
    let x = v.pop().unwrap_or_else(|| a.clone());
    Lstsq {
        x,
        residuals,
        rank,
        s,
    }
}

/// [`lstsq`] with a complex operand (`(m, n, k)`: `a` is `m x n`, `b` has `k` columns):
/// `x = V diag(s⁺) U^H b` in complex128; the residuals `sum |b - a x|^2` and `s` are real.
fn lstsq_c(
    a: &Array,
    b: &Array,
    (m, n, k): (usize, usize, usize),
    vector: bool,
    rcond: Option<f64>,
    dtype: DType,
    loc: SourceLocation,
) -> Result<Vec<Array>> {
    let av = host::<C64>(a, loc)?;
    let bv = host::<C64>(b, loc)?;
    let rcond = rcond.unwrap_or(f64::EPSILON * m.max(n) as f64);
    let d = kern::svd_c(&av, m, n, false, true).map_err(|f| failure("lstsq", f, a.shape(), loc))?;
    let p = m.min(n);
    let smax = d.s.first().copied().unwrap_or(0.0);
    let cutoff = rcond * smax;
    let rank = d.s.iter().filter(|&&x| x > cutoff).count();
    let zero = C64::new(0.0, 0.0);
    // x = Vh^H diag(s⁺) U^H b; U is m x p, vh is p x n
    let mut x = vec![zero; n * k];
    for j in 0..k {
        for (i, &si) in d.s.iter().enumerate().take(rank) {
            let c: C64 = (0..m)
                .map(|r| d.u[r * p + i].conj() * bv[r * k + j])
                .sum::<C64>()
                / si;
            for col in 0..n {
                x[col * k + j] += d.vh[i * n + col].conj() * c;
            }
        }
    }
    let residuals: Vec<f64> = if rank == n && m > n {
        (0..k)
            .map(|j| {
                (0..m)
                    .map(|r| {
                        let ax: C64 = (0..n).map(|c| av[r * n + c] * x[c * k + j]).sum();
                        (bv[r * k + j] - ax).norm_sqr()
                    })
                    .sum()
            })
            .collect()
    } else {
        Vec::new()
    };
    let rlen = residuals.len();
    let xshape = if vector { vec![n] } else { vec![n, k] };
    Ok(vec![
        emit_c(x, xshape, dtype, loc),
        emit(residuals, vec![rlen], dtype.real_dtype(), loc),
        leaf(vec![rank as i32], vec![], loc),
        emit(d.s, vec![p], dtype.real_dtype(), loc),
    ])
}

/// The tolerance of [`matrix_rank`].
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg};
/// use numcrane::linalg::RankTol;
/// let a = array([[1.0, 0.0], [0.0, 1e-6]]);
/// assert_eq!(linalg::matrix_rank(&a, RankTol::Default).item::<i64>().unwrap(), 2);
/// assert_eq!(linalg::matrix_rank(&a, RankTol::Tol(1e-3)).item::<i64>().unwrap(), 1);
/// assert_eq!(linalg::matrix_rank(&a, RankTol::Rtol(1e-3)).item::<i64>().unwrap(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum RankTol {
    /// NumPy's default: `S.max() * max(M, N) * eps` (eps of the result dtype)
    #[default]
    Default,
    /// `tol=`: an absolute threshold
    Tol(f64),
    /// `rtol=`: a threshold relative to the largest singular value
    Rtol(f64),
}

/// `np.linalg.matrix_rank(a, tol / rtol)`: the number of singular values above the tolerance,
/// per matrix (int64, shape `a.shape[:-2]`). Arrays with fewer than 2 dimensions have rank 1
/// unless all zero, as in NumPy.
///
/// ```
/// use numcrane::{array, linalg};
/// let r = linalg::matrix_rank(&array([[1.0, 2.0], [2.0, 4.0]]), linalg::RankTol::Default);
/// assert_eq!(r.item::<i64>().unwrap(), 1);
/// ```
#[track_caller]
pub fn matrix_rank(a: &Array, tol: RankTol) -> Array {
    let loc = SourceLocation::caller();
    if a.ndim() < 2 {
        return build::cast(&build::cast(a, DType::Bool, loc).any(..), DType::I64, loc);
    }
    let eps = if result_dtype(a.dtype()).real_dtype() == DType::F32 {
        f64::from(f32::EPSILON)
    } else {
        f64::EPSILON
    };
    let r = singular_values("matrix_rank", a, loc).map(|(st, s)| {
        let k = st.m.min(st.n);
        let ranks: Vec<i64> = (0..st.count())
            .map(|i| {
                let row = &s[i * k..(i + 1) * k];
                let smax = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let t = match tol {
                    RankTol::Default => smax * st.m.max(st.n) as f64 * eps,
                    RankTol::Rtol(r) => smax * r,
                    RankTol::Tol(t) => t,
                };
                // S as NumPy holds it (float32 for float32 input) compares with the threshold
                row.iter()
                    .filter(|&&x| {
                        if eps > f64::EPSILON {
                            f64::from(x as f32) > t
                        } else {
                            x > t
                        }
                    })
                    .count() as i64
            })
            .collect();
        leaf(ranks, st.batch.clone(), loc)
    });
    single(r, DType::I64, a.shape(), loc)
}

/// `np.linalg.matrix_power(a, n)`: `a` multiplied by itself `n` times by repeated squaring, as
/// NumPy orders the products; `n = 0` gives the identity in `a`'s dtype, a negative `n` the
/// power of `inv(a)` (float). Integer matrices stay integer for `n >= 0`.
///
/// ```
/// use numcrane::{array, linalg};
/// let p = linalg::matrix_power(&array([[1i64, 1], [1, 0]]), 10);
/// assert_eq!(p.to_vec::<i64>().unwrap(), vec![89, 55, 55, 34]);
/// ```
#[track_caller]
pub fn matrix_power(a: &Array, n: i64) -> Array {
    let loc = SourceLocation::caller();
    if let Err(e) = stacked_square("matrix_power", a, loc) {
        return failed(e, a.dtype(), a.shape().to_vec(), loc);
    }
    let m = a.shape()[a.ndim() - 1];
    if n == 0 {
        let eye = crate::eye(m, a.dtype());
        return build::broadcast(&eye, a.shape(), loc);
    }
    let base = if n < 0 { inv(a) } else { a.clone() };
    let mut k = n.unsigned_abs();
    match k {
        1 => return base,
        2 => return matmul(&base, &base),
        3 => return matmul(&matmul(&base, &base), &base),
        _ => {}
    }
    // NumPy's loop: z = a, a^2, a^4, ...; result multiplied by z for each set bit
    let mut z: Option<Array> = None;
    let mut result: Option<Array> = None;
    while k > 0 {
        let next = match &z {
            None => base.clone(),
            Some(z) => matmul(z, z),
        };
        let bit = k % 2;
        k /= 2;
        if bit == 1 {
            result = Some(match &result {
                None => next.clone(),
                Some(r) => matmul(r, &next),
            });
        }
        z = Some(next);
    }
    result.unwrap_or(base)
}

/// The `ord` of [`norm`] and [`cond`].
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg};
/// use numcrane::linalg::{NormAxes, NormOrd};
/// let v = array([3.0, -4.0]);
/// let n = |ord: NormOrd| linalg::norm(&v, ord, NormAxes::All, false).item::<f64>().unwrap();
/// assert_eq!(n(NormOrd::Default), 5.0);
/// assert_eq!(n(NormOrd::P(1.0)), 7.0);
/// assert_eq!(n(NormOrd::Inf), 4.0);
/// assert_eq!(n(NormOrd::NegInf), 3.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum NormOrd {
    /// `ord=None`: the 2-norm of vectors, Frobenius of matrices
    #[default]
    Default,
    /// `'fro'` (matrices only)
    Fro,
    /// `'nuc'`, the sum of singular values (matrices only)
    Nuc,
    /// `inf`
    Inf,
    /// `-inf`
    NegInf,
    /// a number: for vectors any `p` (`sum(|x|**p)**(1/p)`, 0 counts non-zeros); for
    /// matrices 1, -1, 2, -2
    P(f64),
}

/// Which axes [`norm`] runs over.
///
/// # Examples
///
/// ```
/// use numcrane::{array, linalg};
/// use numcrane::linalg::{NormAxes, NormOrd};
/// let x = array([[3.0, 4.0], [6.0, 8.0]]);
/// let rows = linalg::norm(&x, NormOrd::Default, NormAxes::Vector(-1), false);
/// assert_eq!(rows.to_vec::<f64>().unwrap(), vec![5.0, 10.0]);
/// let fro = linalg::norm(&x, NormOrd::Fro, NormAxes::Matrix(0, 1), false);
/// assert!((fro.item::<f64>().unwrap() - 125f64.sqrt()).abs() < 1e-12);
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
pub enum NormAxes {
    /// `axis=None`: the whole array (a vector norm of 1-D input, a matrix norm of 2-D input)
    #[default]
    All,
    /// one axis: vector norms along it
    Vector(isize),
    /// two axes (rows, columns): matrix norms
    Matrix(isize, isize),
}

/// A vector norm of `v` (NumPy's definitions).
fn vector_norm(v: &[f64], ord: NormOrd) -> f64 {
    let abs = v.iter().map(|x| x.abs());
    match ord {
        NormOrd::Default | NormOrd::P(2.0) => v.iter().map(|x| x * x).sum::<f64>().sqrt(),
        NormOrd::Inf => abs.fold(f64::NEG_INFINITY, f64::max),
        NormOrd::NegInf => abs.fold(f64::INFINITY, f64::min),
        NormOrd::P(0.0) => v.iter().filter(|&&x| x != 0.0).count() as f64,
        NormOrd::P(1.0) => abs.sum(),
        NormOrd::P(p) => abs.map(|x| x.powf(p)).sum::<f64>().powf(1.0 / p),
        // rejected before
        NormOrd::Fro | NormOrd::Nuc => f64::NAN,
    }
}

/// A matrix norm of the row-major `m x n` matrix `a` (NumPy's definitions).
fn matrix_norm(
    a: &[f64],
    m: usize,
    n: usize,
    ord: NormOrd,
) -> std::result::Result<f64, kern::Fail> {
    let col_sums = || (0..n).map(move |j| (0..m).map(|i| a[i * n + j].abs()).sum::<f64>());
    let row_sums =
        || (0..m).map(move |i| a[i * n..(i + 1) * n].iter().map(|x| x.abs()).sum::<f64>());
    let svals = || kern::svd(a, m, n, false, false).map(|d| d.s);
    Ok(match ord {
        NormOrd::Default | NormOrd::Fro => a.iter().map(|x| x * x).sum::<f64>().sqrt(),
        NormOrd::Nuc => svals()?.iter().sum(),
        NormOrd::Inf => row_sums().fold(f64::NEG_INFINITY, f64::max),
        NormOrd::NegInf => row_sums().fold(f64::INFINITY, f64::min),
        NormOrd::P(1.0) => col_sums().fold(f64::NEG_INFINITY, f64::max),
        NormOrd::P(-1.0) => col_sums().fold(f64::INFINITY, f64::min),
        NormOrd::P(2.0) => svals()?.first().copied().unwrap_or(f64::NAN),
        NormOrd::P(_) => svals()?.last().copied().unwrap_or(f64::NAN),
    })
}

/// [`matrix_norm`] of a complex matrix: the singular-value orders (`'nuc'`, 2, -2) from its
/// complex SVD, the others from the moduli `|a|` (NumPy's sums of `abs(x)`).
fn matrix_norm_c(
    a: &[C64],
    m: usize,
    n: usize,
    ord: NormOrd,
) -> std::result::Result<f64, kern::Fail> {
    if matches!(ord, NormOrd::Nuc | NormOrd::P(2.0) | NormOrd::P(-2.0)) {
        let s = kern::svd_c(a, m, n, false, false)?.s;
        return Ok(match ord {
            NormOrd::Nuc => s.iter().sum(),
            NormOrd::P(2.0) => s.first().copied().unwrap_or(f64::NAN),
            _ => s.last().copied().unwrap_or(f64::NAN),
        });
    }
    let abs: Vec<f64> = a.iter().map(|z| z.norm()).collect();
    matrix_norm(&abs, m, n, ord)
}

/// `x` with the axes `axes` moved to the end, row-major: the groups to reduce.
fn move_last<T: Copy>(x: &[T], shape: &[usize], axes: &[usize]) -> Vec<T> {
    let nd = shape.len();
    let order: Vec<usize> = (0..nd)
        .filter(|d| !axes.contains(d))
        .chain(axes.iter().copied())
        .collect();
    let mut strides = vec![1usize; nd];
    for d in (0..nd.saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * shape[d + 1];
    }
    let pshape: Vec<usize> = order.iter().map(|&d| shape[d]).collect();
    let pstrides: Vec<usize> = order.iter().map(|&d| strides[d]).collect();
    let total: usize = shape.iter().product();
    let mut out = Vec::with_capacity(total);
    let mut idx = vec![0usize; nd];
    for _ in 0..total {
        out.push(x[idx.iter().zip(&pstrides).map(|(i, s)| i * s).sum::<usize>()]);
        for d in (0..nd).rev() {
            idx[d] += 1;
            if idx[d] < pshape[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    out
}

/// `np.linalg.norm(x, ord, axis, keepdims)`: vector norms (any `p`, `inf`, `-inf`, 0) and
/// matrix norms (`'fro'`, `'nuc'`, `inf`, `-inf`, 1, -1, 2, -2) over the chosen axes, in
/// float64 (float32 for float32 and complex64 input). Complex input: vector norms of the moduli
/// `|z|`, matrix norms from `|z|` or (`'nuc'`, 2, -2) the complex singular values.
///
/// ```
/// use numcrane::{array, linalg};
/// use numcrane::linalg::{NormAxes, NormOrd};
/// let x = array([[3.0, -4.0], [0.0, 0.0]]);
/// assert_eq!(linalg::norm(&x, NormOrd::Default, NormAxes::All, false).item::<f64>().unwrap(), 5.0);
/// let rows = linalg::norm(&x, NormOrd::P(1.0), NormAxes::Vector(1), false);
/// assert_eq!(rows.to_vec::<f64>().unwrap(), vec![7.0, 0.0]);
/// ```
#[track_caller]
pub fn norm(x: &Array, ord: NormOrd, axis: NormAxes, keepdims: bool) -> Array {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(x.dtype()).real_dtype();
    let r = (|| -> Result<Array> {
        let nd = x.ndim();
        let shape = x.shape().to_vec();
        let norm_axis = |a: isize| build::axis("norm", a, nd, loc);
        let invalid = |m: String| Error::invalid("norm", m, loc);
        // which axes, and whether a matrix norm
        let (axes, matrix): (Vec<usize>, bool) = match axis {
            NormAxes::All if ord == NormOrd::Default => ((0..nd).collect(), false),
            NormAxes::All => match nd {
                1 => (vec![0], false),
                2 => (vec![0, 1], true),
                _ => {
                    return Err(invalid(format!(
                        "Improper number of dimensions to norm (shape {})",
                        ShapeDisplay::from(x.shape())
                    )))
                }
            },
            NormAxes::Vector(a) => (vec![norm_axis(a)?], false),
            NormAxes::Matrix(r, c) => {
                let (r, c) = (norm_axis(r)?, norm_axis(c)?);
                if r == c {
                    return Err(invalid("Duplicate axes given.".into()));
                }
                (vec![r, c], true)
            }
        };
        if !matrix && matches!(ord, NormOrd::Fro | NormOrd::Nuc) {
            return Err(invalid(format!("Invalid norm order {ord:?} for vectors")));
        }
        if matrix {
            if let NormOrd::P(p) = ord {
                if ![1.0, -1.0, 2.0, -2.0].contains(&p) {
                    return Err(invalid(format!("Invalid norm order {p} for matrices")));
                }
            }
        }
        let group: usize = axes.iter().map(|&d| shape[d]).product();
        // complex input: the groups themselves (for the SVD orders) and their moduli
        let complex = if x.dtype().is_complex() {
            Some(move_last(&host::<C64>(x, loc)?, &shape, &axes))
        } else {
            None
        };
        let moved = match &complex {
            Some(c) => c.iter().map(|z| z.norm()).collect(),
            None => move_last(&host::<f64>(x, loc)?, &shape, &axes),
        };
        let outer: usize = shape
            .iter()
            .enumerate()
            .filter(|(d, _)| !axes.contains(d))
            .map(|(_, &s)| s)
            .product();
        let mut out = Vec::with_capacity(outer);
        for g in 0..outer {
            let v = &moved[g * group..(g + 1) * group];
            out.push(if matrix {
                let (m, n) = (shape[axes[0]], shape[axes[1]]);
                if m == 0 || n == 0 {
                    match ord {
                        NormOrd::Default | NormOrd::Fro => 0.0,
                        _ => {
                            return Err(invalid(format!(
                                "zero-size array to reduction operation for norm order {ord:?} (shape {})",
                                ShapeDisplay::from(x.shape())
                            )))
                        }
                    }
                } else {
                    match &complex {
                        Some(c) => matrix_norm_c(&c[g * group..(g + 1) * group], m, n, ord),
                        None => matrix_norm(v, m, n, ord),
                    }
                    .map_err(|f| failure("norm", f, x.shape(), loc))?
                }
            } else {
                if v.is_empty() && matches!(ord, NormOrd::Inf | NormOrd::NegInf) {
                    return Err(Error::EmptyReduction {
                        op: "norm",
                        shape: ShapeDisplay::from(x.shape()),
                        location: loc,
                    });
                }
                vector_norm(v, ord)
            });
        }
        let oshape: Vec<usize> = if keepdims {
            shape
                .iter()
                .enumerate()
                .map(|(d, &s)| if axes.contains(&d) { 1 } else { s })
                .collect()
        } else {
            shape
                .iter()
                .enumerate()
                .filter(|(d, _)| !axes.contains(d))
                .map(|(_, &s)| s)
                .collect()
        };
        Ok(emit(out, oshape, dtype, loc))
    })();
    single(r, dtype, &[], loc)
}

/// `np.linalg.cond(x, p)`: the condition number of each matrix. `Default`, `P(2.0)` and
/// `P(-2.0)` use the singular values (any shape); the other orders `norm(x) * norm(inv(x))`
/// over square matrices, where a singular matrix gives `inf` (as NumPy, which turns the NaN of
/// a failed inverse into `inf` unless `x` itself holds NaN).
///
/// ```
/// use numcrane::{array, linalg};
/// let c = linalg::cond(&array([[2.0, 0.0], [0.0, 0.5]]), linalg::NormOrd::Default);
/// assert!((c.item::<f64>().unwrap() - 4.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn cond(x: &Array, p: NormOrd) -> Array {
    let loc = SourceLocation::caller();
    let dtype = result_dtype(x.dtype()).real_dtype();
    let r = (|| -> Result<Array> {
        stacked_2d("cond", x, loc)?;
        let nd = x.ndim();
        if x.shape()[nd - 1] == 0 || x.shape()[nd - 2] == 0 {
            return Err(Error::linalg(
                "cond",
                "cond is not defined on empty arrays",
                loc,
            ));
        }
        let sv = matches!(p, NormOrd::Default | NormOrd::P(2.0) | NormOrd::P(-2.0));
        if !sv {
            stacked_square("cond", x, loc)?;
            if let NormOrd::P(q) = p {
                if q != 1.0 && q != -1.0 {
                    return Err(Error::invalid(
                        "cond",
                        format!("Invalid norm order {q} for matrices"),
                        loc,
                    ));
                }
            }
        }
        // complex input: the complex matrices for the SVD, the inverse and the norms, and
        // their moduli in `st` (for the NaN test)
        let stc = if x.dtype().is_complex() {
            Some(read_c(x, loc)?)
        } else {
            None
        };
        let st = match &stc {
            Some(c) => Stack {
                batch: c.batch.clone(),
                m: c.m,
                n: c.n,
                data: Cow::Owned(c.data.iter().map(|z| z.norm()).collect()),
            },
            None => read(x, loc)?,
        };
        let mut out = Vec::with_capacity(st.count());
        for i in 0..st.count() {
            let a = st.mat(i);
            let mut c = if sv {
                let s = match &stc {
                    Some(c) => kern::svd_c(c.mat(i), st.m, st.n, false, false).map(|d| d.s),
                    None => kern::svd(a, st.m, st.n, false, false).map(|d| d.s),
                }
                .map_err(|f| failure("cond", f, x.shape(), loc))?;
                let (first, last) = (s[0], s[s.len() - 1]);
                if p == NormOrd::P(-2.0) {
                    last / first
                } else {
                    first / last
                }
            } else if let Some(cs) = &stc {
                // complex: 'nuc' needs the complex SVD of a and of its inverse (NaN when
                // singular, as NumPy's inv gufunc leaves it)
                let ca = cs.mat(i);
                let ai = match kern::inv_c(ca, st.n) {
                    Ok(ai) => ai,
                    Err(kern::Fail::Singular) => vec![C64::new(f64::NAN, f64::NAN); ca.len()],
                    Err(f) => return Err(failure("cond", f, x.shape(), loc)),
                };
                let nrm = |v: &[C64]| {
                    matrix_norm_c(v, st.n, st.n, p).map_err(|f| failure("cond", f, x.shape(), loc))
                };
                nrm(ca)? * nrm(&ai)?
            } else {
                let ai = match kern::inv(a, st.n) {
                    Ok(ai) => ai,
                    Err(kern::Fail::Singular) => vec![f64::NAN; a.len()],
                    Err(f) => return Err(failure("cond", f, x.shape(), loc)),
                };
                let nrm = |v: &[f64]| {
                    matrix_norm(v, st.n, st.n, p).map_err(|f| failure("cond", f, x.shape(), loc))
                };
                nrm(a)? * nrm(&ai)?
            };
            if c.is_nan() && !a.iter().any(|v| v.is_nan()) {
                c = f64::INFINITY;
            }
            out.push(c);
        }
        Ok(emit(out, st.batch.clone(), dtype, loc))
    })();
    single(r, dtype, &[], loc)
}

/// `np.linalg.multi_dot(arrays)`: the product of a chain of matrices in the cheapest order,
/// chosen by NumPy's dynamic programme (the scalar multiplications `p_i p_k p_j` summed); the
/// first array may be 1-D (a row) and the last 1-D (a column), and those dimensions are
/// dropped from the result, as NumPy does.
///
/// ```
/// use numcrane::{array, linalg, ones, DType};
/// let a = ones([10, 100], DType::F64);
/// let b = ones([100, 5], DType::F64);
/// let c = array([1.0, 2.0, 3.0, 4.0, 5.0]);
/// let r = linalg::multi_dot(&[&a, &b, &c]);
/// assert_eq!(r.shape(), &[10]);
/// assert_eq!(r.to_vec::<f64>().unwrap()[0], 1500.0);
/// ```
#[track_caller]
pub fn multi_dot(arrays: &[&Array]) -> Array {
    let loc = SourceLocation::caller();
    let n = arrays.len();
    if n < 2 {
        return failed(
            Error::invalid("multi_dot", "Expecting at least two arrays.", loc),
            DType::F64,
            vec![],
            loc,
        );
    }
    if n == 2 {
        return crate::dot(arrays[0], arrays[1]);
    }
    let (first_1d, last_1d) = (arrays[0].ndim() == 1, arrays[n - 1].ndim() == 1);
    let mut mats: Vec<Array> = arrays.iter().map(|&a| a.clone()).collect();
    if first_1d {
        let len = mats[0].shape()[0];
        mats[0] = mats[0].reshape_at(vec![1, len], loc);
    }
    if last_1d {
        let len = mats[n - 1].shape()[0];
        mats[n - 1] = mats[n - 1].reshape_at(vec![len, 1], loc);
    }
    if let Some((i, bad)) = mats.iter().enumerate().find(|(_, a)| a.ndim() != 2) {
        let dtype = mats
            .iter()
            .fold(mats[0].dtype(), |d, a| d.promote(a.dtype()));
        return failed(
            Error::linalg(
                "multi_dot",
                format!(
                    "{}-dimensional array given (array {i}, shape {}). Array must be two-dimensional",
                    bad.ndim(),
                    ShapeDisplay::from(bad.shape())
                ),
                loc,
            ),
            dtype,
            vec![],
            loc,
        );
    }
    let order = chain_order(&mats);
    let result = if n == 3 {
        let (a0, a1b0) = (mats[0].shape()[0], mats[0].shape()[1]);
        let (b1c0, c1) = (mats[2].shape()[0], mats[2].shape()[1]);
        let cost1 = a0 * b1c0 * (a1b0 + c1);
        let cost2 = a1b0 * c1 * (a0 + b1c0);
        if cost1 < cost2 {
            matmul(&matmul(&mats[0], &mats[1]), &mats[2])
        } else {
            matmul(&mats[0], &matmul(&mats[1], &mats[2]))
        }
    } else {
        chain_product(&mats, &order, 0, n - 1)
    };
    match (first_1d, last_1d) {
        (true, true) => result.reshape_at(vec![], loc),
        (true, false) | (false, true) => {
            let len = result.size();
            result.reshape_at(vec![len], loc)
        }
        (false, false) => result,
    }
}

/// NumPy's `_multi_dot_matrix_chain_order`: `s[i][j]` is where the cheapest product of
/// matrices `i..=j` splits (the first of equal costs wins, as NumPy's strict `<`).
fn chain_order(mats: &[Array]) -> Vec<Vec<usize>> {
    let n = mats.len();
    let mut p: Vec<f64> = mats.iter().map(|a| a.shape()[0] as f64).collect();
    p.push(mats[n - 1].shape()[1] as f64);
    let mut m = vec![vec![0.0f64; n]; n];
    let mut s = vec![vec![0usize; n]; n];
    for l in 1..n {
        for i in 0..n - l {
            let j = i + l;
            m[i][j] = f64::INFINITY;
            for k in i..j {
                let q = m[i][k] + m[k + 1][j] + p[i] * p[k + 1] * p[j + 1];
                if q < m[i][j] {
                    m[i][j] = q;
                    s[i][j] = k;
                }
            }
        }
    }
    s
}

/// The product of matrices `i..=j` in the order `s` gives (NumPy's `_multi_dot`).
#[track_caller]
fn chain_product(mats: &[Array], s: &[Vec<usize>], i: usize, j: usize) -> Array {
    if i == j {
        return mats[i].clone();
    }
    let k = s[i][j];
    let left = chain_product(mats, s, i, k);
    let right = chain_product(mats, s, k + 1, j);
    matmul(&left, &right)
}

/// `np.linalg.trace(x, offset)`: the sum of the diagonal `offset` of each matrix over the last
/// two axes (unlike `Array::trace`, which uses the first two, as `np.trace` does).
///
/// ```
/// use numcrane::{array, linalg};
/// let t = linalg::trace(&array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), 0);
/// assert_eq!(t.to_vec::<i64>().unwrap(), vec![5, 13]);
/// ```
#[track_caller]
pub fn trace(x: &Array, offset: isize) -> Array {
    let loc = SourceLocation::caller();
    if let Err(e) = stacked_2d("trace", x, loc) {
        return failed(e, x.dtype(), vec![], loc);
    }
    x.trace_with(offset, -2, -1)
}

/// `np.linalg.cross(a, b)`: the cross product of 3-element vectors along the last axis
/// (the other dimensions broadcast), in NumPy's order of operations
/// (`a1*b2 - a2*b1`, `a2*b0 - a0*b2`, `a0*b1 - a1*b0`), so results are bit-identical.
///
/// ```
/// use numcrane::{array, linalg};
/// let c = linalg::cross(&array([1.0, 0.0, 0.0]), &array([0.0, 1.0, 0.0]));
/// assert_eq!(c.to_vec::<f64>().unwrap(), vec![0.0, 0.0, 1.0]);
/// ```
#[track_caller]
pub fn cross(a: &Array, b: &Array) -> Array {
    let loc = SourceLocation::caller();
    let three = |x: &Array| x.ndim() >= 1 && x.shape()[x.ndim() - 1] == 3;
    if !three(a) || !three(b) {
        let dtype = a.dtype().promote(b.dtype());
        return failed(
            Error::invalid(
                "cross",
                format!(
                    "Both input arrays must be (arrays of) 3-dimensional vectors, but they are \
                     {} and {} dimensional instead (shapes {} and {})",
                    a.shape().last().copied().unwrap_or(0),
                    b.shape().last().copied().unwrap_or(0),
                    ShapeDisplay::from(a.shape()),
                    ShapeDisplay::from(b.shape())
                ),
                loc,
            ),
            dtype,
            vec![],
            loc,
        );
    }
    let part = |x: &Array, i: isize| {
        x.slice_at(&[crate::SliceArg::Ellipsis, crate::SliceArg::Index(i)], loc)
    };
    let (a0, a1, a2) = (part(a, 0), part(a, 1), part(a, 2));
    let (b0, b1, b2) = (part(b, 0), part(b, 1), part(b, 2));
    let c0 = &a1 * &b2 - &a2 * &b1;
    let c1 = &a2 * &b0 - &a0 * &b2;
    let c2 = &a0 * &b1 - &a1 * &b0;
    crate::stack(&[&c0, &c1, &c2], -1)
}
