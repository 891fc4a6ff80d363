//! Matrix products, and the `numpy.linalg` namespace (`numcrane::linalg::inv`, ...).
//!
//! Products with NumPy's semantics: `matmul`, `dot`, `vdot`, `inner`, `outer`, `tensordot`,
//! `kron`, `trace` (these are also at the crate root, as in NumPy's main namespace). The
//! decompositions and solvers of `numpy.linalg` (`det`, `inv`, `solve`, `svd`, `eigh`, `qr`,
//! `cholesky`, `norm`, ...) live in `linalg_decomp.rs` and are re-exported here.
//!
//! `matmul` builds one `Op::MatMul` node over stacks of matrices: 1-D operands are promoted to
//! a row (left) or a column (right) and the added dimension is removed from the result, batch
//! dimensions broadcast, dtypes promote as for `+` (bool stays bool: NumPy's bool matmul is
//! `any(a & b)`). The others are built from it and from views and element-wise ops, as NumPy
//! defines them. Every function is `#[track_caller]`, so nodes and errors point at the user's
//! line.

use crate::build;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::layout::broadcast_shapes;
use numcrane_graph::{Error, Op};

pub use crate::linalg_decomp::{
    cholesky, cond, cross, det, eig, eigh, eigvals, eigvalsh, inv, lstsq, matrix_power,
    matrix_rank, multi_dot, norm, pinv, pinv_rcond, qr, slogdet, solve, svd, svdvals, trace, Eig,
    Eigh, Lstsq, NormAxes, NormOrd, Qr, QrMode, RankTol, Slogdet, Svd, Uplo,
};

/// The matrix product of `a` and `b`, as NumPy's `np.matmul` / `a @ b`.
///
/// ```
/// use numcrane::{array, matmul};
/// let a = array([[1.0, 2.0], [3.0, 4.0]]);
/// let b = array([5.0, 6.0]);
/// assert_eq!(matmul(&a, &b).to_vec::<f64>().unwrap(), vec![17.0, 39.0]);
/// ```
#[track_caller]
pub fn matmul(a: &Array, b: &Array) -> Array {
    let loc = SourceLocation::caller();
    let dtype = a.dtype().promote(b.dtype());
    let (an, bn) = (a.ndim(), b.ndim());
    let fail = |message: String| {
        let shape = a.shape().to_vec();
        build::poison(
            Error::invalid("matmul", message, loc),
            Op::MatMul,
            &[a, b],
            dtype,
            shape,
            loc,
        )
    };
    if an == 0 || bn == 0 {
        let which = if an == 0 { 0 } else { 1 };
        return fail(format!(
            "input operand {which} does not have enough dimensions (a scalar; use multiply \
             or * for scalars)"
        ));
    }
    // 1-D operands: a row on the left, a column on the right.
    let a2 = if an == 1 {
        a.reshape_at(vec![1, a.shape()[0]], loc)
    } else {
        a.clone()
    };
    let b2 = if bn == 1 {
        b.reshape_at(vec![b.shape()[0], 1], loc)
    } else {
        b.clone()
    };
    let (ash, bsh) = (a2.shape().to_vec(), b2.shape().to_vec());
    let (m, k) = (ash[ash.len() - 2], ash[ash.len() - 1]);
    let (k2, n) = (bsh[bsh.len() - 2], bsh[bsh.len() - 1]);
    if k != k2 {
        return fail(format!(
            "input operand 1 has a mismatch in its core dimension 0 (size {k2} is different \
             from {k}): shapes {:?} and {:?}",
            a.shape(),
            b.shape()
        ));
    }
    let Some(batch) = broadcast_shapes(&ash[..ash.len() - 2], &bsh[..bsh.len() - 2]) else {
        return fail(format!(
            "operands could not be broadcast together in their batch dimensions: shapes {:?} \
             and {:?}",
            a.shape(),
            b.shape()
        ));
    };
    let with = |tail: [usize; 2]| -> Vec<usize> { batch.iter().copied().chain(tail).collect() };
    let mut out_shape = with([m, n]);
    if let Err(e) = build::check_size("matmul", &out_shape, loc) {
        return build::poison(e, Op::MatMul, &[a, b], dtype, out_shape, loc);
    }
    let a3 = build::broadcast(&build::cast(&a2, dtype, loc), &with([m, k]), loc);
    let b3 = build::broadcast(&build::cast(&b2, dtype, loc), &with([k, n]), loc);
    let product = build::node(Op::MatMul, &[&a3, &b3], dtype, out_shape.clone(), loc);
    // Drop the dimensions the 1-D operands were given.
    if bn == 1 {
        out_shape.pop();
    }
    if an == 1 {
        let at = out_shape.len() - usize::from(bn != 1) - 1;
        out_shape.remove(at);
    }
    product.reshape_at(out_shape, loc)
}

/// NumPy's `np.dot`: for 1-D and 2-D operands the matrix product, for N-D ones a sum over
/// the last axis of `a` and the second-to-last of `b` (the last of `b` when it is 1-D); a
/// scalar operand multiplies.
///
/// # Examples
///
/// ```
/// use numcrane::{array, dot};
/// let a = array([[1.0, 2.0], [3.0, 4.0]]);
/// let v = array([1.0, 1.0]);
/// assert_eq!(dot(&a, &v).to_vec::<f64>().unwrap(), vec![3.0, 7.0]);
/// assert_eq!(dot(&v, &v).item::<f64>().unwrap(), 2.0);
/// ```
#[track_caller]
pub fn dot(a: &Array, b: &Array) -> Array {
    if a.ndim() == 0 || b.ndim() == 0 {
        return a * b;
    }
    if a.ndim() <= 2 && b.ndim() <= 2 || b.ndim() == 1 {
        return matmul(a, b);
    }
    tensordot_axes(a, b, &[-1], &[-2])
}

/// NumPy's `np.vdot`: the dot product of the flattened operands, the first one conjugated
/// when it is complex (`sum(conj(a) * b)`).
///
/// # Examples
///
/// ```
/// use numcrane::{array, vdot, Complex64};
/// let a = array([[1.0, 2.0], [3.0, 4.0]]);
/// // Both are flattened: 1*1 + 2*2 + 3*3 + 4*4.
/// assert_eq!(vdot(&a, &a).item::<f64>().unwrap(), 30.0);
/// // conj(1+2j) * (1+2j) = |1+2j|^2
/// let z = array([Complex64::new(1.0, 2.0)]);
/// assert_eq!(vdot(&z, &z).item::<Complex64>().unwrap(), Complex64::new(5.0, 0.0));
/// ```
#[track_caller]
pub fn vdot(a: &Array, b: &Array) -> Array {
    let loc = SourceLocation::caller();
    if a.size() != b.size() {
        let dtype = a.dtype().promote(b.dtype());
        return build::poison(
            Error::invalid(
                "vdot",
                format!(
                    "vectors of different sizes: {} and {} elements (shapes {:?} and {:?})",
                    a.size(),
                    b.size(),
                    a.shape(),
                    b.shape()
                ),
                loc,
            ),
            Op::MatMul,
            &[a, b],
            dtype,
            vec![],
            loc,
        );
    }
    // conj is the array itself for real dtypes
    matmul(&crate::conj(a).ravel(), &b.ravel())
}

/// NumPy's `np.inner`: a sum over the last axes of `a` and `b`; a scalar operand multiplies.
///
/// # Examples
///
/// ```
/// use numcrane::{array, inner};
/// let a = array([[1, 2], [3, 4]]);
/// let b = array([10, 1]);
/// assert_eq!(inner(&a, &b).to_vec::<i32>().unwrap(), vec![12, 34]);
/// ```
#[track_caller]
pub fn inner(a: &Array, b: &Array) -> Array {
    if a.ndim() == 0 || b.ndim() == 0 {
        return a * b;
    }
    tensordot_axes(a, b, &[-1], &[-1])
}

/// NumPy's `np.outer`: `out[i, j] = a.ravel()[i] * b.ravel()[j]`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, outer};
/// let o = outer(&array([1, 2, 3]), &array([1, 10]));
/// assert_eq!(o.shape(), &[3, 2]);
/// assert_eq!(o.to_vec::<i32>().unwrap(), vec![1, 10, 2, 20, 3, 30]);
/// ```
#[track_caller]
pub fn outer(a: &Array, b: &Array) -> Array {
    let a = a.ravel();
    let b = b.ravel();
    let (m, n) = (a.size() as isize, b.size() as isize);
    a.reshape([m, 1]) * b.reshape([1, n])
}

/// NumPy's `np.tensordot(a, b, axes=n)`: a sum over the last `n` axes of `a` and the first
/// `n` of `b`.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, ones, tensordot, DType};
/// let a = arange(0.0, 24.0, 1.0).reshape([2, 3, 4]);
/// let b = ones([3, 4, 5], DType::F64);
/// let c = tensordot(&a, &b, 2);
/// assert_eq!(c.shape(), &[2, 5]);
/// // Row 0 sums 0..12, row 1 sums 12..24.
/// assert_eq!(c.to_vec::<f64>().unwrap()[0], 66.0);
/// assert_eq!(c.to_vec::<f64>().unwrap()[5], 210.0);
/// ```
#[track_caller]
pub fn tensordot(a: &Array, b: &Array, n: usize) -> Array {
    let an = a.ndim() as isize;
    let n = n as isize;
    let a_axes: Vec<isize> = (an - n..an).collect();
    let b_axes: Vec<isize> = (0..n).collect();
    tensordot_axes(a, b, &a_axes, &b_axes)
}

/// NumPy's `np.tensordot(a, b, axes=(a_axes, b_axes))`: a sum over `a_axes` of `a` paired
/// with `b_axes` of `b` (negative axes count from the end); the result has `a`'s other axes,
/// then `b`'s. Lowered to one matrix product of `a` and `b` seen as matrices.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, ones, tensordot_axes, DType};
/// let a = arange(0.0, 6.0, 1.0).reshape([2, 3]);
/// let b = ones([3, 4], DType::F64);
/// // Sum over a's axis 1 and b's axis 0: the matrix product.
/// let c = tensordot_axes(&a, &b, &[1], &[0]);
/// assert_eq!(c.shape(), &[2, 4]);
/// assert_eq!(c.to_vec::<f64>().unwrap(), vec![3.0, 3.0, 3.0, 3.0, 12.0, 12.0, 12.0, 12.0]);
/// ```
#[track_caller]
pub fn tensordot_axes(a: &Array, b: &Array, a_axes: &[isize], b_axes: &[isize]) -> Array {
    let loc = SourceLocation::caller();
    let dtype = a.dtype().promote(b.dtype());
    let fail = |message: String| {
        build::poison(
            Error::invalid("tensordot", message, loc),
            Op::MatMul,
            &[a, b],
            dtype,
            vec![],
            loc,
        )
    };
    let normalize = |axes: &[isize], nd: usize| -> Option<Vec<usize>> {
        let mut out = Vec::with_capacity(axes.len());
        for &ax in axes {
            let ax = if ax < 0 { ax + nd as isize } else { ax };
            if ax < 0 || ax >= nd as isize || out.contains(&(ax as usize)) {
                return None;
            }
            out.push(ax as usize);
        }
        Some(out)
    };
    let (Some(sa), Some(sb)) = (normalize(a_axes, a.ndim()), normalize(b_axes, b.ndim())) else {
        return fail(format!(
            "axes {a_axes:?} and {b_axes:?} are not distinct axes of shapes {:?} and {:?}",
            a.shape(),
            b.shape()
        ));
    };
    if sa.len() != sb.len()
        || sa
            .iter()
            .zip(&sb)
            .any(|(&i, &j)| a.shape()[i] != b.shape()[j])
    {
        return fail(format!(
            "shape-mismatch for sum: axes {a_axes:?} of shape {:?} and {b_axes:?} of shape {:?}",
            a.shape(),
            b.shape()
        ));
    }
    let free_a: Vec<usize> = (0..a.ndim()).filter(|d| !sa.contains(d)).collect();
    let free_b: Vec<usize> = (0..b.ndim()).filter(|d| !sb.contains(d)).collect();
    let size = |x: &Array, dims: &[usize]| dims.iter().map(|&d| x.shape()[d]).product::<usize>();
    let (m, k, n) = (size(a, &free_a), size(a, &sa), size(b, &free_b));
    let a_perm: Vec<usize> = free_a.iter().chain(&sa).copied().collect();
    let b_perm: Vec<usize> = sb.iter().chain(&free_b).copied().collect();
    let am = a.permute_at(a_perm, loc).reshape_at(vec![m, k], loc);
    let bm = b.permute_at(b_perm, loc).reshape_at(vec![k, n], loc);
    let shape: Vec<usize> = free_a
        .iter()
        .map(|&d| a.shape()[d])
        .chain(free_b.iter().map(|&d| b.shape()[d]))
        .collect();
    matmul(&am, &bm).reshape_at(shape, loc)
}

/// NumPy's `np.kron`: the Kronecker product (blocks `a[i, j] * b`), for operands of any
/// number of dimensions (the one with fewer gets leading 1s).
///
/// # Examples
///
/// ```
/// use numcrane::{array, kron};
/// let k = kron(&array([[1, 2]]), &array([[1, 1], [1, 1]]));
/// assert_eq!(k.shape(), &[2, 4]);
/// assert_eq!(k.to_vec::<i32>().unwrap(), vec![1, 1, 2, 2, 1, 1, 2, 2]);
/// ```
#[track_caller]
pub fn kron(a: &Array, b: &Array) -> Array {
    let loc = SourceLocation::caller();
    let nd = a.ndim().max(b.ndim());
    let pad = |x: &Array| -> Vec<usize> {
        std::iter::repeat_n(1, nd - x.ndim())
            .chain(x.shape().iter().copied())
            .collect()
    };
    let (sa, sb) = (pad(a), pad(b));
    // a as [a0, 1, a1, 1, ...] times b as [1, b0, 1, b1, ...], then merged pairwise.
    let spread_a: Vec<usize> = sa.iter().flat_map(|&d| [d, 1]).collect();
    let spread_b: Vec<usize> = sb.iter().flat_map(|&d| [1, d]).collect();
    let product = a.reshape_at(spread_a, loc) * b.reshape_at(spread_b, loc);
    let shape: Vec<usize> = sa.iter().zip(&sb).map(|(x, y)| x * y).collect();
    product.reshape_at(shape, loc)
}

impl Array {
    /// `self @ other`: see [`matmul`].
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1.0, 2.0], [3.0, 4.0]]);
    /// let i = array([[1.0, 0.0], [0.0, 1.0]]);
    /// assert_eq!(a.matmul(&i).to_vec::<f64>().unwrap(), vec![1.0, 2.0, 3.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn matmul(&self, other: &Array) -> Array {
        matmul(self, other)
    }

    /// `np.dot(self, other)`: see [`dot`].
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, 2.0, 3.0]);
    /// assert_eq!(a.dot(&a).item::<f64>().unwrap(), 14.0);
    /// ```
    #[track_caller]
    pub fn dot(&self, other: &Array) -> Array {
        dot(self, other)
    }

    /// The sum of the main diagonal (of the first two axes), as NumPy's `a.trace()`: ints
    /// sum in int64 (uint64 for unsigned), bools count.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// assert_eq!(array([[1, 2], [3, 4]]).trace().item::<i64>().unwrap(), 5);
    /// ```
    #[track_caller]
    pub fn trace(&self) -> Array {
        self.trace_with(0, 0, 1)
    }

    /// NumPy's `a.trace(offset, axis1, axis2)`: the sum of the diagonal `offset` of the
    /// plane `axis1`, `axis2`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    /// assert_eq!(a.trace_with(1, 0, 1).item::<i64>().unwrap(), 8);
    /// assert_eq!(a.trace_with(-1, 0, 1).item::<i64>().unwrap(), 12);
    /// ```
    #[track_caller]
    pub fn trace_with(&self, offset: isize, axis1: isize, axis2: isize) -> Array {
        self.diagonal_axes(offset, axis1, axis2).sum(-1)
    }
}
