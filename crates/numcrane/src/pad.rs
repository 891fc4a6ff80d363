//! NumPy's `np.pad(a, pad_width, mode, ...)`: every mode except 'empty' and a callable
//! (constant, edge, linear_ramp, maximum, minimum, mean, median, reflect and symmetric with
//! both reflect types, wrap), with NumPy's `pad_width` / `constant_values` / `end_values` /
//! `stat_length` forms (one value, one (before, after) pair, or one pair per axis).
//!
//! NumPy pads one axis after another, each axis seeing the array already padded along the
//! axes before it (so corners belong to the last axis, and a ramp or a statistic along axis 1
//! is taken over rows that axis 0 added). The same order is used here, and every step is a
//! lazy graph of existing nodes, joined with `Op::Concat` along the padded axis:
//!
//! - edge, reflect, symmetric and wrap copy elements of the axis, so NumPy's own loop
//!   (`_set_reflect_both` / `_set_wrap_both`, which reflects or wraps again and again while
//!   the pad is wider than the array) is run here on a list of indices, and the resulting
//!   index list becomes runs of slice views (forward, backward, or one element broadcast);
//!   a pad wider than two periods of the mirror (or wrap) extension is one period tiled and
//!   sliced instead, which keeps the graph small;
//!   reflect_type 'odd' runs the same loop on integer combinations of the elements
//!   (`2 edge - element`, nested when the pad is wider), realized as sums of such views;
//! - constant is a broadcast scalar, a statistic is a keepdims reduction of a slice,
//!   broadcast (rounded half to even first for integers, as NumPy), and linear_ramp is
//!   NumPy's `linspace(end_value, edge, width, endpoint=False)` arithmetic in float64.
//!
//! `pad` is `#[track_caller]`: a bad argument gives an array whose evaluation returns an error
//! naming `pad` (never a panic).

use crate::build;
use crate::manip::{concat_at, slice_axis};
use crate::sorting::{arr, weak};
use crate::{keepdims, Array};
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{BinaryOp, DType, Error, Op, Scalar, UnaryOp};

/// NumPy's "one value, one (before, after) pair, or one pair per axis" argument of `pad`
/// (`pad_width`, `stat_length`, `constant_values`, `end_values`).
///
/// # Examples
///
/// ```
/// use numcrane::{array, pad, PadMode, Pairs};
/// let a = array([[1, 2], [3, 4]]);
/// assert_eq!(pad(&a, Pairs::All(1), PadMode::Edge).shape(), &[4, 4]);
/// assert_eq!(pad(&a, Pairs::Pair(0, 1), PadMode::Edge).shape(), &[3, 3]);
/// assert_eq!(pad(&a, Pairs::PerAxis(vec![(1, 0), (0, 2)]), PadMode::Edge).shape(), &[3, 4]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Pairs<T> {
    /// The same value before and after every axis (NumPy's `n`).
    All(T),
    /// The same (before, after) pair for every axis (NumPy's `(before, after)`).
    Pair(T, T),
    /// One (before, after) pair per axis (NumPy's `((b0, a0), (b1, a1), ...)`); a list of one
    /// pair applies to every axis.
    PerAxis(Vec<(T, T)>),
}

/// How many elements `pad` adds before and after each axis (NumPy's `pad_width`).
///
/// # Examples
///
/// ```
/// use numcrane::{array, pad, PadMode, PadWidth};
/// let width: PadWidth = (2, 1).into();
/// let p = pad(&array([5, 6]), width, PadMode::constant(0.0));
/// assert_eq!(p.to_vec::<i32>().unwrap(), vec![0, 0, 5, 6, 0]);
/// ```
pub type PadWidth = Pairs<usize>;

/// Values given per side and axis (`constant_values`, `end_values`).
///
/// # Examples
///
/// ```
/// use numcrane::{array, pad, PadMode, PadValues};
/// let values: PadValues = (-1.0, 9.0).into();
/// let p = pad(&array([5.0, 6.0]), 1, PadMode::Constant(values));
/// assert_eq!(p.to_vec::<f64>().unwrap(), vec![-1.0, 5.0, 6.0, 9.0]);
/// ```
pub type PadValues = Pairs<f64>;

impl From<usize> for Pairs<usize> {
    fn from(n: usize) -> Self {
        Pairs::All(n)
    }
}

impl From<f64> for Pairs<f64> {
    fn from(v: f64) -> Self {
        Pairs::All(v)
    }
}

impl<T> From<(T, T)> for Pairs<T> {
    fn from((b, a): (T, T)) -> Self {
        Pairs::Pair(b, a)
    }
}

impl<T> From<Vec<(T, T)>> for Pairs<T> {
    fn from(v: Vec<(T, T)>) -> Self {
        Pairs::PerAxis(v)
    }
}

impl<T: Clone> From<&[(T, T)]> for Pairs<T> {
    fn from(v: &[(T, T)]) -> Self {
        Pairs::PerAxis(v.to_vec())
    }
}

impl<T, const N: usize> From<[(T, T); N]> for Pairs<T> {
    fn from(v: [(T, T); N]) -> Self {
        Pairs::PerAxis(v.into())
    }
}

impl<T: Clone + std::fmt::Debug> Pairs<T> {
    /// One (before, after) pair per axis of an `ndim`-dimensional array.
    fn resolve(&self, what: &str, ndim: usize) -> Result<Vec<(T, T)>, String> {
        match self {
            Pairs::All(v) => Ok(vec![(v.clone(), v.clone()); ndim]),
            Pairs::Pair(b, a) => Ok(vec![(b.clone(), a.clone()); ndim]),
            Pairs::PerAxis(v) if v.len() == 1 => Ok(vec![v[0].clone(); ndim]),
            Pairs::PerAxis(v) if v.len() == ndim => Ok(v.clone()),
            Pairs::PerAxis(v) => Err(format!(
                "{what} has {} (before, after) pairs ({v:?}) for an array of {ndim} \
                 dimension(s): give one pair, or one per axis",
                v.len()
            )),
        }
    }
}

/// NumPy's `mode=` of [`pad`], with the mode's own keyword arguments.
///
/// # Examples
///
/// ```
/// use numcrane::{array, pad, PadMode};
/// let a = array([1, 2, 3]);
/// let with = |mode: PadMode| pad(&a, 2, mode).to_vec::<i32>().unwrap();
/// assert_eq!(with(PadMode::Edge), vec![1, 1, 1, 2, 3, 3, 3]);
/// assert_eq!(with(PadMode::Reflect), vec![3, 2, 1, 2, 3, 2, 1]);
/// assert_eq!(with(PadMode::Symmetric), vec![2, 1, 1, 2, 3, 3, 2]);
/// assert_eq!(with(PadMode::Wrap), vec![2, 3, 1, 2, 3, 1, 2]);
/// assert_eq!(with(PadMode::Maximum(None)), vec![3, 3, 1, 2, 3, 3, 3]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum PadMode {
    /// 'constant' with `constant_values` (cast to the array's dtype as NumPy's assignment
    /// does: truncated for integers).
    Constant(PadValues),
    /// 'edge': the edge element repeated.
    Edge,
    /// 'linear_ramp' with `end_values`: a ramp from the end value to the edge element.
    LinearRamp(PadValues),
    /// 'maximum' with `stat_length` (None: the whole axis).
    Maximum(Option<PadWidth>),
    /// 'minimum' with `stat_length`.
    Minimum(Option<PadWidth>),
    /// 'mean' with `stat_length` (rounded half to even for integer arrays).
    Mean(Option<PadWidth>),
    /// 'median' with `stat_length` (rounded half to even for integer arrays).
    Median(Option<PadWidth>),
    /// 'reflect' (reflect_type 'even'): mirrored about the edge element, which is not
    /// repeated.
    Reflect,
    /// 'symmetric' (reflect_type 'even'): mirrored including the edge element.
    Symmetric,
    /// 'wrap': the other end of the axis.
    Wrap,
    /// 'reflect' with reflect_type 'odd': `2 edge - element` of the reflection (computed in
    /// the array's dtype, so integers wrap as in NumPy; not for bool).
    ReflectOdd,
    /// 'symmetric' with reflect_type 'odd'.
    SymmetricOdd,
    /// 'empty': NumPy leaves the padding uninitialised (any values); numcrane fills it with
    /// zeros, so the result is defined. Like 'constant', it can extend an empty axis.
    Empty,
}

impl PadMode {
    /// 'constant' with `constant_values` (one value, a pair, or pairs per axis).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, pad, PadMode};
    /// let p = pad(&array([[1, 2]]), 1, PadMode::constant(7.0));
    /// assert_eq!(p.to_vec::<i32>().unwrap(), vec![7, 7, 7, 7, 7, 1, 2, 7, 7, 7, 7, 7]);
    /// ```
    pub fn constant(values: impl Into<PadValues>) -> PadMode {
        PadMode::Constant(values.into())
    }

    /// 'linear_ramp' with `end_values` (one value, a pair, or pairs per axis).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, pad, PadMode};
    /// let p = pad(&array([5.0, 5.0]), (2, 0), PadMode::linear_ramp(1.0));
    /// assert_eq!(p.to_vec::<f64>().unwrap(), vec![1.0, 3.0, 5.0, 5.0]);
    /// ```
    pub fn linear_ramp(end_values: impl Into<PadValues>) -> PadMode {
        PadMode::LinearRamp(end_values.into())
    }

    fn name(&self) -> &'static str {
        match self {
            PadMode::Constant(_) => "constant",
            PadMode::Edge => "edge",
            PadMode::LinearRamp(_) => "linear_ramp",
            PadMode::Maximum(_) => "maximum",
            PadMode::Minimum(_) => "minimum",
            PadMode::Mean(_) => "mean",
            PadMode::Median(_) => "median",
            PadMode::Reflect => "reflect",
            PadMode::Symmetric => "symmetric",
            PadMode::Wrap => "wrap",
            PadMode::ReflectOdd => "reflect",
            PadMode::SymmetricOdd => "symmetric",
            PadMode::Empty => "empty",
        }
    }
}

impl Default for PadMode {
    /// NumPy's default: 'constant' with 0.
    fn default() -> PadMode {
        PadMode::Constant(Pairs::All(0.0))
    }
}

/// NumPy's `np.pad(a, pad_width, mode, **kwargs)`: `a` with `pad_width` elements added
/// before and after each axis, filled as `mode` says. `pad_width` is one count (`2`), one
/// (before, after) pair (`(1, 3)`) or a list of pairs, one per axis (`[(1, 0), (0, 2)]`).
/// The result has `a`'s dtype; a 0-d `a` comes back unchanged. A new array (a copy).
///
/// Modes other than constant and empty cannot extend an axis of length 0 (an error, as
/// NumPy). `PadMode::Empty` fills the padding with zeros (NumPy leaves it uninitialised).
/// Not supported: a callable mode, and `reflect_type='odd'` of a bool array.
///
/// ```
/// use numcrane::{array, pad, PadMode};
/// let x = array([1, 2, 3]);
/// assert_eq!(pad(&x, 2, PadMode::Reflect).to_vec::<i32>().unwrap(), vec![3, 2, 1, 2, 3, 2, 1]);
/// assert_eq!(pad(&x, (1, 0), PadMode::constant(9.0)).to_vec::<i32>().unwrap(), vec![9, 1, 2, 3]);
/// // pads wider than the array reflect (or wrap) again, as NumPy
/// assert_eq!(
///     pad(&x, (0, 5), PadMode::Wrap).to_vec::<i32>().unwrap(),
///     vec![1, 2, 3, 1, 2, 3, 1, 2]
/// );
/// let m = array([[1.0, 2.0], [3.0, 4.0]]);
/// let p = pad(&m, [(1, 0), (0, 1)], PadMode::Mean(None));
/// assert_eq!(p.to_vec::<f64>().unwrap(), vec![2.0, 3.0, 2.5, 1.0, 2.0, 1.5, 3.0, 4.0, 3.5]);
/// ```
#[track_caller]
pub fn pad(a: &Array, pad_width: impl Into<PadWidth>, mode: PadMode) -> Array {
    let loc = SourceLocation::caller();
    match pad_at(a, &pad_width.into(), &mode, loc) {
        Ok(x) => x,
        Err(e) => build::poison(e, Op::Concat { axis: 0 }, &[a], a.dtype(), vec![], loc),
    }
}

fn pad_at(
    a: &Array,
    width: &PadWidth,
    mode: &PadMode,
    loc: SourceLocation,
) -> Result<Array, Error> {
    let nd = a.ndim();
    let bad = |msg: String| Error::invalid("pad", msg, loc);
    let widths = width.resolve("pad_width", nd).map_err(bad)?;
    let mut shape = a.shape().to_vec();
    for (d, &(b, f)) in widths.iter().enumerate() {
        shape[d] = b
            .checked_add(f)
            .and_then(|w| w.checked_add(shape[d]))
            .ok_or_else(|| bad(format!("pad_width {widths:?} is too large")))?;
    }
    build::check_size("pad", &shape, loc)?;
    if !matches!(mode, PadMode::Constant(_) | PadMode::Empty) && a.size() == 0 {
        // NumPy: only 'constant' (and 'empty') can extend an empty axis
        if let Some(d) = (0..nd).find(|&d| a.shape()[d] == 0 && widths[d] != (0, 0)) {
            return Err(bad(format!(
                "can't extend empty axis {d} using modes other than 'constant' or 'empty' \
                 (mode {:?}, shape {:?}, pad_width {widths:?})",
                mode.name(),
                a.shape()
            )));
        }
        return Ok(crate::zeros(shape, a.dtype()));
    }
    let per_axis_values = |p: &PadValues, what: &str| p.resolve(what, nd).map_err(bad);
    let stat_lengths = |s: &Option<PadWidth>| match s {
        None => Ok(vec![(usize::MAX, usize::MAX); nd]),
        Some(s) => s.resolve("stat_length", nd).map_err(bad),
    };
    let mut x = a.clone();
    match mode {
        PadMode::Constant(v) => {
            let values = per_axis_values(v, "constant_values")?;
            for d in 0..nd {
                x = pad_constant(&x, d, widths[d], values[d], loc);
            }
        }
        // Any values are allowed in the padding: zeros are the cheapest defined ones.
        PadMode::Empty => {
            for (d, &w) in widths.iter().enumerate() {
                x = pad_constant(&x, d, w, (0.0, 0.0), loc);
            }
        }
        PadMode::LinearRamp(v) => {
            let values = per_axis_values(v, "end_values")?;
            for d in 0..nd {
                x = pad_ramp(&x, d, widths[d], values[d], loc);
            }
        }
        PadMode::Maximum(s) | PadMode::Minimum(s) | PadMode::Mean(s) | PadMode::Median(s) => {
            let lengths = stat_lengths(s)?;
            for d in 0..nd {
                let n = a.shape()[d];
                let (lb, la) = (lengths[d].0.min(n), lengths[d].1.min(n));
                if (lb == 0 || la == 0) && matches!(mode, PadMode::Maximum(_) | PadMode::Minimum(_))
                {
                    return Err(bad(format!(
                        "stat_length of 0 yields no value for padding (axis {d}, mode {:?})",
                        mode.name()
                    )));
                }
                x = pad_stat(&x, d, widths[d], (lb, la), mode, loc);
            }
        }
        PadMode::Edge
        | PadMode::Reflect
        | PadMode::Symmetric
        | PadMode::ReflectOdd
        | PadMode::SymmetricOdd
        | PadMode::Wrap => {
            let odd = matches!(mode, PadMode::ReflectOdd | PadMode::SymmetricOdd);
            if odd && a.dtype() == DType::Bool {
                return Err(bad(format!(
                    "reflect_type 'odd' of a bool array is not supported (mode {:?})",
                    mode.name()
                )));
            }
            for (d, &w) in widths.iter().enumerate() {
                let n = a.shape()[d];
                let period = match mode {
                    PadMode::Wrap => n,
                    PadMode::Reflect if n > 1 => 2 * (n - 1),
                    PadMode::Symmetric if n > 1 => 2 * n,
                    _ => 0,
                };
                x = if period > 0 && w.0.saturating_add(w.1) > 2 * period {
                    periodic(&x, d, n, w, period, mode, loc)
                } else {
                    combine(&x, d, &source_combos(n, w, mode), loc)
                };
            }
        }
    }
    Ok(x)
}

/// `len` copies of the constant `value` (cast to `like`'s dtype) shaped as `like` with
/// `len` along `axis`.
fn block_like(like: &Array, axis: usize, len: usize, value: &Array, loc: SourceLocation) -> Array {
    let mut shape = like.shape().to_vec();
    shape[axis] = len;
    build::broadcast(&build::cast(value, like.dtype(), loc), &shape, loc)
}

/// `[before, x, after]` joined along `axis`, skipping empty parts.
fn join(
    before: Option<Array>,
    x: &Array,
    after: Option<Array>,
    axis: usize,
    loc: SourceLocation,
) -> Array {
    let parts: Vec<Array> = before.into_iter().chain([x.clone()]).chain(after).collect();
    if parts.len() == 1 {
        return x.clone();
    }
    let refs: Vec<&Array> = parts.iter().collect();
    concat_at(&refs, axis, loc)
}

fn pad_constant(
    x: &Array,
    axis: usize,
    (b, f): (usize, usize),
    (vb, vf): (f64, f64),
    loc: SourceLocation,
) -> Array {
    let side = |w: usize, v: f64| {
        (w > 0).then(|| block_like(x, axis, w, &build::full(vec![], Scalar::F64(v), loc), loc))
    };
    join(side(b, vb), x, side(f, vf), axis, loc)
}

/// The statistic of `len` elements along `axis` starting at `start`, in `x`'s dtype (rounded
/// half to even first for integers, as NumPy's `_round_if_needed`), keepdims.
fn stat(
    x: &Array,
    axis: usize,
    start: usize,
    len: usize,
    mode: &PadMode,
    loc: SourceLocation,
) -> Array {
    let chunk = slice_axis(x, axis, start, len, loc);
    let ax = keepdims(axis as isize);
    let s = match mode {
        PadMode::Maximum(_) => chunk.max(ax),
        PadMode::Minimum(_) => chunk.min(ax),
        PadMode::Mean(_) => chunk.mean(ax),
        _ => crate::median(&chunk, ax),
    };
    let dt = x.dtype();
    let s = if dt.is_int() && s.dtype().is_float() {
        build::unary(UnaryOp::Rint, &s, loc)
    } else {
        s
    };
    build::cast(&s, dt, loc)
}

fn pad_stat(
    x: &Array,
    axis: usize,
    (b, f): (usize, usize),
    (lb, la): (usize, usize),
    mode: &PadMode,
    loc: SourceLocation,
) -> Array {
    // the original elements of this axis sit at b..b+n in no particular relation to x's other
    // axes: x is only padded along the axes before this one, so here they are 0..n
    let n = x.shape()[axis];
    let side = |w: usize, start: usize, len: usize| {
        (w > 0).then(|| {
            let s = stat(x, axis, start, len, mode, loc);
            let mut shape = x.shape().to_vec();
            shape[axis] = w;
            build::broadcast(&s, &shape, loc)
        })
    };
    join(side(b, 0, lb), x, side(f, n - la, la), axis, loc)
}

/// NumPy's `linspace(end, edge, w, endpoint=False)` along `axis` (edge has length 1 there),
/// in float64, reversed for the right side, cast to `dtype` (floored first for integers).
fn ramp(
    edge: &Array,
    end: f64,
    w: usize,
    axis: usize,
    right: bool,
    dtype: DType,
    loc: SourceLocation,
) -> Array {
    let edge = build::cast(edge, DType::F64, loc);
    let delta = build::binary(BinaryOp::Sub, arr(&edge), weak(end), loc);
    let step = build::binary(BinaryOp::Div, arr(&delta), weak(w as f64), loc);
    // NumPy switches to (i / w) * delta when any step is zero
    let zero_step = build::binary(BinaryOp::Eq, arr(&step), weak(0.0), loc).any(..);
    let mut ishape = vec![1; edge.ndim()];
    ishape[axis] = w;
    let i = crate::arange(0.0, w as f64, 1.0).reshape_at(ishape, loc);
    let by_step = build::binary(BinaryOp::Mul, arr(&i), arr(&step), loc);
    let frac = build::binary(BinaryOp::Div, arr(&i), weak(w as f64), loc);
    let by_frac = build::binary(BinaryOp::Mul, arr(&frac), arr(&delta), loc);
    let y = build::select(arr(&zero_step), arr(&by_frac), arr(&by_step), loc);
    let y = build::binary(BinaryOp::Add, arr(&y), weak(end), loc);
    let y = if dtype.is_int() {
        build::unary(UnaryOp::Floor, &y, loc)
    } else {
        y
    };
    let y = build::cast(&y, dtype, loc);
    if right {
        let n = y.shape()[axis];
        let specs = y
            .shape()
            .iter()
            .enumerate()
            .map(|(d, &m)| if d == axis { (n - 1, -1, n) } else { (0, 1, m) })
            .collect();
        build::view(
            &y,
            numcrane_graph::ViewOp::Slice(specs),
            y.shape().to_vec(),
            loc,
        )
    } else {
        y
    }
}

fn pad_ramp(
    x: &Array,
    axis: usize,
    (b, f): (usize, usize),
    (eb, ef): (f64, f64),
    loc: SourceLocation,
) -> Array {
    let n = x.shape()[axis];
    let dt = x.dtype();
    let left = (b > 0).then(|| ramp(&slice_axis(x, axis, 0, 1, loc), eb, b, axis, false, dt, loc));
    let right = (f > 0).then(|| {
        ramp(
            &slice_axis(x, axis, n - 1, 1, loc),
            ef,
            f,
            axis,
            true,
            dt,
            loc,
        )
    });
    join(left, x, right, axis, loc)
}

/// The elements of Python's `range(len)[start:stop:step]` (step 1 or -1).
fn py_slice(start: isize, stop: isize, step: isize, len: usize) -> Vec<usize> {
    let len = len as isize;
    let norm = |i: isize, lo: isize, hi: isize| {
        let i = if i < 0 { i + len } else { i };
        i.clamp(lo, hi)
    };
    if step > 0 {
        let (s, e) = (norm(start, 0, len), norm(stop, 0, len));
        (s..e.max(s)).map(|i| i as usize).collect()
    } else {
        let (s, e) = (norm(start, -1, len - 1), norm(stop, -1, len - 1));
        let mut out = Vec::new();
        let mut i = s;
        while i > e {
            out.push(i as usize);
            i -= 1;
        }
        out
    }
}

/// An element of the padded axis as a combination of the unpadded axis' elements:
/// `(position, coefficient)` terms, no zero coefficient, sorted. Copies are one term with
/// coefficient 1; reflect_type 'odd' makes `2 edge - element` combinations.
type Combo = Vec<(usize, i64)>;

/// `2 edge - c`, as NumPy's 'odd' reflection computes it.
fn odd(edge: &Combo, c: &Combo) -> Combo {
    let mut terms: Vec<(usize, i64)> = Vec::new();
    let mut add = |i: usize, k: i64| match terms.iter_mut().find(|t| t.0 == i) {
        Some(t) => t.1 += k,
        None => terms.push((i, k)),
    };
    edge.iter().for_each(|&(i, k)| add(i, 2 * k));
    c.iter().for_each(|&(i, k)| add(i, -k));
    terms.retain(|t| t.1 != 0);
    terms.sort_by_key(|&(i, k)| (k, i));
    terms
}

/// For each position of the padded axis (of the unpadded length `n > 0`), where its element
/// comes from, computed by running NumPy's own padding loop (`_set_reflect_both` /
/// `_set_wrap_both`, which repeat while the pad is wider than the array) on combinations.
fn source_combos(n: usize, (b, f): (usize, usize), mode: &PadMode) -> Vec<Combo> {
    let total = b + n + f;
    let mut p: Vec<Combo> = (0..total)
        .map(|j| vec![(j.saturating_sub(b).min(n - 1), 1)])
        .collect();
    // (edge, and reflect / symmetric of a length-1 axis, are the clamp above)
    if matches!(mode, PadMode::Edge) || (n == 1 && !matches!(mode, PadMode::Wrap)) {
        return p;
    }
    let negate = matches!(mode, PadMode::ReflectOdd | PadMode::SymmetricOdd);
    let copy = |p: &mut Vec<Combo>, from: &[usize], to: &[usize], edge: Option<usize>| {
        let vals: Vec<Combo> = from
            .iter()
            .map(|&i| match edge {
                Some(e) if negate => odd(&p[e], &p[i]),
                _ => p[i].clone(),
            })
            .collect();
        for (&t, v) in to.iter().zip(vals) {
            p[t] = v;
        }
    };
    let (mut left, mut right) = (b as isize, f as isize);
    let len = total;
    let l = len as isize;
    if let PadMode::Wrap = mode {
        // _set_wrap_both
        while left > 0 || right > 0 {
            let period = (l - right - left) / n as isize * n as isize;
            let (mut new_left, mut new_right) = (0, 0);
            if left > 0 {
                let end = left + period;
                let start = end - period.min(left);
                let from = py_slice(start, end, 1, len);
                let to = if left > period {
                    new_left = left - period;
                    py_slice(left - period, left, 1, len)
                } else {
                    py_slice(0, left, 1, len)
                };
                copy(&mut p, &from, &to, None);
            }
            if right > 0 {
                let start = -right - period;
                let end = start + period.min(right);
                let from = py_slice(start, end, 1, len);
                let to = if right > period {
                    new_right = right - period;
                    py_slice(-right, -right + period, 1, len)
                } else {
                    py_slice(-right, l, 1, len)
                };
                copy(&mut p, &from, &to, None);
            }
            left = new_left;
            right = new_right;
        }
        return p;
    }
    // _set_reflect_both
    let include_edge = matches!(mode, PadMode::Symmetric | PadMode::SymmetricOdd);
    let nn = n as isize;
    while left > 0 || right > 0 {
        let mut old = l - right - left;
        let edge_offset = if include_edge {
            old = old / nn * nn;
            1
        } else {
            old = (old - 1) / (nn - 1) * (nn - 1) + 1;
            old -= 1;
            0
        };
        if left > 0 {
            let chunk = old.min(left);
            let stop = left - edge_offset;
            let from = py_slice(stop + chunk, stop, -1, len);
            let to = py_slice(left - chunk, left, 1, len);
            copy(&mut p, &from, &to, Some(left as usize));
            left -= chunk;
        }
        if right > 0 {
            let chunk = old.min(right);
            let start = -right + edge_offset - 2;
            let from = py_slice(start, start - chunk, -1, len);
            let s = l - right;
            let to = py_slice(s, s + chunk, 1, len);
            copy(&mut p, &from, &to, Some((l - right - 1) as usize));
            right -= chunk;
        }
    }
    p
}

/// `x` with its `axis` replaced by the combinations `combos` of its elements: runs of
/// positions whose terms all step by the same -1, 0 or 1 with the same coefficients become
/// one sum of (scaled) slice views; the runs are joined with one concat.
fn combine(x: &Array, axis: usize, combos: &[Combo], loc: SourceLocation) -> Array {
    if combos.iter().all(|c| c.len() == 1 && c[0].1 == 1) {
        let idx: Vec<usize> = combos.iter().map(|c| c[0].0).collect();
        return gather(x, axis, &idx, loc);
    }
    let mut parts = Vec::new();
    let mut j = 0;
    while j < combos.len() {
        let first = &combos[j];
        let same_shape =
            |c: &Combo| c.len() == first.len() && c.iter().zip(first).all(|(a, b)| a.1 == b.1);
        let steps: Option<Vec<isize>> = combos.get(j + 1).filter(|c| same_shape(c)).map(|c| {
            c.iter()
                .zip(first)
                .map(|(a, b)| a.0 as isize - b.0 as isize)
                .collect()
        });
        let steps = steps.filter(|st| st.iter().all(|d| d.abs() <= 1));
        let mut end = j + 1;
        if let Some(st) = &steps {
            while end < combos.len()
                && same_shape(&combos[end])
                && combos[end]
                    .iter()
                    .zip(&combos[end - 1])
                    .zip(st)
                    .all(|((a, b), d)| a.0 as isize - b.0 as isize == *d)
            {
                end += 1;
            }
        }
        let mut sum: Option<Array> = None;
        for k in 0..first.len() {
            let idx: Vec<usize> = combos[j..end].iter().map(|c| c[k].0).collect();
            let term = gather(x, axis, &idx, loc);
            let coef = first[k].1;
            let (scaled, negative) = if coef.abs() == 1 {
                (term, coef < 0)
            } else {
                // the coefficient in the array's dtype (wrapping for integers, as NumPy's
                // integer arithmetic does)
                let c = build::cast(&Array::scalar(coef.abs()), x.dtype(), loc);
                (
                    build::binary(BinaryOp::Mul, arr(&term), arr(&c), loc),
                    coef < 0,
                )
            };
            sum = Some(match (sum, negative) {
                (None, false) => scaled,
                (None, true) => build::unary(UnaryOp::Neg, &scaled, loc),
                (Some(s), false) => build::binary(BinaryOp::Add, arr(&s), arr(&scaled), loc),
                (Some(s), true) => build::binary(BinaryOp::Sub, arr(&s), arr(&scaled), loc),
            });
        }
        if let Some(piece) = sum {
            parts.push(piece);
        }
        j = end;
    }
    if parts.len() == 1 {
        return parts.remove(0);
    }
    let refs: Vec<&Array> = parts.iter().collect();
    concat_at(&refs, axis, loc)
}

/// A pad much wider than the array, for the even modes, whose padded axis is periodic:
/// NumPy's repeated reflection (and wrapping) equals the mirror extension of period
/// `2 (n - 1)` (reflect), `2 n` (symmetric) or `n` (wrap). One period is gathered, tiled (a
/// reshaped broadcast) and sliced, so the graph stays a few nodes however wide the pad is.
fn periodic(
    x: &Array,
    axis: usize,
    n: usize,
    (b, f): (usize, usize),
    period: usize,
    mode: &PadMode,
    loc: SourceLocation,
) -> Array {
    let idx: Vec<usize> = (0..period)
        .map(|m| match mode {
            PadMode::Reflect if m >= n => period - m,
            PadMode::Symmetric if m >= n => period - 1 - m,
            _ => m,
        })
        .collect();
    let block = gather(x, axis, &idx, loc);
    let total = b + n + f;
    // the padded axis starts `b` before the period's start
    let start = (period - b % period) % period;
    let k = (start + total).div_ceil(period);
    let mut one = block.shape().to_vec();
    one.insert(axis, 1);
    let mut wide = one.clone();
    wide[axis] = k;
    let mut flat = block.shape().to_vec();
    flat[axis] = k * period;
    let tiled = build::broadcast(&block.reshape_at(one, loc), &wide, loc).reshape_at(flat, loc);
    slice_axis(&tiled, axis, start, total, loc)
}

/// `x` taken at positions `idx` along `axis`: runs of consecutive (or reversed, or repeated)
/// positions become slice views (a repeat is one element broadcast), joined with one concat.
fn gather(x: &Array, axis: usize, idx: &[usize], loc: SourceLocation) -> Array {
    if idx.len() == x.shape()[axis] && idx.iter().enumerate().all(|(i, &k)| i == k) {
        return x.clone();
    }
    let mut parts = Vec::new();
    let mut j = 0;
    while j < idx.len() {
        let step = match idx.get(j + 1) {
            Some(&k) if k == idx[j] + 1 => 1,
            Some(&k) if k + 1 == idx[j] => -1,
            Some(&k) if k == idx[j] => 0,
            _ => 1,
        };
        let mut end = j + 1;
        while end < idx.len() && idx[end] as isize == idx[end - 1] as isize + step {
            end += 1;
        }
        let len = end - j;
        let start = idx[j];
        let piece = match step {
            1 => slice_axis(x, axis, start, len, loc),
            0 => {
                let one = slice_axis(x, axis, start, 1, loc);
                let mut shape = x.shape().to_vec();
                shape[axis] = len;
                build::broadcast(&one, &shape, loc)
            }
            _ => {
                let specs = x
                    .shape()
                    .iter()
                    .enumerate()
                    .map(|(d, &m)| {
                        if d == axis {
                            (start, -1, len)
                        } else {
                            (0, 1, m)
                        }
                    })
                    .collect();
                let mut shape = x.shape().to_vec();
                shape[axis] = len;
                build::view(x, numcrane_graph::ViewOp::Slice(specs), shape, loc)
            }
        };
        parts.push(piece);
        j = end;
    }
    if parts.len() == 1 {
        return parts.remove(0);
    }
    let refs: Vec<&Array> = parts.iter().collect();
    concat_at(&refs, axis, loc)
}
