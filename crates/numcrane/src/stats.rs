//! Statistics with NumPy's names and semantics: the NaN-ignoring reductions (`nansum`,
//! `nanprod`, `nanmean`, `nanvar`, `nanstd`, `nanmin`, `nanmax`, `nanargmin`, `nanargmax`),
//! `ptp`, `count_nonzero`, `average` (with weights), `diff`, `cov` and `corrcoef`.
//!
//! Every function is built from existing nodes (masks from `isnan`, `where`, reductions,
//! slices), so a chain feeding a NaN reduction still fuses into few kernels. Integer and bool
//! inputs cannot hold NaN: the nan-functions behave as the plain ones there, as in NumPy.
//! Two checks depend on the data and are made when the function is called, by evaluating its
//! input first: `nanargmin` / `nanargmax` of an all-NaN slice, and `average` with weights that
//! sum to zero, give an array whose evaluation returns an error (NumPy raises). Every function
//! is `#[track_caller]`, so nodes and errors point at the user's line.

use crate::build;
use crate::operand::Operand;
use crate::reduce::{keepdims, Axes};
use crate::slicing::SliceArg;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{ArgReduceOp, BinaryOp, DType, Error, Op, Scalar, UnaryOp};

fn weak(v: f64) -> Operand {
    Operand::Weak(Scalar::F64(v))
}

fn arr(x: &Array) -> Operand {
    Operand::Array(x.clone())
}

/// `x` with its NaNs replaced by `fill`, and the NaN mask; None for non-float dtypes.
fn filled(x: &Array, fill: f64, loc: SourceLocation) -> Option<(Array, Array)> {
    if !x.dtype().is_float() {
        return None;
    }
    let mask = build::unary(UnaryOp::IsNan, x, loc);
    let y = build::select(arr(&mask), weak(fill), arr(x), loc);
    Some((y, mask))
}

/// The number of non-NaN elements over `axes`, in `dtype`.
// track_caller: the reductions called inside take the user's line, not this file's (issue 11).
#[track_caller]
fn count_valid(mask: &Array, axes: Axes, dtype: DType, loc: SourceLocation) -> Array {
    let valid = build::unary(UnaryOp::Not, mask, loc);
    build::cast(&valid.sum(axes), dtype, loc)
}

/// NumPy's `nansum`: the sum over `axes` treating NaN as zero (zero for an all-NaN slice).
///
/// ```
/// use numcrane::{array, nansum};
/// let x = array([[1.0, f64::NAN], [3.0, 4.0]]);
/// assert_eq!(nansum(&x, 0).to_vec::<f64>().unwrap(), vec![4.0, 4.0]);
/// ```
#[track_caller]
pub fn nansum(x: &Array, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    match filled(x, 0.0, loc) {
        Some((y, _)) => y.sum(axes),
        None => x.sum(axes),
    }
}

/// NumPy's `nanprod`: the product over `axes` treating NaN as one.
///
/// # Examples
///
/// ```
/// use numcrane::{array, nanprod};
/// let a = array([[2.0, f64::NAN], [3.0, 4.0]]);
/// assert_eq!(nanprod(&a, ..).item::<f64>().unwrap(), 24.0);
/// assert_eq!(nanprod(&a, 1).to_vec::<f64>().unwrap(), vec![2.0, 12.0]);
/// ```
#[track_caller]
pub fn nanprod(x: &Array, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    match filled(x, 1.0, loc) {
        Some((y, _)) => y.prod(axes),
        None => x.prod(axes),
    }
}

/// NumPy's `nanmean`: the mean of the non-NaN elements over `axes` (NaN for an all-NaN or
/// empty slice); integers as `mean` (float64).
///
/// # Examples
///
/// ```
/// use numcrane::{array, nanmean};
/// let a = array([[1.0, f64::NAN], [3.0, 5.0]]);
/// assert_eq!(nanmean(&a, ..).item::<f64>().unwrap(), 3.0);
/// assert_eq!(nanmean(&a, 1).to_vec::<f64>().unwrap(), vec![1.0, 4.0]);
/// ```
#[track_caller]
pub fn nanmean(x: &Array, axes: impl Into<Axes>) -> Array {
    nanmean_at(x, axes.into(), SourceLocation::caller())
}

// track_caller: the reductions called inside take the user's line, not this file's (issue 11).
#[track_caller]
fn nanmean_at(x: &Array, axes: Axes, loc: SourceLocation) -> Array {
    let Some((y, mask)) = filled(x, 0.0, loc) else {
        return x.mean(axes);
    };
    let total = y.sum(axes.clone());
    let count = count_valid(&mask, axes, x.dtype(), loc);
    build::binary(BinaryOp::Div, arr(&total), arr(&count), loc)
}

/// NumPy's `nanvar` with `ddof`: the variance of the non-NaN elements over `axes`, dividing
/// by `count - ddof` (NaN where that is not positive); integers as `var_ddof`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, nanvar};
/// let a = array([1.0, f64::NAN, 3.0]);
/// assert_eq!(nanvar(&a, .., 0.0).item::<f64>().unwrap(), 1.0);
/// assert_eq!(nanvar(&a, .., 1.0).item::<f64>().unwrap(), 2.0);
/// ```
#[track_caller]
pub fn nanvar(x: &Array, axes: impl Into<Axes>, ddof: f64) -> Array {
    nanvar_at(x, axes.into(), ddof, SourceLocation::caller())
}

/// NumPy's `nanstd` with `ddof`: the square root of [`nanvar`].
///
/// # Examples
///
/// ```
/// use numcrane::{array, nanstd};
/// let a = array([1.0, f64::NAN, 3.0]);
/// assert_eq!(nanstd(&a, .., 0.0).item::<f64>().unwrap(), 1.0);
/// ```
#[track_caller]
pub fn nanstd(x: &Array, axes: impl Into<Axes>, ddof: f64) -> Array {
    let loc = SourceLocation::caller();
    build::unary(UnaryOp::Sqrt, &nanvar_at(x, axes.into(), ddof, loc), loc)
}

// track_caller: the reductions called inside take the user's line, not this file's (issue 11).
#[track_caller]
fn nanvar_at(x: &Array, axes: Axes, ddof: f64, loc: SourceLocation) -> Array {
    let Some((_, mask)) = filled(x, 0.0, loc) else {
        return x.var_ddof(axes, ddof);
    };
    let mean = nanmean_at(x, axes.clone().keepdims(), loc);
    let d = build::binary(BinaryOp::Sub, arr(x), arr(&mean), loc);
    let d = build::select(arr(&mask), weak(0.0), arr(&d), loc);
    let sq = build::binary(BinaryOp::Mul, arr(&d), arr(&d), loc);
    let total = sq.sum(axes.clone());
    let count = count_valid(&mask, axes, x.dtype(), loc);
    let dof = build::binary(BinaryOp::Sub, arr(&count), weak(ddof), loc);
    let var = build::binary(BinaryOp::Div, arr(&total), arr(&dof), loc);
    let bad = build::binary(BinaryOp::Le, arr(&dof), weak(0.0), loc);
    build::select(arr(&bad), weak(f64::NAN), arr(&var), loc)
}

/// NumPy's `nanmax`: the maximum over `axes` ignoring NaN; NaN for an all-NaN slice, an
/// error for zero elements.
///
/// # Examples
///
/// ```
/// use numcrane::{array, nanmax};
/// let a = array([[1.0, f64::NAN], [f64::NAN, f64::NAN]]);
/// let m = nanmax(&a, 1).to_vec::<f64>().unwrap();
/// assert_eq!(m[0], 1.0);
/// assert!(m[1].is_nan());
/// ```
#[track_caller]
pub fn nanmax(x: &Array, axes: impl Into<Axes>) -> Array {
    nan_extreme(x, axes.into(), true, SourceLocation::caller())
}

/// NumPy's `nanmin`: the minimum over `axes` ignoring NaN; NaN for an all-NaN slice, an
/// error for zero elements.
///
/// # Examples
///
/// ```
/// use numcrane::{array, nanmin};
/// let a = array([3.0, f64::NAN, -1.0]);
/// assert_eq!(nanmin(&a, ..).item::<f64>().unwrap(), -1.0);
/// ```
#[track_caller]
pub fn nanmin(x: &Array, axes: impl Into<Axes>) -> Array {
    nan_extreme(x, axes.into(), false, SourceLocation::caller())
}

// track_caller: the reductions called inside take the user's line, not this file's (issue 11).
#[track_caller]
fn nan_extreme(x: &Array, axes: Axes, max: bool, loc: SourceLocation) -> Array {
    let fill = if max {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let Some((y, mask)) = filled(x, fill, loc) else {
        return if max { x.max(axes) } else { x.min(axes) };
    };
    let m = if max {
        y.max(axes.clone())
    } else {
        y.min(axes.clone())
    };
    let all_nan = mask.all(axes);
    build::select(arr(&all_nan), weak(f64::NAN), arr(&m), loc)
}

/// NumPy's `nanargmax`: the index of the maximum along one axis (`..` for the flattened
/// array) ignoring NaN. An all-NaN slice is an error when evaluated, as NumPy raises: the
/// input is evaluated when this is called to find out.
///
/// # Examples
///
/// ```
/// use numcrane::{array, nanargmax};
/// let a = array([[f64::NAN, 4.0], [2.0, 1.0]]);
/// assert_eq!(nanargmax(&a, ..).item::<i64>().unwrap(), 1);
/// assert_eq!(nanargmax(&a, 1).to_vec::<i64>().unwrap(), vec![1, 0]);
/// assert!(nanargmax(&array([f64::NAN]), ..).eval().is_err());
/// ```
#[track_caller]
pub fn nanargmax(x: &Array, axis: impl Into<Axes>) -> Array {
    nan_arg(
        x,
        axis.into(),
        ArgReduceOp::ArgMax,
        SourceLocation::caller(),
    )
}

/// NumPy's `nanargmin`: the index of the minimum along one axis ignoring NaN; an all-NaN
/// slice is an error (see [`nanargmax`]).
///
/// # Examples
///
/// ```
/// use numcrane::{array, nanargmin};
/// let a = array([[f64::NAN, 4.0], [2.0, 1.0]]);
/// assert_eq!(nanargmin(&a, ..).item::<i64>().unwrap(), 3);
/// assert_eq!(nanargmin(&a, 0).to_vec::<i64>().unwrap(), vec![1, 1]);
/// ```
#[track_caller]
pub fn nanargmin(x: &Array, axis: impl Into<Axes>) -> Array {
    nan_arg(
        x,
        axis.into(),
        ArgReduceOp::ArgMin,
        SourceLocation::caller(),
    )
}

fn nan_arg(x: &Array, axes: Axes, op: ArgReduceOp, loc: SourceLocation) -> Array {
    let max = op == ArgReduceOp::ArgMax;
    let plain = |a: &Array| {
        if max {
            a.argmax(axes.clone())
        } else {
            a.argmin(axes.clone())
        }
    };
    if !x.dtype().is_float() {
        return plain(x);
    }
    // Evaluate the input once: the all-NaN check and the result both read it.
    let Ok(x) = x.eval() else {
        return plain(x);
    };
    let fill = if max {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    let Some((y, mask)) = filled(&x, fill, loc) else {
        return plain(&x);
    };
    let result = plain(&y);
    if result.error().is_some() || x.size() == 0 {
        return result;
    }
    let any_all_nan = mask.all(axes).any(..).eval().and_then(|a| a.item::<bool>());
    match any_all_nan {
        Ok(false) => result,
        Ok(true) => {
            let name = if max { "nanargmax" } else { "nanargmin" };
            let e = Error::invalid(name, "All-NaN slice encountered", loc);
            let shape = result.shape().to_vec();
            build::poison(
                e,
                Op::ArgReduce { op, axis: 0 },
                &[&x],
                DType::I64,
                shape,
                loc,
            )
        }
        Err(e) => {
            let shape = result.shape().to_vec();
            build::poison(
                e,
                Op::ArgReduce { op, axis: 0 },
                &[&x],
                DType::I64,
                shape,
                loc,
            )
        }
    }
}

/// NumPy's `ptp`: `max - min` over `axes`, in the input's dtype (integers wrap, as NumPy's
/// subtraction does; bool is an error, as in NumPy).
///
/// # Examples
///
/// ```
/// use numcrane::{array, ptp};
/// let a = array([[4, 9, 2], [3, 3, 3]]);
/// assert_eq!(ptp(&a, ..).item::<i32>().unwrap(), 7);
/// assert_eq!(ptp(&a, 1).to_vec::<i32>().unwrap(), vec![7, 0]);
/// ```
#[track_caller]
pub fn ptp(x: &Array, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    let axes = axes.into();
    let hi = x.max(axes.clone());
    let lo = x.min(axes);
    build::binary(BinaryOp::Sub, arr(&hi), arr(&lo), loc)
}

/// NumPy's `count_nonzero`: the number of nonzero (true, non-zero, NaN counts) elements over
/// `axes`, as int64.
///
/// ```
/// use numcrane::{array, count_nonzero};
/// let x = array([[0i64, 1, 2], [3, 0, 0]]);
/// assert_eq!(count_nonzero(&x, ..).item::<i64>().unwrap(), 3);
/// assert_eq!(count_nonzero(&x, 1).to_vec::<i64>().unwrap(), vec![2, 1]);
/// ```
#[track_caller]
pub fn count_nonzero(x: &Array, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    build::cast(&build::cast(x, DType::Bool, loc).sum(axes), DType::I64, loc)
}

/// NumPy's `average`: the mean over `axes`, or with `weights` `sum(a * w) / sum(w)`.
/// Weights have `a`'s shape, or are 1-D with the length of the one reduced axis (then `axes`
/// must name one axis). The result is float64 for integer and bool `a`, else the promoted
/// dtype of `a` and the weights. Weights that sum to zero along a slice are an error when
/// evaluated (NumPy raises); finding that out evaluates the weights' sums when this is
/// called.
///
/// ```
/// use numcrane::{array, average};
/// let a = array([[1.0, 2.0], [3.0, 4.0]]);
/// let w = array([3.0, 1.0]);
/// assert_eq!(average(&a, 1, Some(&w)).to_vec::<f64>().unwrap(), vec![1.25, 3.25]);
/// ```
#[track_caller]
pub fn average(a: &Array, axes: impl Into<Axes>, weights: Option<&Array>) -> Array {
    let loc = SourceLocation::caller();
    let axes = axes.into();
    let Some(w) = weights else {
        return a.mean(axes);
    };
    let dtype = if a.dtype().is_float() {
        a.dtype().promote(w.dtype())
    } else {
        a.dtype().promote(w.dtype()).promote(DType::F64)
    };
    let fail = |message: String| {
        build::poison(
            Error::invalid("average", message, loc),
            Op::Cast,
            &[a, w],
            dtype,
            vec![],
            loc,
        )
    };
    let wb = if w.shape() == a.shape() {
        w.clone()
    } else {
        if axes == Axes::all() || axes == Axes::all().keepdims() {
            return fail("axis must be specified when shapes of a and weights differ".to_string());
        }
        if w.ndim() != 1 {
            return fail(format!(
                "1D weights expected when shapes of a and weights differ (a {:?}, weights {:?})",
                a.shape(),
                w.shape()
            ));
        }
        let reduced = match reduced_axes(a, &axes, loc) {
            Ok(r) => r,
            Err(e) => return build::poison(e, Op::Cast, &[a, w], dtype, vec![], loc),
        };
        let [axis] = reduced[..] else {
            return fail("1D weights need exactly one axis".to_string());
        };
        if a.shape()[axis] != w.shape()[0] {
            return fail(format!(
                "shape of weights {:?} must be consistent with shape of a {:?} along axis {axis}",
                w.shape(),
                a.shape()
            ));
        }
        let mut shape = vec![1; a.ndim()];
        shape[axis] = w.shape()[0];
        build::broadcast(&w.reshape(shape), a.shape(), loc)
    };
    let (ac, wc) = (build::cast(a, dtype, loc), build::cast(&wb, dtype, loc));
    let scale = wc.sum(axes.clone());
    let product = build::binary(BinaryOp::Mul, arr(&ac), arr(&wc), loc);
    let avg = build::binary(BinaryOp::Div, arr(&product.sum(axes)), arr(&scale), loc);
    if avg.error().is_some() {
        return avg;
    }
    let zero = build::binary(BinaryOp::Eq, arr(&scale), weak(0.0), loc);
    match zero.any(..).eval().and_then(|z| z.item::<bool>()) {
        Ok(false) => avg,
        Ok(true) => build::poison(
            Error::invalid("average", "weights sum to zero, can't be normalized", loc),
            Op::Cast,
            &[&avg],
            dtype,
            avg.shape().to_vec(),
            loc,
        ),
        Err(e) => build::poison(e, Op::Cast, &[&avg], dtype, avg.shape().to_vec(), loc),
    }
}

/// The input axes `axes` reduces over `a` (found with a shape-only probe: no data is read).
fn reduced_axes(a: &Array, axes: &Axes, loc: SourceLocation) -> Result<Vec<usize>, Error> {
    let probe_shape: Vec<usize> = (0..a.ndim()).map(|i| i + 2).collect();
    let probe = build::full(probe_shape.clone(), Scalar::Bool(false), loc);
    let kept = probe.sum(axes.clone().keepdims());
    if let Some(e) = kept.error() {
        return Err(e.clone());
    }
    Ok((0..a.ndim())
        .filter(|&i| kept.shape()[i] != probe_shape[i])
        .collect())
}

/// NumPy's `diff`: the `n`-th discrete difference along `axis` (`a[1:] - a[:-1]`, repeated;
/// `!=` for bool). `n = 0` gives `a`; the axis shrinks by `n` (to zero at most). Integers
/// wrap in their dtype, as in NumPy.
///
/// ```
/// use numcrane::{array, diff};
/// let x = array([1i64, 4, 9, 16]);
/// assert_eq!(diff(&x, 1, -1).to_vec::<i64>().unwrap(), vec![3, 5, 7]);
/// assert_eq!(diff(&x, 2, -1).to_vec::<i64>().unwrap(), vec![2, 2]);
/// ```
#[track_caller]
pub fn diff(a: &Array, n: usize, axis: isize) -> Array {
    let loc = SourceLocation::caller();
    if n == 0 {
        return a.clone();
    }
    let fail = |e: Error| build::poison(e, Op::Cast, &[a], a.dtype(), a.shape().to_vec(), loc);
    if a.ndim() == 0 {
        return fail(Error::invalid(
            "diff",
            "diff requires input that is at least one dimensional",
            loc,
        ));
    }
    let axis = match build::axis("diff", axis, a.ndim(), loc) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let range = |start: Option<isize>, stop: Option<isize>| {
        (0..a.ndim())
            .map(|i| SliceArg::Range {
                start: if i == axis { start } else { None },
                stop: if i == axis { stop } else { None },
                step: 1,
            })
            .collect::<Vec<_>>()
    };
    let op = if a.dtype() == DType::Bool {
        BinaryOp::Ne
    } else {
        BinaryOp::Sub
    };
    let mut out = a.clone();
    for _ in 0..n {
        if out.shape()[axis] == 0 {
            break;
        }
        let hi = out.slice(range(Some(1), None));
        let lo = out.slice(range(None, Some(-1)));
        out = build::binary(op, arr(&hi), arr(&lo), loc);
    }
    out
}

/// NumPy's `cov` for 1-D and 2-D inputs: the covariance matrix of the variables in the rows
/// (`rowvar = true`, NumPy's default) or the columns, dividing by `n - ddof`; `ddof` None
/// means 1, or 0 with `bias`. The result is float64 (float32 too, as NumPy's `cov`), squeezed
/// to 0-d for one variable; `n - ddof <= 0` divides by zero (inf/NaN), as NumPy does after its
/// warning. Built from `mean`, `matmul` and a division.
///
/// ```
/// use numcrane::{array, cov};
/// let m = array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]);
/// assert_eq!(cov(&m, true, false, None).to_vec::<f64>().unwrap(), vec![1.0, -1.0, -1.0, 1.0]);
/// ```
#[track_caller]
pub fn cov(m: &Array, rowvar: bool, bias: bool, ddof: Option<f64>) -> Array {
    cov_at(m, rowvar, bias, ddof, SourceLocation::caller())
}

fn cov_at(m: &Array, rowvar: bool, bias: bool, ddof: Option<f64>, loc: SourceLocation) -> Array {
    if m.ndim() > 2 {
        let e = Error::invalid(
            "cov",
            format!("m has more than 2 dimensions (shape {:?})", m.shape()),
            loc,
        );
        return build::poison(e, Op::MatMul, &[m], DType::F64, vec![], loc);
    }
    let x = build::cast(m, m.dtype().promote(DType::F64), loc);
    let x = match (m.ndim(), rowvar) {
        (0, _) => x.reshape_at(vec![1, 1], loc),
        (1, _) => x.reshape_at(vec![1, m.shape()[0]], loc),
        (_, true) => x,
        (_, false) => x.permute_at(vec![1, 0], loc),
    };
    let n = x.shape()[1] as f64;
    let ddof = ddof.unwrap_or(if bias { 0.0 } else { 1.0 });
    let fact = (n - ddof).max(0.0);
    let mean = x.mean(keepdims(1));
    let d = build::binary(BinaryOp::Sub, arr(&x), arr(&mean), loc);
    let dt = d.permute_at(vec![1, 0], loc);
    let c = build::binary(BinaryOp::Div, arr(&crate::matmul(&d, &dt)), weak(fact), loc);
    if c.shape() == [1, 1] {
        c.reshape_at(vec![], loc)
    } else {
        c
    }
}

/// NumPy's `corrcoef` for 1-D and 2-D inputs: `cov / outer(std, std)` with the variables in
/// the rows (`rowvar = true`) or the columns, clipped to [-1, 1] as NumPy does; float64.
///
/// # Examples
///
/// ```
/// use numcrane::{array, corrcoef};
/// // Rows are variables: the second rises with the first, the third falls.
/// let m = array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 2.0, 1.0]]);
/// let r = corrcoef(&m, true);
/// assert_eq!(r.shape(), &[3, 3]);
/// let v = r.to_vec::<f64>().unwrap();
/// assert!((v[1] - 1.0).abs() < 1e-12 && (v[2] + 1.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn corrcoef(m: &Array, rowvar: bool) -> Array {
    let loc = SourceLocation::caller();
    let c = cov_at(m, rowvar, false, None, loc);
    if c.error().is_some() {
        return c;
    }
    if c.ndim() == 0 {
        return build::binary(BinaryOp::Div, arr(&c), arr(&c), loc);
    }
    let k = c.shape()[0];
    let sd = build::unary(UnaryOp::Sqrt, &c.diagonal(0), loc);
    let col = sd.reshape_at(vec![k, 1], loc);
    let row = sd.reshape_at(vec![1, k], loc);
    let r = build::binary(BinaryOp::Div, arr(&c), arr(&col), loc);
    let r = build::binary(BinaryOp::Div, arr(&r), arr(&row), loc);
    crate::clip(&r, -1.0, 1.0)
}

impl Array {
    /// [`nansum`] as a method.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, f64::NAN, 2.5]);
    /// assert_eq!(a.nansum(..).item::<f64>().unwrap(), 3.5);
    /// ```
    #[track_caller]
    pub fn nansum(&self, axes: impl Into<Axes>) -> Array {
        nansum(self, axes)
    }

    /// [`nanmean`] as a method.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, f64::NAN, 2.0]);
    /// assert_eq!(a.nanmean(..).item::<f64>().unwrap(), 1.5);
    /// ```
    #[track_caller]
    pub fn nanmean(&self, axes: impl Into<Axes>) -> Array {
        nanmean(self, axes)
    }

    /// [`nanmax`] as a method.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, f64::NAN, 2.0]);
    /// assert_eq!(a.nanmax(..).item::<f64>().unwrap(), 2.0);
    /// ```
    #[track_caller]
    pub fn nanmax(&self, axes: impl Into<Axes>) -> Array {
        nanmax(self, axes)
    }

    /// [`nanmin`] as a method.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, f64::NAN, 2.0]);
    /// assert_eq!(a.nanmin(..).item::<f64>().unwrap(), 1.0);
    /// ```
    #[track_caller]
    pub fn nanmin(&self, axes: impl Into<Axes>) -> Array {
        nanmin(self, axes)
    }

    /// [`ptp`] as a method.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1.0, 5.0], [2.0, 2.0]]);
    /// assert_eq!(a.ptp(1).to_vec::<f64>().unwrap(), vec![4.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn ptp(&self, axes: impl Into<Axes>) -> Array {
        ptp(self, axes)
    }
}
