//! Sorting along one axis, NumPy's `kind="stable"` order: every lane ascending, NaN last,
//! `-0.0 == 0.0` (kept in their input order), ties in input order; [`sort_axis`] returns the
//! values, [`argsort_axis`] the positions (`int64`).
//!
//! Every element type maps to an unsigned key whose integer order is that order
//! ([`SortScalar::key`]): integers flip the sign bit, floats map negatives to `!bits` and
//! non-negatives to `bits | sign`, with `-0.0` canonicalized to `0.0`'s key and every NaN to
//! the largest key. Keys are radix-sorted (`sort_radix`); short lanes use a stable
//! sort from the standard library (values by key, or positions by their element's key), which
//! needs no heap scratch at those sizes.
//!
//! - Values: only keys are sorted (equal keys are identical, so stability is moot), then turned
//!   back into values. The two keys that stand for several bit patterns are patched from the
//!   input: the run of zero keys gets the input's zeros (`0.0` / `-0.0`) in input order and the
//!   NaN run the input's NaNs in input order, which is exactly what a stable sort leaves there.
//! - Positions: (key, index) pairs, radix-sorted (stable), so equal keys keep their input order.
//!
//! Data is `[outer, len, inner]` in C order (lanes along the middle axis). Lanes with
//! `inner > 1` are gathered into contiguous rows first and scattered back after. Many lanes run
//! in parallel on rayon; a single long lane (or fewer lanes than threads) is split inside
//! (parallel merge sort with radix-sorted leaves).

use crate::sort_radix::{par_sort, radix_sort, RadixKey};
use rayon::prelude::*;
use std::fmt;

mod sealed {
    pub trait Sealed {}
    macro_rules! seal {
        ($($t:ty),*) => { $(impl Sealed for $t {})* };
    }
    seal!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, bool);
}

/// An element type the sort kernels support: the integers, `f32`, `f64` and `bool`.
pub trait SortScalar: sealed::Sealed + Copy + Default + Send + Sync + 'static {
    /// The unsigned radix key type (same width as the element).
    #[doc(hidden)]
    type Key: RadixKey + Default;
    /// Whether some keys stand for several bit patterns (`-0.0` and `0.0`, all NaNs).
    #[doc(hidden)]
    const FLOAT: bool;
    /// The order-preserving key (see the module doc).
    #[doc(hidden)]
    fn key(self) -> Self::Key;
    /// A value with this key (`0.0` for the zero key, a NaN for the NaN key).
    #[doc(hidden)]
    fn from_key(k: Self::Key) -> Self;
    /// True for `0.0` and `-0.0` (floats only).
    #[doc(hidden)]
    fn is_zero(self) -> bool;
    /// True for NaN (floats only).
    #[doc(hidden)]
    fn is_nan(self) -> bool;
    /// True for negative floats, `-0.0` and NaNs with the sign bit (floats only).
    #[doc(hidden)]
    fn is_sign_negative(self) -> bool;
}

macro_rules! sort_unsigned {
    ($($t:ty),*) => {$(
        impl SortScalar for $t {
            type Key = $t;
            const FLOAT: bool = false;
            #[inline(always)]
            fn key(self) -> $t { self }
            #[inline(always)]
            fn from_key(k: $t) -> Self { k }
            fn is_zero(self) -> bool { false }
            fn is_nan(self) -> bool { false }
            fn is_sign_negative(self) -> bool { false }
        }
    )*};
}
sort_unsigned!(u8, u16, u32, u64);

macro_rules! sort_signed {
    ($($t:ty => $u:ty),*) => {$(
        impl SortScalar for $t {
            type Key = $u;
            const FLOAT: bool = false;
            #[inline(always)]
            fn key(self) -> $u { (self as $u) ^ (1 << (<$u>::BITS - 1)) }
            #[inline(always)]
            fn from_key(k: $u) -> Self { (k ^ (1 << (<$u>::BITS - 1))) as $t }
            fn is_zero(self) -> bool { false }
            fn is_nan(self) -> bool { false }
            fn is_sign_negative(self) -> bool { false }
        }
    )*};
}
sort_signed!(i8 => u8, i16 => u16, i32 => u32, i64 => u64);

macro_rules! sort_float {
    ($($t:ty => $u:ty),*) => {$(
        impl SortScalar for $t {
            type Key = $u;
            const FLOAT: bool = true;
            #[inline(always)]
            fn key(self) -> $u {
                const SIGN: $u = 1 << (<$u>::BITS - 1);
                if self.is_nan() {
                    return <$u>::MAX;
                }
                // -0.0 takes 0.0's key: they compare equal.
                let bits = if self == 0.0 { 0 } else { self.to_bits() };
                if bits & SIGN != 0 { !bits } else { bits | SIGN }
            }
            #[inline(always)]
            fn from_key(k: $u) -> Self {
                const SIGN: $u = 1 << (<$u>::BITS - 1);
                if k == <$u>::MAX {
                    return <$t>::NAN;
                }
                <$t>::from_bits(if k & SIGN != 0 { k & !SIGN } else { !k })
            }
            fn is_zero(self) -> bool { self == 0.0 }
            fn is_nan(self) -> bool { self.is_nan() }
            fn is_sign_negative(self) -> bool { self.is_sign_negative() }
        }
    )*};
}
sort_float!(f32 => u32, f64 => u64);

impl SortScalar for bool {
    type Key = u8;
    const FLOAT: bool = false;
    #[inline(always)]
    fn key(self) -> u8 {
        self as u8
    }
    #[inline(always)]
    fn from_key(k: u8) -> Self {
        k != 0
    }
    fn is_zero(self) -> bool {
        false
    }
    fn is_nan(self) -> bool {
        false
    }
    fn is_sign_negative(self) -> bool {
        false
    }
}

/// Why a sort call was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortError {
    /// The slices do not hold `outer * len * inner` elements.
    Shape {
        /// `[outer, len, inner]` as given.
        dims: [usize; 3],
        /// Length of the input slice.
        src: usize,
        /// Length of the output slice.
        dst: usize,
    },
    /// The scratch buffers could not be allocated.
    OutOfMemory {
        /// Bytes requested.
        bytes: usize,
    },
}

impl fmt::Display for SortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SortError::Shape { dims, src, dst } => write!(
                f,
                "sort: lanes {dims:?} ([outer, len, inner]) need {} elements, got an input of \
                 {src} and an output of {dst}",
                dims.iter()
                    .try_fold(1usize, |a, &d| a.checked_mul(d))
                    .map_or_else(|| "more than usize::MAX".to_string(), |n| n.to_string())
            ),
            SortError::OutOfMemory { bytes } => {
                write!(f, "sort: cannot allocate {bytes} bytes of scratch space")
            }
        }
    }
}

impl std::error::Error for SortError {}

/// Knobs of the sort kernels (tests use them to reach every path at small sizes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortOptions {
    /// Use the current rayon pool's threads (`false`: the calling thread only). The result is
    /// the same either way.
    pub parallel: bool,
    /// Lanes at least this long are radix-sorted; shorter ones use the standard library's
    /// sort.
    pub radix_min: usize,
    /// A lane at least this long is split across threads when there are fewer lanes than
    /// twice the threads.
    pub split_min: usize,
    /// Calls with fewer elements in all run on the calling thread.
    pub parallel_min: usize,
    /// Leaf size of the split sort (pieces radix-sorted on their own before merging); `0`:
    /// about `len / (2 * threads)`.
    pub leaf: usize,
}

impl Default for SortOptions {
    fn default() -> Self {
        SortOptions {
            parallel: true,
            radix_min: 256,
            split_min: 1 << 16,
            parallel_min: 1 << 15,
            leaf: 0,
        }
    }
}

/// Sorts every lane of `src` (`[outer, len, inner]`, C order) into `dst` (same shape):
/// ascending, NaN last, `-0.0` and `0.0` equal and kept in input order, bit for bit what a
/// stable sort with that order gives.
///
/// ```
/// use numcrane_kernels::sort_axis;
/// let x = [3.0f64, f64::NAN, -0.0, 1.0, 0.0, -2.0];
/// let mut out = [0.0; 6];
/// sort_axis(&x, [1, 6, 1], &mut out).unwrap();
/// assert_eq!(out[..5], [-2.0, -0.0, 0.0, 1.0, 3.0]);
/// assert!(out[1].is_sign_negative() && out[5].is_nan());
/// ```
pub fn sort_axis<T: SortScalar>(
    src: &[T],
    dims: [usize; 3],
    dst: &mut [T],
) -> Result<(), SortError> {
    sort_axis_with(&SortOptions::default(), src, dims, dst)
}

/// [`sort_axis`] with explicit options.
pub fn sort_axis_with<T: SortScalar>(
    opts: &SortOptions,
    src: &[T],
    dims: [usize; 3],
    dst: &mut [T],
) -> Result<(), SortError> {
    run_lanes(opts, src, dims, dst, sort_lane::<T>)
}

/// The stable sorting permutation of every lane of `src` (`[outer, len, inner]`, C order):
/// `dst[o, k, i]` is the position along the lane of the element that sorts k-th (NumPy's
/// `argsort(kind="stable")`).
///
/// ```
/// use numcrane_kernels::argsort_axis;
/// let x = [2i32, 1, 2, 0];
/// let mut out = [0i64; 4];
/// argsort_axis(&x, [1, 4, 1], &mut out).unwrap();
/// assert_eq!(out, [3, 1, 0, 2]);
/// ```
pub fn argsort_axis<T: SortScalar>(
    src: &[T],
    dims: [usize; 3],
    dst: &mut [i64],
) -> Result<(), SortError> {
    argsort_axis_with(&SortOptions::default(), src, dims, dst)
}

/// [`argsort_axis`] with explicit options.
pub fn argsort_axis_with<T: SortScalar>(
    opts: &SortOptions,
    src: &[T],
    dims: [usize; 3],
    dst: &mut [i64],
) -> Result<(), SortError> {
    if u32::try_from(dims[1]).is_ok() {
        run_lanes(opts, src, dims, dst, argsort_lane::<T, u32>)
    } else {
        run_lanes(opts, src, dims, dst, argsort_lane::<T, u64>)
    }
}

/// How a lane is sorted: `f(opts, lane, out, split)` with the lane's values contiguous, its
/// output contiguous, and `split` telling it to use the pool's threads inside.
type LaneFn<T, O> = fn(&SortOptions, &[T], &mut [O], bool) -> Result<(), SortError>;

/// A vector of `n` copies of `x`, or the error naming the size.
fn alloc<E: Clone>(n: usize, x: E) -> Result<Vec<E>, SortError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| SortError::OutOfMemory {
        bytes: n.saturating_mul(std::mem::size_of::<E>()),
    })?;
    v.resize(n, x);
    Ok(v)
}

/// Checks the shapes, makes the lanes contiguous if they are not, and sorts them: in parallel
/// over lanes, or one lane at a time split across threads, or all on this thread.
fn run_lanes<T: SortScalar, O: Copy + Send + Sync + Default>(
    opts: &SortOptions,
    src: &[T],
    dims: [usize; 3],
    dst: &mut [O],
    lane_fn: LaneFn<T, O>,
) -> Result<(), SortError> {
    let [outer, len, inner] = dims;
    let total = outer.checked_mul(len).and_then(|x| x.checked_mul(inner));
    if total != Some(src.len()) || total != Some(dst.len()) {
        return Err(SortError::Shape {
            dims,
            src: src.len(),
            dst: dst.len(),
        });
    }
    let total = src.len();
    if total == 0 {
        return Ok(());
    }
    let threads = if opts.parallel && total >= opts.parallel_min {
        rayon::current_num_threads().max(1)
    } else {
        1
    };
    let lanes = outer * inner;
    let split = threads > 1 && lanes < 2 * threads && len >= opts.split_min;
    let sort_rows = |src: &[T], dst: &mut [O]| -> Result<(), SortError> {
        if threads > 1 && !split && lanes > 1 {
            src.par_chunks(len)
                .zip(dst.par_chunks_mut(len))
                .try_for_each(|(s, d)| lane_fn(opts, s, d, false))
        } else {
            src.chunks(len)
                .zip(dst.chunks_mut(len))
                .try_for_each(|(s, d)| lane_fn(opts, s, d, split))
        }
    };
    if inner == 1 {
        return sort_rows(src, dst);
    }
    // Lanes along an outer axis: gather them into rows, sort, scatter back.
    let mut rows = alloc(total, src[0])?;
    gather(src, dims, &mut rows, threads > 1);
    let mut sorted = alloc(total, O::default())?;
    sort_rows(&rows, &mut sorted)?;
    scatter(&sorted, dims, dst, threads > 1);
    Ok(())
}

/// Lanes gathered per task of [`gather`]: consecutive lanes of one row are adjacent in the
/// input, so a block reads `LANE_BLOCK` contiguous elements per step along the axis.
const LANE_BLOCK: usize = 16;

/// `rows[(o * inner + i) * len + k] = src[(o * len + k) * inner + i]`.
fn gather<T: Copy + Send + Sync>(
    src: &[T],
    [_, len, inner]: [usize; 3],
    rows: &mut [T],
    par: bool,
) {
    let block = |(b, chunk): (usize, &mut [T])| {
        let l0 = b * LANE_BLOCK;
        for k in 0..len {
            for (j, lane) in chunk.chunks_mut(len).enumerate() {
                let l = l0 + j;
                let (o, i) = (l / inner, l % inner);
                lane[k] = src[(o * len + k) * inner + i];
            }
        }
    };
    if par {
        rows.par_chunks_mut(len * LANE_BLOCK)
            .enumerate()
            .for_each(block);
    } else {
        rows.chunks_mut(len * LANE_BLOCK)
            .enumerate()
            .for_each(block);
    }
}

/// The inverse of [`gather`]: `dst[(o * len + k) * inner + i] = rows[(o * inner + i) * len + k]`.
fn scatter<O: Copy + Send + Sync>(
    rows: &[O],
    [_, len, inner]: [usize; 3],
    dst: &mut [O],
    par: bool,
) {
    let row = |(r, out): (usize, &mut [O])| {
        let (o, k) = (r / len, r % len);
        for (i, x) in out.iter_mut().enumerate() {
            *x = rows[(o * inner + i) * len + k];
        }
    };
    if par {
        dst.par_chunks_mut(inner).enumerate().for_each(row);
    } else {
        dst.chunks_mut(inner).enumerate().for_each(row);
    }
}

/// Leaf size of a split lane sort.
fn leaf_size(opts: &SortOptions, len: usize) -> usize {
    if opts.leaf > 0 {
        opts.leaf
    } else {
        len.div_ceil(2 * rayon::current_num_threads().max(1))
            .max(1 << 14)
    }
}

/// Sorts one contiguous lane's values into `out`.
fn sort_lane<T: SortScalar>(
    opts: &SortOptions,
    lane: &[T],
    out: &mut [T],
    split: bool,
) -> Result<(), SortError> {
    let n = lane.len();
    if n < opts.radix_min {
        // Short lanes: a stable sort of the values by key, in place (the standard library's
        // stable sort keeps its scratch on the stack at these sizes, so many short lanes cost
        // no allocations). Equal keys keep input order, which is the whole contract.
        out.copy_from_slice(lane);
        out.sort_by_key(|x| x.key());
        return Ok(());
    }
    let mut keys = alloc(n, T::Key::default())?;
    if split {
        keys.par_iter_mut()
            .zip(lane.par_iter())
            .for_each(|(k, &x)| *k = x.key());
    } else {
        for (k, &x) in keys.iter_mut().zip(lane) {
            *k = x.key();
        }
    }
    // A -0.0 shares 0.0's key and NaNs share the largest key: both runs are patched below.
    let (neg_zero, nans) = if T::FLOAT {
        let neg_zero = |x: &T| x.is_zero() && x.is_sign_negative();
        if split {
            (
                lane.par_iter().any(neg_zero),
                lane.par_iter().filter(|x| x.is_nan()).count(),
            )
        } else {
            (
                lane.iter().any(neg_zero),
                lane.iter().filter(|x| x.is_nan()).count(),
            )
        }
    } else {
        (false, 0)
    };
    let mut buf = alloc(n, T::Key::default())?;
    if split {
        par_sort(
            &mut keys,
            &mut buf,
            false,
            leaf_size(opts, n),
            &|k: &T::Key| *k,
        );
    } else {
        radix_sort(&mut keys, &mut buf, &|k: &T::Key| *k);
    }
    drop(buf);
    if split {
        out.par_iter_mut()
            .zip(keys.par_iter())
            .for_each(|(o, &k)| *o = T::from_key(k));
    } else {
        for (o, &k) in out.iter_mut().zip(&keys) {
            *o = T::from_key(k);
        }
    }
    if neg_zero {
        // T::default() is 0.0 for the float types.
        let zero = T::default().key();
        let lo = keys.partition_point(|&k| k < zero);
        let hi = keys.partition_point(|&k| k <= zero);
        for (o, &x) in out[lo..hi]
            .iter_mut()
            .zip(lane.iter().filter(|x| x.is_zero()))
        {
            *o = x;
        }
    }
    if nans > 0 {
        for (o, &x) in out[n - nans..]
            .iter_mut()
            .zip(lane.iter().filter(|x| x.is_nan()))
        {
            *o = x;
        }
    }
    Ok(())
}

/// An index along a lane: `u32` when the lane is short enough (half the memory traffic of
/// `u64` pairs), `u64` otherwise.
trait LaneIndex: Copy + Ord + Send + Sync + Default {
    fn from_usize(i: usize) -> Self;
    fn to_i64(self) -> i64;
}

impl LaneIndex for u32 {
    fn from_usize(i: usize) -> Self {
        // Only used for lanes whose length fits u32 (argsort_axis_with checks).
        i as u32
    }
    fn to_i64(self) -> i64 {
        i64::from(self)
    }
}

impl LaneIndex for u64 {
    fn from_usize(i: usize) -> Self {
        i as u64
    }
    fn to_i64(self) -> i64 {
        // Lane positions are below isize::MAX (they index a slice).
        self as i64
    }
}

/// The stable sorting permutation of one contiguous lane into `out`.
fn argsort_lane<T: SortScalar, I: LaneIndex>(
    opts: &SortOptions,
    lane: &[T],
    out: &mut [i64],
    split: bool,
) -> Result<(), SortError> {
    let n = lane.len();
    if n < opts.radix_min {
        // Short lanes: a stable sort of the positions by their element's key, in place (no
        // heap scratch at these sizes, see sort_lane).
        for (i, o) in out.iter_mut().enumerate() {
            *o = i as i64;
        }
        out.sort_by_key(|&i| lane[i as usize].key());
        return Ok(());
    }
    let mut pairs = alloc(n, (T::Key::default(), I::default()))?;
    let pair = |(i, (p, &x)): (usize, (&mut (T::Key, I), &T))| *p = (x.key(), I::from_usize(i));
    if split {
        pairs
            .par_iter_mut()
            .zip(lane.par_iter())
            .enumerate()
            .for_each(pair);
    } else {
        pairs.iter_mut().zip(lane).enumerate().for_each(pair);
    }
    let mut buf = alloc(n, (T::Key::default(), I::default()))?;
    let key = |p: &(T::Key, I)| p.0;
    if split {
        par_sort(&mut pairs, &mut buf, false, leaf_size(opts, n), &key);
        out.par_iter_mut()
            .zip(pairs.par_iter())
            .for_each(|(o, p)| *o = p.1.to_i64());
    } else {
        radix_sort(&mut pairs, &mut buf, &key);
        for (o, p) in out.iter_mut().zip(&pairs) {
            *o = p.1.to_i64();
        }
    }
    Ok(())
}
