//! `Sort` and `ArgSort` on numcrane-kernels' radix sort: the same bits as the reference
//! evaluator's stable sort (NaN last, -0.0 == 0.0 in input order), parallel over lanes or
//! inside one long lane. Called from [`crate::intrinsics::NativeRunner`].
//!
//! A non-contiguous input is read into C order first (one pass, small next to the sort); the
//! kernel then sees `[outer, len, inner]` with lanes along the middle axis.

use numcrane_graph::eval::values;
use numcrane_graph::{Buffer, DType, Element, Error, Layout, Node, Realized, Result};
use numcrane_kernels::{argsort_axis, sort_axis, SortScalar};
use std::sync::Arc;

/// `(outer, len, inner)` of the sorted input, after checking it against the node.
fn dims(op: &'static str, node: &Node, axis: usize, x: &Realized) -> Result<[usize; 3]> {
    let shape = &x.layout.shape;
    if axis >= shape.len() || shape.as_slice() != node.shape() {
        return Err(Error::internal(op, "axis or shape does not fit the input"));
    }
    Ok([
        shape[..axis].iter().product(),
        shape[axis],
        shape[axis + 1..].iter().product(),
    ])
}

/// The node's result: every lane along `axis` of `x` sorted.
pub(crate) fn sort(node: &Node, axis: usize, x: &Realized) -> Result<Realized> {
    let d = dims("sort", node, axis, x)?;
    if node.dtype() != x.buffer.dtype() {
        return Err(Error::internal(
            "sort",
            "the result dtype differs from the input's",
        ));
    }
    numcrane_graph::with_real_dtype!(node.dtype(), T => sort_typed::<T>(node, d, x),
        complex => Err(Error::dtype("sort", node.dtype(), node.location())))
}

fn sort_typed<T: Element + SortScalar>(
    node: &Node,
    d: [usize; 3],
    x: &Realized,
) -> Result<Realized> {
    let layout = Layout::contiguous(node.shape());
    let mut out = Buffer::zeros(T::DTYPE, layout.size(), "sort")?;
    if layout.size() > 0 {
        let src = values::<T>(x)?;
        sort_axis(&src, d, out.as_mut_slice::<T>()?)
            .map_err(|e| Error::internal("sort", e.to_string()))?;
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout,
    })
}

/// The node's result: the int64 stable sorting positions of every lane along `axis` of `x`.
pub(crate) fn argsort(node: &Node, axis: usize, x: &Realized) -> Result<Realized> {
    let d = dims("argsort", node, axis, x)?;
    if node.dtype() != DType::I64 {
        return Err(Error::internal("argsort", "the result must be int64"));
    }
    numcrane_graph::with_real_dtype!(x.buffer.dtype(), T => argsort_typed::<T>(node, d, x),
        complex => Err(Error::dtype("argsort", x.buffer.dtype(), node.location())))
}

fn argsort_typed<T: Element + SortScalar>(
    node: &Node,
    d: [usize; 3],
    x: &Realized,
) -> Result<Realized> {
    let layout = Layout::contiguous(node.shape());
    let mut out = Buffer::zeros(DType::I64, layout.size(), "argsort")?;
    if layout.size() > 0 {
        let src = values::<T>(x)?;
        argsort_axis(&src, d, out.as_mut_slice::<i64>()?)
            .map_err(|e| Error::internal("argsort", e.to_string()))?;
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout,
    })
}
