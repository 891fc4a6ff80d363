//! Searching sorted arrays with NumPy's names and semantics: `searchsorted` (side left or
//! right, an optional `sorter`) and `digitize` (increasing or decreasing bins, `right`), plus
//! the host-side helpers that the data-dependent modules (`sets`, `counting`) share.
//!
//! These functions evaluate their inputs when called and compute the answer natively in Rust
//! (binary searches, in parallel with rayon for many needles; each answer depends only on its
//! own needle, so the result does not depend on the thread count). The result is a realized
//! leaf array; its shape is static (the shape of `v` / `x`), so a later version can make them
//! graph nodes without changing the API. An input that fails to evaluate, or a bad argument,
//! gives an array whose `eval` returns that error naming the function and the caller's line;
//! nothing panics.
//!
//! Comparisons use NumPy's sort order: NaN after every other value (so searching NaN finds
//! the first NaN of a NaN-last sorted array), -0.0 equal to 0.0; complex values compare
//! lexicographically (real part, then imaginary), those holding a NaN last, as NumPy sorts
//! them. `digitize` refuses complex, as NumPy. Both inputs are compared in
//! their promoted dtype (`int8` haystack, `float64` needles: both as float64), as NumPy does.

use crate::build;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{Buffer, DType, Element, Error, Layout, Node, Op, Result};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::sync::Arc;

/// Below this many items the host algorithms stay on the calling thread.
pub(crate) const PARALLEL_MIN: usize = 1 << 16;

/// An element type with NumPy's sort order and a hashable canonical form.
pub(crate) trait Key: Element {
    /// A hashable form of the value: one `u64` for real types, two for complex ones.
    type Bits: std::hash::Hash + Eq + Copy + Send + Sync;
    /// NumPy's sort order: NaN last (all NaN equal for real types; complex values holding a
    /// NaN order among themselves as NumPy's complex sort places them), -0.0 equal to 0.0.
    fn cmp_total(self, other: Self) -> Ordering;
    /// True for a float NaN (for complex: a NaN in either part).
    fn nan(self) -> bool;
    /// A bit pattern equal for equal values (-0.0 and 0.0 alike); not used for NaN.
    fn bits(self) -> Self::Bits;
    /// The value as float64 (NumPy's `double` view of bins and ranges). Complex values give
    /// their real part: the callers (`digitize`, the histograms) reject complex first, as
    /// NumPy does.
    fn to_f64(self) -> f64;
}

macro_rules! key_int {
    ($($t:ty),*) => { $(
        impl Key for $t {
            type Bits = u64;
            fn cmp_total(self, other: Self) -> Ordering {
                self.cmp(&other)
            }
            fn nan(self) -> bool {
                false
            }
            fn bits(self) -> u64 {
                self as u64
            }
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )* };
}
key_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Key for bool {
    type Bits = u64;
    fn cmp_total(self, other: Self) -> Ordering {
        self.cmp(&other)
    }
    fn nan(self) -> bool {
        false
    }
    fn bits(self) -> u64 {
        self as u64
    }
    fn to_f64(self) -> f64 {
        f64::from(u8::from(self))
    }
}

macro_rules! key_float {
    ($($t:ty),*) => { $(
        impl Key for $t {
            type Bits = u64;
            fn cmp_total(self, other: Self) -> Ordering {
                self.partial_cmp(&other)
                    .unwrap_or_else(|| self.is_nan().cmp(&other.is_nan()))
            }
            fn nan(self) -> bool {
                self.is_nan()
            }
            fn bits(self) -> u64 {
                // -0.0 == 0.0, so both hash as +0.0
                if self == 0.0 { 0 } else { self.to_bits() as u64 }
            }
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )* };
}
key_float!(f32, f64);

macro_rules! key_complex {
    ($($t:ty),*) => { $(
        impl Key for $t {
            type Bits = (u64, u64);
            fn cmp_total(self, other: Self) -> Ordering {
                // NumPy's complex sort order (lexicographic, NaN-holding values last).
                if self.lex_lt(other) {
                    Ordering::Less
                } else if other.lex_lt(self) {
                    Ordering::Greater
                } else {
                    Ordering::Equal
                }
            }
            fn nan(self) -> bool {
                self.re.is_nan() || self.im.is_nan()
            }
            fn bits(self) -> (u64, u64) {
                (self.re.bits(), self.im.bits())
            }
            fn to_f64(self) -> f64 {
                self.re.to_f64()
            }
        }
    )* };
}
key_complex!(numcrane_graph::Complex32, numcrane_graph::Complex64);

/// The elements of `a` converted to `T` (which names `a`'s promoted dtype), evaluating `a`.
pub(crate) fn host<T: Element>(a: &Array, loc: SourceLocation) -> Result<Vec<T>> {
    build::cast(a, T::DTYPE, loc).to_vec::<T>()
}

/// A realized array holding `data` with `shape` (the caller made them agree), built at `loc`.
pub(crate) fn leaf<T: Element>(data: Vec<T>, shape: Vec<usize>, loc: SourceLocation) -> Array {
    match Buffer::from_slice(&data) {
        Ok(b) => Array::from_node(Node::leaf(Arc::new(b), Layout::contiguous(&shape), loc)),
        Err(e) => failed(e, T::DTYPE, shape, loc),
    }
}

/// An array whose evaluation returns `err`.
pub(crate) fn failed(err: Error, dtype: DType, shape: Vec<usize>, loc: SourceLocation) -> Array {
    build::poison(err, Op::Leaf, &[], dtype, shape, loc)
}

/// The result of a host computation: a leaf, or the error as an array that returns it.
pub(crate) fn finish<T: Element>(
    r: Result<Vec<T>>,
    shape: Vec<usize>,
    loc: SourceLocation,
) -> Array {
    match r {
        Ok(v) => leaf(v, shape, loc),
        Err(e) => failed(e, T::DTYPE, shape, loc),
    }
}

/// Checks that `a` is one-dimensional, as NumPy's `searchsorted`/`digitize`/`bincount` need.
pub(crate) fn one_d(op: &'static str, what: &str, a: &Array, loc: SourceLocation) -> Result<()> {
    if a.ndim() == 1 {
        return Ok(());
    }
    Err(Error::invalid(
        op,
        format!(
            "{what} must be one-dimensional, got shape {:?} ({})",
            a.shape(),
            if a.ndim() == 0 {
                "NumPy: object of too small depth for desired array"
            } else {
                "NumPy: object too deep for desired array"
            }
        ),
        loc,
    ))
}

/// Which of several equal positions [`searchsorted`] returns.
///
/// # Examples
///
/// ```
/// use numcrane::{array, searchsorted, Side};
/// let a = array([1, 2, 2, 3]);
/// let v = array([2]);
/// assert_eq!(searchsorted(&a, &v, Side::Left, None).to_vec::<i64>().unwrap(), vec![1]);
/// assert_eq!(searchsorted(&a, &v, Side::Right, None).to_vec::<i64>().unwrap(), vec![3]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Side {
    /// The first suitable position: `a[i-1] < v <= a[i]` (NumPy's `side="left"`).
    #[default]
    Left,
    /// The last suitable position: `a[i-1] <= v < a[i]` (NumPy's `side="right"`).
    Right,
}

/// The number of elements of the sorted `hay` before `x` with `side` (a binary search).
pub(crate) fn position<T: Key>(hay: &[T], x: T, side: Side) -> usize {
    match side {
        Side::Left => hay.partition_point(|e| e.cmp_total(x) == Ordering::Less),
        Side::Right => hay.partition_point(|e| e.cmp_total(x) != Ordering::Greater),
    }
}

/// `position` of every needle, in parallel for many.
fn positions<T: Key>(hay: &[T], needles: &[T], side: Side) -> Vec<i64> {
    let one = |&x: &T| position(hay, x, side) as i64;
    if needles.len() >= PARALLEL_MIN {
        needles.par_iter().map(one).collect()
    } else {
        needles.iter().map(one).collect()
    }
}

/// The positions a `sorter` argument holds, checked against the haystack length `n`.
fn sorter_positions(sorter: &Array, n: usize, loc: SourceLocation) -> Result<Vec<usize>> {
    if !sorter.dtype().is_int() {
        return Err(Error::DTypeNotSupported {
            op: "searchsorted",
            dtype: sorter.dtype(),
            detail: "; sorter must only contain integers".into(),
            location: loc,
        });
    }
    if sorter.size() != n {
        return Err(Error::invalid(
            "searchsorted",
            format!(
                "sorter.size must equal a.size: sorter has shape {:?}, a has {n} elements",
                sorter.shape()
            ),
            loc,
        ));
    }
    host::<i64>(sorter, loc)?
        .into_iter()
        .map(|i| {
            usize::try_from(i).ok().filter(|&i| i < n).ok_or_else(|| {
                Error::invalid(
                    "searchsorted",
                    format!("sorter index {i} out of range for a of {n} elements"),
                    loc,
                )
            })
        })
        .collect()
}

fn searchsorted_typed<T: Key>(
    a: &Array,
    v: &Array,
    side: Side,
    order: Option<&[usize]>,
    loc: SourceLocation,
) -> Result<Vec<i64>> {
    let mut hay = host::<T>(a, loc)?;
    if let Some(order) = order {
        hay = order.iter().map(|&i| hay[i]).collect();
    }
    let needles = host::<T>(v, loc)?;
    Ok(positions(&hay, &needles, side))
}

/// NumPy's `searchsorted(a, v, side, sorter)`: for each element of `v`, the int64 position at
/// which inserting it into the sorted one-dimensional `a` keeps `a` sorted; the result has
/// `v`'s shape.
///
/// `a` must be sorted ascending in NumPy's order (NaN last), or `sorter` must hold the
/// integer positions that sort it (as `argsort(a)` gives; every position must be in range,
/// which numcrane always checks). Both are compared in their promoted dtype. Evaluates its
/// inputs when called (see the module doc).
///
/// ```
/// use numcrane::{array, searchsorted, Side};
/// let a = array([1.0, 2.0, 2.0, 3.0, f64::NAN]);
/// let v = array([2.0, 0.0, 9.0, f64::NAN]);
/// assert_eq!(searchsorted(&a, &v, Side::Left, None).to_vec::<i64>().unwrap(), vec![1, 0, 4, 4]);
/// assert_eq!(searchsorted(&a, &v, Side::Right, None).to_vec::<i64>().unwrap(), vec![3, 0, 4, 5]);
/// let unsorted = array([3, 1, 2]);
/// let order = array([1i64, 2, 0]);
/// let p = searchsorted(&unsorted, &array([2]), Side::Left, Some(&order));
/// assert_eq!(p.to_vec::<i64>().unwrap(), vec![1]);
/// ```
#[track_caller]
pub fn searchsorted(a: &Array, v: &Array, side: Side, sorter: Option<&Array>) -> Array {
    let loc = SourceLocation::caller();
    let run = || -> Result<Vec<i64>> {
        one_d("searchsorted", "a", a, loc)?;
        let order = sorter
            .map(|s| sorter_positions(s, a.size(), loc))
            .transpose()?;
        let dt = a.dtype().promote(v.dtype());
        numcrane_graph::with_dtype!(dt, T => searchsorted_typed::<T>(a, v, side, order.as_deref(), loc))
    };
    finish(run(), v.shape().to_vec(), loc)
}

impl Array {
    /// NumPy's `a.searchsorted(v, side)`: see [`searchsorted`].
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, Side};
    /// let edges = array([0.0, 10.0, 20.0]);
    /// let at = edges.searchsorted(&array([-5.0, 10.0, 15.0, 25.0]), Side::Left);
    /// assert_eq!(at.to_vec::<i64>().unwrap(), vec![0, 1, 2, 3]);
    /// ```
    #[track_caller]
    pub fn searchsorted(&self, v: &Array, side: Side) -> Array {
        // #[track_caller] passes the user's line through to the function
        searchsorted(self, v, side, None)
    }
}

/// NumPy's `_monotonicity` of bins (viewed as float64): 1 increasing (also for no bins or
/// all equal), -1 decreasing, 0 neither.
fn monotonicity(bins: &[f64]) -> i32 {
    let Some(&first) = bins.first() else {
        return 1;
    };
    let mut i = 1;
    while i < bins.len() && bins[i] == first {
        i += 1;
    }
    if i == bins.len() {
        return 1;
    }
    let (mut last, mut next) = (first, bins[i]);
    let increasing = last < next;
    for &b in &bins[i + 1..] {
        last = next;
        next = b;
        if (increasing && last > next) || (!increasing && last < next) {
            return 0;
        }
    }
    if increasing {
        1
    } else {
        -1
    }
}

fn digitize_typed<T: Key>(
    x: &Array,
    bins: &Array,
    right: bool,
    loc: SourceLocation,
) -> Result<Vec<i64>> {
    let mut hay = host::<T>(bins, loc)?;
    let as_f64: Vec<f64> = hay.iter().map(|b| b.to_f64()).collect();
    let mono = monotonicity(&as_f64);
    if mono == 0 {
        return Err(Error::invalid(
            "digitize",
            "bins must be monotonically increasing or decreasing",
            loc,
        ));
    }
    let side = if right { Side::Left } else { Side::Right };
    let needles = host::<T>(x, loc)?;
    if mono == 1 {
        return Ok(positions(&hay, &needles, side));
    }
    // NumPy: len(bins) - searchsorted(bins[::-1], x, side)
    hay.reverse();
    let n = hay.len() as i64;
    Ok(positions(&hay, &needles, side)
        .into_iter()
        .map(|p| n - p)
        .collect())
}

/// NumPy's `digitize(x, bins, right)`: for each element of `x`, the int64 index of the bin it
/// falls in; the result has `x`'s shape.
///
/// `bins` is one-dimensional and monotonically increasing or decreasing (an error otherwise).
/// For increasing bins, `right = false` gives `i` with `bins[i-1] <= x < bins[i]` and
/// `right = true` gives `bins[i-1] < x <= bins[i]`; values below the first bin give 0, above
/// the last `len(bins)`. Computed with [`searchsorted`]'s binary search, when called.
///
/// ```
/// use numcrane::{array, digitize};
/// let x = array([0.2, 6.4, 3.0, 1.6]);
/// let bins = array([0.0, 1.0, 2.5, 4.0, 10.0]);
/// assert_eq!(digitize(&x, &bins, false).to_vec::<i64>().unwrap(), vec![1, 4, 3, 2]);
/// let down = array([10.0, 4.0, 2.5, 1.0, 0.0]);
/// assert_eq!(digitize(&x, &down, false).to_vec::<i64>().unwrap(), vec![4, 1, 2, 3]);
/// ```
#[track_caller]
pub fn digitize(x: &Array, bins: &Array, right: bool) -> Array {
    let loc = SourceLocation::caller();
    let run = || -> Result<Vec<i64>> {
        one_d("digitize", "bins", bins, loc)?;
        let dt = x.dtype().promote(bins.dtype());
        numcrane_graph::with_real_dtype!(dt, T => digitize_typed::<T>(x, bins, right, loc),
        complex => Err(Error::DTypeNotSupported {
            op: "digitize",
            dtype: dt,
            // NumPy's two TypeErrors: its own check of x, then the cast of bins to double.
            detail: if x.dtype().is_complex() {
                "; x may not be complex".into()
            } else {
                format!("; bins of dtype {} cannot be cast to float64", bins.dtype())
            },
            location: loc,
        }))
    };
    finish(run(), x.shape().to_vec(), loc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonicity_matches_numpy() {
        assert_eq!(monotonicity(&[]), 1);
        assert_eq!(monotonicity(&[2.0, 2.0]), 1);
        assert_eq!(monotonicity(&[1.0, 1.0, 2.0, 2.0]), 1);
        assert_eq!(monotonicity(&[3.0, 3.0, 2.0, 2.0]), -1);
        assert_eq!(monotonicity(&[1.0, 3.0, 2.0]), 0);
        assert_eq!(monotonicity(&[3.0, 1.0, 2.0]), 0);
    }

    #[test]
    fn total_order_puts_nan_last_and_zeros_together() {
        assert_eq!(f64::NAN.cmp_total(f64::INFINITY), Ordering::Greater);
        assert_eq!(f64::NAN.cmp_total(f64::NAN), Ordering::Equal);
        assert_eq!((-0.0f64).cmp_total(0.0), Ordering::Equal);
        assert_eq!((-0.0f32).bits(), 0.0f32.bits());
    }
}

/// The `kth` argument of [`partition`] / [`argpartition`]: one position or several (negative
/// ones count from the end of the lane).
///
/// # Examples
///
/// ```
/// use numcrane::{array, partition, Kth};
/// let a = array([7, 1, 5, 3, 9]);
/// // Position 2 holds what a sorted array would, smaller ones before it, larger after.
/// let p = partition(&a, 2, None).to_vec::<i32>().unwrap();
/// assert_eq!(p[2], 5);
/// assert!(p[..2].iter().all(|&v| v < 5) && p[3..].iter().all(|&v| v > 5));
/// // Several positions at once; negative ones count from the end.
/// let p = partition(&a, Kth::from([0, -1]), None).to_vec::<i32>().unwrap();
/// assert_eq!((p[0], p[4]), (1, 9));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kth(Vec<isize>);

impl From<isize> for Kth {
    fn from(k: isize) -> Kth {
        Kth(vec![k])
    }
}

impl From<i32> for Kth {
    fn from(k: i32) -> Kth {
        Kth(vec![k as isize])
    }
}

impl From<usize> for Kth {
    fn from(k: usize) -> Kth {
        Kth(vec![crate::saturating_isize(k)])
    }
}

impl From<Vec<isize>> for Kth {
    fn from(k: Vec<isize>) -> Kth {
        Kth(k)
    }
}

impl From<&[isize]> for Kth {
    fn from(k: &[isize]) -> Kth {
        Kth(k.to_vec())
    }
}

impl<const N: usize> From<[isize; N]> for Kth {
    fn from(k: [isize; N]) -> Kth {
        Kth(k.to_vec())
    }
}

/// Checks `kth` against the lanes `partition` works on (NumPy checks nothing for an empty
/// array) and returns the positions counted from the start, ascending and distinct (none for
/// an empty array: there is nothing to place).
fn check_kth(
    name: &'static str,
    a: &Array,
    kth: &Kth,
    axis: Option<isize>,
    loc: SourceLocation,
) -> Result<Vec<usize>> {
    if kth.0.is_empty() {
        return Err(Error::invalid(
            name,
            "kth must hold at least one position (NumPy: Partition index must be integer)",
            loc,
        ));
    }
    let n = match axis {
        None => a.size(),
        Some(ax) => a.shape()[build::axis(name, ax, a.ndim(), loc)?],
    };
    if a.size() == 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(kth.0.len());
    for &k in &kth.0 {
        let norm = if k < 0 {
            k.saturating_add(n as isize)
        } else {
            k
        };
        if norm < 0 || norm >= n as isize {
            return Err(Error::invalid(
                name,
                format!("kth(={norm}) out of bounds ({n}) (kth {k} given)"),
                loc,
            ));
        }
        out.push(norm as usize);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// NumPy's `partition(a, kth, axis)`: a copy of `a` in which, along `axis` (None: the
/// flattened array), each element at a `kth` position is the one a sort would put there,
/// no element before it is greater and none after it is smaller (NaN last, `-0.0 == 0.0`).
///
/// As in NumPy, the order within the pieces is unspecified. The node (`Op::Partition`) is
/// lazy; evaluating it runs an introselect per lane (expected `O(n)` per `kth`, each next
/// `kth` searched only right of the previous one), parallel over lanes on the JIT backend.
/// Positions out of range (after counting negative ones from the end) and bad axes are errors,
/// except for an empty array, as in NumPy.
///
/// ```
/// use numcrane::{array, partition};
/// let x = array([3, 4, 2, 1]);
/// let p = partition(&x, 3, Some(0)).to_vec::<i32>().unwrap();
/// assert_eq!(p[3], 4);
/// assert!(p[..3].iter().all(|&v| v <= 4));
/// let p = partition(&x, [1, 2], Some(-1)).to_vec::<i32>().unwrap();
/// assert_eq!(&p[1..3], &[2, 3]);
/// ```
#[track_caller]
pub fn partition(a: &Array, kth: impl Into<Kth>, axis: Option<isize>) -> Array {
    partition_node(
        "partition",
        a,
        kth.into(),
        axis,
        false,
        SourceLocation::caller(),
    )
}

/// NumPy's `argpartition(a, kth, axis)`: the int64 positions along `axis` (None: in the
/// flattened array) that [`partition`] `a`; as NumPy, a zero-dimensional input is treated as
/// flattened whatever the axis. Lazy, `O(n)` per lane and `kth` (see [`partition`]).
///
/// ```
/// use numcrane::{argpartition, array};
/// let x = array([3.0, f64::NAN, 1.0, 2.0]);
/// let i = argpartition(&x, 1, Some(0)).to_vec::<i64>().unwrap();
/// assert_eq!(i[1], 3); // 2.0 is the second smallest
/// ```
#[track_caller]
pub fn argpartition(a: &Array, kth: impl Into<Kth>, axis: Option<isize>) -> Array {
    let axis = if a.ndim() == 0 { None } else { axis };
    partition_node(
        "argpartition",
        a,
        kth.into(),
        axis,
        true,
        SourceLocation::caller(),
    )
}

/// The `Op::Partition` node of [`partition`] (`arg == false`) or [`argpartition`].
fn partition_node(
    name: &'static str,
    a: &Array,
    kth: Kth,
    axis: Option<isize>,
    arg: bool,
    loc: SourceLocation,
) -> Array {
    let dtype = if arg { DType::I64 } else { a.dtype() };
    let shape = match axis {
        None => vec![a.size()],
        Some(_) => a.shape().to_vec(),
    };
    let fail = |e: Error| {
        let op = Op::Partition {
            axis: 0,
            kth: Vec::new(),
            arg,
        };
        build::poison(e, op, &[a], dtype, shape.clone(), loc)
    };
    let kth = match check_kth(name, a, &kth, axis, loc) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let (x, axis) = match axis {
        None => (a.reshape_at(vec![a.size()], loc), 0),
        Some(ax) => match build::axis(name, ax, a.ndim(), loc) {
            Ok(ax) => (a.clone(), ax),
            Err(e) => return fail(e),
        },
    };
    build::node(Op::Partition { axis, kth, arg }, &[&x], dtype, shape, loc)
}
