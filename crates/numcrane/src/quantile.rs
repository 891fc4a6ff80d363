//! Quantiles with NumPy's names and semantics: `quantile`, `percentile`, `nanquantile` and
//! `nanpercentile`, with every one of NumPy's 13 `method=`s (the `_with` spellings; the plain
//! ones use NumPy's default, 'linear').
//!
//! Each function moves the reduced axes last and flattens them into one lane; the order
//! statistics follow the stable sort's order (NaN last; see sorting.rs). What happens next follows
//! numpy/lib/_function_base_impl.py step by step, because NumPy's answers depend on its exact
//! floating-point arithmetic (the virtual index `n q + (alpha + q (1 - alpha - beta)) - 1`, its
//! floor, the gamma and its per-method fix, the rounding rules of 'nearest' and
//! 'closest_observation', and `_lerp`, which subtracts the two neighbours in the input's own
//! dtype before promoting):
//!
//! - `quantile` / `percentile`: the lane length `n` and `q` are known while the graph is built,
//!   so the positions and the gamma are computed here in `f64` exactly as NumPy does, and only
//!   the neighbours at those positions are read, with one order-statistics node for every `q`
//!   (`Op::Select`, expected linear time on the JIT backend, as NumPy's `partition`).
//! - `nanquantile` / `nanpercentile`: NumPy drops each lane's NaNs first, so `n` becomes the
//!   lane's non-NaN count, a value known only at evaluation, so these lanes are fully sorted
//!   (`Op::Sort`). The same formulas are built as
//!   element-wise nodes over that count (the same `f64` operations in the same order, so the
//!   positions are bit-identical), and the neighbour at a data-dependent position `k` is read as
//!   the sum of the sorted lane masked to position `k` (NaNs sort last, so positions below the
//!   count are the lane's non-NaN values in order).
//!
//! - `quantile_weighted` / `percentile_weighted` (NumPy 2's `weights=`, method inverted_cdf):
//!   the answer is the first sorted element whose cumulative weight over the total reaches
//!   `q`; instead of reordering the weights with the sort (there is no gather node), a binary
//!   search over the sorted positions (ceil(log2 n) rounds of element-wise nodes) asks, for the
//!   element at the middle position, the total weight of the lane's elements not above it.
//!
//! The discrete methods (inverted_cdf, closest_observation, lower, higher, nearest) take an
//! element, so they keep the input's dtype (bool and integers included), as NumPy's `take`
//! does; the interpolating ones give float64 for integers, keep float32 for one `q` and give
//! float64 for a list of `q` (NumPy's weak Python-float `q` versus a float64 array). A lane
//! holding NaN gives NaN (the non-NaN functions); an all-NaN lane gives NaN (the NaN ones).
//! Every function is `#[track_caller]`: a bad `q`, method, axis or dtype gives an array whose
//! evaluation returns an error naming the function (never a panic).

use crate::build;
use crate::reduce::{resolve, Axes};
use crate::sorting::{arr, float_of, lanes_last, nan_if_any, sorted_lanes, weak, Selected};
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{BinaryOp, DType, Error, Op, UnaryOp};

/// The quantiles asked of [`percentile`] / [`quantile`] and their variants: one value (the
/// result has the reduced shape) or a list (the result gains a leading axis of the list's
/// length, as NumPy).
///
/// # Examples
///
/// ```
/// use numcrane::{array, quantile};
/// let a = array([1.0, 2.0, 3.0, 4.0, 5.0]);
/// // One quantile: the reduced shape.
/// assert_eq!(quantile(&a, 0.5, ..).item::<f64>().unwrap(), 3.0);
/// // A list: a leading axis of the list's length.
/// let q = quantile(&a, [0.0, 0.25, 1.0], ..);
/// assert_eq!(q.to_vec::<f64>().unwrap(), vec![1.0, 2.0, 5.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Quantiles {
    values: Vec<f64>,
    scalar: bool,
}

impl From<f64> for Quantiles {
    fn from(q: f64) -> Quantiles {
        Quantiles {
            values: vec![q],
            scalar: true,
        }
    }
}

impl From<&[f64]> for Quantiles {
    fn from(q: &[f64]) -> Quantiles {
        Quantiles {
            values: q.to_vec(),
            scalar: false,
        }
    }
}

impl From<Vec<f64>> for Quantiles {
    fn from(q: Vec<f64>) -> Quantiles {
        Quantiles {
            values: q,
            scalar: false,
        }
    }
}

impl<const N: usize> From<[f64; N]> for Quantiles {
    fn from(q: [f64; N]) -> Quantiles {
        Quantiles {
            values: q.to_vec(),
            scalar: false,
        }
    }
}

/// NumPy's `method=` of `quantile` / `percentile` / `nanquantile` / `nanpercentile`: the nine
/// sample-quantile definitions of Hyndman and Fan (1996) and NumPy's four others.
///
/// # Examples
///
/// ```
/// use numcrane::{array, quantile_with, QuantileMethod};
/// let a = array([1.0, 2.0, 3.0, 4.0]);
/// let q = |m: QuantileMethod| quantile_with(&a, 0.5, .., m).item::<f64>().unwrap();
/// assert_eq!(q(QuantileMethod::Linear), 2.5);
/// assert_eq!(q(QuantileMethod::Lower), 2.0);
/// assert_eq!(q(QuantileMethod::Higher), 3.0);
/// assert_eq!(q(QuantileMethod::InvertedCdf), 2.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum QuantileMethod {
    /// 'inverted_cdf' (H&F 1): the first element whose empirical CDF reaches `q`.
    InvertedCdf,
    /// 'averaged_inverted_cdf' (H&F 2): as inverted_cdf, averaging at the jumps.
    AveragedInvertedCdf,
    /// 'closest_observation' (H&F 3): the nearest element, the even order statistic on ties.
    ClosestObservation,
    /// 'interpolated_inverted_cdf' (H&F 4): alpha = 0, beta = 1.
    InterpolatedInvertedCdf,
    /// 'hazen' (H&F 5): alpha = beta = 1/2.
    Hazen,
    /// 'weibull' (H&F 6): alpha = beta = 0.
    Weibull,
    /// 'linear' (H&F 7, NumPy's default): position `(n - 1) q`.
    #[default]
    Linear,
    /// 'median_unbiased' (H&F 8): alpha = beta = 1/3.
    MedianUnbiased,
    /// 'normal_unbiased' (H&F 9): alpha = beta = 3/8.
    NormalUnbiased,
    /// 'lower': the element at `floor((n - 1) q)`.
    Lower,
    /// 'higher': the element at `ceil((n - 1) q)`.
    Higher,
    /// 'midpoint': the mean of the lower and higher elements.
    Midpoint,
    /// 'nearest': the element at `(n - 1) q` rounded half to even.
    Nearest,
}

impl QuantileMethod {
    /// All 13 methods, in NumPy's order.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::QuantileMethod;
    /// assert_eq!(QuantileMethod::ALL.len(), 13);
    /// assert_eq!(QuantileMethod::ALL[0].name(), "inverted_cdf");
    /// assert!(QuantileMethod::ALL.contains(&QuantileMethod::Linear));
    /// ```
    pub const ALL: [QuantileMethod; 13] = [
        QuantileMethod::InvertedCdf,
        QuantileMethod::AveragedInvertedCdf,
        QuantileMethod::ClosestObservation,
        QuantileMethod::InterpolatedInvertedCdf,
        QuantileMethod::Hazen,
        QuantileMethod::Weibull,
        QuantileMethod::Linear,
        QuantileMethod::MedianUnbiased,
        QuantileMethod::NormalUnbiased,
        QuantileMethod::Lower,
        QuantileMethod::Higher,
        QuantileMethod::Midpoint,
        QuantileMethod::Nearest,
    ];

    /// NumPy's name of the method (`"median_unbiased"`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::QuantileMethod;
    /// assert_eq!(QuantileMethod::MedianUnbiased.name(), "median_unbiased");
    /// assert_eq!(QuantileMethod::Linear.name(), "linear");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            QuantileMethod::InvertedCdf => "inverted_cdf",
            QuantileMethod::AveragedInvertedCdf => "averaged_inverted_cdf",
            QuantileMethod::ClosestObservation => "closest_observation",
            QuantileMethod::InterpolatedInvertedCdf => "interpolated_inverted_cdf",
            QuantileMethod::Hazen => "hazen",
            QuantileMethod::Weibull => "weibull",
            QuantileMethod::Linear => "linear",
            QuantileMethod::MedianUnbiased => "median_unbiased",
            QuantileMethod::NormalUnbiased => "normal_unbiased",
            QuantileMethod::Lower => "lower",
            QuantileMethod::Higher => "higher",
            QuantileMethod::Midpoint => "midpoint",
            QuantileMethod::Nearest => "nearest",
        }
    }

    /// The method NumPy calls `name`, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::QuantileMethod;
    /// assert_eq!(QuantileMethod::from_name("hazen"), Some(QuantileMethod::Hazen));
    /// assert_eq!(QuantileMethod::from_name("bogus"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<QuantileMethod> {
        QuantileMethod::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether the answer is one of the lane's elements (no interpolation): NumPy `take`s it,
    /// so the result keeps the input's dtype.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::QuantileMethod;
    /// assert!(QuantileMethod::Nearest.is_discrete());
    /// assert!(!QuantileMethod::Linear.is_discrete());
    /// ```
    pub fn is_discrete(self) -> bool {
        matches!(
            self,
            QuantileMethod::InvertedCdf
                | QuantileMethod::ClosestObservation
                | QuantileMethod::Lower
                | QuantileMethod::Higher
                | QuantileMethod::Nearest
        )
    }

    /// (alpha, beta) of the methods NumPy computes with `_compute_virtual_index`.
    fn alpha_beta(self) -> Option<(f64, f64)> {
        match self {
            QuantileMethod::InterpolatedInvertedCdf => Some((0.0, 1.0)),
            QuantileMethod::Hazen => Some((0.5, 0.5)),
            QuantileMethod::Weibull => Some((0.0, 0.0)),
            QuantileMethod::MedianUnbiased => Some((1.0 / 3.0, 1.0 / 3.0)),
            QuantileMethod::NormalUnbiased => Some((3.0 / 8.0, 3.0 / 8.0)),
            _ => None,
        }
    }
}

/// A method given as a [`QuantileMethod`] or by NumPy's name (`"hazen"`); an unknown name makes
/// the result an error naming the valid ones.
///
/// # Examples
///
/// ```
/// use numcrane::{array, percentile_with, QuantileMethod};
/// let a = array([10, 20, 30, 40]);
/// // By NumPy's name or by value; a discrete method keeps the int32 dtype.
/// let by_name = percentile_with(&a, 50.0, .., "lower");
/// let by_value = percentile_with(&a, 50.0, .., QuantileMethod::Lower);
/// assert_eq!(by_name.item::<i32>().unwrap(), 20);
/// assert_eq!(by_value.item::<i32>().unwrap(), 20);
/// assert!(percentile_with(&a, 50.0, .., "bogus").eval().is_err());
/// ```
pub trait IntoQuantileMethod {
    /// The method, or the unknown name.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{IntoQuantileMethod, QuantileMethod};
    /// assert_eq!("weibull".into_method(), Ok(QuantileMethod::Weibull));
    /// assert_eq!("bogus".into_method(), Err("bogus".to_string()));
    /// ```
    fn into_method(self) -> Result<QuantileMethod, String>;
}

impl IntoQuantileMethod for QuantileMethod {
    fn into_method(self) -> Result<QuantileMethod, String> {
        Ok(self)
    }
}

impl IntoQuantileMethod for &str {
    fn into_method(self) -> Result<QuantileMethod, String> {
        QuantileMethod::from_name(self).ok_or_else(|| self.to_string())
    }
}

impl IntoQuantileMethod for String {
    fn into_method(self) -> Result<QuantileMethod, String> {
        self.as_str().into_method()
    }
}

/// NumPy's `percentile(a, q, axis, keepdims)` with the default 'linear' method: `q` (one value
/// or a list) in `[0, 100]`. See [`quantile`] and [`percentile_with`].
///
/// ```
/// use numcrane::{array, percentile};
/// let x = array([1.0, 2.0, 3.0, 4.0, 5.0]);
/// assert_eq!(percentile(&x, 25.0, ..).to_vec::<f64>().unwrap(), vec![2.0]);
/// assert_eq!(percentile(&x, [10.0, 50.0], ..).to_vec::<f64>().unwrap(), vec![1.4, 3.0]);
/// ```
#[track_caller]
pub fn percentile(a: &Array, q: impl Into<Quantiles>, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    run(
        Which::percentile(false),
        a,
        q.into(),
        axes.into(),
        Ok(QuantileMethod::Linear),
        loc,
    )
}

/// NumPy's `percentile(a, q, axis, method=method, keepdims)`: `q` in `[0, 100]`, `method` a
/// [`QuantileMethod`] or NumPy's name of one. See [`quantile_with`].
///
/// ```
/// use numcrane::{array, percentile_with, QuantileMethod};
/// let x = array([1, 2, 3, 4]);
/// let p = percentile_with(&x, 50.0, .., QuantileMethod::Lower);
/// assert_eq!(p.to_vec::<i32>().unwrap(), vec![2]);
/// assert_eq!(percentile_with(&x, 50.0, .., "higher").to_vec::<i32>().unwrap(), vec![3]);
/// ```
#[track_caller]
pub fn percentile_with(
    a: &Array,
    q: impl Into<Quantiles>,
    axes: impl Into<Axes>,
    method: impl IntoQuantileMethod,
) -> Array {
    let loc = SourceLocation::caller();
    run(
        Which::percentile(false),
        a,
        q.into(),
        axes.into(),
        method.into_method(),
        loc,
    )
}

/// NumPy's `quantile(a, q, axis, keepdims)` with the default 'linear' method: `q` (one value or
/// a list) in `[0, 1]`; for a list the result has a leading axis of its length. The answer
/// interpolates between the two sorted neighbours of position `(n - 1) q`; float64 for
/// integers (float32 stays float32 for one `q`, and is float64 for a list, as NumPy), NaN for
/// a slice holding NaN; bool inputs and empty slices are errors, as in NumPy.
///
/// ```
/// use numcrane::{array, quantile};
/// let x = array([[10, 7, 4], [3, 2, 1]]);
/// assert_eq!(quantile(&x, 0.5, ..).to_vec::<f64>().unwrap(), vec![3.5]);
/// assert_eq!(quantile(&x, 0.5, 0).to_vec::<f64>().unwrap(), vec![6.5, 4.5, 2.5]);
/// ```
#[track_caller]
pub fn quantile(a: &Array, q: impl Into<Quantiles>, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    run(
        Which::quantile(false),
        a,
        q.into(),
        axes.into(),
        Ok(QuantileMethod::Linear),
        loc,
    )
}

/// NumPy's `quantile(a, q, axis, method=method, keepdims)`: `method` is a [`QuantileMethod`]
/// or NumPy's name of one (`"median_unbiased"`; an unknown name is an error listing the valid
/// ones). The discrete methods ('inverted_cdf', 'closest_observation', 'lower', 'higher',
/// 'nearest') return elements of the input, in its dtype (bool allowed); the others
/// interpolate, with [`quantile`]'s dtypes. NumPy's `weights=` is [`quantile_weighted`].
///
/// ```
/// use numcrane::{array, quantile_with, QuantileMethod};
/// let x = array([1.0, 2.0, 3.0, 4.0]);
/// let h = quantile_with(&x, 0.5, .., QuantileMethod::Hazen);
/// assert_eq!(h.to_vec::<f64>().unwrap(), vec![2.5]);
/// let n = quantile_with(&x, [0.25, 0.5], .., "nearest");
/// assert_eq!(n.to_vec::<f64>().unwrap(), vec![2.0, 3.0]);
/// assert!(quantile_with(&x, 0.5, .., "mean").eval().is_err());
/// ```
#[track_caller]
pub fn quantile_with(
    a: &Array,
    q: impl Into<Quantiles>,
    axes: impl Into<Axes>,
    method: impl IntoQuantileMethod,
) -> Array {
    let loc = SourceLocation::caller();
    run(
        Which::quantile(false),
        a,
        q.into(),
        axes.into(),
        method.into_method(),
        loc,
    )
}

/// NumPy's `nanpercentile(a, q, axis, keepdims)`: [`percentile`] of each lane's non-NaN values
/// (NaN for a lane with none). See [`nanquantile_with`].
///
/// ```
/// use numcrane::{array, nanpercentile};
/// let x = array([[1.0, f64::NAN, 3.0], [f64::NAN, f64::NAN, f64::NAN]]);
/// let p = nanpercentile(&x, 50.0, 1).to_vec::<f64>().unwrap();
/// assert_eq!(p[0], 2.0);
/// assert!(p[1].is_nan());
/// ```
#[track_caller]
pub fn nanpercentile(a: &Array, q: impl Into<Quantiles>, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    run(
        Which::percentile(true),
        a,
        q.into(),
        axes.into(),
        Ok(QuantileMethod::Linear),
        loc,
    )
}

/// NumPy's `nanpercentile(a, q, axis, method=method, keepdims)`. See [`nanquantile_with`].
///
/// ```
/// use numcrane::{array, nanpercentile_with};
/// let x = array([4.0, f64::NAN, 1.0, 2.0]);
/// let p = nanpercentile_with(&x, 50.0, .., "lower");
/// assert_eq!(p.to_vec::<f64>().unwrap(), vec![2.0]);
/// ```
#[track_caller]
pub fn nanpercentile_with(
    a: &Array,
    q: impl Into<Quantiles>,
    axes: impl Into<Axes>,
    method: impl IntoQuantileMethod,
) -> Array {
    let loc = SourceLocation::caller();
    run(
        Which::percentile(true),
        a,
        q.into(),
        axes.into(),
        method.into_method(),
        loc,
    )
}

/// NumPy's `nanquantile(a, q, axis, keepdims)`: [`quantile`] of each lane's non-NaN values (NaN
/// for a lane with none). See [`nanquantile_with`].
///
/// ```
/// use numcrane::{array, nanquantile};
/// let x = array([[1.0, f64::NAN, 3.0, 7.0], [f64::NAN, 2.0, 4.0, f64::NAN]]);
/// assert_eq!(nanquantile(&x, 0.5, 1).to_vec::<f64>().unwrap(), vec![3.0, 3.0]);
/// ```
#[track_caller]
pub fn nanquantile(a: &Array, q: impl Into<Quantiles>, axes: impl Into<Axes>) -> Array {
    let loc = SourceLocation::caller();
    run(
        Which::quantile(true),
        a,
        q.into(),
        axes.into(),
        Ok(QuantileMethod::Linear),
        loc,
    )
}

/// NumPy's `nanquantile(a, q, axis, method=method, keepdims)`: [`quantile_with`] of each lane's
/// non-NaN values; a lane with none gives NaN. Integer and bool inputs behave as in
/// [`quantile_with`]. As NumPy, an input with no elements at all gives NaN over the reduced
/// shape (without the axis of a list of `q`), whatever the method.
///
/// Known difference: NumPy picks the result dtype of `nanquantile` of a float32 input with a
/// list of `q` and an interpolating method from the first lane it computes (float32 when that
/// lane is all NaN, float64 otherwise); numcrane always gives float64 there.
///
/// ```
/// use numcrane::{array, nanquantile_with, QuantileMethod};
/// let x = array([[1.0, f64::NAN, 2.0, 9.0], [5.0, 6.0, f64::NAN, f64::NAN]]);
/// let m = nanquantile_with(&x, 0.5, 1, QuantileMethod::Midpoint);
/// assert_eq!(m.to_vec::<f64>().unwrap(), vec![2.0, 5.5]);
/// ```
#[track_caller]
pub fn nanquantile_with(
    a: &Array,
    q: impl Into<Quantiles>,
    axes: impl Into<Axes>,
    method: impl IntoQuantileMethod,
) -> Array {
    let loc = SourceLocation::caller();
    run(
        Which::quantile(true),
        a,
        q.into(),
        axes.into(),
        method.into_method(),
        loc,
    )
}

/// Which of the four functions runs: its name, the scale of its `q`, and NaN skipping.
#[derive(Clone, Copy)]
struct Which {
    name: &'static str,
    percent: bool,
    nan: bool,
}

impl Which {
    fn percentile(nan: bool) -> Which {
        Which {
            name: if nan { "nanpercentile" } else { "percentile" },
            percent: true,
            nan,
        }
    }

    fn quantile(nan: bool) -> Which {
        Which {
            name: if nan { "nanquantile" } else { "quantile" },
            percent: false,
            nan,
        }
    }
}

/// Where the answer for one `q` is found in a sorted lane of `n` elements.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pick {
    /// The element at this position (the discrete methods).
    At(usize),
    /// NumPy's `_lerp(s[lo], s[hi], t)`.
    Lerp { lo: usize, hi: usize, t: f64 },
}

/// NumPy's `_discrete_interpolation_to_boundaries(index, cond)` for a lane of `n`: floor or
/// floor + 1 of `index` as `cond(gamma, index)` says, clipped at 0.
fn boundary(index: f64, n: usize, cond: impl Fn(f64, f64) -> bool) -> usize {
    let previous = index.floor();
    let gamma = index - previous;
    let k = if cond(gamma, index) {
        previous
    } else {
        previous + 1.0
    };
    // NumPy clips below at 0; q <= 1 keeps it below n, the min only guards the cast
    (k.max(0.0) as usize).min(n.saturating_sub(1))
}

/// The virtual index of the interpolating methods, as NumPy's `get_virtual_index` computes it.
fn virtual_index(method: QuantileMethod, n: f64, q: f64) -> f64 {
    match method {
        QuantileMethod::AveragedInvertedCdf => n * q - 1.0,
        QuantileMethod::Midpoint => 0.5 * (((n - 1.0) * q).floor() + ((n - 1.0) * q).ceil()),
        QuantileMethod::Linear => (n - 1.0) * q,
        m => {
            let (alpha, beta) = m.alpha_beta().unwrap_or((1.0, 1.0));
            n * q + (alpha + q * (1.0 - alpha - beta)) - 1.0
        }
    }
}

/// NumPy's positions and gamma for one `q` in a lane of `n > 0` elements.
fn plan(method: QuantileMethod, n: usize, q: f64) -> Pick {
    let nf = n as f64;
    let last = n - 1;
    let at = |k: f64| Pick::At((k.max(0.0) as usize).min(last));
    match method {
        QuantileMethod::InvertedCdf => Pick::At(boundary(nf * q - 1.0, n, |g, _| g == 0.0)),
        QuantileMethod::ClosestObservation => {
            // "the nearest even order statistic at g = 0": 1-based even is 0-based odd
            Pick::At(boundary(nf * q - 1.0 - 0.5, n, |g, index| {
                g == 0.0 && index.floor().rem_euclid(2.0) == 1.0
            }))
        }
        QuantileMethod::Lower => at(((nf - 1.0) * q).floor()),
        QuantileMethod::Higher => at(((nf - 1.0) * q).ceil()),
        QuantileMethod::Nearest => at(((nf - 1.0) * q).round_ties_even()),
        m => {
            let v = virtual_index(m, nf, q);
            // NumPy's _get_indexes: beyond the ends both neighbours are the end element, and
            // the "previous index" used for gamma becomes -1 (past the last) or 0
            let (lo, hi, previous) = if v >= (n - 1) as f64 {
                (last, last, -1.0)
            } else if v < 0.0 {
                (0, 0, 0.0)
            } else {
                let f = v.floor();
                (f as usize, f as usize + 1, f)
            };
            let gamma = v - previous;
            let t = match m {
                QuantileMethod::AveragedInvertedCdf => {
                    if gamma == 0.0 {
                        0.5
                    } else {
                        1.0
                    }
                }
                QuantileMethod::Midpoint => {
                    if v % 1.0 == 0.0 {
                        0.0
                    } else {
                        0.5
                    }
                }
                _ => gamma,
            };
            Pick::Lerp { lo, hi, t }
        }
    }
}

/// The result dtype: the input's for the discrete methods, else a float (float64 for a list
/// of `q`, whose float64 gamma promotes).
fn result_dtype(a: DType, method: QuantileMethod, scalar_q: bool) -> DType {
    if method.is_discrete() {
        a
    } else if scalar_q {
        float_of(a)
    } else {
        DType::F64
    }
}

/// NumPy's `_lerp(a, b, t)` with `a`, `b` in the input dtype (their difference is taken there,
/// wrapping for integers as NumPy's does) and the result in `out`. `t` and `1 - t` are `f64`
/// (scalars or arrays), converted to `out` as NumPy's weak Python float or float64 array is.
fn lerp(a: &Array, b: &Array, t: Gamma, out: DType, loc: SourceLocation) -> Array {
    let diff = build::binary(BinaryOp::Sub, arr(b), arr(a), loc);
    let (a, b, diff) = (
        build::cast(a, out, loc),
        build::cast(b, out, loc),
        build::cast(&diff, out, loc),
    );
    let mul = |x: &Array, f: &Gamma1| match f {
        Gamma1::Scalar(v) => build::binary(BinaryOp::Mul, arr(x), weak(*v), loc),
        Gamma1::Array(v) => {
            build::binary(BinaryOp::Mul, arr(x), arr(&build::cast(v, out, loc)), loc)
        }
    };
    let up = |t: &Gamma1| build::binary(BinaryOp::Add, arr(&a), arr(&mul(&diff, t)), loc);
    let down = |s: &Gamma1| build::binary(BinaryOp::Sub, arr(&b), arr(&mul(&diff, s)), loc);
    match t {
        Gamma::Scalar(t) if t >= 0.5 => down(&Gamma1::Scalar(1.0 - t)),
        Gamma::Scalar(t) => up(&Gamma1::Scalar(t)),
        Gamma::Array(t) => {
            let one_minus = build::binary(BinaryOp::Sub, weak(1.0), arr(&t), loc);
            let high = build::binary(BinaryOp::Ge, arr(&t), weak(0.5), loc);
            let lo = up(&Gamma1::Array(t));
            let hi = down(&Gamma1::Array(one_minus));
            build::select(arr(&high), arr(&hi), arr(&lo), loc)
        }
    }
}

/// The interpolation weight of [`lerp`]: known while building, or per lane.
enum Gamma {
    Scalar(f64),
    Array(Array),
}

/// A factor of [`lerp`] (t or 1 - t).
enum Gamma1 {
    Scalar(f64),
    Array(Array),
}

/// Scales percentiles to quantiles (NumPy divides by 100 first and checks the quotient) and
/// checks that every `q` is in [0, 1].
fn check_q(which: Which, q: &mut Quantiles, loc: SourceLocation) -> Result<(), Error> {
    if which.percent {
        q.values.iter_mut().for_each(|v| *v /= 100.0);
    }
    if q.values.iter().all(|v| (0.0..=1.0).contains(v)) {
        return Ok(());
    }
    let msg = if which.percent {
        "Percentiles must be in the range [0, 100]"
    } else {
        "Quantiles must be in the range [0, 1]"
    };
    Err(Error::invalid(
        which.name,
        format!("{msg} (q = {:?})", q.values),
        loc,
    ))
}

fn run(
    which: Which,
    a: &Array,
    mut q: Quantiles,
    axes: Axes,
    method: Result<QuantileMethod, String>,
    loc: SourceLocation,
) -> Array {
    let name = which.name;
    let guess = method.clone().unwrap_or_default();
    let dtype = result_dtype(a.dtype(), guess, q.scalar);
    let fail = |e: Error| build::poison(e, Op::Sort { axis: 0 }, &[a], dtype, vec![], loc);
    if let Err(e) = check_q(which, &mut q, loc) {
        return fail(e);
    }
    // NumPy's nan-functions answer an input without elements with nanmean, before looking at
    // the method: NaN over the reduced shape, no axis for the list of q
    if which.nan && a.size() == 0 {
        return match resolve(name, a, axes, loc) {
            Ok(r) => crate::full(r.out_shape, f64::NAN).astype(float_of(a.dtype())),
            Err(e) => fail(e),
        };
    }
    let method = match method {
        Ok(m) => m,
        Err(bad) => {
            let names: Vec<&str> = QuantileMethod::ALL.iter().map(|m| m.name()).collect();
            return fail(Error::invalid(
                name,
                format!("{bad:?} is not a valid method. Use one of: {names:?}"),
                loc,
            ));
        }
    };
    if a.dtype() == DType::Bool && !method.is_discrete() {
        return fail(Error::invalid(
            name,
            format!(
                "method {:?} interpolates, which NumPy cannot do for bool arrays (no \
                 boolean subtract)",
                method.name()
            ),
            loc,
        ));
    }
    let (x, r) = match lanes_last(name, a, axes, loc) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let n = r.count;
    if n == 0 {
        return fail(Error::invalid(
            name,
            format!(
                "cannot take a quantile of an empty slice (shape {:?})",
                a.shape()
            ),
            loc,
        ));
    }
    let parts: Vec<Array> = if which.nan && a.dtype().is_float() {
        // data-dependent positions: a full sort, read with masked sums
        let shape = x.shape().to_vec();
        let axis = shape.len() - 1;
        let s = build::node(Op::Sort { axis }, &[&x], a.dtype(), shape, loc);
        let c = valid_counts(&s, loc);
        q.values
            .iter()
            .map(|&q| {
                dynamic_quantile(&s, &c, q, method, dtype, loc).reshape_at(r.out_shape.clone(), loc)
            })
            .collect()
    } else {
        // static positions: only those, selected
        let picks: Vec<Pick> = q.values.iter().map(|&q| plan(method, n, q)).collect();
        let positions = picks
            .iter()
            .flat_map(|p| match *p {
                Pick::At(k) => vec![k],
                Pick::Lerp { lo, hi, .. } => vec![lo, hi],
            })
            .collect();
        let s = Selected::new(&x, positions, loc);
        picks
            .into_iter()
            .map(|p| {
                let value = static_quantile(&s, p, dtype, loc);
                s.nan_if_any(value, loc)
                    .reshape_at(r.out_shape.clone(), loc)
            })
            .collect()
    };
    if q.scalar {
        return parts
            .into_iter()
            .next()
            .unwrap_or_else(|| fail(Error::internal(name, "no q")));
    }
    if parts.is_empty() {
        let mut shape = vec![0];
        shape.extend(&r.out_shape);
        return crate::full(shape, 0.0).astype(dtype);
    }
    let refs: Vec<&Array> = parts.iter().collect();
    crate::stack(&refs, 0)
}

/// One `q` of lanes of static length, planned as `p` (no NaN handling).
fn static_quantile(s: &Selected, p: Pick, dtype: DType, loc: SourceLocation) -> Array {
    match p {
        Pick::At(k) => s.pick(k, dtype, loc),
        Pick::Lerp { lo, hi, t } => {
            let a = s.pick(lo, s.dtype(), loc);
            let b = s.pick(hi, s.dtype(), loc);
            lerp(&a, &b, Gamma::Scalar(t), dtype, loc)
        }
    }
}

/// The number of non-NaN values of each sorted lane, as float64 (`[kept...]`).
fn valid_counts(s: &Array, loc: SourceLocation) -> Array {
    let last = s.ndim() as isize - 1;
    let nan = build::unary(UnaryOp::IsNan, s, loc);
    let valid = build::unary(UnaryOp::Not, &nan, loc);
    build::cast(&valid.sum(last), DType::F64, loc)
}

/// One `q` of lanes whose lengths are the data-dependent counts `c` (their non-NaN values come
/// first in `s`): NumPy's formulas as nodes over `c`, the same f64 operations in the same order.
fn dynamic_quantile(
    s: &Array,
    c: &Array,
    q: f64,
    method: QuantileMethod,
    dtype: DType,
    loc: SourceLocation,
) -> Array {
    let bin = |op: BinaryOp, x: &Array, y: f64| build::binary(op, arr(x), weak(y), loc);
    let bin2 = |op: BinaryOp, x: &Array, y: &Array| build::binary(op, arr(x), arr(y), loc);
    let un = |op: UnaryOp, x: &Array| build::unary(op, x, loc);
    let sel = |cond: &Array, x: &Array, y: &Array| build::select(arr(cond), arr(x), arr(y), loc);
    let last = s.ndim() as isize - 1;
    let positions = crate::arange(0.0, s.shape()[s.ndim() - 1] as f64, 1.0);
    // the element at position k (float64, per lane) of each sorted lane
    let at = |k: &Array| {
        let hit = bin2(BinaryOp::Eq, &positions, &k.expand_dims(-1));
        let masked = build::select(arr(&hit), arr(s), weak(0.0), loc);
        build::cast(&masked.sum(last), s.dtype(), loc)
    };
    // (c - 1) q
    let scaled = || bin(BinaryOp::Mul, &bin(BinaryOp::Sub, c, 1.0), q);
    // _discrete_interpolation_to_boundaries
    let boundary = |index: Array, odd: bool| {
        let previous = un(UnaryOp::Floor, &index);
        let gamma = bin2(BinaryOp::Sub, &index, &previous);
        let mut cond = bin(BinaryOp::Eq, &gamma, 0.0);
        if odd {
            // floor(index) % 2 == 1 with Python's floored modulo: p - 2 floor(p / 2)
            let half = un(UnaryOp::Floor, &bin(BinaryOp::Div, &previous, 2.0));
            let m = bin2(BinaryOp::Sub, &previous, &bin(BinaryOp::Mul, &half, 2.0));
            let is_odd = bin(BinaryOp::Eq, &m, 1.0);
            cond = bin2(BinaryOp::BitAnd, &cond, &is_odd);
        }
        let k = sel(&cond, &previous, &bin(BinaryOp::Add, &previous, 1.0));
        bin(BinaryOp::Maximum, &k, 0.0)
    };
    let value = match method {
        QuantileMethod::InvertedCdf => at(&boundary(
            bin(BinaryOp::Sub, &bin(BinaryOp::Mul, c, q), 1.0),
            false,
        )),
        QuantileMethod::ClosestObservation => {
            let cq = bin(BinaryOp::Mul, c, q);
            let index = bin(BinaryOp::Sub, &bin(BinaryOp::Sub, &cq, 1.0), 0.5);
            at(&boundary(index, true))
        }
        QuantileMethod::Lower => at(&un(UnaryOp::Floor, &scaled())),
        QuantileMethod::Higher => at(&un(UnaryOp::Ceil, &scaled())),
        QuantileMethod::Nearest => at(&un(UnaryOp::Rint, &scaled())),
        m => {
            let v = match m {
                QuantileMethod::AveragedInvertedCdf => {
                    bin(BinaryOp::Sub, &bin(BinaryOp::Mul, c, q), 1.0)
                }
                QuantileMethod::Midpoint => {
                    let x = scaled();
                    let sum = bin2(
                        BinaryOp::Add,
                        &un(UnaryOp::Floor, &x),
                        &un(UnaryOp::Ceil, &x),
                    );
                    build::binary(BinaryOp::Mul, weak(0.5), arr(&sum), loc)
                }
                QuantileMethod::Linear => scaled(),
                m => {
                    let (alpha, beta) = m.alpha_beta().unwrap_or((1.0, 1.0));
                    let shift = alpha + q * (1.0 - alpha - beta);
                    let cq = bin(BinaryOp::Mul, c, q);
                    bin(BinaryOp::Sub, &bin(BinaryOp::Add, &cq, shift), 1.0)
                }
            };
            let floor = un(UnaryOp::Floor, &v);
            let top = bin(BinaryOp::Sub, c, 1.0);
            let above = bin2(BinaryOp::Ge, &v, &top);
            let below = bin(BinaryOp::Lt, &v, 0.0);
            let zero = crate::zeros(vec![], DType::F64);
            let minus_one = crate::full(vec![], -1.0f64);
            // NumPy's _get_indexes: -1 (the last element) above, 0 below
            let previous = sel(&below, &zero, &sel(&above, &minus_one, &floor));
            let lo = sel(&below, &zero, &sel(&above, &top, &floor));
            let hi = sel(
                &below,
                &zero,
                &sel(&above, &top, &bin(BinaryOp::Add, &floor, 1.0)),
            );
            let gamma = bin2(BinaryOp::Sub, &v, &previous);
            let t = match m {
                QuantileMethod::AveragedInvertedCdf => {
                    let exact = bin(BinaryOp::Eq, &gamma, 0.0);
                    build::select(arr(&exact), weak(0.5), weak(1.0), loc)
                }
                QuantileMethod::Midpoint => {
                    let whole = bin2(BinaryOp::Eq, &v, &floor);
                    build::select(arr(&whole), weak(0.0), weak(0.5), loc)
                }
                _ => gamma,
            };
            lerp(&at(&lo), &at(&hi), Gamma::Array(t), dtype, loc)
        }
    };
    // a lane without a non-NaN value gives NaN
    let none = bin(BinaryOp::Eq, c, 0.0);
    let value = build::select(arr(&none), weak(f64::NAN), arr(&value), loc);
    build::cast(&value, dtype, loc)
}

/// NumPy's `quantile(a, q, axis, method="inverted_cdf", weights=weights, keepdims)`: the first
/// sorted element whose weighted empirical CDF (cumulative weight over the total) reaches `q`.
/// `weights` has `a`'s shape, or is 1-D along the one reduced axis; the result keeps `a`'s
/// dtype (bool included), NaN for a slice holding NaN. As NumPy, negative weights and a slice
/// whose weights are all zero or include NaN or infinity are errors; to check them the
/// weights (not `a`) are evaluated when this is called.
///
/// Each lane is sorted, and the answer is found by a binary search over the sorted positions
/// (ceil(log2 n) rounds, each reading one element with a masked sum and summing the weights
/// of the elements not above it), so everything stays lazy without moving the weights.
///
/// ```
/// use numcrane::{array, quantile_weighted};
/// let x = array([1.0, 2.0, 3.0, 4.0]);
/// let w = array([1.0, 1.0, 1.0, 5.0]);
/// assert_eq!(quantile_weighted(&x, 0.5, .., &w).to_vec::<f64>().unwrap(), vec![4.0]);
/// assert_eq!(quantile_weighted(&x, [0.1, 0.3], .., &w).to_vec::<f64>().unwrap(), vec![1.0, 3.0]);
/// ```
#[track_caller]
pub fn quantile_weighted(
    a: &Array,
    q: impl Into<Quantiles>,
    axes: impl Into<Axes>,
    weights: &Array,
) -> Array {
    let loc = SourceLocation::caller();
    run_weighted(
        Which::quantile(false),
        a,
        q.into(),
        axes.into(),
        weights,
        loc,
    )
}

/// NumPy's `percentile(a, q, axis, method="inverted_cdf", weights=weights, keepdims)`: `q` in
/// [0, 100]. See [`quantile_weighted`].
///
/// ```
/// use numcrane::{array, percentile_weighted};
/// let x = array([[3, 1, 2], [6, 5, 4]]);
/// let w = array([0.0, 2.0, 1.0]);
/// assert_eq!(percentile_weighted(&x, 70.0, 1, &w).to_vec::<i32>().unwrap(), vec![2, 5]);
/// ```
#[track_caller]
pub fn percentile_weighted(
    a: &Array,
    q: impl Into<Quantiles>,
    axes: impl Into<Axes>,
    weights: &Array,
) -> Array {
    let loc = SourceLocation::caller();
    run_weighted(
        Which::percentile(false),
        a,
        q.into(),
        axes.into(),
        weights,
        loc,
    )
}

/// `x` (of `a`'s shape) with the axes `r` reduces moved last and flattened: `[kept..., n]`,
/// as `sorted_lanes` lays out the sorted lanes.
fn lanes(x: &Array, r: &crate::reduce::Resolved, loc: SourceLocation) -> Array {
    let nd = x.ndim();
    let kept: Vec<usize> = (0..nd).filter(|i| !r.axes.contains(i)).collect();
    let perm: Vec<usize> = kept.iter().chain(&r.axes).copied().collect();
    let mut shape: Vec<usize> = kept.iter().map(|&i| x.shape()[i]).collect();
    shape.push(r.count);
    x.permute_at(perm, loc).reshape_at(shape, loc)
}

fn run_weighted(
    which: Which,
    a: &Array,
    mut q: Quantiles,
    axes: Axes,
    w: &Array,
    loc: SourceLocation,
) -> Array {
    let name = which.name;
    let dtype = a.dtype();
    let fail = |e: Error| build::poison(e, Op::Sort { axis: 0 }, &[a, w], dtype, vec![], loc);
    let bad = |m: String| fail(Error::invalid(name, m, loc));
    if let Err(e) = check_q(which, &mut q, loc) {
        return fail(e);
    }
    let r = match resolve(name, a, axes.clone(), loc) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let wb = if w.shape() == a.shape() {
        w.clone()
    } else if axes == Axes::all() || axes == Axes::all().keepdims() {
        return bad(format!(
            "Axis must be specified when shapes of a and weights differ (a {:?}, weights {:?})",
            a.shape(),
            w.shape()
        ));
    } else {
        match r.axes[..] {
            [axis] if w.ndim() == 1 && w.shape()[0] == a.shape()[axis] => {
                let mut shape = vec![1; a.ndim()];
                shape[axis] = w.shape()[0];
                build::broadcast(&w.reshape_at(shape, loc), a.shape(), loc)
            }
            _ => {
                return bad(format!(
                    "Shape of weights must be consistent with shape of a along specified axis \
                     (a {:?}, weights {:?}, axes {:?}; numcrane takes weights of a's shape or \
                     1-D along one axis)",
                    a.shape(),
                    w.shape(),
                    r.axes
                ))
            }
        }
    };
    let n = r.count;
    if n == 0 {
        return bad(format!(
            "cannot take a quantile of an empty slice (shape {:?})",
            a.shape()
        ));
    }
    let wl = build::cast(&lanes(&wb, &r, loc), DType::F64, loc);
    let last = wl.ndim() as isize - 1;
    let total = wl.sum(last);
    // NumPy's checks of the weights, which depend on their values: evaluated now
    let negative = build::binary(BinaryOp::Lt, arr(&wl), weak(0.0), loc).any(..);
    let finite = build::unary(UnaryOp::IsFinite, &total, loc);
    let nonzero = build::binary(BinaryOp::Ne, arr(&total), weak(0.0), loc);
    let usable = build::binary(BinaryOp::BitAnd, arr(&finite), arr(&nonzero), loc).all(..);
    match (
        negative.eval().and_then(|x| x.item::<bool>()),
        usable.eval().and_then(|x| x.item::<bool>()),
    ) {
        (Ok(true), _) => return bad("Weights must be non-negative.".to_string()),
        (_, Ok(false)) => {
            return bad("Weights included NaN, inf or were all zero.".to_string());
        }
        (Err(e), _) | (_, Err(e)) => return fail(e),
        _ => {}
    }
    let (s, _) = match sorted_lanes(name, a, axes, loc) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let xl = lanes(a, &r, loc);
    let positions = crate::arange(0.0, n as f64, 1.0);
    let zero = if dtype.is_float() {
        weak(0.0)
    } else {
        crate::operand::Operand::Weak(numcrane_graph::Scalar::I64(0))
    };
    // the element at (per lane) sorted position k, in a's dtype
    let at = |k: &Array| {
        let hit = build::binary(BinaryOp::Eq, arr(&positions), arr(&k.expand_dims(-1)), loc);
        let masked = build::select(arr(&hit), arr(&s), zero.clone(), loc);
        build::cast(&masked.sum(last), dtype, loc)
    };
    let rounds = (usize::BITS - (n - 1).leading_zeros()) as usize;
    let kept = s.shape()[..s.ndim() - 1].to_vec();
    let parts: Vec<Array> = q
        .values
        .iter()
        .map(|&q| {
            let mut lo = crate::zeros(kept.clone(), DType::F64);
            let mut hi = crate::full(kept.clone(), (n - 1) as f64);
            for _ in 0..rounds {
                let sum = build::binary(BinaryOp::Add, arr(&lo), arr(&hi), loc);
                let half = build::binary(BinaryOp::Div, arr(&sum), weak(2.0), loc);
                let mid = build::unary(UnaryOp::Floor, &half, loc);
                // NumPy's cdf at the end of mid's run of equal values (its searchsorted finds
                // a position in that same run): the weight of the elements not above it
                let v = at(&mid).expand_dims(-1);
                let below = build::binary(BinaryOp::Le, arr(&xl), arr(&v), loc);
                let c = build::select(arr(&below), arr(&wl), weak(0.0), loc).sum(last);
                let cdf = build::binary(BinaryOp::Div, arr(&c), arr(&total), loc);
                // NumPy turns a zero cdf into -1, below every q
                let reached = build::binary(BinaryOp::Ge, arr(&cdf), weak(q), loc);
                let positive = build::binary(BinaryOp::Ne, arr(&cdf), weak(0.0), loc);
                let ok = build::binary(BinaryOp::BitAnd, arr(&reached), arr(&positive), loc);
                let next = build::binary(BinaryOp::Add, arr(&mid), weak(1.0), loc);
                hi = build::select(arr(&ok), arr(&mid), arr(&hi), loc);
                lo = build::select(arr(&ok), arr(&lo), arr(&next), loc);
            }
            let value = at(&lo);
            nan_if_any(&s, n, value, loc).reshape_at(r.out_shape.clone(), loc)
        })
        .collect();
    if q.scalar {
        return parts
            .into_iter()
            .next()
            .unwrap_or_else(|| fail(Error::internal(name, "no q")));
    }
    if parts.is_empty() {
        let mut shape = vec![0];
        shape.extend(&r.out_shape);
        return crate::full(shape, 0.0).astype(dtype);
    }
    let refs: Vec<&Array> = parts.iter().collect();
    crate::stack(&refs, 0)
}
