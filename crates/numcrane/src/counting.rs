//! Counting with NumPy's names and semantics: `bincount` (weights, minlength), `histogram`
//! (a bin count or explicit edges, a range, density, weights) and `histogram_bin_edges`.
//!
//! The length of `bincount`'s result depends on the data, and histograms need the data's range,
//! so these evaluate their inputs when called, count natively in Rust and return realized leaf
//! arrays; an input that fails to evaluate, or a bad argument (negative or float values for
//! `bincount`, a bad range, edges that decrease), gives arrays whose `eval` returns that error.
//! Unweighted `bincount` of many values counts fixed-size chunks in parallel and adds the
//! partial counts (integers, so the result does not depend on the thread count); weighted sums
//! run in input order, as NumPy's.
//!
//! The bin edges are computed exactly as NumPy computes them: `linspace(first, last, bins + 1)`
//! in NumPy's dtype (float32 for float32 data without a `range`, float64 otherwise, cast to
//! float32 for float32 data), with an empty range widened by 0.5 each side; every bin is
//! half-open `[e_i, e_i+1)` except the last, which also holds its right edge.

use crate::search::{failed, finish, host, leaf, one_d, Key, Side, PARALLEL_MIN};
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{DType, Error, Result};
use rayon::prelude::*;

/// A zero-filled vector of `n` elements, or the error NumPy's MemoryError becomes.
fn zeros<T: Clone + Default>(op: &'static str, n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::OutOfMemory {
        op,
        bytes: n.saturating_mul(std::mem::size_of::<T>()),
    })?;
    v.resize(n, T::default());
    Ok(v)
}

/// The values of a `bincount` input: one-dimensional, integer or bool, none negative.
fn bin_indices(x: &Array, loc: SourceLocation) -> Result<Vec<usize>> {
    one_d("bincount", "x", x, loc)?;
    // complex values would lose their imaginary part in the cast: NumPy refuses them too
    if x.dtype().is_float() || x.dtype().is_complex() {
        return Err(Error::DTypeNotSupported {
            op: "bincount",
            dtype: x.dtype(),
            detail: "; the values must be integers (NumPy cannot cast them to int64 safely)".into(),
            location: loc,
        });
    }
    let v = host::<i64>(x, loc)?;
    if let Some(bad) = v.iter().find(|&&i| i < 0) {
        return Err(Error::Value {
            op: "bincount",
            message: format!("the values must not be negative, found {bad}"),
            location: loc,
        });
    }
    Ok(v.into_iter().map(|i| i as usize).collect())
}

fn bincount_counts(idx: &[usize], len: usize) -> Result<Vec<i64>> {
    const CHUNK: usize = 1 << 16;
    if idx.len() < PARALLEL_MIN || len > CHUNK {
        let mut out = zeros::<i64>("bincount", len)?;
        idx.iter().for_each(|&i| out[i] += 1);
        return Ok(out);
    }
    // few bins, many values: count fixed chunks in parallel, then add the partial counts
    let partial: Vec<Vec<i64>> = idx
        .par_chunks(CHUNK)
        .map(|c| {
            let mut out = vec![0i64; len];
            c.iter().for_each(|&i| out[i] += 1);
            out
        })
        .collect();
    let mut out = vec![0i64; len];
    for p in partial {
        out.iter_mut().zip(p).for_each(|(o, c)| *o += c);
    }
    Ok(out)
}

/// NumPy's `bincount(x, weights, minlength)`: how often each value `0..=max(x)` occurs in the
/// one-dimensional non-negative integer (or bool) array `x` (int64), or with `weights` (same
/// length, any numeric dtype) the sum of the weights of each value (float64). The result has
/// at least `minlength` elements.
///
/// Evaluates its inputs when called (the result's length depends on the data). Negative values,
/// float values, a non-1-d `x` and weights of another length are errors, as in NumPy.
///
/// ```
/// use numcrane::{array, bincount};
/// let x = array([0, 1, 1, 3, 2, 1, 7]);
/// assert_eq!(bincount(&x, None, 0).to_vec::<i64>().unwrap(), vec![1, 3, 1, 1, 0, 0, 0, 1]);
/// let w = array([0.3, 0.5, 0.2, 0.7, 1.0, -0.6, 0.1]);
/// let s = bincount(&x, Some(&w), 9).to_vec::<f64>().unwrap();
/// assert_eq!(s.len(), 9);
/// assert!((s[1] - 0.1).abs() < 1e-12);
/// ```
#[track_caller]
pub fn bincount(x: &Array, weights: Option<&Array>, minlength: usize) -> Array {
    let loc = SourceLocation::caller();
    let dtype = if weights.is_some() {
        DType::F64
    } else {
        DType::I64
    };
    let idx = match bin_indices(x, loc) {
        Ok(v) => v,
        Err(e) => return failed(e, dtype, vec![0], loc),
    };
    let len = idx.iter().max().map_or(0, |&m| m + 1).max(minlength);
    match weights {
        None => finish(bincount_counts(&idx, len), vec![len], loc),
        Some(w) => {
            let run = || -> Result<Vec<f64>> {
                if w.size() != idx.len() {
                    return Err(Error::invalid(
                        "bincount",
                        format!(
                            "the weights and list don't have the same length: weights have shape {:?}, x has {} elements",
                            w.shape(),
                            idx.len()
                        ),
                        loc,
                    ));
                }
                if w.dtype().is_complex() {
                    // NumPy casts the weights to double 'safe'ly: a TypeError for complex
                    return Err(Error::DTypeNotSupported {
                        op: "bincount",
                        dtype: w.dtype(),
                        detail: "; the weights cannot be cast to float64".into(),
                        location: loc,
                    });
                }
                let w = host::<f64>(w, loc)?;
                let mut out = zeros::<f64>("bincount", len)?;
                idx.iter().zip(w).for_each(|(&i, w)| out[i] += w);
                Ok(out)
            };
            finish(run(), vec![len], loc)
        }
    }
}

/// The bins of [`histogram`]: a number of equal-width bins over the range, or the edges
/// themselves (one-dimensional, non-decreasing; the rightmost included).
///
/// A string is NumPy's bin-width estimator (`bins="auto"`): `"auto"`, `"fd"`, `"doane"`,
/// `"scott"`, `"stone"`, `"rice"`, `"sturges"` or `"sqrt"`; the number of equal-width bins is
/// then computed from the data (within `range`, when given), as NumPy's
/// `histogram_bin_edges` does.
///
/// # Examples
///
/// ```
/// use numcrane::{array, histogram_bin_edges};
/// let a = array([0.0, 1.0, 2.0, 3.0, 4.0]);
/// // A count: equal-width bins over the data's range.
/// assert_eq!(histogram_bin_edges(&a, 4, None).to_vec::<f64>().unwrap(), vec![0.0, 1.0, 2.0, 3.0, 4.0]);
/// // The edges themselves.
/// let edges = array([0.0, 2.5, 4.0]);
/// assert_eq!(histogram_bin_edges(&a, &edges, None).to_vec::<f64>().unwrap(), vec![0.0, 2.5, 4.0]);
/// // An estimator's name picks the count from the data ("sturges": log2(5) + 1 -> 4 bins).
/// assert_eq!(histogram_bin_edges(&a, "sturges", None).size(), 5);
/// ```
#[derive(Clone)]
pub enum Bins {
    /// `bins` equal-width bins (NumPy's `bins=int`; must be positive).
    Count(usize),
    /// The bin edges (NumPy's `bins=array`).
    Edges(Array),
    /// Equal-width bins, as many as NumPy's estimator of this name picks (`bins="auto"`).
    Estimator(String),
}

impl From<&str> for Bins {
    fn from(name: &str) -> Bins {
        Bins::Estimator(name.to_string())
    }
}

impl From<usize> for Bins {
    fn from(n: usize) -> Bins {
        Bins::Count(n)
    }
}

impl From<Array> for Bins {
    fn from(e: Array) -> Bins {
        Bins::Edges(e)
    }
}

impl From<&Array> for Bins {
    fn from(e: &Array) -> Bins {
        Bins::Edges(e.clone())
    }
}

/// A float type bin edges are computed in.
trait Edge: Key + std::ops::Sub<Output = Self> + std::ops::Div<Output = Self> {
    fn from_f64(v: f64) -> Self;
    fn from_usize(v: usize) -> Self;
    fn mul(self, o: Self) -> Self;
    fn add(self, o: Self) -> Self;
}

macro_rules! edge {
    ($($t:ty),*) => { $(
        impl Edge for $t {
            fn from_f64(v: f64) -> Self { v as $t }
            fn from_usize(v: usize) -> Self { v as $t }
            fn mul(self, o: Self) -> Self { self * o }
            fn add(self, o: Self) -> Self { self + o }
        }
    )* };
}
edge!(f32, f64);

/// NumPy's `linspace(first, last, n + 1)` computed in `F` (its `arange * step + start`, the
/// step-zero branch for denormal ranges, and the exact last element).
fn linspace<F: Edge>(first: F, last: F, n: usize) -> Vec<f64> {
    let delta = last - first;
    let div = F::from_usize(n);
    let step = delta / div;
    let mut y: Vec<F> = (0..=n)
        .map(|i| {
            let i = F::from_usize(i);
            let y = if step == F::from_f64(0.0) {
                (i / div).mul(delta)
            } else {
                i.mul(step)
            };
            y.add(first)
        })
        .collect();
    if let Some(l) = y.last_mut() {
        *l = last;
    }
    y.into_iter().map(|v| v.to_f64()).collect()
}

/// Equal-width bin edges as NumPy's `_get_bin_edges` computes them, as float64 values of the
/// edges' dtype (float32 for float32 data, else float64).
fn uniform_edges(
    op: &'static str,
    a: &Array,
    bins: usize,
    range: Option<(f64, f64)>,
    loc: SourceLocation,
) -> Result<(Vec<f64>, DType)> {
    if bins == 0 {
        return Err(Error::invalid(
            op,
            "`bins` must be positive, when an integer",
            loc,
        ));
    }
    let f32_data = a.dtype() == DType::F32;
    let edge_dtype = if f32_data { DType::F32 } else { DType::F64 };
    let check = |lo: f64, hi: f64, what: &str| -> Result<()> {
        if !(lo.is_finite() && hi.is_finite()) {
            return Err(Error::Value {
                op,
                message: format!("{what} range of [{lo}, {hi}] is not finite"),
                location: loc,
            });
        }
        Ok(())
    };
    let edges = match range {
        Some((lo, hi)) => {
            if lo > hi {
                return Err(Error::invalid(
                    op,
                    format!("max must be larger than min in range parameter (got ({lo}, {hi}))"),
                    loc,
                ));
            }
            check(lo, hi, "supplied")?;
            // Rust f64 bounds are Python floats: the edges are computed in float64
            let (lo, hi) = if lo == hi {
                (lo - 0.5, hi + 0.5)
            } else {
                (lo, hi)
            };
            linspace(lo, hi, bins)
        }
        None if a.size() == 0 => linspace(0.0f64, 1.0, bins),
        None if f32_data => {
            let v = host::<f32>(a, loc)?;
            let lo = v.iter().copied().fold(
                f32::INFINITY,
                |m, x| if x < m || x.is_nan() { x } else { m },
            );
            let hi =
                v.iter().copied().fold(
                    f32::NEG_INFINITY,
                    |m, x| if x > m || x.is_nan() { x } else { m },
                );
            check(f64::from(lo), f64::from(hi), "autodetected")?;
            // NumPy's float32 min and max: the edges are computed in float32
            let (lo, hi) = if lo == hi {
                (lo - 0.5, hi + 0.5)
            } else {
                (lo, hi)
            };
            linspace(lo, hi, bins)
        }
        None => {
            let v = host::<f64>(a, loc)?;
            let lo = v.iter().copied().fold(
                f64::INFINITY,
                |m, x| if x < m || x.is_nan() { x } else { m },
            );
            let hi =
                v.iter().copied().fold(
                    f64::NEG_INFINITY,
                    |m, x| if x > m || x.is_nan() { x } else { m },
                );
            check(lo, hi, "autodetected")?;
            let (lo, hi) = if lo == hi {
                (lo - 0.5, hi + 0.5)
            } else {
                (lo, hi)
            };
            linspace(lo, hi, bins)
        }
    };
    let edges: Vec<f64> = if f32_data {
        edges.into_iter().map(|e| f64::from(e as f32)).collect()
    } else {
        edges
    };
    if edges.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::Value {
            op,
            message: format!(
                "too many bins for data range: cannot create {bins} finite-sized bins"
            ),
            location: loc,
        });
    }
    Ok((edges, edge_dtype))
}

/// The edges of explicit `bins`, checked as NumPy does (1-d, non-decreasing).
fn given_edges(op: &'static str, e: &Array, loc: SourceLocation) -> Result<()> {
    if e.ndim() != 1 {
        return Err(Error::invalid(
            op,
            format!(
                "`bins` must be 1d, when an array (got shape {:?}; use Bins::Count for a number)",
                e.shape()
            ),
            loc,
        ));
    }
    let v = host::<f64>(e, loc)?;
    if v.windows(2).any(|w| w[0] > w[1]) {
        return Err(Error::invalid(
            op,
            "`bins` must increase monotonically, when an array",
            loc,
        ));
    }
    Ok(())
}

/// NumPy's `histogram_bin_edges(a, bins, range)`: the edges [`histogram`] uses, a float array
/// of `bins + 1` values for a count or an estimator's name (`"auto"`, `"fd"`, ...: see
/// [`Bins`]; float32 for float32 data, else float64), or the given edges themselves.
///
/// ```
/// use numcrane::{array, histogram_bin_edges};
/// let e = histogram_bin_edges(&array([1, 2, 3, 4]), 3, None).to_vec::<f64>().unwrap();
/// assert_eq!(e, vec![1.0, 2.0, 3.0, 4.0]);
/// let e = histogram_bin_edges(&array([1.0]), 2, Some((0.0, 1.0))).to_vec::<f64>().unwrap();
/// assert_eq!(e, vec![0.0, 0.5, 1.0]);
/// // NumPy's estimators: Sturges' width is 7 / (log2(8) + 1), so 4 bins
/// let x = array([0, 1, 2, 3, 4, 5, 6, 7]);
/// let e = histogram_bin_edges(&x, "sturges", None).to_vec::<f64>().unwrap();
/// assert_eq!(e, vec![0.0, 1.75, 3.5, 5.25, 7.0]);
/// ```
#[track_caller]
pub fn histogram_bin_edges(a: &Array, bins: impl Into<Bins>, range: Option<(f64, f64)>) -> Array {
    let loc = SourceLocation::caller();
    edges_of("histogram_bin_edges", a, &bins.into(), range, loc)
}

fn edges_of(
    op: &'static str,
    a: &Array,
    bins: &Bins,
    range: Option<(f64, f64)>,
    loc: SourceLocation,
) -> Array {
    match bins {
        Bins::Count(n) => {
            let dt = if a.dtype() == DType::F32 {
                DType::F32
            } else {
                DType::F64
            };
            match uniform_edges(op, a, *n, range, loc) {
                Ok((e, DType::F32)) => {
                    let n = e.len();
                    leaf(e.into_iter().map(|v| v as f32).collect(), vec![n], loc)
                }
                Ok((e, _)) => {
                    let n = e.len();
                    leaf(e, vec![n], loc)
                }
                Err(err) => failed(err, dt, vec![n.saturating_add(1)], loc),
            }
        }
        Bins::Edges(e) => match given_edges(op, e, loc) {
            Ok(()) => e.clone(),
            Err(err) => failed(err, e.dtype(), e.shape().to_vec(), loc),
        },
        Bins::Estimator(name) => match estimated_bins(op, a, name, range, loc) {
            Ok(n) => edges_of(op, a, &Bins::Count(n), range, loc),
            Err(err) => {
                let dt = if a.dtype() == DType::F32 {
                    DType::F32
                } else {
                    DType::F64
                };
                failed(err, dt, vec![0], loc)
            }
        },
    }
}

/// The number of equal-width bins NumPy's estimator `name` picks for `a` (flattened, trimmed
/// to `range`), as `numpy.lib._histograms_impl._get_bin_edges` computes it: a bin width from
/// the estimator, then `ceil((last_edge - first_edge) / width)`, with a width below 1 raised
/// to 1 for integer data and 1 bin for a zero width or no data.
///
/// Statistics are computed in float64 from the data; NumPy computes those of float32 data in
/// float32, so a width falling within rounding of a bin boundary can give one bin more or
/// less there.
fn estimated_bins(
    op: &'static str,
    a: &Array,
    name: &str,
    range: Option<(f64, f64)>,
    loc: SourceLocation,
) -> Result<usize> {
    const NAMES: [&str; 8] = [
        "auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt",
    ];
    if !NAMES.contains(&name) {
        return Err(Error::invalid(
            op,
            format!(
                "'{name}' is not a valid estimator for `bins` (one of {})",
                NAMES.join(", ")
            ),
            loc,
        ));
    }
    // The outer edges (and their checks) as for a bin count: the first and last of one bin.
    let (outer, _) = uniform_edges(op, a, 1, range, loc)?;
    let (first, last) = (outer[0], outer[1]);
    let f32_data = a.dtype() == DType::F32;
    let int_data = !a.dtype().is_float();
    let mut x = host::<f64>(&a.ravel(), loc)?;
    if range.is_some() {
        x.retain(|&v| v >= first && v <= last);
    }
    if x.is_empty() {
        return Ok(1);
    }
    // Differences in NumPy's precision: float32 data subtract in float32 (the outer edges
    // too, unless they are a Python-float `range`), integers exactly.
    let sub_in = |f32_sub: bool| {
        move |hi: f64, lo: f64| {
            if f32_sub {
                f64::from(hi as f32 - lo as f32)
            } else {
                hi - lo
            }
        }
    };
    let sub = sub_in(f32_data);
    let sub_edges = sub_in(f32_data && range.is_none());
    let n = x.len() as f64;
    let (lo, hi) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let ptp = sub(hi, lo);
    let mean = x.iter().sum::<f64>() / n;
    let std = (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
    let sqrt_w = || ptp / n.sqrt();
    let sturges_w = || ptp / (n.log2() + 1.0);
    let fd_w = || {
        let q = |p: f64| {
            let mut s = x.clone();
            s.sort_by(f64::total_cmp);
            // NumPy's 'linear' percentile
            let h = (n - 1.0) * p;
            let (i, f) = (h.floor() as usize, h - h.floor());
            let below = s[i];
            let above = s[(i + 1).min(s.len() - 1)];
            below + (above - below) * f
        };
        2.0 * (q(0.75) - q(0.25)) * n.powf(-1.0 / 3.0)
    };
    let width = match name {
        "sqrt" => sqrt_w(),
        "sturges" => sturges_w(),
        "rice" => ptp / (2.0 * n.powf(1.0 / 3.0)),
        "scott" => (24.0 * std::f64::consts::PI.sqrt() / n).powf(1.0 / 3.0) * std,
        "fd" => fd_w(),
        "auto" => fd_w().max(sqrt_w() / 2.0).min(sturges_w()),
        "doane" if x.len() > 2 && std > 0.0 => {
            let sg1 = (6.0 * (n - 2.0) / ((n + 1.0) * (n + 3.0))).sqrt();
            let g1 = x.iter().map(|v| ((v - mean) / std).powi(3)).sum::<f64>() / n;
            ptp / (1.0 + n.log2() + (1.0 + g1.abs() / sg1).log2())
        }
        "doane" => 0.0,
        _ => stone_width(&x, ptp, first, last),
    };
    if width == 0.0 {
        return Ok(1);
    }
    let width = if int_data && width < 1.0 { 1.0 } else { width };
    let bins = (sub_edges(last, first) / width).ceil();
    if !(bins.is_finite() && bins >= 1.0 && bins < (1u64 << 40) as f64) {
        return Err(Error::Value {
            op,
            message: format!("the {name} estimator gives no usable number of bins ({bins})"),
            location: loc,
        });
    }
    Ok(bins as usize)
}

/// NumPy's "stone" width: the bin count in `1..=max(100, sqrt(n))` minimising the
/// cross-validated integrated squared error estimate (the first minimum), as `ptp / count`.
fn stone_width(x: &[f64], ptp: f64, first: f64, last: f64) -> f64 {
    let n = x.len();
    if n <= 1 || ptp == 0.0 {
        return 0.0;
    }
    let upper = 100usize.max((n as f64).sqrt() as usize);
    let mut best = (f64::INFINITY, 1usize);
    for bins in 1..=upper {
        let edges = linspace(first, last, bins);
        let (counts, _) = count_bins(x, &edges, None);
        let sq: f64 = counts
            .iter()
            .map(|&c| {
                let p = c as f64 / n as f64;
                p * p
            })
            .sum();
        let j = (2.0 - (n as f64 + 1.0) * sq) / (ptp / bins as f64);
        if j < best.0 {
            best = (j, bins);
        }
    }
    ptp / best.1 as f64
}

/// The weights of a histogram in float64 or int64 (by their dtype's kind), or None.
enum Weights {
    Int(Vec<i64>),
    Float(Vec<f64>),
}

/// The bin of `x` over the sorted `edges` (`e_i <= x < e_i+1`, the last bin also holding its
/// right edge), or None outside them (NaN included). This is what NumPy's inclusive
/// searchsorted over the sorted data counts, bin by bin, also for repeated edges.
fn bin_of<T: Key>(edges: &[T], x: T) -> Option<usize> {
    let last = *edges.last()?;
    if x.cmp_total(last) == std::cmp::Ordering::Greater {
        return None;
    }
    let p = crate::search::position(edges, x, Side::Right);
    let nb = edges.len() - 1;
    p.checked_sub(1)
        .map(|b| b.min(nb.saturating_sub(1)))
        .filter(|_| nb > 0)
}

/// Per-bin counts (or weight sums, in input order as NumPy's `bincount`) of `a` over sorted
/// `edges`: a binary search per value, counted over fixed chunks in parallel when unweighted.
fn count_bins<T: Key>(a: &[T], edges: &[T], weights: Option<&Weights>) -> (Vec<i64>, Vec<f64>) {
    const CHUNK: usize = 1 << 16;
    let nb = edges.len().saturating_sub(1);
    let (mut ints, mut floats) = (vec![0i64; nb], vec![0.0f64; nb]);
    let bins = a.iter().map(|&x| bin_of(edges, x));
    match weights {
        None if a.len() >= PARALLEL_MIN => {
            let partial: Vec<Vec<i64>> = a
                .par_chunks(CHUNK)
                .map(|c| {
                    let mut n = vec![0i64; nb];
                    c.iter()
                        .filter_map(|&x| bin_of(edges, x))
                        .for_each(|b| n[b] += 1);
                    n
                })
                .collect();
            for p in partial {
                ints.iter_mut().zip(p).for_each(|(o, c)| *o += c);
            }
        }
        None => bins.flatten().for_each(|b| ints[b] += 1),
        Some(Weights::Int(w)) => bins
            .zip(w)
            .filter_map(|(b, &w)| Some((b?, w)))
            .for_each(|(b, w)| ints[b] = ints[b].wrapping_add(w)),
        Some(Weights::Float(w)) => bins
            .zip(w)
            .filter_map(|(b, &w)| Some((b?, w)))
            .for_each(|(b, w)| floats[b] += w),
    }
    (ints, floats)
}

fn histogram_typed<T: Key>(
    a: &Array,
    edges: &Array,
    weights: Option<&Weights>,
    loc: SourceLocation,
) -> Result<(Vec<i64>, Vec<f64>)> {
    Ok(count_bins(
        &host::<T>(a, loc)?,
        &host::<T>(edges, loc)?,
        weights,
    ))
}

/// The dtype of unnormalised histogram counts: the weights' dtype, else int64.
fn hist_dtype_of(weights: Option<&Array>) -> DType {
    weights.map_or(DType::I64, Array::dtype)
}

/// NumPy's `histogram(a, bins, range, density, weights)`: `(hist, bin_edges)` of the
/// flattened `a`.
///
/// `bins` is a number of equal-width bins over `range` (default: the data's min and max;
/// values outside are ignored) or explicit edges. Every bin is half-open except the last,
/// which includes its right edge; NaN falls in no bin. `hist` is int64, or the dtype of
/// `weights` (same shape as `a`; bool weights are not supported), or float64 with `density`
/// (each bin's count divided by its width and the total, so the integral is 1). Evaluates its
/// inputs when called.
///
/// ```
/// use numcrane::{array, histogram, Bins};
/// let (h, e) = histogram(&array([1, 2, 1]), Bins::Edges(array([0, 1, 2, 3])), None, false, None);
/// assert_eq!(h.to_vec::<i64>().unwrap(), vec![0, 2, 1]);
/// assert_eq!(e.to_vec::<i32>().unwrap(), vec![0, 1, 2, 3]);
/// let (h, _) = histogram(&array([0.0, 1.0, 2.0, 3.0]), 4, Some((0.0, 4.0)), true, None);
/// assert_eq!(h.to_vec::<f64>().unwrap(), vec![0.25, 0.25, 0.25, 0.25]);
/// ```
#[track_caller]
pub fn histogram(
    a: &Array,
    bins: impl Into<Bins>,
    range: Option<(f64, f64)>,
    density: bool,
    weights: Option<&Array>,
) -> (Array, Array) {
    let loc = SourceLocation::caller();
    let bins = bins.into();
    let edges = match (&bins, weights) {
        (Bins::Estimator(_), Some(_)) => failed(
            Error::invalid(
                "histogram",
                "automated estimation of the number of bins is not supported for weighted data",
                loc,
            ),
            DType::F64,
            vec![0],
            loc,
        ),
        _ => edges_of("histogram", a, &bins, range, loc),
    };
    let hist_dtype = match (density, weights) {
        (true, _) => DType::F64,
        (false, Some(w)) => w.dtype(),
        (false, None) => DType::I64,
    };
    let nb = edges.size().saturating_sub(1);
    let run = || -> Result<Array> {
        if let Some(e) = edges.error() {
            return Err(e.clone());
        }
        let w = match weights {
            None => None,
            Some(w) if w.shape() != a.shape() => {
                return Err(Error::invalid(
                    "histogram",
                    format!(
                        "weights should have the same shape as a: weights {:?}, a {:?}",
                        w.shape(),
                        a.shape()
                    ),
                    loc,
                ))
            }
            Some(w) if w.dtype() == DType::Bool => {
                return Err(Error::dtype("histogram", DType::Bool, loc));
            }
            // NumPy sums complex weights into a complex histogram; numcrane's histogram has
            // real counts only, and the integer path below would drop the imaginary parts.
            Some(w) if w.dtype().is_complex() => {
                return Err(Error::DTypeNotSupported {
                    op: "histogram",
                    dtype: w.dtype(),
                    detail: "; complex weights are not supported yet".into(),
                    location: loc,
                });
            }
            Some(w) if w.dtype().is_float() => Some(Weights::Float(host::<f64>(w, loc)?)),
            Some(w) => Some(Weights::Int(host::<i64>(w, loc)?)),
        };
        // the data compare with the edges in their promoted dtype (NumPy's searchsorted)
        let dt = a.dtype().promote(edges.dtype());
        let flat = a.ravel();
        let (ints, floats) = numcrane_graph::with_real_dtype!(dt, T => histogram_typed::<T>(&flat, &edges, w.as_ref(), loc),
            complex => Err(Error::dtype("histogram", dt, loc)))?;
        if density {
            // NumPy: n / np.array(np.diff(bin_edges), float) / n.sum(), with n and the edge
            // differences in their own dtypes (float32 rounds both)
            let f32_hist = hist_dtype_of(weights) == DType::F32;
            let counts: Vec<f64> = match &w {
                Some(Weights::Float(_)) if f32_hist => {
                    floats.iter().map(|&c| f64::from(c as f32)).collect()
                }
                Some(Weights::Float(_)) => floats.clone(),
                _ => ints.iter().map(|&c| c as f64).collect(),
            };
            let total: f64 = if f32_hist {
                f64::from(counts.iter().map(|&c| c as f32).sum::<f32>())
            } else {
                counts.iter().sum()
            };
            let e = host::<f64>(&edges, loc)?;
            let f32_edges = edges.dtype() == DType::F32;
            let d: Vec<f64> = counts
                .iter()
                .zip(e.windows(2))
                .map(|(c, w)| {
                    let width = if f32_edges {
                        f64::from(w[1] as f32 - w[0] as f32)
                    } else {
                        w[1] - w[0]
                    };
                    c / width / total
                })
                .collect();
            return Ok(leaf(d, vec![nb], loc));
        }
        Ok(match &w {
            Some(Weights::Float(_)) => {
                crate::search::leaf(floats, vec![nb], loc).astype(hist_dtype)
            }
            Some(Weights::Int(_)) => leaf(ints, vec![nb], loc).astype(hist_dtype),
            None => leaf(ints, vec![nb], loc),
        })
    };
    let hist = run().unwrap_or_else(|e| failed(e, hist_dtype, vec![nb], loc));
    (hist, edges)
}
