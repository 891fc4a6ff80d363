//! Array creation with NumPy's names: array, zeros, ones, full, empty, *_like, arange,
//! linspace, logspace, eye, identity, diag, tril, triu, meshgrid.
//!
//! Constants and ranges are lazy graph sources (`Full`, `Arange`) that a fused backend can
//! compute inside its loops instead of reading a buffer; linspace, eye, tri* and diag are
//! composites of them so fusion sees through them.
//! Rust's element type decides the dtype: `array([1, 2])` is int32 (Rust's default integer),
//! `array([1.0, 2.0])` float64.

use crate::build;
use crate::operand::Operand;
use crate::{Array, IntoShape};
use numcrane_graph::error::SourceLocation;
use numcrane_graph::layout::checked_size;
use numcrane_graph::{BinaryOp, DType, Element, Error, Op, Scalar, ViewOp};

/// Nested Rust data that forms a rectangular array: scalars, `[T; N]`, `Vec<T>`, `&[T]`, nested.
///
/// # Examples
///
/// ```
/// use numcrane::{array, NestedData};
/// let rows = vec![vec![1, 2, 3], vec![4, 5, 6]];
/// assert_eq!(rows.data_shape(), vec![2, 3]);
/// assert_eq!(array(rows).shape(), &[2, 3]);
/// // A ragged nest is an error when evaluated.
/// assert!(array(vec![vec![1, 2], vec![3]]).eval().is_err());
/// ```
pub trait NestedData {
    /// The element type.
    type Elem: Element;
    /// The shape of this value (from the first element at each level).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::NestedData;
    /// assert_eq!([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].data_shape(), vec![3, 2]);
    /// assert_eq!(7i32.data_shape(), Vec::<usize>::new());
    /// ```
    fn data_shape(&self) -> Vec<usize>;
    /// Appends the elements in row-major order; false if some level is ragged.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::NestedData;
    /// let mut out = Vec::new();
    /// assert!([[1, 2], [3, 4]].flatten_into(&[2, 2], &mut out));
    /// assert_eq!(out, vec![1, 2, 3, 4]);
    /// let mut out = Vec::new();
    /// assert!(!vec![vec![1, 2], vec![3]].flatten_into(&[2, 2], &mut out));
    /// ```
    fn flatten_into(&self, shape: &[usize], out: &mut Vec<Self::Elem>) -> bool;
}

macro_rules! nested_scalar {
    ($($t:ty),*) => { $(
        impl NestedData for $t {
            type Elem = $t;
            fn data_shape(&self) -> Vec<usize> { vec![] }
            fn flatten_into(&self, shape: &[usize], out: &mut Vec<$t>) -> bool {
                out.push(*self);
                shape.is_empty()
            }
        }
    )* };
}
nested_scalar!(bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);
nested_scalar!(numcrane_graph::Complex32, numcrane_graph::Complex64);

fn slice_shape<A: NestedData>(items: &[A]) -> Vec<usize> {
    let mut shape = vec![items.len()];
    if let Some(first) = items.first() {
        shape.extend(first.data_shape());
    }
    shape
}

fn slice_flatten<A: NestedData>(items: &[A], shape: &[usize], out: &mut Vec<A::Elem>) -> bool {
    match shape.split_first() {
        Some((&n, rest)) if n == items.len() => items.iter().all(|x| x.flatten_into(rest, out)),
        _ => false,
    }
}

impl<A: NestedData, const N: usize> NestedData for [A; N] {
    type Elem = A::Elem;
    fn data_shape(&self) -> Vec<usize> {
        slice_shape(self)
    }
    fn flatten_into(&self, shape: &[usize], out: &mut Vec<A::Elem>) -> bool {
        slice_flatten(self, shape, out)
    }
}

impl<A: NestedData> NestedData for Vec<A> {
    type Elem = A::Elem;
    fn data_shape(&self) -> Vec<usize> {
        slice_shape(self)
    }
    fn flatten_into(&self, shape: &[usize], out: &mut Vec<A::Elem>) -> bool {
        slice_flatten(self, shape, out)
    }
}

impl<A: NestedData> NestedData for &[A] {
    type Elem = A::Elem;
    fn data_shape(&self) -> Vec<usize> {
        slice_shape(self)
    }
    fn flatten_into(&self, shape: &[usize], out: &mut Vec<A::Elem>) -> bool {
        slice_flatten(self, shape, out)
    }
}

/// An array from nested Rust data (NumPy's `np.array`); ragged data gives an error at eval.
///
/// ```
/// let a = numcrane::array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
/// assert_eq!(a.shape(), &[2, 3]);
/// assert_eq!(a.dtype(), numcrane::DType::F64);
/// ```
#[track_caller]
pub fn array<D: NestedData>(data: D) -> Array {
    let loc = SourceLocation::caller();
    let shape = data.data_shape();
    let mut values = Vec::with_capacity(checked_size(&shape).unwrap_or(0));
    if !data.flatten_into(&shape, &mut values) {
        let err = Error::invalid(
            "array",
            format!("the nested data is ragged: it is not a rectangular array of shape {shape:?}"),
            loc,
        );
        return build::poison(err, Op::Leaf, &[], <D::Elem as Element>::DTYPE, shape, loc);
    }
    Array::from_vec(values, shape)
}

/// `np.asarray`: the array itself (arrays are immutable, so no copy is ever needed).
///
/// # Examples
///
/// ```
/// use numcrane::{array, asarray};
/// let a = array([1, 2, 3]);
/// let b = asarray(&a);
/// assert_eq!(b.to_vec::<i32>().unwrap(), vec![1, 2, 3]);
/// ```
pub fn asarray(a: &Array) -> Array {
    a.clone()
}

fn full_at(op: &'static str, shape: Vec<usize>, value: Scalar, loc: SourceLocation) -> Array {
    match build::check_size(op, &shape, loc) {
        Ok(()) => build::full(shape, value, loc),
        Err(e) => build::poison(e, Op::Full(value), &[], value.dtype(), vec![0], loc),
    }
}

/// An array of zeros.
///
/// # Examples
///
/// ```
/// use numcrane::{zeros, DType};
/// let z = zeros([2, 3], DType::F32);
/// assert_eq!((z.shape(), z.dtype()), (&[2usize, 3][..], DType::F32));
/// assert_eq!(z.to_vec::<f32>().unwrap(), vec![0.0; 6]);
/// ```
#[track_caller]
pub fn zeros(shape: impl IntoShape, dtype: DType) -> Array {
    full_at(
        "zeros",
        shape.into_shape(),
        Scalar::Bool(false).cast(dtype),
        SourceLocation::caller(),
    )
}

/// An array of ones.
///
/// # Examples
///
/// ```
/// use numcrane::{ones, DType};
/// let o = ones(3, DType::I64);
/// assert_eq!(o.to_vec::<i64>().unwrap(), vec![1, 1, 1]);
/// ```
#[track_caller]
pub fn ones(shape: impl IntoShape, dtype: DType) -> Array {
    full_at(
        "ones",
        shape.into_shape(),
        Scalar::Bool(true).cast(dtype),
        SourceLocation::caller(),
    )
}

/// NumPy's `empty`: numcrane has no uninitialised arrays, so this is `zeros`.
///
/// # Examples
///
/// ```
/// use numcrane::{empty, DType};
/// let e = empty([2, 2], DType::F64);
/// assert_eq!(e.shape(), &[2, 2]);
/// assert_eq!(e.to_vec::<f64>().unwrap(), vec![0.0; 4]);
/// ```
#[track_caller]
pub fn empty(shape: impl IntoShape, dtype: DType) -> Array {
    full_at(
        "empty",
        shape.into_shape(),
        Scalar::Bool(false).cast(dtype),
        SourceLocation::caller(),
    )
}

/// An array with every element `value`; the dtype is `value`'s Rust type.
///
/// # Examples
///
/// ```
/// use numcrane::{full, DType};
/// let f = full([2, 2], 7u8);
/// assert_eq!(f.dtype(), DType::U8);
/// assert_eq!(f.to_vec::<u8>().unwrap(), vec![7; 4]);
/// ```
#[track_caller]
pub fn full<T: Element>(shape: impl IntoShape, value: T) -> Array {
    full_at(
        "full",
        shape.into_shape(),
        value.to_scalar(),
        SourceLocation::caller(),
    )
}

/// Zeros with the shape and dtype of `a`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, zeros_like, DType};
/// let z = zeros_like(&array([[1.5f32, 2.5]]));
/// assert_eq!((z.shape(), z.dtype()), (&[1usize, 2][..], DType::F32));
/// assert_eq!(z.to_vec::<f32>().unwrap(), vec![0.0, 0.0]);
/// ```
#[track_caller]
pub fn zeros_like(a: &Array) -> Array {
    zeros(a.shape(), a.dtype())
}

/// Ones with the shape and dtype of `a`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, ones_like};
/// let o = ones_like(&array([4, 5, 6]));
/// assert_eq!(o.to_vec::<i32>().unwrap(), vec![1, 1, 1]);
/// ```
#[track_caller]
pub fn ones_like(a: &Array) -> Array {
    ones(a.shape(), a.dtype())
}

/// `empty` with the shape and dtype of `a` (zeros).
///
/// # Examples
///
/// ```
/// use numcrane::{array, empty_like};
/// let e = empty_like(&array([[1.0, 2.0]]));
/// assert_eq!(e.shape(), &[1, 2]);
/// assert_eq!(e.to_vec::<f64>().unwrap(), vec![0.0, 0.0]);
/// ```
#[track_caller]
pub fn empty_like(a: &Array) -> Array {
    zeros(a.shape(), a.dtype())
}

/// `value` (cast to `a`'s dtype) with the shape of `a`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, full_like};
/// // 2.7 is cast to the int32 dtype of the model array.
/// let f = full_like(&array([1, 2, 3]), 2.7);
/// assert_eq!(f.to_vec::<i32>().unwrap(), vec![2, 2, 2]);
/// ```
#[track_caller]
pub fn full_like<T: Element>(a: &Array, value: T) -> Array {
    full_at(
        "full_like",
        a.shape().to_vec(),
        value.to_scalar().cast(a.dtype()),
        SourceLocation::caller(),
    )
}

/// Evenly spaced values in `[start, stop)` (NumPy's `arange`); the dtype is `T`'s.
/// NumPy's one-argument `arange(n)` is `arange(0, n, 1)`.
///
/// ```
/// let a = numcrane::arange(0.0, 1.0, 0.25);
/// assert_eq!(a.to_vec::<f64>().unwrap(), vec![0.0, 0.25, 0.5, 0.75]);
/// ```
#[track_caller]
pub fn arange<T: Element>(start: T, stop: T, step: T) -> Array {
    arange_at(
        start.to_scalar(),
        stop.to_scalar(),
        step.to_scalar(),
        SourceLocation::caller(),
    )
}

fn arange_at(start: Scalar, stop: Scalar, step: Scalar, loc: SourceLocation) -> Array {
    let dtype = start.dtype();
    let op = Op::Arange { start, step };
    let len: Result<usize, Error> = match (start.as_i128(), stop.as_i128(), step.as_i128()) {
        _ if dtype.is_bool() => Err(Error::dtype("arange", dtype, loc)),
        (Some(_), Some(_), Some(0)) => Err(Error::invalid(
            "arange",
            "Maximum allowed size exceeded (step is zero)",
            loc,
        )),
        (Some(a), Some(b), Some(d)) => {
            let n = if d > 0 {
                (b - a + d - 1).div_euclid(d)
            } else {
                (a - b - d - 1).div_euclid(-d)
            };
            usize::try_from(n.max(0))
                .map_err(|_| Error::invalid("arange", "too many elements", loc))
        }
        _ => {
            let (a, b, d) = (start.as_f64(), stop.as_f64(), step.as_f64());
            let n = ((b - a) / d).ceil();
            if d == 0.0 || !n.is_finite() {
                Err(Error::invalid(
                    "arange",
                    format!("cannot compute length of arange({a}, {b}, {d})"),
                    loc,
                ))
            } else if n > isize::MAX as f64 {
                Err(Error::invalid("arange", "too many elements", loc))
            } else {
                Ok(n.max(0.0) as usize)
            }
        }
    };
    match len {
        Ok(n) => build::node(op, &[], dtype, vec![n], loc),
        Err(e) => build::poison(e, op, &[], dtype, vec![0], loc),
    }
}

/// `num` evenly spaced float64 values from `start` to `stop` inclusive (NumPy's `linspace`).
///
/// # Examples
///
/// ```
/// use numcrane::linspace;
/// assert_eq!(linspace(0.0, 1.0, 5).to_vec::<f64>().unwrap(), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
/// ```
#[track_caller]
pub fn linspace(start: f64, stop: f64, num: usize) -> Array {
    linspace_at(start, stop, num, true, SourceLocation::caller()).0
}

/// `linspace` with `endpoint` (false: `stop` excluded); also returns the step (NumPy's
/// `retstep=True`; NaN when there is no step).
///
/// # Examples
///
/// ```
/// use numcrane::linspace_with;
/// let (x, step) = linspace_with(0.0, 1.0, 4, false);
/// assert_eq!(x.to_vec::<f64>().unwrap(), vec![0.0, 0.25, 0.5, 0.75]);
/// assert_eq!(step, 0.25);
/// ```
#[track_caller]
pub fn linspace_with(start: f64, stop: f64, num: usize, endpoint: bool) -> (Array, f64) {
    linspace_at(start, stop, num, endpoint, SourceLocation::caller())
}

/// NumPy's algorithm: `iota * step + start` (or `iota / div * delta` when the step underflows
/// to 0), with the last value set to `stop` exactly.
fn linspace_at(
    start: f64,
    stop: f64,
    num: usize,
    endpoint: bool,
    loc: SourceLocation,
) -> (Array, f64) {
    let div = if endpoint { num.saturating_sub(1) } else { num };
    let delta = stop - start;
    let iota = arange_at(
        Scalar::F64(0.0),
        Scalar::F64(num as f64),
        Scalar::F64(1.0),
        loc,
    );
    let w = |v: f64| Operand::Weak(Scalar::F64(v));
    let mul = |x: Array, v: f64| build::binary(BinaryOp::Mul, Operand::Array(x), w(v), loc);
    let (y, step) = if div > 0 {
        let step = delta / div as f64;
        if step == 0.0 {
            let scaled = build::binary(
                BinaryOp::Div,
                Operand::Array(iota.clone()),
                w(div as f64),
                loc,
            );
            (mul(scaled, delta), step)
        } else {
            (mul(iota.clone(), step), step)
        }
    } else {
        (mul(iota.clone(), delta), f64::NAN)
    };
    let mut y = build::binary(BinaryOp::Add, Operand::Array(y), w(start), loc);
    if endpoint && num > 1 {
        let last = build::binary(BinaryOp::Eq, Operand::Array(iota), w((num - 1) as f64), loc);
        y = build::select(Operand::Array(last), w(stop), Operand::Array(y), loc);
    }
    (y, step)
}

/// `10 ** linspace(start, stop, num)` (NumPy's `logspace` with base 10).
///
/// # Examples
///
/// ```
/// use numcrane::logspace;
/// let y = logspace(0.0, 3.0, 4).to_vec::<f64>().unwrap();
/// for (v, e) in y.iter().zip([1.0, 10.0, 100.0, 1000.0]) {
///     assert!((v - e).abs() < 1e-9 * e);
/// }
/// ```
#[track_caller]
pub fn logspace(start: f64, stop: f64, num: usize) -> Array {
    logspace_at(start, stop, num, true, 10.0, SourceLocation::caller())
}

/// `base ** linspace(start, stop, num)`.
///
/// # Examples
///
/// ```
/// use numcrane::logspace_base;
/// let y = logspace_base(0.0, 4.0, 5, 2.0).to_vec::<f64>().unwrap();
/// for (v, e) in y.iter().zip([1.0, 2.0, 4.0, 8.0, 16.0]) {
///     assert!((v - e).abs() < 1e-12 * e);
/// }
/// ```
#[track_caller]
pub fn logspace_base(start: f64, stop: f64, num: usize, base: f64) -> Array {
    logspace_at(start, stop, num, true, base, SourceLocation::caller())
}

/// `base ** linspace(start, stop, num, endpoint)` (NumPy's `logspace` with every option).
///
/// # Examples
///
/// ```
/// use numcrane::logspace_with;
/// let y = logspace_with(0.0, 3.0, 3, false, 10.0).to_vec::<f64>().unwrap();
/// for (v, e) in y.iter().zip([1.0, 10.0, 100.0]) {
///     assert!((v - e).abs() < 1e-9 * e);
/// }
/// ```
#[track_caller]
pub fn logspace_with(start: f64, stop: f64, num: usize, endpoint: bool, base: f64) -> Array {
    logspace_at(start, stop, num, endpoint, base, SourceLocation::caller())
}

fn logspace_at(
    start: f64,
    stop: f64,
    num: usize,
    endpoint: bool,
    base: f64,
    loc: SourceLocation,
) -> Array {
    let y = linspace_at(start, stop, num, endpoint, loc).0;
    build::binary(
        BinaryOp::Pow,
        Operand::Weak(Scalar::F64(base)),
        Operand::Array(y),
        loc,
    )
}

/// `num` float64 values evenly spaced on a log scale from `start` to `stop` inclusive
/// (NumPy's `geomspace`); both ends must be nonzero and of the same sign.
///
/// # Examples
///
/// ```
/// use numcrane::geomspace;
/// let y = geomspace(1.0, 1000.0, 4).to_vec::<f64>().unwrap();
/// for (v, e) in y.iter().zip([1.0, 10.0, 100.0, 1000.0]) {
///     assert!((v - e).abs() < 1e-9 * e);
/// }
/// assert!(geomspace(0.0, 1.0, 3).eval().is_err());
/// ```
#[track_caller]
pub fn geomspace(start: f64, stop: f64, num: usize) -> Array {
    geomspace_at(start, stop, num, true, SourceLocation::caller())
}

/// `geomspace` with `endpoint` (false: `stop` excluded).
///
/// # Examples
///
/// ```
/// use numcrane::geomspace_with;
/// let y = geomspace_with(1.0, 16.0, 4, false).to_vec::<f64>().unwrap();
/// for (v, e) in y.iter().zip([1.0, 2.0, 4.0, 8.0]) {
///     assert!((v - e).abs() < 1e-12 * e);
/// }
/// ```
#[track_caller]
pub fn geomspace_with(start: f64, stop: f64, num: usize, endpoint: bool) -> Array {
    geomspace_at(start, stop, num, endpoint, SourceLocation::caller())
}

/// NumPy's algorithm: logspace between the base-10 logs of |start| and |stop|, with the
/// first (and last, with endpoint) values set exactly, times the common sign.
fn geomspace_at(start: f64, stop: f64, num: usize, endpoint: bool, loc: SourceLocation) -> Array {
    if start == 0.0 || stop == 0.0 || (start < 0.0) != (stop < 0.0) {
        let e = Error::invalid(
            "geomspace",
            format!(
                "geometric sequence cannot include zero or change sign: start {start}, stop {stop}"
            ),
            loc,
        );
        let op = Op::Arange {
            start: Scalar::F64(start),
            step: Scalar::F64(stop),
        };
        return build::poison(e, op, &[], DType::F64, vec![num], loc);
    }
    let sign = if start < 0.0 { -1.0 } else { 1.0 };
    let (start, stop) = (start * sign, stop * sign);
    let w = |v: f64| Operand::Weak(Scalar::F64(v));
    let mut y = logspace_at(start.log10(), stop.log10(), num, endpoint, 10.0, loc);
    let iota = arange_at(Scalar::I64(0), Scalar::I64(num as i64), Scalar::I64(1), loc);
    let index_is = |i: usize| {
        build::binary(
            BinaryOp::Eq,
            Operand::Array(iota.clone()),
            Operand::Weak(Scalar::I64(i as i64)),
            loc,
        )
    };
    if num > 0 {
        y = build::select(
            Operand::Array(index_is(0)),
            w(start),
            Operand::Array(y),
            loc,
        );
    }
    if num > 1 && endpoint {
        y = build::select(
            Operand::Array(index_is(num - 1)),
            w(stop),
            Operand::Array(y),
            loc,
        );
    }
    build::binary(BinaryOp::Mul, Operand::Array(y), w(sign), loc)
}

/// An array whose element at index `(i, j, ...)` is `f(i, j, ...)` (NumPy's `fromfunction`):
/// `f` receives one float64 coordinate array per axis, each of `shape`, and returns the array.
///
/// ```
/// let m = numcrane::fromfunction([2, 3], |ix| &ix[0] * 10.0 + &ix[1]);
/// assert_eq!(m.to_vec::<f64>().unwrap(), vec![0.0, 1.0, 2.0, 10.0, 11.0, 12.0]);
/// ```
#[track_caller]
pub fn fromfunction(shape: impl IntoShape, f: impl FnOnce(&[Array]) -> Array) -> Array {
    let loc = SourceLocation::caller();
    let shape = shape.into_shape();
    let axes: Vec<Array> = shape
        .iter()
        .map(|&n| {
            arange_at(
                Scalar::F64(0.0),
                Scalar::F64(n as f64),
                Scalar::F64(1.0),
                loc,
            )
        })
        .collect();
    let refs: Vec<&Array> = axes.iter().collect();
    f(&meshgrid_at(&refs, Indexing::Ij, loc))
}

/// Column index minus row index over an `n x m` grid (int64), the basis of eye and tri*.
fn diagonal_offsets(n: usize, m: usize, loc: SourceLocation) -> Array {
    let rows = arange_at(Scalar::I64(0), Scalar::I64(n as i64), Scalar::I64(1), loc)
        .reshape_at(vec![n, 1], loc);
    let cols = arange_at(Scalar::I64(0), Scalar::I64(m as i64), Scalar::I64(1), loc)
        .reshape_at(vec![1, m], loc);
    build::binary(
        BinaryOp::Sub,
        Operand::Array(cols),
        Operand::Array(rows),
        loc,
    )
}

/// The `n x n` identity matrix.
///
/// # Examples
///
/// ```
/// use numcrane::{identity, DType};
/// let i = identity(2, DType::I32);
/// assert_eq!(i.to_vec::<i32>().unwrap(), vec![1, 0, 0, 1]);
/// ```
#[track_caller]
pub fn identity(n: usize, dtype: DType) -> Array {
    eye_at(n, n, 0, dtype, SourceLocation::caller())
}

/// The `n x n` identity matrix (NumPy's `eye(n)`).
///
/// # Examples
///
/// ```
/// use numcrane::{eye, DType};
/// let i = eye(3, DType::F64);
/// assert_eq!(i.shape(), &[3, 3]);
/// assert_eq!(i.trace().item::<f64>().unwrap(), 3.0);
/// ```
#[track_caller]
pub fn eye(n: usize, dtype: DType) -> Array {
    eye_at(n, n, 0, dtype, SourceLocation::caller())
}

/// An `n x m` matrix with ones on the `k`-th diagonal (NumPy's `eye(n, m, k)`).
///
/// # Examples
///
/// ```
/// use numcrane::{eye_k, DType};
/// let e = eye_k(2, 3, 1, DType::I32);
/// assert_eq!(e.to_vec::<i32>().unwrap(), vec![0, 1, 0, 0, 0, 1]);
/// ```
#[track_caller]
pub fn eye_k(n: usize, m: usize, k: isize, dtype: DType) -> Array {
    eye_at(n, m, k, dtype, SourceLocation::caller())
}

fn eye_at(n: usize, m: usize, k: isize, dtype: DType, loc: SourceLocation) -> Array {
    build::cast(&diagonal_mask(n, m, BinaryOp::Eq, k, loc), dtype, loc)
}

/// An `n x m` matrix with ones at and below the `k`-th diagonal (NumPy's `tri`).
///
/// # Examples
///
/// ```
/// use numcrane::{tri, DType};
/// let t = tri(3, 3, 0, DType::I32);
/// assert_eq!(t.to_vec::<i32>().unwrap(), vec![1, 0, 0, 1, 1, 0, 1, 1, 1]);
/// ```
#[track_caller]
pub fn tri(n: usize, m: usize, k: isize, dtype: DType) -> Array {
    let loc = SourceLocation::caller();
    build::cast(&diagonal_mask(n, m, BinaryOp::Le, k, loc), dtype, loc)
}

/// `cmp(col - row, k)` over an `n x m` grid: the bool mask of eye (Eq), tri/tril (Le) and
/// triu (Ge).
fn diagonal_mask(n: usize, m: usize, cmp: BinaryOp, k: isize, loc: SourceLocation) -> Array {
    let offsets = diagonal_offsets(n, m, loc);
    build::binary(
        cmp,
        Operand::Array(offsets),
        Operand::Weak(Scalar::I64(k as i64)),
        loc,
    )
}

/// Lower triangle of the last two axes: elements with `col - row <= k` kept, others zero
/// (a 1-d input of length n gives an n x n matrix, as in NumPy).
///
/// # Examples
///
/// ```
/// use numcrane::{array, tril};
/// let m = array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
/// assert_eq!(tril(&m, 0).to_vec::<i32>().unwrap(), vec![1, 0, 0, 4, 5, 0, 7, 8, 9]);
/// assert_eq!(tril(&m, -1).to_vec::<i32>().unwrap(), vec![0, 0, 0, 4, 0, 0, 7, 8, 0]);
/// ```
#[track_caller]
pub fn tril(m: &Array, k: isize) -> Array {
    triangle(m, k, BinaryOp::Le, "tril", SourceLocation::caller())
}

/// Upper triangle of the last two axes: elements with `col - row >= k` kept, others zero
/// (a 1-d input of length n gives an n x n matrix, as in NumPy).
///
/// # Examples
///
/// ```
/// use numcrane::{array, triu};
/// let m = array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
/// assert_eq!(triu(&m, 0).to_vec::<i32>().unwrap(), vec![1, 2, 3, 0, 5, 6, 0, 0, 9]);
/// assert_eq!(triu(&m, 1).to_vec::<i32>().unwrap(), vec![0, 2, 3, 0, 0, 6, 0, 0, 0]);
/// ```
#[track_caller]
pub fn triu(m: &Array, k: isize) -> Array {
    triangle(m, k, BinaryOp::Ge, "triu", SourceLocation::caller())
}

fn triangle(m: &Array, k: isize, cmp: BinaryOp, op: &'static str, loc: SourceLocation) -> Array {
    // As NumPy, a 1-d input of length n is masked as if repeated into n rows.
    let (rows, cols) = match m.shape() {
        [] => {
            let e = Error::invalid(op, "input must be at least 1-d, got a 0-d array", loc);
            return build::poison(e, Op::Where, &[m], m.dtype(), vec![], loc);
        }
        [n] => (*n, *n),
        [.., r, c] => (*r, *c),
    };
    let keep = diagonal_mask(rows, cols, cmp, k, loc);
    let zero = Scalar::Bool(false).cast(m.dtype());
    build::select(
        Operand::Array(keep),
        Operand::Array(m.clone()),
        Operand::Weak(zero),
        loc,
    )
}

/// NumPy's `diag`: a 1-d `v` gives a square matrix with `v` on the `k`-th diagonal; a 2-d `v`
/// gives its `k`-th diagonal (a view).
///
/// # Examples
///
/// ```
/// use numcrane::{array, diag};
/// let d = diag(&array([1, 2]), 0);
/// assert_eq!(d.to_vec::<i32>().unwrap(), vec![1, 0, 0, 2]);
/// let m = array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
/// assert_eq!(diag(&m, 0).to_vec::<i32>().unwrap(), vec![1, 5, 9]);
/// assert_eq!(diag(&m, 1).to_vec::<i32>().unwrap(), vec![2, 6]);
/// ```
#[track_caller]
pub fn diag(v: &Array, k: isize) -> Array {
    let loc = SourceLocation::caller();
    match v.ndim() {
        2 => v.diagonal(k),
        1 => diag_from_vector(v, k, loc),
        _ => {
            let e = Error::invalid(
                "diag",
                format!("input must be 1-d or 2-d, got shape {:?}", v.shape()),
                loc,
            );
            build::poison(
                e,
                Op::View(ViewOp::Diagonal(k)),
                &[v],
                v.dtype(),
                v.shape().to_vec(),
                loc,
            )
        }
    }
}

/// Places `v` on a diagonal using only views and padding: each element followed by `n` zeros,
/// laid out row by row, lands on the main diagonal of an `n x n` matrix; padding by |k| then
/// shifts it to the k-th diagonal.
fn diag_from_vector(v: &Array, k: isize, loc: SourceLocation) -> Array {
    let n = v.shape()[0];
    let zero = Scalar::Bool(false).cast(v.dtype());
    let shift = k.unsigned_abs();
    let Some(cells) = n.checked_mul(n + 1) else {
        let e = Error::invalid("diag", format!("array is too big: {n} x {n}"), loc);
        return build::poison(
            e,
            Op::View(ViewOp::Diagonal(k)),
            &[v],
            v.dtype(),
            vec![0, 0],
            loc,
        );
    };
    let square = if n == 0 {
        build::full(vec![0, 0], zero, loc)
    } else {
        let column = v.reshape_at(vec![n, 1], loc);
        let spread = pad(&column, vec![0, 0], vec![0, n], zero, loc);
        let flat = spread.reshape_at(vec![cells], loc);
        let head = build::view(&flat, ViewOp::Slice(vec![(0, 1, n * n)]), vec![n * n], loc);
        head.reshape_at(vec![n, n], loc)
    };
    if shift == 0 {
        return square;
    }
    let (before, after) = if k > 0 {
        (vec![0, shift], vec![shift, 0])
    } else {
        (vec![shift, 0], vec![0, shift])
    };
    pad(&square, before, after, zero, loc)
}

/// `x` surrounded by constant `value` (a Pad node).
fn pad(
    x: &Array,
    before: Vec<usize>,
    after: Vec<usize>,
    value: Scalar,
    loc: SourceLocation,
) -> Array {
    let shape = x
        .shape()
        .iter()
        .zip(before.iter().zip(&after))
        .map(|(&n, (&b, &a))| n + b + a)
        .collect();
    build::node(
        Op::Pad {
            before,
            after,
            value,
        },
        &[x],
        x.dtype(),
        shape,
        loc,
    )
}

/// Grid indexing for [`meshgrid`].
///
/// # Examples
///
/// ```
/// use numcrane::{array, meshgrid, Indexing};
/// let (x, y) = (array([1, 2, 3]), array([10, 20]));
/// assert_eq!(meshgrid(&[&x, &y], Indexing::Xy)[0].shape(), &[2, 3]);
/// assert_eq!(meshgrid(&[&x, &y], Indexing::Ij)[0].shape(), &[3, 2]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indexing {
    /// Cartesian (NumPy's default): the first two output axes are swapped.
    Xy,
    /// Matrix indexing: output axis i follows input i.
    Ij,
}

/// Coordinate matrices from coordinate vectors (each input is flattened); the results are
/// broadcast views.
///
/// # Examples
///
/// ```
/// use numcrane::{array, meshgrid, Indexing};
/// let g = meshgrid(&[&array([1, 2, 3]), &array([10, 20])], Indexing::Xy);
/// assert_eq!(g[0].to_vec::<i32>().unwrap(), vec![1, 2, 3, 1, 2, 3]);
/// assert_eq!(g[1].to_vec::<i32>().unwrap(), vec![10, 10, 10, 20, 20, 20]);
/// ```
#[track_caller]
pub fn meshgrid(xs: &[&Array], indexing: Indexing) -> Vec<Array> {
    meshgrid_at(xs, indexing, SourceLocation::caller())
}

fn meshgrid_at(xs: &[&Array], indexing: Indexing, loc: SourceLocation) -> Vec<Array> {
    let n = xs.len();
    let mut position: Vec<usize> = (0..n).collect();
    if indexing == Indexing::Xy && n >= 2 {
        position.swap(0, 1);
    }
    let mut out_shape = vec![0; n];
    for (i, x) in xs.iter().enumerate() {
        out_shape[position[i]] = x.size();
    }
    xs.iter()
        .enumerate()
        .map(|(i, x)| {
            let mut shape = vec![1; n];
            shape[position[i]] = x.size();
            x.reshape_at(shape, loc).broadcast_to_at(&out_shape, loc)
        })
        .collect()
}
