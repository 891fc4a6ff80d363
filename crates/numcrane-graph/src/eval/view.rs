//! Movement ops: new layouts over the same buffer (a copy only for reshapes the strides forbid).

use super::values;
use crate::buffer::Buffer;
use crate::error::Result;
use crate::layout::Layout;
use crate::node::{Node, Realized};
use crate::op::ViewOp;
use crate::with_dtype;
use std::sync::Arc;

pub(super) fn view(node: &Node, v: &ViewOp, x: &Realized) -> Result<Realized> {
    let l = &x.layout;
    let layout = match v {
        ViewOp::Reshape(shape) => match l.reshape(shape) {
            Some(layout) => layout,
            None => return copy_reshape(node, x),
        },
        ViewOp::Permute(axes) => l.permute(axes),
        ViewOp::Broadcast(shape) => l.broadcast_to(shape),
        ViewOp::Slice(specs) => {
            let mut out = l.clone();
            for (axis, &(start, step, len)) in specs.iter().enumerate() {
                out = out.slice_axis(axis, start, step, len);
            }
            out
        }
        ViewOp::Diagonal(k) => l.diagonal(*k),
    };
    Ok(Realized {
        buffer: x.buffer.clone(),
        layout,
    })
}

/// A reshape whose input strides cannot be re-expressed: copy to row-major first (as NumPy).
fn copy_reshape(node: &Node, x: &Realized) -> Result<Realized> {
    with_dtype!(x.buffer.dtype(), T => {
        let data = values::<T>(x)?;
        let mut buffer = Buffer::zeros(x.buffer.dtype(), data.len(), "reshape")?;
        buffer.as_mut_slice::<T>()?.copy_from_slice(&data);
        Ok(Realized { buffer: Arc::new(buffer), layout: Layout::contiguous(node.shape()) })
    })
}
