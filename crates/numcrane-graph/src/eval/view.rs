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
    match v.apply(&x.layout) {
        Some(layout) => Ok(Realized {
            buffer: x.buffer.clone(),
            layout,
        }),
        None => copy_reshape(node, x),
    }
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
