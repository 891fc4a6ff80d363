//! Order statistics along one axis (`Op::Select`), the obvious way: every lane is copied out,
//! sorted exactly as `Op::Sort` sorts it (stable, NaN last, -0.0 == 0.0 kept in input order)
//! and read at the wanted positions. Faster backends must give the same bits.
//!
//! With the input seen as `[outer, len, inner]`, lane `(o, i)` holds the elements at
//! `o * len * inner + k * inner + i`; its `j`-th answer goes to `o * m * inner + j * inner + i`
//! of the `[outer, m, inner]` result (`m` positions).

use super::sort::total;
use super::{realized_from, values};
use crate::error::{Error, Result};
use crate::node::{Node, Realized};
use crate::with_dtype;

/// Checks a `Select` node against its input (the node's dtype is the input's, its shape the
/// input's with `axis` replaced by `positions.len()`, every position inside a lane) and
/// returns `[outer, len, inner]`. Shared by every backend's `Select`.
pub fn dims(node: &Node, axis: usize, positions: &[usize], x: &Realized) -> Result<[usize; 3]> {
    let shape = &x.layout.shape;
    let fits = axis < shape.len()
        && node.shape().len() == shape.len()
        && node.dtype() == x.buffer.dtype()
        && (0..shape.len())
            .all(|d| node.shape()[d] == if d == axis { positions.len() } else { shape[d] });
    if !fits {
        return Err(Error::internal(
            "select",
            "axis or shape does not fit the input",
        ));
    }
    let len = shape[axis];
    if positions.iter().any(|&p| p >= len) {
        return Err(Error::internal("select", "a position is outside the lane"));
    }
    Ok([
        shape[..axis].iter().product(),
        len,
        shape[axis + 1..].iter().product(),
    ])
}

pub(super) fn select(
    node: &Node,
    axis: usize,
    positions: &[usize],
    x: &Realized,
) -> Result<Realized> {
    let [outer, len, inner] = dims(node, axis, positions, x)?;
    let m = positions.len();
    with_dtype!(node.dtype(), T => realized_from::<T>(node, |out| {
        if out.is_empty() {
            return Ok(());
        }
        let src = values::<T>(x)?;
        let mut lane: Vec<T> = Vec::with_capacity(len);
        for o in 0..outer {
            for i in 0..inner {
                let start = o * len * inner + i;
                lane.clear();
                lane.extend((0..len).map(|k| src[start + k * inner]));
                lane.sort_by(total);
                for (j, &p) in positions.iter().enumerate() {
                    out[o * m * inner + j * inner + i] = lane[p];
                }
            }
        }
        Ok(())
    }))
}
