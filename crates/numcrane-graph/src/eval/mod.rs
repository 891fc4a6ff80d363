//! The reference evaluator: plain Rust, one op at a time, every op and dtype.
//!
//! This is the oracle. It favours obviously-correct code over speed (it still avoids needless
//! copies: views of realized data are new layouts over the same buffer). Faster backends are
//! tested against it; it is tested against NumPy's own output (tests/golden).
//!
//! `evaluate` computes the nodes reachable from the roots in dependency order, keeps
//! intermediate results only until their last consumer has run, and stores the roots' results
//! in their nodes.

pub mod complex;
mod concat;
mod elementwise;
mod gather;
mod linalg;
pub mod partition;
mod reduce;
pub mod scalar;
mod select;
mod sort;
mod source;
mod view;

pub use select::dims as select_dims;

use crate::buffer::Buffer;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::node::{topo_order, Node, NodeRef, Realized};
use crate::op::Op;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// Evaluates `roots` (and whatever they need) and stores the results in the root nodes.
/// Nodes already realized are used as they are.
pub fn evaluate(roots: &[NodeRef]) -> Result<()> {
    if let Some(err) = roots.iter().find_map(|r| r.error()) {
        return Err(err.clone());
    }
    let order = topo_order(roots);
    // How many pending consumers each node has, to free temporaries early.
    let mut uses: HashMap<u64, usize> = HashMap::new();
    let inputs_of: Vec<Vec<NodeRef>> = order.iter().map(|n| n.inputs()).collect();
    for inputs in &inputs_of {
        for i in inputs {
            *uses.entry(i.id()).or_default() += 1;
        }
    }
    let mut values: HashMap<u64, Realized> = HashMap::new();
    for (node, inputs) in order.iter().zip(&inputs_of) {
        let value = match node.realized() {
            Some(r) => r.clone(),
            None => {
                let args: Vec<&Realized> = inputs
                    .iter()
                    .map(|i| {
                        values
                            .get(&i.id())
                            .ok_or_else(|| Error::internal("evaluate", "input not computed"))
                    })
                    .collect::<Result<_>>()?;
                compute(node, &args)?
            }
        };
        values.insert(node.id(), value);
        for i in inputs {
            if let Some(n) = uses.get_mut(&i.id()) {
                *n -= 1;
                if *n == 0 && !roots.iter().any(|r| r.id() == i.id()) {
                    values.remove(&i.id());
                }
            }
        }
    }
    for root in roots {
        if root.realized().is_none() {
            let r = values
                .get(&root.id())
                .ok_or_else(|| Error::internal("evaluate", "root not computed"))?;
            root.set_realized(r.clone());
        }
    }
    Ok(())
}

/// Computes one node from its realized inputs.
pub fn compute(node: &Node, args: &[&Realized]) -> Result<Realized> {
    if let Some(e) = node.error() {
        return Err(e.clone());
    }
    let arg = |i: usize| {
        args.get(i)
            .copied()
            .ok_or_else(|| Error::internal(node.op().name(), format!("missing input {i}")))
    };
    match node.op() {
        Op::Leaf => Err(Error::internal("evaluate", "leaf without data")),
        Op::Full(v) => source::full(node, *v),
        Op::Arange { start, step } => source::arange(node, *start, *step),
        Op::Pad {
            before,
            after,
            value,
        } => source::pad(node, arg(0)?, before, after, *value),
        Op::Cast => elementwise::cast(node, arg(0)?),
        Op::Unary(u) => elementwise::unary(node, *u, arg(0)?),
        Op::Binary(b) => elementwise::binary(node, *b, arg(0)?, arg(1)?),
        Op::Where => elementwise::select(node, arg(0)?, arg(1)?, arg(2)?),
        Op::Reduce { op, axes, keepdims } => reduce::reduce(node, *op, axes, *keepdims, arg(0)?),
        Op::ArgReduce { op, axis, .. } => reduce::arg_reduce(node, *op, *axis, arg(0)?),
        Op::Scan { op, axis } => reduce::scan(node, *op, *axis, arg(0)?),
        Op::View(v) => view::view(node, v, arg(0)?),
        Op::MatMul => linalg::matmul(node, arg(0)?, arg(1)?),
        Op::Concat { axis } => concat::concat(node, *axis, args),
        Op::Sort { axis } => sort::sort(node, *axis, arg(0)?),
        Op::ArgSort { axis } => sort::argsort(node, *axis, arg(0)?),
        Op::Select { axis, positions } => select::select(node, *axis, positions, arg(0)?),
        Op::Partition { axis, kth, arg: a } => partition::partition(node, *axis, kth, *a, arg(0)?),
        Op::Gather {
            name,
            axes,
            at,
            mode,
        } => gather::gather(node, name, axes, *at, *mode, args),
        Op::Scatter { op } => gather::scatter(node, *op, arg(0)?, arg(1)?, arg(2)?),
    }
}

/// The elements of a realized array in row-major order: borrowed when the layout is
/// contiguous, gathered otherwise. Errors if `T` is not the buffer's dtype.
pub fn values<T: Element>(r: &Realized) -> Result<Cow<'_, [T]>> {
    let data = r.buffer.as_slice::<T>()?;
    let size = r.layout.size();
    if size == 0 {
        // The offset of an empty view may point anywhere: never read it.
        return Ok(Cow::Borrowed(&[]));
    }
    if r.layout.is_c_contiguous() {
        let start = r.layout.offset;
        return data
            .get(start..start + size)
            .map(Cow::Borrowed)
            .ok_or_else(|| Error::internal("read", "layout outside its buffer"));
    }
    let (lo, hi) = r.layout.extent();
    if lo < 0 || hi as usize > data.len() {
        return Err(Error::internal("read", "layout outside its buffer"));
    }
    let mut out = Vec::new();
    out.try_reserve_exact(size)
        .map_err(|_| Error::OutOfMemory {
            op: "read",
            bytes: size.saturating_mul(std::mem::size_of::<T>()),
        })?;
    out.extend(r.layout.offsets().map(|o| data[o]));
    Ok(Cow::Owned(out))
}

/// A fresh contiguous result of the node's shape filled from `values`.
pub(crate) fn realized_from<T: Element>(
    node: &Node,
    fill: impl FnOnce(&mut [T]) -> Result<()>,
) -> Result<Realized> {
    let layout = Layout::contiguous(node.shape());
    let mut buffer = Buffer::zeros(T::DTYPE, layout.size(), node.op().name())?;
    fill(buffer.as_mut_slice::<T>()?)?;
    Ok(Realized {
        buffer: Arc::new(buffer),
        layout,
    })
}
