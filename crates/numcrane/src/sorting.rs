//! Sorting with NumPy's names and semantics: `sort` and `argsort` (stable, NaN last), and the
//! order statistics built on them: `median` and `nanmedian` (the quantiles are in
//! quantile.rs, built on the helpers here).
//!
//! Both build one node (`Op::Sort` / `Op::ArgSort`) that the reference evaluator computes: each
//! lane along the axis is sorted with a stable sort under a total order that puts NaN after
//! every other value (NumPy's `kind="stable"`; -0.0 and 0.0 are equal and keep their order).
//! NumPy's `a.sort()` sorts in place; here every function returns a new array and leaves its
//! input as it was. `axis: None` sorts the flattened array, as NumPy. Every function is
//! `#[track_caller]`: a bad axis gives an array whose evaluation returns an error naming the
//! function (never a panic).
//!
//! `median` (and the quantiles) move the reduced axes last and flatten them into one lane.
//! The positions they need depend only on the shape and `q`, so they are known while the graph
//! is built: one order-statistics node (`Op::Select`, see [`Selected`]) reads just those
//! sorted positions of every lane (plus the last one for floats: it is NaN exactly when the
//! lane holds a NaN), in expected linear time on the JIT backend (NumPy's `partition`-based
//! approach) and bit-identical to sorting, and the answer is interpolated from them as NumPy's
//! `_lerp` does. A NaN anywhere in a lane makes that lane's answer NaN, as in NumPy.
//! `nanmedian` reads data-dependent positions (they depend on each lane's NaN count), so it
//! keeps a full sort (`Op::Sort`) and reads them with masked sums.

use crate::build;
use crate::operand::Operand;
use crate::reduce::{resolve, Axes, Resolved};
use crate::slicing::SliceArg;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{BinaryOp, DType, Error, Op, Scalar, UnaryOp};

/// Normalises `axis` for `a` (flattening for None) and builds `make(axis)` over it.
fn sort_node(
    name: &'static str,
    a: &Array,
    axis: Option<isize>,
    dtype: DType,
    make: fn(usize) -> Op,
    loc: SourceLocation,
) -> Array {
    let (x, axis) = match axis {
        None => (a.reshape_at(vec![a.size()], loc), 0),
        Some(ax) => match build::axis(name, ax, a.ndim(), loc) {
            Ok(ax) => (a.clone(), ax),
            Err(e) => return build::poison(e, make(0), &[a], dtype, a.shape().to_vec(), loc),
        },
    };
    let shape = x.shape().to_vec();
    build::node(make(axis), &[&x], dtype, shape, loc)
}

/// NumPy's `sort(a, axis, kind="stable")`: a sorted copy of `a` along `axis` (None: of the
/// flattened array), ascending, NaN last.
///
/// ```
/// use numcrane::{array, sort};
/// let x = array([[3.0, f64::NAN, 1.0], [2.0, 0.0, -1.0]]);
/// let s = sort(&x, Some(-1)).to_vec::<f64>().unwrap();
/// assert_eq!(&s[3..], &[-1.0, 0.0, 2.0]);
/// assert!(s[2].is_nan());
/// assert_eq!(sort(&x, None).shape(), &[6]);
/// ```
#[track_caller]
pub fn sort(a: &Array, axis: Option<isize>) -> Array {
    let loc = SourceLocation::caller();
    sort_node("sort", a, axis, a.dtype(), |axis| Op::Sort { axis }, loc)
}

/// NumPy's `argsort(a, axis, kind="stable")`: the int64 positions along `axis` (None: in the
/// flattened array) that sort `a`; equal elements keep their order, NaN last.
///
/// As NumPy, a zero-dimensional input gives `[0]` (shape `[1]`) whatever the axis.
///
/// ```
/// use numcrane::{argsort, array};
/// let x = array([2, 1, 2, 0]);
/// assert_eq!(argsort(&x, Some(0)).to_vec::<i64>().unwrap(), vec![3, 1, 0, 2]);
/// ```
#[track_caller]
pub fn argsort(a: &Array, axis: Option<isize>) -> Array {
    let loc = SourceLocation::caller();
    // NumPy's argsort of a 0-d array flattens it, whatever the axis.
    let axis = if a.ndim() == 0 { None } else { axis };
    sort_node(
        "argsort",
        a,
        axis,
        DType::I64,
        |axis| Op::ArgSort { axis },
        loc,
    )
}

impl Array {
    /// NumPy's `a.sort(axis)`, except that NumPy sorts in place and this returns a new sorted
    /// array (`self` is unchanged): see [`sort`].
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[3, 1, 2], [9, 7, 8]]);
    /// assert_eq!(a.sort_axis(-1).to_vec::<i32>().unwrap(), vec![1, 2, 3, 7, 8, 9]);
    /// assert_eq!(array([[3, 1], [2, 4]]).sort_axis(0).to_vec::<i32>().unwrap(), vec![2, 1, 3, 4]);
    /// ```
    #[track_caller]
    pub fn sort_axis(&self, axis: isize) -> Array {
        let loc = SourceLocation::caller();
        sort_node(
            "sort",
            self,
            Some(axis),
            self.dtype(),
            |axis| Op::Sort { axis },
            loc,
        )
    }

    /// NumPy's `a.argsort(axis)`: see [`argsort`].
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[30, 10, 20]]);
    /// assert_eq!(a.argsort_axis(1).to_vec::<i64>().unwrap(), vec![1, 2, 0]);
    /// ```
    #[track_caller]
    pub fn argsort_axis(&self, axis: isize) -> Array {
        let loc = SourceLocation::caller();
        let axis = (self.ndim() > 0).then_some(axis);
        sort_node(
            "argsort",
            self,
            axis,
            DType::I64,
            |axis| Op::ArgSort { axis },
            loc,
        )
    }
}

pub(crate) fn arr(x: &Array) -> Operand {
    Operand::Array(x.clone())
}

pub(crate) fn weak(v: f64) -> Operand {
    Operand::Weak(Scalar::F64(v))
}

/// The reduced axes of `a` moved last, flattened into one and sorted: `[kept..., n]`.
pub(crate) fn sorted_lanes(
    name: &'static str,
    a: &Array,
    axes: Axes,
    loc: SourceLocation,
) -> Result<(Array, Resolved), Error> {
    let (x, r) = lanes_last(name, a, axes, loc)?;
    let shape = x.shape().to_vec();
    let axis = shape.len() - 1;
    Ok((
        build::node(Op::Sort { axis }, &[&x], a.dtype(), shape, loc),
        r,
    ))
}

/// The reduced axes of `a` moved last and flattened into one: `[kept..., n]`, unsorted.
pub(crate) fn lanes_last(
    name: &'static str,
    a: &Array,
    axes: Axes,
    loc: SourceLocation,
) -> Result<(Array, Resolved), Error> {
    let r = resolve(name, a, axes, loc)?;
    let nd = a.ndim();
    let kept: Vec<usize> = (0..nd).filter(|i| !r.axes.contains(i)).collect();
    let perm: Vec<isize> = kept.iter().chain(&r.axes).map(|&i| i as isize).collect();
    let mut shape: Vec<usize> = kept.iter().map(|&i| a.shape()[i]).collect();
    shape.push(r.count);
    Ok((a.permute(&perm).reshape_at(shape, loc), r))
}

/// A few sorted positions of every lane of `[kept..., n]` lanes (`n > 0`): one `Op::Select`
/// node `[kept..., m]` over the distinct positions asked for.
pub(crate) struct Selected {
    s: Array,
    positions: Vec<usize>,
    n: usize,
}

impl Selected {
    /// Selects `positions` (each below `n`, the lane length; repeats are merged) of every
    /// lane of `x`; floats also get the last position, for [`Selected::nan_if_any`].
    pub(crate) fn new(x: &Array, mut positions: Vec<usize>, loc: SourceLocation) -> Selected {
        let n = x.shape()[x.ndim() - 1];
        if x.dtype().is_float() && n > 0 {
            positions.push(n - 1);
        }
        positions.sort_unstable();
        positions.dedup();
        let axis = x.ndim() - 1;
        let mut shape = x.shape().to_vec();
        shape[axis] = positions.len();
        let op = Op::Select {
            axis,
            positions: positions.clone(),
        };
        let s = build::node(op, &[x], x.dtype(), shape, loc);
        Selected { s, positions, n }
    }

    /// The lanes' dtype.
    pub(crate) fn dtype(&self) -> DType {
        self.s.dtype()
    }

    /// Element `k` of every sorted lane, in `dtype` (`k` must be one of the selected ones).
    pub(crate) fn pick(&self, k: usize, dtype: DType, loc: SourceLocation) -> Array {
        match self.positions.binary_search(&k) {
            Ok(j) => pick(&self.s, j, dtype, loc),
            Err(_) => build::poison(
                Error::internal("select", format!("position {k} was not selected")),
                Op::Select {
                    axis: 0,
                    positions: vec![k],
                },
                &[&self.s],
                dtype,
                self.s.shape()[..self.s.ndim() - 1].to_vec(),
                loc,
            ),
        }
    }

    /// `value` where the lane has no NaN (its last sorted element is not NaN), else NaN.
    pub(crate) fn nan_if_any(&self, value: Array, loc: SourceLocation) -> Array {
        if !self.s.dtype().is_float() || self.n == 0 {
            return value;
        }
        let last = self.pick(self.n - 1, self.s.dtype(), loc);
        let bad = build::unary(UnaryOp::IsNan, &last, loc);
        build::select(arr(&bad), weak(f64::NAN), arr(&value), loc)
    }
}

/// Element `k` of every sorted lane, in `dtype`.
pub(crate) fn pick(s: &Array, k: usize, dtype: DType, loc: SourceLocation) -> Array {
    let x = s.slice(vec![SliceArg::Ellipsis, SliceArg::Index(k as isize)]);
    build::cast(&x, dtype, loc)
}

/// `value` where the lane has no NaN (its last sorted element is not NaN), else NaN.
pub(crate) fn nan_if_any(s: &Array, n: usize, value: Array, loc: SourceLocation) -> Array {
    if !s.dtype().is_float() || n == 0 {
        return value;
    }
    let last = pick(s, n - 1, s.dtype(), loc);
    let bad = build::unary(UnaryOp::IsNan, &last, loc);
    build::select(arr(&bad), weak(f64::NAN), arr(&value), loc)
}

/// The float dtype the statistics of `dtype` are computed in (NumPy: float64 for integers).
pub(crate) fn float_of(dtype: DType) -> DType {
    if dtype.is_float() {
        dtype
    } else {
        DType::F64
    }
}

/// NumPy's `median(a, axis, keepdims)`: the middle of the sorted values over `axes` (the mean
/// of the two middle ones for an even count); float64 for integer and bool inputs, NaN for
/// an empty slice or one holding NaN.
///
/// ```
/// use numcrane::{array, median};
/// let x = array([[1, 4, 2], [3, 9, 5]]);
/// assert_eq!(median(&x, 1).to_vec::<f64>().unwrap(), vec![2.0, 5.0]);
/// assert_eq!(median(&x, ..).to_vec::<f64>().unwrap(), vec![3.5]);
/// ```
#[track_caller]
pub fn median(a: &Array, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    let dtype = float_of(a.dtype());
    let (x, r) = match lanes_last("median", a, axes.into(), loc) {
        Ok(v) => v,
        Err(e) => return build::poison(e, Op::Sort { axis: 0 }, &[a], dtype, vec![], loc),
    };
    let n = r.count;
    if n == 0 {
        let kept = &x.shape()[..x.ndim() - 1];
        return crate::full(kept.to_vec(), f64::NAN)
            .astype(dtype)
            .reshape_at(r.out_shape, loc);
    }
    let value = if n % 2 == 1 {
        let s = Selected::new(&x, vec![n / 2], loc);
        s.nan_if_any(s.pick(n / 2, dtype, loc), loc)
    } else {
        let s = Selected::new(&x, vec![n / 2 - 1, n / 2], loc);
        let lo = s.pick(n / 2 - 1, dtype, loc);
        let hi = s.pick(n / 2, dtype, loc);
        let sum = build::binary(BinaryOp::Add, arr(&lo), arr(&hi), loc);
        let mean = build::binary(BinaryOp::Div, arr(&sum), weak(2.0), loc);
        s.nan_if_any(mean, loc)
    };
    value.reshape_at(r.out_shape, loc)
}

/// NumPy's `nanmedian(a, axis, keepdims)`: the median of the non-NaN values over `axes` (NaN
/// for a slice with none); integer and bool inputs as [`median`].
///
/// The count of non-NaN values differs between lanes, so the two middle positions are data:
/// each is read as the sum of the sorted lane masked to that one position (a comparison with
/// `arange(n)`), which stays in existing element-wise ops and reductions.
///
/// ```
/// use numcrane::{array, nanmedian};
/// let x = array([[1.0, f64::NAN, 3.0, 7.0], [f64::NAN, f64::NAN, 2.0, 4.0]]);
/// assert_eq!(nanmedian(&x, 1).to_vec::<f64>().unwrap(), vec![3.0, 3.0]);
/// ```
#[track_caller]
pub fn nanmedian(a: &Array, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    if !a.dtype().is_float() {
        return median(a, axes);
    }
    let dtype = a.dtype();
    let (s, r) = match sorted_lanes("nanmedian", a, axes.into(), loc) {
        Ok(v) => v,
        Err(e) => return build::poison(e, Op::Sort { axis: 0 }, &[a], dtype, vec![], loc),
    };
    let n = r.count;
    let last = s.ndim() as isize - 1;
    if n == 0 {
        let kept = &s.shape()[..s.ndim() - 1];
        return crate::full(kept.to_vec(), f64::NAN)
            .astype(dtype)
            .reshape_at(r.out_shape, loc);
    }
    let nan = build::unary(UnaryOp::IsNan, &s, loc);
    let valid = build::unary(UnaryOp::Not, &nan, loc);
    let count = build::cast(&valid.sum(last), DType::F64, loc);
    let half = |shift: f64| {
        let x = build::binary(BinaryOp::Sub, arr(&count), weak(shift), loc);
        let x = build::binary(BinaryOp::Div, arr(&x), weak(2.0), loc);
        build::unary(UnaryOp::Floor, &x, loc)
    };
    let positions = crate::arange(0.0, n as f64, 1.0);
    let at = |k: &Array| {
        let k = k.expand_dims(-1);
        let hit = build::binary(BinaryOp::Eq, arr(&positions), arr(&k), loc);
        build::select(arr(&hit), arr(&s), weak(0.0), loc).sum(last)
    };
    let lo = at(&half(1.0));
    let hi = at(&half(0.0));
    let sum = build::binary(BinaryOp::Add, arr(&lo), arr(&hi), loc);
    let mean = build::binary(BinaryOp::Div, arr(&sum), weak(2.0), loc);
    // odd counts take the middle element itself (as NumPy), no count gives NaN
    let parity = build::binary(BinaryOp::Rem, arr(&count), weak(2.0), loc);
    let odd = build::binary(BinaryOp::Eq, arr(&parity), weak(1.0), loc);
    let value = build::select(arr(&odd), arr(&lo), arr(&mean), loc);
    let none = build::binary(BinaryOp::Eq, arr(&count), weak(0.0), loc);
    let value = build::select(arr(&none), weak(f64::NAN), arr(&value), loc);
    build::cast(&value, dtype, loc).reshape_at(r.out_shape, loc)
}

impl Array {
    /// NumPy's `a.median(axis)`-style spelling of [`median`].
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1.0, 9.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(a.median(..).item::<f64>().unwrap(), 4.5);
    /// assert_eq!(a.median(1).to_vec::<f64>().unwrap(), vec![3.0, 5.0]);
    /// ```
    #[track_caller]
    pub fn median(&self, axes: impl Into<Axes>) -> Array {
        median(self, axes)
    }
}
