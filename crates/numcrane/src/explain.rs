//! `Array::explain`: what was recorded (the graph, with where each node was created) and what
//! it will be compiled into (the fusion plan, naming the nodes each kernel computes and reads).

use crate::backend;
use numcrane_graph::node::topo_order;
use numcrane_graph::{NodeRef, Op, ViewOp};
use std::collections::HashMap;
use std::fmt::Write;

/// The graph reachable from `roots` (inputs first, `%k` labels) followed by its plan.
pub(crate) fn explain(roots: &[NodeRef]) -> String {
    let order = topo_order(roots);
    let labels: HashMap<u64, usize> = order.iter().enumerate().map(|(i, n)| (n.id(), i)).collect();
    let label = |id: u64| labels.get(&id).map(|i| format!("%{i}"));
    let mut out = format!("graph ({} nodes, inputs first):\n", order.len());
    for (i, n) in order.iter().enumerate() {
        let ty = format!("{}{:?}", n.dtype(), n.shape());
        let line = if n.realized().is_some() {
            format!("%{i} = data {ty}")
        } else {
            let args: Vec<String> = n.inputs().iter().filter_map(|x| label(x.id())).collect();
            format!(
                "%{i} = {}({}) -> {ty}",
                describe_op(n.op()),
                args.join(", ")
            )
        };
        let status = match n.error() {
            Some(e) => format!("  [error: {e}]"),
            None => String::new(),
        };
        let _ = writeln!(out, "  {line:<56} at {}{status}", n.location());
    }
    out.push_str("plan:\n");
    out.push_str(&backend::plan_with_labels(roots, &label));
    out
}

/// An op with its parameters, NumPy-style.
fn describe_op(op: &Op) -> String {
    match op {
        Op::Full(s) => format!("full {s}"),
        Op::Arange { start, step } => format!("arange start={start} step={step}"),
        Op::Reduce { op, axes, keepdims } => {
            let keep = if *keepdims { ", keepdims" } else { "" };
            format!("{} axes={axes:?}{keep}", op.name())
        }
        Op::ArgReduce { op, axis } => format!("{} axis={axis}", op.name()),
        Op::Scan { op, axis } => format!("{} axis={axis}", op.name()),
        Op::View(v) => match v {
            ViewOp::Reshape(s) => format!("reshape {s:?}"),
            ViewOp::Permute(a) => format!("transpose {a:?}"),
            ViewOp::Broadcast(s) => format!("broadcast_to {s:?}"),
            ViewOp::Slice(specs) => {
                let parts: Vec<String> = specs
                    .iter()
                    .map(|(start, step, len)| format!("{start}:{step}:{len}"))
                    .collect();
                format!("slice [{}] (start:step:len)", parts.join(", "))
            }
            ViewOp::Diagonal(k) => format!("diagonal k={k}"),
        },
        Op::Pad {
            before,
            after,
            value,
        } => format!("pad before={before:?} after={after:?} value={value}"),
        Op::Concat { axis } => format!("concatenate axis={axis}"),
        Op::Sort { axis } => format!("sort axis={axis}"),
        Op::ArgSort { axis } => format!("argsort axis={axis}"),
        Op::Select { axis, positions } => format!("select axis={axis} positions={positions:?}"),
        Op::Partition { axis, kth, arg } => {
            let name = if *arg { "argpartition" } else { "partition" };
            format!("{name} axis={axis} kth={kth:?}")
        }
        Op::Gather {
            name,
            axes,
            at,
            mode,
        } => {
            format!("gather ({name}) axes={axes:?} at={at} mode={}", mode.name())
        }
        Op::Scatter { op } => format!("scatter {}", op.name()),
        other => other.name().to_string(),
    }
}

/// An op with its parameters, as the graph listing writes it (for other drawings of it).
pub(crate) fn op_text(op: &Op) -> String {
    describe_op(op)
}

/// [`explain`] with each node's creation site given by `site(id)` where it names one, in
/// place of the Rust source location.
pub(crate) fn explain_with_sites(
    roots: &[NodeRef],
    site: &dyn Fn(u64) -> Option<String>,
) -> String {
    let order = topo_order(roots);
    let labels: HashMap<u64, usize> = order.iter().enumerate().map(|(i, n)| (n.id(), i)).collect();
    let label = |id: u64| labels.get(&id).map(|i| format!("%{i}"));
    let mut out = format!("graph ({} nodes, inputs first):\n", order.len());
    for (i, n) in order.iter().enumerate() {
        let ty = format!("{}{:?}", n.dtype(), n.shape());
        let line = if n.realized().is_some() {
            format!("%{i} = data {ty}")
        } else {
            let args: Vec<String> = n.inputs().iter().filter_map(|x| label(x.id())).collect();
            format!(
                "%{i} = {}({}) -> {ty}",
                describe_op(n.op()),
                args.join(", ")
            )
        };
        let status = match n.error() {
            Some(e) => format!("  [error: {e}]"),
            None => String::new(),
        };
        let at = site(n.id()).unwrap_or_else(|| n.location().to_string());
        let _ = writeln!(out, "  {line:<56} at {at}{status}");
    }
    out.push_str("plan:\n");
    out.push_str(&backend::plan_with_labels(roots, &label));
    out
}

impl crate::Array {
    /// [`explain`](crate::Array::explain) with each node's creation site named by
    /// `site(node id)` where it gives one: tools that build arrays for users (the `numcrane`
    /// command) name the part of the user's expression instead of their own source lines.
    /// Ids are those of `node().id()`.
    #[doc(hidden)]
    pub fn explain_with_sites(&self, site: &dyn Fn(u64) -> Option<String>) -> String {
        explain_with_sites(std::slice::from_ref(&self.node), site)
    }
}
