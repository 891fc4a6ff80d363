//! Matrix-product prologues: an operand scaled by a constant is read scaled while the GEMM
//! packs it, instead of being materialised first.
//!
//! `(s * X) @ W` plans as two steps: a kernel writing `s * X` (a full pass over X, written out
//! and read back) and the product. The GEMM copies every element of its operands into packed
//! panels anyway, so it can apply the multiply there ([`numcrane_kernels`]'s `MatRef::scaled`).
//! Here the plan finds such operands ([`attach`]): a fused kernel that only computes `X * s`,
//! `s * X` or `X / s` (s a constant of the product's dtype, X read element for element, not
//! broadcast), read by the product alone and not an evaluation root. Its step is removed and
//! recorded as a [`Prologue`] of the product; the product then reads X, and hands the scale to
//! the runner ([`crate::Runner::matmul_prologue`], or [`crate::TileEpilogue::scales`] when the
//! product also has an epilogue). The packed values are the same IEEE products the kernel
//! would have written, so the result has the same bits. A runner without the capability gets
//! the scaled operand computed by the reference evaluator first ([`materialised`]).
//!
//! Transposed and sliced operands need no prologue: the GEMM packs any strides in place. When
//! X is such a view inside the removed kernel (`(X.T * s) @ W`), the views become steps of
//! their own (zero-copy) and the product reads the view.
//!
//! `NUMCRANE_PROLOGUE=0` turns this off (for comparisons).

use crate::plan::{Group, Step};
use numcrane_graph::eval::compute;
use numcrane_graph::{
    BinaryOp, DType, Layout, Node, NodeRef, Op, Realized, Result, Scalar, SourceLocation,
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fmt;

/// False when `NUMCRANE_PROLOGUE=0`: matrix products then never scale an operand while
/// packing. Read once per process.
pub fn enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("NUMCRANE_PROLOGUE").map_or(true, |v| v != "0"))
}

/// How a product reads one operand: each element multiplied or divided by a constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// The constant, in the product's dtype.
    pub factor: Scalar,
    /// `x / factor` instead of `x * factor`.
    pub divide: bool,
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.divide { "/" } else { "*" };
        write!(f, "{op} {}", self.factor)
    }
}

/// The scales of a product's two operands (None: read as is).
pub type Scales = [Option<Scale>; 2];

/// A scaled operand of a matrix product.
#[derive(Clone, Debug)]
pub struct Prologue {
    /// Which operand (0: the left, 1: the right).
    pub operand: usize,
    /// The node the product reads instead (X of `s * X`).
    pub source: NodeRef,
    /// What is applied to each of its elements.
    pub scale: Scale,
}

/// The prologues of each product that has any, by the product's node id.
pub type Prologues = HashMap<u64, Vec<Prologue>>;

/// The scales of a product's operands given its prologues.
pub fn scales(prologues: &[Prologue]) -> Scales {
    let mut out = [None, None];
    for p in prologues {
        if let Some(slot) = out.get_mut(p.operand) {
            *slot = Some(p.scale);
        }
    }
    out
}

/// What the plan text says about a product's prologues: "; operand 0 read as x * 2 while packed".
pub fn describe(prologues: &[Prologue]) -> String {
    prologues
        .iter()
        .map(|p| {
            format!(
                "; operand {} read scaled while packed (x {}, not materialised)",
                p.operand, p.scale
            )
        })
        .collect()
}

/// Finds the scaled operands of float32/float64 matrix products (see the module doc), removes
/// the steps that would have materialised them and returns them by product.
pub(crate) fn attach(
    steps: &mut Vec<Step>,
    aliases: &HashMap<u64, NodeRef>,
    roots: &HashSet<u64>,
) -> Prologues {
    let resolve = |n: &NodeRef| aliases.get(&n.id()).unwrap_or(n).clone();
    // How many steps read each node.
    let mut readers: HashMap<u64, usize> = HashMap::default();
    for step in steps.iter() {
        let mut reads: Vec<u64> = match step {
            Step::Fused(g) => {
                let mut r: Vec<u64> = g.boundaries.iter().map(|b| b.id()).collect();
                if let Some(p) = &g.product {
                    r.extend(p.matmul.inputs().iter().map(|i| resolve(i).id()));
                }
                r
            }
            Step::Single { node, .. } => node.inputs().iter().map(|n| resolve(n).id()).collect(),
            Step::Concat(c) => c.reads().iter().map(|n| n.id()).collect(),
        };
        reads.sort_unstable();
        reads.dedup();
        for id in reads {
            *readers.entry(id).or_default() += 1;
        }
    }
    // The products and the steps computing values.
    let mut products: Vec<NodeRef> = Vec::new();
    let mut computed_by: HashMap<u64, usize> = HashMap::default();
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Single { node, .. } if matches!(node.op(), Op::MatMul) => {
                products.push(node.clone())
            }
            Step::Fused(g) => {
                if let Some(p) = &g.product {
                    products.push(p.matmul.clone());
                }
                computed_by.insert(g.root.id(), i);
            }
            _ => {}
        }
    }
    let mut found: Prologues = HashMap::default();
    // Each removed kernel's step and the view steps replacing it.
    let mut replaced: Vec<(usize, Vec<Step>)> = Vec::new();
    for m in products {
        if !matches!(m.dtype(), DType::F32 | DType::F64) || m.error().is_some() {
            continue;
        }
        let operands: Vec<NodeRef> = m.inputs().iter().map(&resolve).collect();
        if operands.len() != 2 || operands[0].id() == operands[1].id() {
            continue;
        }
        for (k, operand) in operands.iter().enumerate() {
            let Some(&i) = computed_by.get(&operand.id()) else {
                continue;
            };
            let Step::Fused(g) = &steps[i] else { continue };
            if readers.get(&operand.id()) != Some(&1) || roots.contains(&operand.id()) {
                continue;
            }
            if let Some((source, views, scale)) = scaling(g, m.dtype()) {
                found.entry(m.id()).or_default().push(Prologue {
                    operand: k,
                    source,
                    scale,
                });
                let views = views
                    .into_iter()
                    .rev()
                    .map(|node| Step::Single {
                        reason: crate::plan::single_reason(&node, &|_| true),
                        node,
                    })
                    .collect();
                replaced.push((i, views));
            }
        }
    }
    replaced.sort_unstable_by_key(|(i, _)| *i);
    for (i, views) in replaced.into_iter().rev() {
        steps.splice(i..i + 1, views);
    }
    found
}

/// `(X, views, scale)` when the kernel `g` computes nothing but `X * s`, `s * X` or `X / s`
/// with `s` a constant of `dtype` and X (of `dtype` and the kernel's shape) its only input or
/// views of it (`views`: the view nodes from X down, inside the kernel).
fn scaling(g: &Group, dtype: DType) -> Option<(NodeRef, Vec<NodeRef>, Scale)> {
    let root = &g.root;
    let plain = g.product.is_none() && g.gathers.is_empty();
    let [base] = &g.boundaries[..] else {
        return None;
    };
    if !plain || root.dtype() != dtype || base.dtype() != dtype {
        return None;
    }
    let ins: Vec<NodeRef> = root.inputs().iter().map(|i| g.resolve(i)).collect();
    let [l, r] = &ins[..] else { return None };
    let (x, c, divide) = match root.op() {
        Op::Binary(BinaryOp::Mul) if constant(g, r, dtype).is_some() => (l, r, false),
        Op::Binary(BinaryOp::Mul) if constant(g, l, dtype).is_some() => (r, l, false),
        Op::Binary(BinaryOp::Div) if constant(g, r, dtype).is_some() => (l, r, true),
        _ => return None,
    };
    let (factor, chain) = constant(g, c, dtype)?;
    let views = views_of(g, x, base)?;
    if x.shape() != root.shape() {
        return None;
    }
    // The kernel computes the operation, its constant and the views, nothing else (only the
    // constant may be shared with other kernels).
    let view_ids: Vec<u64> = views.iter().map(|v| v.id()).collect();
    let only = g.members.len() == chain.len() + views.len() + 1
        && g.members.contains(&root.id())
        && chain
            .iter()
            .chain(&view_ids)
            .all(|id| g.members.contains(id))
        && g.recomputed.iter().all(|id| chain.contains(id));
    only.then(|| (x.clone(), views, Scale { factor, divide }))
}

/// The view nodes from `x` down to `base` (empty when `x` is `base`), each a member of `g`;
/// None when something else is on the way.
fn views_of(g: &Group, x: &NodeRef, base: &NodeRef) -> Option<Vec<NodeRef>> {
    let mut views = Vec::new();
    let mut at = x.clone();
    while at.id() != base.id() {
        if !matches!(at.op(), Op::View(_)) || !g.members.contains(&at.id()) {
            return None;
        }
        let next = g.resolve(at.inputs().first()?);
        views.push(at);
        at = next;
    }
    Some(views)
}

/// `x` (an operand of dtype `dtype`) scaled as `scale` says, computed by the reference
/// evaluator: what a runner that cannot scale while packing reads instead.
pub(crate) fn materialised(
    x: &Realized,
    scale: Scale,
    location: SourceLocation,
) -> Result<Realized> {
    let dtype = x.buffer.dtype();
    let shape = x.layout.shape.clone();
    let one = Node::new(Op::Full(scale.factor), vec![], dtype, vec![], location);
    let c = compute(&one, &[])?;
    let c = Realized {
        layout: Layout {
            strides: vec![0; shape.len()],
            shape: shape.clone(),
            offset: c.layout.offset,
        },
        buffer: c.buffer,
    };
    let op = match scale.divide {
        true => BinaryOp::Div,
        false => BinaryOp::Mul,
    };
    let inputs = vec![
        Node::leaf(x.buffer.clone(), x.layout.clone(), location),
        Node::leaf(c.buffer.clone(), c.layout.clone(), location),
    ];
    let node = Node::new(Op::Binary(op), inputs, dtype, shape, location);
    compute(&node, &[x, &c])
}

/// The value of a constant of `dtype` (`Op::Full`, through views that broadcast or reshape
/// it) and the ids of the nodes on the way (as `g` names them: common subexpressions
/// resolved).
fn constant(g: &Group, n: &NodeRef, dtype: DType) -> Option<(Scalar, Vec<u64>)> {
    let mut chain = vec![n.id()];
    let mut at = n.clone();
    loop {
        if at.realized().is_some() {
            return None;
        }
        match at.op() {
            Op::Full(s) if at.dtype() == dtype && s.dtype() == dtype => return Some((*s, chain)),
            Op::View(_) => {
                let next = g.resolve(at.inputs().first()?);
                chain.push(next.id());
                at = next;
            }
            _ => return None,
        }
    }
}
