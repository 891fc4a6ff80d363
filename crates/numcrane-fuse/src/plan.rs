//! The fusion plan: which nodes become one element-wise loop, and why each loop ends where it
//! does.
//!
//! Walking the graph from its users towards its inputs, every element-wise node that must be
//! materialized (an evaluation root, an input of a non-fusable op, a node with several
//! consumers) becomes the root of a kernel, which absorbs the chain of element-wise ops, views
//! and constants feeding it. What cannot be absorbed becomes a kernel input (a *boundary*),
//! computed by an earlier step. Nodes outside every kernel are computed one at a time by the
//! reference evaluator. The plan is pure data, printed by `Plan::describe`.

use numcrane_graph::node::topo_order;
use numcrane_graph::{Node, NodeRef, Op, ViewOp};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

/// The most nodes one kernel absorbs: a cost cap, so a 100 000-op chain becomes many bounded
/// kernels instead of one huge function.
pub const MAX_KERNEL_NODES: usize = 64;

/// Why a node is materialized instead of being computed inside its consumer's loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Boundary {
    /// The user asked for this node.
    Root,
    /// More than one node reads it (recomputing could repeat arbitrary work).
    MultipleConsumers,
    /// Its consumer is not an element-wise loop (a reduction's result, an argmin/argmax,
    /// scan or pad input, or a standalone view).
    ConsumerOutsideLoop,
    /// Its consumer's kernel reached `MAX_KERNEL_NODES`.
    CostCap,
    /// It is a reduction: its consumers need the finished fold (a mean broadcast back over
    /// the rows it reduced cannot be computed in the same pass).
    ReductionResult,
}

/// One step of the plan, in execution order.
#[derive(Clone, Debug)]
pub enum Step {
    /// A fused element-wise loop computing `root`.
    Fused(Group),
    /// A node computed alone by the reference evaluator.
    Single {
        /// the node
        node: NodeRef,
        /// why it is not in a loop
        reason: &'static str,
    },
}

/// A fused kernel: its root, the nodes computed inside it, and its inputs.
#[derive(Clone, Debug)]
pub struct Group {
    /// The node the kernel materializes.
    pub root: NodeRef,
    /// Why the root is materialized.
    pub why: Boundary,
    /// Ids of the nodes computed inside the loop (the root included).
    pub members: HashSet<u64>,
    /// The nodes read by the loop, each computed by an earlier step or already realized.
    pub boundaries: Vec<NodeRef>,
}

/// The steps that realize a set of roots.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Steps in an order where every step's inputs come from earlier steps.
    pub steps: Vec<Step>,
}

/// True for ops a fused loop can compute (given the backend's support for the dtypes).
fn fusable_op(op: &Op) -> bool {
    matches!(
        op,
        Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where | Op::Full(_) | Op::View(_)
    )
}

/// True for ops that can be a kernel's root (views and constants alone are cheaper as
/// zero-copy evaluator steps). A reduction is always a root: its loop folds the values of the
/// element-wise chain feeding it, and its consumers read its (smaller) result.
fn can_root(op: &Op) -> bool {
    matches!(
        op,
        Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where | Op::Reduce { .. }
    )
}

/// Plans the evaluation of `roots`. `supported(node)` says whether the backend can compute
/// that element-wise node in generated code.
pub fn plan(roots: &[NodeRef], supported: &dyn Fn(&Node) -> bool) -> Plan {
    let order = topo_order(roots);
    let root_ids: HashSet<u64> = roots.iter().map(|r| r.id()).collect();
    let inputs: HashMap<u64, Vec<NodeRef>> = order.iter().map(|n| (n.id(), n.inputs())).collect();
    // Distinct consumers: `d * d` reads `d` twice but is still its only user, so `d` can be
    // computed inside the same loop (once: lowering shares identical values).
    let mut consumers: HashMap<u64, usize> = HashMap::new();
    for n in &order {
        let mut seen = HashSet::new();
        for i in &inputs[&n.id()] {
            if seen.insert(i.id()) {
                *consumers.entry(i.id()).or_default() += 1;
            }
        }
    }
    let computable = |n: &Node| n.realized().is_none() && n.error().is_none() && supported(n);
    let fusable = |n: &Node| computable(n) && fusable_op(n.op());

    // Users before inputs: a node not absorbed by a consumer's kernel by the time it is
    // reached is materialized by its own step.
    let mut absorbed: HashSet<u64> = HashSet::new();
    let mut capped: HashSet<u64> = HashSet::new();
    let mut groups: HashMap<u64, Group> = HashMap::new();
    for node in order.iter().rev() {
        if node.realized().is_some() || absorbed.contains(&node.id()) {
            continue;
        }
        if !(computable(node) && can_root(node.op())) {
            continue;
        }
        let why = if root_ids.contains(&node.id()) {
            Boundary::Root
        } else if matches!(node.op(), Op::Reduce { .. }) {
            Boundary::ReductionResult
        } else if consumers.get(&node.id()).copied().unwrap_or(0) > 1 {
            Boundary::MultipleConsumers
        } else if capped.contains(&node.id()) {
            Boundary::CostCap
        } else {
            Boundary::ConsumerOutsideLoop
        };
        let mut members = HashSet::from([node.id()]);
        let mut boundaries = Vec::new();
        let mut stack = vec![node.clone()];
        while let Some(n) = stack.pop() {
            for input in &inputs[&n.id()] {
                let single_use = consumers.get(&input.id()).copied().unwrap_or(0) == 1;
                let could_join = fusable(input)
                    && single_use
                    && !root_ids.contains(&input.id())
                    && !members.contains(&input.id());
                let joins = could_join && members.len() < MAX_KERNEL_NODES;
                if could_join && !joins {
                    capped.insert(input.id());
                }
                if joins {
                    members.insert(input.id());
                    absorbed.insert(input.id());
                    stack.push(input.clone());
                } else if !boundaries.iter().any(|b: &NodeRef| b.id() == input.id()) {
                    boundaries.push(input.clone());
                }
            }
        }
        groups.insert(
            node.id(),
            Group {
                root: node.clone(),
                why,
                members,
                boundaries,
            },
        );
    }

    let mut steps = Vec::new();
    for node in &order {
        if node.realized().is_some() || absorbed.contains(&node.id()) {
            continue;
        }
        match groups.remove(&node.id()) {
            Some(g) => steps.push(Step::Fused(g)),
            None => steps.push(Step::Single {
                node: node.clone(),
                reason: single_reason(node, &fusable),
            }),
        }
    }
    Plan { steps }
}

fn single_reason(node: &Node, fusable: &dyn Fn(&Node) -> bool) -> &'static str {
    match node.op() {
        Op::View(ViewOp::Reshape(_)) | Op::View(_) => "view (zero-copy)",
        Op::Full(_) => "constant",
        Op::Reduce { .. } if node.error().is_none() => "no generated code for this reduction",
        Op::ArgReduce { .. } | Op::Scan { .. } => "argmin/argmax/scan (not fused yet)",
        Op::Arange { .. } | Op::Pad { .. } => "arange/pad (not fused yet)",
        _ if node.error().is_some() => "poisoned",
        _ if !fusable(node) => "no generated code for this op/dtype yet",
        _ => "not fusable",
    }
}

impl Plan {
    /// The number of fused kernels.
    pub fn kernel_count(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s, Step::Fused(_)))
            .count()
    }

    /// The plan as text: one line per step.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for (i, step) in self.steps.iter().enumerate() {
            let _ = match step {
                Step::Fused(g) => writeln!(
                    out,
                    "{i}: kernel {} {:?} {} ops, {} inputs, materialized because {:?}",
                    g.root.op().name(),
                    g.root.shape(),
                    g.members.len(),
                    g.boundaries.len(),
                    g.why
                ),
                Step::Single { node, reason } => {
                    writeln!(
                        out,
                        "{i}: {} {:?} on the reference evaluator: {reason}",
                        node.op().name(),
                        node.shape()
                    )
                }
            };
        }
        out
    }
}
