//! `Gather` (integer-array indexing, `take`, masks once turned into positions) on
//! numcrane-kernels' [`gather_rows`], and `Scatter` (`a.at(i).set(v)` / `.add(v)` / ...) on
//! its [`scatter_into`]: the same results and the same errors as the reference evaluator
//! (crates/numcrane-graph/src/eval/gather.rs), without its copies. Called from
//! [`crate::intrinsics::NativeRunner`].
//!
//! A scatter applies its updates in row-major order of the positions, as the evaluator does
//! (`set` keeps the last of repeated positions; `add` etc. accumulate in that order); large
//! ones split the output into ranges, one per thread, each applying its own updates in that
//! same order, so the bits do not depend on the thread count.
//!
//! The evaluator reads a strided input into C order first and builds every offset list before
//! copying; here the input is read in place through its strides, each index is resolved (per
//! `IndexMode`) as its row is copied, and large outputs are split over rayon threads. Elements
//! are copied by size (1, 2, 4 or 8 bytes), so one instantiation serves every dtype of a size.
//!
//! Errors: the evaluator checks index array 0 at every position, then array 1, and so on, and
//! reports the first bad index it meets. The kernel only says that some index is bad; that
//! cold path then rescans the indices in the evaluator's order and builds the same error.

use numcrane_graph::eval::scalar::Num;
use numcrane_graph::eval::values;
use numcrane_graph::ScatterOp;
use numcrane_graph::{
    with_dtype, Buffer, Element, Error, IndexMode, Layout, Node, Realized, Result,
};
use numcrane_kernels::{gather_rows, scatter_into, GatherFault, GatherInner};
use std::borrow::Cow;
use std::mem::{align_of, size_of};
use std::sync::Arc;

/// One index array as read by the kernel: a constant (a broadcast scalar: every stride zero)
/// or its values in C order.
enum Indices<'a> {
    Const(i64),
    Values(Cow<'a, [i64]>),
}

impl Indices<'_> {
    fn get(&self, p: usize) -> Option<i64> {
        match self {
            Indices::Const(v) => Some(*v),
            Indices::Values(v) => v.get(p).copied(),
        }
    }
}

/// The indices of `r`, reading a broadcast scalar once instead of expanding it.
fn indices(r: &Realized) -> Result<Indices<'_>> {
    if r.layout.size() > 0 && r.layout.strides.iter().all(|&s| s == 0) {
        let data = r.buffer.as_slice::<i64>()?;
        let v = data
            .get(r.layout.offset)
            .ok_or_else(|| Error::internal("gather", "index layout outside its buffer"))?;
        return Ok(Indices::Const(*v));
    }
    Ok(Indices::Values(values::<i64>(r)?))
}

/// `i` resolved to `0..n` per `mode`, or None: the fast check of the copy loop (the error
/// itself comes from [`resolve`]).
#[inline(always)]
fn resolve_fast(mode: IndexMode, i: i64, n: i64) -> Option<i64> {
    match mode {
        IndexMode::Raise => {
            let p = if i < 0 { i + n } else { i };
            (0..n).contains(&p).then_some(p)
        }
        IndexMode::NonNegative => (0..n).contains(&i).then_some(i),
        IndexMode::Wrap | IndexMode::Clip if n == 0 => None,
        IndexMode::Wrap => Some(i.rem_euclid(n)),
        IndexMode::Clip => Some(i.clamp(0, n - 1)),
    }
}

/// The evaluator's check of one index: the same error, word for word.
fn resolve(
    node: &Node,
    name: &'static str,
    mode: IndexMode,
    i: i64,
    axis: usize,
    n: usize,
) -> Result<()> {
    let bad = || Error::IndexOutOfRange {
        op: name,
        index: i as isize,
        axis,
        size: n,
        location: node.location(),
    };
    let (v, n_i) = (i as i128, n as i128);
    match mode {
        IndexMode::Raise => {
            let p = if v < 0 { v + n_i } else { v };
            if p < 0 || p >= n_i {
                return Err(bad());
            }
            Ok(())
        }
        IndexMode::NonNegative => {
            if v < 0 || v >= n_i {
                return Err(Error::Value {
                    op: name,
                    message: format!(
                        "invalid entry in choice array: {i} is not in 0..{n} (mode raise)"
                    ),
                    location: node.location(),
                });
            }
            Ok(())
        }
        IndexMode::Wrap | IndexMode::Clip if n == 0 => Err(Error::Value {
            op: name,
            message: format!("cannot do a non-empty {name} from an empty axis (axis {axis})"),
            location: node.location(),
        }),
        IndexMode::Wrap | IndexMode::Clip => Ok(()),
    }
}

/// The first bad index in the evaluator's order (array by array, each in row-major order).
fn first_error(
    node: &Node,
    name: &'static str,
    mode: IndexMode,
    axes: &[(usize, usize)],
    idx: &[Indices<'_>],
    count: usize,
) -> Result<()> {
    for (&(axis, n), ix) in axes.iter().zip(idx) {
        for p in 0..count {
            let v = ix
                .get(p)
                .ok_or_else(|| Error::internal(name, "index array shorter than the index"))?;
            resolve(node, name, mode, v, axis, n)?;
        }
    }
    Ok(())
}

/// The offsets (relative to `base`) of every position of `dims` (length, stride), row-major.
fn offsets(base: isize, dims: &[(usize, isize)]) -> Vec<isize> {
    let mut out = vec![base];
    for &(len, stride) in dims {
        let mut next = Vec::with_capacity(out.len() * len);
        for &o in &out {
            next.extend((0..len as isize).map(|k| o + k * stride));
        }
        out = next;
    }
    out
}

/// True if `dims` (length, stride) are row-major with unit steps: one contiguous run.
fn contiguous_run(dims: &[(usize, isize)]) -> bool {
    let mut expected = 1isize;
    for &(len, stride) in dims.iter().rev() {
        if len == 1 {
            continue;
        }
        if stride != expected {
            return false;
        }
        expected *= len as isize;
    }
    true
}

/// The node's result: `Op::Gather { name, axes, at, mode }` of `args[0]` by `args[1..]`.
pub(crate) fn gather(
    node: &Node,
    name: &'static str,
    axes: &[usize],
    at: usize,
    mode: IndexMode,
    args: &[&Realized],
) -> Result<Realized> {
    let internal = |m: &str| Error::internal(name, m.to_string());
    let (data, index_arrays) = args
        .split_first()
        .ok_or_else(|| internal("gather without input"))?;
    let dl = &data.layout;
    let shape = &dl.shape;
    if index_arrays.len() != axes.len() || axes.iter().any(|&a| a >= shape.len()) {
        return Err(internal("gather axes do not fit the input"));
    }
    if data.buffer.dtype() != node.dtype() {
        return Err(internal("gather result dtype differs from its input's"));
    }
    let index_shape = index_arrays
        .first()
        .map(|i| i.layout.shape.clone())
        .unwrap_or_default();
    if index_arrays.iter().any(|i| i.layout.shape != index_shape) {
        return Err(internal("gather index arrays differ in shape"));
    }
    let rest: Vec<(usize, isize)> = (0..shape.len())
        .filter(|a| !axes.contains(a))
        .map(|a| (shape[a], dl.strides[a]))
        .collect();
    if at > rest.len() {
        return Err(internal("gather position past the remaining axes"));
    }
    let mut out_shape: Vec<usize> = rest[..at].iter().map(|d| d.0).collect();
    out_shape.extend(&index_shape);
    out_shape.extend(rest[at..].iter().map(|d| d.0));
    if out_shape != node.shape() {
        return Err(internal("gather output shape"));
    }
    let count: usize = index_shape.iter().product();
    let idx = index_arrays
        .iter()
        .map(|r| indices(r))
        .collect::<Result<Vec<_>>>()?;
    let checked: Vec<(usize, usize)> = axes.iter().map(|&a| (a, shape[a])).collect();
    let layout = Layout::contiguous(node.shape());
    let mut out = Buffer::zeros(node.dtype(), layout.size(), name)?;
    if layout.size() == 0 {
        // Nothing to copy, but the indices are still checked, as on the evaluator.
        first_error(node, name, mode, &checked, &idx, count)?;
    } else {
        let outer = offsets(dl.offset as isize, &rest[..at]);
        let inner_dims = &rest[at..];
        let inner_offs;
        let inner = if contiguous_run(inner_dims) {
            GatherInner::Contiguous(inner_dims.iter().map(|d| d.0).product())
        } else {
            inner_offs = offsets(0, inner_dims);
            GatherInner::Offsets(&inner_offs)
        };
        let terms: Vec<(&Indices<'_>, i64, isize)> = idx
            .iter()
            .zip(axes)
            .map(|(ix, &a)| (ix, shape[a] as i64, dl.strides[a]))
            .collect();
        let index = |p: usize| -> Option<isize> {
            let mut off = 0isize;
            for &(ix, n, stride) in &terms {
                off += resolve_fast(mode, ix.get(p)?, n)? as isize * stride;
            }
            Some(off)
        };
        let run = with_dtype!(node.dtype(), T => {
            let src = data.buffer.as_slice::<T>()?;
            let dst = out.as_mut_slice::<T>()?;
            by_size(src, dst, &outer, count, inner, index)
        });
        match run {
            Ok(()) => {}
            Err(GatherFault::BadIndex) => {
                first_error(node, name, mode, &checked, &idx, count)?;
                return Err(internal("gather found a bad index the check does not"));
            }
            Err(GatherFault::OutOfBounds) => return Err(internal("gather read outside the input")),
        }
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout,
    })
}

/// The gather on `src` and `dst` seen as unsigned integers of their element size: the copy
/// does not depend on the dtype, so one instantiation of the kernel per size serves them all.
fn by_size<T: Element, F: Fn(usize) -> Option<isize> + Sync>(
    src: &[T],
    dst: &mut [T],
    outer: &[isize],
    count: usize,
    inner: GatherInner<'_>,
    index: F,
) -> std::result::Result<(), GatherFault> {
    macro_rules! sized {
        ($u:ty) => {{
            let s = as_bits::<T, $u>(src).ok_or(GatherFault::OutOfBounds)?;
            // SAFETY: the kernel only writes copies of elements of `s`, which are valid `T`s.
            let d = unsafe { as_bits_mut::<T, $u>(dst) }.ok_or(GatherFault::OutOfBounds)?;
            gather_rows(s, outer, count, inner, index, d, true)
        }};
    }
    match std::mem::size_of::<T>() {
        1 => sized!(u8),
        2 => sized!(u16),
        4 => sized!(u32),
        8 => sized!(u64),
        _ => Err(GatherFault::OutOfBounds),
    }
}

/// `s` as unsigned integers of the same size and alignment (None if they differ).
fn as_bits<T: Element, U: Copy>(s: &[T]) -> Option<&[U]> {
    if size_of::<T>() != size_of::<U>() || align_of::<T>() != align_of::<U>() {
        return None;
    }
    // SAFETY: `U` has the size and alignment of `T`, so the pointer of a valid `&[T]` is a
    // valid, aligned pointer to `s.len()` `U`s over the same bytes, for `s`'s lifetime; `U`
    // is an unsigned integer, for which every bit pattern (all bytes of a `T` are
    // initialized) is a valid value.
    Some(unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<U>(), s.len()) })
}

/// `s` as unsigned integers of the same size and alignment (None if they differ).
///
/// # Safety
/// Only bit patterns of valid `T`s may be written through the result (a bool's byte must
/// stay 0 or 1).
unsafe fn as_bits_mut<T: Element, U: Copy>(s: &mut [T]) -> Option<&mut [U]> {
    if size_of::<T>() != size_of::<U>() || align_of::<T>() != align_of::<U>() {
        return None;
    }
    // SAFETY: as in `as_bits`, and the exclusive borrow of `s` moves to the result; the
    // caller writes only valid `T` bit patterns, so `s` holds valid `T`s afterwards.
    Some(unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<U>(), s.len()) })
}

/// The node's result: `Op::Scatter { op }` of `data` with `vals` combined at `positions`.
pub(crate) fn scatter(
    node: &Node,
    op: ScatterOp,
    data: &Realized,
    positions: &Realized,
    vals: &Realized,
) -> Result<Realized> {
    if data.layout.shape != node.shape() || positions.layout.shape != vals.layout.shape {
        return Err(Error::internal(op.name(), "scatter shapes do not fit"));
    }
    if data.buffer.dtype() != node.dtype() || vals.buffer.dtype() != node.dtype() {
        return Err(Error::internal(op.name(), "scatter dtypes do not fit"));
    }
    with_dtype!(node.dtype(), T => scatter_typed::<T>(node, op, data, positions, vals))
}

fn scatter_typed<T: Num>(
    node: &Node,
    op: ScatterOp,
    data: &Realized,
    positions: &Realized,
    vals: &Realized,
) -> Result<Realized> {
    let name = op.name();
    // The evaluator's combining functions, so the arithmetic is the same bits.
    let combine = op.combine::<T>(node.location())?;
    let layout = Layout::contiguous(node.shape());
    let mut out = Buffer::zeros(T::DTYPE, layout.size(), name)?;
    {
        let dst = out.as_mut_slice::<T>()?;
        dst.copy_from_slice(&values::<T>(data)?);
        let pos = values::<i64>(positions)?;
        let new = values::<T>(vals)?;
        scatter_into(dst, &pos, &new, combine, true)
            .map_err(|_| Error::internal(name, "scatter position outside the array"))?;
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout,
    })
}
