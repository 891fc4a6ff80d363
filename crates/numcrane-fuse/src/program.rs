//! Replaying plans: a graph evaluated again with the same structure skips planning and
//! lowering.
//!
//! A loop like `for _ in 0..n { (&a + &b).eval() }` builds a new graph each time, and for small
//! arrays planning and lowering it costs more than running the kernel. [`Programs`] keys what
//! one execution did by the graph's *signature*: every node reachable from the roots, in
//! topological order, with its op, dtype, shape and input positions, and for realized nodes
//! their layout and which of them share a buffer. Two graphs with equal signatures get the same
//! plan, the same kernels and the same launches (lowering depends on nothing else), so the
//! recorded [`Program`] (steps by node position, kernels with their launches) runs the new graph
//! with its own buffers. Kernels still go through the runner, which validates every launch
//! against its buffers, and any failure falls back to planning from scratch.

use crate::concat::{run_concat, PartPlan};
use crate::epilogue::TileEpilogue;
use crate::execute::{
    check_epilogue_result, compute_single, execute_recorded, stand_in, KernelRunner,
};
use crate::kernel::{scalar_bits, ElementwiseKernel, Launch};
use crate::plan::{plan_with, PlanOptions};
use crate::prologue::Scales;
use crate::rows::RowSchedule;
use numcrane_graph::node::topo_order;
use numcrane_graph::{Buffer, Error, Layout, Node, NodeRef, Op, Realized, Result, Scalar, ViewOp};
use rustc_hash::FxHashMap as HashMap;
use smallvec::SmallVec;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The most programs a cache keeps (it is emptied when full).
pub const CAPACITY: usize = 256;

/// One recorded step, by node position in topological order.
#[derive(Debug)]
pub(crate) enum ProgramStep {
    /// `compute(node)` on the reference evaluator, from the values at `inputs`.
    Single { node: usize, inputs: Vec<usize> },
    /// A matrix product reading the values at `operands` scaled as `scales` says while packed
    /// (see [`crate::prologue`]).
    Scaled {
        node: usize,
        operands: Vec<usize>,
        scales: Scales,
    },
    /// A kernel run writing the value of `node`, reading the values at `sources`.
    Fused {
        node: usize,
        kernel: ElementwiseKernel,
        launch: Launch,
        sources: Vec<usize>,
    },
    /// A matrix product (`matmul`, from the values at `operands`) with its epilogue kernel
    /// applied to each tile, writing the value of `node` (and of `matmul` when `keep`); the
    /// kernel reads the values at `sources`, the product at `product_input` (see
    /// [`crate::epilogue`]).
    Epilogue {
        node: usize,
        matmul: usize,
        keep: bool,
        operands: Vec<usize>,
        kernel: ElementwiseKernel,
        launch: Launch,
        product_input: usize,
        sources: Vec<usize>,
        scales: Scales,
    },
    /// A fused concatenation writing the value of `node` along `axis`, each part run as
    /// recorded (see [`crate::concat`]).
    Concat {
        node: usize,
        axis: usize,
        parts: Vec<PartPlan<usize>>,
    },
    /// A row-fused schedule writing the kept results of the steps at `nodes` (one position
    /// per schedule step), reading the values at `outside`.
    Rows {
        nodes: Vec<usize>,
        schedule: RowSchedule,
        outside: Vec<usize>,
    },
}

/// What one execution did, replayable on any graph with the same signature.
#[derive(Debug, Default)]
pub struct Program {
    pub(crate) steps: Vec<ProgramStep>,
    /// Positions whose values are dropped after each step (their last use).
    pub(crate) free_after: Vec<Vec<usize>>,
    /// Per root (in the order given), the position holding its value.
    pub(crate) roots: Vec<usize>,
}

impl Program {
    /// Computes `free_after` from the steps: each position is dropped after its last use,
    /// except the roots' values.
    pub(crate) fn finish(&mut self) {
        let mut last: HashMap<usize, usize> = HashMap::default();
        for (i, step) in self.steps.iter().enumerate() {
            let inputs: Vec<usize> = match step {
                ProgramStep::Single { inputs, .. } => inputs.clone(),
                ProgramStep::Scaled { operands, .. } => operands.clone(),
                ProgramStep::Fused { sources, .. } => sources.clone(),
                ProgramStep::Rows { outside, .. } => outside.clone(),
                ProgramStep::Concat { parts, .. } => {
                    parts.iter().flat_map(|p| p.sources()).collect()
                }
                ProgramStep::Epilogue {
                    operands,
                    sources,
                    matmul,
                    ..
                } => operands
                    .iter()
                    .chain(sources.iter().filter(|&p| p != matmul))
                    .copied()
                    .collect(),
            };
            for p in inputs {
                last.insert(p, i);
            }
        }
        self.free_after = vec![Vec::new(); self.steps.len()];
        for (p, i) in last {
            if !self.roots.contains(&p) {
                self.free_after[i].push(p);
            }
        }
    }
}

/// A bounded, thread-safe cache of programs by graph signature.
#[derive(Default)]
pub struct Programs {
    map: Mutex<HashMap<Vec<u64>, Arc<Program>>>,
    replays: AtomicUsize,
}

impl Programs {
    /// An empty cache.
    pub fn new() -> Programs {
        Programs::default()
    }

    fn get(&self, signature: &[u64]) -> Option<Arc<Program>> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(signature).cloned()
    }

    fn insert(&self, signature: Vec<u64>, program: Program) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(signature, Arc::new(program));
    }

    /// How many programs the cache holds.
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// How many evaluations replayed a cached program.
    pub fn replays(&self) -> usize {
        self.replays.load(Ordering::Relaxed)
    }

    /// True when the cache holds no program.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Evaluates `roots` like `execute(roots, &plan(roots, supported), run)`, replaying a cached
/// program when the graph's signature has been seen, and caching the program otherwise.
pub fn run_cached(
    roots: &[NodeRef],
    programs: &Programs,
    supported: &dyn Fn(&Node) -> bool,
    run: KernelRunner<'_>,
) -> Result<()> {
    run_cached_with(roots, programs, supported, run, PlanOptions::default())
}

/// [`run_cached`] planning with `options` (a cache should be used with one set of options
/// only: programs are keyed by the graph alone).
pub fn run_cached_with(
    roots: &[NodeRef],
    programs: &Programs,
    supported: &dyn Fn(&Node) -> bool,
    run: KernelRunner<'_>,
    options: PlanOptions,
) -> Result<()> {
    if let Some(err) = roots.iter().find_map(|r| r.error()) {
        return Err(err.clone());
    }
    let order = topo_order(roots);
    let signature = signature(&order, roots);
    if let Some(sig) = &signature {
        if let Some(program) = programs.get(sig) {
            if replay(&program, &order, roots, run).is_ok() {
                programs.replays.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
        }
    }
    let plan = plan_with(roots, supported, options);
    let program = execute_recorded(roots, &plan, run, &order)?;
    if let (Some(sig), Some(program)) = (signature, program) {
        programs.insert(sig, program);
    }
    Ok(())
}

/// Runs `program` on the graph whose topological order is `order`. Any failure (a kernel the
/// runner refuses, an evaluator error) is returned; the caller then plans from scratch, which
/// reports genuine errors as usual.
fn replay(
    program: &Program,
    order: &[NodeRef],
    roots: &[NodeRef],
    run: KernelRunner<'_>,
) -> Result<()> {
    let mut values: SmallVec<[Option<Realized>; 16]> = smallvec::smallvec![None; order.len()];
    let value = |values: &[Option<Realized>], pos: usize| -> Result<Realized> {
        order[pos]
            .realized()
            .cloned()
            .or_else(|| values[pos].clone())
            .ok_or_else(|| Error::internal("replay", "a step's input is not computed"))
    };
    // Kernels need only the buffers (their launches hold the layouts): no layout copies.
    let buffer = |values: &[Option<Realized>], pos: usize| -> Result<Arc<Buffer>> {
        order[pos]
            .realized()
            .map(|r| r.buffer.clone())
            .or_else(|| values[pos].as_ref().map(|r| r.buffer.clone()))
            .ok_or_else(|| Error::internal("replay", "a step's input is not computed"))
    };
    for (step, free) in program.steps.iter().zip(&program.free_after) {
        let (pos, result) = match step {
            ProgramStep::Rows {
                nodes,
                schedule,
                outside,
            } => {
                let args: SmallVec<[Arc<Buffer>; 8]> = outside
                    .iter()
                    .map(|&i| buffer(&values, i))
                    .collect::<Result<_>>()?;
                let buffers: SmallVec<[&Buffer; 8]> = args.iter().map(|b| b.as_ref()).collect();
                let results = schedule.run(&buffers, run)?;
                for (&pos, result) in nodes.iter().zip(results) {
                    if let Some(buffer) = result {
                        let layout = Layout::contiguous(order[pos].shape());
                        if layout.size() != buffer.len() {
                            return Err(Error::internal("replay", "a row result of another size"));
                        }
                        values[pos] = Some(Realized {
                            buffer: Arc::new(buffer),
                            layout,
                        });
                    }
                }
                for &f in free {
                    values[f] = None;
                }
                continue;
            }
            ProgramStep::Epilogue {
                node,
                matmul,
                keep,
                operands,
                kernel,
                launch,
                product_input,
                sources,
                scales,
            } => {
                let m = &order[*matmul];
                let args: Vec<Realized> = operands
                    .iter()
                    .map(|&i| value(&values, i))
                    .collect::<Result<_>>()?;
                let refs: Vec<&Realized> = args.iter().collect();
                let product = stand_in(m)?;
                let buffers: SmallVec<[Arc<Buffer>; 8]> = sources
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| match k == *product_input {
                        true => Ok(product.buffer.clone()),
                        false => buffer(&values, i),
                    })
                    .collect::<Result<_>>()?;
                let inputs: SmallVec<[&Buffer; 8]> = buffers.iter().map(|b| b.as_ref()).collect();
                let epilogue = TileEpilogue {
                    kernel,
                    launch,
                    inputs: &inputs,
                    product_input: *product_input,
                    keep_product: *keep,
                    scales: *scales,
                };
                let result = run.matmul_epilogue(m, &refs, &epilogue).ok_or_else(|| {
                    Error::internal("replay", "the runner has no fused product")
                })??;
                check_epilogue_result(&order[*node], m, *keep, &result)?;
                if let Some(p) = result.product {
                    values[*matmul] = Some(p);
                }
                (*node, result.out)
            }
            ProgramStep::Concat { node, axis, parts } => {
                let value_of = |pos: usize| value(&values, pos);
                let buffer_of = |pos: usize| buffer(&values, pos);
                let n = &order[*node];
                (
                    *node,
                    run_concat(n, *axis, parts, &buffer_of, &value_of, run)?,
                )
            }
            ProgramStep::Scaled {
                node,
                operands,
                scales,
            } => {
                let args: Vec<Realized> = operands
                    .iter()
                    .map(|&i| value(&values, i))
                    .collect::<Result<_>>()?;
                let refs: Vec<&Realized> = args.iter().collect();
                let result = run
                    .matmul_prologue(&order[*node], &refs, scales)
                    .ok_or_else(|| {
                        Error::internal("replay", "the runner has no scaled product")
                    })??;
                (*node, result)
            }
            ProgramStep::Single { node, inputs } => {
                let args: Vec<Realized> = inputs
                    .iter()
                    .map(|&i| value(&values, i))
                    .collect::<Result<_>>()?;
                let refs: Vec<&Realized> = args.iter().collect();
                (*node, compute_single(&order[*node], &refs, run)?)
            }
            ProgramStep::Fused {
                node,
                kernel,
                launch,
                sources,
            } => {
                let args: SmallVec<[Arc<Buffer>; 8]> = sources
                    .iter()
                    .map(|&i| buffer(&values, i))
                    .collect::<Result<_>>()?;
                let buffers: SmallVec<[&Buffer; 8]> = args.iter().map(|b| b.as_ref()).collect();
                let n = &order[*node];
                let layout = Layout::contiguous(n.shape());
                if launch.out_offset != 0 || launch.output_len(kernel) != Some(layout.size()) {
                    return Err(Error::internal(
                        "replay",
                        "a launch not covering its output",
                    ));
                }
                // SAFETY: the runner returns Ok only after writing every element of the
                // launch's output range, which is all of `out` (checked above); on Err `out`
                // is dropped unread.
                let mut out = unsafe {
                    Buffer::for_overwrite(kernel.out_dtype(), layout.size(), n.op().name())?
                };
                run.kernel(kernel, launch, &buffers, out.slot())?;
                (
                    *node,
                    Realized {
                        buffer: Arc::new(out),
                        layout,
                    },
                )
            }
        };
        values[pos] = Some(result);
        for &f in free {
            values[f] = None;
        }
    }
    for (i, (root, &pos)) in roots.iter().zip(&program.roots).enumerate() {
        if root.realized().is_none() {
            // Moved out unless a later root reads the same value (a copy costs allocations).
            let shared = program.roots[i + 1..].contains(&pos);
            let result = match values[pos].take() {
                Some(v) if shared => {
                    values[pos] = Some(v.clone());
                    v
                }
                Some(v) => v,
                None => value(&values, pos)?,
            };
            root.set_realized(result);
        }
    }
    Ok(())
}

/// The graph's signature (see the module doc), or None when it cannot be cached (a poisoned
/// node).
fn signature(order: &[NodeRef], roots: &[NodeRef]) -> Option<Vec<u64>> {
    // Small graphs (the per-call case) look positions up by a scan: cheaper than hashing.
    let small = order.len() <= 32;
    let mut pos: HashMap<u64, usize> = HashMap::default();
    if !small {
        pos.reserve(order.len());
    }
    let position = |pos: &HashMap<u64, usize>, id: u64| -> Option<usize> {
        if small {
            order.iter().position(|n| n.id() == id)
        } else {
            pos.get(&id).copied()
        }
    };
    let mut buffers: SmallVec<[(*const Buffer, usize); 8]> = SmallVec::new();
    let mut sig: Vec<u64> = Vec::with_capacity(order.len() * 8);
    for (i, n) in order.iter().enumerate() {
        if !small {
            pos.insert(n.id(), i);
        }
        if n.error().is_some() {
            return None;
        }
        sig.push(n.dtype() as u64);
        push_dims(&mut sig, n.shape());
        if let Some(r) = n.realized() {
            // Which earlier realized node shares this buffer: lowering reads shared buffers
            // once, so sharing is part of the structure.
            let ptr = Arc::as_ptr(&r.buffer);
            let class = match buffers.iter().find(|(p, _)| *p == ptr) {
                Some(&(_, c)) => c,
                None => {
                    buffers.push((ptr, i));
                    i
                }
            };
            sig.extend([u64::MAX, class as u64, r.layout.offset as u64]);
            sig.extend(r.layout.strides.iter().map(|&s| s as u64));
        } else {
            encode_op(&mut sig, n.op());
            let count = sig.len();
            sig.push(0);
            let mut known = true;
            n.for_each_input(|input| match position(&pos, input.id()) {
                Some(p) => sig.push(p as u64),
                None => known = false,
            });
            if !known {
                return None;
            }
            sig[count] = (sig.len() - count - 1) as u64;
        }
    }
    sig.push(roots.len() as u64);
    for r in roots {
        sig.push(position(&pos, r.id())? as u64);
    }
    Some(sig)
}

fn push_dims(sig: &mut Vec<u64>, dims: &[usize]) {
    sig.push(dims.len() as u64);
    sig.extend(dims.iter().map(|&d| d as u64));
}

fn push_scalar(sig: &mut Vec<u64>, s: &Scalar) {
    let bits = scalar_bits(*s);
    sig.extend([s.dtype() as u64, bits as u64, (bits >> 64) as u64]);
}

/// An exact encoding of an op (scalars by their bits).
fn encode_op(sig: &mut Vec<u64>, op: &Op) {
    match op {
        Op::Leaf => sig.push(1),
        Op::Full(s) => {
            sig.push(2);
            push_scalar(sig, s);
        }
        Op::Arange { start, step } => {
            sig.push(3);
            push_scalar(sig, start);
            push_scalar(sig, step);
        }
        Op::Cast => sig.push(4),
        Op::Unary(u) => sig.extend([5, *u as u64]),
        Op::Binary(b) => sig.extend([6, *b as u64]),
        Op::Where => sig.push(7),
        Op::Reduce { op, axes, keepdims } => {
            sig.extend([8, *op as u64, u64::from(*keepdims)]);
            push_dims(sig, axes);
        }
        Op::ArgReduce { op, axis } => sig.extend([9, *op as u64, *axis as u64]),
        Op::Scan { op, axis } => sig.extend([10, *op as u64, *axis as u64]),
        Op::View(v) => {
            sig.push(11);
            match v {
                ViewOp::Reshape(d) => {
                    sig.push(1);
                    push_dims(sig, d);
                }
                ViewOp::Permute(d) => {
                    sig.push(2);
                    push_dims(sig, d);
                }
                ViewOp::Broadcast(d) => {
                    sig.push(3);
                    push_dims(sig, d);
                }
                ViewOp::Slice(specs) => {
                    sig.extend([4, specs.len() as u64]);
                    for &(start, step, len) in specs {
                        sig.extend([start as u64, step as u64, len as u64]);
                    }
                }
                ViewOp::Diagonal(k) => sig.extend([5, *k as u64]),
            }
        }
        Op::MatMul => sig.push(13),
        Op::Concat { axis } => sig.extend([14, *axis as u64]),
        Op::Sort { axis } => sig.extend([15, *axis as u64]),
        Op::ArgSort { axis } => sig.extend([16, *axis as u64]),
        Op::Select { axis, positions } => {
            sig.extend([19, *axis as u64]);
            push_dims(sig, positions);
        }
        Op::Partition { axis, kth, arg } => {
            sig.extend([20, *axis as u64, *arg as u64]);
            push_dims(sig, kth);
        }
        Op::Gather {
            name,
            axes,
            at,
            mode,
        } => {
            sig.extend([17, *at as u64, *mode as u64]);
            push_dims(sig, axes);
            // The name only shapes error messages, but equal signatures must mean equal ops.
            sig.extend(name.bytes().map(u64::from));
        }
        Op::Scatter { op } => sig.extend([18, *op as u64]),
        Op::Pad {
            before,
            after,
            value,
        } => {
            sig.push(12);
            push_dims(sig, before);
            push_dims(sig, after);
            push_scalar(sig, value);
        }
    }
}
