//! Joining, splitting and rearranging arrays: `concatenate`, `stack` and its `vstack` /
//! `hstack` / `dstack` / `column_stack` / `row_stack` forms, `split`, `array_split`, `vsplit`,
//! `hsplit`, `dsplit`, `tile`, `repeat`, `roll`, `rot90`, `fliplr`, `flipud`, with NumPy 2's
//! semantics.
//!
//! Joining builds one `Op::Concat` node (after casting every part to the promoted dtype); the
//! evaluator copies each part into its slice of the result (fusing a concatenation with its
//! producers is later work). Everything else is made of existing nodes: splits are slices
//! (views), `tile` and a scalar `repeat` are a broadcast of a reshaped array followed by a
//! reshape (a copy, as in NumPy), a per-element `repeat` concatenates such runs, `roll` is a
//! concatenation of two slices, `rot90` / `fliplr` / `flipud` are flips and transposes
//! (views). Every function is `#[track_caller]`: nodes and errors point at the user's line,
//! and bad arguments give arrays whose evaluation returns an error naming the function and
//! the shapes involved (never a panic).

use crate::build;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{DType, Error, Op, ViewOp};

/// An array that evaluates to `err`, for a failed manipulation of `inputs`.
fn fail(err: Error, inputs: &[&Array], loc: SourceLocation) -> Array {
    let dtype = promoted(inputs);
    let shape = inputs
        .first()
        .map(|a| a.shape().to_vec())
        .unwrap_or_default();
    build::poison(err, Op::Concat { axis: 0 }, inputs, dtype, shape, loc)
}

/// The dtype every input promotes to (float64 for none, as NumPy's empty result).
fn promoted(arrays: &[&Array]) -> DType {
    let mut it = arrays.iter();
    match it.next() {
        Some(first) => it.fold(first.dtype(), |d, a| d.promote(a.dtype())),
        None => DType::F64,
    }
}

fn shapes_of(arrays: &[&Array]) -> Vec<Vec<usize>> {
    arrays.iter().map(|a| a.shape().to_vec()).collect()
}

/// `concatenate` along a normalised axis, after every check.
pub(crate) fn concat_at(arrays: &[&Array], axis: usize, loc: SourceLocation) -> Array {
    let dtype = promoted(arrays);
    let parts: Vec<Array> = arrays.iter().map(|a| build::cast(a, dtype, loc)).collect();
    let refs: Vec<&Array> = parts.iter().collect();
    let mut shape = arrays[0].shape().to_vec();
    shape[axis] = arrays.iter().map(|a| a.shape()[axis]).sum();
    if let Err(e) = build::check_size("concatenate", &shape, loc) {
        return fail(e, arrays, loc);
    }
    build::node(Op::Concat { axis }, &refs, dtype, shape, loc)
}

/// Checks NumPy's rules for `concatenate` and returns the normalised axis.
fn check_concat(
    op: &'static str,
    arrays: &[&Array],
    axis: isize,
    loc: SourceLocation,
) -> Result<usize, Error> {
    let Some(first) = arrays.first() else {
        return Err(Error::invalid(
            op,
            "need at least one array to concatenate",
            loc,
        ));
    };
    let nd = first.ndim();
    if nd == 0 {
        return Err(Error::invalid(
            op,
            "zero-dimensional arrays cannot be concatenated",
            loc,
        ));
    }
    let axis = build::axis(op, axis, nd, loc)?;
    for (i, a) in arrays.iter().enumerate().skip(1) {
        if a.ndim() != nd {
            return Err(Error::invalid(
                op,
                format!(
                    "all the input arrays must have same number of dimensions, but the array \
                     at index 0 has {nd} dimension(s) and the array at index {i} has {} \
                     dimension(s) (shapes {:?})",
                    a.ndim(),
                    shapes_of(arrays)
                ),
                loc,
            ));
        }
        for d in (0..nd).filter(|&d| d != axis) {
            if a.shape()[d] != first.shape()[d] {
                return Err(Error::invalid(
                    op,
                    format!(
                        "all the input array dimensions except for the concatenation axis \
                         must match exactly, but along dimension {d}, the array at index 0 \
                         has size {} and the array at index {i} has size {} (shapes {:?})",
                        first.shape()[d],
                        a.shape()[d],
                        shapes_of(arrays)
                    ),
                    loc,
                ));
            }
        }
    }
    Ok(axis)
}

fn concatenate_named(
    op: &'static str,
    arrays: &[&Array],
    axis: isize,
    loc: SourceLocation,
) -> Array {
    match check_concat(op, arrays, axis, loc) {
        Ok(axis) => concat_at(arrays, axis, loc),
        Err(e) => fail(e, arrays, loc),
    }
}

/// NumPy's `np.concatenate(arrays, axis)`: the arrays joined along an existing axis (negative
/// counts from the end). They must have the same number of dimensions (at least one) and
/// equal lengths on every other axis; the result has the dtype all of them promote to. A new
/// array (a copy). For NumPy's `axis=None` use [`concatenate_flat`].
///
/// ```
/// use numcrane::{array, concatenate};
/// let a = array([[1, 2], [3, 4]]);
/// let b = array([[5, 6]]);
/// let c = concatenate(&[&a, &b], 0);
/// assert_eq!(c.shape(), &[3, 2]);
/// assert_eq!(c.to_vec::<i32>().unwrap(), vec![1, 2, 3, 4, 5, 6]);
/// ```
#[track_caller]
pub fn concatenate(arrays: &[&Array], axis: isize) -> Array {
    concatenate_named("concatenate", arrays, axis, SourceLocation::caller())
}

/// NumPy's `np.concatenate(arrays, axis=None)`: every array flattened (any shape, 0-d
/// included), then joined into one 1-D array of the promoted dtype. A copy.
///
/// # Examples
///
/// ```
/// use numcrane::{array, concatenate_flat};
/// let j = concatenate_flat(&[&array([[1, 2], [3, 4]]), &array([5, 6])]);
/// assert_eq!(j.to_vec::<i32>().unwrap(), vec![1, 2, 3, 4, 5, 6]);
/// ```
#[track_caller]
pub fn concatenate_flat(arrays: &[&Array]) -> Array {
    let loc = SourceLocation::caller();
    if arrays.is_empty() {
        let e = Error::invalid("concatenate", "need at least one array to concatenate", loc);
        return fail(e, arrays, loc);
    }
    let flat: Vec<Array> = arrays
        .iter()
        .map(|a| a.reshape_at(vec![a.size()], loc))
        .collect();
    let refs: Vec<&Array> = flat.iter().collect();
    concat_at(&refs, 0, loc)
}

/// NumPy's `np.stack(arrays, axis)`: arrays of one shape joined along a new axis, which is
/// axis `axis` of the result (`-1` is the last). A copy.
///
/// ```
/// use numcrane::{array, stack};
/// let s = stack(&[&array([1, 2]), &array([3, 4])], -1);
/// assert_eq!(s.shape(), &[2, 2]);
/// assert_eq!(s.to_vec::<i32>().unwrap(), vec![1, 3, 2, 4]);
/// ```
#[track_caller]
pub fn stack(arrays: &[&Array], axis: isize) -> Array {
    let loc = SourceLocation::caller();
    let Some(first) = arrays.first() else {
        let e = Error::invalid("stack", "need at least one array to stack", loc);
        return fail(e, arrays, loc);
    };
    if arrays.iter().any(|a| a.shape() != first.shape()) {
        let e = Error::invalid(
            "stack",
            format!(
                "all input arrays must have the same shape (shapes {:?})",
                shapes_of(arrays)
            ),
            loc,
        );
        return fail(e, arrays, loc);
    }
    let axis = match build::axis("stack", axis, first.ndim() + 1, loc) {
        Ok(a) => a,
        Err(e) => return fail(e, arrays, loc),
    };
    let expanded: Vec<Array> = arrays
        .iter()
        .map(|a| {
            let mut shape = a.shape().to_vec();
            shape.insert(axis, 1);
            a.reshape_at(shape, loc)
        })
        .collect();
    let refs: Vec<&Array> = expanded.iter().collect();
    concat_at(&refs, axis, loc)
}

/// `a` with length-1 axes added so it has at least `n` dimensions, NumPy's `atleast_1d/2d/3d`
/// way: 0-d to `[1]`/`[1, 1]`/`[1, 1, 1]`, 1-d `[n]` to `[1, n]`/`[1, n, 1]`, 2-d `[m, n]` to
/// `[m, n, 1]`.
fn at_least(a: &Array, n: usize, loc: SourceLocation) -> Array {
    let s = a.shape();
    let shape = match (n, s.len()) {
        (_, nd) if nd >= n => return a.clone(),
        (1, _) => vec![1],
        (2, 0) | (3, 0) => vec![1; n],
        (2, 1) => vec![1, s[0]],
        (3, 1) => vec![1, s[0], 1],
        _ => vec![s[0], s[1], 1],
    };
    a.reshape_at(shape, loc)
}

fn joined_at_least(
    op: &'static str,
    arrays: &[&Array],
    n: usize,
    axis: isize,
    loc: SourceLocation,
) -> Array {
    let parts: Vec<Array> = arrays.iter().map(|a| at_least(a, n, loc)).collect();
    let refs: Vec<&Array> = parts.iter().collect();
    concatenate_named(op, &refs, axis, loc)
}

/// NumPy's `np.vstack`: arrays joined along the first axis after 1-D `[n]` arrays become rows
/// `[1, n]` (and 0-d ones `[1, 1]`). A copy.
///
/// # Examples
///
/// ```
/// use numcrane::{array, vstack};
/// let v = vstack(&[&array([1, 2]), &array([[3, 4], [5, 6]])]);
/// assert_eq!(v.shape(), &[3, 2]);
/// assert_eq!(v.to_vec::<i32>().unwrap(), vec![1, 2, 3, 4, 5, 6]);
/// ```
#[track_caller]
pub fn vstack(arrays: &[&Array]) -> Array {
    joined_at_least("vstack", arrays, 2, 0, SourceLocation::caller())
}

/// NumPy's `np.row_stack`, the same as [`vstack`].
///
/// # Examples
///
/// ```
/// use numcrane::{array, row_stack};
/// let v = row_stack(&[&array([1, 2]), &array([3, 4])]);
/// assert_eq!(v.shape(), &[2, 2]);
/// ```
#[track_caller]
pub fn row_stack(arrays: &[&Array]) -> Array {
    joined_at_least("row_stack", arrays, 2, 0, SourceLocation::caller())
}

/// NumPy's `np.hstack`: 1-D arrays (0-d ones become `[1]`) joined end to end, others along
/// their second axis. A copy.
///
/// # Examples
///
/// ```
/// use numcrane::{array, hstack};
/// assert_eq!(hstack(&[&array([1, 2]), &array([3])]).to_vec::<i32>().unwrap(), vec![1, 2, 3]);
/// let h = hstack(&[&array([[1], [2]]), &array([[3, 4], [5, 6]])]);
/// assert_eq!(h.to_vec::<i32>().unwrap(), vec![1, 3, 4, 2, 5, 6]);
/// ```
#[track_caller]
pub fn hstack(arrays: &[&Array]) -> Array {
    let axis = match arrays.first() {
        Some(a) if a.ndim() <= 1 => 0,
        _ => 1,
    };
    joined_at_least("hstack", arrays, 1, axis, SourceLocation::caller())
}

/// NumPy's `np.dstack`: arrays joined along the third axis after `[n]` becomes `[1, n, 1]`
/// and `[m, n]` becomes `[m, n, 1]`. A copy.
///
/// # Examples
///
/// ```
/// use numcrane::{array, dstack};
/// let d = dstack(&[&array([1, 2]), &array([3, 4])]);
/// assert_eq!(d.shape(), &[1, 2, 2]);
/// assert_eq!(d.to_vec::<i32>().unwrap(), vec![1, 3, 2, 4]);
/// ```
#[track_caller]
pub fn dstack(arrays: &[&Array]) -> Array {
    joined_at_least("dstack", arrays, 3, 2, SourceLocation::caller())
}

/// NumPy's `np.column_stack`: 1-D arrays become columns `[n, 1]` (0-d ones `[1, 1]`), then
/// everything is joined along the second axis. A copy.
///
/// # Examples
///
/// ```
/// use numcrane::{array, column_stack};
/// let c = column_stack(&[&array([1, 2, 3]), &array([4, 5, 6])]);
/// assert_eq!(c.shape(), &[3, 2]);
/// assert_eq!(c.to_vec::<i32>().unwrap(), vec![1, 4, 2, 5, 3, 6]);
/// ```
#[track_caller]
pub fn column_stack(arrays: &[&Array]) -> Array {
    let loc = SourceLocation::caller();
    let parts: Vec<Array> = arrays
        .iter()
        .map(|a| match a.ndim() {
            0 => a.reshape_at(vec![1, 1], loc),
            1 => a.reshape_at(vec![a.size(), 1], loc),
            _ => (*a).clone(),
        })
        .collect();
    let refs: Vec<&Array> = parts.iter().collect();
    concatenate_named("column_stack", &refs, 1, loc)
}

/// How to split an array: into a number of equal sections, or at a list of indices
/// (NumPy's `indices_or_sections`). Integers convert to `Sections`, lists, arrays and vectors
/// of integers to `Indices`.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, split, SplitSpec};
/// let a = arange(0, 6, 1);
/// assert_eq!(split(&a, 3, 0).len(), 3);
/// let parts = split(&a, SplitSpec::Indices(vec![1, 4]), 0);
/// assert_eq!(parts[1].to_vec::<i32>().unwrap(), vec![1, 2, 3]);
/// assert_eq!(SplitSpec::from([1, 4]), SplitSpec::Indices(vec![1, 4]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitSpec {
    /// This many pieces.
    Sections(usize),
    /// Pieces `a[..i0]`, `a[i0..i1]`, ..., `a[ik..]` along the axis (Python slicing: negative
    /// indices count from the end, out-of-range ones clamp, decreasing ones give empty pieces).
    Indices(Vec<isize>),
}

macro_rules! split_spec_from {
    ($($t:ty),*) => { $(
        impl From<$t> for SplitSpec {
            fn from(n: $t) -> SplitSpec {
                SplitSpec::Sections(usize::try_from(n).unwrap_or(0))
            }
        }
        impl From<&[$t]> for SplitSpec {
            fn from(v: &[$t]) -> SplitSpec {
                SplitSpec::Indices(v.iter().map(|&i| crate::saturating_isize(i)).collect())
            }
        }
        impl From<Vec<$t>> for SplitSpec {
            fn from(v: Vec<$t>) -> SplitSpec {
                SplitSpec::from(&v[..])
            }
        }
        impl<const N: usize> From<[$t; N]> for SplitSpec {
            fn from(v: [$t; N]) -> SplitSpec {
                SplitSpec::from(&v[..])
            }
        }
        impl<const N: usize> From<&[$t; N]> for SplitSpec {
            fn from(v: &[$t; N]) -> SplitSpec {
                SplitSpec::from(&v[..])
            }
        }
    )* };
}
split_spec_from!(i32, i64, isize, usize);

/// The `(start, len)` of each piece along an axis of length `n`, or the error message.
fn pieces(spec: &SplitSpec, n: usize, even: bool) -> Result<Vec<(usize, usize)>, String> {
    match spec {
        SplitSpec::Sections(0) => Err(if even {
            "integer division or modulo by zero: number of sections must be larger than 0".into()
        } else {
            "number sections must be larger than 0.".into()
        }),
        SplitSpec::Sections(k) => {
            if even && !n.is_multiple_of(*k) {
                return Err(format!(
                    "array split does not result in an equal division ({n} into {k} sections)"
                ));
            }
            let (each, extra) = (n / k, n % k);
            let mut start = 0;
            Ok((0..*k)
                .map(|i| {
                    let len = each + usize::from(i < extra);
                    start += len;
                    (start - len, len)
                })
                .collect())
        }
        SplitSpec::Indices(idx) => {
            let clamp = |i: isize| -> usize {
                let i = if i < 0 {
                    i as i128 + n as i128
                } else {
                    i as i128
                };
                i.clamp(0, n as i128) as usize
            };
            let mut bounds: Vec<usize> = vec![0];
            bounds.extend(idx.iter().map(|&i| clamp(i)));
            bounds.push(n);
            Ok(bounds
                .windows(2)
                .map(|w| (w[0], w[1].saturating_sub(w[0])))
                .collect())
        }
    }
}

fn split_named(
    op: &'static str,
    a: &Array,
    spec: SplitSpec,
    axis: isize,
    even: bool,
    loc: SourceLocation,
) -> Vec<Array> {
    let count = match &spec {
        SplitSpec::Sections(k) => (*k).max(1),
        SplitSpec::Indices(v) => v.len() + 1,
    };
    let failed = |e: Error| -> Vec<Array> {
        let bad = build::poison(
            e,
            Op::View(ViewOp::Slice(vec![])),
            &[a],
            a.dtype(),
            a.shape().to_vec(),
            loc,
        );
        vec![bad; count]
    };
    if a.ndim() == 0 {
        return failed(Error::invalid(
            op,
            "cannot split a zero-dimensional array",
            loc,
        ));
    }
    let axis = match build::axis(op, axis, a.ndim(), loc) {
        Ok(x) => x,
        Err(e) => return failed(e),
    };
    let n = a.shape()[axis];
    let list = match pieces(&spec, n, even) {
        Ok(l) => l,
        Err(m) => {
            return failed(Error::invalid(
                op,
                format!("{m}; array of shape {:?}, axis {axis}", a.shape()),
                loc,
            ))
        }
    };
    list.into_iter()
        .map(|(start, len)| {
            if start == 0 && len == n {
                return a.clone();
            }
            let specs = a
                .shape()
                .iter()
                .enumerate()
                .map(|(d, &m)| {
                    if d == axis {
                        (if len > 0 { start } else { 0 }, 1, len)
                    } else {
                        (0, 1, m)
                    }
                })
                .collect();
            let mut shape = a.shape().to_vec();
            shape[axis] = len;
            build::view(a, ViewOp::Slice(specs), shape, loc)
        })
        .collect()
}

/// NumPy's `np.split(a, indices_or_sections, axis)`: `a` cut along `axis` into equal
/// sections (an error when the length does not divide) or at indices (see [`SplitSpec`]).
/// Every piece is a view (a slice).
///
/// On a bad argument (zero sections, uneven division, bad axis) every returned array
/// evaluates to the error (as many as sections asked for, at least one).
///
/// ```
/// use numcrane::{arange, split};
/// let parts = split(&arange(0, 6, 1), 3, 0);
/// assert_eq!(parts.len(), 3);
/// assert_eq!(parts[1].to_vec::<i32>().unwrap(), vec![2, 3]);
/// let parts = split(&arange(0, 6, 1), [1, 4], 0);
/// assert_eq!(parts[1].to_vec::<i32>().unwrap(), vec![1, 2, 3]);
/// ```
#[track_caller]
pub fn split(a: &Array, indices_or_sections: impl Into<SplitSpec>, axis: isize) -> Vec<Array> {
    let loc = SourceLocation::caller();
    split_named("split", a, indices_or_sections.into(), axis, true, loc)
}

/// NumPy's `np.array_split`: as [`split`], but `k` sections of a length `n` that `k` does not
/// divide are allowed: the first `n % k` pieces get one element more. Views.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, array_split};
/// // 7 elements in 3 pieces: the first gets the extra one.
/// let parts = array_split(&arange(0, 7, 1), 3, 0);
/// let lens: Vec<usize> = parts.iter().map(|p| p.size()).collect();
/// assert_eq!(lens, vec![3, 2, 2]);
/// assert_eq!(parts[2].to_vec::<i32>().unwrap(), vec![5, 6]);
/// ```
#[track_caller]
pub fn array_split(
    a: &Array,
    indices_or_sections: impl Into<SplitSpec>,
    axis: isize,
) -> Vec<Array> {
    let loc = SourceLocation::caller();
    split_named(
        "array_split",
        a,
        indices_or_sections.into(),
        axis,
        false,
        loc,
    )
}

/// NumPy's `np.vsplit`: [`split`] along the first axis of an array of at least two
/// dimensions. Views.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, vsplit};
/// let a = arange(0, 8, 1).reshape([4, 2]);
/// let halves = vsplit(&a, 2);
/// assert_eq!(halves[1].to_vec::<i32>().unwrap(), vec![4, 5, 6, 7]);
/// ```
#[track_caller]
pub fn vsplit(a: &Array, indices_or_sections: impl Into<SplitSpec>) -> Vec<Array> {
    let loc = SourceLocation::caller();
    split_dim("vsplit", a, indices_or_sections.into(), 2, 0, loc)
}

/// NumPy's `np.hsplit`: [`split`] along the second axis (the first of a 1-D array). Views.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, hsplit};
/// let a = arange(0, 8, 1).reshape([2, 4]);
/// let halves = hsplit(&a, 2);
/// assert_eq!(halves[0].to_vec::<i32>().unwrap(), vec![0, 1, 4, 5]);
/// ```
#[track_caller]
pub fn hsplit(a: &Array, indices_or_sections: impl Into<SplitSpec>) -> Vec<Array> {
    let loc = SourceLocation::caller();
    let axis = if a.ndim() > 1 { 1 } else { 0 };
    split_dim("hsplit", a, indices_or_sections.into(), 1, axis, loc)
}

/// NumPy's `np.dsplit`: [`split`] along the third axis of an array of at least three
/// dimensions. Views.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, dsplit};
/// let a = arange(0, 8, 1).reshape([1, 2, 4]);
/// let parts = dsplit(&a, [1]);
/// assert_eq!(parts[0].shape(), &[1, 2, 1]);
/// assert_eq!(parts[1].to_vec::<i32>().unwrap(), vec![1, 2, 3, 5, 6, 7]);
/// ```
#[track_caller]
pub fn dsplit(a: &Array, indices_or_sections: impl Into<SplitSpec>) -> Vec<Array> {
    let loc = SourceLocation::caller();
    split_dim("dsplit", a, indices_or_sections.into(), 3, 2, loc)
}

fn split_dim(
    op: &'static str,
    a: &Array,
    spec: SplitSpec,
    min_ndim: usize,
    axis: isize,
    loc: SourceLocation,
) -> Vec<Array> {
    if a.ndim() < min_ndim {
        let e = Error::invalid(
            op,
            format!(
                "{op} only works on arrays of {min_ndim} or more dimensions (shape {:?})",
                a.shape()
            ),
            loc,
        );
        let bad = build::poison(
            e,
            Op::View(ViewOp::Slice(vec![])),
            &[a],
            a.dtype(),
            a.shape().to_vec(),
            loc,
        );
        return vec![bad];
    }
    split_named(op, a, spec, axis, true, loc)
}

/// `a` (of `ndim` dims, at most `reps.len()`) repeated: the result's axis `i` is axis `i` of
/// `a` (after prepending length-1 axes) repeated `reps[i]` times, as whole blocks.
fn tile_at(a: &Array, reps: &[usize], loc: SourceLocation) -> Array {
    let nd = reps.len();
    let mut shape = vec![1; nd - a.ndim()];
    shape.extend_from_slice(a.shape());
    let expanded: Vec<usize> = shape.iter().flat_map(|&s| [1, s]).collect();
    let wide: Vec<usize> = reps
        .iter()
        .zip(&shape)
        .flat_map(|(&r, &s)| [r, s])
        .collect();
    let out: Vec<usize> = reps.iter().zip(&shape).map(|(&r, &s)| r * s).collect();
    if let Err(e) = build::check_size("tile", &wide, loc) {
        return fail(e, &[a], loc);
    }
    a.reshape_at(expanded, loc)
        .broadcast_to_at(&wide, loc)
        .reshape_at(out, loc)
}

/// NumPy's `np.tile(a, reps)`: `a` repeated as whole blocks, `reps[i]` times along axis `i`.
/// With fewer reps than dimensions the missing ones (leading) are 1; with more, `a` gets
/// leading length-1 axes. A copy (a broadcast view reshaped).
///
/// ```
/// use numcrane::{array, tile};
/// let t = tile(&array([1, 2]), &[2, 2]);
/// assert_eq!(t.shape(), &[2, 4]);
/// assert_eq!(t.to_vec::<i32>().unwrap(), vec![1, 2, 1, 2, 1, 2, 1, 2]);
/// ```
#[track_caller]
pub fn tile(a: &Array, reps: &[usize]) -> Array {
    let loc = SourceLocation::caller();
    let mut full = vec![1; a.ndim().saturating_sub(reps.len())];
    full.extend_from_slice(reps);
    tile_at(a, &full, loc)
}

/// Repetition counts for [`repeat`]: one count for every element, or one per element along
/// the axis. Integers convert to `Each`, lists, arrays and vectors to `PerElement`. Negative
/// counts are an error when the array is evaluated (as NumPy raises).
///
/// # Examples
///
/// ```
/// use numcrane::{array, repeat, Repeats};
/// let a = array([1, 2, 3]);
/// assert_eq!(repeat(&a, 2, None).to_vec::<i32>().unwrap(), vec![1, 1, 2, 2, 3, 3]);
/// let per = repeat(&a, Repeats::PerElement(vec![0, 1, 2]), None);
/// assert_eq!(per.to_vec::<i32>().unwrap(), vec![2, 3, 3]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Repeats {
    /// Every element this many times.
    Each(isize),
    /// Element `i` along the axis `counts[i]` times (a single count applies to all).
    PerElement(Vec<isize>),
}

macro_rules! repeats_from {
    ($($t:ty),*) => { $(
        impl From<$t> for Repeats {
            fn from(n: $t) -> Repeats {
                Repeats::Each(crate::saturating_isize(n))
            }
        }
        impl From<&[$t]> for Repeats {
            fn from(v: &[$t]) -> Repeats {
                Repeats::PerElement(v.iter().map(|&n| crate::saturating_isize(n)).collect())
            }
        }
        impl From<Vec<$t>> for Repeats {
            fn from(v: Vec<$t>) -> Repeats {
                Repeats::from(&v[..])
            }
        }
        impl<const N: usize> From<[$t; N]> for Repeats {
            fn from(v: [$t; N]) -> Repeats {
                Repeats::from(&v[..])
            }
        }
        impl<const N: usize> From<&[$t; N]> for Repeats {
            fn from(v: &[$t; N]) -> Repeats {
                Repeats::from(&v[..])
            }
        }
    )* };
}
repeats_from!(i32, i64, isize, usize);

/// Every element of `a` along `axis` repeated `r` times in place (`[x, y]` -> `[x, x, y, y]`).
fn repeat_each(a: &Array, r: usize, axis: usize, loc: SourceLocation) -> Array {
    let mut expanded = a.shape().to_vec();
    expanded.insert(axis + 1, 1);
    let mut wide = expanded.clone();
    wide[axis + 1] = r;
    let mut out = a.shape().to_vec();
    out[axis] *= r;
    if let Err(e) = build::check_size("repeat", &wide, loc) {
        return fail(e, &[a], loc);
    }
    a.reshape_at(expanded, loc)
        .broadcast_to_at(&wide, loc)
        .reshape_at(out, loc)
}

/// NumPy's `np.repeat(a, repeats, axis)`: each element repeated in place (unlike [`tile`]).
/// `axis: None` works on the flattened array. `repeats` is one count (`2`) or one per element
/// along the axis (`[1, 0, 3]`; a single-element list applies to all). A copy.
///
/// ```
/// use numcrane::{array, repeat};
/// let a = array([1, 2]);
/// assert_eq!(repeat(&a, 2, None).to_vec::<i32>().unwrap(), vec![1, 1, 2, 2]);
/// assert_eq!(repeat(&a, [0, 3], None).to_vec::<i32>().unwrap(), vec![2, 2, 2]);
/// ```
#[track_caller]
pub fn repeat(a: &Array, repeats: impl Into<Repeats>, axis: Option<isize>) -> Array {
    let loc = SourceLocation::caller();
    let (src, axis) = match axis {
        None => (a.reshape_at(vec![a.size()], loc), 0),
        Some(ax) => match build::axis("repeat", ax, a.ndim(), loc) {
            Ok(x) => (a.clone(), x),
            Err(e) => return fail(e, &[a], loc),
        },
    };
    let counts: Vec<isize> = match repeats.into() {
        Repeats::Each(r) => vec![r],
        Repeats::PerElement(c) => c,
    };
    if counts.iter().any(|&c| c < 0) {
        let e = Error::invalid(
            "repeat",
            format!("negative dimensions are not allowed (repeats {counts:?})"),
            loc,
        );
        return fail(e, &[a], loc);
    }
    let counts: Vec<usize> = counts.iter().map(|&c| c as usize).collect();
    if counts.len() == 1 {
        return repeat_each(&src, counts[0], axis, loc);
    }
    let n = src.shape()[axis];
    if counts.len() != n {
        let e = Error::invalid(
            "repeat",
            format!(
                "operands could not be broadcast together with shape ({n},) ({},): array of \
                 shape {:?}, {} repeat counts",
                counts.len(),
                a.shape(),
                counts.len()
            ),
            loc,
        );
        return fail(e, &[a], loc);
    }
    // Runs of equal counts: each run is a slice repeated by one count.
    let mut parts = Vec::new();
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && counts[j] == counts[i] {
            j += 1;
        }
        if counts[i] > 0 {
            let piece = slice_axis(&src, axis, i, j - i, loc);
            parts.push(repeat_each(&piece, counts[i], axis, loc));
        }
        i = j;
    }
    if parts.is_empty() {
        let mut shape = src.shape().to_vec();
        shape[axis] = 0;
        return slice_axis(&src, axis, 0, 0, loc).reshape_at(shape, loc);
    }
    if parts.len() == 1 {
        return parts.pop().expect("one part");
    }
    let refs: Vec<&Array> = parts.iter().collect();
    concat_at(&refs, axis, loc)
}

/// The view `a[.., start..start + len, ..]` along `axis`.
pub(crate) fn slice_axis(
    a: &Array,
    axis: usize,
    start: usize,
    len: usize,
    loc: SourceLocation,
) -> Array {
    if start == 0 && len == a.shape()[axis] {
        return a.clone();
    }
    let specs = a
        .shape()
        .iter()
        .enumerate()
        .map(|(d, &m)| {
            if d == axis {
                (if len > 0 { start } else { 0 }, 1, len)
            } else {
                (0, 1, m)
            }
        })
        .collect();
    let mut shape = a.shape().to_vec();
    shape[axis] = len;
    build::view(a, ViewOp::Slice(specs), shape, loc)
}

/// NumPy's `np.roll(a, shift, axis)`: elements shifted `shift` places along `axis` (negative
/// shifts go the other way), those pushed past the end coming back at the start. `axis: None`
/// rolls the flattened array and restores the shape. A copy (two slices concatenated).
///
/// ```
/// use numcrane::{arange, roll};
/// let r = roll(&arange(0, 5, 1), 2, None);
/// assert_eq!(r.to_vec::<i32>().unwrap(), vec![3, 4, 0, 1, 2]);
/// ```
#[track_caller]
pub fn roll(a: &Array, shift: isize, axis: Option<isize>) -> Array {
    let loc = SourceLocation::caller();
    match axis {
        None => {
            let flat = a.reshape_at(vec![a.size()], loc);
            roll_at(&flat, shift, 0, loc).reshape_at(a.shape().to_vec(), loc)
        }
        Some(ax) => match build::axis("roll", ax, a.ndim(), loc) {
            Ok(x) => roll_at(a, shift, x, loc),
            Err(e) => fail(e, &[a], loc),
        },
    }
}

/// NumPy's `np.roll(a, shifts, axes)` with one shift per axis (the same axis may appear more
/// than once: its shifts add up). A copy.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, roll_axes};
/// let a = arange(0, 6, 1).reshape([2, 3]);
/// let r = roll_axes(&a, &[1, 1], &[0, 1]);
/// assert_eq!(r.to_vec::<i32>().unwrap(), vec![5, 3, 4, 2, 0, 1]);
/// ```
#[track_caller]
pub fn roll_axes(a: &Array, shifts: &[isize], axes: &[isize]) -> Array {
    let loc = SourceLocation::caller();
    let (shifts, axes): (Vec<isize>, Vec<isize>) = match (shifts.len(), axes.len()) {
        (1, m) => (vec![shifts[0]; m], axes.to_vec()),
        (n, 1) => (shifts.to_vec(), vec![axes[0]; n]),
        (n, m) if n == m => (shifts.to_vec(), axes.to_vec()),
        (n, m) => {
            let e = Error::invalid(
                "roll",
                format!("shape mismatch: {n} shifts cannot be matched with {m} axes"),
                loc,
            );
            return fail(e, &[a], loc);
        }
    };
    let mut total = vec![0i128; a.ndim()];
    for (&s, &ax) in shifts.iter().zip(&axes) {
        match build::axis("roll", ax, a.ndim(), loc) {
            Ok(x) => total[x] += s as i128,
            Err(e) => return fail(e, &[a], loc),
        }
    }
    let mut out = a.clone();
    for (x, &s) in total.iter().enumerate() {
        let n = a.shape()[x] as i128;
        if n > 0 {
            out = roll_at(&out, s.rem_euclid(n) as isize, x, loc);
        }
    }
    out
}

fn roll_at(a: &Array, shift: isize, axis: usize, loc: SourceLocation) -> Array {
    let n = a.shape()[axis];
    if n == 0 {
        return a.clone();
    }
    let s = (shift as i128).rem_euclid(n as i128) as usize;
    if s == 0 {
        return a.clone();
    }
    let tail = slice_axis(a, axis, n - s, s, loc);
    let head = slice_axis(a, axis, 0, n - s, loc);
    concat_at(&[&tail, &head], axis, loc)
}

/// NumPy's `np.rot90(a, k, axes)`: `a` rotated by 90 degrees `k` times (negative: clockwise)
/// in the plane of `axes`, from the first axis towards the second (`[0, 1]` is NumPy's
/// default). A view (flips and a transpose).
///
/// ```
/// use numcrane::{array, rot90};
/// let r = rot90(&array([[1, 2], [3, 4]]), 1, [0, 1]);
/// assert_eq!(r.to_vec::<i32>().unwrap(), vec![2, 4, 1, 3]);
/// ```
#[track_caller]
pub fn rot90(a: &Array, k: isize, axes: [isize; 2]) -> Array {
    let loc = SourceLocation::caller();
    let nd = a.ndim() as isize;
    let [x, y] = axes;
    if x == y || (x - y).abs() == nd {
        let e = Error::invalid(
            "rot90",
            format!(
                "Axes must be different (axes {axes:?}, array of shape {:?})",
                a.shape()
            ),
            loc,
        );
        return fail(e, &[a], loc);
    }
    let (x, y) = match (
        build::axis("rot90", x, a.ndim(), loc),
        build::axis("rot90", y, a.ndim(), loc),
    ) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return fail(e, &[a], loc),
    };
    let mut perm: Vec<usize> = (0..a.ndim()).collect();
    perm.swap(x, y);
    match k.rem_euclid(4) {
        0 => a.clone(),
        2 => flip_at(&flip_at(a, x, loc), y, loc),
        1 => flip_at(a, y, loc).permute_at(perm, loc),
        _ => flip_at(&a.permute_at(perm, loc), y, loc),
    }
}

fn flip_at(a: &Array, axis: usize, loc: SourceLocation) -> Array {
    let specs = a
        .shape()
        .iter()
        .enumerate()
        .map(|(d, &n)| {
            if d == axis && n > 0 {
                (n - 1, -1, n)
            } else {
                (0, 1, n)
            }
        })
        .collect();
    build::view(a, ViewOp::Slice(specs), a.shape().to_vec(), loc)
}

/// NumPy's `np.fliplr`: the columns (axis 1) in reverse order; `a` needs at least two
/// dimensions. A view.
///
/// # Examples
///
/// ```
/// use numcrane::{array, fliplr};
/// let a = array([[1, 2, 3], [4, 5, 6]]);
/// assert_eq!(fliplr(&a).to_vec::<i32>().unwrap(), vec![3, 2, 1, 6, 5, 4]);
/// ```
#[track_caller]
pub fn fliplr(a: &Array) -> Array {
    let loc = SourceLocation::caller();
    if a.ndim() < 2 {
        let e = Error::invalid(
            "fliplr",
            format!("Input must be >= 2-d (shape {:?})", a.shape()),
            loc,
        );
        return fail(e, &[a], loc);
    }
    flip_at(a, 1, loc)
}

/// NumPy's `np.flipud`: the rows (axis 0) in reverse order; `a` needs at least one
/// dimension. A view.
///
/// # Examples
///
/// ```
/// use numcrane::{array, flipud};
/// let a = array([[1, 2, 3], [4, 5, 6]]);
/// assert_eq!(flipud(&a).to_vec::<i32>().unwrap(), vec![4, 5, 6, 1, 2, 3]);
/// ```
#[track_caller]
pub fn flipud(a: &Array) -> Array {
    let loc = SourceLocation::caller();
    if a.ndim() < 1 {
        let e = Error::invalid("flipud", "Input must be >= 1-d (a 0-d array)", loc);
        return fail(e, &[a], loc);
    }
    flip_at(a, 0, loc)
}
