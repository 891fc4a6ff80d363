//! Concatenation along one axis: every input is copied, block by block, into its slice of a
//! fresh contiguous output.
//!
//! With the output seen as `[outer, len(axis) * inner]` (outer: the product of the axes before
//! `axis`, inner: of those after it), input `p` fills columns `[start_p, start_p + len_p *
//! inner)` of every row, in input order.

use super::{realized_from, values};
use crate::error::{Error, Result};
use crate::node::{Node, Realized};
use crate::with_dtype;

pub(super) fn concat(node: &Node, axis: usize, parts: &[&Realized]) -> Result<Realized> {
    let shape = node.shape();
    if axis >= shape.len() {
        return Err(Error::internal("concatenate", "axis out of range"));
    }
    let outer: usize = shape[..axis].iter().product();
    let inner: usize = shape[axis + 1..].iter().product();
    let row = shape[axis] * inner;
    let mut total = 0;
    for p in parts {
        let s = &p.layout.shape;
        let same = s.len() == shape.len()
            && s.iter()
                .zip(shape)
                .enumerate()
                .all(|(i, (a, b))| i == axis || a == b);
        if !same {
            return Err(Error::internal(
                "concatenate",
                "input shapes do not fit the output",
            ));
        }
        total += s[axis];
    }
    if total != shape[axis] {
        return Err(Error::internal(
            "concatenate",
            "input lengths do not add up",
        ));
    }
    with_dtype!(node.dtype(), T => realized_from::<T>(node, |out| {
        let mut start = 0;
        for p in parts {
            let width = p.layout.shape[axis] * inner;
            if width > 0 && outer > 0 {
                let src = values::<T>(p)?;
                for (o, block) in src.chunks_exact(width).enumerate() {
                    let at = o * row + start;
                    out[at..at + width].copy_from_slice(block);
                }
            }
            start += width;
        }
        Ok(())
    }))
}
