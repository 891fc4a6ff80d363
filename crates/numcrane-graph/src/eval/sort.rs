//! Sorting along one axis: every lane (the elements that differ only in their position along
//! `axis`) is sorted on its own, ascending, with a stable sort and NaN last (NumPy's
//! `kind="stable"`; -0.0 and 0.0 compare equal, so they keep their order).
//!
//! With the input seen as `[outer, len(axis), inner]` (outer: the product of the axes before
//! `axis`, inner: of those after it), lane `(o, i)` holds the elements at
//! `o * len * inner + k * inner + i` for `k` in `0..len`.

use super::{realized_from, values};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::node::{Node, Realized};
use crate::with_dtype;
use std::cmp::Ordering;

/// A total order on elements: the usual one, with NaN (the only value not equal to itself)
/// after everything else and equal to other NaNs; complex values lexicographically, NaNs last
/// as NumPy's sorts place them ([`Element::lex_lt`]).
pub(super) fn total<T: Element>(a: &T, b: &T) -> Ordering {
    if a.lex_lt(*b) {
        Ordering::Less
    } else if b.lex_lt(*a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// Checks the shapes and returns `(outer, len, inner)`.
fn lanes(op: &'static str, node: &Node, axis: usize, x: &Realized) -> Result<[usize; 3]> {
    let shape = &x.layout.shape;
    if axis >= shape.len() || shape.as_slice() != node.shape() {
        return Err(Error::internal(op, "axis or shape does not fit the input"));
    }
    let outer = shape[..axis].iter().product();
    let inner = shape[axis + 1..].iter().product();
    Ok([outer, shape[axis], inner])
}

/// Calls `f(lane_start, lane_values)` for every lane, with `lane_values` copied out.
fn for_each_lane<T: Element>(
    src: &[T],
    [outer, len, inner]: [usize; 3],
    mut f: impl FnMut(usize, &mut Vec<T>),
) {
    let mut lane = Vec::with_capacity(len);
    for o in 0..outer {
        for i in 0..inner {
            let start = o * len * inner + i;
            lane.clear();
            lane.extend((0..len).map(|k| src[start + k * inner]));
            f(start, &mut lane);
        }
    }
}

pub(super) fn sort(node: &Node, axis: usize, x: &Realized) -> Result<Realized> {
    let dims = lanes("sort", node, axis, x)?;
    let inner = dims[2];
    with_dtype!(node.dtype(), T => realized_from::<T>(node, |out| {
        if out.is_empty() {
            return Ok(());
        }
        let src = values::<T>(x)?;
        for_each_lane(&src, dims, |start, lane| {
            lane.sort_by(total);
            for (k, v) in lane.iter().enumerate() {
                out[start + k * inner] = *v;
            }
        });
        Ok(())
    }))
}

pub(super) fn argsort(node: &Node, axis: usize, x: &Realized) -> Result<Realized> {
    let dims = lanes("argsort", node, axis, x)?;
    let inner = dims[2];
    if node.dtype() != crate::DType::I64 {
        return Err(Error::internal("argsort", "the result must be int64"));
    }
    with_dtype!(x.buffer.dtype(), T => realized_from::<i64>(node, |out| {
        if out.is_empty() {
            return Ok(());
        }
        let src = values::<T>(x)?;
        let mut order: Vec<usize> = Vec::with_capacity(dims[1]);
        for_each_lane(&src, dims, |start, lane| {
            order.clear();
            order.extend(0..lane.len());
            order.sort_by(|&a, &b| total(&lane[a], &lane[b]));
            for (k, &p) in order.iter().enumerate() {
                out[start + k * inner] = p as i64;
            }
        });
        Ok(())
    }))
}
