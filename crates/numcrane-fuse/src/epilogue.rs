//! Matrix-product epilogues: the element-wise kernel consuming a matrix product runs on each
//! tile of the product as the GEMM finishes it, while the tile is still in cache.
//!
//! Without this, `maximum(X @ W + b, 0)` is two steps: the GEMM writes the whole product,
//! then a fused kernel streams it back from memory to add the bias and clamp. Here the plan
//! attaches that kernel to the product ([`attach`], recorded in `Group::product`) and the
//! executor hands both to the runner ([`crate::Runner::matmul_epilogue`]): the runner's GEMM
//! calls the kernel on every finished tile, one row of the tile at a time, at the tile's
//! row/column offsets. The kernel is the same one the unfused plan would run (lowered with
//! [`crate::lower::lower_tiles`], which keeps the product's dimensions instead of merging
//! them), so any element-wise chain whose other inputs are read through any layout (a bias
//! broadcast along rows or columns, a full-size matrix, scalars) fuses, with the same bits per
//! element as the unfused kernel.
//!
//! Only where it is legal: the product is read by that kernel alone (or is also a root: then
//! the product and the kernel's result are both written), the kernel's loop has the product's
//! shape (the product is not broadcast) and reads the product element for element (no
//! transposing or slicing view of it inside the kernel, checked when lowering), and the
//! product is float32 or float64 (the native GEMM's types). Stacks of matrices run one GEMM per
//! matrix, each tile offset by its matrix. A runner without the capability, or a lowering
//! that does not fit, runs the product and the kernel one after the other, as before.
//!
//! `NUMCRANE_EPILOGUE=0` turns attaching off (for comparisons).

use crate::kernel::{ElementwiseKernel, Launch};
use crate::plan::{Epilogue, Group, Step};
use crate::prologue::Scales;
use numcrane_graph::{Buffer, DType, NodeRef, Op, Realized};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// False when `NUMCRANE_EPILOGUE=0`: matrix products then never take an epilogue. Read once
/// per process.
pub fn enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("NUMCRANE_EPILOGUE").map_or(true, |v| v != "0"))
}

/// One epilogue as the runner receives it: the kernel and its launch over the product's
/// whole shape (`[batch..., m, n]`, not collapsed), with the buffers of its inputs. Input
/// `product_input` is the product itself: its buffer here is a stand-in with no elements (the
/// runner reads the tile the GEMM just finished instead) and its layout is the contiguous
/// layout of the product.
pub struct TileEpilogue<'a> {
    /// The element-wise kernel (each input's inner class is that of its launch layout).
    pub kernel: &'a ElementwiseKernel,
    /// The launch over the product's shape.
    pub launch: &'a Launch,
    /// One buffer per kernel input (the product's is a stand-in).
    pub inputs: &'a [&'a Buffer],
    /// Which kernel input is the product.
    pub product_input: usize,
    /// Whether the product must be returned too (it is a root).
    pub keep_product: bool,
    /// How each operand is read: scaled while packed (see [`crate::prologue`]). A runner that
    /// cannot apply them returns None.
    pub scales: Scales,
}

/// What a runner's fused product returns: the kernel's result (contiguous, the product's
/// shape, the kernel's dtype) and, when asked to keep it, the product.
pub struct EpilogueResult {
    /// The epilogue's output.
    pub out: Realized,
    /// The product, when `keep_product` was set.
    pub product: Option<Realized>,
}

/// The names of the ops the epilogue kernel computes (views and constants left out), inputs
/// first: "add, maximum" for `maximum(X @ W + b, 0)`.
pub fn op_names(g: &Group) -> Vec<&'static str> {
    members(g)
        .iter()
        .filter(|n| matches!(n.op(), Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where))
        .map(|n| n.op().name())
        .collect()
}

/// Attaches each float32/float64 matrix product computed by a step of its own to the fused
/// kernel consuming it, where legal (see the module doc): the product's step is removed and
/// the kernel's group records it in `product`.
pub(crate) fn attach(steps: &mut Vec<Step>, aliases: &HashMap<u64, NodeRef>, roots: &HashSet<u64>) {
    // Which steps read each node.
    let mut readers: HashMap<u64, Vec<usize>> = HashMap::default();
    for (i, step) in steps.iter().enumerate() {
        let reads: Vec<u64> = match step {
            Step::Fused(g) => g.boundaries.iter().map(|b| b.id()).collect(),
            Step::Single { node, .. } => node
                .inputs()
                .iter()
                .map(|n| aliases.get(&n.id()).unwrap_or(n).id())
                .collect(),
            Step::Concat(c) => c.reads().iter().map(|n| n.id()).collect(),
        };
        for id in reads {
            let r = readers.entry(id).or_default();
            if !r.contains(&i) {
                r.push(i);
            }
        }
    }
    let mut removed: Vec<usize> = Vec::new();
    for i in 0..steps.len() {
        let Step::Single { node, .. } = &steps[i] else {
            continue;
        };
        let m = node.clone();
        let float = matches!(m.dtype(), DType::F32 | DType::F64);
        if !matches!(m.op(), Op::MatMul) || !float || m.error().is_some() || m.shape().len() < 2 {
            continue;
        }
        let Some([reader]) = readers.get(&m.id()).map(|r| &r[..]) else {
            continue;
        };
        let Some(Step::Fused(g)) = steps.get_mut(*reader) else {
            continue;
        };
        let elementwise = matches!(
            g.root.op(),
            Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where
        );
        // A kernel with fused gathers runs as a launch of its own (see `crate::gather`); so
        // does one with a complex result (tiles are written as elements of the product's
        // real dtype).
        if !elementwise
            || !g.gathers.is_empty()
            || g.root.dtype().is_complex()
            || g.root.shape() != m.shape()
            || g.product.is_some()
            || !reads_elementwise(g, &m)
        {
            continue;
        }
        g.product = Some(Epilogue {
            keep: roots.contains(&m.id()),
            matmul: m,
        });
        removed.push(i);
    }
    for i in removed.into_iter().rev() {
        steps.remove(i);
    }
}

/// The group's members (nodes computed inside its loop), each after its inputs.
fn members(g: &Group) -> Vec<NodeRef> {
    let mut out = Vec::new();
    let mut stack = vec![(g.root.clone(), false)];
    let mut seen: HashSet<u64> = HashSet::default();
    while let Some((n, expanded)) = stack.pop() {
        if expanded {
            out.push(n);
            continue;
        }
        if !g.members.contains(&n.id()) || !seen.insert(n.id()) {
            continue;
        }
        let inputs: Vec<NodeRef> = n.inputs().iter().map(|i| g.resolve(i)).collect();
        stack.push((n, true));
        // Reversed so the first input is visited (and listed) first.
        stack.extend(inputs.into_iter().rev().map(|i| (i, false)));
    }
    out
}

/// True when every member reading `m` is an element-wise op of `m`'s shape: the loop reads
/// the product element for element, never through a view (a transpose, a broadcast) that
/// would need elements of other tiles.
fn reads_elementwise(g: &Group, m: &NodeRef) -> bool {
    members(g).iter().all(|n| {
        let reads = n.inputs().iter().any(|i| g.resolve(i).id() == m.id());
        !reads
            || (matches!(n.op(), Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where)
                && n.shape() == m.shape())
    })
}

#[cfg(test)]
mod tests {
    use crate::plan::{plan_with, PlanOptions, Step};
    use numcrane_graph::error::SourceLocation;
    use numcrane_graph::{
        BinaryOp, Buffer, DType, Layout, Node, NodeRef, Op, ReduceOp, Scalar, ViewOp,
    };
    use std::sync::Arc;

    fn leaf(shape: &[usize], dtype: DType) -> NodeRef {
        let n: usize = shape.iter().product();
        let buffer = Buffer::zeros(dtype, n, "test").unwrap();
        Node::leaf(
            Arc::new(buffer),
            Layout::contiguous(shape),
            SourceLocation::caller(),
        )
    }

    fn node(op: Op, inputs: Vec<NodeRef>, dtype: DType, shape: &[usize]) -> NodeRef {
        Node::new(op, inputs, dtype, shape.to_vec(), SourceLocation::caller())
    }

    /// `maximum(x @ w + b, 0)` with a full-size `b`: (product, result).
    fn bias_relu(dtype: DType) -> (NodeRef, NodeRef) {
        let (x, w, b) = (
            leaf(&[3, 4], dtype),
            leaf(&[4, 5], dtype),
            leaf(&[3, 5], dtype),
        );
        let p = node(Op::MatMul, vec![x, w], dtype, &[3, 5]);
        let sum = node(
            Op::Binary(BinaryOp::Add),
            vec![p.clone(), b],
            dtype,
            &[3, 5],
        );
        let zero = node(
            Op::Full(Scalar::F64(0.0).cast(dtype)),
            vec![],
            dtype,
            &[3, 5],
        );
        let y = node(
            Op::Binary(BinaryOp::Maximum),
            vec![sum, zero],
            dtype,
            &[3, 5],
        );
        (p, y)
    }

    fn on() -> PlanOptions {
        PlanOptions {
            fuse: true,
            epilogue: true,
            concat: true,
            prologue: true,
        }
    }

    fn products(steps: &[Step]) -> Vec<bool> {
        steps
            .iter()
            .filter_map(|s| match s {
                Step::Fused(g) => g.product.as_ref().map(|p| p.keep),
                Step::Single { .. } | Step::Concat(_) => None,
            })
            .collect()
    }

    #[test]
    fn bias_relu_is_one_step() {
        for dtype in [DType::F32, DType::F64] {
            let (_, y) = bias_relu(dtype);
            let p = plan_with(std::slice::from_ref(&y), &|_| true, on());
            assert_eq!(p.steps.len(), 1, "{}", p.describe());
            assert_eq!(products(&p.steps), vec![false]);
            assert!(
                p.describe()
                    .contains("0: matmul + epilogue: add, maximum [3, 5]"),
                "{}",
                p.describe()
            );
            let off = PlanOptions {
                epilogue: false,
                ..on()
            };
            let p = plan_with(std::slice::from_ref(&y), &|_| true, off);
            assert_eq!(p.steps.len(), 2, "{}", p.describe());
            assert!(products(&p.steps).is_empty());
        }
    }

    #[test]
    fn a_product_that_is_a_root_is_kept() {
        let (prod, y) = bias_relu(DType::F32);
        let p = plan_with(&[prod, y], &|_| true, on());
        assert_eq!(products(&p.steps), vec![true], "{}", p.describe());
        assert!(
            p.describe().contains("product also kept"),
            "{}",
            p.describe()
        );
    }

    #[test]
    fn illegal_epilogues_are_not_attached() {
        // Integer products have no native GEMM.
        let (_, y) = bias_relu(DType::I32);
        let p = plan_with(std::slice::from_ref(&y), &|_| true, on());
        assert!(products(&p.steps).is_empty(), "{}", p.describe());
        // Read by a second kernel (a sum).
        let (prod, y) = bias_relu(DType::F32);
        let total = node(
            Op::Reduce {
                op: ReduceOp::Sum,
                axes: vec![0, 1],
                keepdims: false,
            },
            vec![prod],
            DType::F32,
            &[],
        );
        let p = plan_with(&[y, total], &|_| true, on());
        assert!(products(&p.steps).is_empty(), "{}", p.describe());
        // Read through a transpose inside the kernel.
        let (x, w) = (leaf(&[4, 4], DType::F32), leaf(&[4, 4], DType::F32));
        let prod = node(Op::MatMul, vec![x, w.clone()], DType::F32, &[4, 4]);
        let t = node(
            Op::View(ViewOp::Permute(vec![1, 0])),
            vec![prod],
            DType::F32,
            &[4, 4],
        );
        let y = node(Op::Binary(BinaryOp::Add), vec![t, w], DType::F32, &[4, 4]);
        let p = plan_with(std::slice::from_ref(&y), &|_| true, on());
        assert!(products(&p.steps).is_empty(), "{}", p.describe());
        // Broadcast into a larger loop.
        let (x, v) = (leaf(&[4, 3], DType::F32), leaf(&[3, 1], DType::F32));
        let col = node(Op::MatMul, vec![x, v], DType::F32, &[4, 1]);
        let wide = node(
            Op::View(ViewOp::Broadcast(vec![4, 6])),
            vec![col],
            DType::F32,
            &[4, 6],
        );
        let y = node(
            Op::Binary(BinaryOp::Add),
            vec![wide, leaf(&[4, 6], DType::F32)],
            DType::F32,
            &[4, 6],
        );
        let p = plan_with(std::slice::from_ref(&y), &|_| true, on());
        assert!(products(&p.steps).is_empty(), "{}", p.describe());
    }

    #[test]
    fn runners_without_a_fused_gemm_run_it_unfused() {
        // The interpreter has no `matmul_epilogue`: the executor computes the product on the
        // evaluator, then the kernel, with the evaluator's answer.
        let x = Arc::new(Buffer::from_slice(&[1.0f64, -2.0, 3.0, 0.5, 4.0, -1.0]).unwrap());
        let loc = SourceLocation::caller();
        let x = Node::leaf(x, Layout::contiguous(&[2, 3]), loc);
        let w = Arc::new(Buffer::from_slice(&[1.0f64, 2.0, 0.0, -1.0, 3.0, 1.0]).unwrap());
        let w = Node::leaf(w, Layout::contiguous(&[3, 2]), loc);
        let prod = node(Op::MatMul, vec![x, w], DType::F64, &[2, 2]);
        let b = Arc::new(Buffer::from_slice(&[0.5f64, 1.0]).unwrap());
        let b = Node::leaf(b, Layout::contiguous(&[1, 2]).broadcast_to(&[2, 2]), loc);
        let sum = node(
            Op::Binary(BinaryOp::Add),
            vec![prod.clone(), b],
            DType::F64,
            &[2, 2],
        );
        let zero = node(Op::Full(Scalar::F64(0.0)), vec![], DType::F64, &[2, 2]);
        let y = node(
            Op::Binary(BinaryOp::Maximum),
            vec![sum, zero],
            DType::F64,
            &[2, 2],
        );
        let roots = [prod.clone(), y.clone()];
        let p = plan_with(&roots, &|_| true, on());
        assert_eq!(products(&p.steps), vec![true], "{}", p.describe());
        crate::execute(&roots, &p, &crate::interpret::interpret).unwrap();
        let values = |n: &NodeRef| -> Vec<f64> {
            numcrane_graph::eval::values::<f64>(n.realized().unwrap())
                .unwrap()
                .into_owned()
        };
        // x @ w = [[1 + 0 + 9, 2 + 2 + 3], [0.5 + 0 - 3, 1 - 4 - 1]] = [[10, 7], [-2.5, -4]]
        assert_eq!(values(&prod), vec![10.0, 7.0, -2.5, -4.0]);
        assert_eq!(values(&y), vec![10.5, 8.0, 0.0, 0.0]);
    }
}
