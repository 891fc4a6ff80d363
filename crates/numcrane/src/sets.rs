//! Set routines with NumPy's names and semantics: `unique` (with first indices, inverse
//! indices and counts, over the flattened array or along an axis, `equal_nan`), NumPy 2's
//! `unique_values` / `unique_counts` / `unique_inverse` / `unique_all`, and `intersect1d`,
//! `union1d`, `setdiff1d`, `setxor1d` and `isin`.
//!
//! The size of most of these results depends on the data, so each function evaluates its
//! inputs when called, computes natively in Rust and returns realized leaf arrays (`isin`, whose
//! shape is static, is computed the same way for now). `unique` over the flattened array groups
//! equal values with a hash map (one pass, then a sort of the distinct values only, so many
//! repeats of few values cost O(n)); `unique` along an axis sorts the rows. The set operations
//! follow NumPy's own sort-based definitions step by step, so that duplicates, NaN and
//! `assume_unique` behave as in NumPy. An input that fails to evaluate, or a bad argument,
//! gives arrays whose `eval` returns that error (never a panic).
//!
//! Values compare in NumPy's sort order: NaN last, -0.0 equal to 0.0, complex values
//! lexicographically with those holding a NaN last. With `equal_nan` (the
//! default of `unique`) all NaN are one value; the NumPy 2 `unique_*` functions and the
//! equality tests of the set operations treat every NaN as distinct, as NumPy does.

use crate::search::{failed, finish, host, leaf, Key, PARALLEL_MIN};
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{DType, Error, Result};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A fast hasher for the u64 keys of `Key::bits` (multiply-xorshift, then murmur3's finaliser
/// so that keys differing only in high bits, as float bit patterns do, spread over buckets).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

type KeyBuild = BuildHasherDefault<KeyHasher>;

/// The distinct values of a list in sorted order: for each, its first position, its count,
/// and for each element the rank of its value.
struct Grouped {
    first: Vec<usize>,
    counts: Vec<i64>,
    inverse: Vec<i64>,
}

/// The groups of one chunk: per group its key (None for NaN), first position (in the whole
/// list) and count; per element its group's local id.
struct Local<B> {
    keys: Vec<Option<B>>,
    first: Vec<usize>,
    counts: Vec<i64>,
    of: Vec<u32>,
}

/// Groups the chunk `s` that starts at position `offset` of the list.
fn local_groups<T: Key>(s: &[T], offset: usize, equal_nan: bool) -> Local<T::Bits> {
    let mut ids: HashMap<T::Bits, u32, KeyBuild> = HashMap::default();
    let mut nan_id = None;
    let mut l = Local {
        keys: Vec::new(),
        first: Vec::new(),
        counts: Vec::new(),
        of: Vec::with_capacity(s.len()),
    };
    for (i, &x) in s.iter().enumerate() {
        let fresh = l.first.len() as u32;
        let (id, key) = if x.nan() {
            match (equal_nan, nan_id) {
                (true, Some(id)) => (id, None),
                (true, None) => (*nan_id.insert(fresh), None),
                (false, _) => (fresh, None),
            }
        } else {
            (*ids.entry(x.bits()).or_insert(fresh), Some(x.bits()))
        };
        if id == fresh {
            l.keys.push(key);
            l.first.push(offset + i);
            l.counts.push(0);
        }
        l.counts[id as usize] += 1;
        l.of.push(id);
    }
    l
}

/// Chunks grouped in parallel; a fixed size, so that the work (and nothing of the result)
/// depends on the thread count.
const GROUP_CHUNK: usize = 1 << 18;

/// Groups equal values of `v` (NaN equal to each other only with `equal_nan`): hashing, in
/// parallel over fixed chunks whose groups are then merged in order, so group ids follow
/// first appearance exactly as one sequential pass would give them.
fn group<T: Key>(v: &[T], equal_nan: bool) -> Grouped {
    let locals: Vec<Local<T::Bits>> = if v.len() >= PARALLEL_MIN {
        v.par_chunks(GROUP_CHUNK)
            .enumerate()
            .map(|(c, s)| local_groups(s, c * GROUP_CHUNK, equal_nan))
            .collect()
    } else {
        vec![local_groups(v, 0, equal_nan)]
    };
    // merge: each chunk's local ids to global ids, in chunk order
    let mut ids: HashMap<T::Bits, usize, KeyBuild> = HashMap::default();
    let mut nan_id: Option<usize> = None;
    let mut first: Vec<usize> = Vec::new();
    let mut counts: Vec<i64> = Vec::new();
    let mut maps: Vec<Vec<usize>> = Vec::with_capacity(locals.len());
    for l in &locals {
        let mut map = Vec::with_capacity(l.keys.len());
        for ((key, &f), &c) in l.keys.iter().zip(&l.first).zip(&l.counts) {
            let fresh = first.len();
            let id = match key {
                Some(k) => *ids.entry(*k).or_insert(fresh),
                None if equal_nan => *nan_id.get_or_insert(fresh),
                None => fresh,
            };
            if id == fresh {
                first.push(f);
                counts.push(0);
            }
            counts[id] += c;
            map.push(id);
        }
        maps.push(map);
    }
    // Sort the distinct values only; NaN groups tie and keep their order of appearance.
    let mut order: Vec<usize> = (0..first.len()).collect();
    let by_value = |&g: &usize, &h: &usize| v[first[g]].cmp_total(v[first[h]]);
    if order.len() >= PARALLEL_MIN {
        order.par_sort_by(by_value);
    } else {
        order.sort_by(by_value);
    }
    let mut rank = vec![0i64; order.len()];
    for (r, &g) in order.iter().enumerate() {
        rank[g] = r as i64;
    }
    let inverse: Vec<i64> = if locals.len() > 1 {
        locals
            .par_iter()
            .zip(&maps)
            .flat_map_iter(|(l, map)| l.of.iter().map(|&id| rank[map[id as usize]]))
            .collect()
    } else {
        locals
            .iter()
            .zip(&maps)
            .flat_map(|(l, map)| l.of.iter().map(|&id| rank[map[id as usize]]))
            .collect()
    };
    Grouped {
        first: order.iter().map(|&g| first[g]).collect(),
        counts: order.iter().map(|&g| counts[g]).collect(),
        inverse,
    }
}

/// Groups the `n` rows of length `m` of row-major `v`: rows sort lexicographically in NumPy's
/// order, and equal rows (element-wise `==`, so a row holding NaN equals no other) group.
fn group_rows<T: Key>(v: &[T], n: usize, m: usize) -> Grouped {
    let row = |i: usize| &v[i * m..(i + 1) * m];
    let lex = |&i: &usize, &j: &usize| {
        row(i)
            .iter()
            .zip(row(j))
            .map(|(a, b)| a.cmp_total(*b))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    };
    let mut perm: Vec<usize> = (0..n).collect();
    perm.sort_by(lex);
    let mut first = Vec::new();
    let mut counts: Vec<i64> = Vec::new();
    let mut inverse = vec![0i64; n];
    for (k, &i) in perm.iter().enumerate() {
        let same = k > 0 && row(perm[k - 1]).iter().zip(row(i)).all(|(a, b)| a == b);
        if !same {
            first.push(i);
            counts.push(0);
        }
        if let Some(c) = counts.last_mut() {
            *c += 1;
        }
        inverse[i] = first.len() as i64 - 1;
    }
    Grouped {
        first,
        counts,
        inverse,
    }
}

/// Everything NumPy's `unique` can return; `unique(a, return_index=True, return_inverse=True,
/// return_counts=True)` returns these four in this order, and `unique_all` names them so.
///
/// # Examples
///
/// ```
/// use numcrane::{array, unique_all};
/// let u = unique_all(&array([3, 1, 3, 2, 1, 3]));
/// assert_eq!(u.values.to_vec::<i32>().unwrap(), vec![1, 2, 3]);
/// assert_eq!(u.indices.to_vec::<i64>().unwrap(), vec![1, 3, 0]);
/// assert_eq!(u.inverse_indices.to_vec::<i64>().unwrap(), vec![2, 0, 2, 1, 0, 2]);
/// assert_eq!(u.counts.to_vec::<i64>().unwrap(), vec![2, 1, 3]);
/// ```
#[derive(Clone)]
pub struct UniqueAll {
    /// The sorted distinct values (along an axis: the distinct sub-arrays).
    pub values: Array,
    /// int64: the position of each value's first occurrence (`return_index`).
    pub indices: Array,
    /// int64: for each input element (each sub-array along the axis), the position of its value
    /// in `values` (`return_inverse`): the input's shape without an axis (NumPy 2), a
    /// one-dimensional array of the axis length with one.
    pub inverse_indices: Array,
    /// int64: how often each value occurs (`return_counts`).
    pub counts: Array,
}

impl UniqueAll {
    /// Four arrays that return `e`; the inverse keeps the static shape it would have had
    /// (`a`'s for the flattened form), the data-dependent ones are empty.
    fn failed(e: Error, dtype: DType, inverse_shape: Vec<usize>, loc: SourceLocation) -> UniqueAll {
        let f = |dt, shape| failed(e.clone(), dt, shape, loc);
        UniqueAll {
            values: f(dtype, vec![0]),
            indices: f(DType::I64, vec![0]),
            inverse_indices: f(DType::I64, inverse_shape),
            counts: f(DType::I64, vec![0]),
        }
    }
}

fn unique_flat<T: Key>(a: &Array, equal_nan: bool, loc: SourceLocation) -> Result<UniqueAll> {
    let v = host::<T>(a, loc)?;
    let g = group(&v, equal_nan);
    let k = g.first.len();
    let values: Vec<T> = g.first.iter().map(|&i| v[i]).collect();
    let first: Vec<i64> = g.first.iter().map(|&i| i as i64).collect();
    Ok(UniqueAll {
        values: leaf(values, vec![k], loc),
        indices: leaf(first, vec![k], loc),
        inverse_indices: leaf(g.inverse, a.shape().to_vec(), loc),
        counts: leaf(g.counts, vec![k], loc),
    })
}

/// `unique` of a complex array: a stable sort in NumPy's complex order (lexicographic, NaNs
/// last), then runs of equal values; with `equal_nan` every value holding a NaN is one group
/// (NumPy's `searchsorted(isnan(aux), True)`), else each is its own.
fn unique_complex(a: &Array, equal_nan: bool, loc: SourceLocation) -> Result<UniqueAll> {
    match a.dtype() {
        DType::C64 => unique_sorted::<numcrane_graph::Complex32>(a, equal_nan, loc),
        _ => unique_sorted::<numcrane_graph::Complex64>(a, equal_nan, loc),
    }
}

#[allow(clippy::eq_op)]
fn unique_sorted<T: numcrane_graph::Element>(
    a: &Array,
    equal_nan: bool,
    loc: SourceLocation,
) -> Result<UniqueAll> {
    let v = host::<T>(a, loc)?;
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&i, &j| {
        if v[i].lex_lt(v[j]) {
            Ordering::Less
        } else if v[j].lex_lt(v[i]) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
    let mut first: Vec<usize> = Vec::new();
    let mut counts: Vec<i64> = Vec::new();
    let mut inverse = vec![0i64; v.len()];
    for (pos, &i) in order.iter().enumerate() {
        let x = v[i];
        // A value unequal to itself holds a NaN.
        let new_group = match pos.checked_sub(1).map(|p| v[order[p]]) {
            None => true,
            Some(prev) if x != x => !(equal_nan && prev != prev),
            Some(prev) => prev != x,
        };
        if new_group {
            first.push(i);
            counts.push(0);
        }
        if let Some(c) = counts.last_mut() {
            *c += 1;
        }
        inverse[i] = first.len() as i64 - 1;
    }
    let k = first.len();
    let values: Vec<T> = first.iter().map(|&i| v[i]).collect();
    let first: Vec<i64> = first.iter().map(|&i| i as i64).collect();
    Ok(UniqueAll {
        values: leaf(values, vec![k], loc),
        indices: leaf(first, vec![k], loc),
        inverse_indices: leaf(inverse, a.shape().to_vec(), loc),
        counts: leaf(counts, vec![k], loc),
    })
}

fn unique_along<T: Key>(a: &Array, axis: usize, loc: SourceLocation) -> Result<UniqueAll> {
    // NumPy: move the axis first, view the rest of each sub-array as one row
    let moved = a.moveaxis(axis as isize, 0);
    let n = a.shape()[axis];
    let mut rest: Vec<usize> = moved.shape().to_vec();
    rest.remove(0);
    let m: usize = rest.iter().product();
    let v = host::<T>(&moved, loc)?;
    let g = group_rows(&v, n, m);
    let k = g.first.len();
    let mut values = Vec::with_capacity(k * m);
    for &i in &g.first {
        values.extend_from_slice(&v[i * m..(i + 1) * m]);
    }
    let mut shape = vec![k];
    shape.extend(&rest);
    let values = leaf(values, shape, loc).moveaxis(0, axis as isize);
    let first: Vec<i64> = g.first.iter().map(|&i| i as i64).collect();
    Ok(UniqueAll {
        values,
        indices: leaf(first, vec![k], loc),
        inverse_indices: leaf(g.inverse, vec![n], loc),
        counts: leaf(g.counts, vec![k], loc),
    })
}

fn unique_impl(a: &Array, axis: Option<isize>, equal_nan: bool, loc: SourceLocation) -> UniqueAll {
    let run = || -> Result<UniqueAll> {
        match axis {
            None => {
                numcrane_graph::with_real_dtype!(a.dtype(), T => unique_flat::<T>(a, equal_nan, loc),
                    complex => unique_complex(a, equal_nan, loc))
            }
            Some(ax) => {
                let ax = crate::build::axis("unique", ax, a.ndim(), loc)?;
                numcrane_graph::with_dtype!(a.dtype(), T => unique_along::<T>(a, ax, loc))
            }
        }
    };
    run().unwrap_or_else(|e| {
        let inverse_shape = match axis {
            None => a.shape().to_vec(),
            Some(_) => vec![0],
        };
        UniqueAll::failed(e, a.dtype(), inverse_shape, loc)
    })
}

/// NumPy's `unique(a)`: the sorted distinct values of the flattened array (all NaN count as
/// one, NaN last). Evaluates `a` when called (see the module doc).
///
/// ```
/// use numcrane::{array, unique};
/// let x = array([[3, 1, 3], [2, 1, 1]]);
/// assert_eq!(unique(&x).to_vec::<i32>().unwrap(), vec![1, 2, 3]);
/// ```
#[track_caller]
pub fn unique(a: &Array) -> Array {
    let loc = SourceLocation::caller();
    if a.dtype().is_complex() {
        // NumPy's values-only unique is its hash path: all values holding a NaN are one, kept
        // as the first of them in input order (with return_index & co. NumPy sorts, and the
        // group keeps the first in sort order: `unique_with`). `union1d`, `setdiff1d` and
        // `setxor1d` use this one, through `unique_vec`.
        let r = match a.dtype() {
            DType::C64 => unique_flat::<numcrane_graph::Complex32>(a, true, loc),
            _ => unique_flat::<numcrane_graph::Complex64>(a, true, loc),
        };
        return r.map_or_else(|e| failed(e, a.dtype(), vec![0], loc), |u| u.values);
    }
    unique_impl(a, None, true, loc).values
}

/// NumPy's `unique(a, return_index=True, return_inverse=True, return_counts=True, axis,
/// equal_nan)`: all four results (take the fields you need).
///
/// `axis: None` works on the flattened array and gives `inverse_indices` the shape of `a`
/// (NumPy 2); `Some(axis)` finds the distinct sub-arrays along that axis (compared
/// element-wise, so sub-arrays holding NaN are all distinct, as in NumPy, whatever
/// `equal_nan`) and gives a one-dimensional `inverse_indices`. `equal_nan: false` keeps every
/// NaN as a value of its own.
///
/// ```
/// use numcrane::{array, unique_with};
/// let x = array([[1, 2], [3, 4], [1, 2]]);
/// let u = unique_with(&x, Some(0), true);
/// assert_eq!(u.values.shape(), &[2, 2]);
/// assert_eq!(u.values.to_vec::<i32>().unwrap(), vec![1, 2, 3, 4]);
/// assert_eq!(u.indices.to_vec::<i64>().unwrap(), vec![0, 1]);
/// assert_eq!(u.inverse_indices.to_vec::<i64>().unwrap(), vec![0, 1, 0]);
/// assert_eq!(u.counts.to_vec::<i64>().unwrap(), vec![2, 1]);
/// ```
#[track_caller]
pub fn unique_with(a: &Array, axis: Option<isize>, equal_nan: bool) -> UniqueAll {
    unique_impl(a, axis, equal_nan, SourceLocation::caller())
}

/// NumPy 2's `unique_values(x)`: the sorted distinct values of the flattened array, every NaN
/// kept as a value of its own (as NumPy).
///
/// ```
/// use numcrane::{array, unique_values};
/// let x = array([2.0, f64::NAN, 1.0, 2.0, f64::NAN]);
/// let u = unique_values(&x).to_vec::<f64>().unwrap();
/// assert_eq!(&u[..2], &[1.0, 2.0]);
/// assert!(u[2].is_nan() && u[3].is_nan());
/// ```
#[track_caller]
pub fn unique_values(a: &Array) -> Array {
    unique_impl(a, None, false, SourceLocation::caller()).values
}

/// NumPy 2's `unique_counts(x)`: `(values, counts)` as [`unique_values`].
///
/// ```
/// use numcrane::{array, unique_counts};
/// let (v, c) = unique_counts(&array([5, 3, 5, 5]));
/// assert_eq!(v.to_vec::<i32>().unwrap(), vec![3, 5]);
/// assert_eq!(c.to_vec::<i64>().unwrap(), vec![1, 3]);
/// ```
#[track_caller]
pub fn unique_counts(a: &Array) -> (Array, Array) {
    let u = unique_impl(a, None, false, SourceLocation::caller());
    (u.values, u.counts)
}

/// NumPy 2's `unique_inverse(x)`: `(values, inverse_indices)` as [`unique_values`];
/// `inverse_indices` has `x`'s shape.
///
/// ```
/// use numcrane::{array, unique_inverse};
/// let (v, inv) = unique_inverse(&array([[5, 3], [5, 5]]));
/// assert_eq!(v.to_vec::<i32>().unwrap(), vec![3, 5]);
/// assert_eq!(inv.shape(), &[2, 2]);
/// assert_eq!(inv.to_vec::<i64>().unwrap(), vec![1, 0, 1, 1]);
/// ```
#[track_caller]
pub fn unique_inverse(a: &Array) -> (Array, Array) {
    let u = unique_impl(a, None, false, SourceLocation::caller());
    (u.values, u.inverse_indices)
}

/// NumPy 2's `unique_all(x)`: values, first indices, inverse indices (`x`'s shape) and counts,
/// every NaN distinct (as NumPy).
///
/// ```
/// use numcrane::{array, unique_all};
/// let u = unique_all(&array([4, 4, 1]));
/// assert_eq!(u.values.to_vec::<i32>().unwrap(), vec![1, 4]);
/// assert_eq!(u.indices.to_vec::<i64>().unwrap(), vec![2, 0]);
/// assert_eq!(u.inverse_indices.to_vec::<i64>().unwrap(), vec![1, 1, 0]);
/// assert_eq!(u.counts.to_vec::<i64>().unwrap(), vec![1, 2]);
/// ```
#[track_caller]
pub fn unique_all(a: &Array) -> UniqueAll {
    unique_impl(a, None, false, SourceLocation::caller())
}

/// `unique(v)` (NaN equal) with the first positions.
fn unique_vec<T: Key>(v: &[T]) -> (Vec<T>, Vec<usize>) {
    let g = group(v, true);
    (g.first.iter().map(|&i| v[i]).collect(), g.first)
}

/// A stable sort's permutation of `v` in NumPy's order (NumPy's `argsort(kind="mergesort")`).
fn argsort_vec<T: Key>(v: &[T]) -> Vec<usize> {
    let mut p: Vec<usize> = (0..v.len()).collect();
    let by = |&i: &usize, &j: &usize| v[i].cmp_total(v[j]);
    if p.len() >= PARALLEL_MIN {
        p.par_sort_by(by);
    } else {
        p.sort_by(by);
    }
    p
}

/// The promoted dtype of two set operands.
fn common(a: &Array, b: &Array) -> DType {
    a.dtype().promote(b.dtype())
}

/// (values, positions in a, positions in b) of NumPy's `intersect1d`.
type Intersection<T> = (Vec<T>, Vec<i64>, Vec<i64>);

fn intersect_typed<T: Key>(
    a: &Array,
    b: &Array,
    assume_unique: bool,
    loc: SourceLocation,
) -> Result<Intersection<T>> {
    let (x, y) = (host::<T>(a, loc)?, host::<T>(b, loc)?);
    // NumPy: unique both (keeping first positions) unless assume_unique, concatenate, stable
    // sort, and keep each element equal (==, so never NaN) to its successor; the positions
    // are the pair's places in the concatenation (minus len(a) for the second).
    let (x, ix, y, iy) = if assume_unique {
        (x, None, y, None)
    } else {
        let ((x, ix), (y, iy)) = (unique_vec(&x), unique_vec(&y));
        (x, Some(ix), y, Some(iy))
    };
    let nx = x.len() as i64;
    let aux: Vec<T> = x.iter().chain(&y).copied().collect();
    let perm = argsort_vec(&aux);
    let (mut vals, mut ia, mut ib) = (Vec::new(), Vec::new(), Vec::new());
    // With unique sides an equal pair is always (element of a, element of b); with
    // assume_unique on repeating input NumPy's positions can point across, kept as NumPy has
    // them (the lookup below then falls back to them unmapped).
    let map = |m: &Option<Vec<usize>>, p: i64| {
        m.as_ref()
            .and_then(|m| usize::try_from(p).ok().and_then(|p| m.get(p)))
            .map_or(p, |&i| i as i64)
    };
    for w in perm.windows(2) {
        if aux[w[0]] == aux[w[1]] {
            vals.push(aux[w[0]]);
            ia.push(map(&ix, w[0] as i64));
            ib.push(map(&iy, w[1] as i64 - nx));
        }
    }
    Ok((vals, ia, ib))
}

fn intersect_impl(
    a: &Array,
    b: &Array,
    assume_unique: bool,
    loc: SourceLocation,
) -> (Array, Array, Array) {
    let dt = common(a, b);
    let r = numcrane_graph::with_dtype!(dt, T => intersect_typed::<T>(a, b, assume_unique, loc)
    .map(|(v, ia, ib)| {
        let n = v.len();
        (leaf(v, vec![n], loc), leaf(ia, vec![n], loc), leaf(ib, vec![n], loc))
    }));
    r.unwrap_or_else(|e| {
        let f = |dt| failed(e.clone(), dt, vec![0], loc);
        (f(dt), f(DType::I64), f(DType::I64))
    })
}

/// NumPy's `intersect1d(a, b, assume_unique)`: the sorted values found in both (flattened)
/// arrays, in their promoted dtype. NaN is never found (NaN != NaN). With `assume_unique`
/// the inputs are taken as already free of repeats (faster; wrong answers otherwise, as in
/// NumPy).
///
/// ```
/// use numcrane::{array, intersect1d};
/// let i = intersect1d(&array([1, 3, 4, 3]), &array([3, 1, 2, 1]), false);
/// assert_eq!(i.to_vec::<i32>().unwrap(), vec![1, 3]);
/// ```
#[track_caller]
pub fn intersect1d(a: &Array, b: &Array, assume_unique: bool) -> Array {
    intersect_impl(a, b, assume_unique, SourceLocation::caller()).0
}

/// NumPy's `intersect1d(a, b, assume_unique, return_indices=True)`: `(values, positions in
/// a, positions in b)`, the positions (int64, in the flattened arrays) of the first
/// occurrences.
///
/// ```
/// use numcrane::{array, intersect1d_indices};
/// let (v, ia, ib) = intersect1d_indices(&array([1, 1, 2, 3, 4]), &array([4, 3, 1]), false);
/// assert_eq!(v.to_vec::<i32>().unwrap(), vec![1, 3, 4]);
/// assert_eq!(ia.to_vec::<i64>().unwrap(), vec![0, 3, 4]);
/// assert_eq!(ib.to_vec::<i64>().unwrap(), vec![2, 1, 0]);
/// ```
#[track_caller]
pub fn intersect1d_indices(a: &Array, b: &Array, assume_unique: bool) -> (Array, Array, Array) {
    intersect_impl(a, b, assume_unique, SourceLocation::caller())
}

/// NumPy's `union1d(a, b)`: the sorted distinct values of both (flattened) arrays, in their
/// promoted dtype (all NaN count as one, as NumPy's `unique`).
///
/// ```
/// use numcrane::{array, union1d};
/// let u = union1d(&array([-1, 0, 1]), &array([-2, 0, 2]));
/// assert_eq!(u.to_vec::<i32>().unwrap(), vec![-2, -1, 0, 1, 2]);
/// ```
#[track_caller]
pub fn union1d(a: &Array, b: &Array) -> Array {
    let loc = SourceLocation::caller();
    let dt = common(a, b);
    numcrane_graph::with_dtype!(dt, T => {
        let r = (|| -> Result<Vec<T>> {
            let mut v = host::<T>(a, loc)?;
            v.extend(host::<T>(b, loc)?);
            Ok(unique_vec(&v).0)
        })();
        let n = r.as_ref().map_or(0, Vec::len);
        finish(r, vec![n], loc)
    })
}

/// Membership of each element of `x` in `test` (both `T`), by value with `==` (NaN never).
fn member<T: Key>(x: &[T], test: &[T], invert: bool) -> Vec<bool> {
    let set: HashSet<T::Bits, KeyBuild> =
        test.iter().filter(|t| !t.nan()).map(|t| t.bits()).collect();
    let one = |e: &T| (!e.nan() && set.contains(&e.bits())) != invert;
    if x.len() >= PARALLEL_MIN {
        x.par_iter().map(one).collect()
    } else {
        x.iter().map(one).collect()
    }
}

fn isin_typed<T: Key>(
    element: &Array,
    test: &Array,
    invert: bool,
    loc: SourceLocation,
) -> Result<Vec<bool>> {
    Ok(member(
        &host::<T>(element, loc)?,
        &host::<T>(test, loc)?,
        invert,
    ))
}

/// NumPy's `isin(element, test_elements, assume_unique, invert)`: a bool array of `element`'s
/// shape, true where the element equals some element of `test_elements` (compared in their
/// promoted dtype; NaN is never in anything, -0.0 is in `[0.0]`); `invert` negates it.
///
/// `assume_unique` is accepted for NumPy's signature: numcrane's hash-set test does not need
/// it and gives the same answer either way. The shape is static, but the answer is computed
/// when called (see the module doc).
///
/// ```
/// use numcrane::{array, isin};
/// let x = array([[0, 2], [4, 6]]);
/// let t = array([1, 2, 4, 8]);
/// assert_eq!(isin(&x, &t, false, false).to_vec::<bool>().unwrap(), vec![false, true, true, false]);
/// assert_eq!(isin(&x, &t, false, true).to_vec::<bool>().unwrap(), vec![true, false, false, true]);
/// ```
#[track_caller]
pub fn isin(element: &Array, test_elements: &Array, assume_unique: bool, invert: bool) -> Array {
    let loc = SourceLocation::caller();
    let _ = assume_unique;
    let dt = common(element, test_elements);
    let r =
        numcrane_graph::with_dtype!(dt, T => isin_typed::<T>(element, test_elements, invert, loc));
    finish(r, element.shape().to_vec(), loc)
}

fn setdiff_typed<T: Key>(
    a: &Array,
    b: &Array,
    assume_unique: bool,
    loc: SourceLocation,
) -> Result<Vec<T>> {
    let x = host::<T>(a, loc)?;
    let x = if assume_unique { x } else { unique_vec(&x).0 };
    let dt = common(a, b);
    // membership is tested in the promoted dtype, the result keeps a's
    let keep = numcrane_graph::with_dtype!(dt, U => {
        let xs = host::<U>(&leaf(x.clone(), vec![x.len()], loc), loc)?;
        member(&xs, &host::<U>(b, loc)?, true)
    });
    Ok(x.into_iter()
        .zip(keep)
        .filter_map(|(v, k)| k.then_some(v))
        .collect())
}

/// NumPy's `setdiff1d(a, b, assume_unique)`: the sorted distinct values of `a` (flattened) not
/// in `b`, in `a`'s dtype (membership compares in the promoted dtype; NaN is never in `b`).
/// With `assume_unique`, `a` is taken as free of repeats and keeps its order (as NumPy).
///
/// ```
/// use numcrane::{array, setdiff1d};
/// let d = setdiff1d(&array([1, 2, 3, 2, 4, 1]), &array([3, 4, 5, 6]), false);
/// assert_eq!(d.to_vec::<i32>().unwrap(), vec![1, 2]);
/// ```
#[track_caller]
pub fn setdiff1d(a: &Array, b: &Array, assume_unique: bool) -> Array {
    let loc = SourceLocation::caller();
    numcrane_graph::with_dtype!(a.dtype(), T => {
        let r = setdiff_typed::<T>(a, b, assume_unique, loc);
        let n = r.as_ref().map_or(0, Vec::len);
        finish(r, vec![n], loc)
    })
}

fn setxor_typed<T: Key>(
    a: &Array,
    b: &Array,
    assume_unique: bool,
    loc: SourceLocation,
) -> Result<Vec<T>> {
    let (x, y) = (host::<T>(a, loc)?, host::<T>(b, loc)?);
    let (x, y) = if assume_unique {
        (x, y)
    } else {
        (unique_vec(&x).0, unique_vec(&y).0)
    };
    // NumPy: sort the concatenation and keep the elements unequal (!=) to both neighbours
    let mut aux: Vec<T> = x.into_iter().chain(y).collect();
    aux.sort_by(|p, q| p.cmp_total(*q));
    let n = aux.len();
    Ok((0..n)
        .filter(|&i| (i == 0 || aux[i] != aux[i - 1]) && (i + 1 == n || aux[i] != aux[i + 1]))
        .map(|i| aux[i])
        .collect())
}

/// NumPy's `setxor1d(a, b, assume_unique)`: the sorted values in exactly one of the two
/// (flattened) arrays, in their promoted dtype (NaN, equal to nothing, is always kept).
///
/// ```
/// use numcrane::{array, setxor1d};
/// let x = setxor1d(&array([1, 2, 3, 2, 4]), &array([2, 3, 5, 7, 5]), false);
/// assert_eq!(x.to_vec::<i32>().unwrap(), vec![1, 4, 5, 7]);
/// ```
#[track_caller]
pub fn setxor1d(a: &Array, b: &Array, assume_unique: bool) -> Array {
    let loc = SourceLocation::caller();
    let dt = common(a, b);
    numcrane_graph::with_dtype!(dt, T => {
        let r = setxor_typed::<T>(a, b, assume_unique, loc);
        let n = r.as_ref().map_or(0, Vec::len);
        finish(r, vec![n], loc)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_counts_and_ranks() {
        let g = group(&[3i32, 1, 3, 2, 1, 3], true);
        assert_eq!(g.first, vec![1, 3, 0]);
        assert_eq!(g.counts, vec![2, 1, 3]);
        assert_eq!(g.inverse, vec![2, 0, 2, 1, 0, 2]);
    }

    #[test]
    fn nan_groups_follow_equal_nan() {
        let v = [f64::NAN, 1.0, f64::NAN, -0.0, 0.0];
        let g = group(&v, true);
        assert_eq!(g.first, vec![3, 1, 0]);
        assert_eq!(g.counts, vec![2, 1, 2]);
        let g = group(&v, false);
        assert_eq!(g.first, vec![3, 1, 0, 2]);
        assert_eq!(g.inverse, vec![2, 1, 3, 0, 0]);
    }

    #[test]
    fn chunked_grouping_equals_one_pass() {
        // more than one chunk: repeats across chunk borders, NaN in several chunks
        let n = GROUP_CHUNK * 2 + 77;
        let v: Vec<f64> = (0..n)
            .map(|i| {
                if i % 1013 == 5 {
                    f64::NAN
                } else {
                    ((i * 37) % 101) as f64 - 50.0
                }
            })
            .collect();
        for equal_nan in [true, false] {
            let g = group(&v, equal_nan);
            let one = {
                let l = local_groups(&v, 0, equal_nan);
                let mut order: Vec<usize> = (0..l.first.len()).collect();
                order.sort_by(|&a, &b| v[l.first[a]].cmp_total(v[l.first[b]]));
                order.iter().map(|&g| l.first[g]).collect::<Vec<_>>()
            };
            assert_eq!(g.first, one);
            assert_eq!(g.counts.iter().sum::<i64>() as usize, n);
            for (i, &r) in g.inverse.iter().enumerate() {
                let f = v[g.first[r as usize]];
                assert!(f == v[i] || (f.is_nan() && v[i].is_nan()));
            }
        }
    }

    #[test]
    fn rows_with_nan_are_distinct() {
        let v = [f64::NAN, 1.0, f64::NAN, 1.0, 0.0, 2.0];
        let g = group_rows(&v, 3, 2);
        assert_eq!(g.first, vec![2, 0, 1]);
        assert_eq!(g.counts, vec![1, 1, 1]);
    }
}
