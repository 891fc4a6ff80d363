//! `Select` (order statistics) on numcrane-kernels' introselect: the same bits as the
//! reference evaluator's sort-then-pick (NaN last, `-0.0` / `0.0` and NaN payloads as the
//! stable sort leaves them), in expected linear time per lane, parallel over lanes. Called
//! from [`crate::intrinsics::NativeRunner`].
//!
//! A non-contiguous input is read into C order first (one pass, small next to the selection);
//! the kernel then sees `[outer, len, inner]` with lanes along the middle axis.

use numcrane_graph::eval::{select_dims, values};
use numcrane_graph::{Buffer, Element, Error, Layout, Node, Realized, Result};
use numcrane_kernels::{select_axis, SortScalar};
use std::sync::Arc;

/// The node's result: the values at sorted `positions` of every lane along `axis` of `x`.
pub(crate) fn select(
    node: &Node,
    axis: usize,
    positions: &[usize],
    x: &Realized,
) -> Result<Realized> {
    let dims = select_dims(node, axis, positions, x)?;
    numcrane_graph::with_real_dtype!(node.dtype(), T => select_typed::<T>(node, dims, positions, x),
        complex => Err(Error::dtype("select", node.dtype(), node.location())))
}

fn select_typed<T: Element + SortScalar>(
    node: &Node,
    dims: [usize; 3],
    positions: &[usize],
    x: &Realized,
) -> Result<Realized> {
    let layout = Layout::contiguous(node.shape());
    let mut out = Buffer::zeros(T::DTYPE, layout.size(), "select")?;
    if layout.size() > 0 {
        let src = values::<T>(x)?;
        select_axis(&src, dims, positions, out.as_mut_slice::<T>()?)
            .map_err(|e| Error::internal("select", e.to_string()))?;
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout,
    })
}
