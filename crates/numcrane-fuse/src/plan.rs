//! The fusion plan: which nodes become one element-wise loop, and why each loop ends where it
//! does.
//!
//! Walking the graph from its users towards its inputs, every element-wise node that must be
//! materialized (an evaluation root, an input of a non-fusable op, a node with several
//! consumers) becomes the root of a kernel, which absorbs the chain of element-wise ops, views
//! and constants feeding it. What cannot be absorbed becomes a kernel input (a *boundary*),
//! computed by an earlier step. Nodes outside every kernel are computed one at a time by the
//! reference evaluator. The plan is pure data, printed by `Plan::describe`.

use crate::concat::ConcatStep;
use crate::kernel::scalar_bits;
use crate::prologue::Prologues;
use crate::rows::{find_row_chains, RowChain};
use numcrane_graph::node::topo_order;
use numcrane_graph::{Node, NodeRef, Op, Scalar, ViewOp};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fmt::Write;
use std::sync::Arc;

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
    /// It is smaller than its consumer's loop, which broadcasts it: computed there it would
    /// be recomputed for every element it is broadcast to (a column's std in W3).
    Broadcast,
    /// It is a reduction: its consumers need the finished fold (a mean broadcast back over
    /// the rows it reduced cannot be computed in the same pass).
    ReductionResult,
}

/// One step of the plan, in execution order.
#[derive(Clone, Debug)]
pub enum Step {
    /// A fused loop computing `root`.
    Fused(Group),
    /// A node computed alone by the reference evaluator.
    Single {
        /// the node
        node: NodeRef,
        /// why it is not in a loop
        reason: &'static str,
    },
    /// A concatenation whose parts are written straight into its output: fused kernels that
    /// nothing else reads, and copies of other values (see [`crate::concat`]).
    Concat(ConcatStep),
}

/// Nodes that compute the same thing as an earlier node (same op, dtype, shape and inputs):
/// the plan computes the earlier one only. Keyed by the duplicate's id.
pub type Aliases = Arc<HashMap<u64, NodeRef>>;

/// A fused kernel: its root, the nodes computed inside it, and its inputs.
#[derive(Clone, Debug)]
pub struct Group {
    /// The node the kernel materializes.
    pub root: NodeRef,
    /// Why the root is materialized.
    pub why: Boundary,
    /// Ids of the nodes computed inside the loop (the root included).
    pub members: HashSet<u64>,
    /// Members also computed by other kernels (cheap values with several users, recomputed
    /// where used instead of written out and read back).
    pub recomputed: HashSet<u64>,
    /// The nodes read by the loop, each computed by an earlier step or already realized.
    pub boundaries: Vec<NodeRef>,
    /// The plan's common subexpressions: an input of a member found here is read as the
    /// node it maps to.
    pub aliases: Aliases,
    /// The gathers (`Op::Gather`) computed inside the loop as indexed loads (see
    /// [`crate::gather`]); their sources and index arrays are among `boundaries`.
    pub gathers: Vec<NodeRef>,
    /// The matrix product this kernel is the epilogue of (see [`crate::epilogue`]): the step
    /// runs the product's GEMM and applies the kernel to each output tile while it is in
    /// cache. The product is then one of `boundaries`, but no earlier step computes it.
    pub product: Option<Epilogue>,
}

/// A matrix product fused with the element-wise kernel consuming it.
#[derive(Clone, Debug)]
pub struct Epilogue {
    /// The `Op::MatMul` node.
    pub matmul: NodeRef,
    /// Whether the product itself is also an evaluation root (then both are written).
    pub keep: bool,
}

impl Group {
    /// `node`, or the earlier node computing the same thing.
    pub fn resolve(&self, node: &NodeRef) -> NodeRef {
        resolve(&self.aliases, node)
    }
}

fn resolve(aliases: &HashMap<u64, NodeRef>, node: &NodeRef) -> NodeRef {
    aliases.get(&node.id()).unwrap_or(node).clone()
}

/// The steps that realize a set of roots.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Steps in an order where every step's inputs come from earlier steps.
    pub steps: Vec<Step>,
    /// Common subexpressions (see [`Aliases`]); a root found here gets its alias's value.
    pub aliases: Aliases,
    /// Runs of steps executed together by blocks of rows (see [`crate::rows`]).
    pub row_chains: Vec<RowChain>,
    /// Element-wise ops of constants computed inside kernels: lowering computes each once
    /// (constant folding) instead of per element.
    pub folded: Vec<NodeRef>,
    /// Matrix products' operands read scaled while packed, by product (see
    /// [`crate::prologue`]): the kernels that would have materialised them are not steps.
    pub prologues: Prologues,
}

impl Plan {
    /// `node`, or the earlier node computing the same thing.
    pub fn resolve(&self, node: &NodeRef) -> NodeRef {
        resolve(&self.aliases, node)
    }

    /// What the matrix product `m` reads: its operands, each replaced by the unscaled source
    /// when it is read scaled while packed (see [`crate::prologue`]).
    pub fn operand_nodes(&self, m: &NodeRef) -> Vec<NodeRef> {
        let prologues = self.prologues.get(&m.id());
        m.inputs()
            .iter()
            .enumerate()
            .map(
                |(k, i)| match prologues.and_then(|ps| ps.iter().find(|p| p.operand == k)) {
                    Some(p) => p.source.clone(),
                    None => self.resolve(i),
                },
            )
            .collect()
    }

    fn operands(&self, m: &NodeRef) -> Vec<u64> {
        self.operand_nodes(m).iter().map(|n| n.id()).collect()
    }
}

/// The most nodes one recomputed value may have: beyond that, writing it out once is
/// cheaper than computing it in every user.
pub const MAX_RECOMPUTE_NODES: usize = 8;

/// True for ops a fused loop can compute (given the backend's support for the dtypes).
fn fusable_op(op: &Op) -> bool {
    matches!(
        op,
        Op::Cast
            | Op::Unary(_)
            | Op::Binary(_)
            | Op::Where
            | Op::Full(_)
            | Op::View(_)
            | Op::Gather { .. }
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

/// How [`plan_with`] groups nodes into kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanOptions {
    /// Fuse element-wise chains, and the reductions they feed, into one kernel (the default).
    /// False: one kernel per computing op (views and constants are still read in place, as
    /// NumPy's strides and scalars are), no recomputation, no row chains: what evaluating op
    /// by op costs, for measuring what fusion buys.
    pub fuse: bool,
    /// Attach the element-wise consumers of float32/float64 matrix products to the product's
    /// GEMM as an epilogue (see [`crate::epilogue`]). Default: on unless `NUMCRANE_EPILOGUE=0`.
    pub epilogue: bool,
    /// Write the fused kernels computing a concatenation's parts straight into its output
    /// (see [`crate::concat`]). Default: on unless `NUMCRANE_CONCAT=0`.
    pub concat: bool,
    /// Let float32/float64 matrix products read an operand scaled by a constant while packing
    /// it instead of materialising `s * X` (see [`crate::prologue`]). Default: on unless
    /// `NUMCRANE_PROLOGUE=0`.
    pub prologue: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            fuse: true,
            epilogue: crate::epilogue::enabled(),
            concat: crate::concat::enabled(),
            prologue: crate::prologue::enabled(),
        }
    }
}

/// Plans the evaluation of `roots`. `supported(node)` says whether the backend can compute
/// that node in generated code.
pub fn plan(roots: &[NodeRef], supported: &dyn Fn(&Node) -> bool) -> Plan {
    plan_with(roots, supported, PlanOptions::default())
}

/// [`plan`] with `options`.
pub fn plan_with(
    roots: &[NodeRef],
    supported: &dyn Fn(&Node) -> bool,
    options: PlanOptions,
) -> Plan {
    let all = topo_order(roots);
    let aliases = common_subexpressions(&all);
    let order: Vec<NodeRef> = all
        .into_iter()
        .filter(|n| !aliases.contains_key(&n.id()))
        .collect();
    let root_ids: HashSet<u64> = roots.iter().map(|r| resolve(&aliases, r).id()).collect();
    let inputs: HashMap<u64, Vec<NodeRef>> = order
        .iter()
        .map(|n| {
            let ins = n.inputs().iter().map(|i| resolve(&aliases, i)).collect();
            (n.id(), ins)
        })
        .collect();
    // Distinct consumers: `d * d` reads `d` twice but is still its only user, so `d` can be
    // computed inside the same loop (once: lowering shares identical values).
    let mut consumers: HashMap<u64, Vec<u64>> = HashMap::default();
    for n in &order {
        for i in &inputs[&n.id()] {
            let users = consumers.entry(i.id()).or_default();
            if !users.contains(&n.id()) {
                users.push(n.id());
            }
        }
    }
    let uses = |id: u64| consumers.get(&id).map_or(0, |c| c.len());
    let constant = constant_nodes(&order, &inputs);
    // Constant expressions cost nothing per element once folded.
    let computes = |n: &Node| computes(n) && !constant.contains(&n.id());
    // Complex values are lowered to pairs of real ones for the ops `complex::lowerable`
    // names; other complex nodes are steps of their own.
    let computable = |n: &Node| {
        n.realized().is_none() && n.error().is_none() && !unlowered_complex(n) && supported(n)
    };
    let fusable = |n: &Node| computable(n) && fusable_op(n.op());

    // Users before inputs: a node not absorbed by a consumer's kernel by the time it is
    // reached is materialized by its own step, or recomputed inside each user's kernel.
    let mut absorbed: HashSet<u64> = HashSet::default();
    let mut capped: HashSet<u64> = HashSet::default();
    let mut broadcast: HashSet<u64> = HashSet::default();
    let mut groups: HashMap<u64, Group> = HashMap::default();
    // The kernels (by root id) computing each node.
    let mut owners: HashMap<u64, Vec<u64>> = HashMap::default();
    for node in order.iter().rev() {
        if node.realized().is_some() || absorbed.contains(&node.id()) {
            continue;
        }
        let rootable = computable(node) && can_root(node.op());
        // Views and constants with several users are not worth a kernel of their own, but
        // may be recomputed inside their users' kernels.
        let shared_view = fusable(node) && !is_gather(node) && uses(node.id()) > 1;
        if !(rootable || shared_view) {
            continue;
        }
        // The chain this node's kernel would compute: single-use fusable inputs, capped.
        // Computed values smaller than the loop (broadcast into it) are left out: inside it
        // they would be recomputed for every element they are broadcast to.
        let loop_size = iteration_size(node);
        let mut members = [node.id()].into_iter().collect::<HashSet<u64>>();
        let mut chain = vec![node.clone()];
        let mut boundaries = Vec::new();
        let mut stack = vec![node.clone()];
        while let Some(n) = stack.pop() {
            for input in &inputs[&n.id()] {
                if members.contains(&input.id()) {
                    // Read twice (`d * d`): already inside the loop.
                    continue;
                }
                // A fused gather reads its source and index arrays as data (boundaries), and
                // joins only an element-wise loop, read directly by an element-wise op.
                let candidate = fusable(input)
                    && uses(input.id()) == 1
                    && !root_ids.contains(&input.id())
                    && !is_gather(&n)
                    && (!is_gather(input) || crate::gather::joins(&n, node, input));
                let amplified = computes(input) && elements(input) < loop_size;
                if candidate && amplified {
                    broadcast.insert(input.id());
                }
                let could_join = candidate && !amplified;
                let joins = could_join
                    && members.len() < MAX_KERNEL_NODES
                    && (options.fuse || !computes(input));
                if could_join && !joins {
                    capped.insert(input.id());
                }
                if joins {
                    members.insert(input.id());
                    chain.push(input.clone());
                    stack.push(input.clone());
                } else if !boundaries.iter().any(|b: &NodeRef| b.id() == input.id()) {
                    boundaries.push(input.clone());
                }
            }
        }
        let users = consumers.get(&node.id()).cloned().unwrap_or_default();
        if options.fuse && uses(node.id()) > 1 && !root_ids.contains(&node.id()) && fusable(node) {
            let size = node.shape().iter().product::<usize>();
            // What recomputing costs: the chain's ops, constants (folded) not counted.
            let work: Vec<&NodeRef> = chain
                .iter()
                .filter(|n| !constant.contains(&n.id()))
                .collect();
            let chain_costly = work.iter().any(|n| costly(n.op()));
            // A chain with a gather is never recomputed (it could land in a fold's kernel).
            let gathers = chain.iter().any(|n| is_gather(n));
            let recompute = match gathers {
                true => None,
                false => {
                    recompute_into(&users, &owners, work.len(), chain_costly, &boundaries, size)
                }
            };
            if let Some(kernels) = recompute {
                // (Every owner is a planned kernel: groups are inserted before their ids are
                // recorded as owners, and never removed.)
                let fits = kernels.iter().all(|k| {
                    groups.get(k).is_some_and(|g| {
                        g.members.len() + members.len() <= MAX_KERNEL_NODES
                            && !(computes(node) && size < iteration_size(&g.root))
                    })
                });
                if fits {
                    for k in &kernels {
                        let Some(g) = groups.get_mut(k) else { continue };
                        g.boundaries.retain(|b| b.id() != node.id());
                        for b in &boundaries {
                            if !g.boundaries.iter().any(|x| x.id() == b.id()) {
                                g.boundaries.push(b.clone());
                            }
                        }
                        g.members.extend(members.iter().copied());
                        if kernels.len() > 1 {
                            g.recomputed.extend(members.iter().copied());
                        }
                    }
                    for id in &members {
                        absorbed.insert(*id);
                        owners
                            .entry(*id)
                            .or_default()
                            .extend(kernels.iter().copied());
                    }
                    continue;
                }
            }
        }
        if !rootable {
            continue;
        }
        let why = if root_ids.contains(&node.id()) {
            Boundary::Root
        } else if matches!(node.op(), Op::Reduce { .. }) {
            Boundary::ReductionResult
        } else if uses(node.id()) > 1 {
            Boundary::MultipleConsumers
        } else if capped.contains(&node.id()) {
            Boundary::CostCap
        } else if broadcast.contains(&node.id()) {
            Boundary::Broadcast
        } else {
            Boundary::ConsumerOutsideLoop
        };
        for id in &members {
            if *id != node.id() {
                absorbed.insert(*id);
            }
            owners.entry(*id).or_default().push(node.id());
        }
        groups.insert(
            node.id(),
            Group {
                root: node.clone(),
                why,
                members,
                recomputed: HashSet::default(),
                boundaries,
                aliases: aliases.clone(),
                gathers: chain
                    .iter()
                    .filter(|n| matches!(n.op(), Op::Gather { .. }))
                    .cloned()
                    .collect(),
                product: None,
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
    if options.fuse && options.epilogue {
        crate::epilogue::attach(&mut steps, &aliases, &root_ids);
    }
    let prologues = if options.fuse && options.prologue {
        crate::prologue::attach(&mut steps, &aliases, &root_ids)
    } else {
        Prologues::default()
    };
    if options.fuse && options.concat {
        crate::concat::attach(&mut steps, &aliases, &root_ids);
    }
    let row_chains = if options.fuse {
        find_row_chains(&steps)
    } else {
        Vec::new()
    };
    let folded = order
        .iter()
        .filter(|n| constant.contains(&n.id()) && !matches!(n.op(), Op::Full(_) | Op::View(_)))
        .filter(|n| owners.contains_key(&n.id()))
        .cloned()
        .collect();
    Plan {
        steps,
        aliases,
        row_chains,
        folded,
        prologues,
    }
}

/// Nodes whose value is one number known before running: constants, views of them and
/// element-wise ops of them (folded by lowering).
fn constant_nodes(order: &[NodeRef], inputs: &HashMap<u64, Vec<NodeRef>>) -> HashSet<u64> {
    let mut constant: HashSet<u64> = HashSet::default();
    for n in order {
        if n.realized().is_some() || n.error().is_some() {
            continue;
        }
        let folds = match n.op() {
            Op::Full(_) => true,
            Op::View(_) | Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where => inputs
                .get(&n.id())
                .is_some_and(|ins| ins.iter().all(|i| constant.contains(&i.id()))),
            _ => false,
        };
        if folds {
            constant.insert(n.id());
        }
    }
    constant
}

fn elements(n: &Node) -> usize {
    n.shape().iter().product()
}

/// True for nodes that compute values (as opposed to views and constants, which are free
/// inside a loop).
fn computes(n: &Node) -> bool {
    matches!(
        n.op(),
        Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where | Op::Gather { .. }
    )
}

fn is_gather(n: &Node) -> bool {
    matches!(n.op(), Op::Gather { .. })
}

/// The number of elements the loop rooted at `n` runs over: a fold's input, else `n`.
pub(crate) fn iteration_size(n: &NodeRef) -> usize {
    match n.op() {
        Op::Reduce { .. } => n.inputs().first().map_or(0, |i| elements(i)),
        _ => elements(n),
    }
}

/// The kernels to recompute a value in, instead of materializing it: when every user of
/// the value is computed inside a kernel, the value is at most `MAX_RECOMPUTE_NODES` nodes,
/// and reading its full-size inputs once per kernel costs no more passes over memory than
/// writing it once and reading it back in each kernel (softmax's `exp(x - max)` is recomputed
/// in the sum and in the division, reading `x` twice instead of writing and reading `e`
/// three times) — unless it calls costly functions (see `costly`).
fn recompute_into(
    users: &[u64],
    owners: &HashMap<u64, Vec<u64>>,
    chain_nodes: usize,
    chain_costly: bool,
    boundaries: &[NodeRef],
    size: usize,
) -> Option<Vec<u64>> {
    if chain_nodes > MAX_RECOMPUTE_NODES {
        return None;
    }
    let mut kernels: Vec<u64> = Vec::new();
    for u in users {
        for k in owners.get(u)? {
            if !kernels.contains(k) {
                kernels.push(*k);
            }
        }
    }
    let big = boundaries
        .iter()
        .filter(|b| b.shape().iter().product::<usize>() >= size)
        .count();
    let k = kernels.len();
    // Transcendental functions cost more than reading their result back from cache.
    let costly = k > 1 && chain_costly;
    (!costly && big * k <= big + 1 + k).then_some(kernels)
}

/// Ops that cost more per element than writing the value out and reading it back (exp, log,
/// sin, power, ...): values computed with them are not recomputed in several kernels.
fn costly(op: &Op) -> bool {
    use numcrane_graph::{BinaryOp as B, UnaryOp as U};
    match op {
        Op::Unary(u) => !matches!(
            u,
            U::Neg
                | U::Abs
                | U::Sign
                | U::Square
                | U::Reciprocal
                | U::Not
                | U::Invert
                | U::Sqrt
                | U::Floor
                | U::Ceil
                | U::Trunc
                | U::Rint
                | U::Deg2rad
                | U::Rad2deg
                | U::IsNan
                | U::IsInf
                | U::IsFinite
        ),
        Op::Binary(b) => matches!(
            b,
            B::Pow | B::Arctan2 | B::Hypot | B::Logaddexp | B::FloorDiv | B::Rem | B::Fmod
        ),
        _ => false,
    }
}

/// Maps each node that computes the same as an earlier one (same op, dtype, shape and
/// inputs, after mapping the inputs themselves) to that earlier node. Realized and poisoned
/// nodes are never merged.
fn common_subexpressions(order: &[NodeRef]) -> Aliases {
    type Key = (&'static str, Vec<u64>);
    let mut first: HashMap<Key, Vec<NodeRef>> = HashMap::default();
    let mut aliases: HashMap<u64, NodeRef> = HashMap::default();
    for n in order {
        if n.realized().is_some() || n.error().is_some() {
            continue;
        }
        let ins: Vec<u64> = n
            .inputs()
            .iter()
            .map(|i| resolve(&aliases, i).id())
            .collect();
        let candidates = first.entry((n.op().name(), ins)).or_default();
        let same = candidates
            .iter()
            .find(|e| e.dtype() == n.dtype() && e.shape() == n.shape() && same_op(e.op(), n.op()));
        match same {
            Some(earlier) => {
                aliases.insert(n.id(), earlier.clone());
            }
            None => candidates.push(n.clone()),
        }
    }
    Arc::new(aliases)
}

/// Op equality with scalars compared by their bits (a NaN constant equals itself; -0.0 and
/// 0.0 differ).
fn same_op(a: &Op, b: &Op) -> bool {
    let same =
        |x: &Scalar, y: &Scalar| x.dtype() == y.dtype() && scalar_bits(*x) == scalar_bits(*y);
    match (a, b) {
        (Op::Full(x), Op::Full(y)) => same(x, y),
        (
            Op::Arange {
                start: s1,
                step: t1,
            },
            Op::Arange {
                start: s2,
                step: t2,
            },
        ) => same(s1, s2) && same(t1, t2),
        (
            Op::Pad {
                before: b1,
                after: a1,
                value: v1,
            },
            Op::Pad {
                before: b2,
                after: a2,
                value: v2,
            },
        ) => b1 == b2 && a1 == a2 && same(v1, v2),
        _ => a == b,
    }
}

/// True when the node's value or one of its inputs has a complex dtype.
pub fn involves_complex(node: &Node) -> bool {
    node.dtype().is_complex() || node.inputs().iter().any(|i| i.dtype().is_complex())
}

/// True when the node involves a complex dtype with an op that kernels do not compute (see
/// [`crate::complex::lowerable`]): it runs on the reference evaluator.
pub fn unlowered_complex(node: &Node) -> bool {
    involves_complex(node) && !crate::complex::lowerable(node)
}

pub(crate) fn single_reason(node: &Node, fusable: &dyn Fn(&Node) -> bool) -> &'static str {
    // Each reason says where the step runs: natively with the JIT backend's runner, or on the
    // reference evaluator (every runner's fallback).
    if node.error().is_none() && unlowered_complex(node) && !matches!(node.op(), Op::View(_)) {
        return "complex dtype: runs on the reference evaluator (an op kernels do not lower)";
    }
    match node.op() {
        Op::View(ViewOp::Reshape(_)) | Op::View(_) => "view (zero-copy, nothing computed)",
        Op::Full(_) => "constant",
        Op::Reduce { .. } if node.error().is_none() => {
            "no generated code for this reduction (the reference evaluator)"
        }
        Op::ArgReduce { .. } | Op::Scan { .. } => {
            "argmin/argmax/scan (not fused yet: the reference evaluator)"
        }
        Op::Arange { .. } | Op::Pad { .. } => "arange/pad (not fused yet: the reference evaluator)",
        Op::Concat { .. } => "concatenate (the reference evaluator: concatenation fusion is off)",
        Op::Sort { .. } | Op::ArgSort { .. } => {
            "sort/argsort (a native radix sort with the JIT backend, else the reference evaluator)"
        }
        Op::Select { .. } => {
            "select (a native introselect with the JIT backend, else the reference evaluator)"
        }
        Op::Partition { .. } => {
            "partition (introselect per lane, parallel over lanes with the JIT backend)"
        }
        Op::Gather { .. } | Op::Scatter { .. } => {
            "gather/scatter (native with the JIT backend, else the reference evaluator)"
        }
        Op::MatMul => "matmul (a native GEMM with the JIT backend, else the reference evaluator)",
        _ if node.error().is_some() => "poisoned (its error is reported)",
        _ if !fusable(node) => "no generated code for this op/dtype yet (the reference evaluator)",
        _ => "not fusable (the reference evaluator)",
    }
}

impl Plan {
    /// The number of fused kernels (those writing a concatenation's parts included).
    pub fn kernel_count(&self) -> usize {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Fused(_) => 1,
                Step::Concat(c) => c.kernels().count(),
                Step::Single { .. } => 0,
            })
            .sum()
    }

    /// The plan as text: one line per step.
    pub fn describe(&self) -> String {
        self.describe_with(&|_| None)
    }

    /// [`describe`](Self::describe), naming nodes with `label(id)` where it gives a name (for
    /// a listing of the graph next to the plan): each kernel says which nodes it computes and
    /// which it reads.
    pub fn describe_with(&self, label: &dyn Fn(u64) -> Option<String>) -> String {
        let mut out = String::new();
        if !self.aliases.is_empty() {
            let mut merged: Vec<String> = self
                .aliases
                .iter()
                .filter_map(|(dup, first)| {
                    Some(format!("{} = {}", label(*dup)?, label(first.id())?))
                })
                .collect();
            merged.sort();
            let listing = if merged.is_empty() {
                String::new()
            } else {
                format!(": {}", merged.join(", "))
            };
            let _ = writeln!(
                out,
                "{} common subexpressions computed once{listing}",
                self.aliases.len()
            );
        }
        let names = |ids: &mut dyn Iterator<Item = u64>| -> Option<String> {
            let mut v: Vec<String> = ids.map(label).collect::<Option<_>>()?;
            v.sort_by_key(|s| (s.len(), s.clone()));
            Some(v.join(" "))
        };
        if !self.folded.is_empty() {
            let listing = names(&mut self.folded.iter().map(|n| n.id()))
                .map(|l| format!(": {l}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{} constant expressions folded (computed once, not per element){listing}",
                self.folded.len()
            );
        }
        // `into_concat`: the kernel writes a part of a fused concatenation's output.
        let group_text = |g: &Group, into_concat: bool| -> String {
            // A fused product computes the product too, and reads its operands.
            let product = g.product.as_ref().map(|p| &p.matmul);
            let computed: Vec<u64> = g
                .members
                .iter()
                .copied()
                .chain(product.map(|m| m.id()))
                .collect();
            let read: Vec<u64> = g
                .boundaries
                .iter()
                .filter(|b| Some(b.id()) != product.map(|m| m.id()))
                .map(|b| b.id())
                .chain(product.into_iter().flat_map(|m| self.operands(m)))
                .collect();
            let detail = match (
                names(&mut computed.iter().copied()),
                names(&mut read.iter().copied()),
            ) {
                (Some(m), Some(b)) => format!("\n     computes {m}; reads {b}"),
                _ => String::new(),
            };
            let head = match &g.product {
                Some(_) => format!(
                    "matmul + epilogue: {}",
                    crate::epilogue::op_names(g).join(", ")
                ),
                None => format!("kernel {}", g.root.op().name()),
            };
            // Gathers inside the loop are indexed loads: name them.
            let head = match crate::gather::names(g) {
                Some(names) => format!("{head} with fused gathers ({names})"),
                None => head,
            };
            let kept = match &g.product {
                Some(p) if p.keep => ", the product also kept (a root)",
                _ => "",
            };
            let prologue = product
                .and_then(|m| self.prologues.get(&m.id()))
                .map(|p| crate::prologue::describe(p))
                .unwrap_or_default();
            let recomputed = if g.recomputed.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} recomputed: shared with other kernels)",
                    g.recomputed.len()
                )
            };
            let why = if into_concat {
                "written into its slice of the concatenation".to_string()
            } else {
                format!("materialized because {:?}", g.why)
            };
            format!(
                "{head} {:?} {} ops{recomputed}, {} inputs, {why}{kept}{prologue}{detail}",
                g.root.shape(),
                computed.len(),
                read.len(),
            )
        };
        for (i, step) in self.steps.iter().enumerate() {
            if let Some(c) = self.row_chains.iter().find(|c| c.steps.start == i) {
                let _ = writeln!(
                    out,
                    "steps {}-{}: row-fused, run together on blocks of {} of the {} rows (what \
                     one step writes, the next reads from cache)",
                    c.steps.start,
                    c.steps.end - 1,
                    c.block_rows,
                    c.rows
                );
            }
            let _ = match step {
                Step::Fused(g) => writeln!(out, "{i}: {}", group_text(g, false)),
                Step::Concat(c) => {
                    let name = label(c.node.id())
                        .map(|l| format!(" {l}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{i}: {}{name} {:?}: fused, {} of {} parts written in place by their kernels, the others copied",
                        c.summary(),
                        c.node.shape(),
                        c.kernels().count(),
                        c.parts.len()
                    );
                    for (k, g) in c.kernels().enumerate() {
                        let text = group_text(g, true).replace("\n     ", "\n         ");
                        let _ = writeln!(out, "     kernel {k} of the concat: {text}");
                    }
                    Ok(())
                }
                Step::Single { node, reason } => {
                    let name = label(node.id())
                        .map(|l| format!(" {l}"))
                        .unwrap_or_default();
                    let prologue = self
                        .prologues
                        .get(&node.id())
                        .map(|p| crate::prologue::describe(p))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "{i}: {}{name} {:?} as a step of its own: {reason}{prologue}",
                        node.op().name(),
                        node.shape()
                    )
                }
            };
        }
        out
    }
}
